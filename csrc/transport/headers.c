/*
 * headers.c - request headers from Python (a mapping or (name, value) pairs,
 * checked: a name is a token, a value has no CR, LF or NUL, and the error
 * names the header, never its value) and the answer's headers back to Python.
 *
 * The session's User-Agent and Accept-Encoding go into the same list, unless the
 * caller gave its own: as libcurl options (CURLOPT_USERAGENT, CURLOPT_ACCEPT_ENCODING's
 * header) they would be formatted again for every transfer, and graphql()'s list is
 * built once per headers tuple and kept by the session (see pool.c).
 */
#include "transport.h"

#include <string.h>
#include <strings.h>

static int
apw_header_name_ok(const char *s, Py_ssize_t n)
{
    if (n == 0) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == ':') {
            return 0;
        }
    }
    return 1;
}

int
apw_header_value_ok(const char *s, Py_ssize_t n)
{
    /* memchr/strlen are the C library's vector loops: a token is hundreds of bytes. */
    return memchr(s, '\r', (size_t)n) == NULL && memchr(s, '\n', (size_t)n) == NULL &&
           strlen(s) == (size_t)n;
}

/* Which of the headers the transport adds itself the caller gave (apw_header_append). */
#define APW_HAS_CTYPE 1
#define APW_HAS_UA 2
#define APW_HAS_AE 4

/* Whether header name `n` (`len` bytes) is `lower` (lower case), ignoring case. */
#define APW_NAME_IS(n, len, lower) \
    ((size_t)(len) == sizeof(lower) - 1 && strncasecmp((n), (lower), sizeof(lower) - 1) == 0)

char *
apw_header_line(const char *name, size_t nlen, const char *value, size_t vlen)
{
    char *line = PyMem_RawMalloc(nlen + vlen + 3);

    if (line == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(line, name, nlen);
    if (vlen == 0) {
        line[nlen] = ';';
        line[nlen + 1] = '\0';
    }
    else {
        line[nlen] = ':';
        line[nlen + 1] = ' ';
        memcpy(line + nlen + 2, value, vlen);
        line[nlen + 2 + vlen] = '\0';
    }
    return line;
}

/* Append the caller's header `name: value`, checked; note in *given which of the
 * transport's own headers it is. */
static int
apw_header_append(apw_tr_state *st, struct curl_slist **list, PyObject *name, PyObject *value,
                  int *given)
{
    const char *n;
    const char *v;
    Py_ssize_t nlen;
    Py_ssize_t vlen;
    char *line = NULL;
    struct curl_slist *nl;

    if (value == Py_None) {
        return 0;                       /* absent header */
    }
    if (!PyUnicode_Check(name) || !PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "header names and values must be str");
        return -1;
    }
    n = PyUnicode_AsUTF8AndSize(name, &nlen);
    if (n == NULL) {
        return -1;
    }
    v = PyUnicode_AsUTF8AndSize(value, &vlen);
    if (v == NULL) {
        return -1;
    }
    if (!apw_header_name_ok(n, nlen)) {
        PyErr_Format(st->ArgumentError, "invalid header name %R", name);
        return -1;
    }
    if (!apw_header_value_ok(v, vlen)) {
        /* The value may be a secret: name the header only. */
        PyErr_Format(st->ArgumentError,
                     "value of header %R contains CR, LF or NUL characters", name);
        return -1;
    }
    if (APW_NAME_IS(n, nlen, "content-type")) {
        *given |= APW_HAS_CTYPE;
    }
    else if (APW_NAME_IS(n, nlen, "user-agent")) {
        *given |= APW_HAS_UA;
    }
    else if (APW_NAME_IS(n, nlen, "accept-encoding")) {
        *given |= APW_HAS_AE;
    }
    line = apw_header_line(n, (size_t)nlen, v, (size_t)vlen);
    if (line == NULL) {
        return -1;
    }
    nl = curl_slist_append(*list, line);
    PyMem_RawFree(line);
    if (nl == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *list = nl;
    return 0;
}

/* st->ae_line: the encodings this libcurl decodes, in the order and spelling of
 * CURLOPT_ACCEPT_ENCODING "" (zlib: deflate, gzip; then br, zstd). */
void
apw_accept_encoding_init(apw_tr_state *st)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    int features = v != NULL ? v->features : 0;
    char *p = st->ae_line;
    size_t n = 0;
    const char *names[3];
    size_t k = 0;

    if (features & CURL_VERSION_LIBZ) {
        names[k++] = "deflate, gzip";
    }
#ifdef CURL_VERSION_BROTLI
    if (features & CURL_VERSION_BROTLI) {
        names[k++] = "br";
    }
#endif
#ifdef CURL_VERSION_ZSTD
    if (features & CURL_VERSION_ZSTD) {
        names[k++] = "zstd";
    }
#endif
    p[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        n += (size_t)PyOS_snprintf(p + n, sizeof(st->ae_line) - n, "%s%s",
                                   i == 0 ? "Accept-Encoding: " : ", ", names[i]);
    }
}

/* Headers from a mapping or a sequence of (name, value) pairs; None = none. */
int
apw_headers_from_py(apw_tr_state *st, const ApwSession *s, PyObject *headers,
                    struct curl_slist **out, int *has_ctype)
{
    struct curl_slist *list = NULL;
    PyObject *seq = NULL;
    PyObject *items = NULL;
    int given = 0;

    *has_ctype = 0;
    if (headers == NULL || headers == Py_None) {
        goto finish;
    }
    if (PyDict_Check(headers)) {
        Py_ssize_t pos = 0;
        PyObject *k;
        PyObject *v;
        int rc = 0;
        /* (free-threaded: the caller's dict, which another thread may change) */
        Py_BEGIN_CRITICAL_SECTION(headers);
        while (rc == 0 && PyDict_Next(headers, &pos, &k, &v)) {
            rc = apw_header_append(st, &list, k, v, &given);
        }
        Py_END_CRITICAL_SECTION();
        if (rc < 0) {
            goto error;
        }
        goto finish;
    }
    if (PyMapping_Check(headers) && !PyList_Check(headers) && !PyTuple_Check(headers)) {
        items = PyMapping_Items(headers);
        if (items == NULL) {
            goto error;
        }
        headers = items;
    }
    /* (a list is copied: another thread may change the caller's list meanwhile) */
    seq = PyList_Check(headers) ? PyList_AsTuple(headers) : PySequence_Fast(headers,
                          "headers must be a mapping or a sequence of (name, value) pairs");
    if (seq == NULL) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError,
                            "headers must be a mapping or a sequence of (name, value) pairs");
            goto error;
        }
        if (apw_header_append(st, &list, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1),
                              &given) < 0) {
            goto error;
        }
    }
finish:
    if ((!(given & APW_HAS_UA) && s->ua_line != NULL && apw_slist_add(&list, s->ua_line) < 0) ||
        (!(given & APW_HAS_AE) && st->ae_line[0] != '\0' &&
         apw_slist_add(&list, st->ae_line) < 0) ||
        /* Never wait for "100 Continue" (servers that ignore Expect cost 1 s). */
        apw_slist_add(&list, "Expect:") < 0) {
        goto error;
    }
    *has_ctype = (given & APW_HAS_CTYPE) != 0;
    Py_XDECREF(seq);
    Py_XDECREF(items);
    *out = list;
    return 0;
error:
    Py_XDECREF(seq);
    Py_XDECREF(items);
    curl_slist_free_all(list);
    return -1;
}

/* The capsule that owns a cached header list. */
#define APW_HEADER_LIST "approw._transport.headers"

static void
apw_header_list_free(PyObject *cap)
{
    curl_slist_free_all(PyCapsule_GetPointer(cap, APW_HEADER_LIST));
}

/* The list of a tuple of headers, plus Content-Type: application/json when it has none,
 * built once per distinct tuple and kept by the session (APW_HEADER_CACHE_MAX lists at
 * most; a full cache is emptied).  *owner receives a new reference to what owns the list:
 * hold it until the transfer is over (an eviction meanwhile then frees nothing).  Headers
 * that are not a tuple of str pairs, or not hashable, get a list of their own (*owner NULL,
 * the caller frees the list).  0, or -1 with an exception set. */
int
apw_json_headers(apw_tr_state *st, const ApwSession *s, PyObject *headers,
                 struct curl_slist **out, PyObject **owner)
{
    PyObject *cap;
    int has_ctype;
    struct curl_slist *list = NULL;

    *owner = NULL;
    if (PyTuple_CheckExact(headers)) {
        /* (a strong reference: another thread may clear the cache meanwhile) */
        int found = PyDict_GetItemRef(s->hdr_cache, headers, &cap);
        if (found == 1) {
            *owner = cap;
            *out = PyCapsule_GetPointer(cap, APW_HEADER_LIST);
            return 0;
        }
        if (found < 0) {
            if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
                return -1;
            }
            PyErr_Clear();                                              /* not hashable */
            goto uncached;
        }
        if (apw_headers_from_py(st, s, headers, &list, &has_ctype) < 0 ||
            (!has_ctype && apw_slist_add(&list, "Content-Type: application/json") < 0)) {
            curl_slist_free_all(list);
            return -1;
        }
        cap = PyCapsule_New(list, APW_HEADER_LIST, apw_header_list_free);
        if (cap == NULL) {
            curl_slist_free_all(list);
            return -1;
        }
        if (PyDict_GET_SIZE(s->hdr_cache) >= APW_HEADER_CACHE_MAX) {
            PyDict_Clear(s->hdr_cache);
        }
        if (PyDict_SetItem(s->hdr_cache, headers, cap) < 0) {
            Py_DECREF(cap);
            return -1;
        }
        *owner = cap;
        *out = list;
        return 0;
    }
uncached:
    if (apw_headers_from_py(st, s, headers, &list, &has_ctype) < 0 ||
        (!has_ctype && apw_slist_add(&list, "Content-Type: application/json") < 0)) {
        curl_slist_free_all(list);
        return -1;
    }
    *out = list;
    return 0;
}

int
apw_slist_add(struct curl_slist **list, const char *line)
{
    struct curl_slist *nl = curl_slist_append(*list, line);

    if (nl == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *list = nl;
    return 0;
}

/* Response headers -> dict of lower-case name -> value (last one wins). */
PyObject *
apw_headers_to_py(const apw_xfer *x)
{
    PyObject *dict = PyDict_New();
    size_t i = 0;

    if (dict == NULL) {
        return NULL;
    }
    while (i < x->hdrs_len) {
        const char *line = x->hdrs + i;
        size_t end = i;
        size_t colon;
        size_t vstart;
        size_t vend;
        char name[256];
        size_t nlen;
        PyObject *k;
        PyObject *v;
        int rc;

        while (end < x->hdrs_len && x->hdrs[end] != '\n') {
            end++;
        }
        colon = i;
        while (colon < end && x->hdrs[colon] != ':') {
            colon++;
        }
        nlen = colon - i;
        if (colon >= end || nlen == 0 || nlen >= sizeof(name)) {
            i = end + 1;
            continue;                   /* blank line, folded or odd line */
        }
        for (size_t j = 0; j < nlen; j++) {
            char c = line[j];
            name[j] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        vstart = colon + 1;
        vend = end;
        while (vstart < vend && (x->hdrs[vstart] == ' ' || x->hdrs[vstart] == '\t')) {
            vstart++;
        }
        while (vend > vstart && (x->hdrs[vend - 1] == '\r' || x->hdrs[vend - 1] == ' ' ||
                                 x->hdrs[vend - 1] == '\t')) {
            vend--;
        }
        k = PyUnicode_DecodeLatin1(name, (Py_ssize_t)nlen, NULL);
        v = PyUnicode_DecodeLatin1(x->hdrs + vstart, (Py_ssize_t)(vend - vstart), NULL);
        rc = (k != NULL && v != NULL) ? PyDict_SetItem(dict, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0) {
            Py_DECREF(dict);
            return NULL;
        }
        i = end + 1;
    }
    return dict;
}

/* A header value kept by the callbacks as str, or None when it was absent. */
PyObject *
apw_kept_header(const char *value)
{
    if (value[0] == '\0') {
        return Py_NewRef(Py_None);
    }
    return PyUnicode_DecodeLatin1(value, (Py_ssize_t)strlen(value), NULL);
}
