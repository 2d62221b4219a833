/*
 * base64url.c - base64url (RFC 4648 section 5): b64url_encode, b64url_decode and
 * the decoder jwt.c runs on every token part.
 *
 * Why C: verifying a token decodes its three parts, and a TokenVerifier is on
 * the request path of every protected route of an application (integrations/);
 * the decode is part of the per-token cost bench/token_verify.py measures.
 * OpenSSL only has standard base64, and the JWT rules need a strict decoder:
 * URL-safe alphabet only, padding optional but complete when present, and zero
 * unused trailing bits (one spelling per token).  A half-written decode result
 * is cleansed (OPENSSL_cleanse) before it is freed.
 */
#include "crypto.h"

#include <string.h>

#include <openssl/crypto.h>

static const char apw_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of a base64url character, or -1. */
static int
apw_b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

static size_t
apw_b64url_encoded_len(size_t n)
{
    return (n / 3) * 4 + ((n % 3) == 0 ? 0 : (n % 3) + 1);
}

/* Encode without padding; `out` has room for apw_b64url_encoded_len(n). */
static void
apw_b64url_encode_raw(const unsigned char *in, size_t n, char *out)
{
    size_t i = 0;
    size_t o = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = apw_b64url_alphabet[(v >> 18) & 63];
        out[o++] = apw_b64url_alphabet[(v >> 12) & 63];
        out[o++] = apw_b64url_alphabet[(v >> 6) & 63];
        out[o++] = apw_b64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = apw_b64url_alphabet[(v >> 18) & 63];
        out[o++] = apw_b64url_alphabet[(v >> 12) & 63];
    }
    else if (n - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = apw_b64url_alphabet[(v >> 18) & 63];
        out[o++] = apw_b64url_alphabet[(v >> 12) & 63];
        out[o++] = apw_b64url_alphabet[(v >> 6) & 63];
    }
}

/* Check base64url text (padding optional but, if present, complete) and
 * compute the decoded size.  Sets *body_len to the length without padding.
 * Returns 0, or -1 with *why set. */
static int
apw_b64url_measure(const unsigned char *in, size_t len, size_t *body_len,
                   size_t *out_len, const char **why)
{
    size_t pad = 0;
    size_t body;

    while (pad < len && pad < 3 && in[len - 1 - pad] == '=') {
        pad++;
    }
    body = len - pad;
    if (pad > 0 && (len % 4 != 0 || pad > 2)) {
        *why = "incorrect padding";
        return -1;
    }
    if (body % 4 == 1) {
        *why = "invalid length";
        return -1;
    }
    if (pad > 0 && (4 - body % 4) % 4 != pad) {
        *why = "incorrect padding";
        return -1;
    }
    *body_len = body;
    *out_len = (body / 4) * 3 + (body % 4 == 0 ? 0 : body % 4 - 1);
    return 0;
}

/* Decode `body` base64url characters (no padding) into `out` (room for the
 * size apw_b64url_measure computed).  Strict: only the URL-safe alphabet, and
 * the unused low bits of the last character must be zero (canonical form, so
 * a token has exactly one spelling).  Returns 0 or -1 with *why set. */
static int
apw_b64url_decode_raw(const unsigned char *in, size_t body, unsigned char *out,
                      const char **why)
{
    size_t i = 0;
    size_t o = 0;
    uint32_t v = 0;
    size_t rem = body % 4;

    for (; i + 4 <= body; i += 4) {
        int a = apw_b64url_value(in[i]);
        int b = apw_b64url_value(in[i + 1]);
        int c = apw_b64url_value(in[i + 2]);
        int d = apw_b64url_value(in[i + 3]);
        if ((a | b | c | d) < 0) {
            *why = "invalid character";
            return -1;
        }
        v = ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6) | (uint32_t)d;
        out[o++] = (unsigned char)(v >> 16);
        out[o++] = (unsigned char)(v >> 8);
        out[o++] = (unsigned char)v;
    }
    if (rem >= 2) {
        int a = apw_b64url_value(in[i]);
        int b = apw_b64url_value(in[i + 1]);
        int c = rem == 3 ? apw_b64url_value(in[i + 2]) : 0;
        if ((a | b | c) < 0) {
            *why = "invalid character";
            return -1;
        }
        v = ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6);
        if ((rem == 2 && (v & 0xFFFF) != 0) || (rem == 3 && (v & 0xFF) != 0)) {
            *why = "non-zero trailing bits (not canonical)";
            return -1;
        }
        out[o++] = (unsigned char)(v >> 16);
        if (rem == 3) {
            out[o++] = (unsigned char)(v >> 8);
        }
    }
    return 0;
}

/* Decode into a new PyMem buffer (*out, *out_len); the caller frees it with
 * PyMem_Free.  Returns 0, or -1 with *why set (no Python exception) or with a
 * MemoryError set (*why NULL). */
int
apw_b64url_decode_alloc(const unsigned char *in, size_t len, unsigned char **out,
                        size_t *out_len, const char **why)
{
    size_t body = 0;
    size_t n = 0;
    unsigned char *buf = NULL;

    *out = NULL;
    *out_len = 0;
    *why = NULL;
    if (apw_b64url_measure(in, len, &body, &n, why) < 0) {
        return -1;
    }
    buf = PyMem_Malloc(n > 0 ? n : 1);
    if (buf == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (apw_b64url_decode_raw(in, body, buf, why) < 0) {
        PyMem_Free(buf);
        return -1;
    }
    *out = buf;
    *out_len = n;
    return 0;
}

/* A new str holding `n` ASCII characters produced by `fill`. */
static PyObject *
apw_b64url_str(const unsigned char *in, size_t n)
{
    size_t olen = apw_b64url_encoded_len(n);
    PyObject *out;

    if (olen > (size_t)PY_SSIZE_T_MAX) {
        return PyErr_NoMemory();
    }
    out = PyUnicode_New((Py_ssize_t)olen, 127);
    if (out == NULL) {
        return NULL;
    }
    apw_b64url_encode_raw(in, n, (char *)PyUnicode_1BYTE_DATA(out));
    return out;
}

static PyObject *
apw_py_b64url_encode(PyObject *module, PyObject *arg)
{
    apw_buf in = APW_BUF_INIT;
    PyObject *out = NULL;

    (void)module;
    if (apw_buf_get(arg, "data", APW_BUF_BUFFER, &in) < 0) {
        goto done;
    }
    out = apw_b64url_str(in.p, in.n);
done:
    apw_buf_release(&in);
    return out;
}

static PyObject *
apw_py_b64url_decode(PyObject *module, PyObject *arg)
{
    apw_buf in = APW_BUF_INIT;
    PyObject *out = NULL;
    size_t body = 0;
    size_t n = 0;
    const char *why = NULL;

    (void)module;
    if (PyUnicode_Check(arg) && !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError,
                        "invalid base64url: non-ASCII character");
        goto done;
    }
    if (apw_buf_get(arg, "data", APW_BUF_BUFFER, &in) < 0) {
        goto done;
    }
    if (apw_b64url_measure(in.p, in.n, &body, &n, &why) < 0) {
        PyErr_Format(PyExc_ValueError, "invalid base64url: %s", why);
        goto done;
    }
    out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (out == NULL) {
        goto done;
    }
    if (apw_b64url_decode_raw(in.p, body, (unsigned char *)PyBytes_AS_STRING(out),
                              &why) < 0) {
        /* The half-filled object is ours alone: wipe before release. */
        OPENSSL_cleanse(PyBytes_AS_STRING(out), n);
        Py_CLEAR(out);
        PyErr_Format(PyExc_ValueError, "invalid base64url: %s", why);
        goto done;
    }
done:
    apw_buf_release(&in);
    return out;
}

/* ------------------------------------------------------------------ module */

PyDoc_STRVAR(apw_b64url_encode_doc,
"b64url_encode(data) -> str\n--\n\nbase64url without padding.");
PyDoc_STRVAR(apw_b64url_decode_doc,
"b64url_decode(data) -> bytes\n--\n\n"
"base64url, padding optional; invalid or non-canonical input raises ValueError.");

PyMethodDef apw_base64url_methods[] = {
    {"b64url_encode", (PyCFunction)apw_py_b64url_encode, METH_O, apw_b64url_encode_doc},
    {"b64url_decode", (PyCFunction)apw_py_b64url_decode, METH_O, apw_b64url_decode_doc},
    {NULL, NULL, 0, NULL},
};
