/*
 * public_key.c - PublicKey: an RSA public key (PEM or JWK) parsed once, with
 * the contexts its operations use; rsa_encrypt (rsa.c) and jwt_verify (jwt.c)
 * take it.  It holds no cache: the SDK keeps the keys it reuses in Python
 * (approw.v2.common.keys, functools.lru_cache; a key that fails to load is not
 * kept and fails again).  Decoding a PEM with OpenSSL 3.0 costs 130-450 us and
 * setting up the contexts a few us more; an operation on a parsed key a few us.
 *
 * Why C: the key is an OpenSSL EVP_PKEY with an encrypt- and a verify-
 * initialised EVP_PKEY_CTX, which rsa.c and jwt.c use directly (no per-call
 * context); parsing is OSSL_DECODER (PEM) or EVP_PKEY_fromdata (JWK n, e).
 *
 * Size rules.  Keys of APW_RSA_MIN_BITS (1024) to APW_RSA_MAX_BITS (16384)
 * bits are accepted; smaller ones are refused for encryption and verification
 * alike.  A JWK that names its algorithm (`alg`) keeps it, and jwt_verify
 * refuses the key for a token of another algorithm.
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

/* The key of a PEM (str or bytes): a new apw_pkey, or NULL with an exception. */
static apw_pkey *
apw_pkey_from_pem(apw_core_state *st, PyObject *pem)
{
    apw_buf b = APW_BUF_INIT;
    EVP_PKEY *pkey = NULL;
    apw_pkey *k = NULL;
    const char *why = NULL;

    if (apw_buf_get(pem, "public key", 0, &b) < 0) {
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
    }
done:
    EVP_PKEY_free(pkey);
    apw_buf_release(&b);
    return k;
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
        (void)PyDict_GetItemRef(jwk, name, &v);   /* (the caller's dict) */
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

/* The key of an RSA JWK mapping {"kty": "RSA", "n": .., "e": ..}: a new
 * apw_pkey, or NULL with an exception. */
static apw_pkey *
apw_pkey_from_jwk(apw_core_state *st, PyObject *jwk)
{
    PyObject *kty = NULL;
    PyObject *n = NULL;
    PyObject *e = NULL;
    BIGNUM *bn_n = NULL;
    BIGNUM *bn_e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    apw_pkey *k = NULL;
    const char *why = NULL;

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
    }
done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    Py_XDECREF(kty);
    Py_XDECREF(n);
    Py_XDECREF(e);
    return k;
}

/* ------------------------------------------------------------------ type */

/* A PublicKey from a PEM or a JWK (the type's __new__).  New reference. */
static PyObject *
apw_public_key_make(apw_core_state *st, PyTypeObject *tp, PyObject *key)
{
    PyObject *alg = NULL;
    ApwPublicKey *self;
    apw_pkey *k;

    if (PyUnicode_Check(key) || PyBytes_Check(key)) {
        k = apw_pkey_from_pem(st, key);
    }
    else if (PyMapping_Check(key) && !PyList_Check(key) && !PyTuple_Check(key)) {
        alg = apw_jwk_member(st, key, st->s_alg, 0);
        if (alg == NULL && PyErr_Occurred()) {
            return NULL;
        }
        k = apw_pkey_from_jwk(st, key);
    }
    else {
        PyErr_Format(PyExc_TypeError,
                     "public key must be a PEM str or bytes or a JWK mapping, not %.100s",
                     Py_TYPE(key)->tp_name);
        return NULL;
    }
    if (k == NULL) {
        Py_XDECREF(alg);
        return NULL;
    }
    self = (ApwPublicKey *)tp->tp_alloc(tp, 0);
    if (self == NULL) {
        apw_pkey_free(k);
        Py_XDECREF(alg);
        return NULL;
    }
    self->k = k;
    self->alg = alg;
    return (PyObject *)self;
}

static PyObject *
apw_public_key_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"key", NULL};
    apw_core_state *st = apw_core_get_state_by_type(tp);
    PyObject *key;

    if (st == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kwds, "O:PublicKey", kwlist, &key)) {
        return NULL;
    }
    return apw_public_key_make(st, tp, key);
}

static void
apw_public_key_dealloc(PyObject *op)
{
    ApwPublicKey *self = (ApwPublicKey *)op;
    PyTypeObject *tp = Py_TYPE(op);

    apw_pkey_free(self->k);
    Py_XDECREF(self->alg);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static PyObject *
apw_public_key_get_bits(PyObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(((ApwPublicKey *)op)->k->bits);
}

static PyObject *
apw_public_key_get_alg(PyObject *op, void *Py_UNUSED(closure))
{
    ApwPublicKey *self = (ApwPublicKey *)op;

    return Py_NewRef(self->alg != NULL ? self->alg : Py_None);
}

static PyObject *
apw_public_key_repr(PyObject *op)
{
    return PyUnicode_FromFormat("<PublicKey RSA %d bits>", ((ApwPublicKey *)op)->k->bits);
}

static PyGetSetDef apw_public_key_getset[] = {
    {"bits", apw_public_key_get_bits, NULL, "Modulus size in bits.", NULL},
    {"alg", apw_public_key_get_alg, NULL,
     "The algorithm the JWK named (its 'alg'), or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(apw_public_key_doc,
"PublicKey(key)\n--\n\n"
"An RSA public key of 1024 to 16384 bits, parsed once: key is a PEM str or\n"
"bytes ('BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY') or a JWK mapping\n"
"{'kty': 'RSA', 'n', 'e'[, 'alg']}.  CryptoError when it cannot be used.\n"
"rsa_encrypt and jwt_verify take it in place of the PEM or JWK.");

static PyType_Slot apw_public_key_slots[] = {
    {Py_tp_doc, (void *)apw_public_key_doc},
    {Py_tp_new, (void *)apw_public_key_new},
    {Py_tp_dealloc, (void *)apw_public_key_dealloc},
    {Py_tp_repr, (void *)apw_public_key_repr},
    {Py_tp_getset, apw_public_key_getset},
    {0, NULL},
};

static PyType_Spec apw_public_key_spec = {
    .name = APW_MODULE_NAME ".PublicKey",
    .basicsize = sizeof(ApwPublicKey),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = apw_public_key_slots,
};

PyObject *
apw_public_key(apw_core_state *st, PyObject *key)
{
    if (Py_IS_TYPE(key, (PyTypeObject *)st->PublicKeyType)) {
        return Py_NewRef(key);
    }
    return apw_public_key_make(st, (PyTypeObject *)st->PublicKeyType, key);
}

int
apw_public_key_exec(PyObject *module, apw_core_state *st)
{
    st->PublicKeyType = PyType_FromModuleAndSpec(module, &apw_public_key_spec, NULL);
    if (st->PublicKeyType == NULL) {
        return -1;
    }
    return apw_add_ref(module, "PublicKey", st->PublicKeyType);
}
