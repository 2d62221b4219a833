/*
 * args.c - argument parsing shared by the METH_FASTCALL | METH_KEYWORDS entry
 * points (no tuple or dict is built, unlike PyArg_ParseTupleAndKeywords).
 */
#include "apw.h"

/* Minimal vectorcall argument parser: `names` lists every parameter, the first
 * `npos` may be given positionally, the first `nreq` are required.  `out`
 * receives borrowed references (NULL when absent). */
int
apw_parse_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
               PyObject *kwnames, const char *const *names, int npos, int nreq,
               PyObject **out)
{
    int nparams = 0;

    while (names[nparams] != NULL) {
        nparams++;
    }
    for (int i = 0; i < nparams; i++) {
        out[i] = NULL;
    }
    if (nargs > npos) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %d positional arguments (%zd given)",
                     fname, npos, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        out[i] = args[i];
    }
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            int found = 0;
            for (int i = 0; i < nparams; i++) {
                if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0) {
                    if (out[i] != NULL) {
                        PyErr_Format(PyExc_TypeError,
                                     "%s() got multiple values for argument '%s'", fname,
                                     names[i]);
                        return -1;
                    }
                    out[i] = args[nargs + k];
                    found = 1;
                    break;
                }
            }
            if (!found) {
                PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'",
                             fname, key);
                return -1;
            }
        }
    }
    for (int i = 0; i < nreq; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fname,
                         names[i]);
            return -1;
        }
    }
    return 0;
}
