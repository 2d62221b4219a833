/*
 * rsa.c - RSA public keys (PEM or JWK, parsed once and cached) and
 * rsa_encrypt(): RSA PKCS#1 v1.5 encryption of the login password.
 *
 * Everything cryptographic is OpenSSL's: OSSL_DECODER / EVP_PKEY_fromdata
 * build the key, EVP_PKEY_encrypt pads (PKCS#1 v1.5 type 2, its own CSPRNG)
 * and exponentiates, EVP_PKEY_verify (jwt.c) checks signatures.  What is here
 * is argument handling and the cache.
 *
 * Key cache.  st->pkey_cache is a dict, at most APW_PKEY_CACHE_MAX (64)
 * entries, oldest evicted first.  Key: the exact PEM str/bytes, or the JWK's
 * (n, e) str tuple.  Value: a capsule holding an apw_pkey (the EVP_PKEY with
 * an encrypt-initialised and a verify-initialised EVP_PKEY_CTX), or a str:
 * the CryptoError message of a key text that failed to load, so a
 * misconfigured key costs one decode, not one per call.  Decoding a PEM with
 * OpenSSL 3.0 costs 130-450 us and setting up a context a few us more, an
 * encryption with a 1024-bit key on the cached context a few us.  A caller
 * keeps its own reference to the capsule while it works, so an eviction never
 * frees a key in use.
 *
 * Size rules.  Keys of APW_RSA_MIN_BITS (1024) to APW_RSA_MAX_BITS (16384)
 * bits are accepted; smaller ones are refused for encryption and
 * verification alike.
 *
 * GIL.  Below APW_RSA_NOGIL_BITS (3072) an operation runs with the GIL held
 * on the cached context (the GIL is what serialises its use); from 3072 bits
 * on it runs on an EVP_PKEY_CTX_dup() copy with the GIL released, so long
 * operations can run in parallel (a 3072-bit public operation is ~45 us, 4096
 * ~85 us).  tools/crypto_speed.py --threads compares the two policies.
 */
#include "crypto.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

/* Most parsed keys kept in st->pkey_cache (FIFO eviction beyond this). */
#ifndef APW_PKEY_CACHE_MAX
#define APW_PKEY_CACHE_MAX 64
#endif

/* PKCS#1 v1.5 encryption padding overhead: 00 02 PS(>= 8) 00. */
#define APW_PKCS1_OVERHEAD 11

#define APW_PKEY_CAPSULE "approw._core.pkey"

/* ------------------------------------------------------------------ keys */

static void
apw_pkey_free(apw_pkey *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_CTX_free(k->enc);
    EVP_PKEY_CTX_free(k->ver);
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
        *why = "RSA modulus size out of range (1024..16384 bits; smaller keys are refused)";
        goto error;
    }
    if (bits > 3072) {
        /* OpenSSL refuses public operations with a longer exponent on such
         * moduli (it bounds their cost); say so now rather than fail each
         * operation with a generic error. */
        BIGNUM *e = NULL;
        int ebits;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
            *why = "cannot read the RSA public exponent";
            goto error;
        }
        ebits = BN_num_bits(e);
        BN_free(e);
        if (ebits > 64) {
            *why = "RSA public exponent too large for a modulus above 3072 bits (max 64 bits)";
            goto error;
        }
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
    k->enc = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    if (k->enc == NULL ||
        EVP_PKEY_encrypt_init(k->enc) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(k->enc, RSA_PKCS1_PADDING) <= 0) {
        *why = "cannot set up the RSA encryption context";
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
apw_cache_get(apw_core_state *st, PyObject *key)
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
apw_cache_put(apw_core_state *st, PyObject *key, PyObject *cap)
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
apw_cache_failure(apw_core_state *st, PyObject *key)
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
apw_cache_add(apw_core_state *st, PyObject *key, apw_pkey *k)
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
PyObject *
apw_pkey_from_pem(apw_core_state *st, PyObject *pem)
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
apw_jwk_bn(apw_core_state *st, PyObject *value, const char *name)
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
PyObject *
apw_jwk_member(apw_core_state *st, PyObject *jwk, PyObject *name, int required)
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

/* The cached key for an RSA JWK mapping {"kty": "RSA", "n": .., "e": ..}. */
PyObject *
apw_pkey_from_jwk(apw_core_state *st, PyObject *jwk)
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

apw_pkey *
apw_pkey_borrow(PyObject *cap)
{
    return (apw_pkey *)PyCapsule_GetPointer(cap, APW_PKEY_CAPSULE);
}

/* ------------------------------------------------------------------ RSA */

/* PKCS#1 v1.5 encryption of `in` into `out` (k->size bytes) by OpenSSL.
 * 0, or -1 with the OpenSSL queue set. */
static int
apw_rsa_encrypt_raw(apw_pkey *k, const unsigned char *in, size_t inlen,
                    unsigned char *out)
{
    EVP_PKEY_CTX *dup;
    size_t outlen = k->size;
    int rc;

    if (k->bits < APW_RSA_NOGIL_BITS) {
        rc = EVP_PKEY_encrypt(k->enc, out, &outlen, in, inlen);
    }
    else {
        dup = EVP_PKEY_CTX_dup(k->enc);
        if (dup == NULL) {
            return -1;
        }
        Py_BEGIN_ALLOW_THREADS
        rc = EVP_PKEY_encrypt(dup, out, &outlen, in, inlen);
        Py_END_ALLOW_THREADS
        EVP_PKEY_CTX_free(dup);
    }
    return (rc == 1 && outlen == k->size) ? 0 : -1;
}

static PyObject *
apw_py_rsa_encrypt(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames)
{
    static const char *const names[] = {"public_key_pem", "plaintext", NULL};
    apw_core_state *st = apw_core_get_state(module);
    PyObject *a[2];
    PyObject *cap = NULL;
    PyObject *out = NULL;
    apw_buf pt = APW_BUF_INIT;
    apw_pkey *k;
    unsigned char ct[APW_RSA_MAX_BYTES];
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
    if (apw_rsa_encrypt_raw(k, pt.p, pt.n, ct) < 0) {
        apw_raise_openssl(st->CryptoError, "RSA encryption failed");
        goto done;
    }
    b64len = 4 * ((k->size + 2) / 3);
    out = PyUnicode_New((Py_ssize_t)b64len, 127);
    if (out == NULL) {
        goto done;
    }
    /* Writes b64len characters plus a NUL, which PyUnicode_New reserved. */
    if ((size_t)EVP_EncodeBlock(PyUnicode_1BYTE_DATA(out), ct, (int)k->size) != b64len) {
        Py_CLEAR(out);
        PyErr_SetString(st->CryptoError, "base64 encoding failed");
        goto done;
    }
done:
    apw_buf_release(&pt);
    Py_XDECREF(cap);
    return out;
}

/* ------------------------------------------------------------------ module */

PyDoc_STRVAR(apw_rsa_encrypt_doc,
"rsa_encrypt(public_key_pem, plaintext) -> str\n--\n\n"
"RSA PKCS#1 v1.5 encryption (OpenSSL's EVP_PKEY_encrypt), standard base64\n"
"with padding.  The PEM may be 'BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY';\n"
"parsed keys are cached.  Keys under 1024 bits are refused.");

PyMethodDef apw_rsa_methods[] = {
    {"rsa_encrypt", (PyCFunction)(void (*)(void))apw_py_rsa_encrypt,
     METH_FASTCALL | METH_KEYWORDS, apw_rsa_encrypt_doc},
    {NULL, NULL, 0, NULL},
};

int
apw_rsa_exec(PyObject *module, apw_core_state *st)
{
    if (PyModule_AddIntConstant(module, "RSA_MIN_BITS", APW_RSA_MIN_BITS) < 0) {
        return -1;
    }
    st->pkey_cache = PyDict_New();
    if (st->pkey_cache == NULL) {
        return -1;
    }
    return 0;
}
