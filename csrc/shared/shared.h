/*
 * shared.h - what both extension modules use, compiled into each of them
 * (CMakeLists.txt):
 *   args.c     argument conversion: the vectorcall parser and every converter
 *              (milliseconds, byte counts, bools, str, floats, byte views, bodies)
 *   errors.c   error helpers: OpenSSL failures -> exceptions, raise-from, URL redaction
 *   core_api.h the C API approw._core hands to approw._transport (JSON)
 *
 * Where a change goes (csrc/):
 *   core/       approw._core: JSON (decode, encode), RSA, JWT, base64url, the
 *               exception types and Response (core.h, crypto.h)
 *   transport/  approw._transport: the Session type and its libcurl machinery
 *               (transport.h); it raises _core's exception types
 *   shared/     converters and error helpers of both (this header)
 * A new argument type gets its converter in args.c; a new core function goes in
 * the core/ file of its concern and its method table; a new Session behaviour in
 * the transport/ file of its concern.
 *
 * Conventions: `apw_` functions, `Apw` types, `APW_` macros; Python entry points
 * are `apw_py_<name>`.  A PyObject * result is a new reference, or NULL with an
 * exception set; an int result is 0 on success and -1 with an exception set.
 * Pure-C helpers never see a PyObject.  Every PyObject a module owns lives in
 * its module state (core.h, transport.h): there are no static PyObject globals.
 */
#ifndef APW_SHARED_H
#define APW_SHARED_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}

static inline PyObject *
Py_XNewRef(PyObject *obj)
{
    Py_XINCREF(obj);
    return obj;
}
#endif

/* Free-threaded CPython (3.13+ built with --disable-gil, "3.14t"): no GIL serialises the
 * C code, so a dict shared between threads is read with PyDict_GetItemRef (a strong
 * reference, never a borrowed one another thread could free) and a container another
 * thread may change is iterated inside a critical section on it.  Before 3.13 both are
 * spelt with the GIL's guarantees. */
#if PY_VERSION_HEX < 0x030D0000
static inline int
PyDict_GetItemRef(PyObject *d, PyObject *key, PyObject **out)
{
    *out = PyDict_GetItemWithError(d, key);
    if (*out != NULL) {
        Py_INCREF(*out);
        return 1;
    }
    return PyErr_Occurred() ? -1 : 0;
}
#define Py_BEGIN_CRITICAL_SECTION(op) {
#define Py_END_CRITICAL_SECTION() }
#endif
/* An int or long that threads read and write without a lock (a flag, a pid). */
#define APW_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define APW_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* The default request and connect timeout (ms) of every client and Session:
 * defined here only; Python reads it as approw._core.DEFAULT_TIMEOUT_MS. */
#define APW_DEFAULT_TIMEOUT_MS 10000

/* ---------------------------------------------------------------- module state */

/* The lifecycle of a module state `st`, written once for both modules: each
 * state header lists its PyObject fields (X(field)) and its interned strings
 * (X(field, "text")); traverse, clear and init expand these. */
#define APW_VISIT_FIELD(f) Py_VISIT(st->f);
#define APW_CLEAR_FIELD(f) Py_CLEAR(st->f);
#define APW_INTERN_FIELD(f, text)                                           \
    if ((st->f = PyUnicode_InternFromString(text)) == NULL) {               \
        return -1;                                                          \
    }

/* ---------------------------------------------------------------- args.c */

/* Vectorcall arguments: `names` lists every parameter (NULL-terminated), the
 * first `npos` may be positional, the first `nreq` are required.  `out`
 * receives borrowed references, NULL where absent.  0, or -1 with TypeError. */
int apw_parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames, const char *const *names, int npos, int nreq,
                   PyObject **out);

/* The converters: NULL (absent) or None gives `dflt` where there is one; a
 * value of the wrong type raises TypeError, an unusable one `valerr` (the
 * module's ArgumentError, or ValueError).  0 or -1. */

/* An int (not a bool) of at least `min` (TypeError naming the `unit`, else
 * `valerr` saying it must be `bound`). */
int apw_int_arg(PyObject *valerr, PyObject *obj, const char *name, const char *unit,
                Py_ssize_t min, const char *bound, Py_ssize_t dflt, Py_ssize_t *out);

/* Non-negative milliseconds (0 means no limit). */
static inline int
apw_ms_arg(PyObject *valerr, PyObject *obj, const char *name, long dflt, long *out)
{
    Py_ssize_t v = 0;

    if (apw_int_arg(valerr, obj, name, "milliseconds", 0, ">= 0 (0 means no limit)", dflt,
                    &v) < 0) {
        return -1;
    }
    *out = (long)v;     /* Py_ssize_t is long on the platforms built (LP64) */
    return 0;
}

/* A positive byte count. */
static inline int
apw_size_arg(PyObject *valerr, PyObject *obj, const char *name, size_t dflt, size_t *out)
{
    Py_ssize_t v = 0;

    if (apw_int_arg(valerr, obj, name, "bytes", 1, "> 0", (Py_ssize_t)dflt, &v) < 0) {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* Truth value of any object. */
int apw_bool_arg(PyObject *obj, int dflt, int *out);
/* A finite float from an int or a float, bool refused (no default). */
int apw_float_arg(PyObject *obj, const char *name, double *out);
/* UTF-8 of a str without NUL characters; *len may be NULL.  NULL on error. */
const char *apw_str_arg(PyObject *valerr, PyObject *obj, const char *name,
                        Py_ssize_t *len);

/* A read-only byte view of a str (UTF-8), bytes, or (optionally) any
 * C-contiguous buffer.  With APW_BUF_SECRET a str is encoded into a private
 * temporary bytes object that is cleansed on release. */
#define APW_BUF_BUFFER 1   /* accept any buffer-protocol object */
#define APW_BUF_SECRET 2   /* the content is secret: copy str to a cleansed temp */

typedef struct apw_buf {
    const unsigned char *p;
    size_t n;
    PyObject *tmp;     /* owned: UTF-8 copy of a secret str */
    Py_buffer view;
    int has_view;
} apw_buf;

#define APW_BUF_INIT {NULL, 0, NULL, {0}, 0}

/* 0, or -1 with TypeError/UnicodeEncodeError/BufferError; always pair with
 * apw_buf_release (also after a failure). */
int apw_buf_get(PyObject *obj, const char *what, int flags, apw_buf *b);
void apw_buf_release(apw_buf *b);

/* A request body that stays valid with the GIL released: bytes and str are
 * borrowed (*owned NULL); other buffers are copied into *owned (PyMem_Raw, the
 * caller frees it: another thread could resize a bytearray meanwhile).  NULL
 * or None gives *body NULL. */
int apw_body_arg(PyObject *obj, const char **body, size_t *len, char **owned);

/* ---------------------------------------------------------------- errors.c */

/* Raise `exc_type` with the last OpenSSL error (queue cleared), else `fallback`.
 * Returns NULL. */
PyObject *apw_raise_openssl(PyObject *exc_type, const char *fallback);
/* Raise `type(msg)` with the current exception as its __cause__.  NULL. */
PyObject *apw_raise_from(PyObject *type, const char *msg);
/* Copy `url` without userinfo and query/fragment into `out` (always terminated). */
void apw_redact_url(const char *url, char *out, size_t outlen);
/* Add `obj` to `module` as `name` (a new reference for the module; the
 * caller keeps its own).  PyModule_AddObjectRef() exists from 3.10 only. */
int apw_add_ref(PyObject *module, const char *name, PyObject *obj);

#endif /* APW_SHARED_H */
