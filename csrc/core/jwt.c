/*
 * jwt.c - jwt_verify(): JWS compact tokens signed RS256 (PEM or JWK key) or
 * HS256 (shared secret).  Signatures are checked by OpenSSL (EVP_PKEY_verify
 * on the cached key's context, EVP_Q_mac + CRYPTO_memcmp); this file checks
 * structure, algorithm and claims.
 *
 * In this order: (0) size - a token longer than max_bytes (JWT_MAX_BYTES,
 * 16 KiB, by default) -> JWTDecodeError, before anything is decoded;
 * (1) structure - exactly three parts of strict base64url (canonical: zero
 * trailing bits), header and payload JSON objects (parsed by
 * apw_json_loads_buf), no `crit` header -> JWTDecodeError; (2) algorithm -
 * `algorithms` must be a non-empty list of supported names ("RS256",
 * "HS256"); header `alg` must be one of them; "none" is never accepted; RS256
 * needs an RSA key of at least 1024 bits (PEM or JWK mapping, a JWK `alg`
 * must say RS256), HS256 needs a str/bytes secret that does not look like
 * public-key material (PEM, OpenSSH, JWK JSON: the RS/HS confusion) ->
 * JWTAlgorithmError; (3) signature - RS256: SHA-256 then EVP_PKEY_verify
 * (PKCS#1 v1.5, DigestInfo checked by OpenSSL) on the cached verify context,
 * the same as EVP_DigestVerify minus a per-call context; HS256: HMAC-SHA256
 * compared with CRYPTO_memcmp -> JWTSignatureError; (4) claims, checked by
 * jwt_claims.c (exp, nbf, aud, iss: the rules are in its header comment)
 * -> JWT*Error.  Returns the claims dict.
 *
 * Secrets: the UTF-8 copy of a str HMAC secret and the computed HMAC are
 * cleansed; the HMAC key inside EVP_Q_mac is OpenSSL's to cleanse.
 */
#include "crypto.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

/* Default largest token accepted (bytes of compact serialisation). */
#define APW_JWT_MAX_BYTES (16 * 1024)

/* A key whose JWK named an algorithm (`alg`: NULL when none) must have
 * named RS256.  0 or -1 with JWTAlgorithmError. */
static int
apw_jwk_alg_check(apw_core_state *st, PyObject *alg)
{
    if (alg != NULL && !(PyUnicode_Check(alg) &&
                         PyUnicode_CompareWithASCIIString(alg, "RS256") == 0)) {
        PyErr_Format(st->JWTAlgorithmError,
                     "the JWK is for algorithm %R, the token uses RS256", alg);
        return -1;
    }
    return 0;
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
apw_jwt_algorithms(apw_core_state *st, PyObject *algorithms, int *mask)
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
    /* (a list is copied: another thread may change the caller's list meanwhile) */
    seq = PyList_Check(algorithms)
              ? PyList_AsTuple(algorithms)
              : PySequence_Fast(algorithms, "algorithms must be a sequence of str");
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
apw_jwt_part(apw_core_state *st, const unsigned char *p, size_t n, const char *what,
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
apw_jwt_json(apw_core_state *st, const unsigned char *buf, size_t len, const char *what)
{
    char msg[80];
    PyObject *obj = apw_json_loads_buf(&st->json, (const char *)buf, len);

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
    if (APW_PKEY_SHARED_CTX(k)) {
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

/* The options of jwt_verify (arguments 2..7), checked. */
typedef struct apw_jwt_opts {
    int allowed;                  /* APW_ALG_* mask */
    double leeway;
    double now;
    size_t max_bytes;
    PyObject *audiences;          /* owned tuple of str, or NULL */
    PyObject *issuer;             /* borrowed str, or NULL */
} apw_jwt_opts;

/* A token split and decoded (apw_jwt_parse); released by apw_jwt_parts_release. */
typedef struct apw_jwt_parts {
    apw_buf tok;
    size_t signed_len;            /* bytes of "header.payload" */
    unsigned char *hdr_raw;
    unsigned char *pay_raw;
    unsigned char *sig_raw;
    size_t hdr_len;
    size_t pay_len;
    size_t sig_len;
    PyObject *header;
    PyObject *claims;
} apw_jwt_parts;

static void
apw_jwt_parts_release(apw_jwt_parts *t)
{
    apw_buf_release(&t->tok);
    PyMem_Free(t->hdr_raw);
    PyMem_Free(t->pay_raw);
    PyMem_Free(t->sig_raw);
    Py_CLEAR(t->header);
    Py_CLEAR(t->claims);
}

static int
apw_jwt_options(apw_core_state *st, PyObject *const *a, apw_jwt_opts *o)
{
    o->leeway = 0;
    o->max_bytes = APW_JWT_MAX_BYTES;
    o->audiences = NULL;
    o->issuer = NULL;
    if (apw_jwt_algorithms(st, a[2], &o->allowed) < 0) {
        return -1;
    }
    if (a[3] != NULL) {
        if (apw_float_arg(a[3], "leeway", &o->leeway) < 0) {
            return -1;
        }
        if (o->leeway < 0) {
            PyErr_SetString(PyExc_ValueError, "leeway must be >= 0");
            return -1;
        }
    }
    if (a[4] != NULL && a[4] != Py_None &&
        (o->audiences = apw_audience_tuple(a[4])) == NULL) {
        return -1;
    }
    if (a[5] != NULL && a[5] != Py_None) {
        if (!PyUnicode_Check(a[5])) {
            PyErr_Format(PyExc_TypeError, "issuer must be a str or None, not %.100s",
                         Py_TYPE(a[5])->tp_name);
            return -1;
        }
        o->issuer = a[5];
    }
    if (a[6] != NULL && a[6] != Py_None) {
        if (apw_float_arg(a[6], "now", &o->now) < 0) {
            return -1;
        }
    }
    else {
        o->now = apw_jwt_now();
    }
    if (apw_size_arg(PyExc_ValueError, a[7], "max_bytes", APW_JWT_MAX_BYTES,
                     &o->max_bytes) < 0) {
        return -1;
    }
    if (!(PyUnicode_Check(a[1]) || PyBytes_Check(a[1]) || PyMapping_Check(a[1]) ||
          Py_IS_TYPE(a[1], (PyTypeObject *)st->PublicKeyType))) {
        PyErr_Format(PyExc_TypeError,
                     "key must be a PublicKey, a PEM str/bytes, a JWK mapping or an HMAC "
                     "secret, not %.100s", Py_TYPE(a[1])->tp_name);
        return -1;
    }
    return 0;
}

/* 1. Structure: three base64url parts, JSON object header and payload. */
static int
apw_jwt_parse(apw_core_state *st, PyObject *token, size_t max_bytes, apw_jwt_parts *t)
{
    const unsigned char *dot1;
    const unsigned char *dot2;
    size_t n1;
    size_t n2;
    size_t n3;

    if (PyUnicode_Check(token) && !PyUnicode_IS_ASCII(token)) {
        PyErr_SetString(st->JWTDecodeError, "JWT contains non-ASCII characters");
        return -1;
    }
    if (!PyUnicode_Check(token) && !PyBytes_Check(token)) {
        PyErr_Format(PyExc_TypeError, "token must be str or bytes, not %.100s",
                     Py_TYPE(token)->tp_name);
        return -1;
    }
    if ((size_t)(PyUnicode_Check(token) ? PyUnicode_GET_LENGTH(token)
                                        : PyBytes_GET_SIZE(token)) > max_bytes) {
        PyErr_Format(st->JWTDecodeError, "JWT larger than max_bytes (%zu bytes)", max_bytes);
        return -1;
    }
    if (apw_buf_get(token, "token", 0, &t->tok) < 0) {
        return -1;
    }
    dot1 = memchr(t->tok.p, '.', t->tok.n);
    dot2 = dot1 == NULL ? NULL
                        : memchr(dot1 + 1, '.', t->tok.n - (size_t)(dot1 + 1 - t->tok.p));
    if (dot1 == NULL || dot2 == NULL ||
        memchr(dot2 + 1, '.', t->tok.n - (size_t)(dot2 + 1 - t->tok.p)) != NULL) {
        PyErr_SetString(st->JWTDecodeError,
                        "not a JWS compact token (expected 3 dot-separated parts)");
        return -1;
    }
    n1 = (size_t)(dot1 - t->tok.p);
    n2 = (size_t)(dot2 - dot1 - 1);
    n3 = t->tok.n - (size_t)(dot2 + 1 - t->tok.p);
    t->signed_len = (size_t)(dot2 - t->tok.p);
    if (n1 == 0 || n2 == 0) {
        PyErr_SetString(st->JWTDecodeError, "JWT header or payload part is empty");
        return -1;
    }
    if (apw_jwt_part(st, t->tok.p, n1, "header", &t->hdr_raw, &t->hdr_len) < 0 ||
        apw_jwt_part(st, dot1 + 1, n2, "payload", &t->pay_raw, &t->pay_len) < 0 ||
        apw_jwt_part(st, dot2 + 1, n3, "signature", &t->sig_raw, &t->sig_len) < 0) {
        return -1;
    }
    t->header = apw_jwt_json(st, t->hdr_raw, t->hdr_len, "header");
    if (t->header == NULL) {
        return -1;
    }
    t->claims = apw_jwt_json(st, t->pay_raw, t->pay_len, "payload");
    if (t->claims == NULL) {
        return -1;
    }
    if (PyDict_GetItemString(t->header, "crit") != NULL) {
        PyErr_SetString(st->JWTDecodeError,
                        "JWT header has 'crit' extensions, none of which are supported");
        return -1;
    }
    return 0;
}

/* 2. Algorithm: allowed, never none.  The APW_ALG_* of the token, or -1. */
static int
apw_jwt_alg(apw_core_state *st, PyObject *header, int allowed)
{
    PyObject *alg_obj = PyDict_GetItemString(header, "alg");   /* borrowed */
    int alg;

    if (alg_obj == NULL || !PyUnicode_Check(alg_obj)) {
        PyErr_SetString(st->JWTDecodeError, "JWT header has no 'alg' string");
        return -1;
    }
    alg = apw_alg_from_name(alg_obj);
    if (alg == 0) {
        PyErr_Format(st->JWTAlgorithmError, "token algorithm %R is not supported%s",
                     alg_obj,
                     PyUnicode_CompareWithASCIIString(alg_obj, "none") == 0
                         ? " (unsigned tokens are never accepted)" : "");
        return -1;
    }
    if ((allowed & alg) == 0) {
        PyErr_Format(st->JWTAlgorithmError, "token algorithm %R is not in algorithms",
                     alg_obj);
        return -1;
    }
    return alg;
}

/* RS256 with a PublicKey, a PEM or a JWK: 1 verified, 0 not, -1 with an
 * exception set (no exception: OpenSSL failed to run). */
static int
apw_jwt_rs256(apw_core_state *st, PyObject *key, const apw_jwt_parts *t)
{
    PyObject *pk;
    PyObject *alg = NULL;
    int ok = -1;

    if (PyUnicode_Check(key) || PyBytes_Check(key)) {
        apw_buf kb = APW_BUF_INIT;
        int pem;
        if (apw_buf_get(key, "key", 0, &kb) < 0) {
            return -1;
        }
        pem = memmem(kb.p, kb.n, "-----BEGIN", 10) != NULL;
        apw_buf_release(&kb);
        if (!pem) {
            PyErr_SetString(st->JWTAlgorithmError,
                            "RS256 token needs an RSA public key (PEM or JWK), "
                            "not a shared secret");
            return -1;
        }
    }
    else if (!Py_IS_TYPE(key, (PyTypeObject *)st->PublicKeyType)) {
        /* A JWK mapping: its `alg` first, before its key material. */
        alg = apw_jwk_member(st, key, st->s_alg, 0);
        if ((alg == NULL && PyErr_Occurred()) || apw_jwk_alg_check(st, alg) < 0) {
            Py_XDECREF(alg);
            return -1;
        }
        Py_XDECREF(alg);
    }
    pk = apw_public_key(st, key);
    if (pk == NULL) {
        return -1;
    }
    if (apw_jwk_alg_check(st, ((ApwPublicKey *)pk)->alg) == 0) {
        ok = apw_rs256_verify(((ApwPublicKey *)pk)->k, t->tok.p, t->signed_len, t->sig_raw,
                              t->sig_len);
    }
    Py_DECREF(pk);
    return ok;
}

/* HS256 with a shared secret: as apw_jwt_rs256. */
static int
apw_jwt_hs256(apw_core_state *st, PyObject *key, const apw_jwt_parts *t)
{
    apw_buf secret = APW_BUF_INIT;
    int ok = -1;

    if (!(PyUnicode_Check(key) || PyBytes_Check(key))) {
        PyErr_SetString(st->JWTAlgorithmError,
                        "HS256 token needs a shared secret (str or bytes), not a public key");
        return -1;
    }
    if (apw_buf_get(key, "key", APW_BUF_SECRET, &secret) < 0) {
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
    ok = apw_hs256_verify(secret.p, secret.n, t->tok.p, t->signed_len, t->sig_raw,
                          t->sig_len);
done:
    apw_buf_release(&secret);
    return ok;
}

static PyObject *
apw_py_jwt_verify(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                  PyObject *kwnames)
{
    static const char *const names[] = {"token", "key", "algorithms", "leeway",
                                        "audience", "issuer", "now", "max_bytes", NULL};
    apw_core_state *st = apw_core_get_state(module);
    PyObject *a[8];
    apw_jwt_opts o = {0};
    apw_jwt_parts t = {APW_BUF_INIT, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL};
    PyObject *result = NULL;
    int alg;
    int ok;

    if (apw_parse_args("jwt_verify", args, nargs, kwnames, names, 3, 3, a) < 0 ||
        apw_jwt_options(st, a, &o) < 0 || apw_jwt_parse(st, a[0], o.max_bytes, &t) < 0 ||
        (alg = apw_jwt_alg(st, t.header, o.allowed)) < 0) {
        goto done;
    }
    /* 3. Signature, with a key that fits the algorithm. */
    ok = alg == APW_ALG_RS256 ? apw_jwt_rs256(st, a[1], &t) : apw_jwt_hs256(st, a[1], &t);
    if (ok < 0) {
        if (!PyErr_Occurred()) {
            apw_raise_openssl(st->CryptoError, "signature verification failed to run");
        }
        goto done;
    }
    if (ok == 0) {
        PyErr_SetString(st->JWTSignatureError, "JWT signature does not verify");
        goto done;
    }
    /* 4. Registered claims. */
    if (apw_jwt_claims(st, t.claims, o.now, o.leeway, o.audiences, o.issuer) < 0) {
        goto done;
    }
    result = Py_NewRef(t.claims);
done:
    apw_jwt_parts_release(&t);
    Py_XDECREF(o.audiences);
    return result;
}

/* ------------------------------------------------------------------ module */

PyDoc_STRVAR(apw_jwt_verify_doc,
"jwt_verify(token, key, algorithms, *, leeway=0, audience=None, issuer=None, now=None,\n"
"           max_bytes=JWT_MAX_BYTES) -> dict\n--\n\n"
"Verify a JWS compact token (RS256 with a PEM or JWK key of >= 1024 bits,\n"
"HS256 with a shared secret) and return its claims.  A token longer than\n"
"max_bytes is refused (JWTDecodeError) before it is decoded.");

PyMethodDef apw_jwt_methods[] = {
    {"jwt_verify", (PyCFunction)(void (*)(void))apw_py_jwt_verify,
     METH_FASTCALL | METH_KEYWORDS, apw_jwt_verify_doc},
    {NULL, NULL, 0, NULL},
};

int
apw_jwt_exec(PyObject *module, apw_core_state *st)
{
    (void)st;
    return PyModule_AddIntConstant(module, "JWT_MAX_BYTES", APW_JWT_MAX_BYTES);
}
