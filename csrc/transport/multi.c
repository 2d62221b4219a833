/*
 * multi.c - the Multi type: the asyncio transport, one per event loop.
 *
 * Design
 * - A Multi owns one libcurl multi handle and is driven by the event loop it
 *   was made for: libcurl's socket callback registers each descriptor with
 *   loop.add_reader / add_writer (and removes it; an idle keep-alive
 *   connection stays registered until it is closed or turns readable), and
 *   one loop.call_later handle follows curl_multi_timeout().  The loop calls
 *   back _io(fd, flags) and _timer(), which run curl_multi_socket_action and
 *   then complete the future of every finished transfer.  A new transfer is
 *   started at once, inside request()/graphql().  No thread is ever started and
 *   nothing blocks: every libcurl call here returns at once (DNS runs in
 *   libcurl's resolver thread), so the GIL is simply kept.
 * - graphql() and request() take the arguments of Session's methods, start a
 *   transfer and return an asyncio future; the answer is decoded by the same
 *   functions as Session's (http.c), so results and errors are identical,
 *   the never-resend-a-mutation guard (prerequest callback) included.
 * - Connections live in the multi handle (keep-alive, shared by every
 *   coroutine of the loop); over TLS HTTP/2 is offered (ALPN) and concurrent
 *   requests to one host wait for the first connection (PIPEWAIT) so that
 *   they are multiplexed over it instead of each opening its own.
 * - cancel(future) removes the transfer at once.  libcurl closes the
 *   connection of an HTTP/1 transfer removed before its end (an HTTP/2 stream
 *   is reset, the connection stays), so no later request can read the rest
 *   of that answer.
 * - Teardown: close() fails the pending futures, unregisters the descriptors
 *   and closes the connections.  When the loop is closed, or the object is
 *   freed by the garbage collector, or it is used in a forked child, the loop
 *   is not called at all ("detached"); in a child every inherited socket is
 *   first replaced by /dev/null (dup3), so the parent's connections are never
 *   written to, read or shut down.
 */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Easy handles kept for reuse per Multi (each carries its TLS session). */
#define APW_MULTI_MAX_IDLE 64
/* socketp value: the descriptor's registered events (CURL_POLL_IN/OUT) | 4,
 * so that a registered descriptor never has NULL. */
#define APW_SOCK_TAG 4

typedef struct apw_mxfer {
    struct apw_mxfer *prev;
    struct apw_mxfer *next;
    CURL *easy;
    PyObject *future;             /* strong */
    PyObject *keep[3];            /* argument objects whose buffers `rq` points into */
    apw_req rq;                   /* headers owned */
    char *body;                   /* PyMem_Raw: the GraphQL body or a copied buffer */
    apw_xfer x;
    int graphql;
    int meta;
    char errbuf[CURL_ERROR_SIZE];
} apw_mxfer;

enum { APW_LM_ADD_READER, APW_LM_REMOVE_READER, APW_LM_ADD_WRITER, APW_LM_REMOVE_WRITER,
       APW_LM_CALL_LATER, APW_LM_CREATE_FUTURE, APW_LM_COUNT };

static const char *const apw_loop_method_names[APW_LM_COUNT] = {
    "add_reader", "remove_reader", "add_writer", "remove_writer", "call_later", "create_future",
};

typedef struct ApwMulti {
    PyObject_HEAD
    PyObject *session;            /* the Session whose settings apply */
    PyObject *loop;
    PyObject *lm[APW_LM_COUNT];   /* the loop's bound methods */
    PyObject *on_io;              /* bound self._io */
    PyObject *on_timer;           /* bound self._timer */
    PyObject *timer;              /* TimerHandle of libcurl's timeout, or NULL */
    int64_t timer_due;            /* when it fires (CLOCK_MONOTONIC ns) */
    unsigned char *fdst;          /* PyMem_Raw: per descriptor, APW_FD_* bits */
    size_t fdcap;
    PyObject *s_done;
    PyObject *s_set_result;
    PyObject *s_set_exception;
    PyObject *s_cancel;
    PyObject *err_type;           /* first failure of a loop call in a callback */
    PyObject *err_value;
    PyObject *err_tb;
    CURLM *multi;
    apw_fdset fds;
    int fds_ready;
    apw_mxfer *active;
    Py_ssize_t n_active;
    CURL *idle[APW_MULTI_MAX_IDLE];
    int n_idle;
    pid_t pid;
    int closed;
    int detached;                 /* never call the loop again */
} ApwMulti;

static curl_socket_t apw_mx_opensocket(void *clientp, curlsocktype purpose,
                                       struct curl_sockaddr *address);
static int apw_mx_closesocket(void *clientp, curl_socket_t fd);
static CURLMcode apw_mx_run(ApwMulti *m, apw_state *st, curl_socket_t fd, int flags);

/* ================================================================ transfers */

static void
apw_mx_free(apw_mxfer *t)
{
    curl_slist_free_all(t->rq.headers);
    PyMem_RawFree(t->body);
    apw_xfer_release(&t->x);
    Py_XDECREF(t->future);
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(t->keep[i]);
    }
    PyMem_RawFree(t);
}

static void
apw_mx_link(ApwMulti *m, apw_mxfer *t)
{
    t->prev = NULL;
    t->next = m->active;
    if (m->active != NULL) {
        m->active->prev = t;
    }
    m->active = t;
    m->n_active++;
}

static void
apw_mx_unlink(ApwMulti *m, apw_mxfer *t)
{
    if (t->prev != NULL) {
        t->prev->next = t->next;
    }
    else {
        m->active = t->next;
    }
    if (t->next != NULL) {
        t->next->prev = t->prev;
    }
    t->prev = t->next = NULL;
    m->n_active--;
}

/* An easy handle with the session's settings: an idle one or a new one. */
static CURL *
apw_mx_take_easy(ApwMulti *m)
{
    CURL *e;

    if (m->n_idle > 0) {
        return m->idle[--m->n_idle];
    }
    e = curl_easy_init();
    if (e == NULL) {
        return NULL;
    }
    if (apw_easy_defaults((ApwSession *)m->session, e, NULL, &m->fds) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, apw_mx_opensocket) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, (void *)m) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, apw_mx_closesocket) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, (void *)m) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS) != CURLE_OK) {
        curl_easy_cleanup(e);
        return NULL;
    }
    return e;
}

static void
apw_mx_give_easy(ApwMulti *m, CURL *e)
{
    apw_easy_forget(e);
    (void)curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)NULL);
    if (m->n_idle < APW_MULTI_MAX_IDLE && !m->closed) {
        m->idle[m->n_idle++] = e;
    }
    else {
        curl_easy_cleanup(e);
    }
}

/* Take the transfer out of the multi handle and free it (its future is left
 * as it is). */
static void
apw_mx_drop(ApwMulti *m, apw_mxfer *t)
{
    apw_mx_unlink(m, t);
    if (t->easy != NULL) {
        (void)curl_multi_remove_handle(m->multi, t->easy);
        apw_mx_give_easy(m, t->easy);
        t->easy = NULL;
    }
    apw_mx_free(t);
}

/* ================================================================ loop calls */

/* Keep the current exception as the first callback failure (or drop it). */
static void
apw_mx_note_error(ApwMulti *m)
{
    if (m->err_type == NULL) {
        PyErr_Fetch(&m->err_type, &m->err_value, &m->err_tb);
    }
    else {
        PyErr_Clear();
    }
}

/* Raise the callback failure kept, if any: -1 then, else 0. */
static int
apw_mx_raise_noted(ApwMulti *m)
{
    if (m->err_type == NULL) {
        return 0;
    }
    PyErr_Restore(m->err_type, m->err_value, m->err_tb);
    m->err_type = m->err_value = m->err_tb = NULL;
    return -1;
}

/* The descriptor table: what the loop watches and what libcurl wants, per fd. */
enum {
    APW_FD_READER = 1,            /* loop.add_reader done */
    APW_FD_WRITER = 2,            /* loop.add_writer done */
    APW_FD_WANT_IN = 4,           /* libcurl waits for it to be readable */
    APW_FD_OWNED = 8,             /* a connection socket (opened by apw_mx_opensocket) */
};

static unsigned char *
apw_mx_fd(ApwMulti *m, curl_socket_t fd)
{
    if (fd < 0) {
        return NULL;
    }
    if ((size_t)fd >= m->fdcap) {
        size_t cap = m->fdcap ? m->fdcap : 64;
        unsigned char *t;
        while (cap <= (size_t)fd) {
            cap *= 2;
        }
        t = PyMem_RawRealloc(m->fdst, cap);
        if (t == NULL) {
            return NULL;
        }
        memset(t + m->fdcap, 0, cap - m->fdcap);
        m->fdst = t;
        m->fdcap = cap;
    }
    return &m->fdst[fd];
}

/* loop.add_reader/add_writer(fd, self._io, fd, flags) or remove_*(fd). */
static int
apw_mx_watch(ApwMulti *m, int fd, int add, int reader)
{
    PyObject *r;

    if (add) {
        r = PyObject_CallFunction(m->lm[reader ? APW_LM_ADD_READER : APW_LM_ADD_WRITER],
                                  "iOii", fd, m->on_io, fd,
                                  reader ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    }
    else {
        r = PyObject_CallFunction(m->lm[reader ? APW_LM_REMOVE_READER : APW_LM_REMOVE_WRITER],
                                  "i", fd);
    }
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* Bring the loop's watch of `fd` to `want` (CURL_POLL_IN/OUT bits).  A
 * connection that goes idle stays registered for reading (its keep-alive
 * reuse then costs no loop call); it is unregistered when it becomes
 * readable while idle (the server closed it) or when it is closed. */
static int
apw_mx_update_fd(ApwMulti *m, curl_socket_t fd, int want, int lazy)
{
    unsigned char *st = apw_mx_fd(m, fd);
    int rc = 0;

    if (st == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if ((want & CURL_POLL_IN) && !(*st & APW_FD_READER)) {
        if (apw_mx_watch(m, fd, 1, 1) < 0) {
            rc = -1;
        }
        else {
            *st |= APW_FD_READER;
        }
    }
    else if (!(want & CURL_POLL_IN) && (*st & APW_FD_READER) &&
             !(lazy && (*st & APW_FD_OWNED))) {
        rc = apw_mx_watch(m, fd, 0, 1);
        *st &= (unsigned char)~APW_FD_READER;
    }
    if (rc == 0 && (want & CURL_POLL_OUT) && !(*st & APW_FD_WRITER)) {
        if (apw_mx_watch(m, fd, 1, 0) < 0) {
            rc = -1;
        }
        else {
            *st |= APW_FD_WRITER;
        }
    }
    else if (!(want & CURL_POLL_OUT) && (*st & APW_FD_WRITER)) {
        if (apw_mx_watch(m, fd, 0, 0) < 0) {
            rc = -1;
        }
        *st &= (unsigned char)~APW_FD_WRITER;
    }
    if (want & CURL_POLL_IN) {
        *st |= APW_FD_WANT_IN;
    }
    else {
        *st &= (unsigned char)~APW_FD_WANT_IN;
    }
    return rc;
}

static int
apw_mx_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    ApwMulti *m = userp;

    (void)easy;
    (void)socketp;
    if (m->detached) {
        return 0;
    }
    if (apw_mx_update_fd(m, fd, what == CURL_POLL_REMOVE ? 0 : (what & 3), 1) < 0) {
        apw_mx_note_error(m);
        return -1;
    }
    return 0;
}

static curl_socket_t
apw_mx_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    ApwMulti *m = clientp;
    curl_socket_t fd = apw_cb_opensocket(&m->fds, purpose, address);
    unsigned char *st;

    if (fd != CURL_SOCKET_BAD) {
        st = apw_mx_fd(m, fd);
        if (st == NULL) {
            (void)apw_cb_closesocket(&m->fds, fd);
            return CURL_SOCKET_BAD;
        }
        *st = APW_FD_OWNED;
    }
    return fd;
}

static int
apw_mx_closesocket(void *clientp, curl_socket_t fd)
{
    ApwMulti *m = clientp;
    unsigned char *st = (fd >= 0 && (size_t)fd < m->fdcap) ? &m->fdst[fd] : NULL;

    if (st != NULL) {
        if (!m->detached && apw_mx_update_fd(m, fd, 0, 0) < 0) {
            apw_mx_note_error(m);
        }
        *st = 0;
    }
    return apw_cb_closesocket(&m->fds, fd);
}

static void
apw_mx_cancel_timer(ApwMulti *m)
{
    PyObject *timer = m->timer;

    if (timer != NULL) {
        PyObject *r;
        m->timer = NULL;
        r = PyObject_CallMethodObjArgs(timer, m->s_cancel, NULL);
        if (r == NULL) {
            apw_mx_note_error(m);
        }
        Py_XDECREF(r);
        Py_DECREF(timer);
    }
}

static int64_t
apw_mx_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Make the loop call _timer() when libcurl's next timeout expires, asked of
 * curl_multi_timeout() after every libcurl call that may change it (so no
 * timer callback is needed).  A timer already due no later is kept: one that
 * fires early costs a socket_action that finds nothing to do, and the timer
 * is armed again after it; this saves a TimerHandle per request. */
static void
apw_mx_arm(ApwMulti *m)
{
    long ms = -1;
    int64_t due;

    if (m->detached || m->multi == NULL ||
        curl_multi_timeout(m->multi, &ms) != CURLM_OK || ms < 0) {
        return;
    }
    due = apw_mx_now_ns() + (int64_t)ms * 1000000;
    if (m->timer != NULL && m->timer_due <= due) {
        return;
    }
    apw_mx_cancel_timer(m);
    m->timer = PyObject_CallFunction(m->lm[APW_LM_CALL_LATER], "dO", (double)ms / 1000.0,
                                     m->on_timer);
    if (m->timer == NULL) {
        apw_mx_note_error(m);
    }
    m->timer_due = due;
}

/* ================================================================ completion */

/* fut.set_exception(current exception), unless the future is done. */
static void
apw_mx_fail_future(ApwMulti *m, PyObject *fut)
{
    PyObject *type;
    PyObject *value;
    PyObject *tb;
    PyObject *done;
    PyObject *r;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL) {
        (void)PyException_SetTraceback(value, tb);
    }
    done = PyObject_CallMethodObjArgs(fut, m->s_done, NULL);
    if (done == Py_False && value != NULL) {
        r = PyObject_CallMethodObjArgs(fut, m->s_set_exception, value, NULL);
        if (r == NULL) {
            PyErr_WriteUnraisable(fut);
        }
        Py_XDECREF(r);
    }
    else if (done == NULL) {
        PyErr_WriteUnraisable(fut);
    }
    Py_XDECREF(done);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}

static void
apw_mx_resolve(ApwMulti *m, PyObject *fut, PyObject *res)
{
    PyObject *done = PyObject_CallMethodObjArgs(fut, m->s_done, NULL);
    PyObject *r = NULL;

    if (done == Py_False) {
        r = PyObject_CallMethodObjArgs(fut, m->s_set_result, res, NULL);
        if (r == NULL) {
            PyErr_WriteUnraisable(fut);
        }
    }
    else if (done == NULL) {
        PyErr_WriteUnraisable(fut);
    }
    Py_XDECREF(r);
    Py_XDECREF(done);
}

/* Raise the exception of a transfer that failed with `cc`.  The rule for a
 * request that is not idempotent: once libcurl was about to send it (the
 * prerequest callback ran: some of it may have reached the server), every
 * failure is AmbiguousRequestError (never retried: it may have been applied),
 * except an answer over the size limits (the server answered).  Before that
 * (refused, DNS, TLS, connect timeout) the failure is the transport's own. */
static void
apw_mx_raise_failed(apw_state *st, ApwMulti *m, const apw_mxfer *t, CURLcode cc)
{
    char what[320];

    if (!t->x.idempotent && t->x.attempts > 0 && !t->x.resend_refused &&
        !t->x.body_too_large && !t->x.headers_too_large) {
        (void)PyOS_snprintf(what, sizeof(what),
                            "the request failed after it was sent (%s); it is not idempotent, "
                            "so it was not resent, and it may have been applied",
                            t->errbuf[0] ? t->errbuf : curl_easy_strerror(cc));
        apw_raise_transport(st, st->AmbiguousRequestError, what, cc, t->rq.url);
        return;
    }
    apw_raise_failed(st, (ApwSession *)m->session, &t->rq, &t->x, cc, t->errbuf);
}

/* A transfer ended with `cc`: its result or exception into its future. */
static void
apw_mx_finish(ApwMulti *m, apw_state *st, apw_mxfer *t, CURLcode cc)
{
    long status = 0;
    PyObject *res = NULL;
    PyObject *fut = Py_NewRef(t->future);

    (void)curl_multi_remove_handle(m->multi, t->easy);
    if (cc == CURLE_OK) {
        cc = curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    }
    if (cc != CURLE_OK) {
        apw_mx_raise_failed(st, m, t, cc);
    }
    else if (t->graphql) {
        res = apw_graphql_answer(st, t->rq.url, status, &t->x, t->meta);
    }
    else {
        res = apw_response_new(st, status, &t->x);
    }
    if (res != NULL) {
        apw_mx_resolve(m, fut, res);
        Py_DECREF(res);
    }
    else {
        apw_mx_fail_future(m, fut);
    }
    Py_DECREF(fut);
    apw_mx_drop(m, t);
}

/* Complete every transfer libcurl reports as done. */
static void
apw_mx_drain(ApwMulti *m, apw_state *st)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        apw_mxfer *t = NULL;
        CURLcode cc = msg->data.result;
        if (msg->msg != CURLMSG_DONE ||
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t) != CURLE_OK ||
            t == NULL) {
            continue;
        }
        apw_mx_finish(m, st, t, cc);
    }
}

/* ================================================================ teardown */

/* Replace every socket of this Multi by /dev/null (forked child). */
static void
apw_mx_detach_fds(ApwMulti *m)
{
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null_fd < 0) {
        return;
    }
    for (size_t i = 0; i < m->fds.len; i++) {
        (void)dup3(null_fd, m->fds.fds[i], O_CLOEXEC);
    }
    close(null_fd);
}

/* Free every libcurl resource.  `message`: pending futures fail with
 * TransportError(message), or are left alone when NULL. */
static void
apw_mx_teardown(ApwMulti *m, apw_state *st, const char *message)
{
    if (m->multi == NULL) {
        return;
    }
    m->closed = 1;
    if (m->pid != getpid()) {
        m->detached = 1;
        apw_mx_detach_fds(m);
    }
    if (m->detached) {
        message = NULL;                 /* its loop cannot take a result any more */
    }
    while (m->active != NULL) {
        apw_mxfer *t = m->active;
        if (message != NULL && st != NULL && t->future != NULL) {
            PyErr_SetString(st->TransportError, message);
            apw_mx_fail_future(m, t->future);
        }
        apw_mx_drop(m, t);
    }
    if (!m->detached) {
        apw_mx_cancel_timer(m);
    }
    (void)curl_multi_cleanup(m->multi);
    m->multi = NULL;
    while (m->n_idle > 0) {
        curl_easy_cleanup(m->idle[--m->n_idle]);
    }
    Py_CLEAR(m->timer);
    PyMem_RawFree(m->fdst);
    m->fdst = NULL;
    m->fdcap = 0;
    if (m->fds_ready) {
        apw_fdset_destroy(&m->fds);
        m->fds_ready = 0;
    }
}

static int
apw_mx_clear(PyObject *op)
{
    ApwMulti *m = (ApwMulti *)op;

    m->detached = 1;                    /* the loop may be half gone */
    apw_mx_teardown(m, NULL, NULL);
    Py_CLEAR(m->session);
    Py_CLEAR(m->loop);
    for (int i = 0; i < APW_LM_COUNT; i++) {
        Py_CLEAR(m->lm[i]);
    }
    Py_CLEAR(m->on_io);
    Py_CLEAR(m->on_timer);
    Py_CLEAR(m->timer);
    Py_CLEAR(m->s_done);
    Py_CLEAR(m->s_set_result);
    Py_CLEAR(m->s_set_exception);
    Py_CLEAR(m->s_cancel);
    Py_CLEAR(m->err_type);
    Py_CLEAR(m->err_value);
    Py_CLEAR(m->err_tb);
    return 0;
}

static int
apw_mx_traverse(PyObject *op, visitproc visit, void *arg)
{
    ApwMulti *m = (ApwMulti *)op;

    Py_VISIT(Py_TYPE(op));
    Py_VISIT(m->session);
    Py_VISIT(m->loop);
    for (int i = 0; i < APW_LM_COUNT; i++) {
        Py_VISIT(m->lm[i]);
    }
    Py_VISIT(m->on_io);
    Py_VISIT(m->on_timer);
    Py_VISIT(m->timer);
    Py_VISIT(m->err_value);
    for (apw_mxfer *t = m->active; t != NULL; t = t->next) {
        Py_VISIT(t->future);
        for (int i = 0; i < 3; i++) {
            Py_VISIT(t->keep[i]);
        }
    }
    return 0;
}

static void
apw_mx_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);

    PyObject_GC_UnTrack(op);
    (void)apw_mx_clear(op);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* ================================================================ methods */

static int
apw_mx_init(PyObject *op, PyObject *args, PyObject *kwds)
{
    ApwMulti *m = (ApwMulti *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    static char *kwlist[] = {"session", "loop", NULL};
    PyObject *session;
    PyObject *loop;

    if (st == NULL) {
        return -1;
    }
    if (m->multi != NULL || m->closed) {
        PyErr_SetString(PyExc_RuntimeError, "Multi is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO:Multi", kwlist, &session, &loop)) {
        return -1;
    }
    if (!PyObject_TypeCheck(session, (PyTypeObject *)st->SessionType) ||
        ((ApwSession *)session)->initialized == 0) {
        PyErr_SetString(PyExc_TypeError, "session must be an initialised Session");
        return -1;
    }
    m->session = Py_NewRef(session);
    m->loop = Py_NewRef(loop);
    for (int i = 0; i < APW_LM_COUNT; i++) {
        if ((m->lm[i] = PyObject_GetAttrString(loop, apw_loop_method_names[i])) == NULL) {
            return -1;
        }
    }
    if ((m->on_io = PyObject_GetAttrString(op, "_io")) == NULL ||
        (m->on_timer = PyObject_GetAttrString(op, "_timer")) == NULL ||
        (m->s_done = PyUnicode_InternFromString("done")) == NULL ||
        (m->s_set_result = PyUnicode_InternFromString("set_result")) == NULL ||
        (m->s_set_exception = PyUnicode_InternFromString("set_exception")) == NULL ||
        (m->s_cancel = PyUnicode_InternFromString("cancel")) == NULL) {
        return -1;
    }
    if (pthread_mutex_init(&m->fds.lock, NULL) != 0) {
        PyErr_SetString(PyExc_OSError, "cannot initialise a mutex");
        return -1;
    }
    m->fds_ready = 1;
    m->multi = curl_multi_init();
    if (m->multi == NULL ||
        curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, apw_mx_socket_cb) != CURLM_OK ||
        curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, (void *)m) != CURLM_OK ||
        curl_multi_setopt(m->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX) != CURLM_OK) {
        PyErr_SetString(st->TransportError, "cannot create a libcurl multi handle");
        return -1;
    }
    m->pid = getpid();
    return 0;
}

static int
apw_mx_usable(ApwMulti *m, apw_state *st)
{
    if (st == NULL) {
        return -1;
    }
    if (m->multi == NULL || m->closed) {
        PyErr_SetString(PyExc_ValueError, "request on a closed Multi");
        return -1;
    }
    if (m->pid != getpid()) {
        PyErr_SetString(st->TransportError,
                        "this Multi belongs to the parent process (used after fork())");
        return -1;
    }
    return 0;
}

/* Start `t` (its request prepared): returns its future, or NULL with an
 * exception set (t is freed either way). */
static PyObject *
apw_mx_start(ApwMulti *m, apw_state *st, apw_mxfer *t)
{
    ApwSession *s = (ApwSession *)m->session;
    PyObject *fut;
    CURLcode cc;
    CURLMcode mc;

    t->x.max_body = s->max_response_bytes;
    t->x.max_headers = s->max_header_bytes;
    t->future = PyObject_CallNoArgs(m->lm[APW_LM_CREATE_FUTURE]);
    if (t->future == NULL) {
        apw_mx_free(t);
        return NULL;
    }
    t->easy = apw_mx_take_easy(m);
    if (t->easy == NULL) {
        apw_mx_free(t);
        return PyErr_NoMemory();
    }
    cc = apw_easy_request(t->easy, &t->rq, &t->x, t->errbuf);
    if (cc == CURLE_OK) {
        cc = curl_easy_setopt(t->easy, CURLOPT_PRIVATE, (void *)t);
    }
    if (cc == CURLE_OK) {
        /* Over TLS, wait for a connection being set up that may multiplex
         * (HTTP/2) rather than open one per request. */
        cc = curl_easy_setopt(t->easy, CURLOPT_PIPEWAIT,
                              strncmp(t->rq.url, "https:", 6) == 0 ? 1L : 0L);
    }
    if (cc != CURLE_OK) {
        apw_mx_give_easy(m, t->easy);
        t->easy = NULL;
        apw_raise_curl(st, cc, t->errbuf, t->rq.url);
        apw_mx_free(t);
        return NULL;
    }
    apw_mx_link(m, t);
    mc = curl_multi_add_handle(m->multi, t->easy);
    if (mc != CURLM_OK) {
        CURL *e = t->easy;
        apw_mx_unlink(m, t);
        t->easy = NULL;
        apw_mx_give_easy(m, e);
        apw_mx_free(t);
        if (apw_mx_raise_noted(m) == 0) {
            PyErr_Format(st->TransportError, "libcurl multi interface error: %s",
                         curl_multi_strerror(mc));
        }
        return NULL;
    }
    /* Start it now (the request goes out on a kept-alive connection at once)
     * rather than in a later loop iteration. */
    fut = Py_NewRef(t->future);
    (void)apw_mx_run(m, st, CURL_SOCKET_TIMEOUT, 0);
    if (apw_mx_raise_noted(m) < 0) {
        for (apw_mxfer *p = m->active; p != NULL; p = p->next) {
            if (p->future == fut) {
                apw_mx_drop(m, p);
                break;
            }
        }
        Py_DECREF(fut);
        return NULL;
    }
    return fut;
}

PyDoc_STRVAR(apw_mx_request_doc,
"request(method, url, headers=None, body=None, *, timeout_ms=None, idempotent=None)\n"
"    -> Future[Response]\n\n"
"Session.request() on this loop: start the transfer, return its future.");

static PyObject *
apw_mx_request(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ApwMulti *m = (ApwMulti *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    PyObject *a[6];
    apw_mxfer *t;

    if (apw_mx_usable(m, st) < 0 ||
        apw_parse_args("request", args, nargs, kwnames, apw_request_names, 4, 2, a) < 0) {
        return NULL;
    }
    t = PyMem_RawCalloc(1, sizeof(*t));
    if (t == NULL) {
        return PyErr_NoMemory();
    }
    if (apw_request_prepare(st, (ApwSession *)m->session, a, &t->rq, &t->x, &t->body) < 0) {
        apw_mx_free(t);
        return NULL;
    }
    t->keep[0] = Py_NewRef(a[0]);
    t->keep[1] = Py_NewRef(a[1]);
    t->keep[2] = Py_XNewRef(a[3]);
    return apw_mx_start(m, st, t);
}

PyDoc_STRVAR(apw_mx_graphql_doc,
"graphql(url, headers, document, variables=None, *, timeout_ms=None, idempotent=False,\n"
"        meta=False) -> Future\n\n"
"Session.graphql() on this loop: start the transfer, return its future.");

static PyObject *
apw_mx_graphql(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ApwMulti *m = (ApwMulti *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    PyObject *a[7];
    apw_mxfer *t;

    if (apw_mx_usable(m, st) < 0 ||
        apw_parse_args("graphql", args, nargs, kwnames, apw_graphql_names, 4, 3, a) < 0) {
        return NULL;
    }
    t = PyMem_RawCalloc(1, sizeof(*t));
    if (t == NULL) {
        return PyErr_NoMemory();
    }
    if (apw_graphql_prepare(st, (ApwSession *)m->session, a, &t->rq, &t->x, &t->body,
                            &t->meta) < 0) {
        apw_mx_free(t);
        return NULL;
    }
    t->graphql = 1;
    t->keep[0] = Py_NewRef(a[0]);
    return apw_mx_start(m, st, t);
}

/* Run libcurl for `fd` (or its timeouts), complete what finished, and arm
 * the timer for what comes next. */
static CURLMcode
apw_mx_run(ApwMulti *m, apw_state *st, curl_socket_t fd, int flags)
{
    int running = 0;
    CURLMcode mc = curl_multi_socket_action(m->multi, fd, flags, &running);

    apw_mx_drain(m, st);
    apw_mx_arm(m);
    return mc;
}

static PyObject *
apw_mx_action(ApwMulti *m, curl_socket_t fd, int flags)
{
    apw_state *st = apw_get_state_by_type(Py_TYPE(m));
    CURLMcode mc;

    if (st == NULL) {
        return NULL;
    }
    if (m->multi == NULL || m->detached || m->pid != getpid()) {
        Py_RETURN_NONE;
    }
    if (flags == CURL_CSELECT_IN && fd >= 0 && (size_t)fd < m->fdcap &&
        !(m->fdst[fd] & APW_FD_WANT_IN)) {
        /* An idle kept-alive connection became readable: the server closed
         * it (libcurl finds out when it next picks it).  Stop watching it. */
        if (apw_mx_update_fd(m, fd, 0, 0) < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    /* The caller (the loop's handle, or the caller of a bound method) holds
     * a reference to self for the whole call. */
    mc = apw_mx_run(m, st, fd, flags);
    if (apw_mx_raise_noted(m) < 0) {
        return NULL;
    }
    if (mc != CURLM_OK) {
        PyErr_Format(st->TransportError, "libcurl multi interface error: %s",
                     curl_multi_strerror(mc));
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
apw_mx_io(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    long fd;
    long flags;

    if (nargs != 2 || !PyLong_Check(args[0]) || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "_io(fd, flags) takes two ints");
        return NULL;
    }
    fd = PyLong_AsLong(args[0]);
    flags = PyLong_AsLong(args[1]);
    if ((fd == -1 || flags == -1) && PyErr_Occurred()) {
        return NULL;
    }
    return apw_mx_action((ApwMulti *)op, (curl_socket_t)fd, (int)flags);
}

static PyObject *
apw_mx_timer(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    ApwMulti *m = (ApwMulti *)op;

    Py_CLEAR(m->timer);                 /* it has fired */
    return apw_mx_action(m, CURL_SOCKET_TIMEOUT, 0);
}

PyDoc_STRVAR(apw_mx_cancel_doc,
"cancel(future) -> bool\n\n"
"Stop the transfer of `future` at once (its connection is closed unless it\n"
"multiplexes); False when no transfer has that future (it completed).");

static PyObject *
apw_mx_cancel(PyObject *op, PyObject *fut)
{
    ApwMulti *m = (ApwMulti *)op;

    if (m->multi == NULL) {
        Py_RETURN_FALSE;
    }
    for (apw_mxfer *t = m->active; t != NULL; t = t->next) {
        if (t->future == fut) {
            if (m->pid != getpid()) {
                m->detached = 1;
            }
            apw_mx_drop(m, t);
            if (apw_mx_raise_noted(m) < 0) {
                return NULL;
            }
            Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
}

PyDoc_STRVAR(apw_mx_close_doc,
"close()\n\n"
"Fail the pending transfers (TransportError), unregister their descriptors\n"
"and close the connections.  Safe to call more than once, on a closed loop\n"
"and in a forked child (the parent's sockets are then not touched).");

static PyObject *
apw_mx_close(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    ApwMulti *m = (ApwMulti *)op;
    apw_state *st = apw_get_state_by_type(Py_TYPE(op));
    PyObject *closed;

    if (st == NULL) {
        return NULL;
    }
    if (m->multi == NULL) {
        Py_RETURN_NONE;
    }
    if (m->loop != NULL && m->pid == getpid()) {
        closed = PyObject_CallMethod(m->loop, "is_closed", NULL);
        if (closed == NULL) {
            return NULL;
        }
        if (closed == Py_True) {
            m->detached = 1;
        }
        Py_DECREF(closed);
    }
    apw_mx_teardown(m, st, "the async transport was closed while the request was in flight");
    if (apw_mx_raise_noted(m) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
apw_mx_get_active(PyObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(((ApwMulti *)op)->n_active);
}

static PyObject *
apw_mx_get_closed(PyObject *op, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(((ApwMulti *)op)->multi == NULL);
}

static PyObject *
apw_mx_get_loop(PyObject *op, void *Py_UNUSED(closure))
{
    ApwMulti *m = (ApwMulti *)op;

    return Py_NewRef(m->loop != NULL ? m->loop : Py_None);
}

static PyObject *
apw_mx_get_fds(PyObject *op, void *Py_UNUSED(closure))
{
    ApwMulti *m = (ApwMulti *)op;
    Py_ssize_t n = 0;

    if (m->fds_ready) {
        pthread_mutex_lock(&m->fds.lock);
        n = (Py_ssize_t)m->fds.len;
        pthread_mutex_unlock(&m->fds.lock);
    }
    return PyLong_FromSsize_t(n);
}

static PyMethodDef apw_mx_methods[] = {
    {"request", (PyCFunction)(void (*)(void))apw_mx_request, METH_FASTCALL | METH_KEYWORDS,
     apw_mx_request_doc},
    {"graphql", (PyCFunction)(void (*)(void))apw_mx_graphql, METH_FASTCALL | METH_KEYWORDS,
     apw_mx_graphql_doc},
    {"cancel", apw_mx_cancel, METH_O, apw_mx_cancel_doc},
    {"close", apw_mx_close, METH_NOARGS, apw_mx_close_doc},
    {"_io", (PyCFunction)(void (*)(void))apw_mx_io, METH_FASTCALL,
     "Called by the loop when a descriptor is ready."},
    {"_timer", apw_mx_timer, METH_NOARGS, "Called by the loop when libcurl's timeout expires."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef apw_mx_getset[] = {
    {"active", apw_mx_get_active, NULL, "Number of transfers in flight.", NULL},
    {"closed", apw_mx_get_closed, NULL, "True after close().", NULL},
    {"loop", apw_mx_get_loop, NULL, "The event loop that drives this transport.", NULL},
    {"open_sockets", apw_mx_get_fds, NULL,
     "Number of sockets open (connections, kept alive or in use).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(apw_mx_doc,
"Multi(session, loop)\n\n"
"The asyncio transport: libcurl's multi interface driven by `loop` (its\n"
"add_reader/add_writer/call_later), with `session`'s settings.  Use it only\n"
"from that loop's thread.");

static PyType_Slot apw_mx_slots[] = {
    {Py_tp_doc, (void *)apw_mx_doc},
    {Py_tp_init, (void *)apw_mx_init},
    {Py_tp_new, (void *)PyType_GenericNew},
    {Py_tp_dealloc, (void *)apw_mx_dealloc},
    {Py_tp_traverse, (void *)apw_mx_traverse},
    {Py_tp_clear, (void *)apw_mx_clear},
    {Py_tp_methods, apw_mx_methods},
    {Py_tp_getset, apw_mx_getset},
    {0, NULL},
};

static PyType_Spec apw_mx_spec = {
    .name = "approw._transport.Multi",
    .basicsize = sizeof(ApwMulti),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = apw_mx_slots,
};

int
apw_multi_exec(PyObject *module, apw_state *st)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &apw_mx_spec, NULL);

    (void)st;
    if (tp == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "Multi", tp) < 0) {
        Py_DECREF(tp);
        return -1;
    }
    return 0;
}
