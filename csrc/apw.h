/*
 * apw.h - private header of the approw._core extension.
 *
 * One concern per file:
 *   module.c   module definition, multi-phase init, module state, exception types
 *   errors.c   libcurl / OpenSSL / cJSON failures -> Python exceptions
 *   arena.c    per-thread bump allocator installed as the cJSON allocator
 *   json.c     cJSON <-> Python objects (loads, dumps)
 *   crypto.c   RSA password encryption, SHA-256, base64url, PKCE, random, JWT
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

/* Deepest JSON nesting accepted by loads/dumps (cJSON's own limit is 1000). */
#define APW_JSON_MAX_DEPTH 512

typedef struct apw_state {
    /* Exception types (module.c). */
    PyObject *CoreError;        /* CoreError(Exception): base of everything raised here */
    PyObject *TransportError;   /* (CoreError): HTTP transport failed */
    PyObject *TimeoutError;     /* (TransportError, builtins.TimeoutError) */
    PyObject *ConnectionError;  /* (TransportError, builtins.ConnectionError) */
    PyObject *TLSError;         /* (ConnectionError): certificate / handshake failure */
    PyObject *HTTPError;        /* (TransportError): answer is not a GraphQL/JSON envelope */
    PyObject *GraphQLError;     /* (CoreError): `errors` present in a GraphQL answer */
    PyObject *DecodeError;      /* (CoreError, ValueError): malformed JSON */
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
    PyObject *s_kty;
    PyObject *s_n;
    PyObject *s_e;

    /* json.c: cache of dict-key str objects, indexed by a hash of the key bytes. */
    PyObject *keycache[APW_KEYCACHE_SIZE];

    /* crypto.c: parsed public keys, keyed by the PEM text / JWK (n, e). */
    PyObject *pkey_cache;

    /* http.c: JSON-escaped GraphQL documents, keyed by the document str. */
    PyObject *doc_cache;
    int curl_initialized;       /* curl_global_init() succeeded in exec */
} apw_state;

/* ---------------------------------------------------------------- module.c */
apw_state *apw_get_state(PyObject *module);
apw_state *apw_get_state_by_type(PyTypeObject *tp);

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
/* Raise the transport exception matching `code`; `url` is redacted (no query,
 * no userinfo) before it goes into the message.  Header values never appear. */
PyObject *apw_raise_curl(apw_state *st, CURLcode code, const char *errbuf,
                         const char *url);
/* Copy `url` without userinfo and query/fragment into `out` (always terminated). */
void apw_redact_url(const char *url, char *out, size_t outlen);

/* ---------------------------------------------------------------- arena.c */
/* Per-thread bump allocator used as the cJSON allocator.  Allocation falls back
 * to malloc/free when no arena is pushed on the calling thread, so any other
 * cJSON user in the process keeps working.  push/pop nest. */
typedef struct apw_arena_mark {
    void *chunk;
    size_t used;
    int prev_active;
} apw_arena_mark;

/* Install the cJSON hooks (idempotent, once per process). */
int apw_arena_setup(void);
apw_arena_mark apw_arena_push(void);
/* Release every cJSON allocation made on this thread since the matching push. */
void apw_arena_pop(apw_arena_mark mark);
/* Number of allocations served by arenas on this thread (tests, hook checks). */
uint64_t apw_arena_alloc_count(void);
/* Number of arena allocations on this thread that failed (out of memory). */
uint64_t apw_arena_fail_count(void);
/* 1 when an arena scope is pushed on the calling thread. */
int apw_arena_active(void);
/* `n` bytes, 8-byte aligned, from this thread's pushed arena (regardless of
 * suspension); released by the matching pop.  NULL if no arena is pushed or
 * memory is exhausted. */
void *apw_arena_alloc(size_t n);
/* Have the matching pop cJSON_Delete() `root`, a tree that was NOT allocated
 * from the arena (someone replaced the cJSON hooks).  -1 if not possible. */
int apw_arena_defer_delete(cJSON *root);
/* Route this thread's cJSON allocations to malloc (while Python code may run);
 * returns the previous state for apw_arena_resume(). */
int apw_arena_suspend(void);
void apw_arena_resume(int state);
/* Test support: statistics of the calling thread's arena. */
typedef struct apw_arena_info {
    uint64_t allocs;
    uint64_t failures;
    size_t chunks;
    size_t reserved;    /* bytes of address space held in chunks */
    size_t committed;   /* first-chunk bytes possibly committed after the last pop */
    int active;
} apw_arena_info;
void apw_arena_get_info(apw_arena_info *info);
/* Test support: install our hooks (1) or cJSON's default malloc/free (0).
 * Process-wide and not thread-safe, like cJSON_InitHooks itself. */
void apw_arena_install_hooks(int ours);

/* ---------------------------------------------------------------- json.c */
typedef struct apw_json_error {
    char msg[160];
    size_t offset;     /* byte offset of the problem in the input */
} apw_json_error;

/* Parse `len` bytes into a cJSON tree.  Needs no GIL; must run between
 * apw_arena_push/pop on the calling thread, and the tree must not outlive the
 * pop.  The tree keeps pointers into `buf` (exact integer text), so `buf` must
 * stay alive while the tree is converted.  NULL on failure with `err` filled.
 * The tree is annotated for apw_json_to_py (see json.c): `valueint` of numbers,
 * strings and containers holds our data, not cJSON's (read numbers through
 * valuedouble / cJSON_GetNumberValue), and a number's `valuestring` points at
 * its text in `buf` (not NUL-terminated).  Type checks (cJSON_Is*), child/next,
 * `string` and a string's `valuestring` are as cJSON made them. */
cJSON *apw_json_parse(const char *buf, size_t len, apw_json_error *err);
/* Convert a (sub)tree returned by apw_json_parse to Python objects (GIL held). */
PyObject *apw_json_to_py(apw_state *st, const cJSON *node);
/* Set DecodeError from `err`; returns NULL. */
PyObject *apw_json_raise(apw_state *st, const apw_json_error *err);
/* Build a cJSON tree from a Python object (GIL held, inside an arena push). */
cJSON *apw_json_from_py(apw_state *st, PyObject *obj);
/* loads() on a buffer: push, parse, convert, pop. */
PyObject *apw_json_loads_buf(apw_state *st, const char *buf, size_t len);
/* apw_json_error.offset value meaning "out of memory" (apw_json_raise then
 * raises MemoryError). */
#define APW_JSON_ERR_NOMEM SIZE_MAX
/* cJSON_PrintUnformatted() into the arena: the text (NUL-terminated, *len
 * bytes) lives until the matching pop and must not be freed, even when the
 * cJSON hooks were replaced.  NULL if out of memory.  Needs no GIL.
 * (Plain cJSON_PrintUnformatted + cJSON_free works on the same trees too.)
 * Trees from apw_json_parse and apw_json_from_py belong to the arena scope:
 * never cJSON_Delete them (with replaced hooks that would hand arena memory to
 * someone else's free). */
char *apw_json_print(const cJSON *root, size_t *len);

int apw_json_exec(PyObject *module, apw_state *st);
extern PyMethodDef apw_json_methods[];

/* crypto: see crypto.h (encoding.c, rsa.c, jwt.c). */

/* ---------------------------------------------------------------- http.c */
int apw_http_exec(PyObject *module, apw_state *st);
extern PyType_Spec apw_session_spec;

#endif /* APW_H */
