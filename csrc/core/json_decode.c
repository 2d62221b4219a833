/*
 * json_decode.c - JSON text -> Python objects: loads() and the decoder every
 * answer of the transport goes through (apw_json_decode).
 *
 * One pass over the text, building dict/list/str/int/float/bool/None as it
 * goes; no intermediate tree.  The parser is a loop over three states (a
 * value, an object key, what follows a value) with an explicit stack of open
 * containers (at most APW_JSON_MAX_DEPTH = 512), so nesting costs no C
 * recursion.  Finished values wait on a value stack; a closing bracket turns
 * its container's part of the stack into a list or dict made at final size.
 * Errors are found in document order and reported with a stdlib-like message
 * and position.
 *
 * Why not cJSON's parser (used before): its tree keeps neither a number's text
 * (no exact ints beyond 2^53, no 1 vs 1.0) nor a string's length (no U+0000), and
 * it accepts what JSON does not (control bytes as whitespace, raw control
 * characters in strings, leading zeros, invalid UTF-8).
 *
 * Strings.  A literal is validated and measured first (decoded length, ASCII
 * or not, escapes or not); one without escapes becomes a str straight from
 * the text, one with escapes is unescaped into a buffer first.  Dict keys go
 * through the key cache in module state: ASCII keys of 1..63 bytes, slot from
 * a multiplicative hash of the first/last 8 bytes and the length, two-way set
 * associative (slot and slot ^ 1), strong references; duplicate keys: the last
 * wins (stdlib).  The cyclic GC pauses while a document is built (apw_decode_guard).
 *
 * Integer policy: exact.  An integer-syntax number (no '.', no exponent) is an
 * exact int of any size up to sys.get_int_max_str_digits() (DecodeError beyond,
 * with the position; 4300 on the 3.9/3.10 releases without that limit).
 * Floats: PyOS_string_to_double, rounded like float(); 1e400 is a DecodeError.
 * "1" -> int, "1.0" / "1e5" -> float, "-0" -> int 0, "-0.0" -> float -0.0.
 *
 * Syntax (what is JSON, and how strictly) and errors: json_scan.h.
 *
 * GIL: held throughout (every step builds Python objects), as json and orjson
 * do.  The input is never read past its length and needs no terminator.
 */
#include "json_scan.h"

PyObject *
apw_json_raise(apw_json_ctx *st, const apw_json_error *err)
{
    PyObject *exc = NULL;
    PyObject *pos = NULL;

    exc = PyObject_CallFunction(st->DecodeError, "s",
                                err->msg[0] != '\0' ? err->msg : "malformed JSON");
    if (exc == NULL) {
        goto done;
    }
    pos = PyLong_FromSize_t(err->offset);
    if (pos == NULL || PyObject_SetAttrString(exc, "pos", pos) < 0) {
        goto done;
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
done:
    Py_XDECREF(pos);
    Py_XDECREF(exc);
    return NULL;
}

/* ============================================================ objects */

static PyObject *
apw_ascii_str(const char *s, size_t len)
{
    PyObject *o = PyUnicode_New((Py_ssize_t)len, 127);

    if (o != NULL) {
        memcpy(PyUnicode_1BYTE_DATA(o), s, len);
    }
    return o;
}

/* A str from `len` bytes of validated UTF-8. */
static inline PyObject *
apw_str_from(const char *s, size_t len, int ascii)
{
    if (ascii) {
        return apw_ascii_str(s, len);
    }
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "strict");
}

/* memcmp for short keys without the call (reads only within both). */
static inline int
apw_bytes_equal(const char *a, const char *b, size_t len)
{
    while (len >= 8) {
        uint64_t x;
        uint64_t y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) {
            return 0;
        }
        a += 8;
        b += 8;
        len -= 8;
    }
    while (len > 0) {
        if (*a++ != *b++) {
            return 0;
        }
        len--;
    }
    return 1;
}

static inline int
apw_key_matches(PyObject *key, const char *s, size_t len)
{
    return key != NULL && (size_t)PyUnicode_GET_LENGTH(key) == len &&
           apw_bytes_equal((const char *)PyUnicode_1BYTE_DATA(key), s, len);
}

/* A dict key of 1..APW_KEY_LEN_MAX ASCII bytes through the key cache.  Two-way
 * set associative: a key lives in its slot or in the neighbour (slot ^ 1), the
 * most recently inserted one in its own slot, so two hot keys that hash alike
 * do not evict each other on every object. */
static PyObject *
apw_key_cached(apw_json_ctx *st, unsigned slot, const char *s, size_t len)
{
    PyObject **home = &st->keycache[slot & (APW_KEYCACHE_SIZE - 1)];
    PyObject **other = &st->keycache[(slot ^ 1) & (APW_KEYCACHE_SIZE - 1)];
    PyObject *key;

    if (apw_key_matches(*home, s, len)) {
        Py_INCREF(*home);
        return *home;
    }
    if (apw_key_matches(*other, s, len)) {
        Py_INCREF(*other);
        return *other;
    }
    key = apw_ascii_str(s, len);
    if (key == NULL) {
        return NULL;
    }
    Py_INCREF(key);
    /* The new key takes `home`; its old occupant moves to the neighbour,
     * dropping what was there. */
    if (*home != NULL) {
        Py_XSETREF(*other, *home);
    }
    *home = key;
    return key;
}

/* An int from validated JSON integer text: exact at any size, limited only by
 * sys.get_int_max_str_digits() (ValueError beyond; see apw_int_digits_refused). */
static PyObject *
apw_int_from_text(const char *s, size_t len)
{
    char small[80];
    char *tmp = small;
    size_t i = 0;
    int neg = 0;
    PyObject *out;

    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (len - i <= 18) {                    /* < 10^18 < 2^63 */
        long long v = 0;
        for (; i < len; i++) {
            v = v * 10 + (s[i] - '0');
        }
        return PyLong_FromLongLong(neg ? -v : v);
    }
    if (apw_int_digits_refused((Py_ssize_t)(len - i))) {
        return NULL;
    }
    if (len >= sizeof(small)) {
        tmp = (char *)PyMem_Malloc(len + 1);
        if (tmp == NULL) {
            return PyErr_NoMemory();
        }
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    out = PyLong_FromString(tmp, NULL, 10);
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
}

/* A float from validated JSON number text (correctly rounded). */
static PyObject *
apw_float_from_text(const char *s, size_t len)
{
    char small[64];
    char *tmp = len < sizeof(small) ? small : (char *)PyMem_Malloc(len + 1);
    char *end = NULL;
    double d;
    PyObject *out = NULL;

    if (tmp == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    d = PyOS_string_to_double(tmp, &end, NULL);     /* overflow gives +-inf */
    if (d == -1.0 && PyErr_Occurred()) {
        goto done;
    }
    if (end != tmp + len) {
        PyErr_SetString(PyExc_ValueError, "invalid JSON number text");
        goto done;
    }
    if (!isfinite(d)) {                 /* 1e400: JSON has no Infinity */
        PyErr_SetString(PyExc_ValueError, "Number out of the range of a float (Infinity)");
        goto done;
    }
    out = PyFloat_FromDouble(d);
done:
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
}

static PyObject *
apw_new_dict(Py_ssize_t count)
{
    /* Presizing saves the 4-5 resizes of a 60-key user object. */
#if PY_VERSION_HEX < 0x030D0000
    return count > 5 ? _PyDict_NewPresized(count) : PyDict_New();
#else
    (void)count;
    return PyDict_New();
#endif
}

/* ============================================================ the parser */

typedef struct apw_dec {
    apw_json_ctx *st;
    const unsigned char *b;
    size_t len;
    size_t p;
    apw_json_error *err;
    PyObject **stack;           /* finished values of the open containers */
    size_t top;
    size_t cap;
} apw_dec;

/* Push a new reference (stolen, also on failure).  0 or -1. */
static int
apw_dec_push(apw_dec *d, PyObject *o)
{
    if (d->top == d->cap) {
        size_t cap = d->cap * 2;
        PyObject **stack = PyMem_Realloc(d->stack, cap * sizeof(PyObject *));
        if (stack == NULL) {
            Py_DECREF(o);
            PyErr_NoMemory();
            return -1;
        }
        d->stack = stack;
        d->cap = cap;
    }
    d->stack[d->top++] = o;
    return 0;
}

/* Release the values above `base`. */
static void
apw_dec_unwind(apw_dec *d, size_t base)
{
    while (d->top > base) {
        d->top--;
        Py_DECREF(d->stack[d->top]);
    }
}

/* The string literal at d->p (a value, or a dict key when is_key).  NULL with
 * d->err filled, or with an exception set. */
static PyObject *
apw_dec_string(apw_dec *d, int is_key)
{
    size_t start = d->p + 1;
    unsigned char small[256];
    unsigned char *tmp = NULL;
    const char *s;
    apw_strinfo si;
    PyObject *out;

    if (apw_scan_string(d->b, d->len, &d->p, &si, d->err) < 0) {
        return NULL;
    }
    if (!si.escaped) {
        s = (const char *)d->b + start;
    }
    else {
        tmp = si.dlen <= sizeof(small) ? small : PyMem_Malloc(si.dlen);
        if (tmp == NULL) {
            return PyErr_NoMemory();
        }
        apw_unescape(d->b, start, d->p - 1, tmp);
        s = (const char *)tmp;
    }
    if (APW_KEYCACHE_ON && is_key && si.ascii && !si.nul && si.dlen >= 1 &&
        si.dlen <= APW_KEY_LEN_MAX) {
        unsigned slot = apw_key_slot((const unsigned char *)s, si.dlen,
                                     si.escaped ? 0 : d->len - start);
        out = apw_key_cached(d->st, slot, s, si.dlen);
    }
    else {
        out = apw_str_from(s, si.dlen, si.ascii);
    }
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
}

/* The number at d->p.  NULL with d->err filled, or with an exception set. */
static PyObject *
apw_dec_number(apw_dec *d)
{
    size_t n;
    int is_int;
    PyObject *out;

    if (apw_scan_number(d->b, d->len, d->p, &n, &is_int, d->err) < 0) {
        return NULL;
    }
    out = is_int ? apw_int_from_text((const char *)d->b + d->p, n)
                 : apw_float_from_text((const char *)d->b + d->p, n);
    if (out == NULL && PyErr_ExceptionMatches(PyExc_ValueError)) {
        /* More digits than sys.get_int_max_str_digits() allows: a decode
         * error at this position, carrying CPython's explanation. */
        PyObject *et, *ev, *tb;
        PyObject *text;
        const char *why;
        PyErr_Fetch(&et, &ev, &tb);
        text = ev != NULL ? PyObject_Str(ev) : NULL;
        why = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
        if (why != NULL) {
            apw_err_at(d->err, d->b, d->len, d->p, "%s", why);
            Py_XDECREF(et);
            Py_XDECREF(ev);
            Py_XDECREF(tb);
        }
        else {
            PyErr_Restore(et, ev, tb);
        }
        Py_XDECREF(text);
        return NULL;
    }
    d->p += n;
    return out;
}

/* The literal null/true/false at d->p; NULL with d->err if it is none. */
static PyObject *
apw_dec_literal(apw_dec *d)
{
    static const struct { const char *text; size_t n; } words[] = {
        {"null", 4}, {"true", 4}, {"false", 5},
    };
    PyObject *const values[] = {Py_None, Py_True, Py_False};

    for (size_t i = 0; i < 3; i++) {
        if (d->len - d->p >= words[i].n && memcmp(d->b + d->p, words[i].text, words[i].n) == 0) {
            d->p += words[i].n;
            return Py_NewRef(values[i]);
        }
    }
    apw_err_at(d->err, d->b, d->len, d->p, "Expecting value");
    return NULL;
}

/* The container whose members are the stack above `base`: a list, or a dict
 * of alternating keys and values.  The members are released. */
static PyObject *
apw_dec_build(apw_dec *d, size_t base, int is_object)
{
    Py_ssize_t n = (Py_ssize_t)(d->top - base);
    PyObject *out;

    if (!is_object) {
        out = PyList_New(n);
        if (out == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyList_SET_ITEM(out, i, d->stack[base + (size_t)i]);     /* steals */
        }
        d->top = base;
        return out;
    }
    out = apw_new_dict(n / 2);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i += 2) {
        if (PyDict_SetItem(out, d->stack[base + (size_t)i],
                           d->stack[base + (size_t)i + 1]) < 0) {
            Py_CLEAR(out);
            break;
        }
    }
    apw_dec_unwind(d, base);
    return out;
}

typedef enum { APW_S_VALUE, APW_S_KEY, APW_S_AFTER } apw_dec_state;

/* One open container: where its members start on the value stack. */
typedef struct apw_frame {
    size_t base;
    unsigned char close;        /* ']' or '}' */
} apw_frame;

/* Parse the document starting at d->p.  NULL with d->err filled (malformed
 * text, no exception), or with an exception set. */
static PyObject *
apw_dec_run(apw_dec *d)
{
    apw_frame frames[APW_JSON_MAX_DEPTH];
    int depth = 0;
    apw_dec_state state = APW_S_VALUE;
    PyObject *v;

    for (;;) {
        if (apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
            return NULL;
        }
        if (state == APW_S_VALUE) {
            unsigned char c = d->p < d->len ? d->b[d->p] : 0;

            if (d->p >= d->len) {
                apw_err_at(d->err, d->b, d->len, d->p, "Expecting value");
                return NULL;
            }
            if (c == '[' || c == '{') {
                if (depth == APW_JSON_MAX_DEPTH) {
                    apw_err_at(d->err, d->b, d->len, d->p, "Nesting deeper than %d levels",
                               APW_JSON_MAX_DEPTH);
                    return NULL;
                }
                frames[depth].base = d->top;
                frames[depth].close = c == '[' ? ']' : '}';
                depth++;
                d->p++;
                if (apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
                    return NULL;
                }
                if (d->p < d->len && d->b[d->p] == frames[depth - 1].close) {
                    d->p++;
                    v = apw_dec_build(d, frames[--depth].base, c == '{');
                }
                else {
                    state = c == '[' ? APW_S_VALUE : APW_S_KEY;
                    continue;
                }
            }
            else if (c == '"') {
                v = apw_dec_string(d, 0);
            }
            else if (c == '-' || (c >= '0' && c <= '9')) {
                v = apw_dec_number(d);
            }
            else {
                v = apw_dec_literal(d);
            }
            if (v == NULL || apw_dec_push(d, v) < 0) {
                return NULL;
            }
            state = APW_S_AFTER;
        }
        else if (state == APW_S_KEY) {
            if (d->p >= d->len || d->b[d->p] != '"') {
                apw_err_at(d->err, d->b, d->len, d->p,
                           "Expecting property name enclosed in double quotes");
                return NULL;
            }
            v = apw_dec_string(d, 1);
            if (v == NULL || apw_dec_push(d, v) < 0 ||
                apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
                return NULL;
            }
            if (d->p >= d->len || d->b[d->p] != ':') {
                apw_err_at(d->err, d->b, d->len, d->p, "Expecting ':' delimiter");
                return NULL;
            }
            d->p++;
            state = APW_S_VALUE;
        }
        else if (depth == 0) {
            if (d->p != d->len) {
                apw_err_at(d->err, d->b, d->len, d->p, "Extra data");
                return NULL;
            }
            d->top = 0;
            return d->stack[0];                 /* the stack's reference */
        }
        else if (d->p < d->len && d->b[d->p] == ',') {
            d->p++;
            state = frames[depth - 1].close == ']' ? APW_S_VALUE : APW_S_KEY;
        }
        else if (d->p < d->len && d->b[d->p] == frames[depth - 1].close) {
            d->p++;
            depth--;
            v = apw_dec_build(d, frames[depth].base, frames[depth].close == '}');
            if (v == NULL || apw_dec_push(d, v) < 0) {
                return NULL;
            }
        }
        else {
            apw_err_at(d->err, d->b, d->len, d->p, "Expecting ',' delimiter");
            return NULL;
        }
    }
}

/* A document is built with the cyclic GC paused: a page makes thousands of
 * containers, each counted towards a collection that could not free any of them.
 * No other thread runs meanwhile (the GIL stays held), so nobody can observe the
 * pause; the GC catches up later.  (From 3.10; never without the GIL.) */
typedef struct apw_decode_guard {
    int gc_enabled;
} apw_decode_guard;

static void
apw_decode_begin(apw_decode_guard *g)
{
#if PY_VERSION_HEX >= 0x030A0000 && !defined(Py_GIL_DISABLED)
    g->gc_enabled = PyGC_Disable();
#else
    g->gc_enabled = 0;
#endif
}

static void
apw_decode_end(apw_decode_guard *g)
{
#if PY_VERSION_HEX >= 0x030A0000 && !defined(Py_GIL_DISABLED)
    if (g->gc_enabled) {
        (void)PyGC_Enable();
    }
#else
    (void)g;
#endif
}

PyObject *
apw_json_decode(apw_json_ctx *st, const char *buf, size_t len, apw_json_error *err)
{
    apw_dec d;
    apw_decode_guard g;
    PyObject *out;

    err->msg[0] = '\0';
    err->offset = 0;
    d.st = st;
    d.b = (const unsigned char *)buf;
    d.len = len;
    d.err = err;
    /* A UTF-8 BOM at the start of bytes is skipped, as json.loads does. */
    d.p = (len >= 3 && d.b[0] == 0xEF && d.b[1] == 0xBB && d.b[2] == 0xBF) ? 3 : 0;
    d.top = 0;
    d.cap = 64;
    d.stack = PyMem_Malloc(d.cap * sizeof(PyObject *));
    if (d.stack == NULL) {
        return PyErr_NoMemory();
    }
    apw_decode_begin(&g);
    out = apw_dec_run(&d);
    apw_decode_end(&g);
    apw_dec_unwind(&d, 0);
    PyMem_Free(d.stack);
    return out;
}

int
apw_json_ctx_traverse(apw_json_ctx *ctx, visitproc visit, void *arg)
{
    Py_VISIT(ctx->DecodeError);
    for (size_t i = 0; i < APW_KEYCACHE_SIZE; i++) {
        Py_VISIT(ctx->keycache[i]);
    }
    return 0;
}

void
apw_json_ctx_clear(apw_json_ctx *ctx)
{
    Py_CLEAR(ctx->DecodeError);
    for (size_t i = 0; i < APW_KEYCACHE_SIZE; i++) {
        Py_CLEAR(ctx->keycache[i]);
    }
}

PyObject *
apw_json_loads_buf(apw_json_ctx *st, const char *buf, size_t len)
{
    apw_json_error err;
    PyObject *out = apw_json_decode(st, buf, len, &err);

    if (out == NULL && !PyErr_Occurred()) {
        apw_json_raise(st, &err);
    }
    return out;
}

/* ============================================================ loads() */

/* The bytes of a loads() argument.  *tmp / *view are set when they must be
 * released. */
static int
apw_json_input(apw_json_ctx *st, PyObject *arg, const char **buf, size_t *len,
               PyObject **tmp, Py_buffer *view, int *have_view)
{
    if (PyUnicode_Check(arg)) {
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(arg) < 0) {
            return -1;
        }
#endif
        if (PyUnicode_IS_ASCII(arg)) {
            *buf = (const char *)PyUnicode_1BYTE_DATA(arg);
            *len = (size_t)PyUnicode_GET_LENGTH(arg);
            return 0;
        }
        if (PyUnicode_READ_CHAR(arg, 0) == 0xFEFF) {
            apw_json_error err;
            (void)snprintf(err.msg, sizeof(err.msg),
                           "Unexpected UTF-8 BOM (decode using utf-8-sig): "
                           "line 1 column 1 (byte 0)");
            err.offset = 0;
            apw_json_raise(st, &err);
            return -1;
        }
        *tmp = PyUnicode_AsUTF8String(arg);
        if (*tmp == NULL) {
            return -1;
        }
        *buf = PyBytes_AS_STRING(*tmp);
        *len = (size_t)PyBytes_GET_SIZE(*tmp);
        return 0;
    }
    if (PyBytes_Check(arg)) {
        *buf = PyBytes_AS_STRING(arg);
        *len = (size_t)PyBytes_GET_SIZE(arg);
        return 0;
    }
    if (PyByteArray_Check(arg) || PyMemoryView_Check(arg)) {
        if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) < 0) {
            return -1;
        }
        *have_view = 1;
        *buf = (const char *)view->buf;
        *len = (size_t)view->len;
        return 0;
    }
    PyErr_Format(PyExc_TypeError,
                 "the JSON document must be str, bytes, bytearray or memoryview, not %.200s",
                 Py_TYPE(arg)->tp_name);
    return -1;
}

static PyObject *
apw_py_loads(PyObject *module, PyObject *arg)
{
    apw_json_ctx *st = &apw_core_get_state(module)->json;
    const char *buf = NULL;
    size_t len = 0;
    PyObject *tmp = NULL;
    Py_buffer view;
    int have_view = 0;
    PyObject *out = NULL;

    if (apw_json_input(st, arg, &buf, &len, &tmp, &view, &have_view) < 0) {
        goto done;
    }
    out = apw_json_loads_buf(st, buf, len);
done:
    if (have_view) {
        PyBuffer_Release(&view);
    }
    Py_XDECREF(tmp);
    return out;
}

PyDoc_STRVAR(apw_loads_doc,
"loads(data, /)\n--\n\n"
"Decode one JSON document (str, or UTF-8 bytes/bytearray/memoryview) into\n"
"dict/list/str/int/float/bool/None.  Integers are exact up to\n"
"sys.get_int_max_str_digits() digits.  Raises DecodeError (a ValueError)\n"
"with .pos = byte offset on malformed input.");

PyMethodDef apw_json_decode_methods[] = {
    {"loads", (PyCFunction)apw_py_loads, METH_O, apw_loads_doc},
    {NULL, NULL, 0, NULL},
};
