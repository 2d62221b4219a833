/*
 * base64url.c - libFuzzer harness: approw._core.b64url_decode on arbitrary
 * bytes (ValueError, or bytes that b64url_encode -> b64url_decode returns
 * unchanged), and b64url_encode of the input decoding back to it.
 */
#include "fuzz_python.h"

static PyObject *decode, *encode;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apw_fz_start();
    decode = apw_fz_attr("b64url_decode");
    encode = apw_fz_attr("b64url_encode");
    return 0;
}

static void
round_trip(PyObject *raw)
{
    PyObject *text = PyObject_CallOneArg(encode, raw);
    PyObject *back;

    if (text == NULL) {
        apw_fz_fail("b64url_encode failed");
    }
    back = PyObject_CallOneArg(decode, text);
    if (back == NULL || PyObject_RichCompareBool(raw, back, Py_EQ) != 1) {
        apw_fz_fail("b64url_decode(b64url_encode(x)) != x");
    }
    Py_DECREF(back);
    Py_DECREF(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PyObject *in = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    PyObject *out;

    if (in == NULL) {
        apw_fz_fail("bytes");
    }
    out = PyObject_CallOneArg(decode, in);
    if (out == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
            apw_fz_fail("b64url_decode raised something other than ValueError");
        }
        PyErr_Clear();
    }
    else {
        round_trip(out);
        Py_DECREF(out);
    }
    round_trip(in);
    Py_DECREF(in);
    return 0;
}
