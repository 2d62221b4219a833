/*
 * state.c - the module state both extension modules use (apw_state, apw.h):
 * lookup, garbage-collector support and the interned strings.  approw._core
 * (module.c) owns the exception types and the Response type; approw._transport
 * (transport.c) holds strong references to the same objects in its own state.
 * Every PyObject in apw_state is covered by apw_state_traverse/clear; there are
 * no static PyObject globals.
 */
#include "apw.h"

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

int
apw_state_traverse(apw_state *st, visitproc visit, void *arg)
{
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

void
apw_state_clear(apw_state *st)
{
    if (st == NULL) {
        return;
    }
#define APW_CLEAR(f) Py_CLEAR(st->f);
    APW_STATE_FIELDS(APW_CLEAR)
#undef APW_CLEAR
    for (size_t i = 0; i < APW_KEYCACHE_SIZE; i++) {
        Py_CLEAR(st->keycache[i]);
    }
}

int
apw_state_init_strings(apw_state *st)
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
    APW_STR(s_request_id, "request_id")
    APW_STR(s_kty, "kty")
    APW_STR(s_n, "n")
    APW_STR(s_e, "e")
#undef APW_STR
    return 0;
}
