/*
 * fuzz_python.h - what the libFuzzer harnesses of approw._core share: an
 * embedded interpreter, the instrumented approw._core loaded from the path in
 * $APW_FUZZ_CORE (built by fuzz/run with ASan + UBSan + coverage), and
 * apw_fz_fail(), which turns an unexpected Python exception into a crash that
 * libFuzzer records.
 */
#ifndef APW_FUZZ_PYTHON_H
#define APW_FUZZ_PYTHON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static PyObject *apw_fz_core;

/* Abort with the pending Python exception printed: libFuzzer keeps the input. */
static void
apw_fz_fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    if (PyErr_Occurred()) {
        PyErr_Print();
    }
    abort();
}

static PyObject *
apw_fz_attr(const char *name)
{
    PyObject *o = PyObject_GetAttrString(apw_fz_core, name);
    if (o == NULL) {
        apw_fz_fail(name);
    }
    return o;
}

/* 1 if the pending exception is an instance of `type` (then cleared), else 0
 * (left pending).  Types are looked up at start: never with an exception set. */
static int
apw_fz_expected(PyObject *type)
{
    int match = PyErr_ExceptionMatches(type);
    if (match) {
        PyErr_Clear();
    }
    return match;
}

static void
apw_fz_start(void)
{
    static const char load[] =
        "import importlib.util, os\n"
        "spec = importlib.util.spec_from_file_location('approw._core', os.environ['APW_FUZZ_CORE'])\n"
        "core = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(core)\n";
    PyObject *main;
    PyObject *globals;

    if (getenv("APW_FUZZ_CORE") == NULL) {
        fprintf(stderr, "fuzz: set APW_FUZZ_CORE to the instrumented _core module (fuzz/run does)\n");
        exit(2);
    }
    Py_InitializeEx(0);
    main = PyImport_AddModule("__main__");
    globals = main != NULL ? PyModule_GetDict(main) : NULL;
    if (globals == NULL || PyRun_String(load, Py_file_input, globals, globals) == NULL) {
        apw_fz_fail("cannot load approw._core");
    }
    apw_fz_core = PyDict_GetItemString(globals, "core");
    if (apw_fz_core == NULL) {
        apw_fz_fail("no core");
    }
    Py_INCREF(apw_fz_core);
}

#endif
