/*
 * crypto.c - OpenSSL 3.0 helpers: RSA password encryption, SHA-256,
 * base64url, PKCE, secure random, JWT verification (RS256, HS256).
 *
 * Key cache.  st->pkey_cache is a dict, at most APW_PKEY_CACHE_MAX (64)
 * entries, oldest evicted first.  Key: the exact PEM str/bytes, or the JWK's
 * (n, e) str tuple.  Value: a capsule holding an apw_pkey (EVP_PKEY, n, e,
 * the Montgomery context of n, a BN_CTX, a verify-initialised EVP_PKEY_CTX,
 * a padding randomness pool), or a str: the
 * CryptoError message of a key text that failed to load, so a misconfigured
 * key costs one decode, not one per call.  Decoding a PEM with OpenSSL 3.0
 * costs 130-450 us, an encryption a few us.  A caller keeps its own reference
 * to the capsule while it works, so an eviction never frees a key in use.
 *
 * RSA encryption.  PKCS#1 v1.5 (RFC 8017 7.2.1) is done here rather than by
 * EVP_PKEY_encrypt: EM = 00 02 PS 00 M (PS nonzero CSPRNG bytes), then
 * EM^e mod n by left-to-right square-and-multiply.  Where the time goes for
 * the SDK's 1024-bit key (this machine, noisy, so ranges): EVP_PKEY_CTX made
 * per call 11.5-14.5 us (the context alone 2.5-4 us); EVP_PKEY_encrypt on a
 * cached context 7.3-10.5 us, of which BN_mod_exp_mont 5.5-7.3 us (0.31 us per
 * 1024-bit Montgomery squaring in OpenSSL's mulx/adx assembly), RAND_bytes
 * ~1.1 us of fixed cost per call, the provider layers ~1 us.  So the context
 * cache the issue suggests is not enough for the targets; what we do:
 *  - modexp: square-and-multiply with BN_mod_mul_montgomery on the key's
 *    cached BN_MONT_CTX (OpenSSL's mulx/adx assembly does the arithmetic),
 *    about 1 us less than BN_mod_exp_mont's window set-up and conversions.
 *    (A hand-written AVX-512 IFMA multiplication was measured 1.5-2 us faster
 *    for 1024-bit keys and deliberately not kept: the SDK does not carry its
 *    own bignum arithmetic; OpenSSL's is reviewed and constant across CPUs.)
 *  - padding randomness: a GIL-held encryption takes PS from a per-key pool
 *    of APW_PADPOOL_SIZE bytes filled by one RAND_bytes call (about 15
 *    encryptions per call), bytes wiped as they are handed out; a pid check
 *    makes a forked child discard what its parent filled.  The pool exposes
 *    no more than OpenSSL's own DRBG state, which sits in the same memory.
 *    GIL-free encryptions call RAND_bytes directly.
 *  Both paths are checked against OpenSSL by decrypting with `cryptography`
 *  (tests/c/test_crypto.py: every message length, 1024..1536-bit keys).
 *
 * GIL.  Public-key operations on keys below APW_RSA_NOGIL_BITS (3072) run
 * with the GIL held, on the key's shared BN_CTX, pool and EVP_PKEY_CTX (the
 * GIL is what serialises them); larger keys release the GIL and use a private
 * BN_CTX, RAND_bytes, and an EVP_PKEY_CTX_dup of the cached verify context.
 * Below 3072 bits a public operation takes 4-50 us, against a 5 ms switch
 * interval.  tools/crypto_speed.py --threads with both policies built side by
 * side (2 shared cores, load ~2): beside a thread spinning in pure Python,
 * rsa_encrypt ran 78,900/s with the GIL held vs 52,200/s released (1024-bit)
 * and 20,400/s vs 15,500/s (2048-bit): every release hands the GIL to the
 * spinner.  With no idle core, 4 threads did not beat 1 thread under either
 * policy (x0.97-1.05), so releasing bought nothing measurable here; on an
 * idle multi-core machine it lets long operations run in parallel, hence the
 * release from 3072 bits up (a 3072-bit encryption is ~45 us, 4096 ~85 us).
 * CPython's hashlib makes the same trade with a size threshold, and so do we
 * for hashing, HMAC and random generation of >= 2048 bytes.
 *
 * Secrets.  Cleansed with OPENSSL_cleanse: the encoded EM block (padding +
 * plaintext) and everything derived from it (bignums m, x, y via BN_clear); pool bytes once handed out,
 * the rest of the pool when the key is freed (OPENSSL_clear_free); the
 * RAND_bytes buffer of the GIL-free path; the UTF-8 copy we make of a str
 * plaintext, HMAC secret or PKCE verifier (a private bytes object, wiped
 * before release when we hold its only reference); the computed HMAC; the
 * random pools and buffers behind random_string; a half-written
 * b64url_decode result.  Not cleansed (cannot be): Python-owned str/bytes
 * passed in or returned (the caller's password str, secret bytes, the
 * random_bytes/random_string results), and OpenSSL-internal copies (the
 * HMAC key inside EVP_Q_mac is freed by OpenSSL with its own cleansing),
 * nor CPU registers.
 *
 * JWT (jwt_verify).  In this order: (1) structure - exactly three parts of
 * strict base64url (canonical: zero trailing bits), header and payload JSON
 * objects (parsed by apw_json_loads_buf), no `crit` header -> JWTDecodeError;
 * (2) algorithm - `algorithms` must be a non-empty list of supported names
 * ("RS256", "HS256"); header `alg` must be one of them; "none" is never
 * accepted; RS256 needs an RSA key (PEM or JWK mapping, a JWK `alg` must say
 * RS256), HS256 needs a str/bytes secret that does not look like public-key
 * material (PEM, OpenSSH, JWK JSON: the RS/HS confusion) -> JWTAlgorithmError;
 * (3) signature - RS256: SHA-256 then EVP_PKEY_verify (PKCS#1 v1.5,
 * DigestInfo checked by OpenSSL) on the cached verify context, the same as
 * EVP_DigestVerify minus a per-call context; HS256: HMAC-SHA256 compared with
 * CRYPTO_memcmp -> JWTSignatureError; (4) claims - exp/nbf/iat must be
 * numbers (not bool, finite); now > exp + leeway -> JWTExpiredError,
 * now < nbf - leeway -> JWTNotYetValidError; audience (str or list) must meet
 * the token's aud (str or list), and, as RFC 7519 4.1.3 and PyJWT, a token
 * carrying aud is refused when no audience is given; issuer must equal iss
 * -> JWTClaimsError.  Returns the claims dict.
 */
#include "apw.h"

#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>


/* Most parsed keys kept in st->pkey_cache (FIFO eviction beyond this). */
#ifndef APW_PKEY_CACHE_MAX
#define APW_PKEY_CACHE_MAX 64
#endif

/* RSA modulus limits accepted for keys we load (OpenSSL refuses public
 * operations above 16384 bits anyway). */
#define APW_RSA_MIN_BITS 512
#define APW_RSA_MAX_BITS 16384
#define APW_RSA_MAX_BYTES (APW_RSA_MAX_BITS / 8)

/* PKCS#1 v1.5 encryption padding overhead: 00 02 PS(>= 8) 00. */
#define APW_PKCS1_OVERHEAD 11

/* RSA public operations on keys with at least this many bits run with the
 * GIL released (on a duplicate of the cached context); smaller keys run with
 * the GIL held on the cached context.  See the design notes. */
#ifndef APW_RSA_NOGIL_BITS
#define APW_RSA_NOGIL_BITS 3072
#endif

/* Hashing / random generation of at least this many bytes releases the GIL
 * (the threshold CPython's hashlib uses). */
#define APW_GIL_MINSIZE 2048

#define APW_PKEY_CAPSULE "approw._core.pkey"

/* Bytes of CSPRNG output a key keeps for its encryption padding (about 15
 * 1024-bit encryptions per RAND_bytes call, whose fixed cost is ~1.1 us). */
#define APW_PADPOOL_SIZE 2048

#define APW_SHA256_LEN 32


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

static int
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

static void
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

/* Raise `type(msg)` with the current exception as its __cause__. */
static PyObject *
apw_raise_from(PyObject *type, const char *msg)
{
    PyObject *et = NULL;
    PyObject *ev = NULL;
    PyObject *tb = NULL;
    PyObject *nt = NULL;
    PyObject *nv = NULL;
    PyObject *ntb = NULL;

    PyErr_Fetch(&et, &ev, &tb);
    PyErr_NormalizeException(&et, &ev, &tb);
    if (tb != NULL && ev != NULL) {
        (void)PyException_SetTraceback(ev, tb);
    }
    PyErr_SetString(type, msg);
    PyErr_Fetch(&nt, &nv, &ntb);
    PyErr_NormalizeException(&nt, &nv, &ntb);
    if (nv != NULL && ev != NULL) {
        Py_INCREF(ev);
        PyException_SetContext(nv, ev);      /* steals */
        Py_INCREF(ev);
        PyException_SetCause(nv, ev);        /* steals */
    }
    PyErr_Restore(nt, nv, ntb);
    Py_XDECREF(et);
    Py_XDECREF(ev);
    Py_XDECREF(tb);
    return NULL;
}

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
static int
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
static int
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
    apw_state *st = apw_get_state(module);
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
    apw_state *st = apw_get_state(module);
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

/* Convert an int argument to a non-negative Py_ssize_t. */
static int
apw_nonneg_size(PyObject *obj, const char *what, Py_ssize_t *out)
{
    PyObject *idx;
    Py_ssize_t v;

    if (PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not bool", what);
        return -1;
    }
    idx = PyNumber_Index(obj);
    if (idx == NULL) {
        return -1;
    }
    v = PyLong_AsSsize_t(idx);
    Py_DECREF(idx);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (v < 0) {
        PyErr_Format(PyExc_ValueError, "%s must be >= 0, got %zd", what, v);
        return -1;
    }
    *out = v;
    return 0;
}

static PyObject *
apw_py_random_bytes(PyObject *module, PyObject *arg)
{
    apw_state *st = apw_get_state(module);
    Py_ssize_t n = 0;
    PyObject *out = NULL;
    int rc;

    if (apw_nonneg_size(arg, "n", &n) < 0) {
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
    apw_state *st = apw_get_state(module);
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
        apw_nonneg_size(a[0], "length", &length) < 0) {
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

/* ------------------------------------------------------------------ keys */

/* A parsed RSA public key plus everything a public operation needs, built
 * once.  n, e and mont are read-only after construction (safe from any
 * thread); `bnctx` and `ver` are used only with the GIL held (the GIL
 * serialises them); GIL-free operations use a fresh BN_CTX / a duplicate. */
typedef struct apw_pkey {
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *ver;   /* verify-initialised, PKCS#1 v1.5 + SHA-256 */
    BIGNUM *n;
    BIGNUM *e;
    BN_MONT_CTX *mont;   /* Montgomery context of n */
    BN_CTX *bnctx;       /* scratch for GIL-held encryptions */
    unsigned char *pad;  /* APW_PADPOOL_SIZE random bytes for GIL-held encryptions */
    size_t pad_pos;      /* first unused byte of `pad` */
    pid_t pad_pid;       /* the process that filled `pad` */
    int bits;
    size_t size;         /* modulus size in bytes */
} apw_pkey;

static void
apw_pkey_free(apw_pkey *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_CTX_free(k->ver);
    BN_MONT_CTX_free(k->mont);
    BN_CTX_free(k->bnctx);
    BN_free(k->n);
    BN_free(k->e);
    if (k->pad != NULL) {
        OPENSSL_clear_free(k->pad, APW_PADPOOL_SIZE);
    }
    EVP_PKEY_free(k->pkey);
    PyMem_RawFree(k);
}

static void
apw_pkey_capsule_destructor(PyObject *cap)
{
    apw_pkey_free((apw_pkey *)PyCapsule_GetPointer(cap, APW_PKEY_CAPSULE));
}


/* Wrap an RSA EVP_PKEY (ownership taken, freed on failure) with its
 * contexts.  NULL with *why set; the OpenSSL queue may hold the detail. */
static apw_pkey *
apw_pkey_new(EVP_PKEY *pkey, const char **why)
{
    apw_pkey *k = NULL;
    int bits;

    if (!EVP_PKEY_is_a(pkey, "RSA")) {
        *why = "not an RSA key";
        goto error;
    }
    bits = EVP_PKEY_get_bits(pkey);
    if (bits < APW_RSA_MIN_BITS || bits > APW_RSA_MAX_BITS) {
        *why = "RSA modulus size out of range (512..16384 bits)";
        goto error;
    }
    k = PyMem_RawCalloc(1, sizeof(*k));
    if (k == NULL) {
        *why = "out of memory";
        goto error;
    }
    k->pkey = pkey;
    pkey = NULL;
    k->bits = bits;
    k->size = (size_t)EVP_PKEY_get_size(k->pkey);
    if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &k->n) != 1 ||
        EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &k->e) != 1) {
        *why = "cannot read the RSA key parameters";
        goto error;
    }
    /* What OpenSSL's own public operation insists on, checked once. */
    if (!BN_is_odd(k->n) || !BN_is_odd(k->e) || BN_is_one(k->e) ||
        BN_ucmp(k->e, k->n) >= 0 || BN_is_negative(k->e) ||
        (size_t)BN_num_bytes(k->n) != k->size) {
        *why = "invalid RSA public key (n and e must be odd, 1 < e < n)";
        goto error;
    }
    /* OpenSSL's rule for public operations, which bounds their cost. */
    if (bits > 3072 && BN_num_bits(k->e) > 64) {
        *why = "RSA public exponent too large for a modulus above 3072 bits (max 64 bits)";
        goto error;
    }
    k->bnctx = BN_CTX_new();
    k->mont = BN_MONT_CTX_new();
    if (k->bnctx == NULL || k->mont == NULL ||
        BN_MONT_CTX_set(k->mont, k->n, k->bnctx) != 1) {
        *why = "cannot set up the Montgomery context";
        goto error;
    }
    k->ver = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    if (k->ver == NULL ||
        EVP_PKEY_verify_init(k->ver) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(k->ver, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(k->ver, EVP_sha256()) <= 0) {
        *why = "cannot set up the RSA verification context";
        goto error;
    }
    return k;
error:
    EVP_PKEY_free(pkey);
    apw_pkey_free(k);
    return NULL;
}

/* Decode a PEM public key; keytype NULL accepts any algorithm. */
static EVP_PKEY *
apw_pem_decode(const unsigned char *p, size_t n, const char *keytype)
{
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *dctx;

    dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, keytype,
                                         EVP_PKEY_PUBLIC_KEY, NULL, NULL);
    if (dctx == NULL) {
        return NULL;
    }
    if (OSSL_DECODER_from_data(dctx, &p, &n) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    else {
        /* Decoders tried and rejected on the way may leave entries behind. */
        ERR_clear_error();
    }
    OSSL_DECODER_CTX_free(dctx);
    return pkey;
}

/* Look `key` up in the cache: a new reference to the capsule, or NULL with
 * an exception set (a real error, or the CryptoError cached for a key text
 * that failed to load before), or NULL without one (not cached). */
static PyObject *
apw_cache_get(apw_state *st, PyObject *key)
{
    PyObject *v = PyDict_GetItemWithError(st->pkey_cache, key);   /* borrowed */

    if (v != NULL && PyUnicode_Check(v)) {
        PyErr_SetObject(st->CryptoError, v);
        return NULL;
    }
    return Py_XNewRef(v);
}

/* Insert, evicting the oldest entry when full.  0 or -1. */
static int
apw_cache_put(apw_state *st, PyObject *key, PyObject *cap)
{
    if (PyDict_GET_SIZE(st->pkey_cache) >= APW_PKEY_CACHE_MAX) {
        Py_ssize_t pos = 0;
        PyObject *k;
        PyObject *v;
        if (PyDict_Next(st->pkey_cache, &pos, &k, &v)) {
            int rc;
            Py_INCREF(k);
            rc = PyDict_DelItem(st->pkey_cache, k);
            Py_DECREF(k);
            if (rc < 0) {
                return -1;
            }
        }
    }
    return PyDict_SetItem(st->pkey_cache, key, cap);
}

/* The key text `key` failed to load with the CryptoError now set: cache the
 * message, so a misconfigured key costs one decode, not one per call.  The
 * exception stays set. */
static void
apw_cache_failure(apw_state *st, PyObject *key)
{
    PyObject *et = NULL;
    PyObject *ev = NULL;
    PyObject *tb = NULL;
    PyObject *msg = NULL;

    if (!PyErr_ExceptionMatches(st->CryptoError)) {
        return;
    }
    PyErr_Fetch(&et, &ev, &tb);
    PyErr_NormalizeException(&et, &ev, &tb);
    msg = ev != NULL ? PyObject_Str(ev) : NULL;
    if (msg == NULL || apw_cache_put(st, key, msg) < 0) {
        PyErr_Clear();          /* not cached; the original error still wins */
    }
    Py_XDECREF(msg);
    PyErr_Restore(et, ev, tb);
}

/* Wrap a freshly built key in a capsule and cache it under `key`.  Takes
 * ownership of `k`.  New reference or NULL. */
static PyObject *
apw_cache_add(apw_state *st, PyObject *key, apw_pkey *k)
{
    PyObject *cap = PyCapsule_New(k, APW_PKEY_CAPSULE, apw_pkey_capsule_destructor);
    if (cap == NULL) {
        apw_pkey_free(k);
        return NULL;
    }
    if (apw_cache_put(st, key, cap) < 0) {
        Py_DECREF(cap);
        return NULL;
    }
    return cap;
}

/* The cached key for a PEM (str or bytes).  New reference to a capsule. */
static PyObject *
apw_pkey_from_pem(apw_state *st, PyObject *pem)
{
    PyObject *key = NULL;
    PyObject *cap = NULL;
    apw_buf b = APW_BUF_INIT;
    EVP_PKEY *pkey = NULL;
    apw_pkey *k = NULL;
    const char *why = NULL;
    int cacheable = 0;

    /* Exact str/bytes as the cache key: hashing and comparing them runs no
     * Python code and they cannot change. */
    if (PyUnicode_CheckExact(pem) || PyBytes_CheckExact(pem)) {
        key = Py_NewRef(pem);
    }
    else if (PyUnicode_Check(pem)) {
        key = PyUnicode_FromObject(pem);
    }
    else if (PyBytes_Check(pem)) {
        key = PyBytes_FromStringAndSize(PyBytes_AS_STRING(pem), PyBytes_GET_SIZE(pem));
    }
    else {
        PyErr_Format(PyExc_TypeError, "public key must be a PEM str or bytes, not %.100s",
                     Py_TYPE(pem)->tp_name);
        goto done;
    }
    if (key == NULL) {
        goto done;
    }
    cap = apw_cache_get(st, key);
    if (cap != NULL || PyErr_Occurred()) {
        goto done;
    }
    if (apw_buf_get(key, "public key", 0, &b) < 0) {
        goto done;
    }
    if (b.n == 0 || memmem(b.p, b.n, "-----BEGIN ", 11) == NULL) {
        PyErr_SetString(st->CryptoError,
                        "not a PEM public key (expected '-----BEGIN PUBLIC KEY-----' "
                        "or '-----BEGIN RSA PUBLIC KEY-----')");
        goto done;
    }
    if (memmem(b.p, b.n, "PRIVATE KEY-----", 16) != NULL) {
        PyErr_SetString(st->CryptoError,
                        "expected a public key PEM, got a private key PEM");
        goto done;
    }
    cacheable = 1;      /* from here on a CryptoError is a property of the text */
    pkey = apw_pem_decode(b.p, b.n, "RSA");
    if (pkey == NULL) {
        /* Tell a non-RSA key from an unreadable one. */
        ERR_clear_error();
        pkey = apw_pem_decode(b.p, b.n, NULL);
        if (pkey != NULL) {
            PyErr_Format(st->CryptoError, "public key is %s, not RSA",
                         EVP_PKEY_get0_type_name(pkey) != NULL
                             ? EVP_PKEY_get0_type_name(pkey) : "not RSA");
            ERR_clear_error();
        }
        else {
            apw_raise_openssl(st->CryptoError,
                              "cannot parse the PEM public key (expected an RSA "
                              "'PUBLIC KEY' or 'RSA PUBLIC KEY')");
        }
        goto done;
    }
    k = apw_pkey_new(pkey, &why);
    pkey = NULL;    /* owned by k or freed */
    if (k == NULL) {
        apw_raise_openssl(st->CryptoError, why);
        goto done;
    }
    cap = apw_cache_add(st, key, k);   /* takes k */
done:
    if (cap == NULL && cacheable) {
        apw_cache_failure(st, key);
    }
    EVP_PKEY_free(pkey);
    apw_buf_release(&b);
    Py_XDECREF(key);
    return cap;
}

/* Decode a base64url JWK member into a new BIGNUM.  NULL with an exception. */
static BIGNUM *
apw_jwk_bn(apw_state *st, PyObject *value, const char *name)
{
    apw_buf b = APW_BUF_INIT;
    unsigned char *raw = NULL;
    size_t rawlen = 0;
    const char *why = NULL;
    BIGNUM *bn = NULL;

    if (!PyUnicode_Check(value)) {
        PyErr_Format(st->CryptoError, "invalid JWK: '%s' must be a base64url str", name);
        goto done;
    }
    if (apw_buf_get(value, name, 0, &b) < 0) {
        goto done;
    }
    if (apw_b64url_decode_alloc(b.p, b.n, &raw, &rawlen, &why) < 0) {
        if (why != NULL) {
            PyErr_Format(st->CryptoError, "invalid JWK: '%s' is not base64url (%s)",
                         name, why);
        }
        goto done;
    }
    if (rawlen == 0 || rawlen > APW_RSA_MAX_BYTES) {
        PyErr_Format(st->CryptoError, "invalid JWK: '%s' has a bad length", name);
        goto done;
    }
    bn = BN_bin2bn(raw, (int)rawlen, NULL);
    if (bn == NULL) {
        apw_raise_openssl(st->CryptoError, "BN_bin2bn failed");
    }
done:
    PyMem_Free(raw);
    apw_buf_release(&b);
    return bn;
}

/* Get a JWK member (str key) from a mapping: new reference, or NULL with
 * CryptoError (missing) or another exception. */
static PyObject *
apw_jwk_member(apw_state *st, PyObject *jwk, PyObject *name, int required)
{
    PyObject *v;

    if (PyDict_Check(jwk)) {
        v = PyDict_GetItemWithError(jwk, name);
        Py_XINCREF(v);
    }
    else {
        v = PyObject_GetItem(jwk, name);
        if (v == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
        }
    }
    if (v == NULL && !PyErr_Occurred() && required) {
        PyErr_Format(st->CryptoError, "invalid JWK: missing '%U'", name);
    }
    return v;
}

/* A JWK that names its algorithm must name RS256.  0 or -1. */
static int
apw_jwk_alg_check(apw_state *st, PyObject *jwk)
{
    PyObject *name = PyUnicode_InternFromString("alg");
    PyObject *v = NULL;
    int rc = -1;

    if (name == NULL) {
        return -1;
    }
    v = apw_jwk_member(st, jwk, name, 0);
    if (v == NULL && PyErr_Occurred()) {
        goto done;
    }
    if (v != NULL && !(PyUnicode_Check(v) &&
                       PyUnicode_CompareWithASCIIString(v, "RS256") == 0)) {
        PyErr_Format(st->JWTAlgorithmError,
                     "the JWK is for algorithm %R, the token uses RS256", v);
        goto done;
    }
    rc = 0;
done:
    Py_XDECREF(v);
    Py_DECREF(name);
    return rc;
}

/* The cached key for an RSA JWK mapping {"kty": "RSA", "n": .., "e": ..}. */
static PyObject *
apw_pkey_from_jwk(apw_state *st, PyObject *jwk)
{
    PyObject *kty = NULL;
    PyObject *n = NULL;
    PyObject *e = NULL;
    PyObject *key = NULL;
    PyObject *cap = NULL;
    BIGNUM *bn_n = NULL;
    BIGNUM *bn_e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    apw_pkey *k = NULL;
    const char *why = NULL;
    int cacheable = 0;

    kty = apw_jwk_member(st, jwk, st->s_kty, 1);
    if (kty == NULL) {
        goto done;
    }
    if (!PyUnicode_Check(kty) || PyUnicode_CompareWithASCIIString(kty, "RSA") != 0) {
        PyErr_Format(st->CryptoError, "unsupported JWK: kty must be 'RSA', got %R", kty);
        goto done;
    }
    n = apw_jwk_member(st, jwk, st->s_n, 1);
    if (n == NULL) {
        goto done;
    }
    e = apw_jwk_member(st, jwk, st->s_e, 1);
    if (e == NULL) {
        goto done;
    }
    if (!PyUnicode_CheckExact(n) || !PyUnicode_CheckExact(e)) {
        PyErr_SetString(st->CryptoError, "invalid JWK: 'n' and 'e' must be base64url str");
        goto done;
    }
    key = PyTuple_Pack(2, n, e);
    if (key == NULL) {
        goto done;
    }
    cap = apw_cache_get(st, key);
    if (cap != NULL || PyErr_Occurred()) {
        goto done;
    }
    cacheable = 1;      /* from here on a CryptoError is a property of (n, e) */
    bn_n = apw_jwk_bn(st, n, "n");
    if (bn_n == NULL) {
        goto done;
    }
    bn_e = apw_jwk_bn(st, e, "e");
    if (bn_e == NULL) {
        goto done;
    }
    if (!BN_is_odd(bn_n) || !BN_is_odd(bn_e) || BN_is_one(bn_e) ||
        BN_cmp(bn_e, bn_n) >= 0) {
        PyErr_SetString(st->CryptoError,
                        "invalid JWK: not a valid RSA public key (n and e must be odd, 1 < e < n)");
        goto done;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1) {
        apw_raise_openssl(st->CryptoError, "cannot build RSA key parameters");
        goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) {
        apw_raise_openssl(st->CryptoError, "cannot build RSA key parameters");
        goto done;
    }
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        apw_raise_openssl(st->CryptoError, "cannot build an RSA key from the JWK");
        goto done;
    }
    k = apw_pkey_new(pkey, &why);
    pkey = NULL;
    if (k == NULL) {
        apw_raise_openssl(st->CryptoError, why);
        goto done;
    }
    cap = apw_cache_add(st, key, k);
done:
    if (cap == NULL && cacheable) {
        apw_cache_failure(st, key);
    }
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    Py_XDECREF(key);
    Py_XDECREF(kty);
    Py_XDECREF(n);
    Py_XDECREF(e);
    return cap;
}

static apw_pkey *
apw_pkey_borrow(PyObject *cap)
{
    return (apw_pkey *)PyCapsule_GetPointer(cap, APW_PKEY_CAPSULE);
}

/* ------------------------------------------------------------------ RSA */

/* n bytes, none of them zero, from the CSPRNG (PKCS#1 v1.5 padding string).
 * One RAND_bytes call with some slack nearly always suffices.  0 or -1. */
static int
apw_rand_nonzero(unsigned char *out, size_t n)
{
    unsigned char buf[256];
    size_t got = 0;
    int rc = 0;

    while (got < n) {
        size_t want = (n - got) + (n - got) / 32 + 16;
        if (want > sizeof(buf)) {
            want = sizeof(buf);
        }
        if (RAND_bytes(buf, (int)want) != 1) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < want && got < n; i++) {
            if (buf[i] != 0) {
                out[got++] = buf[i];
            }
        }
    }
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

/* n nonzero random bytes for a GIL-held encryption with key k, from the
 * key's pool of CSPRNG output; refilled with one RAND_bytes call when used
 * up.  Bytes handed out are wiped from the pool.  A forked child never uses
 * bytes its parent filled in (pid check).  0 or -1 (OpenSSL queue set). */
static int
apw_padpool_take(apw_pkey *k, unsigned char *out, size_t n)
{
    pid_t pid = getpid();
    size_t got = 0;

    if (k->pad == NULL) {
        k->pad = OPENSSL_malloc(APW_PADPOOL_SIZE);
        if (k->pad == NULL) {
            return -1;
        }
        k->pad_pos = APW_PADPOOL_SIZE;
    }
    if (k->pad_pid != pid) {
        OPENSSL_cleanse(k->pad, APW_PADPOOL_SIZE);
        k->pad_pos = APW_PADPOOL_SIZE;
    }
    while (got < n) {
        size_t start;
        if (k->pad_pos == APW_PADPOOL_SIZE) {
            if (RAND_bytes(k->pad, APW_PADPOOL_SIZE) != 1) {
                return -1;
            }
            k->pad_pos = 0;
            k->pad_pid = pid;
        }
        start = k->pad_pos;
        while (k->pad_pos < APW_PADPOOL_SIZE && got < n) {
            unsigned char c = k->pad[k->pad_pos++];
            if (c != 0) {
                out[got++] = c;
            }
        }
        OPENSSL_cleanse(k->pad + start, k->pad_pos - start);
    }
    return 0;
}

/* out = em^e mod n with OpenSSL's bignums: left-to-right square and multiply
 * in the Montgomery domain of the key's cached BN_MONT_CTX (OpenSSL's own
 * mulx/adx assembly does the work).  `ctx` is caller-owned scratch.
 * 0, or -1 with the OpenSSL queue set. */
static int
apw_rsa_modexp_bn(const apw_pkey *k, BN_CTX *ctx, const unsigned char *em,
                  unsigned char *out)
{
    int klen = (int)k->size;
    BIGNUM *m;
    BIGNUM *x;
    BIGNUM *y;
    int rc = -1;

    BN_CTX_start(ctx);
    m = BN_CTX_get(ctx);
    x = BN_CTX_get(ctx);
    y = BN_CTX_get(ctx);
    if (y == NULL) {
        goto done;
    }
    if (BN_bin2bn(em, klen, m) == NULL ||
        BN_to_montgomery(x, m, k->mont, ctx) != 1 ||
        BN_copy(y, x) == NULL) {
        goto done;
    }
    for (int i = BN_num_bits(k->e) - 2; i >= 0; i--) {
        if (BN_mod_mul_montgomery(y, y, y, k->mont, ctx) != 1) {
            goto done;
        }
        if (BN_is_bit_set(k->e, i) &&
            BN_mod_mul_montgomery(y, y, x, k->mont, ctx) != 1) {
            goto done;
        }
    }
    if (BN_from_montgomery(m, y, k->mont, ctx) != 1 ||
        BN_bn2binpad(m, out, klen) != klen) {
        goto done;
    }
    rc = 0;
done:
    /* m, x and y held the padded plaintext or values derived from it. */
    if (y != NULL) {
        BN_clear(m);
        BN_clear(x);
        BN_clear(y);
    }
    BN_CTX_end(ctx);
    return rc;
}

/* RSA PKCS#1 v1.5 encryption (RFC 8017 7.2.1): EM = 00 02 PS 00 M, then
 * EM^e mod n.  With `pooled` (GIL held) PS comes from
 * the key's pool, else straight from RAND_bytes and k is only read.  `ctx` is
 * caller-owned scratch.  `out` receives k->size bytes.  0, or -1 with the
 * OpenSSL queue set. */
static int
apw_rsa_encrypt_em(apw_pkey *k, BN_CTX *ctx, int pooled, const unsigned char *in,
                   size_t inlen, unsigned char *out)
{
    unsigned char em[APW_RSA_MAX_BYTES];
    size_t klen = k->size;
    size_t pslen = klen - 3 - inlen;
    int rc = -1;

    em[0] = 0x00;
    em[1] = 0x02;
    if ((pooled ? apw_padpool_take(k, em + 2, pslen)
                : apw_rand_nonzero(em + 2, pslen)) < 0) {
        goto done;
    }
    em[2 + pslen] = 0x00;
    if (inlen > 0) {
        memcpy(em + 3 + pslen, in, inlen);
    }
    /* em[0] == 0 and n has klen bytes, so EM < n. */
    rc = apw_rsa_modexp_bn(k, ctx, em, out);
done:
    OPENSSL_cleanse(em, klen);
    return rc;
}

/* RSA PKCS#1 v1.5 encryption into `out` (k->size bytes).  Keys below
 * APW_RSA_NOGIL_BITS run with the GIL held on the key's cached BN_CTX; larger
 * keys release the GIL and use a private BN_CTX.  0, or -1 with the OpenSSL
 * queue set. */
static int
apw_rsa_encrypt_raw(apw_pkey *k, const unsigned char *in, size_t inlen,
                    unsigned char *out)
{
    BN_CTX *ctx;
    int rc;

    if (k->bits < APW_RSA_NOGIL_BITS) {
        return apw_rsa_encrypt_em(k, k->bnctx, 1, in, inlen, out);
    }
    ctx = BN_CTX_new();
    if (ctx == NULL) {
        return -1;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = apw_rsa_encrypt_em(k, ctx, 0, in, inlen, out);
    Py_END_ALLOW_THREADS
    BN_CTX_free(ctx);
    return rc;
}

static PyObject *
apw_py_rsa_encrypt(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames)
{
    static const char *const names[] = {"public_key_pem", "plaintext", NULL};
    apw_state *st = apw_get_state(module);
    PyObject *a[2];
    PyObject *cap = NULL;
    PyObject *out = NULL;
    apw_buf pt = APW_BUF_INIT;
    apw_pkey *k;
    unsigned char ct[APW_RSA_MAX_BYTES];
    size_t ctlen;
    size_t b64len;

    if (apw_parse_args("rsa_encrypt", args, nargs, kwnames, names, 2, 2, a) < 0) {
        goto done;
    }
    cap = apw_pkey_from_pem(st, a[0]);
    if (cap == NULL) {
        goto done;
    }
    k = apw_pkey_borrow(cap);
    if (k == NULL) {
        goto done;
    }
    if (apw_buf_get(a[1], "plaintext", APW_BUF_BUFFER | APW_BUF_SECRET, &pt) < 0) {
        goto done;
    }
    if (pt.n > k->size - APW_PKCS1_OVERHEAD) {
        PyErr_Format(st->CryptoError,
                     "plaintext too long for RSA encryption: %zu bytes, a %d-bit key "
                     "with PKCS#1 v1.5 padding takes at most %zu",
                     pt.n, k->bits, k->size - APW_PKCS1_OVERHEAD);
        goto done;
    }
    ctlen = k->size;
    if (apw_rsa_encrypt_raw(k, pt.p, pt.n, ct) < 0) {
        apw_raise_openssl(st->CryptoError, "RSA encryption failed");
        goto done;
    }
    b64len = 4 * ((ctlen + 2) / 3);
    out = PyUnicode_New((Py_ssize_t)b64len, 127);
    if (out == NULL) {
        goto done;
    }
    /* Writes b64len characters plus a NUL, which PyUnicode_New reserved. */
    if ((size_t)EVP_EncodeBlock(PyUnicode_1BYTE_DATA(out), ct, (int)ctlen) != b64len) {
        Py_CLEAR(out);
        PyErr_SetString(st->CryptoError, "base64 encoding failed");
        goto done;
    }
done:
    apw_buf_release(&pt);
    Py_XDECREF(cap);
    return out;
}

/* ------------------------------------------------------------------ JWT */

enum { APW_ALG_RS256 = 1, APW_ALG_HS256 = 2 };

/* The algorithm bit for a name; 0 for unknown. */
static int
apw_alg_from_name(PyObject *name)
{
    if (PyUnicode_CompareWithASCIIString(name, "RS256") == 0) {
        return APW_ALG_RS256;
    }
    if (PyUnicode_CompareWithASCIIString(name, "HS256") == 0) {
        return APW_ALG_HS256;
    }
    return 0;
}

/* Parse the `algorithms` argument into a bit set.  -1 with an exception. */
static int
apw_jwt_algorithms(apw_state *st, PyObject *algorithms, int *mask)
{
    PyObject *seq = NULL;
    Py_ssize_t n;
    int rc = -1;

    *mask = 0;
    if (PyUnicode_Check(algorithms) || PyBytes_Check(algorithms)) {
        PyErr_SetString(PyExc_TypeError,
                        "algorithms must be a list of names (e.g. ['RS256']), not a string");
        goto done;
    }
    seq = PySequence_Fast(algorithms, "algorithms must be a sequence of str");
    if (seq == NULL) {
        goto done;
    }
    n = PySequence_Fast_GET_SIZE(seq);
    if (n == 0) {
        PyErr_SetString(st->JWTAlgorithmError, "algorithms must not be empty");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        int bit;
        if (!PyUnicode_Check(item)) {
            PyErr_Format(PyExc_TypeError, "algorithms must contain str, not %.100s",
                         Py_TYPE(item)->tp_name);
            goto done;
        }
        bit = apw_alg_from_name(item);
        if (bit == 0) {
            PyErr_Format(st->JWTAlgorithmError,
                         "unsupported algorithm %R in algorithms "
                         "(supported: 'RS256', 'HS256'; 'none' is never accepted)",
                         item);
            goto done;
        }
        *mask |= bit;
    }
    rc = 0;
done:
    Py_XDECREF(seq);
    return rc;
}

/* Does this key text look like public-key material rather than a shared
 * secret (PEM of any kind, an OpenSSH public key, or a JWK in JSON)? */
static int
apw_looks_asymmetric(const unsigned char *p, size_t n)
{
    size_t i = 0;

    if (memmem(p, n, "-----BEGIN", 10) != NULL) {
        return 1;
    }
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) {
        i++;
    }
    p += i;
    n -= i;
    if ((n >= 4 && memcmp(p, "ssh-", 4) == 0) ||
        (n >= 11 && memcmp(p, "ecdsa-sha2-", 11) == 0)) {
        return 1;
    }
    if (n >= 1 && p[0] == '{' && memmem(p, n, "\"kty\"", 5) != NULL) {
        return 1;
    }
    return 0;
}

/* Decode one base64url token part into a PyMem buffer; JWTDecodeError. */
static int
apw_jwt_part(apw_state *st, const unsigned char *p, size_t n, const char *what,
             unsigned char **out, size_t *out_len)
{
    const char *why = NULL;

    if (apw_b64url_decode_alloc(p, n, out, out_len, &why) < 0) {
        if (why != NULL) {
            PyErr_Format(st->JWTDecodeError, "JWT %s is not valid base64url (%s)",
                         what, why);
        }
        return -1;
    }
    return 0;
}

/* Parse JSON text that must be an object; JWTDecodeError otherwise. */
static PyObject *
apw_jwt_json(apw_state *st, const unsigned char *buf, size_t len, const char *what)
{
    char msg[80];
    PyObject *obj = apw_json_loads_buf(st, (const char *)buf, len);

    if (obj == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            (void)PyOS_snprintf(msg, sizeof(msg), "JWT %s is not valid JSON", what);
            apw_raise_from(st->JWTDecodeError, msg);
        }
        return NULL;
    }
    if (!PyDict_Check(obj)) {
        PyErr_Format(st->JWTDecodeError, "JWT %s is not a JSON object (got %.50s)", what,
                     Py_TYPE(obj)->tp_name);
        Py_DECREF(obj);
        return NULL;
    }
    return obj;
}

/* A JSON number claim as a double.  1 found, 0 absent, -1 error
 * (JWTClaimsError when not a finite number). */
static int
apw_claim_number(apw_state *st, PyObject *claims, const char *name, double *out)
{
    PyObject *v = PyDict_GetItemString(claims, name);   /* borrowed */

    if (v == NULL) {
        return 0;
    }
    if (PyFloat_Check(v)) {
        *out = PyFloat_AS_DOUBLE(v);
        if (!isfinite(*out)) {
            PyErr_Format(st->JWTClaimsError, "'%s' claim must be a finite number", name);
            return -1;
        }
        return 1;
    }
    if (PyLong_Check(v) && !PyBool_Check(v)) {
        int overflow = 0;
        long long ll = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (ll == -1 && PyErr_Occurred()) {
            return -1;
        }
        /* Beyond 64 bits only the sign matters for a time comparison. */
        *out = overflow > 0 ? HUGE_VAL : overflow < 0 ? -HUGE_VAL : (double)ll;
        return 1;
    }
    PyErr_Format(st->JWTClaimsError, "'%s' claim must be a number, got %.50s", name,
                 Py_TYPE(v)->tp_name);
    return -1;
}

/* Does the token's aud claim (str or list of str) name one of `wanted`
 * (a tuple of str)?  1 yes, 0 no, -1 JWTClaimsError on a malformed claim. */
static int
apw_aud_matches(apw_state *st, PyObject *aud, PyObject *wanted)
{
    Py_ssize_t nw = PyTuple_GET_SIZE(wanted);

    if (PyUnicode_Check(aud)) {
        for (Py_ssize_t j = 0; j < nw; j++) {
            int eq = PyUnicode_Compare(aud, PyTuple_GET_ITEM(wanted, j));
            if (eq == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (eq == 0) {
                return 1;
            }
        }
        return 0;
    }
    if (PyList_Check(aud)) {
        Py_ssize_t na = PyList_GET_SIZE(aud);
        for (Py_ssize_t i = 0; i < na; i++) {
            if (!PyUnicode_Check(PyList_GET_ITEM(aud, i))) {
                PyErr_SetString(st->JWTClaimsError,
                                "'aud' claim must be a str or a list of str");
                return -1;
            }
        }
        for (Py_ssize_t i = 0; i < na; i++) {
            for (Py_ssize_t j = 0; j < nw; j++) {
                int eq = PyUnicode_Compare(PyList_GET_ITEM(aud, i),
                                           PyTuple_GET_ITEM(wanted, j));
                if (eq == -1 && PyErr_Occurred()) {
                    return -1;
                }
                if (eq == 0) {
                    return 1;
                }
            }
        }
        return 0;
    }
    PyErr_SetString(st->JWTClaimsError, "'aud' claim must be a str or a list of str");
    return -1;
}

/* Check exp / nbf / iat / aud / iss.  0 or -1. */
static int
apw_jwt_claims(apw_state *st, PyObject *claims, double now, double leeway,
               PyObject *audiences, PyObject *issuer)
{
    double v = 0;
    int has;
    PyObject *aud;
    PyObject *iss;

    has = apw_claim_number(st, claims, "exp", &v);
    if (has < 0) {
        return -1;
    }
    if (has && now > v + leeway) {
        PyErr_SetString(st->JWTExpiredError, "token has expired (exp)");
        return -1;
    }
    has = apw_claim_number(st, claims, "nbf", &v);
    if (has < 0) {
        return -1;
    }
    if (has && now < v - leeway) {
        PyErr_SetString(st->JWTNotYetValidError, "token is not valid yet (nbf)");
        return -1;
    }
    if (apw_claim_number(st, claims, "iat", &v) < 0) {
        return -1;
    }

    aud = PyDict_GetItemString(claims, "aud");    /* borrowed */
    if (audiences != NULL) {
        int m;
        if (aud == NULL) {
            PyErr_SetString(st->JWTClaimsError, "token has no 'aud' claim");
            return -1;
        }
        m = apw_aud_matches(st, aud, audiences);
        if (m < 0) {
            return -1;
        }
        if (m == 0) {
            PyErr_SetString(st->JWTClaimsError, "token audience ('aud') does not match");
            return -1;
        }
    }
    else if (aud != NULL) {
        /* RFC 7519 4.1.3: a recipient that does not identify itself with a
         * value of a present aud claim must reject the token. */
        PyErr_SetString(st->JWTClaimsError,
                        "token has an 'aud' claim but no audience was given to check it");
        return -1;
    }

    if (issuer != NULL) {
        int eq;
        iss = PyDict_GetItemString(claims, "iss");     /* borrowed */
        if (iss == NULL) {
            PyErr_SetString(st->JWTClaimsError, "token has no 'iss' claim");
            return -1;
        }
        if (!PyUnicode_Check(iss)) {
            PyErr_SetString(st->JWTClaimsError, "'iss' claim must be a str");
            return -1;
        }
        eq = PyUnicode_Compare(iss, issuer);
        if (eq == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (eq != 0) {
            PyErr_SetString(st->JWTClaimsError, "token issuer ('iss') does not match");
            return -1;
        }
    }
    return 0;
}

/* A finite float argument.  -1 with TypeError/ValueError. */
static int
apw_float_arg(PyObject *obj, const char *what, double *out)
{
    if (PyBool_Check(obj) || !(PyFloat_Check(obj) || PyLong_Check(obj))) {
        PyErr_Format(PyExc_TypeError, "%s must be an int or float, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = PyFloat_AsDouble(obj);
    if (*out == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    if (!isfinite(*out)) {
        PyErr_Format(PyExc_ValueError, "%s must be finite", what);
        return -1;
    }
    return 0;
}

/* audience argument -> tuple of str (new reference), or NULL with error. */
static PyObject *
apw_audience_tuple(PyObject *audience)
{
    PyObject *tup;

    if (PyUnicode_Check(audience)) {
        return PyTuple_Pack(1, audience);
    }
    if (PyBytes_Check(audience)) {
        PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
        return NULL;
    }
    tup = PySequence_Tuple(audience);
    if (tup == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
        }
        return NULL;
    }
    if (PyTuple_GET_SIZE(tup) == 0) {
        Py_DECREF(tup);
        PyErr_SetString(PyExc_ValueError, "audience must not be empty");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tup); i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(tup, i))) {
            Py_DECREF(tup);
            PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
            return NULL;
        }
    }
    return tup;
}

/* RS256: SHA-256 of the signing input, then a PKCS#1 v1.5 verify on the
 * cached context (or a duplicate without the GIL for large keys).
 * 1 valid, 0 invalid (OpenSSL queue cleared), -1 OpenSSL failure. */
static int
apw_rs256_verify(apw_pkey *k, const unsigned char *msg, size_t msglen,
                 const unsigned char *sig, size_t siglen)
{
    unsigned char md[APW_SHA256_LEN];
    EVP_PKEY_CTX *dup;
    int rc;

    if (siglen != k->size) {
        return 0;
    }
    if (apw_sha256_raw(msg, msglen, md) < 0) {
        return -1;
    }
    if (k->bits < APW_RSA_NOGIL_BITS) {
        rc = EVP_PKEY_verify(k->ver, sig, siglen, md, sizeof(md));
    }
    else {
        dup = EVP_PKEY_CTX_dup(k->ver);
        if (dup == NULL) {
            return -1;
        }
        Py_BEGIN_ALLOW_THREADS
        rc = EVP_PKEY_verify(dup, sig, siglen, md, sizeof(md));
        Py_END_ALLOW_THREADS
        EVP_PKEY_CTX_free(dup);
    }
    /* A bad signature can leave entries on the queue (e.g. padding check). */
    ERR_clear_error();
    return rc == 1 ? 1 : 0;
}

/* HS256: HMAC-SHA256 compared in constant time.  1 valid, 0 invalid,
 * -1 OpenSSL failure. */
static int
apw_hs256_verify(const unsigned char *secret, size_t secretlen,
                 const unsigned char *msg, size_t msglen,
                 const unsigned char *sig, size_t siglen)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t maclen = 0;
    unsigned char *r;
    int ok;

    if (msglen >= APW_GIL_MINSIZE) {
        Py_BEGIN_ALLOW_THREADS
        r = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, secretlen,
                      msg, msglen, mac, sizeof(mac), &maclen);
        Py_END_ALLOW_THREADS
    }
    else {
        r = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, secretlen,
                      msg, msglen, mac, sizeof(mac), &maclen);
    }
    if (r == NULL || maclen != APW_SHA256_LEN) {
        OPENSSL_cleanse(mac, sizeof(mac));
        return -1;
    }
    ok = siglen == maclen && CRYPTO_memcmp(mac, sig, maclen) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    return ok;
}

static double
apw_wall_clock(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return (double)time(NULL);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static PyObject *
apw_py_jwt_verify(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                  PyObject *kwnames)
{
    static const char *const names[] = {"token", "key", "algorithms", "leeway",
                                        "audience", "issuer", "now", NULL};
    apw_state *st = apw_get_state(module);
    PyObject *a[7];
    PyObject *header = NULL;
    PyObject *claims = NULL;
    PyObject *audiences = NULL;
    PyObject *cap = NULL;
    PyObject *result = NULL;
    PyObject *alg_obj;
    apw_buf tok = APW_BUF_INIT;
    apw_buf secret = APW_BUF_INIT;
    unsigned char *hdr_raw = NULL;
    unsigned char *pay_raw = NULL;
    unsigned char *sig_raw = NULL;
    size_t hdr_len = 0;
    size_t pay_len = 0;
    size_t sig_len = 0;
    const unsigned char *dot1;
    const unsigned char *dot2;
    size_t n1;
    size_t n2;
    size_t n3;
    int allowed = 0;
    int alg;
    int ok;
    double leeway = 0;
    double now;

    if (apw_parse_args("jwt_verify", args, nargs, kwnames, names, 3, 3, a) < 0 ||
        apw_jwt_algorithms(st, a[2], &allowed) < 0) {
        goto done;
    }
    if (a[3] != NULL) {
        if (apw_float_arg(a[3], "leeway", &leeway) < 0) {
            goto done;
        }
        if (leeway < 0) {
            PyErr_SetString(PyExc_ValueError, "leeway must be >= 0");
            goto done;
        }
    }
    if (a[4] != NULL && a[4] != Py_None) {
        audiences = apw_audience_tuple(a[4]);
        if (audiences == NULL) {
            goto done;
        }
    }
    if (a[5] != NULL && a[5] != Py_None && !PyUnicode_Check(a[5])) {
        PyErr_Format(PyExc_TypeError, "issuer must be a str or None, not %.100s",
                     Py_TYPE(a[5])->tp_name);
        goto done;
    }
    if (a[6] != NULL && a[6] != Py_None) {
        if (apw_float_arg(a[6], "now", &now) < 0) {
            goto done;
        }
    }
    else {
        now = apw_wall_clock();
    }
    if (!(PyUnicode_Check(a[1]) || PyBytes_Check(a[1]) || PyMapping_Check(a[1]))) {
        PyErr_Format(PyExc_TypeError,
                     "key must be a PEM str/bytes, a JWK mapping or an HMAC secret, "
                     "not %.100s", Py_TYPE(a[1])->tp_name);
        goto done;
    }

    /* 1. Structure: three base64url parts, JSON object header and payload. */
    if (PyUnicode_Check(a[0]) && !PyUnicode_IS_ASCII(a[0])) {
        PyErr_SetString(st->JWTDecodeError, "JWT contains non-ASCII characters");
        goto done;
    }
    if (!PyUnicode_Check(a[0]) && !PyBytes_Check(a[0])) {
        PyErr_Format(PyExc_TypeError, "token must be str or bytes, not %.100s",
                     Py_TYPE(a[0])->tp_name);
        goto done;
    }
    if (apw_buf_get(a[0], "token", 0, &tok) < 0) {
        goto done;
    }
    dot1 = memchr(tok.p, '.', tok.n);
    dot2 = dot1 == NULL ? NULL : memchr(dot1 + 1, '.', tok.n - (size_t)(dot1 + 1 - tok.p));
    if (dot1 == NULL || dot2 == NULL ||
        memchr(dot2 + 1, '.', tok.n - (size_t)(dot2 + 1 - tok.p)) != NULL) {
        PyErr_SetString(st->JWTDecodeError,
                        "not a JWS compact token (expected 3 dot-separated parts)");
        goto done;
    }
    n1 = (size_t)(dot1 - tok.p);
    n2 = (size_t)(dot2 - dot1 - 1);
    n3 = tok.n - (size_t)(dot2 + 1 - tok.p);
    if (n1 == 0 || n2 == 0) {
        PyErr_SetString(st->JWTDecodeError, "JWT header or payload part is empty");
        goto done;
    }
    if (apw_jwt_part(st, tok.p, n1, "header", &hdr_raw, &hdr_len) < 0 ||
        apw_jwt_part(st, dot1 + 1, n2, "payload", &pay_raw, &pay_len) < 0 ||
        apw_jwt_part(st, dot2 + 1, n3, "signature", &sig_raw, &sig_len) < 0) {
        goto done;
    }
    header = apw_jwt_json(st, hdr_raw, hdr_len, "header");
    if (header == NULL) {
        goto done;
    }
    claims = apw_jwt_json(st, pay_raw, pay_len, "payload");
    if (claims == NULL) {
        goto done;
    }
    if (PyDict_GetItemString(header, "crit") != NULL) {
        PyErr_SetString(st->JWTDecodeError,
                        "JWT header has 'crit' extensions, none of which are supported");
        goto done;
    }

    /* 2. Algorithm: allowed, never none, and fitting the key. */
    alg_obj = PyDict_GetItemString(header, "alg");   /* borrowed */
    if (alg_obj == NULL || !PyUnicode_Check(alg_obj)) {
        PyErr_SetString(st->JWTDecodeError, "JWT header has no 'alg' string");
        goto done;
    }
    alg = apw_alg_from_name(alg_obj);
    if (alg == 0) {
        PyErr_Format(st->JWTAlgorithmError, "token algorithm %R is not supported%s",
                     alg_obj,
                     PyUnicode_CompareWithASCIIString(alg_obj, "none") == 0
                         ? " (unsigned tokens are never accepted)" : "");
        goto done;
    }
    if ((allowed & alg) == 0) {
        PyErr_Format(st->JWTAlgorithmError, "token algorithm %R is not in algorithms",
                     alg_obj);
        goto done;
    }

    if (alg == APW_ALG_RS256) {
        apw_pkey *k;
        if (PyUnicode_Check(a[1]) || PyBytes_Check(a[1])) {
            apw_buf kb = APW_BUF_INIT;
            int pem;
            if (apw_buf_get(a[1], "key", 0, &kb) < 0) {
                goto done;
            }
            pem = memmem(kb.p, kb.n, "-----BEGIN", 10) != NULL;
            apw_buf_release(&kb);
            if (!pem) {
                PyErr_SetString(st->JWTAlgorithmError,
                                "RS256 token needs an RSA public key (PEM or JWK), "
                                "not a shared secret");
                goto done;
            }
            cap = apw_pkey_from_pem(st, a[1]);
        }
        else {
            if (apw_jwk_alg_check(st, a[1]) < 0) {
                goto done;
            }
            cap = apw_pkey_from_jwk(st, a[1]);
        }
        if (cap == NULL) {
            goto done;
        }
        k = apw_pkey_borrow(cap);
        if (k == NULL) {
            goto done;
        }
        ok = apw_rs256_verify(k, tok.p, (size_t)(dot2 - tok.p), sig_raw, sig_len);
    }
    else {
        if (!(PyUnicode_Check(a[1]) || PyBytes_Check(a[1]))) {
            PyErr_SetString(st->JWTAlgorithmError,
                            "HS256 token needs a shared secret (str or bytes), "
                            "not a JWK");
            goto done;
        }
        if (apw_buf_get(a[1], "key", APW_BUF_SECRET, &secret) < 0) {
            goto done;
        }
        if (apw_looks_asymmetric(secret.p, secret.n)) {
            PyErr_SetString(st->JWTAlgorithmError,
                            "HS256 token with a public key as the HMAC secret is refused "
                            "(algorithm confusion)");
            goto done;
        }
        if (secret.n == 0) {
            PyErr_SetString(st->CryptoError, "HMAC secret must not be empty");
            goto done;
        }
        ok = apw_hs256_verify(secret.p, secret.n, tok.p, (size_t)(dot2 - tok.p),
                              sig_raw, sig_len);
    }
    if (ok < 0) {
        apw_raise_openssl(st->CryptoError, "signature verification failed to run");
        goto done;
    }
    if (ok == 0) {
        PyErr_SetString(st->JWTSignatureError, "JWT signature does not verify");
        goto done;
    }

    /* 3. Registered claims. */
    if (apw_jwt_claims(st, claims, now, leeway, audiences,
                       (a[5] != NULL && a[5] != Py_None) ? a[5] : NULL) < 0) {
        goto done;
    }
    result = Py_NewRef(claims);
done:
    apw_buf_release(&secret);
    apw_buf_release(&tok);
    PyMem_Free(hdr_raw);
    PyMem_Free(pay_raw);
    PyMem_Free(sig_raw);
    Py_XDECREF(header);
    Py_XDECREF(claims);
    Py_XDECREF(audiences);
    Py_XDECREF(cap);
    return result;
}

/* ------------------------------------------------------------------ module */

PyDoc_STRVAR(apw_rsa_encrypt_doc,
"rsa_encrypt(public_key_pem, plaintext) -> str\n--\n\n"
"RSA PKCS#1 v1.5 encryption, standard base64 with padding.  The PEM may be\n"
"'BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY'; parsed keys are cached.");
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
PyDoc_STRVAR(apw_jwt_verify_doc,
"jwt_verify(token, key, algorithms, *, leeway=0, audience=None, issuer=None, now=None) -> dict\n--\n\n"
"Verify a JWS compact token (RS256 with a PEM or JWK key, HS256 with a\n"
"shared secret) and return its claims.");

PyMethodDef apw_crypto_methods[] = {
    {"rsa_encrypt", (PyCFunction)(void (*)(void))apw_py_rsa_encrypt,
     METH_FASTCALL | METH_KEYWORDS, apw_rsa_encrypt_doc},
    {"sha256", (PyCFunction)apw_py_sha256, METH_O, apw_sha256_doc},
    {"b64url_encode", (PyCFunction)apw_py_b64url_encode, METH_O, apw_b64url_encode_doc},
    {"b64url_decode", (PyCFunction)apw_py_b64url_decode, METH_O, apw_b64url_decode_doc},
    {"pkce_challenge", (PyCFunction)apw_py_pkce_challenge, METH_O, apw_pkce_challenge_doc},
    {"random_bytes", (PyCFunction)apw_py_random_bytes, METH_O, apw_random_bytes_doc},
    {"random_string", (PyCFunction)(void (*)(void))apw_py_random_string,
     METH_FASTCALL | METH_KEYWORDS, apw_random_string_doc},
    {"jwt_verify", (PyCFunction)(void (*)(void))apw_py_jwt_verify,
     METH_FASTCALL | METH_KEYWORDS, apw_jwt_verify_doc},
    {NULL, NULL, 0, NULL},
};

int
apw_crypto_exec(PyObject *module, apw_state *st)
{
    (void)module;
    st->pkey_cache = PyDict_New();
    if (st->pkey_cache == NULL) {
        return -1;
    }
    return 0;
}
