/*
 * session.c - the Session type: its settings (__init__), request(), close(),
 * the context manager and the attributes.  The work is done by pool.c (handles),
 * perform.c (the transfer), headers.c and, for graphql(), graphql.c.
 *
 * - timeout_ms is per call (the Session's value is only the default), so
 *   clients that differ only in their timeout can share a Session.
 * - Errors never include request header values; URLs are redacted (errors.c).
 *   Argument values that cannot be sent raise ArgumentError (a ValueError).
 * - curl_global_init() runs when the first Session is made, not at import (the
 *   GIL serialises it with every other use of libcurl from this module).
 */
#include "transport.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define APW_DEFAULT_UA "approw-py-sdk"

static int
apw_session_init_locked(ApwSession *self, apw_tr_state *st, PyObject *args, PyObject *kwds)
{
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

    if (self->initialized) {
        PyErr_SetString(PyExc_RuntimeError, "Session is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$OOpOOiOO:Session", kwlist, &timeout,
                                     &connect_timeout, &verify, &ca_file, &user_agent,
                                     &max_idle, &max_response, &max_headers)) {
        return -1;
    }
    if (apw_ms_arg(st->ArgumentError, timeout, "timeout_ms", APW_DEFAULT_TIMEOUT_MS,
                   &self->timeout_ms) < 0 ||
        apw_ms_arg(st->ArgumentError, connect_timeout, "connect_timeout_ms",
                   APW_DEFAULT_TIMEOUT_MS, &self->connect_timeout_ms) < 0 ||
        apw_size_arg(st->ArgumentError, max_response, "max_response_bytes",
                     APW_DEFAULT_MAX_RESPONSE, &self->max_response_bytes) < 0 ||
        apw_size_arg(st->ArgumentError, max_headers, "max_header_bytes",
                     APW_DEFAULT_MAX_HEADERS, &self->max_header_bytes) < 0) {
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
    else if ((ua = apw_str_arg(st->ArgumentError, user_agent, "user_agent", NULL)) == NULL) {
        goto done;
    }
    else if (!apw_header_value_ok(ua, (Py_ssize_t)strlen(ua))) {
        PyErr_SetString(st->ArgumentError, "user_agent contains CR or LF");
        goto done;
    }
    /* ("" sends no User-Agent, as libcurl's option did) */
    if (ua[0] != '\0' &&
        (self->ua_line = apw_header_line("User-Agent", 10, ua, strlen(ua))) == NULL) {
        goto done;
    }
    if ((self->hdr_cache = PyDict_New()) == NULL) {
        goto done;
    }

    if (!APW_LOAD(&st->curl_initialized)) {
        int expected = 0;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            PyErr_SetString(st->TransportError, "curl_global_init() failed");
            goto done;
        }
        /* (free-threaded: another thread's Session may have come first; libcurl counts) */
        if (!__atomic_compare_exchange_n(&st->curl_initialized, &expected, 1, 0,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            curl_global_cleanup();
        }
    }
    if (self->verify && self->ca_file == NULL && apw_default_ca_file(&self->ca_file) < 0) {
        goto done;
    }
    if (apw_pool_init(self) < 0) {
        goto done;
    }
    self->initialized = 1;
    rc = 0;
done:
    Py_XDECREF(ca_bytes);
    if (rc < 0) {
        /* (a failed __init__ leaves nothing behind: calling it again starts afresh) */
        PyMem_RawFree(self->ca_file);
        PyMem_RawFree(self->ua_line);
        Py_CLEAR(self->hdr_cache);
        self->ca_file = NULL;
        self->ua_line = NULL;
        self->ca_given = 0;
    }
    return rc;
}

/* __init__ inside a critical section on the object: without a GIL, two threads calling
 * it on one Session (only a confused program does) still initialise it once. */
static int
apw_session_init(PyObject *op, PyObject *args, PyObject *kwds)
{
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
    int rc;

    if (st == NULL) {
        return -1;
    }
    Py_BEGIN_CRITICAL_SECTION(op);
    rc = apw_session_init_locked((ApwSession *)op, st, args, kwds);
    Py_END_CRITICAL_SECTION();
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
            apw_tr_state *st = apw_tr_get_state_by_type(tp);
            PyErr_Fetch(&et, &ev, &tb);
            if (st == NULL || apw_session_after_fork(st, self) < 0) {
                PyErr_WriteUnraisable(op);
            }
            PyErr_Restore(et, ev, tb);
        }
        apw_pool_destroy(self);
        self->initialized = 0;
    }
    PyMem_RawFree(self->ca_file);
    PyMem_RawFree(self->ua_line);
    Py_CLEAR(self->hdr_cache);
    tp->tp_free(op);
    Py_DECREF(tp);
}

int
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
apw_method_arg(apw_tr_state *st, PyObject *obj)
{
    Py_ssize_t n;
    const char *m = apw_str_arg(st->ArgumentError, obj, "method", &n);

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


PyDoc_STRVAR(apw_session_request_doc,
"request(method, url, headers=None, body=None, *, timeout_ms=None, idempotent=None)\n"
"    -> Response\n\n"
"Perform one HTTP request and return (status, headers, body).  idempotent=None\n"
"means True for GET, HEAD and OPTIONS and False otherwise; a request that is\n"
"not idempotent is never sent twice (AmbiguousRequestError instead).");

const char *const apw_request_names[] = {"method", "url", "headers", "body", "timeout_ms",
                                        "idempotent", NULL};

/* Arguments of request() (apw_request_names) into `rq` and `x`; *owned_body
 * gets a copy of a buffer body.  rq->method, rq->url and rq->body point into
 * the argument objects.  0, or -1 with an exception set (the caller frees
 * rq->headers and *owned_body either way). */
int
apw_request_prepare(apw_tr_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                    apw_xfer *x, char **owned_body)
{
    int has_ctype;

    if ((rq->method = apw_method_arg(st, a[0])) == NULL ||
        (rq->url = apw_str_arg(st->ArgumentError, a[1], "url", NULL)) == NULL ||
        apw_ms_arg(st->ArgumentError, a[4], "timeout_ms", s->timeout_ms, &rq->timeout_ms) < 0 ||
        apw_bool_arg(a[5], apw_method_is_safe(rq->method), &x->idempotent) < 0 ||
        apw_body_arg(a[3], &rq->body, &rq->body_len, owned_body) < 0 ||
        apw_headers_from_py(st, s, a[2], &rq->headers, &has_ctype) < 0) {
        return -1;
    }
    x->keep_headers = 1;
    return 0;
}

/* The Response (status, headers, body) of a completed request(). */
PyObject *
apw_response_new(apw_tr_state *st, long status, const apw_xfer *x)
{
    PyObject *hdrs = apw_headers_to_py(x);
    PyObject *body = NULL;
    PyObject *code = NULL;
    PyObject *res = NULL;

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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
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

static PyObject *
apw_session_close(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    ApwSession *self = (ApwSession *)op;

    if (self->initialized) {
        pthread_mutex_lock(&self->lock);
        APW_STORE(&self->closed, 1);
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
    return PyBool_FromLong(APW_LOAD(&((ApwSession *)op)->closed));
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

static PyType_Spec apw_session_spec = {
    .name = "approw._core.Session",    /* where users meet it */
    .basicsize = sizeof(ApwSession),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = apw_session_slots,
};

int
apw_session_exec(PyObject *module, apw_tr_state *st)
{
    st->doc_cache = PyDict_New();
    if (st->doc_cache == NULL) {
        return -1;
    }
    apw_accept_encoding_init(st);
    st->SessionType = PyType_FromModuleAndSpec(module, &apw_session_spec, NULL);
    if (st->SessionType == NULL) {
        return -1;
    }
    return apw_add_ref(module, "Session", st->SessionType);
}
