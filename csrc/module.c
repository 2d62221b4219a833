/*
 * module.c - the approw._core module: definition, multi-phase init, state,
 * exception types.  Every PyObject the module owns lives in apw_state, which
 * traverse/clear/free cover completely; there are no static PyObject globals.
 */
#include "apw.h"
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

static struct PyModuleDef apw_module;

apw_state *
apw_get_state(PyObject *module)
{
    return (apw_state *)PyModule_GetState(module);
}

apw_state *
apw_get_state_by_type(PyTypeObject *tp)
{
    return (apw_state *)PyType_GetModuleState(tp);
}

/* Every PyObject * field of apw_state except the key cache array. */
#define APW_STATE_FIELDS(X)                                                  \
    X(CoreError) X(TransportError) X(TimeoutError) X(ConnectionError)       \
    X(TLSError) X(AmbiguousRequestError) X(ResponseTooLargeError)           \
    X(HTTPError) X(GraphQLError) X(DecodeError) X(ArgumentError) X(CryptoError) \
    X(JWTError) X(JWTDecodeError) X(JWTAlgorithmError) X(JWTSignatureError) \
    X(JWTExpiredError) X(JWTNotYetValidError) X(JWTClaimsError)             \
    X(SessionType) X(ResponseType)                                          \
    X(s_data) X(s_errors) X(s_message) X(s_code) X(s_extensions) X(s_url)   \
    X(s_curl_code) X(s_status) X(s_body) X(s_retry_after) X(s_kty) X(s_n)   \
    X(s_e)                                                                  \
    X(pkey_cache) X(doc_cache)

static int
apw_traverse(PyObject *module, visitproc visit, void *arg)
{
    apw_state *st = apw_get_state(module);
    if (st == NULL) {
        return 0;
    }
#define APW_VISIT(f) Py_VISIT(st->f);
    APW_STATE_FIELDS(APW_VISIT)
#undef APW_VISIT
    for (size_t i = 0; i < APW_KEYCACHE_SIZE; i++) {
        Py_VISIT(st->keycache[i]);
    }
    return 0;
}

static int
apw_clear(PyObject *module)
{
    apw_state *st = apw_get_state(module);
    if (st == NULL) {
        return 0;
    }
#define APW_CLEAR(f) Py_CLEAR(st->f);
    APW_STATE_FIELDS(APW_CLEAR)
#undef APW_CLEAR
    for (size_t i = 0; i < APW_KEYCACHE_SIZE; i++) {
        Py_CLEAR(st->keycache[i]);
    }
    return 0;
}

static void
apw_free(void *module)
{
    apw_state *st = apw_get_state((PyObject *)module);
    (void)apw_clear((PyObject *)module);
    if (st != NULL && st->curl_initialized) {
        /* Balanced with the curl_global_init() in apw_http_exec; libcurl
         * reference-counts global init, so other users are unaffected. */
        curl_global_cleanup();
        st->curl_initialized = 0;
    }
}

/* PyModule_AddObjectRef() exists from 3.10 only. */
static int
apw_add_ref(PyObject *module, const char *name, PyObject *obj)
{
    Py_INCREF(obj);
    if (PyModule_AddObject(module, name, obj) < 0) {
        Py_DECREF(obj);
        return -1;
    }
    return 0;
}

/* Create approw._core.<name> with the given bases and add it to the module. */
static PyObject *
apw_new_exception(PyObject *module, const char *name, const char *doc,
                  PyObject *base1, PyObject *base2)
{
    char qualname[96];
    PyObject *bases = NULL;
    PyObject *exc = NULL;

    (void)PyOS_snprintf(qualname, sizeof(qualname), APW_MODULE_NAME ".%s", name);
    bases = base2 != NULL ? PyTuple_Pack(2, base1, base2) : PyTuple_Pack(1, base1);
    if (bases == NULL) {
        return NULL;
    }
    exc = PyErr_NewExceptionWithDoc(qualname, doc, bases, NULL);
    Py_DECREF(bases);
    if (exc == NULL) {
        return NULL;
    }
    if (apw_add_ref(module, name, exc) < 0) {
        Py_DECREF(exc);
        return NULL;
    }
    return exc;
}

static int
apw_init_exceptions(PyObject *m, apw_state *st)
{
#define APW_EXC(field, doc, b1, b2)                                         \
    st->field = apw_new_exception(m, #field, doc, b1, b2);                  \
    if (st->field == NULL) {                                                \
        return -1;                                                          \
    }

    APW_EXC(CoreError, "Base class of every error raised by approw._core.",
            PyExc_Exception, NULL)
    APW_EXC(TransportError,
            "The HTTP exchange failed. Attributes: url (redacted), curl_code.",
            st->CoreError, NULL)
    APW_EXC(TimeoutError, "The request or the connection attempt timed out.",
            st->TransportError, PyExc_TimeoutError)
    APW_EXC(ConnectionError,
            "Could not connect, resolve the host, or the connection broke.",
            st->TransportError, PyExc_ConnectionError)
    APW_EXC(TLSError, "TLS handshake or certificate verification failed.",
            st->ConnectionError, NULL)
    APW_EXC(AmbiguousRequestError,
            "The connection broke after a request that is not idempotent was "
            "sent and before its answer came. It was not resent, and it may have "
            "been applied: check before repeating it. Attributes: url, curl_code.",
            st->ConnectionError, NULL)
    APW_EXC(ResponseTooLargeError,
            "The answer was larger than the Session's max_response_bytes (counted "
            "after decompression) or max_header_bytes. Attributes: url, curl_code.",
            st->TransportError, NULL)
    APW_EXC(HTTPError,
            "The server answered with something that is not the expected JSON "
            "envelope. Attributes: url, status, body (first bytes), retry_after "
            "(the Retry-After header's text, or None).",
            st->TransportError, NULL)
    APW_EXC(GraphQLError,
            "The GraphQL answer carried errors. Attributes: errors (list of "
            "(code, message, data) tuples), status, data, retry_after (the "
            "Retry-After header's text, or None).",
            st->CoreError, NULL)
    APW_EXC(DecodeError, "Malformed JSON. Attributes: pos (byte offset).",
            st->CoreError, PyExc_ValueError)
    APW_EXC(ArgumentError,
            "An argument that cannot be used: CR, LF or NUL in a header name or "
            "value (a token, an option), NUL in a URL or document, a bad method or "
            "timeout, an unreadable ca_file. The value itself is never in the message.",
            st->CoreError, PyExc_ValueError)
    APW_EXC(CryptoError, "Bad key material or an OpenSSL failure.",
            st->CoreError, PyExc_ValueError)
    APW_EXC(JWTError, "The token was rejected.", st->CryptoError, NULL)
    APW_EXC(JWTDecodeError, "Not a well-formed JWS compact token.",
            st->JWTError, NULL)
    APW_EXC(JWTAlgorithmError,
            "The token's alg is not allowed, or does not fit the key.",
            st->JWTError, NULL)
    APW_EXC(JWTSignatureError, "The signature does not verify.",
            st->JWTError, NULL)
    APW_EXC(JWTExpiredError, "The token has expired (exp).", st->JWTError, NULL)
    APW_EXC(JWTNotYetValidError, "The token is not valid yet (nbf).",
            st->JWTError, NULL)
    APW_EXC(JWTClaimsError,
            "A registered claim is malformed or does not match (aud, iss, exp type).",
            st->JWTError, NULL)
#undef APW_EXC
    return 0;
}

static int
apw_init_strings(apw_state *st)
{
#define APW_STR(field, text)                                                \
    st->field = PyUnicode_InternFromString(text);                           \
    if (st->field == NULL) {                                                \
        return -1;                                                          \
    }
    APW_STR(s_data, "data")
    APW_STR(s_errors, "errors")
    APW_STR(s_message, "message")
    APW_STR(s_code, "code")
    APW_STR(s_extensions, "extensions")
    APW_STR(s_url, "url")
    APW_STR(s_curl_code, "curl_code")
    APW_STR(s_status, "status")
    APW_STR(s_body, "body")
    APW_STR(s_retry_after, "retry_after")
    APW_STR(s_kty, "kty")
    APW_STR(s_n, "n")
    APW_STR(s_e, "e")
#undef APW_STR
    return 0;
}

static PyStructSequence_Field apw_response_fields[] = {
    {"status", "HTTP status code (int)"},
    {"headers", "response headers the SDK uses: dict of lower-case name -> value"},
    {"body", "response body (bytes)"},
    {NULL, NULL},
};

static PyStructSequence_Desc apw_response_desc = {
    APW_MODULE_NAME ".Response",
    "An HTTP response: (status, headers, body).",
    apw_response_fields,
    3,
};

static int
apw_init_versions(PyObject *m)
{
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    char cjson[32];

    (void)PyOS_snprintf(cjson, sizeof(cjson), "%s", cJSON_Version());
    if (PyModule_AddStringConstant(m, "CURL_VERSION", cv->version) < 0 ||
        PyModule_AddStringConstant(m, "OPENSSL_VERSION",
                                   OpenSSL_version(OPENSSL_VERSION)) < 0 ||
        PyModule_AddStringConstant(m, "CJSON_VERSION", cjson) < 0) {
        return -1;
    }
    return 0;
}

static int
apw_exec(PyObject *m)
{
    apw_state *st = apw_get_state(m);

    if (apw_init_exceptions(m, st) < 0 || apw_init_strings(st) < 0) {
        return -1;
    }

    st->ResponseType = (PyObject *)PyStructSequence_NewType(&apw_response_desc);
    if (st->ResponseType == NULL || apw_add_ref(m, "Response", st->ResponseType) < 0) {
        return -1;
    }

    if (apw_init_versions(m) < 0) {
        return -1;
    }

    if (PyModule_AddFunctions(m, apw_json_decode_methods) < 0 ||
        PyModule_AddFunctions(m, apw_json_encode_methods) < 0 ||
        PyModule_AddFunctions(m, apw_encoding_methods) < 0 ||
        PyModule_AddFunctions(m, apw_rsa_methods) < 0 ||
        PyModule_AddFunctions(m, apw_jwt_methods) < 0) {
        return -1;
    }

    if (apw_rsa_exec(m, st) < 0 || apw_jwt_exec(m, st) < 0 ||
        apw_http_exec(m, st) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot apw_slots[] = {
    {Py_mod_exec, (void *)apw_exec},
    {0, NULL},
};

PyDoc_STRVAR(apw_module_doc,
"The C core of the Approw SDK: HTTP transport (libcurl), JSON (cJSON) and\n"
"crypto (OpenSSL).  Internal API: use approw.v2.* instead.");

static struct PyModuleDef apw_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = APW_MODULE_NAME,
    .m_doc = apw_module_doc,
    .m_size = sizeof(apw_state),
    .m_methods = NULL,
    .m_slots = apw_slots,
    .m_traverse = apw_traverse,
    .m_clear = apw_clear,
    .m_free = apw_free,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    return PyModuleDef_Init(&apw_module);
}
