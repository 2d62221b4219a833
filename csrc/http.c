/* http.c - Session type. Skeleton (filled in by the transport work). */
#include "apw.h"

int apw_http_exec(PyObject *module, apw_state *st)
{
    (void)module;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        PyErr_SetString(PyExc_ImportError, "curl_global_init failed");
        return -1;
    }
    st->curl_initialized = 1;
    return 0;
}
