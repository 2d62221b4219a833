/*
 * json_decode.c - libFuzzer harness: approw._core.loads on arbitrary bytes.
 * Any input either decodes or raises DecodeError (nothing else, no crash, no
 * leak); a decoded value survives dumps -> loads unchanged.
 */
#include "fuzz_python.h"

static PyObject *loads, *dumps, *decode_error;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apw_fz_start();
    loads = apw_fz_attr("loads");
    dumps = apw_fz_attr("dumps");
    decode_error = apw_fz_attr("DecodeError");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PyObject *in = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    PyObject *value, *text, *again;

    if (in == NULL) {
        apw_fz_fail("bytes");
    }
    value = PyObject_CallOneArg(loads, in);
    Py_DECREF(in);
    if (value == NULL) {
        if (!apw_fz_expected(decode_error)) {
            apw_fz_fail("loads raised something other than DecodeError");
        }
        return 0;
    }
    text = PyObject_CallOneArg(dumps, value);
    if (text == NULL) {
        apw_fz_fail("dumps refused what loads returned");
    }
    again = PyObject_CallOneArg(loads, text);
    if (again == NULL) {
        apw_fz_fail("loads refused what dumps wrote");
    }
    if (PyObject_RichCompareBool(value, again, Py_EQ) != 1) {
        apw_fz_fail("dumps -> loads changed the value");
    }
    Py_DECREF(again);
    Py_DECREF(text);
    Py_DECREF(value);
    return 0;
}
