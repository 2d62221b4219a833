/*
 * curlloop: the network-stack floor for the per-call benchmarks.  One libcurl
 * easy handle (so one keep-alive connection) POSTs the same request in a loop
 * and reads every answer in full.  Benchmark tool, not part of the SDK.
 *
 *   curlloop URL --header-file F --body-file F [--encrypt-pem F --password-file F]
 *   curlloop --version
 *
 * --header-file: one "Name: value" per line.  "Expect:" is always added, so
 *   libcurl never waits for a "100 Continue".
 * --encrypt-pem/--password-file: the body file must contain the placeholder
 *   @@PASSWORD@@; every call RSA-encrypts the password (PKCS#1 v1.5, key parsed
 *   once) and substitutes its base64, as a login does.
 *
 * Commands, one per line on stdin; one answer line each on stdout:
 *   run N    -> "ok <total ns> <ns per call>"   (N calls, CLOCK_MONOTONIC)
 *   run N KB -> the same, each call followed by reading KB kilobytes of a buffer (a
 *               byte per 64-byte cache line): work that moves that much memory
 *               through the caches between two calls, as an interpreter does
 *   walk N KB -> "ok ..." for that reading alone, N times (its own cost)
 *   check    -> "body <len>" + the body bytes + "\n"   (one call)
 *   version  -> "version <libcurl version> | <OpenSSL version>"
 *   quit     (or end of input)
 * Failures answer "error <message>".
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CL_PLACEHOLDER "@@PASSWORD@@"

typedef struct cl_buf {
    char *data;
    size_t len, cap;
} cl_buf;

typedef struct cl_loop {
    CURL *curl;
    struct curl_slist *headers;
    char *body;            /* request body, or the template when encrypting */
    size_t body_len;
    EVP_PKEY_CTX *enc;     /* non-NULL: encrypt per call */
    char *password;
    size_t password_len;
    size_t split;          /* placeholder offset in body */
    cl_buf req;            /* per-call body when encrypting */
    cl_buf resp;
    unsigned char *walk;   /* `run N KB` / `walk N KB`: the buffer read between calls */
    size_t walk_len;
    char errbuf[CURL_ERROR_SIZE];
    char msg[512];
} cl_loop;

static int
cl_buf_reserve(cl_buf *b, size_t extra)
{
    size_t cap;
    char *p;
    if (b->len + extra <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 65536;
    while (cap < b->len + extra)
        cap *= 2;
    p = realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static size_t
cl_on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cl_buf *b = userdata;
    size_t n = size * nmemb;
    if (cl_buf_reserve(b, n) < 0)
        return 0; /* makes libcurl fail the transfer */
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

static int
cl_read_file(const char *path, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    cl_buf b = {0};
    int rc = -1;
    if (f == NULL) {
        fprintf(stderr, "curlloop: cannot open %s\n", path);
        return -1;
    }
    for (;;) {
        size_t n;
        if (cl_buf_reserve(&b, 65536 + 1) < 0)
            goto done;
        n = fread(b.data + b.len, 1, 65536, f);
        b.len += n;
        if (n < 65536)
            break;
    }
    if (ferror(f))
        goto done;
    b.data[b.len] = '\0';
    *out = b.data;
    *out_len = b.len;
    b.data = NULL;
    rc = 0;
done:
    free(b.data);
    fclose(f);
    return rc;
}

static void
cl_openssl_msg(cl_loop *lp, const char *what)
{
    unsigned long e = ERR_get_error();
    char tmp[256] = "unknown error";
    if (e != 0)
        ERR_error_string_n(e, tmp, sizeof tmp);
    ERR_clear_error();
    snprintf(lp->msg, sizeof lp->msg, "%s: %s", what, tmp);
}

/* Build the per-call body: template with a fresh encrypted password. */
static int
cl_encrypt_body(cl_loop *lp)
{
    unsigned char ct[1024];
    unsigned char b64[1400];
    size_t ct_len = sizeof ct;
    int b64_len;
    size_t tail = lp->body_len - lp->split - (sizeof CL_PLACEHOLDER - 1);

    if (EVP_PKEY_encrypt(lp->enc, ct, &ct_len, (const unsigned char *)lp->password, lp->password_len) <= 0) {
        cl_openssl_msg(lp, "EVP_PKEY_encrypt");
        return -1;
    }
    if (ct_len > 1024) {
        snprintf(lp->msg, sizeof lp->msg, "ciphertext too long");
        return -1;
    }
    b64_len = EVP_EncodeBlock(b64, ct, (int)ct_len);
    lp->req.len = 0;
    if (cl_buf_reserve(&lp->req, lp->split + (size_t)b64_len + tail) < 0) {
        snprintf(lp->msg, sizeof lp->msg, "out of memory");
        return -1;
    }
    memcpy(lp->req.data, lp->body, lp->split);
    memcpy(lp->req.data + lp->split, b64, (size_t)b64_len);
    memcpy(lp->req.data + lp->split + (size_t)b64_len, lp->body + lp->split + sizeof CL_PLACEHOLDER - 1, tail);
    lp->req.len = lp->split + (size_t)b64_len + tail;
    curl_easy_setopt(lp->curl, CURLOPT_POSTFIELDS, lp->req.data);
    curl_easy_setopt(lp->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)lp->req.len);
    return 0;
}

static int
cl_call(cl_loop *lp)
{
    CURLcode rc;
    long status = 0;

    if (lp->enc != NULL && cl_encrypt_body(lp) < 0)
        return -1;
    lp->resp.len = 0;
    rc = curl_easy_perform(lp->curl);
    if (rc != CURLE_OK) {
        snprintf(lp->msg, sizeof lp->msg, "curl: %s", lp->errbuf[0] ? lp->errbuf : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(lp->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 || lp->resp.len == 0) {
        snprintf(lp->msg, sizeof lp->msg, "HTTP status %ld, %zu body bytes", status, lp->resp.len);
        return -1;
    }
    return 0;
}

static int
cl_setup(cl_loop *lp, const char *url, const char *header_file, const char *body_file, const char *pem_file,
         const char *password_file)
{
    char *hdrs = NULL, *pem = NULL, *line, *save = NULL;
    size_t hdrs_len, pem_len;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    int rc = -1;

    if (cl_read_file(header_file, &hdrs, &hdrs_len) < 0 || cl_read_file(body_file, &lp->body, &lp->body_len) < 0)
        goto done;
    for (line = strtok_r(hdrs, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        struct curl_slist *next = curl_slist_append(lp->headers, line);
        if (next == NULL)
            goto done;
        lp->headers = next;
    }
    {
        struct curl_slist *next = curl_slist_append(lp->headers, "Expect:");
        if (next == NULL)
            goto done;
        lp->headers = next;
    }
    if (pem_file != NULL) {
        char *ph = strstr(lp->body, CL_PLACEHOLDER);
        if (password_file == NULL || ph == NULL) {
            fprintf(stderr, "curlloop: --encrypt-pem needs --password-file and " CL_PLACEHOLDER " in the body\n");
            goto done;
        }
        lp->split = (size_t)(ph - lp->body);
        if (cl_read_file(password_file, &lp->password, &lp->password_len) < 0 || cl_read_file(pem_file, &pem, &pem_len) < 0)
            goto done;
        bio = BIO_new_mem_buf(pem, (int)pem_len);
        pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        lp->enc = pkey ? EVP_PKEY_CTX_new(pkey, NULL) : NULL;
        if (lp->enc == NULL || EVP_PKEY_encrypt_init(lp->enc) <= 0
            || EVP_PKEY_CTX_set_rsa_padding(lp->enc, RSA_PKCS1_PADDING) <= 0) {
            cl_openssl_msg(lp, "loading the public key");
            fprintf(stderr, "curlloop: %s\n", lp->msg);
            goto done;
        }
    }
    lp->curl = curl_easy_init();
    if (lp->curl == NULL)
        goto done;
    curl_easy_setopt(lp->curl, CURLOPT_URL, url);
    curl_easy_setopt(lp->curl, CURLOPT_HTTPHEADER, lp->headers);
    curl_easy_setopt(lp->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(lp->curl, CURLOPT_POSTFIELDS, lp->body);
    curl_easy_setopt(lp->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)lp->body_len);
    curl_easy_setopt(lp->curl, CURLOPT_WRITEFUNCTION, cl_on_body);
    curl_easy_setopt(lp->curl, CURLOPT_WRITEDATA, &lp->resp);
    curl_easy_setopt(lp->curl, CURLOPT_ERRORBUFFER, lp->errbuf);
    curl_easy_setopt(lp->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(lp->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(lp->curl, CURLOPT_TIMEOUT_MS, 10000L);
    rc = 0;
done:
    free(hdrs);
    free(pem);
    BIO_free(bio);
    EVP_PKEY_free(pkey); /* the context holds its own reference */
    return rc;
}

static long long
cl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Read one byte of every 64 of the first `len` bytes of the walk buffer (grown to
 * `len` first; 0 = nothing).  -1 when it cannot be allocated. */
static int
cl_walk(cl_loop *lp, size_t len)
{
    static volatile unsigned sink;
    unsigned acc = 0;

    if (len > lp->walk_len) {
        unsigned char *p = realloc(lp->walk, len);
        if (p == NULL)
            return -1;
        memset(p, 1, len);
        lp->walk = p;
        lp->walk_len = len;
    }
    for (size_t i = 0; i < len; i += 64)
        acc += lp->walk[i];
    sink += acc;
    return 0;
}

int
main(int argc, char **argv)
{
    cl_loop lp;
    const char *url = NULL, *header_file = NULL, *body_file = NULL, *pem_file = NULL, *password_file = NULL;
    char line[256];
    int i, rc = 1;

    memset(&lp, 0, sizeof lp);
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("libcurl/%s | %s\n", curl_version_info(CURLVERSION_NOW)->version, OpenSSL_version(OPENSSL_VERSION));
        return 0;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--header-file") == 0 && i + 1 < argc)
            header_file = argv[++i];
        else if (strcmp(argv[i], "--body-file") == 0 && i + 1 < argc)
            body_file = argv[++i];
        else if (strcmp(argv[i], "--encrypt-pem") == 0 && i + 1 < argc)
            pem_file = argv[++i];
        else if (strcmp(argv[i], "--password-file") == 0 && i + 1 < argc)
            password_file = argv[++i];
        else if (argv[i][0] != '-' && url == NULL)
            url = argv[i];
        else
            url = NULL, i = argc;
    }
    if (url == NULL || header_file == NULL || body_file == NULL) {
        fprintf(stderr, "usage: curlloop URL --header-file F --body-file F [--encrypt-pem F --password-file F]\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curlloop: curl_global_init failed\n");
        return 1;
    }
    if (cl_setup(&lp, url, header_file, body_file, pem_file, password_file) < 0)
        goto done;

    while (fgets(line, sizeof line, stdin) != NULL) {
        int walk_only = strncmp(line, "walk ", 5) == 0;
        if (strncmp(line, "run ", 4) == 0 || walk_only) {
            char *stop;
            long long n = strtoll(line + (walk_only ? 5 : 4), &stop, 10), k;
            long long kb = 0;
            long long t0, t1;
            if (*stop == ' ')
                kb = strtoll(stop + 1, &stop, 10);
            if (n <= 0 || kb < 0 || kb > (1 << 20) || (*stop != '\n' && *stop != '\0')
                || cl_walk(&lp, (size_t)kb * 1024) < 0) {
                printf("error bad count\n");
                fflush(stdout);
                continue;
            }
            t0 = cl_now_ns();
            for (k = 0; k < n; k++) {
                if (!walk_only && cl_call(&lp) < 0)
                    break;
                if (kb > 0)
                    (void)cl_walk(&lp, (size_t)kb * 1024);
            }
            t1 = cl_now_ns();
            if (k < n)
                printf("error %s\n", lp.msg);
            else
                printf("ok %lld %.1f\n", t1 - t0, (double)(t1 - t0) / (double)n);
        } else if (strcmp(line, "check\n") == 0) {
            if (cl_call(&lp) < 0) {
                printf("error %s\n", lp.msg);
            } else {
                printf("body %zu\n", lp.resp.len);
                fwrite(lp.resp.data, 1, lp.resp.len, stdout);
                putchar('\n');
            }
        } else if (strcmp(line, "version\n") == 0) {
            printf("version libcurl/%s | %s\n", curl_version_info(CURLVERSION_NOW)->version,
                   OpenSSL_version(OPENSSL_VERSION));
        } else if (strcmp(line, "quit\n") == 0) {
            break;
        } else {
            printf("error unknown command\n");
        }
        fflush(stdout);
    }
    rc = 0;
done:
    if (lp.curl != NULL)
        curl_easy_cleanup(lp.curl);
    curl_slist_free_all(lp.headers);
    EVP_PKEY_CTX_free(lp.enc);
    if (lp.password != NULL)
        OPENSSL_cleanse(lp.password, lp.password_len);
    free(lp.password);
    free(lp.body);
    free(lp.req.data);
    free(lp.resp.data);
    free(lp.walk);
    curl_global_cleanup();
    return rc;
}
