/*
 * crypto.h - internals shared by the crypto files of approw._core:
 *   base64url.c base64url (the strict decoder of token parts)
 *   public_key.c   PublicKey: an RSA public key (PEM / JWK) parsed once
 *   rsa.c       rsa_encrypt
 *   jwt.c       jwt_verify (RS256, HS256): structure, algorithm, signature
 *   jwt_claims.c   its registered claims (exp, nbf, aud, iss)
 * Everything cryptographic is OpenSSL's own code (EVP); these files only
 * convert arguments, cache parsed keys and check token structure and claims.
 */
#ifndef APW_CRYPTO_H
#define APW_CRYPTO_H

#include "core.h"

#include <openssl/evp.h>

/* RSA modulus sizes accepted for keys we load: keys under 1024 bits are
 * refused for encryption and verification; OpenSSL itself refuses public
 * operations above 16384 bits. */
#define APW_RSA_MIN_BITS 1024
#define APW_RSA_MAX_BITS 16384
#define APW_RSA_MAX_BYTES (APW_RSA_MAX_BITS / 8)

/* RSA public operations on keys with at least this many bits run with the
 * GIL released (on a duplicate of the cached context); smaller keys run with
 * the GIL held on the cached context (the GIL serialises its use).  Below 3072
 * bits a public operation takes 4-50 us, against a 5 ms switch interval. */
#define APW_RSA_NOGIL_BITS 3072
/* Whether key `k`'s own contexts serve an operation: with the GIL held, which serialises
 * their use.  Without a GIL (free-threaded CPython) every operation works on a copy. */
#ifdef Py_GIL_DISABLED
#define APW_PKEY_SHARED_CTX(k) 0
#else
#define APW_PKEY_SHARED_CTX(k) ((k)->bits < APW_RSA_NOGIL_BITS)
#endif

/* Hashing at least this many bytes releases the GIL (the threshold CPython's
 * hashlib uses). */
#define APW_GIL_MINSIZE 2048

#define APW_SHA256_LEN 32

/* ------------------------------------------------------------ base64url.c */

/* Decode base64url (padding optional; strict alphabet, canonical trailing
 * bits) into a new PyMem buffer the caller frees with PyMem_Free.  0, or -1
 * with *why set (no Python exception) or with MemoryError set (*why NULL). */
int apw_b64url_decode_alloc(const unsigned char *in, size_t len, unsigned char **out,
                            size_t *out_len, const char **why);

extern PyMethodDef apw_base64url_methods[];

/* ------------------------------------------------------------ public_key.c */

/* A parsed RSA public key with the contexts its operations use.  `enc` and
 * `ver` are used with the GIL held only; operations that release the GIL work
 * on an EVP_PKEY_CTX_dup() copy. */
typedef struct apw_pkey {
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *enc;   /* encrypt-initialised, PKCS#1 v1.5 padding */
    EVP_PKEY_CTX *ver;   /* verify-initialised, PKCS#1 v1.5 + SHA-256 */
    int bits;
    size_t size;         /* modulus size in bytes */
} apw_pkey;

/* approw._core.PublicKey: immutable. */
typedef struct ApwPublicKey {
    PyObject_HEAD
    apw_pkey *k;
    PyObject *alg;       /* the JWK's `alg`, or NULL */
} ApwPublicKey;

/* `key` as a PublicKey: itself, or one parsed now from a PEM (str, bytes) or
 * a JWK mapping (not kept).  New reference, or NULL with an exception. */
PyObject *apw_public_key(apw_core_state *st, PyObject *key);
/* A member of a JWK mapping (str key): new reference, or NULL with
 * CryptoError (missing and `required`), with another exception, or with none
 * (missing, not required). */
PyObject *apw_jwk_member(apw_core_state *st, PyObject *jwk, PyObject *name, int required);
int apw_public_key_exec(PyObject *module, apw_core_state *st);

/* ------------------------------------------------------------ rsa.c */

int apw_rsa_exec(PyObject *module, apw_core_state *st);
extern PyMethodDef apw_rsa_methods[];

/* ------------------------------------------------------------ jwt_claims.c */

/* Check the registered claims (exp, nbf, aud, iss) of `claims`.  0 or -1. */
int apw_jwt_claims(apw_core_state *st, PyObject *claims, double now, double leeway,
                   PyObject *audiences, PyObject *issuer);
/* The audience argument as a tuple of str (new reference), or NULL. */
PyObject *apw_audience_tuple(PyObject *audience);
/* Seconds since the epoch (wall clock). */
double apw_jwt_now(void);

/* ------------------------------------------------------------ jwt.c */

int apw_jwt_exec(PyObject *module, apw_core_state *st);
extern PyMethodDef apw_jwt_methods[];

#endif /* APW_CRYPTO_H */
