/* vs_hash: SHA-256 (OpenSSL libcrypto) for panel identity and model hashes. */
#ifndef VS_HASH_H
#define VS_HASH_H

#include <stddef.h>

typedef struct vs_sha256_t vs_sha256_t;

vs_sha256_t *vs_sha256_new(void);
void vs_sha256_add(vs_sha256_t *h, const void *data, size_t n);
void vs_sha256_addstr(vs_sha256_t *h, const char *s);
/* Writes 64 hex digits and a NUL into hex, and frees h. */
void vs_sha256_end(vs_sha256_t *h, char hex[65]);
void vs_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
