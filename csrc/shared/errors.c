/*
 * errors.c - error helpers of both modules: OpenSSL failures -> exceptions,
 * raise-from (an exception with the current one as its cause), the URL
 * redaction every transport message goes through (no userinfo, no query
 * string), and adding an object to a module.  libcurl failures are mapped in
 * transport/curl_errors.c.
 */
#include "shared.h"

#include <string.h>
#include <openssl/err.h>

PyObject *
apw_raise_openssl(PyObject *exc_type, const char *fallback)
{
    unsigned long code = ERR_peek_last_error();

    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof(buf));
        ERR_clear_error();
        PyErr_Format(exc_type, "%s (%s)", fallback, buf);
    }
    else {
        PyErr_SetString(exc_type, fallback);
    }
    return NULL;
}

void
apw_redact_url(const char *url, char *out, size_t outlen)
{
    size_t o = 0;
    const char *p = url;
    const char *scheme_end;
    const char *auth_end;
    const char *at;

    if (outlen == 0) {
        return;
    }
    if (url == NULL) {
        url = "";
        p = url;
    }
    /* scheme:// */
    scheme_end = strstr(p, "://");
    if (scheme_end != NULL && (size_t)(scheme_end - p) < 16) {
        size_t n = (size_t)(scheme_end - p) + 3;
        if (n >= outlen - o) {
            n = outlen - o - 1;
        }
        memcpy(out + o, p, n);
        o += n;
        p = scheme_end + 3;
    }
    /* authority: drop any userinfo@ */
    auth_end = p + strcspn(p, "/?#");
    at = memchr(p, '@', (size_t)(auth_end - p));
    if (at != NULL) {
        p = at + 1;
    }
    /* host[:port]/path, stop before query or fragment */
    while (*p != '\0' && *p != '?' && *p != '#' && o + 1 < outlen) {
        out[o++] = *p++;
    }
    if ((*p == '?' || *p == '#') && o + 4 < outlen) {
        memcpy(out + o, "?...", 4);
        o += 4;
    }
    out[o] = '\0';
}

/* Raise `type(msg)` with the current exception as its __cause__. */
PyObject *
apw_raise_from(PyObject *type, const char *msg)
{
    PyObject *et = NULL;
    PyObject *ev = NULL;
    PyObject *tb = NULL;
    PyObject *nt = NULL;
    PyObject *nv = NULL;
    PyObject *ntb = NULL;

    PyErr_Fetch(&et, &ev, &tb);
    PyErr_NormalizeException(&et, &ev, &tb);
    if (tb != NULL && ev != NULL) {
        (void)PyException_SetTraceback(ev, tb);
    }
    PyErr_SetString(type, msg);
    PyErr_Fetch(&nt, &nv, &ntb);
    PyErr_NormalizeException(&nt, &nv, &ntb);
    if (nv != NULL && ev != NULL) {
        Py_INCREF(ev);
        PyException_SetContext(nv, ev);      /* steals */
        Py_INCREF(ev);
        PyException_SetCause(nv, ev);        /* steals */
    }
    PyErr_Restore(nt, nv, ntb);
    Py_XDECREF(et);
    Py_XDECREF(ev);
    Py_XDECREF(tb);
    return NULL;
}

int
apw_add_ref(PyObject *module, const char *name, PyObject *obj)
{
    Py_INCREF(obj);
    if (PyModule_AddObject(module, name, obj) < 0) {
        Py_DECREF(obj);
        return -1;
    }
    return 0;
}
