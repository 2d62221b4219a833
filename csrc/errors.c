/*
 * errors.c - OpenSSL failures -> Python exceptions, and the URL redaction
 * every transport message goes through (no userinfo, no query string).
 * libcurl failures are mapped in http_errors.c (approw._transport only).
 */
#include "apw.h"

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
