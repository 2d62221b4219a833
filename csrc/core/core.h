/*
 * core.h - private header of approw._core (csrc/core/, CMakeLists.txt):
 *   module.c       the module: definition, multi-phase init, the exception types,
 *                  Response, the C API capsule for approw._transport
 *   state.c        its module state (apw_core_state): lookup, GC support, strings
 *   json_decode.c  JSON text -> Python objects (loads; the transport's answers),
 *                  with the byte scanner in json_scan.h
 *   json_encode.c  Python objects -> JSON text through cJSON (dumps; request bodies)
 *   base64url.c    base64url                                 (crypto.h)
 *   public_key.c   PublicKey: an RSA key parsed once          (crypto.h)
 *   rsa.c          rsa_encrypt                               (crypto.h)
 *   jwt.c          jwt_verify                                (crypto.h)
 * Argument converters and error helpers are in ../shared (shared.h).
 * approw._core never links libcurl: importing it does not load libcurl's
 * dependency tree.
 */
#ifndef APW_CORE_H
#define APW_CORE_H

#include "shared.h"
#include "core_api.h"

#include <cjson/cJSON.h>

#define APW_MODULE_NAME "approw._core"

/* Number of slots in the JSON dict-key cache (a power of two). */
#define APW_KEYCACHE_SIZE 1024
/* The cache is every thread's: without the GIL another thread could replace a slot (and
 * free its str) between a look-up and its Py_INCREF, so the free-threaded build makes
 * every key anew. */
#ifdef Py_GIL_DISABLED
#define APW_KEYCACHE_ON 0
#else
#define APW_KEYCACHE_ON 1
#endif

/* Deepest JSON nesting accepted by loads/dumps. */
#define APW_JSON_MAX_DEPTH 512

/* CPython's default limit on the digits of an int converted from or to decimal text
 * (sys.int_info.default_max_str_digits): see apw_int_digits_refused(). */
#define APW_INT_MAX_STR_DIGITS 4300

/* What the JSON decoder works with: its exception type and the cache of
 * dict-key str objects, indexed by a hash of the key bytes (json_decode.c). */
typedef struct apw_json_ctx {
    PyObject *DecodeError;      /* (CoreError, ValueError): malformed JSON */
    PyObject *keycache[APW_KEYCACHE_SIZE];
} apw_json_ctx;

typedef struct apw_core_state {
    /* Exception types (module.c); DecodeError is json.DecodeError. */
    PyObject *CoreError;        /* CoreError(Exception): base of everything raised here */
    PyObject *TransportError;   /* (CoreError): HTTP transport failed */
    PyObject *TimeoutError;     /* (TransportError, builtins.TimeoutError) */
    PyObject *ConnectionError;  /* (TransportError, builtins.ConnectionError) */
    PyObject *TLSError;         /* (ConnectionError): certificate / handshake failure */
    PyObject *AmbiguousRequestError; /* (ConnectionError): broke after a non-idempotent
                                      * request was sent; not resent, may have been applied */
    PyObject *ResponseTooLargeError; /* (TransportError): over max_response/header_bytes */
    PyObject *HTTPError;        /* (TransportError): answer is not a GraphQL/JSON envelope */
    PyObject *GraphQLError;     /* (CoreError): `errors` present in a GraphQL answer */
    PyObject *ArgumentError;    /* (CoreError, ValueError): a value that cannot be sent
                                 * (CR/LF/NUL in a header, ...) or an unusable setting */
    PyObject *CryptoError;      /* (CoreError, ValueError): bad key, OpenSSL failure */
    PyObject *JWTError;         /* (CryptoError): token rejected */
    PyObject *JWTDecodeError;   /* (JWTError): not a well-formed JWS compact token */
    PyObject *JWTAlgorithmError;/* (JWTError): alg not allowed / wrong key type */
    PyObject *JWTSignatureError;/* (JWTError): signature does not verify */
    PyObject *JWTExpiredError;  /* (JWTError): exp passed */
    PyObject *JWTNotYetValidError; /* (JWTError): nbf in the future */
    PyObject *JWTClaimsError;   /* (JWTError): aud / iss / malformed registered claims */

    PyObject *ResponseType;     /* structseq (status, headers, body) */

    /* Interned strings (state.c). */
    PyObject *s_kty;
    PyObject *s_n;
    PyObject *s_e;

    PyObject *PublicKeyType;    /* public_key.c */
    PyObject *s_alg;

    apw_json_ctx json;          /* json_decode.c */
    apw_core_api api;           /* what approw._core._C_API points to (module.c) */
} apw_core_state;

/* Every PyObject * field of apw_core_state outside `json`. */
#define APW_CORE_STATE_FIELDS(X)                                            \
    X(CoreError) X(TransportError) X(TimeoutError) X(ConnectionError)       \
    X(TLSError) X(AmbiguousRequestError) X(ResponseTooLargeError)           \
    X(HTTPError) X(GraphQLError) X(ArgumentError) X(CryptoError)            \
    X(JWTError) X(JWTDecodeError) X(JWTAlgorithmError) X(JWTSignatureError) \
    X(JWTExpiredError) X(JWTNotYetValidError) X(JWTClaimsError)             \
    X(ResponseType) X(PublicKeyType) X(s_kty) X(s_n) X(s_e) X(s_alg)

/* The interned strings among them. */
#define APW_CORE_STRINGS(X) X(s_kty, "kty") X(s_n, "n") X(s_e, "e") X(s_alg, "alg")

/* ---------------------------------------------------------------- state.c */
apw_core_state *apw_core_get_state(PyObject *module);
apw_core_state *apw_core_get_state_by_type(PyTypeObject *tp);
int apw_core_state_traverse(apw_core_state *st, visitproc visit, void *arg);
void apw_core_state_clear(apw_core_state *st);
/* The interned strings (s_*).  0 or -1. */
int apw_core_state_init_strings(apw_core_state *st);

/* ---------------------------------------------------------------- json_decode.c */
/* Decode one JSON document (GIL held).  A new reference, or NULL: with an
 * exception set (MemoryError, ...), or without one and `err` filled (the text
 * is not JSON; apw_json_raise turns it into DecodeError). */
PyObject *apw_json_decode(apw_json_ctx *ctx, const char *buf, size_t len,
                          apw_json_error *err);
/* Set DecodeError from `err`; returns NULL. */
PyObject *apw_json_raise(apw_json_ctx *ctx, const apw_json_error *err);
/* apw_json_decode, raising DecodeError on malformed text. */
PyObject *apw_json_loads_buf(apw_json_ctx *ctx, const char *buf, size_t len);
int apw_json_ctx_traverse(apw_json_ctx *ctx, visitproc visit, void *arg);
void apw_json_ctx_clear(apw_json_ctx *ctx);
extern PyMethodDef apw_json_decode_methods[];

/* ---------------------------------------------------------------- json_encode.c */
/* Compact JSON text of `obj` (GIL held): NUL-terminated, *len bytes, to be
 * released with apw_json_free.  NULL with an exception set. */
char *apw_json_encode(PyObject *obj, size_t *len);
/* 1, with ValueError set, when an int of `digits` decimal digits is over the limit on an
 * interpreter that has none of its own (json_encode.c); else 0. */
int apw_int_digits_refused(Py_ssize_t digits);
void apw_json_free(char *text);
extern PyMethodDef apw_json_encode_methods[];

#endif /* APW_CORE_H */
