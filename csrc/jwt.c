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
 * compared with CRYPTO_memcmp -> JWTSignatureError; (4) claims - exp/nbf/iat
 * must be numbers (not bool, finite); now > exp + leeway -> JWTExpiredError,
 * now < nbf - leeway -> JWTNotYetValidError; audience (str or list) must meet
 * the token's aud (str or list), and, as RFC 7519 4.1.3 and PyJWT, a token
 * carrying aud is refused when no audience is given; issuer must equal iss
 * -> JWTClaimsError.  Returns the claims dict.
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
                                        "audience", "issuer", "now", "max_bytes", NULL};
    apw_state *st = apw_get_state(module);
    PyObject *a[8];
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
    Py_ssize_t max_bytes = APW_JWT_MAX_BYTES;

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
    if (a[7] != NULL && a[7] != Py_None) {
        if (!PyLong_Check(a[7]) || PyBool_Check(a[7])) {
            PyErr_Format(PyExc_TypeError, "max_bytes must be an int, not %.100s",
                         Py_TYPE(a[7])->tp_name);
            goto done;
        }
        max_bytes = PyLong_AsSsize_t(a[7]);
        if (max_bytes == -1 && PyErr_Occurred()) {
            goto done;
        }
        if (max_bytes <= 0) {
            PyErr_SetString(PyExc_ValueError, "max_bytes must be > 0");
            goto done;
        }
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
    if ((PyUnicode_Check(a[0]) ? PyUnicode_GET_LENGTH(a[0]) : PyBytes_GET_SIZE(a[0])) >
        max_bytes) {
        PyErr_Format(st->JWTDecodeError, "JWT larger than max_bytes (%zd bytes)", max_bytes);
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
apw_jwt_exec(PyObject *module, apw_state *st)
{
    (void)st;
    return PyModule_AddIntConstant(module, "JWT_MAX_BYTES", APW_JWT_MAX_BYTES);
}
