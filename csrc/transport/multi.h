/*
 * multi.h - the Multi type's internals (the asyncio transport), shared by
 * multi.c (the type and its methods), multi_loop.c (the event loop side:
 * descriptors, timer, callback failures) and multi_xfer.c (transfers: handles,
 * completion into futures, teardown).  See multi.c for the design.
 */
#ifndef APW_MULTI_H
#define APW_MULTI_H

#include "transport.h"

#include <stdint.h>

/* Easy handles kept for reuse per Multi (each carries its TLS session). */
#define APW_MULTI_MAX_IDLE 64
typedef struct apw_mxfer {
    struct apw_mxfer *prev;
    struct apw_mxfer *next;
    CURL *easy;
    PyObject *future;             /* strong */
    PyObject *keep[3];            /* argument objects whose buffers `rq` points into */
    apw_req rq;                   /* headers owned, unless headers_owner holds them */
    PyObject *headers_owner;      /* strong: what keeps a graphql() header list, or NULL */
    char *body;                   /* PyMem_Raw: the GraphQL body or a copied buffer */
    apw_xfer x;
    int graphql;
    int meta;
    char errbuf[CURL_ERROR_SIZE];
} apw_mxfer;

enum { APW_LM_ADD_READER, APW_LM_REMOVE_READER, APW_LM_ADD_WRITER, APW_LM_REMOVE_WRITER,
       APW_LM_CALL_LATER, APW_LM_CALL_SOON, APW_LM_CREATE_FUTURE, APW_LM_COUNT };

typedef struct ApwMulti {
    PyObject_HEAD
    PyObject *session;            /* the Session whose settings apply */
    PyObject *loop;
    PyObject *lm[APW_LM_COUNT];   /* the loop's bound methods */
    PyObject *on_io;              /* bound self._io */
    PyObject *on_timer;           /* bound self._timer */
    PyObject *on_kick;            /* bound self._kick */
    int kick_pending;             /* a call_soon(self._kick) is scheduled */
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

/* The descriptor table: what the loop watches and what libcurl wants, per fd. */
enum {
    APW_FD_READER = 1,            /* loop.add_reader done */
    APW_FD_WRITER = 2,            /* loop.add_writer done */
    APW_FD_WANT_IN = 4,           /* libcurl waits for it to be readable */
    APW_FD_OWNED = 8,             /* a connection socket (opened by apw_mx_opensocket) */
};

/* ---------------------------------------------------------------- multi_xfer.c */
void apw_mx_free(apw_mxfer *t);
void apw_mx_link(ApwMulti *m, apw_mxfer *t);
void apw_mx_unlink(ApwMulti *m, apw_mxfer *t);
CURL *apw_mx_take_easy(ApwMulti *m);
void apw_mx_give_easy(ApwMulti *m, CURL *e);
void apw_mx_drop(ApwMulti *m, apw_mxfer *t);
void apw_mx_fail_future(ApwMulti *m, PyObject *fut);
void apw_mx_resolve(ApwMulti *m, PyObject *fut, PyObject *res);
void apw_mx_finish(ApwMulti *m, apw_tr_state *st, apw_mxfer *t, CURLcode cc);
void apw_mx_drain(ApwMulti *m, apw_tr_state *st);
void apw_mx_detach_fds(ApwMulti *m);
void apw_mx_teardown(ApwMulti *m, apw_tr_state *st, const char *message);

/* ---------------------------------------------------------------- multi_loop.c */
void apw_mx_note_error(ApwMulti *m);
int apw_mx_raise_noted(ApwMulti *m);
unsigned char *apw_mx_fd(ApwMulti *m, curl_socket_t fd);
int apw_mx_watch(ApwMulti *m, int fd, int add, int reader);
int apw_mx_update_fd(ApwMulti *m, curl_socket_t fd, int want, int lazy);
int apw_mx_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp);
curl_socket_t apw_mx_opensocket(void *clientp, curlsocktype purpose,
                                struct curl_sockaddr *address);
int apw_mx_closesocket(void *clientp, curl_socket_t fd);
void apw_mx_cancel_timer(ApwMulti *m);
int64_t apw_mx_now_ns(void);
void apw_mx_arm(ApwMulti *m);

/* ---------------------------------------------------------------- multi.c */
/* Run libcurl for `fd` (or its timeouts), complete what finished, arm the timer. */
CURLMcode apw_mx_run(ApwMulti *m, apw_tr_state *st, curl_socket_t fd, int flags);

#endif /* APW_MULTI_H */
