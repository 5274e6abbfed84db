/*
 * digest.c - SHA-256 through nettle (see digest.h).
 */
#include "digest.h"

#include "util.h"

#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <stdint.h>

static void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

void digest_sha256_hex(const void *data, size_t len, char out[DIGEST_SHA256_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256(data, len, d);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * SHA256_DIGEST_SIZE] = '\0';
}

char *digest_sha256_base64(const void *data, size_t len)
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256(data, len, d);
    char *out = xmalloc(BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1);
    base64_encode_raw(out, SHA256_DIGEST_SIZE, d);
    out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
    return out;
}
