#include "vs_hash.h"
#include "vs_err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

struct vs_sha256_t { EVP_MD_CTX *ctx; };

vs_sha256_t *vs_sha256_new(void)
{
    vs_sha256_t *h = vs_malloc(sizeof *h);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        vs_fatal("cannot initialise SHA-256 (OpenSSL)");
    return h;
}

void vs_sha256_add(vs_sha256_t *h, const void *data, size_t n)
{
    EVP_DigestUpdate(h->ctx, data, n);
}

void vs_sha256_addstr(vs_sha256_t *h, const char *s) { vs_sha256_add(h, s, strlen(s)); }

void vs_sha256_end(vs_sha256_t *h, char hex[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

void vs_sha256_hex(const void *data, size_t n, char hex[65])
{
    vs_sha256_t *h = vs_sha256_new();
    vs_sha256_add(h, data, n);
    vs_sha256_end(h, hex);
}
