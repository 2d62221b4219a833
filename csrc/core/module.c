/*
 * module.c - the approw._core module: definition, multi-phase init, the
 * exception types and the Response type, JSON and crypto functions, and the C
 * API capsule (_C_API, core_api.h) through which approw._transport uses the
 * JSON code.
 *
 * Session lives in approw._transport (csrc/transport), the only module that links
 * libcurl, whose dependency tree (34 shared objects here) is most of what
 * importing the core used to cost.  The first access to approw._core.Session
 * (or CURL_VERSION) imports it through the module's __getattr__ (PEP 562) and
 * caches the attribute in this module's dict.  Every PyObject the module owns
 * lives in apw_core_state (state.c); there are no static PyObject globals.
 */
#include "core.h"
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

static int
apw_traverse(PyObject *module, visitproc visit, void *arg)
{
    return apw_core_state_traverse(apw_core_get_state(module), visit, arg);
}

static int
apw_clear(PyObject *module)
{
    apw_core_state_clear(apw_core_get_state(module));
    return 0;
}

static void
apw_free(void *module)
{
    (void)apw_clear((PyObject *)module);
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
apw_init_exceptions(PyObject *m, apw_core_state *st)
{
#define APW_EXC_AT(slot, name, doc, b1, b2)                                 \
    slot = apw_new_exception(m, #name, doc, b1, b2);                        \
    if (slot == NULL) {                                                     \
        return -1;                                                          \
    }
#define APW_EXC(field, doc, b1, b2) APW_EXC_AT(st->field, field, doc, b1, b2)

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
            "(the Retry-After header's text, or None), request_id (the answer's "
            "x-request-id header, or None).",
            st->TransportError, NULL)
    APW_EXC(GraphQLError,
            "The GraphQL answer carried errors. Attributes: errors (list of "
            "(code, message, data) tuples), status, data, retry_after (the "
            "Retry-After header's text, or None), request_id (the answer's "
            "x-request-id header, or None).",
            st->CoreError, NULL)
    APW_EXC_AT(st->json.DecodeError, DecodeError, "Malformed JSON. Attributes: pos (byte offset).",
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
#undef APW_EXC_AT
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

/* approw._core._C_API: the JSON code, for approw._transport (core_api.h). */
static int
apw_init_api(PyObject *m, apw_core_state *st)
{
    PyObject *cap;
    int rc;

    st->api.json_decode = apw_json_decode;
    st->api.json_encode = apw_json_encode;
    st->api.json_free = apw_json_free;
    st->api.json = &st->json;
    cap = PyCapsule_New(&st->api, APW_CORE_API_CAPSULE, NULL);
    if (cap == NULL) {
        return -1;
    }
    rc = apw_add_ref(m, "_C_API", cap);
    Py_DECREF(cap);
    return rc;
}

static int
apw_init_constants(PyObject *m)
{
    char cjson[32];

    (void)PyOS_snprintf(cjson, sizeof(cjson), "%s", cJSON_Version());
    if (PyModule_AddIntConstant(m, "DEFAULT_TIMEOUT_MS", APW_DEFAULT_TIMEOUT_MS) < 0 ||
        PyModule_AddIntConstant(m, "JSON_MAX_DEPTH", APW_JSON_MAX_DEPTH) < 0 ||
        PyModule_AddIntConstant(m, "INT_MAX_STR_DIGITS", APW_INT_MAX_STR_DIGITS) < 0 ||
        PyModule_AddStringConstant(m, "OPENSSL_VERSION",
                                   OpenSSL_version(OPENSSL_VERSION)) < 0 ||
        PyModule_AddStringConstant(m, "CJSON_VERSION", cjson) < 0) {
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(apw_core_versions_doc,
"versions() -> dict\n\n"
"The versions of the libraries the C core runs with (in a binary wheel, its own\n"
"copies): libcurl, the TLS library libcurl uses, zlib, nghttp2, OpenSSL, cJSON.");

static PyObject *
apw_core_versions(PyObject *module, PyObject *Py_UNUSED(unused))
{
    PyObject *transport = NULL;
    PyObject *d = NULL;
    PyObject *v = NULL;

    (void)module;
    transport = PyImport_ImportModule("approw._transport");
    if (transport == NULL) {
        return NULL;
    }
    d = PyObject_CallMethod(transport, "_versions", NULL);
    Py_DECREF(transport);
    if (d == NULL) {
        return NULL;
    }
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "approw._transport._versions() did not return a dict");
        goto fail;
    }
    v = PyUnicode_FromString(OpenSSL_version(OPENSSL_VERSION_STRING));
    if (v == NULL || PyDict_SetItemString(d, "openssl", v) < 0) {
        goto fail;
    }
    Py_DECREF(v);
    v = PyUnicode_FromString(cJSON_Version());
    if (v == NULL || PyDict_SetItemString(d, "cjson", v) < 0) {
        goto fail;
    }
    Py_DECREF(v);
    return d;
fail:
    Py_XDECREF(v);
    Py_DECREF(d);
    return NULL;
}

/* Module __getattr__ (PEP 562): the names approw._transport provides. */
static PyObject *
apw_core_getattr(PyObject *module, PyObject *name)
{
    PyObject *transport = NULL;
    PyObject *value = NULL;

    if (PyUnicode_Check(name) &&
        (PyUnicode_CompareWithASCIIString(name, "Session") == 0 ||
         PyUnicode_CompareWithASCIIString(name, "CURL_VERSION") == 0)) {
        transport = PyImport_ImportModule("approw._transport");
        value = transport != NULL ? PyObject_GetAttr(transport, name) : NULL;
        /* Cache it: later lookups find it in the module dict directly. */
        if (value != NULL && PyObject_SetAttr(module, name, value) < 0) {
            Py_CLEAR(value);
        }
        Py_XDECREF(transport);
        return value;
    }
    PyErr_Format(PyExc_AttributeError, "module '" APW_MODULE_NAME "' has no attribute %R",
                 name);
    return NULL;
}

static PyMethodDef apw_core_methods[] = {
    {"__getattr__", apw_core_getattr, METH_O, NULL},
    {"versions", apw_core_versions, METH_NOARGS, apw_core_versions_doc},
    {NULL, NULL, 0, NULL},
};

static int
apw_exec(PyObject *m)
{
    apw_core_state *st = apw_core_get_state(m);

    if (apw_init_exceptions(m, st) < 0 || apw_core_state_init_strings(st) < 0 ||
        apw_init_api(m, st) < 0) {
        return -1;
    }

    st->ResponseType = (PyObject *)PyStructSequence_NewType(&apw_response_desc);
    if (st->ResponseType == NULL || apw_add_ref(m, "Response", st->ResponseType) < 0) {
        return -1;
    }

    if (apw_init_constants(m) < 0) {
        return -1;
    }

    if (PyModule_AddFunctions(m, apw_core_methods) < 0 ||
        PyModule_AddFunctions(m, apw_json_decode_methods) < 0 ||
        PyModule_AddFunctions(m, apw_json_encode_methods) < 0 ||
        PyModule_AddFunctions(m, apw_base64url_methods) < 0 ||
        PyModule_AddFunctions(m, apw_rsa_methods) < 0 ||
        PyModule_AddFunctions(m, apw_jwt_methods) < 0) {
        return -1;
    }

    if (apw_rsa_exec(m, st) < 0 || apw_jwt_exec(m, st) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot apw_slots[] = {
    {Py_mod_exec, (void *)apw_exec},
#ifdef Py_mod_gil
    /* free-threaded CPython (3.13+): importing the module keeps the GIL off */
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

PyDoc_STRVAR(apw_module_doc,
"The C core of the Approw SDK: HTTP transport (libcurl; Session comes from\n"
"approw._transport on first use), JSON (cJSON) and crypto (OpenSSL).\n"
"Internal API: use approw.v2.* instead.");

static struct PyModuleDef apw_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = APW_MODULE_NAME,
    .m_doc = apw_module_doc,
    .m_size = sizeof(apw_core_state),
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
