/*
 * encoding.c - base64url, SHA-256, PKCE (RFC 7636 S256) and CSPRNG output
 * (random_bytes, random_string).
 *
 * Hashing and random bytes are OpenSSL's (EVP_Digest, RAND_bytes).  base64url
 * is written out here because OpenSSL only has standard base64 and the JWT
 * rules need a strict decoder: URL-safe alphabet only, padding optional but
 * complete when present, and zero unused trailing bits (one spelling per
 * token).
 *
 * Secrets.  Cleansed with OPENSSL_cleanse: the UTF-8 copy we make of a str
 * given as a secret (APW_BUF_SECRET: a private bytes object, wiped before
 * release when we hold its only reference), the random pools and buffers
 * behind random_string, a half-written b64url_decode result.  Python-owned
 * str/bytes passed in or returned cannot be cleansed.
 *
 * GIL.  Hashing and random generation of APW_GIL_MINSIZE (2048) bytes or more
 * release it, as CPython's hashlib does.
 */
#include "crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>



/* ------------------------------------------------------------------ base64 */

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

/* ------------------------------------------------------------------ SHA-256 */

/* SHA-256 of n bytes; GIL released for large inputs (the caller's buffer
 * stays valid: it is immutable or export-locked).  0, or -1 with the OpenSSL
 * error queue filled. */
int
apw_sha256_raw(const unsigned char *p, size_t n, unsigned char *md)
{
    int ok;

    if (n >= APW_GIL_MINSIZE) {
        Py_BEGIN_ALLOW_THREADS
        ok = EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL);
        Py_END_ALLOW_THREADS
    }
    else {
        ok = EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL);
    }
    return ok == 1 ? 0 : -1;
}

static PyObject *
apw_py_sha256(PyObject *module, PyObject *arg)
{
    apw_core_state *st = apw_core_get_state(module);
    apw_buf in = APW_BUF_INIT;
    PyObject *out = NULL;
    unsigned char md[APW_SHA256_LEN];

    if (apw_buf_get(arg, "data", APW_BUF_BUFFER, &in) < 0) {
        goto done;
    }
    if (apw_sha256_raw(in.p, in.n, md) < 0) {
        apw_raise_openssl(st->CryptoError, "SHA-256 failed");
        goto done;
    }
    out = PyBytes_FromStringAndSize((const char *)md, sizeof(md));
done:
    apw_buf_release(&in);
    return out;
}

static PyObject *
apw_py_pkce_challenge(PyObject *module, PyObject *arg)
{
    apw_core_state *st = apw_core_get_state(module);
    apw_buf in = APW_BUF_INIT;
    PyObject *out = NULL;
    unsigned char md[APW_SHA256_LEN];

    if (PyUnicode_Check(arg) && !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError,
                        "PKCE code verifier must be ASCII (RFC 7636)");
        goto done;
    }
    if (apw_buf_get(arg, "verifier", APW_BUF_SECRET, &in) < 0) {
        goto done;
    }
    for (size_t i = 0; i < in.n; i++) {
        if (in.p[i] >= 0x80) {
            PyErr_SetString(PyExc_ValueError,
                            "PKCE code verifier must be ASCII (RFC 7636)");
            goto done;
        }
    }
    if (apw_sha256_raw(in.p, in.n, md) < 0) {
        apw_raise_openssl(st->CryptoError, "SHA-256 failed");
        goto done;
    }
    out = apw_b64url_str(md, sizeof(md));
done:
    apw_buf_release(&in);
    return out;
}

/* ------------------------------------------------------------------ random */

/* Fill n bytes from the OpenSSL CSPRNG.  0, or -1 with the error queue set. */
static int
apw_rand(unsigned char *p, size_t n)
{
    while (n > 0) {
        int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(p, chunk) != 1) {
            return -1;
        }
        p += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}


static PyObject *
apw_py_random_bytes(PyObject *module, PyObject *arg)
{
    apw_core_state *st = apw_core_get_state(module);
    Py_ssize_t n = 0;
    PyObject *out = NULL;
    int rc;

    if (apw_nonneg_size_arg(arg, "n", &n) < 0) {
        return NULL;
    }
    out = PyBytes_FromStringAndSize(NULL, n);
    if (out == NULL) {
        return NULL;
    }
    if ((size_t)n >= APW_GIL_MINSIZE) {
        /* `out` is not visible to any other thread yet. */
        Py_BEGIN_ALLOW_THREADS
        rc = apw_rand((unsigned char *)PyBytes_AS_STRING(out), (size_t)n);
        Py_END_ALLOW_THREADS
    }
    else {
        rc = apw_rand((unsigned char *)PyBytes_AS_STRING(out), (size_t)n);
    }
    if (rc < 0) {
        Py_DECREF(out);
        return apw_raise_openssl(st->CryptoError, "RAND_bytes failed");
    }
    return out;
}

/* A pool of CSPRNG bytes handed out one or four at a time. */
typedef struct apw_rpool {
    unsigned char buf[256];
    size_t pos;
} apw_rpool;

static int
apw_rpool_bytes(apw_rpool *rp, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rp->pos == sizeof(rp->buf)) {
            if (apw_rand(rp->buf, sizeof(rp->buf)) < 0) {
                return -1;
            }
            rp->pos = 0;
        }
        out[i] = rp->buf[rp->pos++];
    }
    return 0;
}

/* Uniform index in [0, m) by rejection sampling (no modulo bias).  m >= 1. */
static int
apw_rpool_index(apw_rpool *rp, uint64_t m, uint64_t *out)
{
    if (m <= 256) {
        /* Largest multiple of m not above 256: accept bytes below it. */
        uint32_t limit = 256u - (256u % (uint32_t)m);
        for (;;) {
            unsigned char b;
            if (apw_rpool_bytes(rp, &b, 1) < 0) {
                return -1;
            }
            if (b < limit) {
                *out = (uint64_t)b % m;
                return 0;
            }
        }
    }
    else {
        uint64_t range = (uint64_t)1 << 32;
        uint64_t limit = range - (range % m);
        for (;;) {
            unsigned char b[4];
            uint64_t v;
            if (apw_rpool_bytes(rp, b, 4) < 0) {
                return -1;
            }
            v = ((uint64_t)b[0] << 24) | ((uint64_t)b[1] << 16) |
                ((uint64_t)b[2] << 8) | (uint64_t)b[3];
            OPENSSL_cleanse(b, sizeof(b));
            if (v < limit) {
                *out = v % m;
                return 0;
            }
        }
    }
}

/* Fill `n` code points of kind `okind` at `odata` with characters of
 * `alphabet` (kind akind, length m).  Pure memory work: no Python calls. */
static int
apw_random_fill(apw_rpool *rp, int akind, const void *adata, uint64_t m,
                int okind, void *odata, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t idx = 0;
        Py_UCS4 ch;
        if (apw_rpool_index(rp, m, &idx) < 0) {
            return -1;
        }
        ch = PyUnicode_READ(akind, adata, (Py_ssize_t)idx);
        PyUnicode_WRITE(okind, odata, i, ch);
    }
    return 0;
}

static PyObject *
apw_py_random_string(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames)
{
    static const char *const names[] = {"length", "alphabet", NULL};
    static const char lowercase[] = "abcdefghijklmnopqrstuvwxyz";
    apw_core_state *st = apw_core_get_state(module);
    PyObject *a[2];
    PyObject *alphabet = NULL;     /* owned */
    PyObject *out = NULL;
    void *tmp = NULL;              /* non-ASCII output buffer */
    size_t tmp_size = 0;
    Py_ssize_t length = 0;
    Py_ssize_t m;
    apw_rpool *rp = NULL;
    int akind;
    const void *adata;
    int rc;

    if (apw_parse_args("random_string", args, nargs, kwnames, names, 2, 1, a) < 0 ||
        apw_nonneg_size_arg(a[0], "length", &length) < 0) {
        goto done;
    }
    if (a[1] == NULL) {
        alphabet = PyUnicode_FromStringAndSize(lowercase, sizeof(lowercase) - 1);
        if (alphabet == NULL) {
            goto done;
        }
    }
    else if (PyUnicode_Check(a[1])) {
        alphabet = Py_NewRef(a[1]);
    }
    else {
        PyErr_Format(PyExc_TypeError, "alphabet must be str, not %.100s",
                     Py_TYPE(a[1])->tp_name);
        goto done;
    }
    m = PyUnicode_GET_LENGTH(alphabet);
    if (m == 0) {
        PyErr_SetString(PyExc_ValueError, "alphabet must not be empty");
        goto done;
    }
    if ((uint64_t)m > (uint64_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "alphabet is too long (max 2**32-1 characters)");
        goto done;
    }
    akind = PyUnicode_KIND(alphabet);
    adata = PyUnicode_DATA(alphabet);
    rp = PyMem_Malloc(sizeof(*rp));
    if (rp == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    rp->pos = sizeof(rp->buf);

    if (PyUnicode_IS_ASCII(alphabet)) {
        /* Fill a fresh compact-ASCII str in place (nobody else sees it). */
        out = PyUnicode_New(length, 127);
        if (out == NULL) {
            goto done;
        }
        if (length >= APW_GIL_MINSIZE) {
            Py_BEGIN_ALLOW_THREADS
            rc = apw_random_fill(rp, akind, adata, (uint64_t)m, PyUnicode_1BYTE_KIND,
                                 PyUnicode_1BYTE_DATA(out), length);
            Py_END_ALLOW_THREADS
        }
        else {
            rc = apw_random_fill(rp, akind, adata, (uint64_t)m, PyUnicode_1BYTE_KIND,
                                 PyUnicode_1BYTE_DATA(out), length);
        }
        if (rc < 0) {
            OPENSSL_cleanse(PyUnicode_1BYTE_DATA(out), (size_t)length);
            Py_CLEAR(out);
            apw_raise_openssl(st->CryptoError, "RAND_bytes failed");
            goto done;
        }
    }
    else {
        /* Build in a buffer of the alphabet's kind, then let CPython make the
         * canonical (narrowest) str from it. */
        if ((size_t)length > (size_t)PY_SSIZE_T_MAX / (size_t)akind) {
            PyErr_NoMemory();
            goto done;
        }
        tmp_size = (size_t)length * (size_t)akind;
        tmp = PyMem_Malloc(tmp_size > 0 ? tmp_size : 1);
        if (tmp == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        if (apw_random_fill(rp, akind, adata, (uint64_t)m, akind, tmp, length) < 0) {
            apw_raise_openssl(st->CryptoError, "RAND_bytes failed");
            goto done;
        }
        out = PyUnicode_FromKindAndData(akind, tmp, length);
    }
done:
    if (rp != NULL) {
        OPENSSL_cleanse(rp, sizeof(*rp));
        PyMem_Free(rp);
    }
    if (tmp != NULL) {
        OPENSSL_cleanse(tmp, tmp_size);
        PyMem_Free(tmp);
    }
    Py_XDECREF(alphabet);
    return out;
}

/* ------------------------------------------------------------------ module */

PyDoc_STRVAR(apw_sha256_doc, "sha256(data) -> bytes\n--\n\nSHA-256 digest (str is UTF-8 encoded).");
PyDoc_STRVAR(apw_b64url_encode_doc,
"b64url_encode(data) -> str\n--\n\nbase64url without padding.");
PyDoc_STRVAR(apw_b64url_decode_doc,
"b64url_decode(data) -> bytes\n--\n\n"
"base64url, padding optional; invalid or non-canonical input raises ValueError.");
PyDoc_STRVAR(apw_pkce_challenge_doc,
"pkce_challenge(verifier) -> str\n--\n\n"
"RFC 7636 S256 code challenge: b64url(SHA-256(ASCII(verifier))), no padding.");
PyDoc_STRVAR(apw_random_bytes_doc,
"random_bytes(n) -> bytes\n--\n\nn bytes from the OpenSSL CSPRNG.");
PyDoc_STRVAR(apw_random_string_doc,
"random_string(length, alphabet='abcdefghijklmnopqrstuvwxyz') -> str\n--\n\n"
"Uniformly random characters of alphabet from the OpenSSL CSPRNG.");

PyMethodDef apw_encoding_methods[] = {
    {"sha256", (PyCFunction)apw_py_sha256, METH_O, apw_sha256_doc},
    {"b64url_encode", (PyCFunction)apw_py_b64url_encode, METH_O, apw_b64url_encode_doc},
    {"b64url_decode", (PyCFunction)apw_py_b64url_decode, METH_O, apw_b64url_decode_doc},
    {"pkce_challenge", (PyCFunction)apw_py_pkce_challenge, METH_O, apw_pkce_challenge_doc},
    {"random_bytes", (PyCFunction)apw_py_random_bytes, METH_O, apw_random_bytes_doc},
    {"random_string", (PyCFunction)(void (*)(void))apw_py_random_string,
     METH_FASTCALL | METH_KEYWORDS, apw_random_string_doc},
    {NULL, NULL, 0, NULL},
};
