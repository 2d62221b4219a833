/*
 * state.c - approw._core's module state (apw_core_state, core.h): lookup,
 * garbage-collector support and the interned strings.  Every PyObject in it is
 * covered by apw_core_state_traverse/clear; there are no static PyObject
 * globals.  approw._transport has a state of its own (transport/module.c).
 */
#include "core.h"

apw_core_state *
apw_core_get_state(PyObject *module)
{
    return (apw_core_state *)PyModule_GetState(module);
}

apw_core_state *
apw_core_get_state_by_type(PyTypeObject *tp)
{
    return (apw_core_state *)PyType_GetModuleState(tp);
}

int
apw_core_state_traverse(apw_core_state *st, visitproc visit, void *arg)
{
    if (st == NULL) {
        return 0;
    }
    APW_CORE_STATE_FIELDS(APW_VISIT_FIELD)
    return apw_json_ctx_traverse(&st->json, visit, arg);
}

void
apw_core_state_clear(apw_core_state *st)
{
    if (st == NULL) {
        return;
    }
    APW_CORE_STATE_FIELDS(APW_CLEAR_FIELD)
    apw_json_ctx_clear(&st->json);
}

int
apw_core_state_init_strings(apw_core_state *st)
{
    APW_CORE_STRINGS(APW_INTERN_FIELD)
    return 0;
}
