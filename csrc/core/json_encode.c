/*
 * json_encode.c - Python objects -> JSON text: dumps() and the request
 * bodies of the transport (apw_json_encode).
 *
 * A cJSON tree is built straight from the objects with cJSON's own
 * constructors (cJSON's default malloc/free: this module never installs
 * allocation hooks, so other cJSON users in the process are unaffected) and
 * printed unformatted by cJSON; the tree is freed with cJSON_Delete.  String
 * values and dict keys are not copied: the nodes refer to the UTF-8 buffers of
 * the str objects (cJSON_CreateStringReference, cJSON_AddItemToObjectCS),
 * which outlive the tree because no Python code runs until it is printed and
 * deleted (with the GIL; the free-threaded build copies them, see below).
 *
 * None/bool first (bool before int), then int, float, str, dict, list/tuple;
 * subclasses of int/float/str/dict/list serialise as their base type using
 * its C-level storage (no Python-level overrides are called; an OrderedDict is
 * written in its underlying dict's order).  No Python code runs while a tree
 * is built, so a dict or list cannot change under the iteration (without the GIL,
 * each is walked inside a critical section on it).
 *   - ints are exact: raw nodes holding the decimal text (beyond 64 bits from
 *     int.__repr__ of the base type, which honours sys.set_int_max_str_digits
 *     like the stdlib);
 *   - floats are written as repr() does (PyOS_double_to_string 'r', ".0"
 *     added), so json.loads(dumps(x)) == x for every int and finite float;
 *     NaN/Infinity -> ValueError;
 *   - str: UTF-8, no ensure_ascii escaping; a lone surrogate ->
 *     UnicodeEncodeError.  cJSON strings are NUL-terminated, so a str
 *     containing U+0000 becomes a raw node holding its escaped literal, and a
 *     dict with such a key a raw node holding its whole printed text;
 *   - non-str dict key -> TypeError (stricter than the stdlib, which converts
 *     int/float/bool/None keys); unsupported type -> TypeError "Object of type
 *     X is not JSON serializable"; nesting deeper than APW_JSON_MAX_DEPTH (512)
 *     (which is how a circular structure ends) -> ValueError.
 */
#include "core.h"

#include <math.h>
#include <string.h>

static cJSON *apw_enc_value(PyObject *obj, int depth);

/* Without a GIL, another thread may drop a str from its dict or list once the walk of that
 * container is over and before the tree is printed: the free-threaded build copies strings
 * and keys into the tree instead of referring to their UTF-8. */
#ifdef Py_GIL_DISABLED
#define APW_ENC_STRING(s) cJSON_CreateString(s)
#define APW_ENC_ADD_MEMBER(obj, key, child) cJSON_AddItemToObject((obj), (key), (child))
#else
#define APW_ENC_STRING(s) cJSON_CreateStringReference(s)
#define APW_ENC_ADD_MEMBER(obj, key, child) cJSON_AddItemToObjectCS((obj), (key), (child))
#endif

/* cJSON allocation failures have no exception of their own. */
static cJSON *
apw_enc_check(cJSON *node)
{
    if (node == NULL && !PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    return node;
}

/* A JSON string literal (quotes included, PyMem) for `len` UTF-8 bytes that
 * may contain NULs, escaped the way cJSON would plus "\u0000" for NUL. */
static char *
apw_escape_literal(const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t need = 3;
    char *out;
    char *o;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        need += c == '"' || c == '\\' ? 2 : c < 0x20 ? 6 : 1;
    }
    out = PyMem_Malloc(need);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    o = out;
    *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20) {
            *o++ = '\\';
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
        else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static cJSON *
apw_enc_str(PyObject *obj)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(obj, &n);
    char *lit;
    cJSON *node;

    if (s == NULL) {
        return NULL;
    }
    if (memchr(s, '\0', (size_t)n) == NULL) {
        return apw_enc_check(APW_ENC_STRING(s));
    }
    /* cJSON would stop at the NUL: write the literal ourselves. */
    lit = apw_escape_literal(s, (size_t)n);
    if (lit == NULL) {
        return NULL;
    }
    node = apw_enc_check(cJSON_CreateRaw(lit));
    PyMem_Free(lit);
    return node;
}

static cJSON *
apw_enc_int(PyObject *obj)
{
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    PyObject *text;
    cJSON *node;

    if (v == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!overflow) {
        char buf[24];
        (void)PyOS_snprintf(buf, sizeof(buf), "%lld", v);
        return apw_enc_check(cJSON_CreateRaw(buf));
    }
    /* Beyond 64 bits: int.__repr__ of the base type (subclass overrides are
     * not called); honours sys.set_int_max_str_digits like the stdlib. */
    text = PyLong_Type.tp_repr(obj);
    if (text == NULL) {
        return NULL;
    }
    if (apw_int_digits_refused(PyUnicode_GET_LENGTH(text) - (overflow < 0))) {
        Py_DECREF(text);
        return NULL;
    }
    node = apw_enc_check(cJSON_CreateRaw((const char *)PyUnicode_1BYTE_DATA(text)));
    Py_DECREF(text);
    return node;
}

/* CPython converts ints from and to decimal text only up to sys.get_int_max_str_digits()
 * digits (the conversion is quadratic: a huge number is a denial of service) since 3.11,
 * 3.10.7 and 3.9.14.  On the 3.9 and 3.10 releases before those the core applies the
 * default limit itself, so every interpreter refuses such an int the same way (answers:
 * a DecodeError; variables: a ValueError).  Only ever asked about more than 4300 digits. */
int
apw_int_digits_refused(Py_ssize_t digits)
{
#if PY_VERSION_HEX < 0x030B0000
    /* (PySys_GetObject: borrowed, and NULL without an exception when it is missing) */
    if (digits > APW_INT_MAX_STR_DIGITS && PySys_GetObject("get_int_max_str_digits") == NULL) {
        PyErr_Format(PyExc_ValueError,
                     "Exceeds the limit (%d digits) for integer string conversion: "
                     "value has %zd digits", APW_INT_MAX_STR_DIGITS, digits);
        return 1;
    }
#else
    (void)digits;
#endif
    return 0;
}

static cJSON *
apw_enc_float(PyObject *obj)
{
    double d = PyFloat_AS_DOUBLE(obj);
    char *text;
    cJSON *node;

    if (!isfinite(d)) {
        PyErr_Format(PyExc_ValueError,
                     "Out of range float values are not JSON compliant: %s",
                     isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
        return NULL;
    }
    text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) {
        return NULL;
    }
    node = apw_enc_check(cJSON_CreateRaw(text));
    PyMem_Free(text);
    return node;
}

/* cJSON prints keys with strlen(), so a key containing U+0000 cannot be a
 * plain key.  Such keys were stored with the byte 0xFF for NUL (never valid
 * UTF-8, and every other string in the object is already escaped); print the
 * object, turn each 0xFF into "\u0000" and return a raw node holding the
 * text.  `obj` is consumed.  Rare, so simplicity wins over speed. */
static cJSON *
apw_enc_nul_keys_to_raw(cJSON *obj)
{
    char *text = cJSON_PrintUnformatted(obj);
    char *out = NULL;
    cJSON *node = NULL;
    size_t len;
    size_t nff = 0;
    char *o;

    cJSON_Delete(obj);
    if (text == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        nff += (unsigned char)text[i] == 0xFF;
    }
    out = PyMem_Malloc(len + 5 * nff + 1);
    if (out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    o = out;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] == 0xFF) {
            memcpy(o, "\\u0000", 6);
            o += 6;
        }
        else {
            *o++ = text[i];
        }
    }
    *o = '\0';
    node = apw_enc_check(cJSON_CreateRaw(out));
done:
    cJSON_free(text);
    PyMem_Free(out);
    return node;
}

/* Add `child` to `obj` under `key` (consumed, also on failure).  The key's
 * UTF-8 is used in place; a key containing U+0000 is copied with NUL stored
 * as 0xFF (see above) and *has_nul set.  0, or -1 with an exception. */
static int
apw_enc_member(cJSON *obj, PyObject *key, cJSON *child, int *has_nul)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(key, &n);
    char *copy;
    int added;

    if (s == NULL) {
        cJSON_Delete(child);
        return -1;
    }
    if (memchr(s, '\0', (size_t)n) == NULL) {
        added = APW_ENC_ADD_MEMBER(obj, s, child);
    }
    else {
        copy = PyMem_Malloc((size_t)n + 1);
        if (copy == NULL) {
            cJSON_Delete(child);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            copy[i] = s[i] != '\0' ? s[i] : (char)0xFF;
        }
        copy[n] = '\0';
        *has_nul = 1;
        added = cJSON_AddItemToObject(obj, copy, child);     /* copies the key */
        PyMem_Free(copy);
    }
    if (!added) {
        cJSON_Delete(child);
        (void)apw_enc_check(NULL);
        return -1;
    }
    return 0;
}

static cJSON *
apw_enc_dict_locked(PyObject *obj, int depth)
{
    cJSON *node = apw_enc_check(cJSON_CreateObject());
    Py_ssize_t pos = 0;
    PyObject *key;
    PyObject *value;
    int nul_keys = 0;

    if (node == NULL) {
        return NULL;
    }
    while (PyDict_Next(obj, &pos, &key, &value)) {
        cJSON *child;
        int rc;

        if (!PyUnicode_Check(key)) {
            PyErr_Format(PyExc_TypeError, "Dict key must be str, not %.200s",
                         Py_TYPE(key)->tp_name);
            goto error;
        }
        /* (strong references: a nested container's critical section may have to wait,
         * which suspends this one) */
        Py_INCREF(key);
        Py_INCREF(value);
        child = apw_enc_value(value, depth + 1);
        rc = child == NULL ? -1 : apw_enc_member(node, key, child, &nul_keys);
        Py_DECREF(key);
        Py_DECREF(value);
        if (rc < 0) {
            goto error;
        }
    }
    return nul_keys ? apw_enc_nul_keys_to_raw(node) : node;
error:
    cJSON_Delete(node);
    return NULL;
}

static cJSON *
apw_enc_seq_locked(PyObject *obj, int depth)
{
    cJSON *node = apw_enc_check(cJSON_CreateArray());
    int is_list = PyList_Check(obj);

    if (node == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < (is_list ? PyList_GET_SIZE(obj) : PyTuple_GET_SIZE(obj)); i++) {
        PyObject *item = Py_NewRef(is_list ? PyList_GET_ITEM(obj, i) : PyTuple_GET_ITEM(obj, i));
        cJSON *child = apw_enc_value(item, depth + 1);
        Py_DECREF(item);
        if (child == NULL || !cJSON_AddItemToArray(node, child)) {
            cJSON_Delete(child);
            (void)apw_enc_check(NULL);
            cJSON_Delete(node);
            return NULL;
        }
    }
    return node;
}

/* A dict or list is the caller's: another thread may change it meanwhile, so the
 * free-threaded build walks it inside a critical section on it (nested ones for nested
 * containers).  With the GIL, the section is a plain block. */
static cJSON *
apw_enc_container(PyObject *obj, int depth, int is_dict)
{
    cJSON *out;

    if (depth >= APW_JSON_MAX_DEPTH) {
        PyErr_Format(PyExc_ValueError,
                     "Object nesting deeper than %d levels (circular reference?)",
                     APW_JSON_MAX_DEPTH);
        return NULL;
    }
    if (Py_EnterRecursiveCall(" while serializing to JSON")) {
        return NULL;
    }
    Py_BEGIN_CRITICAL_SECTION(obj);
    out = is_dict ? apw_enc_dict_locked(obj, depth) : apw_enc_seq_locked(obj, depth);
    Py_END_CRITICAL_SECTION();
    Py_LeaveRecursiveCall();
    return out;
}

static cJSON *
apw_enc_value(PyObject *obj, int depth)
{
    const char *name;
    const char *dot;

    if (PyUnicode_Check(obj)) {
        return apw_enc_str(obj);
    }
    if (obj == Py_None) {
        return apw_enc_check(cJSON_CreateNull());
    }
    if (obj == Py_True) {
        return apw_enc_check(cJSON_CreateTrue());
    }
    if (obj == Py_False) {
        return apw_enc_check(cJSON_CreateFalse());
    }
    if (PyLong_Check(obj)) {
        return apw_enc_int(obj);
    }
    if (PyFloat_Check(obj)) {
        return apw_enc_float(obj);
    }
    if (PyDict_Check(obj)) {
        return apw_enc_container(obj, depth, 1);
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        return apw_enc_container(obj, depth, 0);
    }
    name = Py_TYPE(obj)->tp_name;
    dot = strrchr(name, '.');
    PyErr_Format(PyExc_TypeError, "Object of type %.200s is not JSON serializable",
                 dot != NULL ? dot + 1 : name);
    return NULL;
}

char *
apw_json_encode(PyObject *obj, size_t *len)
{
    cJSON *tree = apw_enc_value(obj, 0);
    char *text;

    if (tree == NULL) {
        return NULL;
    }
    text = cJSON_PrintUnformatted(tree);
    cJSON_Delete(tree);
    if (text == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    *len = strlen(text);
    return text;
}

static PyObject *
apw_py_dumps(PyObject *module, PyObject *obj)
{
    size_t len = 0;
    char *text = apw_json_encode(obj, &len);
    PyObject *out;

    (void)module;
    if (text == NULL) {
        return NULL;
    }
    out = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
    cJSON_free(text);
    return out;
}

PyDoc_STRVAR(apw_dumps_doc,
"dumps(obj, /)\n--\n\n"
"Encode obj as compact UTF-8 JSON bytes.  Supports dict (str keys), list,\n"
"tuple, str, int (exact), float (repr), bool and None.");

PyMethodDef apw_json_encode_methods[] = {
    {"dumps", (PyCFunction)apw_py_dumps, METH_O, apw_dumps_doc},
    {NULL, NULL, 0, NULL},
};

void
apw_json_free(char *text)
{
    cJSON_free(text);
}
