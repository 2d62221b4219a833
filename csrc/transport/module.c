/*
 * module.c - the approw._transport module: Session (session.c) and
 * CURL_VERSION.  It is the only module that links libcurl, so that importing
 * approw._core does not load libcurl's dependency tree; approw._core imports
 * this module on first access to Session (core/module.c).
 *
 * Its state (apw_tr_state, transport.h) holds approw._core itself (whose C API
 * gives the JSON code, core_api.h) and strong references to its exception
 * types and Response type, so everything raised here is the same class the
 * Python layer catches; plus the Session type, the GraphQL document cache,
 * the interned strings, the libcurl global-init flag and the signal thread.
 */
#include "transport.h"

apw_tr_state *
apw_tr_get_state(PyObject *module)
{
    return (apw_tr_state *)PyModule_GetState(module);
}

apw_tr_state *
apw_tr_get_state_by_type(PyTypeObject *tp)
{
    return (apw_tr_state *)PyType_GetModuleState(tp);
}

static int
apw_tr_traverse(PyObject *module, visitproc visit, void *arg)
{
    apw_tr_state *st = apw_tr_get_state(module);

    if (st != NULL) {
        APW_TR_STATE_FIELDS(APW_VISIT_FIELD)
    }
    return 0;
}

static int
apw_tr_clear(PyObject *module)
{
    apw_tr_state *st = apw_tr_get_state(module);

    if (st != NULL) {
        APW_TR_STATE_FIELDS(APW_CLEAR_FIELD)
        st->api = NULL;
    }
    return 0;
}

static void
apw_tr_free(void *module)
{
    apw_tr_state *st = apw_tr_get_state((PyObject *)module);

    (void)apw_tr_clear((PyObject *)module);
    if (st != NULL && st->curl_initialized) {
        /* Balanced with the curl_global_init() of the first Session; libcurl
         * reference-counts global init, so other users are unaffected. */
        curl_global_cleanup();
        st->curl_initialized = 0;
    }
}

/* approw._core, its C API, its exception types and Response type. */
static int
apw_tr_borrow_core(apw_tr_state *st)
{
    PyObject *core = PyImport_ImportModule("approw._core");

    if (core == NULL) {
        return -1;
    }
    st->core = core;
    st->api = PyCapsule_Import(APW_CORE_API_CAPSULE, 0);
    if (st->api == NULL) {
        return -1;
    }
#define APW_BORROW(field, name)                                             \
    st->field = PyObject_GetAttrString(core, name);                         \
    if (st->field == NULL) {                                                \
        return -1;                                                          \
    }
    APW_BORROW(TransportError, "TransportError")
    APW_BORROW(TimeoutError, "TimeoutError")
    APW_BORROW(ConnectionError, "ConnectionError")
    APW_BORROW(TLSError, "TLSError")
    APW_BORROW(AmbiguousRequestError, "AmbiguousRequestError")
    APW_BORROW(ResponseTooLargeError, "ResponseTooLargeError")
    APW_BORROW(HTTPError, "HTTPError")
    APW_BORROW(GraphQLError, "GraphQLError")
    APW_BORROW(ArgumentError, "ArgumentError")
    APW_BORROW(ResponseType, "Response")
#undef APW_BORROW
    return 0;
}

static int
apw_tr_init_strings(apw_tr_state *st)
{
    APW_TR_STRINGS(APW_INTERN_FIELD)
    return 0;
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
    apw_tr_state *st = apw_tr_get_state(m);
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);

    if (apw_tr_borrow_core(st) < 0 || apw_tr_init_strings(st) < 0 ||
        PyModule_AddStringConstant(m, "CURL_VERSION", cv->version) < 0 ||
        apw_session_exec(m, st) < 0 || apw_multi_exec(m, st) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot apw_tr_slots[] = {
    {Py_mod_exec, (void *)apw_tr_exec},
#ifdef Py_mod_gil
    /* free-threaded CPython (3.13+): importing the module keeps the GIL off */
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

PyDoc_STRVAR(apw_tr_doc,
"The HTTP transport of the Approw SDK (libcurl): Session.  Reached as\n"
"approw._core.Session; internal API: use approw.v2.* instead.");

static struct PyModuleDef apw_tr_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "approw._transport",
    .m_doc = apw_tr_doc,
    .m_size = sizeof(apw_tr_state),
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
