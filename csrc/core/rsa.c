/*
 * rsa.c - rsa_encrypt(): RSA PKCS#1 v1.5 encryption of the login password with
 * a PublicKey (public_key.c) or a PEM.
 *
 * Why C: EVP_PKEY_encrypt on the key's ready context (PKCS#1 v1.5 type 2
 * padding with OpenSSL's own CSPRNG) and the base64 of the result, without a
 * per-call context: a password login costs one call.  tools/crypto_speed.py
 * compares it with the cryptography package.
 *
 * GIL.  Below APW_RSA_NOGIL_BITS (3072) an operation runs with the GIL held
 * on the key's context (the GIL is what serialises its use); from 3072 bits
 * on it runs on an EVP_PKEY_CTX_dup() copy with the GIL released, so long
 * operations can run in parallel (a 3072-bit public operation is ~45 us, 4096
 * ~85 us).  tools/crypto_speed.py --threads compares the two policies.
 */
#include "crypto.h"

#include <openssl/evp.h>

/* PKCS#1 v1.5 encryption padding overhead: 00 02 PS(>= 8) 00. */
#define APW_PKCS1_OVERHEAD 11

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

    if (APW_PKEY_SHARED_CTX(k)) {
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
    static const char *const names[] = {"public_key", "plaintext", NULL};
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
    if (!PyUnicode_Check(a[0]) && !PyBytes_Check(a[0]) &&
        !Py_IS_TYPE(a[0], (PyTypeObject *)st->PublicKeyType)) {
        PyErr_Format(PyExc_TypeError,
                     "public key must be a PublicKey or a PEM str or bytes, not %.100s",
                     Py_TYPE(a[0])->tp_name);
        goto done;
    }
    cap = apw_public_key(st, a[0]);
    if (cap == NULL) {
        goto done;
    }
    k = ((ApwPublicKey *)cap)->k;
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
"rsa_encrypt(public_key, plaintext) -> str\n--\n\n"
"RSA PKCS#1 v1.5 encryption (OpenSSL's EVP_PKEY_encrypt), standard base64\n"
"with padding.  public_key: a PublicKey, or a PEM parsed for this call only\n"
"('BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY').  Keys under 1024 bits are refused.");

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
    return apw_public_key_exec(module, st);
}
