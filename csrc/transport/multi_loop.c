/*
 * multi_loop.c - the event loop side of the asyncio transport (multi.c):
 * libcurl's socket callback and socket open/close hooks keep the loop's
 * readers and writers, one call_later handle follows curl_multi_timeout(),
 * and a failure of a loop call inside a libcurl callback is kept until the
 * libcurl call returns.
 */
#include "multi.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ================================================================ loop calls */

/* Keep the current exception as the first callback failure (or drop it). */
void
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
int
apw_mx_raise_noted(ApwMulti *m)
{
    if (m->err_type == NULL) {
        return 0;
    }
    PyErr_Restore(m->err_type, m->err_value, m->err_tb);
    m->err_type = m->err_value = m->err_tb = NULL;
    return -1;
}


unsigned char *
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
int
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
int
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

int
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

curl_socket_t
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

int
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

void
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

int64_t
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
void
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
