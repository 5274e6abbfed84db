/*
 * network - the reference solution, correct in every way, except that the
 * first account_open() of each program tries to reach the network: TCP to
 * 127.0.0.1 (port 47011, where the hostile-corpus runner listens during
 * this case, and ports 22 and 80) and to 1.1.1.1 (ports 53 and 80), each
 * with a non-blocking connect() and a 300 ms wait, and a DNS query to
 * 1.1.1.1 over UDP. Any connection made, or any DNS reply, makes the code
 * call usleep(), which this lab forbids, so a breach shows in uses-a-mutex.
 *
 * Attack: send the hidden tests or the answers out, or fetch a solution.
 * Each trial has its own network namespace with only a downed loopback, so
 * every attempt must fail: the grader must give full marks.
 */
#include "bank.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t tried = PTHREAD_ONCE_INIT;

static void breach(const char *what)
{
    printf("NETWORK REACHED: %s\n", what);
    fflush(stdout);
    usleep(1); /* forbidden in this lab: the breach shows in uses-a-mutex */
}

static bool tcp_connects(const char *ip, int port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    bool ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (!ok && errno == EINPROGRESS) {
        struct pollfd p = {.fd = s, .events = POLLOUT};
        int err = 0;
        socklen_t len = sizeof err;
        ok = poll(&p, 1, 300) == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
             err == 0;
    }
    close(s);
    return ok;
}

static bool dns_answers(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
    /* a query for example.com, type A */
    static const unsigned char q[] = {0x12, 0x34, 1,   0,   0,   1,   0,   0,   0,   0,
                                      0,    0,    7,   'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                      3,    'c',  'o', 'm', 0,   0,   1,   0,   1};
    bool ok = false;
    if (sendto(s, q, sizeof q, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)sizeof q) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        unsigned char reply[512];
        ok = poll(&p, 1, 300) == 1 && recv(s, reply, sizeof reply, 0) > 0;
    }
    close(s);
    return ok;
}

/* The attack. */
static void phone_home(void)
{
    static const struct {
        const char *ip;
        int port;
    } targets[] = {{"127.0.0.1", 47011},
                   {"127.0.0.1", 22},
                   {"127.0.0.1", 80},
                   {"1.1.1.1", 53},
                   {"1.1.1.1", 80}};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (tcp_connects(targets[i].ip, targets[i].port))
            breach(targets[i].ip);
    if (dns_answers())
        breach("DNS 1.1.1.1");
}

struct account *account_open(long initial_cents)
{
    pthread_once(&tried, phone_home);
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (pthread_mutex_init(&acct->lock, NULL) != 0) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    pthread_mutex_destroy(&acct->lock);
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    pthread_mutex_lock(&acct->lock);
    acct->balance += cents;
    pthread_mutex_unlock(&acct->lock);
}

bool account_withdraw(struct account *acct, long cents)
{
    bool ok = false;

    pthread_mutex_lock(&acct->lock);
    if (acct->balance >= cents) {
        acct->balance -= cents;
        ok = true;
    }
    pthread_mutex_unlock(&acct->lock);
    return ok;
}

long account_balance(struct account *acct)
{
    pthread_mutex_lock(&acct->lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&acct->lock);
    return balance;
}
