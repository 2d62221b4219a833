/*
 * curl_errors.c - libcurl failures -> Python exceptions (approw._transport).
 *
 * Messages carry the (redacted) URL and the library's own message.  Request
 * header values (tokens) are never part of a message: nothing here sees them.
 */
#include "transport.h"

typedef enum { APW_KIND_OTHER, APW_KIND_TIMEOUT, APW_KIND_CONNECT, APW_KIND_TLS } apw_kind;

static apw_kind
apw_classify(CURLcode code)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return APW_KIND_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_PROXY:
    case CURLE_AGAIN:
        return APW_KIND_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return APW_KIND_TLS;
    default:
        return APW_KIND_OTHER;
    }
}

PyObject *
apw_raise_transport(apw_tr_state *st, PyObject *type, const char *what, CURLcode code,
                    const char *url)
{
    char safe_url[512];
    PyObject *exc = NULL;
    PyObject *msg = NULL;
    PyObject *py_url = NULL;
    PyObject *py_code = NULL;

    apw_redact_url(url, safe_url, sizeof(safe_url));
    msg = PyUnicode_FromFormat("%s [curl error %d] (%s)", what, (int)code, safe_url);
    if (msg == NULL) {
        goto done;
    }
    exc = PyObject_CallFunctionObjArgs(type, msg, NULL);
    if (exc == NULL) {
        goto done;
    }
    py_url = PyUnicode_FromString(safe_url);
    py_code = PyLong_FromLong((long)code);
    if (py_url == NULL || py_code == NULL ||
        PyObject_SetAttr(exc, st->s_url, py_url) < 0 ||
        PyObject_SetAttr(exc, st->s_curl_code, py_code) < 0) {
        goto done;
    }
    PyErr_SetObject(type, exc);
done:
    Py_XDECREF(msg);
    Py_XDECREF(exc);
    Py_XDECREF(py_url);
    Py_XDECREF(py_code);
    return NULL;
}

PyObject *
apw_raise_curl(apw_tr_state *st, CURLcode code, const char *errbuf, const char *url)
{
    char what[CURL_ERROR_SIZE + 64];
    const char *kind;
    const char *detail;
    PyObject *type;

    detail = (errbuf != NULL && errbuf[0] != '\0') ? errbuf : curl_easy_strerror(code);
    switch (apw_classify(code)) {
    case APW_KIND_TIMEOUT:
        type = st->TimeoutError;
        kind = "request timed out";
        break;
    case APW_KIND_CONNECT:
        type = st->ConnectionError;
        kind = "connection failed";
        break;
    case APW_KIND_TLS:
        type = st->TLSError;
        kind = "TLS failure";
        break;
    default:
        type = st->TransportError;
        kind = "request failed";
        break;
    }
    (void)PyOS_snprintf(what, sizeof(what), "%s: %s", kind, detail);
    return apw_raise_transport(st, type, what, code, url);
}
