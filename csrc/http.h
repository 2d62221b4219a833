/*
 * http.h - internals shared by http.c (the Session type) and http_cb.c (the
 * libcurl callbacks).  Nothing here touches Python objects except ApwSession's
 * header.
 */
#ifndef APW_HTTP_H
#define APW_HTTP_H

#include "apw.h"

#include <pthread.h>
#include <sys/types.h>

#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl >= 7.80 is needed (CURLOPT_PREREQFUNCTION: a mutation is never resent)"
#endif

/* Default largest response body accepted, counted after decompression; a
 * bigger answer aborts the transfer (Session(max_response_bytes=...)). */
#define APW_DEFAULT_MAX_RESPONSE ((size_t)32 * 1024 * 1024)
/* Default largest response header block accepted (Session(max_header_bytes=...)).
 * libcurl itself refuses a single header line over 100 KiB. */
#define APW_DEFAULT_MAX_HEADERS ((size_t)64 * 1024)
/* How often a request waiting on the main thread wakes up to run Python
 * signal handlers (ms).  Other threads never take the GIL while waiting. */
#define APW_SIGNAL_POLL_MS 50
/* Wait slice of the other threads (ms): libcurl wakes earlier for its timers. */
#define APW_WAIT_SLICE_MS 1000
/* The answer header that carries the service's id of a request (lower case,
 * with the colon); its value is kept on errors and by graphql(meta=True). */
#define APW_REQUEST_ID_HEADER "x-request-id:"

/* Sockets opened by one session's handles, so that a forked child can detach
 * from the parent's connections without touching them (see http.c).  Starts
 * zeroed (tp_alloc); the mutex is set up by http.c. */
typedef struct apw_fdset {
    pthread_mutex_t lock;
    int *fds;
    size_t len;
    size_t cap;
} apw_fdset;

/* One pooled transfer slot: an easy handle and the multi handle that drives it.
 * The multi handle owns the slot's connection cache (keep-alive). */
typedef struct apw_slot {
    CURL *easy;
    CURLM *multi;
    struct apw_slot *next_idle;   /* link in the idle stack */
    struct apw_slot *prev_all;    /* links in the list of every slot */
    struct apw_slot *next_all;
} apw_slot;

typedef struct ApwSession {
    PyObject_HEAD
    /* Settings, immutable after __init__. */
    long timeout_ms;
    long connect_timeout_ms;
    int verify;
    int max_idle;
    size_t max_response_bytes;
    size_t max_header_bytes;
    char *ca_file;                /* PyMem_RawMalloc'd, or NULL */
    int ca_given;                 /* ca_file was given: it alone is trusted (no CA path) */
    char *user_agent;             /* PyMem_RawMalloc'd */

    /* Pool.  `lock` guards idle/all/n_idle/n_busy/closed. */
    pthread_mutex_t lock;
    apw_slot *idle;               /* LIFO: the warmest connection is reused first */
    apw_slot *all;
    int n_idle;
    int n_busy;
    int closed;
    int initialized;              /* __init__ completed: mutexes and share exist */

    /* DNS and TLS-session cache shared by the slots (connections are per slot:
     * libcurl does not support sharing the connection cache between threads
     * that run transfers at the same time, curl issue #4915). */
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

    apw_fdset fds;
    pid_t pid;                    /* process that created the pool */
} ApwSession;

/* Per-request state, owned by the calling C stack frame. */
typedef struct apw_xfer {
    /* Set by the caller before the transfer. */
    size_t max_body;
    size_t max_headers;
    int keep_headers;             /* keep the raw header lines (request()) */
    int idempotent;               /* may be sent a second time (see http.c) */
    /* Filled by the callbacks. */
    char *body;                   /* malloc'd */
    size_t body_len;
    size_t body_cap;
    char *hdrs;                   /* malloc'd raw header lines of the final response */
    size_t hdrs_len;
    size_t hdrs_cap;
    size_t hdrs_total;            /* header bytes of the current response */
    char retry_after[64];         /* Retry-After value of the final response, or "" */
    char request_id[128];         /* APW_REQUEST_ID_HEADER value of the final response,
                                   * or "" (also when longer than fits) */
    int attempts;                 /* times libcurl was about to send the request */
    int resend_refused;           /* the prerequest callback refused a second send */
    int headers_done;             /* the final response's header block was complete */
    int body_too_large;
    int headers_too_large;
} apw_xfer;

/* One request's arguments, as the transfer functions take them. */
typedef struct apw_req {
    const char *method;           /* upper case */
    const char *url;
    struct curl_slist *headers;
    const char *body;             /* NULL = no body */
    size_t body_len;
    long timeout_ms;
} apw_req;

/* http.c: the pieces the async transport (multi.c) shares with Session. */
extern const char *const apw_request_names[];   /* request()'s parameters */
extern const char *const apw_graphql_names[];   /* graphql()'s parameters */
CURLcode apw_easy_defaults(ApwSession *s, CURL *e, CURLSH *share, apw_fdset *fds);
CURLcode apw_easy_request(CURL *e, const apw_req *rq, apw_xfer *x, char *errbuf);
void apw_easy_forget(CURL *e);
void apw_raise_failed(apw_state *st, ApwSession *s, const apw_req *rq, const apw_xfer *x,
                      CURLcode cc, const char *errbuf);
int apw_request_prepare(apw_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                        apw_xfer *x, char **owned_body);
PyObject *apw_response_new(apw_state *st, long status, const apw_xfer *x);
int apw_graphql_prepare(apw_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                        apw_xfer *x, char **body, int *meta);
PyObject *apw_graphql_answer(apw_state *st, const char *url, long status, const apw_xfer *x,
                             int meta);

/* multi.c: add Multi to approw._transport. */
int apw_multi_exec(PyObject *module, apw_state *st);

/* http_cb.c */
size_t apw_cb_write(char *ptr, size_t size, size_t nmemb, void *userdata);
size_t apw_cb_header(char *ptr, size_t size, size_t nmemb, void *userdata);
int apw_cb_prereq(void *clientp, char *conn_primary_ip, char *conn_local_ip,
                  int conn_primary_port, int conn_local_port);
/* Socket callbacks: their data is the apw_fdset that lists the sockets. */
curl_socket_t apw_cb_opensocket(void *clientp, curlsocktype purpose,
                                struct curl_sockaddr *address);
int apw_cb_closesocket(void *clientp, curl_socket_t fd);
void apw_cb_share_lock(CURL *handle, curl_lock_data data, curl_lock_access access,
                       void *userptr);
void apw_cb_share_unlock(CURL *handle, curl_lock_data data, void *userptr);

void apw_fdset_destroy(apw_fdset *set);
void apw_xfer_release(apw_xfer *x);

#endif /* APW_HTTP_H */
