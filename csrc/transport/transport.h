/*
 * transport.h - private header of approw._transport (csrc/transport/,
 * CMakeLists.txt), the only module that links libcurl.  One concern per file:
 *   module.c       the module: definition, init, its state (apw_tr_state)
 *   session.c      the Session type: settings, request(), close, attributes
 *   graphql.c      Session.graphql(): request body, document cache, the answer's
 *                  envelope (data / errors -> GraphQLError, HTTPError)
 *   headers.c      request headers from Python, answer headers to Python
 *   pool.c         the handle pool: share handle, slots, locks, fork detection
 *   perform.c      one transfer: the wait loop, signals, deadlines, never-twice,
 *                  which exception a failed transfer raises
 *   ca.c           CA bundle discovery
 *   callbacks.c    libcurl callbacks (write, header, prerequest, sockets, share locks)
 *   curl_errors.c  libcurl failure codes -> exception types
 *   multi.c        the Multi type: the asyncio transport (libcurl's multi
 *                  interface driven by an event loop)
 *   outcome.c      whether a failed transfer may have been applied (ambiguous)
 * JSON comes from approw._core through its C API (core_api.h); the exception
 * types are approw._core's, borrowed into this module's state.
 *
 * Design of the pool and the perform loop: see pool.c and perform.c.
 */
#ifndef APW_TRANSPORT_H
#define APW_TRANSPORT_H

#include "shared.h"
#include "core_api.h"

#include <curl/curl.h>
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
 * from the parent's connections without touching them (see pool.c).  Starts
 * zeroed (tp_alloc); the mutex is set up by pool.c. */
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
    char *ua_line;                /* "User-Agent: ..." (PyMem_RawMalloc'd), or NULL: none */
    /* headers.c: graphql()'s header lists (they hold ua_line), keyed by the headers tuple.
     * Holds only str tuples and capsules, never this Session: no cycle, no GC support. */
    PyObject *hdr_cache;

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
    int idempotent;               /* may be sent a second time (see pool.c) */
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

/* approw._transport's module state (module.c). */
typedef struct apw_tr_state {
    /* approw._core: kept alive for `api` (its JSON code). */
    PyObject *core;
    const apw_core_api *api;

    /* approw._core's types, borrowed (strong references). */
    PyObject *TransportError;
    PyObject *TimeoutError;
    PyObject *ConnectionError;
    PyObject *TLSError;
    PyObject *AmbiguousRequestError;
    PyObject *ResponseTooLargeError;
    PyObject *HTTPError;
    PyObject *GraphQLError;
    PyObject *ArgumentError;
    PyObject *ResponseType;

    PyObject *SessionType;      /* session.c */
    PyObject *doc_cache;        /* graphql.c: JSON-escaped documents, keyed by the str */
    /* "Accept-Encoding: <what this libcurl decodes>", or "" when it decodes nothing
     * (session.c, from curl_version_info; sent as a plain header, see pool.c). */
    char ae_line[64];

    /* Interned strings (module.c). */
    PyObject *s_data;
    PyObject *s_errors;
    PyObject *s_message;
    PyObject *s_code;
    PyObject *s_extensions;
    PyObject *s_url;
    PyObject *s_curl_code;
    PyObject *s_status;
    PyObject *s_body;
    PyObject *s_retry_after;
    PyObject *s_request_id;

    int curl_initialized;       /* curl_global_init() succeeded (first Session) */
    /* perform.c: the thread that runs signal handlers, per process. */
    unsigned long main_ident;
    long main_pid;              /* 0: not known yet */
} apw_tr_state;

/* Every PyObject * field of apw_tr_state. */
#define APW_TR_STATE_FIELDS(X)                                              \
    X(core) X(TransportError) X(TimeoutError) X(ConnectionError) X(TLSError) \
    X(AmbiguousRequestError) X(ResponseTooLargeError) X(HTTPError)          \
    X(GraphQLError) X(ArgumentError) X(ResponseType) X(SessionType)         \
    X(doc_cache) X(s_data) X(s_errors) X(s_message) X(s_code) X(s_extensions) \
    X(s_url) X(s_curl_code) X(s_status) X(s_body) X(s_retry_after)          \
    X(s_request_id)

/* The interned strings among them. */
#define APW_TR_STRINGS(X)                                                   \
    X(s_data, "data") X(s_errors, "errors") X(s_message, "message")         \
    X(s_code, "code") X(s_extensions, "extensions") X(s_url, "url")         \
    X(s_curl_code, "curl_code") X(s_status, "status") X(s_body, "body")     \
    X(s_retry_after, "retry_after") X(s_request_id, "request_id")

/* A request as perform.c sends it (pointers owned by the caller's frame). */
typedef struct apw_req {
    const char *method;           /* upper case */
    const char *url;
    struct curl_slist *headers;
    const char *body;             /* NULL = no body */
    size_t body_len;
    long timeout_ms;
} apw_req;

/* curl_easy_setopt, returning its failure from the calling function. */
#define APW_SETOPT(h, opt, val)                                              \
    do {                                                                     \
        CURLcode apw_rc_ = curl_easy_setopt((h), (opt), (val));              \
        if (apw_rc_ != CURLE_OK) {                                           \
            return apw_rc_;                                                  \
        }                                                                    \
    } while (0)

/* ---------------------------------------------------------------- module.c */
apw_tr_state *apw_tr_get_state(PyObject *module);
apw_tr_state *apw_tr_get_state_by_type(PyTypeObject *tp);

/* ---------------------------------------------------------------- session.c */
/* Add Session to approw._transport. */
int apw_session_exec(PyObject *module, apw_tr_state *st);
/* 0, or -1 with RuntimeError when __init__ has not run. */
int apw_session_ready(ApwSession *self);

/* ---------------------------------------------------------------- graphql.c */
PyObject *apw_session_graphql(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames);
extern const char apw_session_graphql_doc[];

/* ---------------------------------------------------------------- headers.c */
/* A header value the SDK may send as given: no CR, LF or NUL.  `s` is NUL-terminated
 * after its n bytes (a str's UTF-8 from PyUnicode_AsUTF8AndSize). */
int apw_header_value_ok(const char *s, Py_ssize_t n);
/* Headers from a mapping or a sequence of (name, value) pairs (None: none), plus the
 * session's User-Agent and Accept-Encoding unless among them, plus "Expect:";
 * *has_ctype tells whether Content-Type was among them. */
int apw_headers_from_py(apw_tr_state *st, const ApwSession *s, PyObject *headers,
                        struct curl_slist **out, int *has_ctype);
/* Most header lists graphql() keeps (one per distinct headers tuple: per client and token). */
#define APW_HEADER_CACHE_MAX 256
/* graphql()'s header list: `headers` plus Content-Type (kept per tuple; see headers.c). */
int apw_json_headers(apw_tr_state *st, const ApwSession *s, PyObject *headers,
                     struct curl_slist **out, PyObject **owner);
/* "name: value" ("name;" for an empty value, libcurl's way to send it empty) in a
 * PyMem_Raw buffer, or NULL with MemoryError. */
char *apw_header_line(const char *name, size_t nlen, const char *value, size_t vlen);
/* st->ae_line from the content encodings the loaded libcurl decodes. */
void apw_accept_encoding_init(apw_tr_state *st);
/* Append a copy of `line`.  0, or -1 with MemoryError. */
int apw_slist_add(struct curl_slist **list, const char *line);
/* The answer's header lines -> dict of lower-case name -> value. */
PyObject *apw_headers_to_py(const apw_xfer *x);
/* A header value kept by the callbacks as str, or None when it was absent. */
PyObject *apw_kept_header(const char *value);

/* ---------------------------------------------------------------- pool.c */
/* Mutexes and share handle of a new Session.  0, or -1 with an exception. */
int apw_pool_init(ApwSession *s);
/* Everything apw_pool_init made and every slot (dealloc). */
void apw_pool_destroy(ApwSession *s);
apw_slot *apw_pool_take(ApwSession *s);
void apw_pool_give(ApwSession *s, apw_slot *slot, int reusable);
/* Free the idle slots (close their connections). */
void apw_pool_drain(ApwSession *s);
/* First use in a forked child.  0, or -1 with an exception set. */
int apw_session_after_fork(apw_tr_state *st, ApwSession *s);

/* ---------------------------------------------------------------- pool.c, perform.c:
 * the pieces the asyncio transport (multi.c) shares with Session */
CURLcode apw_easy_defaults(ApwSession *s, CURL *e, CURLSH *share, apw_fdset *fds);
CURLcode apw_easy_request(CURL *e, const apw_req *rq, apw_xfer *x, char *errbuf);
void apw_easy_forget(CURL *e);
void apw_raise_failed(apw_tr_state *st, ApwSession *s, const apw_req *rq, const apw_xfer *x,
                      CURLcode cc, const char *errbuf);

/* ---------------------------------------------------------------- session.c, graphql.c:
 * the arguments of request() and graphql() into a request, and their results */
extern const char *const apw_request_names[];   /* request()'s parameters */
extern const char *const apw_graphql_names[];   /* graphql()'s parameters */
int apw_request_prepare(apw_tr_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                        apw_xfer *x, char **owned_body);
PyObject *apw_response_new(apw_tr_state *st, long status, const apw_xfer *x);
int apw_graphql_prepare(apw_tr_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                        apw_xfer *x, char **body, int *meta, PyObject **headers_owner);
/* Release graphql()'s header list: the reference to its owner, or the list itself. */
void apw_graphql_release(apw_req *rq, PyObject *headers_owner);
PyObject *apw_graphql_answer(apw_tr_state *st, const char *url, long status,
                             const apw_xfer *x, int meta);

/* ---------------------------------------------------------------- multi.c */
/* Add Multi (the asyncio transport) to approw._transport. */
int apw_multi_exec(PyObject *module, apw_tr_state *st);

/* ---------------------------------------------------------------- perform.c */
/* Run one transfer (GIL held on entry and exit, released while libcurl
 * works).  0 with *status and `x` filled, or -1 with an exception set. */
int apw_perform(apw_tr_state *st, ApwSession *s, const apw_req *rq, apw_xfer *x,
                long *status);

/* ---------------------------------------------------------------- outcome.c */
/* 1 when the failure `cc` of transfer `x` may have left its request applied
 * by the server (it is not idempotent and may have reached the socket): it
 * must be raised as AmbiguousRequestError and never retried.  0 when the
 * request was never sent, may be sent again, or was answered. */
int apw_failure_is_ambiguous(const apw_xfer *x, CURLcode cc);

/* ---------------------------------------------------------------- ca.c */
/* The CA file of a verifying Session given none: 0 with *out a PyMem_Raw path
 * or NULL (none found), -1 with an exception set. */
int apw_default_ca_file(char **out);
/* A PyMem_RawMalloc'd copy of `s`, or NULL with MemoryError set. */
char *apw_strdup_raw(const char *s);

/* ---------------------------------------------------------------- curl_errors.c */
/* Raise the transport exception matching `code`; `url` is redacted (no query,
 * no userinfo) before it goes into the message.  Header values never appear. */
PyObject *apw_raise_curl(apw_tr_state *st, CURLcode code, const char *errbuf,
                         const char *url);
/* Raise `type(what + " [curl error N] (url)")` with its url (redacted) and
 * curl_code attributes set.  Returns NULL. */
PyObject *apw_raise_transport(apw_tr_state *st, PyObject *type, const char *what,
                              CURLcode code, const char *url);

/* ---------------------------------------------------------------- callbacks.c */
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
