/*
 * args.c - the one place where Python arguments become C values, for both
 * modules: the vectorcall parser of the METH_FASTCALL | METH_KEYWORDS entry
 * points (no tuple or dict is built, unlike PyArg_ParseTupleAndKeywords) and
 * the converters (shared.h says what each accepts).  Why C: these run on every
 * call of every C entry point.
 */
#include "shared.h"

#include <math.h>
#include <string.h>

#include <openssl/crypto.h>

/* Minimal vectorcall argument parser: `names` lists every parameter, the first
 * `npos` may be given positionally, the first `nreq` are required.  `out`
 * receives borrowed references (NULL when absent). */
int
apw_parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
               PyObject *kwnames, const char *const *names, int npos, int nreq,
               PyObject **out)
{
    int nparams = 0;

    while (names[nparams] != NULL) {
        nparams++;
    }
    for (int i = 0; i < nparams; i++) {
        out[i] = NULL;
    }
    if (nargs > npos) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %d positional arguments (%zd given)",
                     fname, npos, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        out[i] = args[i];
    }
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            int found = 0;
            for (int i = 0; i < nparams; i++) {
                if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0) {
                    if (out[i] != NULL) {
                        PyErr_Format(PyExc_TypeError,
                                     "%s() got multiple values for argument '%s'", fname,
                                     names[i]);
                        return -1;
                    }
                    out[i] = args[nargs + k];
                    found = 1;
                    break;
                }
            }
            if (!found) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'",
                             fname, key);
                return -1;
            }
        }
    }
    for (int i = 0; i < nreq; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fname,
                         names[i]);
            return -1;
        }
    }
    return 0;
}

int
apw_int_arg(PyObject *valerr, PyObject *obj, const char *name, const char *unit,
            Py_ssize_t min, const char *bound, Py_ssize_t dflt, Py_ssize_t *out)
{
    Py_ssize_t v;

    if (obj == NULL || obj == Py_None) {
        *out = dflt;
        return 0;
    }
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int (%s), not %.80s", name, unit,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    v = PyLong_AsSsize_t(obj);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (v < min) {
        PyErr_Format(valerr, "%s must be %s, got %zd", name, bound, v);
        return -1;
    }
    *out = v;
    return 0;
}

/* A bool argument (NULL/None -> `dflt`). */
int
apw_bool_arg(PyObject *obj, int dflt, int *out)
{
    int v;

    if (obj == NULL || obj == Py_None) {
        *out = dflt;
        return 0;
    }
    v = PyObject_IsTrue(obj);
    if (v < 0) {
        return -1;
    }
    *out = v;
    return 0;
}

/* A finite float argument.  -1 with TypeError/ValueError. */
int
apw_float_arg(PyObject *obj, const char *name, double *out)
{
    if (PyBool_Check(obj) || !(PyFloat_Check(obj) || PyLong_Check(obj))) {
        PyErr_Format(PyExc_TypeError, "%s must be an int or float, not %.100s", name,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = PyFloat_AsDouble(obj);
    if (*out == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    if (!isfinite(*out)) {
        PyErr_Format(PyExc_ValueError, "%s must be finite", name);
        return -1;
    }
    return 0;
}

/* UTF-8 of a str argument, rejecting embedded NUL bytes. */
const char *
apw_str_arg(PyObject *valerr, PyObject *obj, const char *name, Py_ssize_t *len)
{
    const char *s;
    Py_ssize_t n;

    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.80s", name,
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(obj, &n);
    if (s == NULL) {
        return NULL;
    }
    if ((size_t)n != strlen(s)) {
        PyErr_Format(valerr, "%s must not contain NUL characters", name);
        return NULL;
    }
    if (len != NULL) {
        *len = n;
    }
    return s;
}

int
apw_buf_get(PyObject *obj, const char *what, int flags, apw_buf *b)
{
    if (PyUnicode_Check(obj)) {
        if (flags & APW_BUF_SECRET) {
            b->tmp = PyUnicode_AsUTF8String(obj);
            if (b->tmp == NULL) {
                return -1;
            }
            b->p = (const unsigned char *)PyBytes_AS_STRING(b->tmp);
            b->n = (size_t)PyBytes_GET_SIZE(b->tmp);
        }
        else {
            Py_ssize_t len;
            const char *s = PyUnicode_AsUTF8AndSize(obj, &len);
            if (s == NULL) {
                return -1;
            }
            b->p = (const unsigned char *)s;
            b->n = (size_t)len;
        }
        return 0;
    }
    if (PyBytes_Check(obj)) {
        b->p = (const unsigned char *)PyBytes_AS_STRING(obj);
        b->n = (size_t)PyBytes_GET_SIZE(obj);
        return 0;
    }
    if ((flags & APW_BUF_BUFFER) && PyObject_CheckBuffer(obj)) {
        if (PyObject_GetBuffer(obj, &b->view, PyBUF_SIMPLE) < 0) {
            return -1;
        }
        b->has_view = 1;
        b->p = (const unsigned char *)b->view.buf;
        b->n = (size_t)b->view.len;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s must be %s, not %.100s", what,
                 (flags & APW_BUF_BUFFER) ? "str or a bytes-like object"
                                          : "str or bytes",
                 Py_TYPE(obj)->tp_name);
    return -1;
}

void
apw_buf_release(apw_buf *b)
{
    if (b->tmp != NULL) {
        /* Only wipe a temporary nobody else can see: CPython shares the
         * empty and the one-byte bytes objects. */
        if (Py_REFCNT(b->tmp) == 1) {
            OPENSSL_cleanse(PyBytes_AS_STRING(b->tmp),
                            (size_t)PyBytes_GET_SIZE(b->tmp));
        }
        Py_CLEAR(b->tmp);
    }
    if (b->has_view) {
        PyBuffer_Release(&b->view);
        b->has_view = 0;
    }
    b->p = NULL;
    b->n = 0;
}

/* Body argument: bytes and str are borrowed; other buffers are copied into
 * *owned (another thread could resize a bytearray while the GIL is released). */
int
apw_body_arg(PyObject *obj, const char **body, size_t *len, char **owned)
{
    *owned = NULL;
    if (obj == NULL || obj == Py_None) {
        *body = NULL;
        *len = 0;
        return 0;
    }
    if (PyBytes_Check(obj)) {
        *body = PyBytes_AS_STRING(obj);
        *len = (size_t)PyBytes_GET_SIZE(obj);
        return 0;
    }
    if (PyUnicode_Check(obj)) {
        Py_ssize_t n;
        *body = PyUnicode_AsUTF8AndSize(obj, &n);
        if (*body == NULL) {
            return -1;
        }
        *len = (size_t)n;
        return 0;
    }
    if (PyObject_CheckBuffer(obj)) {
        Py_buffer view;
        if (PyObject_GetBuffer(obj, &view, PyBUF_CONTIG_RO) < 0) {
            return -1;
        }
        *owned = PyMem_RawMalloc(view.len > 0 ? (size_t)view.len : 1);
        if (*owned == NULL) {
            PyBuffer_Release(&view);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(*owned, view.buf, (size_t)view.len);
        *body = *owned;
        *len = (size_t)view.len;
        PyBuffer_Release(&view);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "body must be bytes, str or None, not %.80s",
                 Py_TYPE(obj)->tp_name);
    return -1;
}
