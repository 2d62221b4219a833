/*
 * transport.c - the approw._transport module: Session (http.c) and
 * CURL_VERSION.  It is the only module that links libcurl, so that importing
 * approw._core does not load libcurl's dependency tree; approw._core imports
 * this module on first access to Session (see module.c).
 *
 * Its state (apw_state, state.c) holds strong references to approw._core's
 * exception types and Response type, so everything raised here is the same
 * class the Python layer catches, plus its own interned strings, key cache
 * (JSON answers), GraphQL document cache and libcurl global-init flag.
 */
#include "apw.h"

static int
apw_tr_traverse(PyObject *module, visitproc visit, void *arg)
{
    return apw_state_traverse(apw_get_state(module), visit, arg);
}

static int
apw_tr_clear(PyObject *module)
{
    apw_state_clear(apw_get_state(module));
    return 0;
}

static void
apw_tr_free(void *module)
{
    apw_state *st = apw_get_state((PyObject *)module);

    (void)apw_tr_clear((PyObject *)module);
    if (st != NULL && st->curl_initialized) {
        /* Balanced with the curl_global_init() of the first Session; libcurl
         * reference-counts global init, so other users are unaffected. */
        curl_global_cleanup();
        st->curl_initialized = 0;
    }
}

/* approw._core's exception types and Response type, into this state. */
static int
apw_tr_borrow_types(apw_state *st)
{
    PyObject *core = PyImport_ImportModule("approw._core");
    int rc = -1;

    if (core == NULL) {
        return -1;
    }
#define APW_BORROW(field, name)                                             \
    st->field = PyObject_GetAttrString(core, name);                         \
    if (st->field == NULL) {                                                \
        goto done;                                                          \
    }
    APW_BORROW(CoreError, "CoreError")
    APW_BORROW(TransportError, "TransportError")
    APW_BORROW(TimeoutError, "TimeoutError")
    APW_BORROW(ConnectionError, "ConnectionError")
    APW_BORROW(TLSError, "TLSError")
    APW_BORROW(AmbiguousRequestError, "AmbiguousRequestError")
    APW_BORROW(ResponseTooLargeError, "ResponseTooLargeError")
    APW_BORROW(HTTPError, "HTTPError")
    APW_BORROW(GraphQLError, "GraphQLError")
    APW_BORROW(DecodeError, "DecodeError")
    APW_BORROW(ArgumentError, "ArgumentError")
    APW_BORROW(ResponseType, "Response")
#undef APW_BORROW
    rc = 0;
done:
    Py_DECREF(core);
    return rc;
}

/* _versions() -> dict: libcurl's version and those of the TLS library, zlib and nghttp2
 * it runs with (None where absent); approw._core.versions() adds OpenSSL and cJSON. */
static int
apw_tr_set_version(PyObject *d, const char *key, const char *value)
{
    PyObject *v = value != NULL ? PyUnicode_FromString(value) : Py_NewRef(Py_None);
    int rc;

    if (v == NULL) {
        return -1;
    }
    rc = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return rc;
}

static PyObject *
apw_tr_versions(PyObject *module, PyObject *Py_UNUSED(unused))
{
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    PyObject *d = PyDict_New();

    (void)module;
    if (d == NULL) {
        return NULL;
    }
    if (apw_tr_set_version(d, "libcurl", cv->version) < 0 ||
        apw_tr_set_version(d, "libcurl_tls", cv->ssl_version) < 0 ||
        apw_tr_set_version(d, "zlib", cv->libz_version) < 0 ||
        apw_tr_set_version(d, "nghttp2",
                           cv->age >= CURLVERSION_SIXTH ? cv->nghttp2_version : NULL) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyMethodDef apw_tr_methods[] = {
    {"_versions", apw_tr_versions, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static int
apw_tr_exec(PyObject *m)
{
    apw_state *st = apw_get_state(m);
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);

    if (apw_tr_borrow_types(st) < 0 || apw_state_init_strings(st) < 0 ||
        PyModule_AddStringConstant(m, "CURL_VERSION", cv->version) < 0 ||
        apw_http_exec(m, st) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot apw_tr_slots[] = {
    {Py_mod_exec, (void *)apw_tr_exec},
    {0, NULL},
};

PyDoc_STRVAR(apw_tr_doc,
"The HTTP transport of the Approw SDK (libcurl): Session.  Reached as\n"
"approw._core.Session; internal API: use approw.v2.* instead.");

static struct PyModuleDef apw_tr_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "approw._transport",
    .m_doc = apw_tr_doc,
    .m_size = sizeof(apw_state),
    .m_methods = apw_tr_methods,
    .m_slots = apw_tr_slots,
    .m_traverse = apw_tr_traverse,
    .m_clear = apw_tr_clear,
    .m_free = apw_tr_free,
};

PyMODINIT_FUNC
PyInit__transport(void)
{
    return PyModuleDef_Init(&apw_tr_module);
}
