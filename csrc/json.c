/* json.c - cJSON <-> Python objects. Skeleton (filled in by the JSON work). */
#include "apw.h"

PyMethodDef apw_json_methods[] = {{NULL, NULL, 0, NULL}};
int apw_json_exec(PyObject *module, apw_state *st) { (void)module; (void)st; return 0; }
