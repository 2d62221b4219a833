/*
 * perform.c - one transfer: set the request on a pooled handle, drive it with
 * the GIL released, and turn a failure into the matching exception.
 *
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
 *   cannot close it.  Any other failure after the request may have reached
 *   the socket (a fresh connection closed, reset, half an answer, a timeout)
 *   is AmbiguousRequestError too for such a request (outcome.c).
 * - Limits: the answer's body (after decompression) and header block are
 *   capped per Session (max_response_bytes, default 32 MiB; max_header_bytes,
 *   default 64 KiB); beyond them the transfer is aborted and
 *   ResponseTooLargeError raised.
 */
#include "transport.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

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
apw_handles_signals(apw_tr_state *st, pid_t pid)
{
    PyObject *threading = NULL;
    PyObject *main = NULL;
    PyObject *ident = NULL;
    unsigned long value;

    if (PyInterpreterState_Get() != PyInterpreterState_Main()) {
        return 0;
    }
    /* (threads may ask at once: main_ident is stored before main_pid, read after it) */
    if (APW_LOAD(&st->main_pid) != (long)pid) {
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
        __atomic_store_n(&st->main_ident, value, __ATOMIC_RELAXED);
        APW_STORE(&st->main_pid, (long)pid);
    }
    else {
        value = __atomic_load_n(&st->main_ident, __ATOMIC_RELAXED);
    }
    return PyThread_get_thread_ident() == value;
}

/* Raise the exception for a transfer that ended with `cc`. */
void
apw_raise_failed(apw_tr_state *st, ApwSession *s, const apw_req *rq, const apw_xfer *x,
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
    else if (apw_failure_is_ambiguous(x, cc)) {
        (void)PyOS_snprintf(what, sizeof(what),
                            "the request failed after it was sent (%.120s); it is not "
                            "idempotent, so it was not resent, and it may have been applied",
                            errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
        apw_raise_transport(st, st->AmbiguousRequestError, what, cc, rq->url);
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
int
apw_perform(apw_tr_state *st, ApwSession *s, const apw_req *rq, apw_xfer *x, long *status)
{
    apw_slot *slot;
    CURLcode cc = CURLE_OK;
    CURLMcode mc;
    int interrupted = 0;
    int signals;
    char errbuf[CURL_ERROR_SIZE];
    PyThreadState *ts;
    pid_t pid = getpid();

    if (APW_LOAD(&s->closed)) {        /* (close() may run in another thread) */
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

