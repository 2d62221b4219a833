/*
 * http.c - the Session type: a thread-safe pool of libcurl handles, the
 * perform loop, request() and the one-trip graphql().
 *
 * Design
 * - A Session is shared by every thread of a client (the documented pattern is
 *   one global ManagementClient in a threaded web server).  Each transfer takes
 *   a slot (easy + multi handle) from a LIFO idle stack, or makes one, and
 *   gives it back afterwards: a thread never shares a handle, and sequential
 *   calls reuse the warmest slot and therefore its keep-alive connection.
 * - Connections live in each slot's multi handle.  DNS and TLS sessions are in
 *   a CURLSH shared by all slots (with a mutex per lock kind).  The connection
 *   cache is deliberately NOT shared: libcurl documents that sharing it between
 *   threads that run transfers concurrently is unsupported (curl #4915).
 * - The GIL is released while libcurl works.  The wait loop drives the multi
 *   handle with curl_multi_poll().  On the thread that runs Python's signal
 *   handlers (the main thread of the main interpreter) it waits in slices of
 *   APW_SIGNAL_POLL_MS and takes the GIL between slices only to run
 *   PyErr_CheckSignals(), so Ctrl-C interrupts a request within ~50 ms and
 *   raises KeyboardInterrupt.  Other threads cannot receive signals and never
 *   take the GIL while they wait.
 * - A request is sent at most once unless it is idempotent.  libcurl resends a
 *   request by itself when the reused connection it went out on closes with no
 *   answer; the server may have read and applied it before closing.  The
 *   prerequest callback (apw_cb_prereq) sees every send: a second one is
 *   refused for a request that is not idempotent, and the call raises
 *   AmbiguousRequestError ("may have been applied"); an idempotent request
 *   (queries, GET) is let through once, on the fresh connection libcurl opens.
 *   This also covers bodiless requests, which a non-rewindable body would not.
 *   A liveness check before reuse (libcurl's own) narrows the window but
 *   cannot close it.
 * - Limits: the answer's body (after decompression) and header block are
 *   capped per Session (max_response_bytes, default 32 MiB; max_header_bytes,
 *   default 64 KiB); beyond them the transfer is aborted and
 *   ResponseTooLargeError raised.
 * - timeout_ms is per call (the Session's value is only the default), so
 *   clients that differ only in their timeout can share a Session.
 * - fork(): the pool remembers its pid.  The first use in a child detaches from
 *   every inherited socket by dup3()-ing /dev/null over it (the parent's
 *   connections and TLS sessions are never read, written or shut down by the
 *   child), frees the idle slots, and starts a fresh pool.  Slots that other
 *   parent threads had checked out at fork time are abandoned (their threads do
 *   not exist in the child, and a resolver thread they may own cannot be
 *   joined); that bounded memory is the price of never hanging.
 * - Errors never include request header values; URLs are redacted (errors.c).
 *   Argument values that cannot be sent raise ArgumentError (a ValueError).
 * - curl_global_init() runs when the first Session is made, not at import (the
 *   GIL serialises it with every other use of libcurl from this module).
 */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#define APW_DEFAULT_UA "approw-py-sdk"
#define APW_DOC_CACHE_MAX 512

/* ================================================================ arguments */

/* Non-negative milliseconds from an int (None -> `dflt`). */
static int
apw_ms_arg(apw_state *st, PyObject *obj, const char *name, long dflt, long *out)
{
    long v;

    if (obj == NULL || obj == Py_None) {
        *out = dflt;
        return 0;
    }
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int (milliseconds), not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (v < 0) {
        PyErr_Format(st->ArgumentError, "%s must be >= 0 (0 means no limit), got %ld", name, v);
        return -1;
    }
    *out = v;
    return 0;
}

/* A positive byte count from an int (NULL/None -> `dflt`). */
static int
apw_size_arg(apw_state *st, PyObject *obj, const char *name, size_t dflt, size_t *out)
{
    Py_ssize_t v;

    if (obj == NULL || obj == Py_None) {
        *out = dflt;
        return 0;
    }
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int (bytes), not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    v = PyLong_AsSsize_t(obj);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (v <= 0) {
        PyErr_Format(st->ArgumentError, "%s must be > 0, got %zd", name, v);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* A bool argument (NULL/None -> `dflt`). */
static int
apw_bool_arg(PyObject *obj, int dflt, int *out)
{
    int v;

    if (obj == NULL || obj == Py_None) {
        *out = dflt;
        return 0;
    }
    v = PyObject_IsTrue(obj);
    if (v < 0) {
        return -1;
    }
    *out = v;
    return 0;
}

/* UTF-8 of a str argument, rejecting embedded NUL bytes. */
static const char *
apw_str_arg(apw_state *st, PyObject *obj, const char *name, Py_ssize_t *len)
{
    const char *s;
    Py_ssize_t n;

    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(obj, &n);
    if (s == NULL) {
        return NULL;
    }
    if ((size_t)n != strlen(s)) {
        PyErr_Format(st->ArgumentError, "%s must not contain NUL characters", name);
        return NULL;
    }
    if (len != NULL) {
        *len = n;
    }
    return s;
}

/* ================================================================ headers */

static int
apw_header_name_ok(const char *s, Py_ssize_t n)
{
    if (n == 0) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == ':') {
            return 0;
        }
    }
    return 1;
}

static int
apw_header_value_ok(const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
            return 0;
        }
    }
    return 1;
}

/* Append "name: value" (or "name;" for an empty value, which is how libcurl is
 * told to send an empty header). */
static int
apw_header_append(apw_state *st, struct curl_slist **list, PyObject *name, PyObject *value,
                  int *has_ctype)
{
    const char *n;
    const char *v;
    Py_ssize_t nlen;
    Py_ssize_t vlen;
    char *line = NULL;
    struct curl_slist *nl;

    if (value == Py_None) {
        return 0;                       /* absent header */
    }
    if (!PyUnicode_Check(name) || !PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "header names and values must be str");
        return -1;
    }
    n = PyUnicode_AsUTF8AndSize(name, &nlen);
    if (n == NULL) {
        return -1;
    }
    v = PyUnicode_AsUTF8AndSize(value, &vlen);
    if (v == NULL) {
        return -1;
    }
    if (!apw_header_name_ok(n, nlen)) {
        PyErr_Format(st->ArgumentError, "invalid header name %R", name);
        return -1;
    }
    if (!apw_header_value_ok(v, vlen)) {
        /* The value may be a secret: name the header only. */
        PyErr_Format(st->ArgumentError,
                     "value of header %R contains CR, LF or NUL characters", name);
        return -1;
    }
    if (nlen == 12 && strncasecmp(n, "content-type", 12) == 0) {
        *has_ctype = 1;
    }
    line = PyMem_RawMalloc((size_t)nlen + (size_t)vlen + 3);
    if (line == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(line, n, (size_t)nlen);
    if (vlen == 0) {
        line[nlen] = ';';
        line[nlen + 1] = '\0';
    }
    else {
        line[nlen] = ':';
        line[nlen + 1] = ' ';
        memcpy(line + nlen + 2, v, (size_t)vlen);
        line[nlen + 2 + vlen] = '\0';
    }
    nl = curl_slist_append(*list, line);
    PyMem_RawFree(line);
    if (nl == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *list = nl;
    return 0;
}

/* Headers from a mapping or a sequence of (name, value) pairs; None = none. */
static int
apw_headers_from_py(apw_state *st, PyObject *headers, struct curl_slist **out, int *has_ctype)
{
    struct curl_slist *list = NULL;
    PyObject *seq = NULL;
    PyObject *items = NULL;

    *has_ctype = 0;
    if (headers == NULL || headers == Py_None) {
        goto finish;
    }
    if (PyDict_Check(headers)) {
        Py_ssize_t pos = 0;
        PyObject *k;
        PyObject *v;
        while (PyDict_Next(headers, &pos, &k, &v)) {
            if (apw_header_append(st, &list, k, v, has_ctype) < 0) {
                goto error;
            }
        }
        goto finish;
    }
    if (PyMapping_Check(headers) && !PyList_Check(headers) && !PyTuple_Check(headers)) {
        items = PyMapping_Items(headers);
        if (items == NULL) {
            goto error;
        }
        headers = items;
    }
    seq = PySequence_Fast(headers, "headers must be a mapping or a sequence of (name, value) pairs");
    if (seq == NULL) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError,
                            "headers must be a mapping or a sequence of (name, value) pairs");
            goto error;
        }
        if (apw_header_append(st, &list, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1),
                              has_ctype) < 0) {
            goto error;
        }
    }
finish:
    /* Never wait for "100 Continue" (servers that ignore Expect cost 1 s). */
    {
        struct curl_slist *nl = curl_slist_append(list, "Expect:");
        if (nl == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        list = nl;
    }
    Py_XDECREF(seq);
    Py_XDECREF(items);
    *out = list;
    return 0;
error:
    Py_XDECREF(seq);
    Py_XDECREF(items);
    curl_slist_free_all(list);
    return -1;
}

/* Response headers -> dict of lower-case name -> value (last one wins). */
static PyObject *
apw_headers_to_py(const apw_xfer *x)
{
    PyObject *dict = PyDict_New();
    size_t i = 0;

    if (dict == NULL) {
        return NULL;
    }
    while (i < x->hdrs_len) {
        const char *line = x->hdrs + i;
        size_t end = i;
        size_t colon;
        size_t vstart;
        size_t vend;
        char name[256];
        size_t nlen;
        PyObject *k;
        PyObject *v;
        int rc;

        while (end < x->hdrs_len && x->hdrs[end] != '\n') {
            end++;
        }
        colon = i;
        while (colon < end && x->hdrs[colon] != ':') {
            colon++;
        }
        nlen = colon - i;
        if (colon >= end || nlen == 0 || nlen >= sizeof(name)) {
            i = end + 1;
            continue;                   /* blank line, folded or odd line */
        }
        for (size_t j = 0; j < nlen; j++) {
            char c = line[j];
            name[j] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        vstart = colon + 1;
        vend = end;
        while (vstart < vend && (x->hdrs[vstart] == ' ' || x->hdrs[vstart] == '\t')) {
            vstart++;
        }
        while (vend > vstart && (x->hdrs[vend - 1] == '\r' || x->hdrs[vend - 1] == ' ' ||
                                 x->hdrs[vend - 1] == '\t')) {
            vend--;
        }
        k = PyUnicode_DecodeLatin1(name, (Py_ssize_t)nlen, NULL);
        v = PyUnicode_DecodeLatin1(x->hdrs + vstart, (Py_ssize_t)(vend - vstart), NULL);
        rc = (k != NULL && v != NULL) ? PyDict_SetItem(dict, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0) {
            Py_DECREF(dict);
            return NULL;
        }
        i = end + 1;
    }
    return dict;
}

/* ================================================================ pool */

static CURLSH *
apw_share_new(ApwSession *s)
{
    CURLSH *sh = curl_share_init();

    if (sh == NULL) {
        return NULL;
    }
    if (curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, apw_cb_share_lock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, apw_cb_share_unlock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_USERDATA, s) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(sh);
        return NULL;
    }
    return sh;
}

#define APW_SETOPT(h, opt, val)                                              \
    do {                                                                     \
        CURLcode apw_rc_ = curl_easy_setopt((h), (opt), (val));              \
        if (apw_rc_ != CURLE_OK) {                                           \
            return apw_rc_;                                                  \
        }                                                                    \
    } while (0)

/* Options that stay the same for every transfer of a handle: the session's
 * settings; `share` (may be NULL) and `fds` (where its sockets are listed). */
CURLcode
apw_easy_defaults(ApwSession *s, CURL *e, CURLSH *share, apw_fdset *fds)
{
    APW_SETOPT(e, CURLOPT_NOSIGNAL, 1L);
    if (share != NULL) {
        APW_SETOPT(e, CURLOPT_SHARE, share);
    }
    APW_SETOPT(e, CURLOPT_WRITEFUNCTION, apw_cb_write);
    APW_SETOPT(e, CURLOPT_HEADERFUNCTION, apw_cb_header);
    APW_SETOPT(e, CURLOPT_PREREQFUNCTION, apw_cb_prereq);
    APW_SETOPT(e, CURLOPT_OPENSOCKETFUNCTION, apw_cb_opensocket);
    APW_SETOPT(e, CURLOPT_OPENSOCKETDATA, (void *)fds);
    APW_SETOPT(e, CURLOPT_CLOSESOCKETFUNCTION, apw_cb_closesocket);
    APW_SETOPT(e, CURLOPT_CLOSESOCKETDATA, (void *)fds);
    APW_SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
    APW_SETOPT(e, CURLOPT_SSL_VERIFYPEER, s->verify ? 1L : 0L);
    APW_SETOPT(e, CURLOPT_SSL_VERIFYHOST, s->verify ? 2L : 0L);
    if (s->ca_file != NULL) {
        APW_SETOPT(e, CURLOPT_CAINFO, s->ca_file);
    }
    if (s->ca_given) {
        /* Only the bundle given: not also the system's hashed certificate directory. */
        APW_SETOPT(e, CURLOPT_CAPATH, (char *)NULL);
    }
    APW_SETOPT(e, CURLOPT_USERAGENT, s->user_agent);
    APW_SETOPT(e, CURLOPT_ACCEPT_ENCODING, "");
    APW_SETOPT(e, CURLOPT_TCP_KEEPALIVE, 1L);
    APW_SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    APW_SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    APW_SETOPT(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    return CURLE_OK;
}

static void
apw_slot_free(apw_slot *slot)
{
    if (slot->easy != NULL) {
        curl_easy_cleanup(slot->easy);
    }
    if (slot->multi != NULL) {
        curl_multi_cleanup(slot->multi);
    }
    PyMem_RawFree(slot);
}

static apw_slot *
apw_slot_new(ApwSession *s)
{
    apw_slot *slot = PyMem_RawCalloc(1, sizeof(*slot));

    if (slot == NULL) {
        return NULL;
    }
    slot->easy = curl_easy_init();
    slot->multi = curl_multi_init();
    if (slot->easy == NULL || slot->multi == NULL ||
        apw_easy_defaults(s, slot->easy, s->share, &s->fds) != CURLE_OK) {
        apw_slot_free(slot);
        return NULL;
    }
    return slot;
}

static void
apw_all_link(ApwSession *s, apw_slot *slot)
{
    slot->prev_all = NULL;
    slot->next_all = s->all;
    if (s->all != NULL) {
        s->all->prev_all = slot;
    }
    s->all = slot;
}

static void
apw_all_unlink(ApwSession *s, apw_slot *slot)
{
    if (slot->prev_all != NULL) {
        slot->prev_all->next_all = slot->next_all;
    }
    else {
        s->all = slot->next_all;
    }
    if (slot->next_all != NULL) {
        slot->next_all->prev_all = slot->prev_all;
    }
    slot->prev_all = slot->next_all = NULL;
}

/* Take the warmest idle slot or make a new one (NULL when out of memory). */
static apw_slot *
apw_pool_take(ApwSession *s)
{
    apw_slot *slot;

    pthread_mutex_lock(&s->lock);
    slot = s->idle;
    if (slot != NULL) {
        s->idle = slot->next_idle;
        slot->next_idle = NULL;
        s->n_idle--;
    }
    s->n_busy++;
    pthread_mutex_unlock(&s->lock);
    if (slot != NULL) {
        return slot;
    }
    slot = apw_slot_new(s);
    pthread_mutex_lock(&s->lock);
    if (slot == NULL) {
        s->n_busy--;
    }
    else {
        apw_all_link(s, slot);
    }
    pthread_mutex_unlock(&s->lock);
    return slot;
}

static void
apw_pool_give(ApwSession *s, apw_slot *slot, int reusable)
{
    pthread_mutex_lock(&s->lock);
    s->n_busy--;
    if (reusable && !s->closed && s->n_idle < s->max_idle) {
        slot->next_idle = s->idle;
        s->idle = slot;
        s->n_idle++;
        slot = NULL;
    }
    else {
        apw_all_unlink(s, slot);
    }
    pthread_mutex_unlock(&s->lock);
    if (slot != NULL) {
        apw_slot_free(slot);
    }
}

/* Free the idle slots (close their connections). */
static void
apw_pool_drain(ApwSession *s)
{
    apw_slot *list;

    pthread_mutex_lock(&s->lock);
    list = s->idle;
    s->idle = NULL;
    s->n_idle = 0;
    for (apw_slot *p = list; p != NULL; p = p->next_idle) {
        apw_all_unlink(s, p);
    }
    pthread_mutex_unlock(&s->lock);
    while (list != NULL) {
        apw_slot *next = list->next_idle;
        apw_slot_free(list);
        list = next;
    }
}

/* (Re-)initialise the session's mutexes.  After fork() this replaces locks
 * that a parent thread may have held; the socket list itself is kept. */
static int
apw_locks_init(ApwSession *s)
{
    if (pthread_mutex_init(&s->lock, NULL) != 0 ||
        pthread_mutex_init(&s->fds.lock, NULL) != 0) {
        return -1;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        if (pthread_mutex_init(&s->share_locks[i], NULL) != 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * First use in a forked child (GIL held; the child runs one thread).  See the
 * file comment.  Returns 0, or -1 with an exception set.
 */
static int
apw_session_after_fork(apw_state *st, ApwSession *s)
{
    int null_fd;
    CURLSH *fresh;

    /* Parent threads may have held these locks at fork time. */
    if (apw_locks_init(s) < 0) {
        PyErr_SetString(st->TransportError, "cannot re-initialise locks after fork()");
        return -1;
    }
    /* Detach: the inherited descriptors now refer to /dev/null, so nothing
     * below can read from, write to or shut down the parent's connections. */
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, "/dev/null");
        return -1;
    }
    for (size_t i = 0; i < s->fds.len; i++) {
        (void)dup3(null_fd, s->fds.fds[i], O_CLOEXEC);
    }
    close(null_fd);

    apw_pool_drain(s);                  /* closes the idle slots' stand-in descriptors */
    if (s->all != NULL) {
        /* Checked out by parent threads that do not exist here: abandon. */
        s->all = NULL;
        for (size_t i = 0; i < s->fds.len; i++) {
            close(s->fds.fds[i]);
        }
        s->fds.len = 0;
    }
    else if (s->share != NULL) {
        curl_share_cleanup(s->share);
    }
    s->share = NULL;
    s->n_busy = 0;
    ERR_clear_error();                  /* TLS teardown on /dev/null fails */

    fresh = apw_share_new(s);
    if (fresh == NULL) {
        PyErr_SetString(st->TransportError, "cannot create a libcurl share after fork()");
        return -1;
    }
    s->share = fresh;
    s->pid = getpid();
    return 0;
}

/* ================================================================ perform */

CURLcode
apw_easy_request(CURL *e, const apw_req *rq, apw_xfer *x, char *errbuf)
{
    APW_SETOPT(e, CURLOPT_URL, rq->url);
    APW_SETOPT(e, CURLOPT_WRITEDATA, (void *)x);
    APW_SETOPT(e, CURLOPT_HEADERDATA, (void *)x);
    APW_SETOPT(e, CURLOPT_PREREQDATA, (void *)x);
    APW_SETOPT(e, CURLOPT_ERRORBUFFER, errbuf);
    APW_SETOPT(e, CURLOPT_HTTPHEADER, rq->headers);
    APW_SETOPT(e, CURLOPT_TIMEOUT_MS, rq->timeout_ms);
    APW_SETOPT(e, CURLOPT_NOBODY, 0L);
    if (strcmp(rq->method, "HEAD") == 0) {
        APW_SETOPT(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
        APW_SETOPT(e, CURLOPT_NOBODY, 1L);
    }
    else if (rq->body != NULL) {
        APW_SETOPT(e, CURLOPT_POST, 1L);
        APW_SETOPT(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        APW_SETOPT(e, CURLOPT_POSTFIELDS, rq->body);
        APW_SETOPT(e, CURLOPT_CUSTOMREQUEST,
                   strcmp(rq->method, "POST") == 0 ? NULL : rq->method);
    }
    else {
        APW_SETOPT(e, CURLOPT_HTTPGET, 1L);
        APW_SETOPT(e, CURLOPT_CUSTOMREQUEST,
                   strcmp(rq->method, "GET") == 0 ? NULL : rq->method);
    }
    return CURLE_OK;
}

/* Forget pointers into the caller's stack and buffers. */
void
apw_easy_forget(CURL *e)
{
    (void)curl_easy_setopt(e, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_ERRORBUFFER, (char *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_PREREQDATA, (void *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_POSTFIELDS, (char *)NULL);
    (void)curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);   /* POSTFIELDS made it a POST */
}

static long
apw_elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - since->tv_sec) * 1000 +
           (long)(now.tv_nsec - since->tv_nsec) / 1000000;
}

/* 1 if the calling thread runs Python's signal handlers (the main thread of
 * the main interpreter), else 0.  GIL held.  The main thread's ident is asked
 * of the threading module once per process (a fork from another thread makes
 * that thread the child's main thread). */
static int
apw_handles_signals(apw_state *st, pid_t pid)
{
    PyObject *threading = NULL;
    PyObject *main = NULL;
    PyObject *ident = NULL;
    unsigned long value;

    if (PyInterpreterState_Get() != PyInterpreterState_Main()) {
        return 0;
    }
    if (st->main_pid != (long)pid) {
        threading = PyImport_ImportModule("threading");
        main = threading != NULL ? PyObject_CallMethod(threading, "main_thread", NULL) : NULL;
        ident = main != NULL ? PyObject_GetAttrString(main, "ident") : NULL;
        value = ident != NULL ? PyLong_AsUnsignedLong(ident) : (unsigned long)-1;
        Py_XDECREF(threading);
        Py_XDECREF(main);
        Py_XDECREF(ident);
        if (value == (unsigned long)-1 && PyErr_Occurred()) {
            /* Cannot tell: poll for signals, as every thread used to. */
            PyErr_Clear();
            return 1;
        }
        st->main_ident = value;
        st->main_pid = (long)pid;
    }
    return PyThread_get_thread_ident() == st->main_ident;
}

/* Raise the exception for a transfer that ended with `cc`. */
void
apw_raise_failed(apw_state *st, ApwSession *s, const apw_req *rq, const apw_xfer *x,
                 CURLcode cc, const char *errbuf)
{
    char what[256];

    if (x->resend_refused || cc == CURLE_SEND_FAIL_REWIND) {
        apw_raise_transport(st, st->AmbiguousRequestError,
                            "the connection closed after the request was sent and "
                            "before an answer came; it was not resent because it is "
                            "not idempotent, and it may have been applied",
                            cc, rq->url);
    }
    else if (x->body_too_large) {
        (void)PyOS_snprintf(what, sizeof(what),
                            "response body larger than max_response_bytes (%zu bytes, "
                            "counted after decompression)", s->max_response_bytes);
        apw_raise_transport(st, st->ResponseTooLargeError, what, cc, rq->url);
    }
    else if (x->headers_too_large) {
        (void)PyOS_snprintf(what, sizeof(what),
                            "response headers larger than max_header_bytes (%zu bytes)",
                            s->max_header_bytes);
        apw_raise_transport(st, st->ResponseTooLargeError, what, cc, rq->url);
    }
    else if (cc == CURLE_OUT_OF_MEMORY && !x->headers_done) {
        /* What libcurl reports for a single header line over its own limit. */
        apw_raise_transport(st, st->ResponseTooLargeError,
                            "a response header line is longer than libcurl accepts "
                            "(100 KiB)", cc, rq->url);
    }
    else {
        apw_raise_curl(st, cc, errbuf, rq->url);
    }
}

/*
 * Run one transfer.  Called and returns with the GIL held; releases it while
 * libcurl works.  0 with *status and `x` filled, or -1 with an exception set.
 */
static int
apw_perform(apw_state *st, ApwSession *s, const apw_req *rq, apw_xfer *x, long *status)
{
    apw_slot *slot;
    CURLcode cc = CURLE_OK;
    CURLMcode mc;
    int interrupted = 0;
    int signals;
    char errbuf[CURL_ERROR_SIZE];
    PyThreadState *ts;
    pid_t pid = getpid();

    if (s->closed) {
        PyErr_SetString(PyExc_ValueError, "request on a closed Session");
        return -1;
    }
    if (s->pid != pid && apw_session_after_fork(st, s) < 0) {
        return -1;
    }
    signals = apw_handles_signals(st, pid);
    x->max_body = s->max_response_bytes;
    x->max_headers = s->max_header_bytes;
    slot = apw_pool_take(s);
    if (slot == NULL) {
        PyErr_SetString(PyExc_MemoryError, "cannot create a libcurl handle");
        return -1;
    }
    errbuf[0] = '\0';
    cc = apw_easy_request(slot->easy, rq, x, errbuf);
    if (cc != CURLE_OK) {
        apw_easy_forget(slot->easy);
        apw_pool_give(s, slot, 1);
        apw_raise_curl(st, cc, errbuf, rq->url);
        return -1;
    }

    ts = PyEval_SaveThread();
    mc = curl_multi_add_handle(slot->multi, slot->easy);
    if (mc == CURLM_OK) {
        struct timespec last;
        int running = 1;
        CURLMsg *msg;
        int left;

        clock_gettime(CLOCK_MONOTONIC, &last);
        for (;;) {
            mc = curl_multi_perform(slot->multi, &running);
            if (mc != CURLM_OK || running == 0) {
                break;
            }
            mc = curl_multi_poll(slot->multi, NULL, 0,
                                 signals ? APW_SIGNAL_POLL_MS : APW_WAIT_SLICE_MS, NULL);
            if (mc != CURLM_OK) {
                break;
            }
            if (signals && apw_elapsed_ms(&last) >= APW_SIGNAL_POLL_MS) {
                int sig;
                clock_gettime(CLOCK_MONOTONIC, &last);
                PyEval_RestoreThread(ts);
                sig = PyErr_CheckSignals();
                ts = PyEval_SaveThread();
                if (sig < 0) {
                    interrupted = 1;
                    break;
                }
            }
        }
        while ((msg = curl_multi_info_read(slot->multi, &left)) != NULL) {
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == slot->easy) {
                cc = msg->data.result;
            }
        }
        (void)curl_multi_remove_handle(slot->multi, slot->easy);
    }
    if (!interrupted && mc == CURLM_OK && cc == CURLE_OK) {
        cc = curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, status);
    }
    apw_easy_forget(slot->easy);
    PyEval_RestoreThread(ts);

    /* An interrupted transfer leaves its connection mid-response: drop it. */
    apw_pool_give(s, slot, !interrupted);
    if (interrupted) {
        return -1;                      /* the signal handler's exception */
    }
    if (mc != CURLM_OK) {
        PyErr_Format(st->TransportError, "libcurl multi interface error: %s",
                     curl_multi_strerror(mc));
        return -1;
    }
    if (cc != CURLE_OK) {
        apw_raise_failed(st, s, rq, x, cc, errbuf);
        return -1;
    }
    return 0;
}

/* ================================================================ CA bundle */

/* Where distributions keep their bundle of trusted CA certificates.  A libcurl
 * carried in a wheel keeps the default of the system it was built on (Debian's
 * first path); on another distribution that file does not exist and every TLS
 * connection would fail, so a verifying Session looks here for one that does. */
static const char *const apw_ca_candidates[] = {
    "/etc/ssl/certs/ca-certificates.crt",                   /* Debian, Ubuntu, Arch, Gentoo */
    "/etc/pki/tls/certs/ca-bundle.crt",                     /* Fedora, RHEL */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",    /* CentOS, RHEL 7+ */
    "/etc/ssl/ca-bundle.pem",                               /* openSUSE */
    "/etc/pki/tls/cacert.pem",                              /* OpenELEC */
    "/etc/ssl/cert.pem",                                    /* Alpine */
    NULL,
};

/* A PyMem_RawMalloc'd copy of `path`, or NULL with MemoryError set. */
static char *
apw_strdup_raw(const char *path)
{
    size_t n = strlen(path) + 1;
    char *copy = PyMem_RawMalloc(n);

    if (copy == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, path, n);
    return copy;
}

/*
 * The CA file of a verifying Session given none (curl_global_init done):
 * $SSL_CERT_FILE when it names a readable file (OpenSSL's convention), else
 * libcurl's built-in default when it is readable, else the first readable
 * distribution bundle.  0 with *out a PyMem_RawMalloc'd path, or NULL when
 * nothing was found (libcurl's defaults then stay, and verification fails with
 * a TLSError naming the missing file); -1 with an exception set.
 */
static int
apw_default_ca_file(char **out)
{
    const char *env = getenv("SSL_CERT_FILE");
    const char *found = NULL;
    CURL *probe = NULL;
    int rc = 0;

    *out = NULL;
    if (env != NULL && env[0] != '\0' && access(env, R_OK) == 0) {
        found = env;
    }
#if LIBCURL_VERSION_NUM >= 0x075400
    if (found == NULL && (probe = curl_easy_init()) != NULL) {
        char *builtin = NULL;           /* libcurl's: copied below, before the cleanup */
        if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &builtin) == CURLE_OK &&
            builtin != NULL && access(builtin, R_OK) == 0) {
            found = builtin;
        }
    }
#endif
    for (int i = 0; found == NULL && apw_ca_candidates[i] != NULL; i++) {
        if (access(apw_ca_candidates[i], R_OK) == 0) {
            found = apw_ca_candidates[i];
        }
    }
    if (found != NULL && (*out = apw_strdup_raw(found)) == NULL) {
        rc = -1;
    }
    if (probe != NULL) {
        curl_easy_cleanup(probe);
    }
    return rc;
}

/* ================================================================ Session */

static int
apw_session_init(PyObject *op, PyObject *args, PyObject *kwds)
{
    ApwSession *self = (ApwSession *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    static char *kwlist[] = {"timeout_ms", "connect_timeout_ms", "verify", "ca_file",
                             "user_agent", "max_idle", "max_response_bytes",
                             "max_header_bytes", NULL};
    PyObject *timeout = NULL;
    PyObject *connect_timeout = NULL;
    int verify = 1;
    PyObject *ca_file = Py_None;
    PyObject *user_agent = Py_None;
    int max_idle = 8;
    PyObject *max_response = NULL;
    PyObject *max_headers = NULL;
    PyObject *ca_bytes = NULL;
    const char *ua;
    int rc = -1;

    if (st == NULL) {
        return -1;
    }
    if (self->initialized) {
        PyErr_SetString(PyExc_RuntimeError, "Session is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$OOpOOiOO:Session", kwlist, &timeout,
                                     &connect_timeout, &verify, &ca_file, &user_agent,
                                     &max_idle, &max_response, &max_headers)) {
        return -1;
    }
    if (apw_ms_arg(st, timeout, "timeout_ms", 10000, &self->timeout_ms) < 0 ||
        apw_ms_arg(st, connect_timeout, "connect_timeout_ms", 10000,
                   &self->connect_timeout_ms) < 0 ||
        apw_size_arg(st, max_response, "max_response_bytes", APW_DEFAULT_MAX_RESPONSE,
                     &self->max_response_bytes) < 0 ||
        apw_size_arg(st, max_headers, "max_header_bytes", APW_DEFAULT_MAX_HEADERS,
                     &self->max_header_bytes) < 0) {
        return -1;
    }
    if (max_idle < 0 || max_idle > 4096) {
        PyErr_Format(st->ArgumentError, "max_idle must be in 0..4096, got %d", max_idle);
        return -1;
    }
    self->verify = verify;
    self->max_idle = max_idle;

    if (ca_file != Py_None) {
        if (!PyUnicode_FSConverter(ca_file, &ca_bytes)) {
            return -1;
        }
        if (access(PyBytes_AS_STRING(ca_bytes), R_OK) != 0) {
            PyErr_Format(st->ArgumentError, "ca_file %R cannot be read: %s", ca_file,
                         strerror(errno));
            goto done;
        }
        self->ca_file = apw_strdup_raw(PyBytes_AS_STRING(ca_bytes));
        if (self->ca_file == NULL) {
            goto done;
        }
        self->ca_given = 1;
    }
    if (user_agent == Py_None) {
        ua = APW_DEFAULT_UA;
    }
    else if ((ua = apw_str_arg(st, user_agent, "user_agent", NULL)) == NULL) {
        goto done;
    }
    else if (!apw_header_value_ok(ua, (Py_ssize_t)strlen(ua))) {
        PyErr_SetString(st->ArgumentError, "user_agent contains CR or LF");
        goto done;
    }
    self->user_agent = PyMem_RawMalloc(strlen(ua) + 1);
    if (self->user_agent == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    strcpy(self->user_agent, ua);

    if (!st->curl_initialized) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            PyErr_SetString(st->TransportError, "curl_global_init() failed");
            goto done;
        }
        st->curl_initialized = 1;
    }
    if (self->verify && self->ca_file == NULL && apw_default_ca_file(&self->ca_file) < 0) {
        goto done;
    }
    if (apw_locks_init(self) < 0) {
        PyErr_SetString(PyExc_OSError, "cannot initialise mutexes");
        goto done;
    }
    self->share = apw_share_new(self);
    if (self->share == NULL) {
        PyErr_SetString(PyExc_MemoryError, "cannot create a libcurl share handle");
        goto done;
    }
    self->pid = getpid();
    self->initialized = 1;
    rc = 0;
done:
    Py_XDECREF(ca_bytes);
    return rc;
}

static void
apw_session_dealloc(PyObject *op)
{
    ApwSession *self = (ApwSession *)op;
    PyTypeObject *tp = Py_TYPE(op);

    if (self->initialized) {
        if (self->pid != getpid()) {
            /* Never used in this (forked) process: detach before freeing. */
            PyObject *et, *ev, *tb;
            apw_state *st = apw_get_state_by_type(tp);
            PyErr_Fetch(&et, &ev, &tb);
            if (st == NULL || apw_session_after_fork(st, self) < 0) {
                PyErr_WriteUnraisable(op);
            }
            PyErr_Restore(et, ev, tb);
        }
        apw_pool_drain(self);
        /* Every busy slot holds a reference to the session, so none remain. */
        while (self->all != NULL) {
            apw_slot *slot = self->all;
            apw_all_unlink(self, slot);
            apw_slot_free(slot);
        }
        if (self->share != NULL) {
            curl_share_cleanup(self->share);
            self->share = NULL;
        }
        apw_fdset_destroy(&self->fds);
        (void)pthread_mutex_destroy(&self->lock);
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
            (void)pthread_mutex_destroy(&self->share_locks[i]);
        }
        self->initialized = 0;
    }
    PyMem_RawFree(self->ca_file);
    PyMem_RawFree(self->user_agent);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static int
apw_session_ready(ApwSession *self)
{
    if (!self->initialized) {
        PyErr_SetString(PyExc_RuntimeError, "Session.__init__ was not called");
        return -1;
    }
    return 0;
}

/* Method: upper-case token of letters. */
static const char *
apw_method_arg(apw_state *st, PyObject *obj)
{
    Py_ssize_t n;
    const char *m = apw_str_arg(st, obj, "method", &n);

    if (m == NULL) {
        return NULL;
    }
    if (n == 0 || n > 16) {
        goto bad;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (m[i] < 'A' || m[i] > 'Z') {
            goto bad;
        }
    }
    return m;
bad:
    PyErr_Format(st->ArgumentError, "method must be an upper-case HTTP method, got %R", obj);
    return NULL;
}

/* Methods that are idempotent unless the caller says otherwise: the safe
 * ones.  PUT and DELETE are idempotent by RFC 9110 but a service may not
 * honour that, so they are not assumed to be. */
static int
apw_method_is_safe(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0;
}

/* Body argument: bytes and str are borrowed; other buffers are copied into
 * *owned (another thread could resize a bytearray while the GIL is released). */
static int
apw_body_arg(PyObject *obj, const char **body, size_t *len, char **owned)
{
    *owned = NULL;
    if (obj == NULL || obj == Py_None) {
        *body = NULL;
        *len = 0;
        return 0;
    }
    if (PyBytes_Check(obj)) {
        *body = PyBytes_AS_STRING(obj);
        *len = (size_t)PyBytes_GET_SIZE(obj);
        return 0;
    }
    if (PyUnicode_Check(obj)) {
        Py_ssize_t n;
        *body = PyUnicode_AsUTF8AndSize(obj, &n);
        if (*body == NULL) {
            return -1;
        }
        *len = (size_t)n;
        return 0;
    }
    if (PyObject_CheckBuffer(obj)) {
        Py_buffer view;
        if (PyObject_GetBuffer(obj, &view, PyBUF_CONTIG_RO) < 0) {
            return -1;
        }
        *owned = PyMem_RawMalloc(view.len > 0 ? (size_t)view.len : 1);
        if (*owned == NULL) {
            PyBuffer_Release(&view);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(*owned, view.buf, (size_t)view.len);
        *body = *owned;
        *len = (size_t)view.len;
        PyBuffer_Release(&view);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "body must be bytes, str or None, not %.80s",
                 Py_TYPE(obj)->tp_name);
    return -1;
}

const char *const apw_request_names[] = {"method", "url", "headers", "body", "timeout_ms",
                                        "idempotent", NULL};
const char *const apw_graphql_names[] = {"url", "headers", "document", "variables",
                                        "timeout_ms", "idempotent", "meta", NULL};

PyDoc_STRVAR(apw_session_request_doc,
"request(method, url, headers=None, body=None, *, timeout_ms=None, idempotent=None)\n"
"    -> Response\n\n"
"Perform one HTTP request and return (status, headers, body).  idempotent=None\n"
"means True for GET, HEAD and OPTIONS and False otherwise; a request that is\n"
"not idempotent is never sent twice (AmbiguousRequestError instead).");

/* Arguments of request() (names below) into `rq` and `x`; `*owned_body` gets
 * a copy of a buffer body.  rq->method, rq->url and rq->body point into the
 * argument objects.  0, or -1 with an exception set (the caller frees
 * rq->headers and *owned_body either way). */
int
apw_request_prepare(apw_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                    apw_xfer *x, char **owned_body)
{
    int has_ctype;

    if ((rq->method = apw_method_arg(st, a[0])) == NULL ||
        (rq->url = apw_str_arg(st, a[1], "url", NULL)) == NULL ||
        apw_ms_arg(st, a[4], "timeout_ms", s->timeout_ms, &rq->timeout_ms) < 0 ||
        apw_bool_arg(a[5], apw_method_is_safe(rq->method), &x->idempotent) < 0 ||
        apw_body_arg(a[3], &rq->body, &rq->body_len, owned_body) < 0 ||
        apw_headers_from_py(st, a[2], &rq->headers, &has_ctype) < 0) {
        return -1;
    }
    x->keep_headers = 1;
    return 0;
}

/* The Response (status, headers, body) of a completed request(). */
PyObject *
apw_response_new(apw_state *st, long status, const apw_xfer *x)
{
    PyObject *hdrs = NULL;
    PyObject *body = NULL;
    PyObject *code = NULL;
    PyObject *res = NULL;

    hdrs = apw_headers_to_py(x);
    body = hdrs != NULL ? PyBytes_FromStringAndSize(x->body != NULL ? x->body : "",
                                                    (Py_ssize_t)x->body_len) : NULL;
    code = body != NULL ? PyLong_FromLong(status) : NULL;
    res = code != NULL ? PyStructSequence_New((PyTypeObject *)st->ResponseType) : NULL;
    if (res == NULL) {
        Py_XDECREF(hdrs);
        Py_XDECREF(body);
        Py_XDECREF(code);
        return NULL;
    }
    PyStructSequence_SET_ITEM(res, 0, code);                    /* steals */
    PyStructSequence_SET_ITEM(res, 1, hdrs);                    /* steals */
    PyStructSequence_SET_ITEM(res, 2, body);                    /* steals */
    return res;
}

static PyObject *
apw_session_request(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames)
{
    ApwSession *self = (ApwSession *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    PyObject *a[6];
    apw_req rq = {0};
    apw_xfer x = {0};
    char *owned_body = NULL;
    long status = 0;
    PyObject *res = NULL;

    if (st == NULL || apw_session_ready(self) < 0 ||
        apw_parse_args("request", args, nargs, kwnames, apw_request_names, 4, 2, a) < 0) {
        return NULL;
    }
    if (apw_request_prepare(st, self, a, &rq, &x, &owned_body) < 0) {
        goto done;
    }
    Py_INCREF(op);                      /* stay alive while the GIL is released */
    if (apw_perform(st, self, &rq, &x, &status) < 0) {
        Py_DECREF(op);
        goto done;
    }
    Py_DECREF(op);
    res = apw_response_new(st, status, &x);
done:
    curl_slist_free_all(rq.headers);
    PyMem_RawFree(owned_body);
    apw_xfer_release(&x);
    return res;
}

/* ---------------------------------------------------------------- graphql */

/* The JSON string literal of a GraphQL document, cached per document str. */
static PyObject *
apw_doc_literal(apw_state *st, PyObject *document)
{
    PyObject *lit;
    char *text;
    size_t len = 0;

    lit = PyDict_GetItemWithError(st->doc_cache, document);
    if (lit != NULL) {
        Py_INCREF(lit);
        return lit;
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (apw_str_arg(st, document, "document", NULL) == NULL) {
        return NULL;
    }
    text = apw_json_encode(document, &len);
    if (text == NULL) {
        return NULL;
    }
    lit = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
    cJSON_free(text);
    if (lit == NULL) {
        return NULL;
    }
    if (PyDict_GET_SIZE(st->doc_cache) >= APW_DOC_CACHE_MAX) {
        PyDict_Clear(st->doc_cache);
    }
    if (PyDict_SetItem(st->doc_cache, document, lit) < 0) {
        Py_DECREF(lit);
        return NULL;
    }
    return lit;
}

/* {"query":<doc>[,"variables":<vars>]} in a PyMem_Raw buffer. */
static char *
apw_graphql_body(apw_state *st, PyObject *document, PyObject *variables, size_t *len)
{
    PyObject *lit = NULL;
    char *vars_text = NULL;
    char *out = NULL;
    size_t lit_len;
    size_t vars_len = 0;
    size_t n;

    lit = apw_doc_literal(st, document);
    if (lit == NULL) {
        goto done;
    }
    if (variables != NULL && variables != Py_None) {
        if (!PyDict_Check(variables)) {
            PyErr_Format(PyExc_TypeError, "variables must be a dict or None, not %.80s",
                         Py_TYPE(variables)->tp_name);
            goto done;
        }
        if (PyDict_GET_SIZE(variables) > 0) {
            vars_text = apw_json_encode(variables, &vars_len);
            if (vars_text == NULL) {
                goto done;
            }
        }
    }
    lit_len = (size_t)PyBytes_GET_SIZE(lit);
    out = PyMem_RawMalloc(lit_len + vars_len + 32);
    if (out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    n = 0;
    memcpy(out + n, "{\"query\":", 9);
    n += 9;
    memcpy(out + n, PyBytes_AS_STRING(lit), lit_len);
    n += lit_len;
    if (vars_text != NULL) {
        memcpy(out + n, ",\"variables\":", 13);
        n += 13;
        memcpy(out + n, vars_text, vars_len);
        n += vars_len;
    }
    out[n++] = '}';
    out[n] = '\0';
    *len = n;
done:
    cJSON_free(vars_text);
    Py_XDECREF(lit);
    return out;
}

/* Integer code from an error's `code`: an int, a float or a numeric str in
 * the int32 range; else 500. */
static long
apw_error_code(PyObject *v)
{
    if (v == NULL) {
        return 500;
    }
    if (PyLong_Check(v) && !PyBool_Check(v)) {
        int overflow = 0;
        long code = PyLong_AsLongAndOverflow(v, &overflow);
        if (code == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 500;
        }
        return (!overflow && code >= -2147483648L && code <= 2147483647L) ? code : 500;
    }
    if (PyFloat_Check(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        return (d >= -2147483648.0 && d <= 2147483647.0) ? (long)d : 500;
    }
    if (PyUnicode_Check(v)) {
        const char *s = PyUnicode_AsUTF8(v);
        char *end;
        long code;
        if (s == NULL) {
            PyErr_Clear();
            return 500;
        }
        if (s[0] == '\0') {
            return 500;
        }
        code = strtol(s, &end, 10);
        return *end == '\0' ? code : 500;
    }
    return 500;
}

/* A member of `obj` if it is a dict (borrowed), else NULL.  -1 on error. */
static int
apw_member(PyObject *obj, PyObject *key, PyObject **out)
{
    *out = NULL;
    if (obj == NULL || !PyDict_Check(obj)) {
        return 0;
    }
    *out = PyDict_GetItemWithError(obj, key);
    return (*out == NULL && PyErr_Occurred()) ? -1 : 0;
}

/* (code, message, data) for one entry of `errors`. */
static PyObject *
apw_error_tuple(apw_state *st, PyObject *item)
{
    PyObject *msg;
    PyObject *v;
    PyObject *data = Py_None;
    PyObject *text = NULL;
    PyObject *res = NULL;
    long code = 500;

    if (apw_member(item, st->s_message, &msg) < 0) {
        return NULL;
    }
    if (msg != NULL && PyDict_Check(msg)) {
        /* The service's envelope: message = {code, message, data?}. */
        if (apw_member(msg, st->s_code, &v) < 0) {
            return NULL;
        }
        code = apw_error_code(v);
        if (apw_member(msg, st->s_message, &v) < 0) {
            return NULL;
        }
        text = (v != NULL && PyUnicode_Check(v)) ? Py_NewRef(v)
                                                 : PyUnicode_FromString("unknown error");
        if (apw_member(msg, st->s_data, &v) < 0) {
            goto done;
        }
        if (v != NULL) {
            data = v;
        }
    }
    else if (msg != NULL && PyUnicode_Check(msg)) {
        /* A plain GraphQL error: the code may be in extensions.code. */
        PyObject *ext;
        if (apw_member(item, st->s_extensions, &ext) < 0 ||
            apw_member(ext, st->s_code, &v) < 0) {
            return NULL;
        }
        if (v != NULL) {
            code = apw_error_code(v);
        }
        text = Py_NewRef(msg);
    }
    else {
        text = PyUnicode_FromString("malformed GraphQL error entry");
    }
    if (text == NULL) {
        goto done;
    }
    res = Py_BuildValue("(lOO)", code, text, data);
done:
    Py_XDECREF(text);
    return res;
}

/* A header value kept by the callbacks as str, or None when it was absent. */
static PyObject *
apw_kept_header(const char *value)
{
    if (value[0] == '\0') {
        return Py_NewRef(Py_None);
    }
    return PyUnicode_DecodeLatin1(value, (Py_ssize_t)strlen(value), NULL);
}

/* Set `status`, `retry_after` and `request_id` (str or None) on a new exception. */
static int
apw_set_answer_attrs(apw_state *st, PyObject *exc, long status, const apw_xfer *x)
{
    PyObject *pystatus = PyLong_FromLong(status);
    PyObject *retry = apw_kept_header(x->retry_after);
    PyObject *rid = apw_kept_header(x->request_id);
    int rc = -1;

    if (pystatus != NULL && retry != NULL && rid != NULL &&
        PyObject_SetAttr(exc, st->s_status, pystatus) == 0 &&
        PyObject_SetAttr(exc, st->s_retry_after, retry) == 0 &&
        PyObject_SetAttr(exc, st->s_request_id, rid) == 0) {
        rc = 0;
    }
    Py_XDECREF(pystatus);
    Py_XDECREF(retry);
    Py_XDECREF(rid);
    return rc;
}

static void
apw_raise_graphql(apw_state *st, PyObject *errors, PyObject *data, long status,
                  const apw_xfer *x)
{
    Py_ssize_t n = PyList_GET_SIZE(errors);
    PyObject *list = NULL;
    PyObject *first;
    PyObject *msg = NULL;
    PyObject *exc = NULL;

    list = PyList_New(n);
    if (list == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = apw_error_tuple(st, PyList_GET_ITEM(errors, i));
        if (t == NULL) {
            goto done;
        }
        PyList_SET_ITEM(list, i, t);                            /* steals */
    }
    first = PyList_GET_ITEM(list, 0);
    msg = PyUnicode_FromFormat("GraphQL error %S: %S%s", PyTuple_GET_ITEM(first, 0),
                               PyTuple_GET_ITEM(first, 1),
                               n > 1 ? " (and more)" : "");
    if (msg == NULL) {
        goto done;
    }
    exc = PyObject_CallFunctionObjArgs(st->GraphQLError, msg, NULL);
    if (exc == NULL ||
        PyObject_SetAttr(exc, st->s_errors, list) < 0 ||
        PyObject_SetAttr(exc, st->s_data, data != NULL ? data : Py_None) < 0 ||
        apw_set_answer_attrs(st, exc, status, x) < 0) {
        goto done;
    }
    PyErr_SetObject(st->GraphQLError, exc);
done:
    Py_XDECREF(list);
    Py_XDECREF(msg);
    Py_XDECREF(exc);
}

static void
apw_raise_http(apw_state *st, const char *url, long status, const apw_xfer *x,
               const char *why)
{
    char safe[512];
    size_t n = x->body_len < 1024 ? x->body_len : 1024;
    PyObject *exc = NULL;
    PyObject *pybody = NULL;
    PyObject *pyurl = NULL;
    PyObject *msg = NULL;

    apw_redact_url(url, safe, sizeof(safe));
    msg = PyUnicode_FromFormat("HTTP %ld from %s: %s", status, safe, why);
    if (msg == NULL) {
        return;
    }
    exc = PyObject_CallFunctionObjArgs(st->HTTPError, msg, NULL);
    pybody = PyBytes_FromStringAndSize(x->body != NULL ? x->body : "", (Py_ssize_t)n);
    pyurl = PyUnicode_FromString(safe);
    if (exc != NULL && pybody != NULL && pyurl != NULL &&
        apw_set_answer_attrs(st, exc, status, x) == 0 &&
        PyObject_SetAttr(exc, st->s_body, pybody) == 0 &&
        PyObject_SetAttr(exc, st->s_url, pyurl) == 0) {
        PyErr_SetObject(st->HTTPError, exc);
    }
    Py_DECREF(msg);
    Py_XDECREF(exc);
    Py_XDECREF(pybody);
    Py_XDECREF(pyurl);
}

PyDoc_STRVAR(apw_session_graphql_doc,
"graphql(url, headers, document, variables=None, *, timeout_ms=None, idempotent=False,\n"
"        meta=False) -> data, or (data, status, request_id) with meta=True\n\n"
"POST a GraphQL request and return the answer's `data`.  Raises GraphQLError\n"
"when the answer carries errors, HTTPError when it is not a JSON envelope.\n"
"Pass idempotent=True for queries: only then may the request be sent a second\n"
"time (once, on a fresh connection) when its reused connection closes unanswered;\n"
"otherwise that raises AmbiguousRequestError.  meta=True also returns the HTTP\n"
"status and the answer's x-request-id header (str or None).");

/* (data, status, request_id) for graphql(meta=True). */
static PyObject *
apw_graphql_meta(PyObject *data, long status, const apw_xfer *x)
{
    PyObject *rid = apw_kept_header(x->request_id);
    PyObject *res;

    if (rid == NULL) {
        return NULL;
    }
    res = Py_BuildValue("(OlO)", data, status, rid);
    Py_DECREF(rid);
    return res;
}

/* Arguments of graphql() (names above) into `rq` and `x`; *body gets the
 * request body (PyMem_Raw), *meta the meta flag.  rq->url points into the
 * url argument.  0, or -1 with an exception set (the caller frees rq->headers
 * and *body either way). */
int
apw_graphql_prepare(apw_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                    apw_xfer *x, char **body, int *meta)
{
    int has_ctype;

    rq->method = "POST";
    if ((rq->url = apw_str_arg(st, a[0], "url", NULL)) == NULL ||
        apw_ms_arg(st, a[4], "timeout_ms", s->timeout_ms, &rq->timeout_ms) < 0 ||
        apw_bool_arg(a[5], 0, &x->idempotent) < 0 ||
        apw_bool_arg(a[6], 0, meta) < 0 ||
        (*body = apw_graphql_body(st, a[2], a[3], &rq->body_len)) == NULL ||
        apw_headers_from_py(st, a[1], &rq->headers, &has_ctype) < 0) {
        return -1;
    }
    rq->body = *body;
    if (!has_ctype) {
        struct curl_slist *nl = curl_slist_append(rq->headers, "Content-Type: application/json");
        if (nl == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        rq->headers = nl;
    }
    return 0;
}

/* What graphql() returns for a completed transfer: the answer's data (or
 * (data, status, request id) with `meta`), or NULL with GraphQLError or
 * HTTPError set. */
PyObject *
apw_graphql_answer(apw_state *st, const char *url, long status, const apw_xfer *x, int meta)
{
    apw_json_error jerr;
    PyObject *answer;
    PyObject *errors;
    PyObject *data;
    PyObject *res = NULL;

    answer = apw_json_decode(st, x->body != NULL ? x->body : "", x->body_len, &jerr);
    if (answer == NULL || !PyDict_Check(answer)) {
        char why[256];
        if (answer == NULL && PyErr_Occurred()) {
            return NULL;
        }
        if (answer == NULL) {
            (void)PyOS_snprintf(why, sizeof(why), "the answer is not JSON (%s)", jerr.msg);
        }
        else {
            (void)PyOS_snprintf(why, sizeof(why), "the answer is not a JSON object");
        }
        apw_raise_http(st, url, status, x, why);
        goto done;
    }
    if (apw_member(answer, st->s_errors, &errors) < 0 ||
        apw_member(answer, st->s_data, &data) < 0) {
        goto done;
    }
    if (errors != NULL && PyList_Check(errors) && PyList_GET_SIZE(errors) > 0) {
        apw_raise_graphql(st, errors, data, status, x);
    }
    else if (data != NULL) {
        res = meta ? apw_graphql_meta(data, status, x) : Py_NewRef(data);
    }
    else {
        apw_raise_http(st, url, status, x, "the answer has neither `data` nor `errors`");
    }
done:
    Py_XDECREF(answer);
    return res;
}

static PyObject *
apw_session_graphql(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames)
{
    ApwSession *self = (ApwSession *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    PyObject *a[7];
    apw_req rq = {0};
    apw_xfer x = {0};
    char *body = NULL;
    int meta = 0;
    long status = 0;
    PyObject *res = NULL;

    if (st == NULL || apw_session_ready(self) < 0 ||
        apw_parse_args("graphql", args, nargs, kwnames, apw_graphql_names, 4, 3, a) < 0) {
        return NULL;
    }
    if (apw_graphql_prepare(st, self, a, &rq, &x, &body, &meta) < 0) {
        goto done;
    }
    Py_INCREF(op);
    if (apw_perform(st, self, &rq, &x, &status) < 0) {
        Py_DECREF(op);
        goto done;
    }
    Py_DECREF(op);
    res = apw_graphql_answer(st, rq.url, status, &x, meta);
done:
    curl_slist_free_all(rq.headers);
    PyMem_RawFree(body);
    apw_xfer_release(&x);
    return res;
}

static PyObject *
apw_session_close(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    ApwSession *self = (ApwSession *)op;

    if (self->initialized) {
        pthread_mutex_lock(&self->lock);
        self->closed = 1;
        pthread_mutex_unlock(&self->lock);
        if (self->pid == getpid()) {
            apw_pool_drain(self);
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
apw_session_enter(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    return Py_NewRef(op);
}

static PyObject *
apw_session_exit(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    (void)args;
    (void)nargs;
    return apw_session_close(op, NULL);
}

static PyObject *
apw_session_get_closed(PyObject *op, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(((ApwSession *)op)->closed);
}

static PyObject *
apw_session_get_idle(PyObject *op, void *Py_UNUSED(closure))
{
    ApwSession *self = (ApwSession *)op;
    int n = 0;

    if (self->initialized && self->pid == getpid()) {
        pthread_mutex_lock(&self->lock);
        n = self->n_idle;
        pthread_mutex_unlock(&self->lock);
    }
    return PyLong_FromLong(n);
}

static PyObject *
apw_session_get_timeout(PyObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(((ApwSession *)op)->timeout_ms);
}

static PyObject *
apw_session_get_verify(PyObject *op, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(((ApwSession *)op)->verify);
}

static PyObject *
apw_session_get_ca_file(PyObject *op, void *Py_UNUSED(closure))
{
    ApwSession *self = (ApwSession *)op;

    if (self->ca_file == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_DecodeFSDefault(self->ca_file);
}

static PyObject *
apw_session_get_max_response(PyObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(((ApwSession *)op)->max_response_bytes);
}

static PyObject *
apw_session_get_max_headers(PyObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(((ApwSession *)op)->max_header_bytes);
}

static PyMethodDef apw_session_methods[] = {
    {"request", (PyCFunction)(void (*)(void))apw_session_request,
     METH_FASTCALL | METH_KEYWORDS, apw_session_request_doc},
    {"graphql", (PyCFunction)(void (*)(void))apw_session_graphql,
     METH_FASTCALL | METH_KEYWORDS, apw_session_graphql_doc},
    {"close", apw_session_close, METH_NOARGS,
     "Close the idle connections; later requests raise ValueError."},
    {"__enter__", apw_session_enter, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)(void (*)(void))apw_session_exit, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef apw_session_getset[] = {
    {"closed", apw_session_get_closed, NULL, "True after close().", NULL},
    {"idle_connections", apw_session_get_idle, NULL,
     "Number of idle pooled handles (each may hold a keep-alive connection).", NULL},
    {"timeout_ms", apw_session_get_timeout, NULL, "Default request timeout (ms).", NULL},
    {"verify", apw_session_get_verify, NULL, "Whether TLS certificates are verified.", NULL},
    {"ca_file", apw_session_get_ca_file, NULL,
     "The CA bundle that verifies servers: the one given, else $SSL_CERT_FILE, libcurl's\n"
     "default or the distribution's bundle, whichever is found first; None when not\n"
     "verifying or when none was found.", NULL},
    {"max_response_bytes", apw_session_get_max_response, NULL,
     "Largest answer body accepted (bytes, after decompression).", NULL},
    {"max_header_bytes", apw_session_get_max_headers, NULL,
     "Largest answer header block accepted (bytes).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(apw_session_doc,
"Session(*, timeout_ms=10000, connect_timeout_ms=10000, verify=True,\n"
"        ca_file=None, user_agent=None, max_idle=8,\n"
"        max_response_bytes=33554432, max_header_bytes=65536)\n\n"
"A thread-safe pool of libcurl handles with keep-alive connections.\n"
"ca_file: the only CA certificates trusted; by default the system's (see the\n"
"ca_file attribute).\n"
"Proxies follow the standard environment variables (http_proxy, https_proxy,\n"
"no_proxy, all_proxy).");

static PyType_Slot apw_session_slots[] = {
    {Py_tp_doc, (void *)apw_session_doc},
    {Py_tp_init, (void *)apw_session_init},
    {Py_tp_new, (void *)PyType_GenericNew},
    {Py_tp_dealloc, (void *)apw_session_dealloc},
    {Py_tp_methods, apw_session_methods},
    {Py_tp_getset, apw_session_getset},
    {0, NULL},
};

PyType_Spec apw_session_spec = {
    .name = APW_MODULE_NAME ".Session",
    .basicsize = sizeof(ApwSession),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = apw_session_slots,
};

int
apw_http_exec(PyObject *module, apw_state *st)
{
    st->doc_cache = PyDict_New();
    if (st->doc_cache == NULL) {
        return -1;
    }
    st->SessionType = PyType_FromModuleAndSpec(module, &apw_session_spec, NULL);
    if (st->SessionType == NULL) {
        return -1;
    }
    Py_INCREF(st->SessionType);
    if (PyModule_AddObject(module, "Session", st->SessionType) < 0) {
        Py_DECREF(st->SessionType);
        return -1;
    }
    return 0;
}
