/*
 * apw.h - private header of the approw._core extension.
 *
 * Two extension modules, built from these files (CMakeLists.txt):
 *   approw._core       module.c: JSON, crypto, the exception types, Response
 *   approw._transport  transport.c: Session (the only part that links libcurl),
 *                      imported on first use of approw._core.Session
 *
 * One concern per file:
 *   module.c   approw._core: definition, multi-phase init, exception types
 *   transport.c approw._transport: definition, init (borrows _core's types)
 *   state.c    module state shared by both (lookup, GC support, strings)
 *   errors.c   OpenSSL failures -> Python exceptions, URL redaction
 *   http_errors.c  libcurl failures -> Python exceptions
 *   json_decode.c  JSON text -> Python objects (loads; answers of the transport)
 *   json_encode.c  Python objects -> JSON text through cJSON (dumps; request bodies)
 *   encoding.c base64url, SHA-256, PKCE, random (crypto.h)
 *   rsa.c      RSA public keys (cached) and password encryption (crypto.h)
 *   jwt.c      JWT verification (crypto.h)
 *   http.c     the Session type: handle pool, perform loop, graphql()
 *   http_cb.c  libcurl callbacks (write, header, socket bookkeeping)
 *
 * Conventions: `apw_` functions, `Apw` types, `APW_` macros; Python entry points
 * are `apw_py_<name>`.  A PyObject * result is a new reference, or NULL with an
 * exception set; an int result is 0 on success and -1 with an exception set.
 * Pure-C helpers never see a PyObject.
 */
#ifndef APW_H
#define APW_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#define APW_MODULE_NAME "approw._core"

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *
Py_NewRef(PyObject *obj)
{
    Py_INCREF(obj);
    return obj;
}

static inline PyObject *
Py_XNewRef(PyObject *obj)
{
    Py_XINCREF(obj);
    return obj;
}
#endif

/* Number of slots in the JSON dict-key cache (a power of two). */
#define APW_KEYCACHE_SIZE 1024

/* Deepest JSON nesting accepted by loads/dumps. */
#define APW_JSON_MAX_DEPTH 512

typedef struct apw_state {
    /* Exception types (module.c). */
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
    PyObject *DecodeError;      /* (CoreError, ValueError): malformed JSON */
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

    /* Types. */
    PyObject *SessionType;      /* http.c */
    PyObject *ResponseType;     /* structseq (status, headers, body) */

    /* Interned strings (module.c). */
    PyObject *s_data;
    PyObject *s_errors;
    PyObject *s_message;
    PyObject *s_code;
    PyObject *s_extensions;
    PyObject *s_url;
    PyObject *s_curl_code;
    PyObject *s_status;
    PyObject *s_body;
    PyObject *s_retry_after;
    PyObject *s_request_id;
    PyObject *s_kty;
    PyObject *s_n;
    PyObject *s_e;

    /* json_decode.c: cache of dict-key str objects, indexed by a hash of the key bytes. */
    PyObject *keycache[APW_KEYCACHE_SIZE];

    /* crypto.c: parsed public keys, keyed by the PEM text / JWK (n, e). */
    PyObject *pkey_cache;

    /* http.c: JSON-escaped GraphQL documents, keyed by the document str. */
    PyObject *doc_cache;
    int curl_initialized;       /* _transport: curl_global_init() succeeded (first Session) */
    /* http.c: the thread that runs signal handlers, per process. */
    unsigned long main_ident;
    long main_pid;              /* 0: not known yet */
} apw_state;

/* Every PyObject * field of apw_state except the key cache array. */
#define APW_STATE_FIELDS(X)                                                  \
    X(CoreError) X(TransportError) X(TimeoutError) X(ConnectionError)       \
    X(TLSError) X(AmbiguousRequestError) X(ResponseTooLargeError)           \
    X(HTTPError) X(GraphQLError) X(DecodeError) X(ArgumentError) X(CryptoError) \
    X(JWTError) X(JWTDecodeError) X(JWTAlgorithmError) X(JWTSignatureError) \
    X(JWTExpiredError) X(JWTNotYetValidError) X(JWTClaimsError)             \
    X(SessionType) X(ResponseType)                                          \
    X(s_data) X(s_errors) X(s_message) X(s_code) X(s_extensions) X(s_url)   \
    X(s_curl_code) X(s_status) X(s_body) X(s_retry_after) X(s_request_id)  \
    X(s_kty) X(s_n) X(s_e)                                                  \
    X(pkey_cache) X(doc_cache)

/* ---------------------------------------------------------------- state.c */
apw_state *apw_get_state(PyObject *module);
apw_state *apw_get_state_by_type(PyTypeObject *tp);
int apw_state_traverse(apw_state *st, visitproc visit, void *arg);
void apw_state_clear(apw_state *st);
/* The interned strings (s_*).  0 or -1. */
int apw_state_init_strings(apw_state *st);

/* ---------------------------------------------------------------- args.c */
/* Vectorcall arguments: `names` lists every parameter (NULL-terminated), the
 * first `npos` may be positional, the first `nreq` are required.  `out`
 * receives borrowed references, NULL where absent.  0, or -1 with TypeError. */
int apw_parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
                   PyObject *kwnames, const char *const *names, int npos, int nreq,
                   PyObject **out);

/* ---------------------------------------------------------------- errors.c */
/* Raise `exc_type` with the last OpenSSL error (queue cleared), else `fallback`. */
PyObject *apw_raise_openssl(PyObject *exc_type, const char *fallback);
/* Copy `url` without userinfo and query/fragment into `out` (always terminated). */
void apw_redact_url(const char *url, char *out, size_t outlen);

/* ---------------------------------------------------------------- http_errors.c */
/* Raise the transport exception matching `code`; `url` is redacted (no query,
 * no userinfo) before it goes into the message.  Header values never appear. */
PyObject *apw_raise_curl(apw_state *st, CURLcode code, const char *errbuf,
                         const char *url);
/* Raise `type(what + " [curl error N] (url)")` with its url (redacted) and
 * curl_code attributes set.  Returns NULL. */
PyObject *apw_raise_transport(apw_state *st, PyObject *type, const char *what,
                              CURLcode code, const char *url);

/* ---------------------------------------------------------------- json_decode.c */
typedef struct apw_json_error {
    char msg[200];
    size_t offset;     /* byte offset of the problem in the input */
} apw_json_error;

/* Decode one JSON document (GIL held).  A new reference, or NULL: with an
 * exception set (MemoryError, ...), or without one and `err` filled (the text
 * is not JSON; apw_json_raise turns it into DecodeError). */
PyObject *apw_json_decode(apw_state *st, const char *buf, size_t len, apw_json_error *err);
/* Set DecodeError from `err`; returns NULL. */
PyObject *apw_json_raise(apw_state *st, const apw_json_error *err);
/* apw_json_decode, raising DecodeError on malformed text. */
PyObject *apw_json_loads_buf(apw_state *st, const char *buf, size_t len);
extern PyMethodDef apw_json_decode_methods[];

/* ---------------------------------------------------------------- json_encode.c */
/* Compact JSON text of `obj` (GIL held): NUL-terminated, *len bytes, to be
 * released with cJSON_free.  NULL with an exception set. */
char *apw_json_encode(PyObject *obj, size_t *len);
extern PyMethodDef apw_json_encode_methods[];

/* crypto: see crypto.h (encoding.c, rsa.c, jwt.c). */

/* ---------------------------------------------------------------- http.c */
/* Add Session to approw._transport. */
int apw_http_exec(PyObject *module, apw_state *st);
extern PyType_Spec apw_session_spec;

#endif /* APW_H */
