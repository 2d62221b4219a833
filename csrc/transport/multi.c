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
 *   coroutine of the loop: an idle one is reused, concurrent requests each
 *   have their own).  HTTP/1.1 only: see apw_easy_defaults (pool.c) for why
 *   not HTTP/2.
 * - cancel(future) removes the transfer at once.  libcurl closes the
 *   connection of a transfer removed before its end, so no later request
 *   can read the rest of that answer.
 * - Teardown: close() fails the pending futures, unregisters the descriptors
 *   and closes the connections.  When the loop is closed, or the object is
 *   freed by the garbage collector, or it is used in a forked child, the loop
 *   is not called at all ("detached"); in a child every inherited socket is
 *   first replaced by /dev/null (dup3), so the parent's connections are never
 *   written to, read or shut down.
 * Files: multi.c (this: the type, its methods), multi_loop.c (the loop side),
 * multi_xfer.c (transfers, completion, teardown), multi.h.
 */
#include "multi.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const apw_loop_method_names[APW_LM_COUNT] = {
    "add_reader", "remove_reader", "add_writer", "remove_writer", "call_later", "call_soon",
    "create_future",
};

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
    Py_CLEAR(m->on_kick);
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
    Py_VISIT(m->on_kick);
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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
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
        (m->on_kick = PyObject_GetAttrString(op, "_kick")) == NULL ||
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
        curl_multi_setopt(m->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING) != CURLM_OK) {
        PyErr_SetString(st->TransportError, "cannot create a libcurl multi handle");
        return -1;
    }
    m->pid = getpid();
    return 0;
}

static int
apw_mx_usable(ApwMulti *m, apw_tr_state *st)
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
apw_mx_start(ApwMulti *m, apw_tr_state *st, apw_mxfer *t)
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
    /* Alone, it starts now (the request goes out on a kept-alive connection
     * at once, no loop iteration); with others in flight, every transfer
     * started in this loop iteration goes out together in the next one, from
     * one _kick() (one burst of sends wakes the server once). */
    fut = Py_NewRef(t->future);
    if (m->n_active > 1 && !m->kick_pending) {
        PyObject *r = PyObject_CallOneArg(m->lm[APW_LM_CALL_SOON], m->on_kick);
        if (r != NULL) {
            m->kick_pending = 1;
            Py_DECREF(r);
        }
        else {
            apw_mx_note_error(m);
        }
    }
    if (!m->kick_pending) {
        (void)apw_mx_run(m, st, CURL_SOCKET_TIMEOUT, 0);
    }
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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
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
                            &t->meta, &t->headers_owner) < 0) {
        apw_mx_free(t);
        return NULL;
    }
    t->graphql = 1;
    t->keep[0] = Py_NewRef(a[0]);
    return apw_mx_start(m, st, t);
}

/* Run libcurl for `fd` (or its timeouts), complete what finished, and arm
 * the timer for what comes next. */
CURLMcode
apw_mx_run(ApwMulti *m, apw_tr_state *st, curl_socket_t fd, int flags)
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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(m));
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
apw_mx_kick(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    ApwMulti *m = (ApwMulti *)op;

    m->kick_pending = 0;
    return apw_mx_action(m, CURL_SOCKET_TIMEOUT, 0);
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
"Stop the transfer of `future` at once (its connection is closed); False\n"
"when no transfer has that future (it completed).");

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
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
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
    {"_kick", apw_mx_kick, METH_NOARGS, "Called by the loop to start the transfers added."},
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
apw_multi_exec(PyObject *module, apw_tr_state *st)
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
