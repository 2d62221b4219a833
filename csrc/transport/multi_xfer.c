/*
 * multi_xfer.c - the transfers of the asyncio transport (multi.c): easy
 * handles (pooled per Multi), the list of transfers in flight, completion
 * into asyncio futures (results and exceptions exactly as Session's), and
 * teardown.
 */
#include "multi.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ================================================================ transfers */

void
apw_mx_free(apw_mxfer *t)
{
    apw_graphql_release(&t->rq, t->headers_owner);   /* (request(): the list is ours) */
    PyMem_RawFree(t->body);
    apw_xfer_release(&t->x);
    Py_XDECREF(t->future);
    for (int i = 0; i < 3; i++) {
        Py_XDECREF(t->keep[i]);
    }
    PyMem_RawFree(t);
}

void
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

void
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
CURL *
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
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, (void *)m) != CURLE_OK) {
        curl_easy_cleanup(e);
        return NULL;
    }
    return e;
}

void
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
void
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

/* ================================================================ completion */

/* fut.set_exception(current exception), unless the future is done. */
void
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

void
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

/* A transfer ended with `cc`: its result or exception into its future. */
void
apw_mx_finish(ApwMulti *m, apw_tr_state *st, apw_mxfer *t, CURLcode cc)
{
    long status = 0;
    PyObject *res = NULL;
    PyObject *fut = Py_NewRef(t->future);

    (void)curl_multi_remove_handle(m->multi, t->easy);
    if (cc == CURLE_OK) {
        cc = curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    }
    if (cc != CURLE_OK) {
        /* Session's exceptions, by the same rules (outcome.c: a mutation
         * that may have been sent fails as AmbiguousRequestError). */
        apw_raise_failed(st, (ApwSession *)m->session, &t->rq, &t->x, cc, t->errbuf);
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
void
apw_mx_drain(ApwMulti *m, apw_tr_state *st)
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
void
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
void
apw_mx_teardown(ApwMulti *m, apw_tr_state *st, const char *message)
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
