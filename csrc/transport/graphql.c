/*
 * graphql.c - Session.graphql(): one POST whose body is built here
 * ({"query": <document, JSON-escaped once and cached>, "variables": ...}) and
 * whose answer is read as the service's GraphQL envelope: `data` is returned,
 * `errors` become GraphQLError ((code, message, data) per entry, the code from
 * the service's {code, message, data} message or from extensions.code), and
 * anything else is an HTTPError carrying the status and the body's first bytes.
 */
#include "transport.h"

#include <stdlib.h>
#include <string.h>

#define APW_DOC_CACHE_MAX 512

/* The JSON string literal of a GraphQL document, cached per document str. */
static PyObject *
apw_doc_literal(apw_tr_state *st, PyObject *document)
{
    PyObject *lit;
    char *text;
    size_t len = 0;

    /* (a strong reference: another thread may clear the cache meanwhile) */
    switch (PyDict_GetItemRef(st->doc_cache, document, &lit)) {
    case 1:
        return lit;
    case -1:
        return NULL;
    }
    if (apw_str_arg(st->ArgumentError, document, "document", NULL) == NULL) {
        return NULL;
    }
    text = st->api->json_encode(document, &len);
    if (text == NULL) {
        return NULL;
    }
    lit = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
    st->api->json_free(text);
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
apw_graphql_body(apw_tr_state *st, PyObject *document, PyObject *variables, size_t *len)
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
            vars_text = st->api->json_encode(variables, &vars_len);
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
    st->api->json_free(vars_text);
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
apw_error_tuple(apw_tr_state *st, PyObject *item)
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

/* Set `status`, `retry_after` and `request_id` (str or None) on a new exception. */
static int
apw_set_answer_attrs(apw_tr_state *st, PyObject *exc, long status, const apw_xfer *x)
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
apw_raise_graphql(apw_tr_state *st, PyObject *errors, PyObject *data, long status,
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
apw_raise_http(apw_tr_state *st, const char *url, long status, const apw_xfer *x,
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

const char apw_session_graphql_doc[] = PyDoc_STR(
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

const char *const apw_graphql_names[] = {"url", "headers", "document", "variables",
                                        "timeout_ms", "idempotent", "meta", NULL};

/* Arguments of graphql() (apw_graphql_names) into `rq` and `x`; *body gets
 * the request body (PyMem_Raw), *meta the meta flag.  rq->url points into the
 * url argument.  rq->headers is the list kept for this headers tuple, owned by
 * *headers_owner (hold it until the transfer is over), or, when *headers_owner
 * is NULL, a list of the caller's own.  0, or -1 with an exception set (the
 * caller releases rq->headers, *headers_owner and *body either way, as
 * apw_graphql_release does). */
int
apw_graphql_prepare(apw_tr_state *st, ApwSession *s, PyObject *const *a, apw_req *rq,
                    apw_xfer *x, char **body, int *meta, PyObject **headers_owner)
{
    rq->method = "POST";
    if ((rq->url = apw_str_arg(st->ArgumentError, a[0], "url", NULL)) == NULL ||
        apw_ms_arg(st->ArgumentError, a[4], "timeout_ms", s->timeout_ms, &rq->timeout_ms) < 0 ||
        apw_bool_arg(a[5], 0, &x->idempotent) < 0 ||
        apw_bool_arg(a[6], 0, meta) < 0 ||
        (*body = apw_graphql_body(st, a[2], a[3], &rq->body_len)) == NULL ||
        apw_json_headers(st, s, a[1], &rq->headers, headers_owner) < 0) {
        return -1;
    }
    rq->body = *body;
    return 0;
}

void
apw_graphql_release(apw_req *rq, PyObject *headers_owner)
{
    if (headers_owner == NULL) {
        curl_slist_free_all(rq->headers);   /* not kept: the caller's own */
    }
    rq->headers = NULL;
    Py_XDECREF(headers_owner);
}

/* What graphql() returns for a completed transfer: the answer's data (or
 * (data, status, request id) with `meta`), or NULL with GraphQLError or
 * HTTPError set. */
PyObject *
apw_graphql_answer(apw_tr_state *st, const char *url, long status, const apw_xfer *x,
                   int meta)
{
    apw_json_error jerr;
    PyObject *answer;
    PyObject *errors;
    PyObject *data;
    PyObject *res = NULL;

    answer = st->api->json_decode(st->api->json, x->body != NULL ? x->body : "", x->body_len,
                                  &jerr);
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

PyObject *
apw_session_graphql(PyObject *op, PyObject *const *args, Py_ssize_t nargs,
                    PyObject *kwnames)
{
    ApwSession *self = (ApwSession *)op;
    apw_tr_state *st = apw_tr_get_state_by_type(Py_TYPE(op));
    PyObject *a[7];
    apw_req rq = {0};
    apw_xfer x = {0};
    char *body = NULL;
    int meta = 0;
    long status = 0;
    PyObject *headers_owner = NULL;
    PyObject *res = NULL;

    if (st == NULL || apw_session_ready(self) < 0 ||
        apw_parse_args("graphql", args, nargs, kwnames, apw_graphql_names, 4, 3, a) < 0) {
        return NULL;
    }
    if (apw_graphql_prepare(st, self, a, &rq, &x, &body, &meta, &headers_owner) < 0) {
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
    apw_graphql_release(&rq, headers_owner);
    PyMem_RawFree(body);
    apw_xfer_release(&x);
    return res;
}
