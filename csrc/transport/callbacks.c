/*
 * callbacks.c - libcurl callbacks.  They run on the requesting thread with the
 * GIL released, so they only touch C memory: they append to the request's
 * apw_xfer buffers (within its limits), count send attempts, keep the
 * session's socket list, and lock the share.
 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

void
apw_xfer_release(apw_xfer *x)
{
    free(x->body);
    free(x->hdrs);
    x->body = NULL;
    x->hdrs = NULL;
    x->body_len = x->body_cap = 0;
    x->hdrs_len = x->hdrs_cap = 0;
}

/* Grow *buf to hold at least `need` bytes (+1 for a terminating NUL). */
static int
apw_reserve(char **buf, size_t *cap, size_t need)
{
    size_t ncap;
    char *nbuf;

    if (need + 1 <= *cap) {
        return 0;
    }
    ncap = *cap ? *cap : 4096;
    while (ncap < need + 1) {
        ncap *= 2;
    }
    nbuf = realloc(*buf, ncap);
    if (nbuf == NULL) {
        return -1;
    }
    *buf = nbuf;
    *cap = ncap;
    return 0;
}

size_t
apw_cb_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    apw_xfer *x = userdata;
    size_t n = size * nmemb;

    /* libcurl hands us decompressed data: the limit applies to what we keep. */
    if (n > x->max_body - x->body_len) {
        x->body_too_large = 1;
        return 0;                       /* aborts with CURLE_WRITE_ERROR */
    }
    if (apw_reserve(&x->body, &x->body_cap, x->body_len + n) < 0) {
        return 0;
    }
    memcpy(x->body + x->body_len, ptr, n);
    x->body_len += n;
    x->body[x->body_len] = '\0';
    return n;
}

/* The value of header line `line` (n bytes) if its name is `name` (lower
 * case, with the colon), trimmed; NULL otherwise. */
static const char *
apw_header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
    size_t k = strlen(name);
    size_t i;
    size_t end = n;

    if (n <= k || strncasecmp(line, name, k) != 0) {
        return NULL;
    }
    for (i = k; i < n && (line[i] == ' ' || line[i] == '\t'); i++) {
    }
    while (end > i && (line[end - 1] == '\r' || line[end - 1] == '\n' ||
                       line[end - 1] == ' ' || line[end - 1] == '\t')) {
        end--;
    }
    *vlen = end - i;
    return line + i;
}

/* Pre-size the body buffer from Content-Length (saves reallocs and copies);
 * never beyond the body limit. */
static void
apw_size_hint(apw_xfer *x, const char *line, size_t n)
{
    size_t vlen = 0;
    const char *v = apw_header_value(line, n, "content-length:", &vlen);
    unsigned long long len = 0;

    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < vlen && v[i] >= '0' && v[i] <= '9'; i++) {
        len = len * 10 + (unsigned long long)(v[i] - '0');
        if (len > x->max_body) {
            return;
        }
    }
    if (len > 0) {
        (void)apw_reserve(&x->body, &x->body_cap, (size_t)len);
    }
}

size_t
apw_cb_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    apw_xfer *x = userdata;
    size_t n = size * nmemb;
    size_t vlen = 0;
    const char *v;

    /* A status line starts a new response (after 100 Continue). */
    if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
        x->hdrs_len = 0;
        x->hdrs_total = 0;
        x->headers_done = 0;
        x->retry_after[0] = '\0';
        x->request_id[0] = '\0';
    }
    x->hdrs_total += n;
    if (x->hdrs_total > x->max_headers) {
        x->headers_too_large = 1;
        return 0;                       /* aborts with CURLE_WRITE_ERROR */
    }
    if (n <= 2 && (ptr[0] == '\r' || ptr[0] == '\n')) {
        x->headers_done = 1;            /* the blank line ending the block */
        return n;
    }
    apw_size_hint(x, ptr, n);
    v = apw_header_value(ptr, n, "retry-after:", &vlen);
    if (v != NULL && vlen < sizeof(x->retry_after)) {
        memcpy(x->retry_after, v, vlen);
        x->retry_after[vlen] = '\0';
    }
    else if (v == NULL &&
             (v = apw_header_value(ptr, n, APW_REQUEST_ID_HEADER, &vlen)) != NULL &&
             vlen < sizeof(x->request_id)) {
        memcpy(x->request_id, v, vlen);
        x->request_id[vlen] = '\0';
    }
    if (!x->keep_headers || (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0)) {
        return n;
    }
    if (apw_reserve(&x->hdrs, &x->hdrs_cap, x->hdrs_len + n) < 0) {
        return 0;
    }
    memcpy(x->hdrs + x->hdrs_len, ptr, n);
    x->hdrs_len += n;
    x->hdrs[x->hdrs_len] = '\0';
    return n;
}

/* Called each time libcurl is about to send the request on a connection (new
 * or reused).  A second call means libcurl is resending it: its reused
 * connection closed without an answer.  Allowed once for an idempotent
 * request (the second try is on a fresh connection); refused for any other,
 * because the first send may have been applied. */
int
apw_cb_prereq(void *clientp, char *conn_primary_ip, char *conn_local_ip,
              int conn_primary_port, int conn_local_port)
{
    apw_xfer *x = clientp;

    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    if (x == NULL) {
        return CURL_PREREQFUNC_OK;
    }
    x->attempts++;
    if (x->attempts > 1 && (!x->idempotent || x->attempts > 2)) {
        x->resend_refused = 1;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

/* ------------------------------------------------------------------ sockets */

void
apw_fdset_destroy(apw_fdset *set)
{
    free(set->fds);
    set->fds = NULL;
    set->len = set->cap = 0;
    (void)pthread_mutex_destroy(&set->lock);
}

static int
apw_fdset_add(apw_fdset *set, int fd)
{
    int rc = 0;

    pthread_mutex_lock(&set->lock);
    if (set->len == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 16;
        int *nfds = realloc(set->fds, ncap * sizeof(int));
        if (nfds == NULL) {
            rc = -1;
            goto done;
        }
        set->fds = nfds;
        set->cap = ncap;
    }
    set->fds[set->len++] = fd;
done:
    pthread_mutex_unlock(&set->lock);
    return rc;
}

static void
apw_fdset_remove(apw_fdset *set, int fd)
{
    pthread_mutex_lock(&set->lock);
    for (size_t i = 0; i < set->len; i++) {
        if (set->fds[i] == fd) {
            set->fds[i] = set->fds[--set->len];
            break;
        }
    }
    pthread_mutex_unlock(&set->lock);
}

curl_socket_t
apw_cb_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    ApwSession *s = clientp;
    int fd;

    if (purpose != CURLSOCKTYPE_IPCXN) {
        return CURL_SOCKET_BAD;
    }
    fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) {
        return CURL_SOCKET_BAD;
    }
    if (apw_fdset_add(&s->fds, fd) < 0) {
        close(fd);
        return CURL_SOCKET_BAD;
    }
    return fd;
}

int
apw_cb_closesocket(void *clientp, curl_socket_t fd)
{
    ApwSession *s = clientp;

    apw_fdset_remove(&s->fds, fd);
    return close(fd);
}

/* ------------------------------------------------------------------ share */

void
apw_cb_share_lock(CURL *handle, curl_lock_data data, curl_lock_access access,
                  void *userptr)
{
    ApwSession *s = userptr;

    (void)handle;
    (void)access;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) {
        pthread_mutex_lock(&s->share_locks[data]);
    }
}

void
apw_cb_share_unlock(CURL *handle, curl_lock_data data, void *userptr)
{
    ApwSession *s = userptr;

    (void)handle;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) {
        pthread_mutex_unlock(&s->share_locks[data]);
    }
}
