/*
 * digest.h - SHA-256 of a block of bytes, as hex (the manifest of a packed
 * submission, see pack.h) or base64 (the Content-Security-Policy hash of
 * the HTML report's own script and style, see report_html.h).
 *
 * The hashing is nettle's (Debian's nettle-dev; libarchive links nettle
 * already), never our own: a digest is only worth something when the
 * implementation is one many people check.
 *
 * Ownership: digest_sha256_hex fills the caller's buffer;
 * digest_sha256_base64 returns a new string the caller frees.
 */
#ifndef RL_DIGEST_H
#define RL_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA256_HEX_SIZE 65 /* 64 lowercase hex digits and the NUL */

/* Writes the SHA-256 of data[0..len) as 64 lowercase hex digits. */
void digest_sha256_hex(const void *data, size_t len, char out[DIGEST_SHA256_HEX_SIZE]);

/* The SHA-256 of data[0..len) in standard base64 with padding (44
 * characters), as CSP's 'sha256-...' source wants it. New string. */
char *digest_sha256_base64(const void *data, size_t len);

#endif
