/*
 * headers.c - libFuzzer harness: the transport's answer-header path, compiled
 * in (csrc/transport/callbacks.c, headers.c).  The input is fed to the header
 * callback line by line (status lines, 1xx blocks, Retry-After, the request id,
 * Content-Length size hints, over-long and malformed lines), under a small
 * header limit; the kept lines then become the Python dict of the answer, and
 * the rest of the input goes to the body callback under a small body limit.
 * Invariants: the limits hold, kept values are NUL-terminated and bounded, and
 * the dict is built (or MemoryError), never a crash or a leak.
 */
#include "fuzz_python.h"
#include "transport.h"

#include <string.h>

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    Py_InitializeEx(0);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apw_xfer x;
    size_t i = 0;
    PyObject *dict, *kept;

    memset(&x, 0, sizeof(x));
    x.max_headers = 4096;
    x.max_body = 2048;
    x.keep_headers = size > 0 && (data[0] & 1);
    /* header lines, up to the first empty line (as libcurl delivers them) */
    while (i < size) {
        size_t end = i;
        size_t n;
        while (end < size && data[end] != '\n') {
            end++;
        }
        n = (end < size ? end + 1 : end) - i;
        char *line = malloc(n);             /* an exact-size copy: overreads show */
        if (line == NULL) {
            abort();
        }
        memcpy(line, data + i, n);
        size_t took = apw_cb_header(line, 1, n, &x);
        free(line);
        if (took != n) {
            if (!x.headers_too_large && took != 0) {
                abort();
            }
            break;
        }
        i += n;
        if (x.headers_done && (n <= 2)) {
            break;
        }
    }
    if (x.hdrs_total > x.max_headers && !x.headers_too_large) {
        abort();
    }
    if (strlen(x.retry_after) >= sizeof(x.retry_after) || strlen(x.request_id) >= sizeof(x.request_id)) {
        abort();
    }
    dict = apw_headers_to_py(&x);
    if (dict == NULL) {
        apw_fz_fail("apw_headers_to_py");
    }
    Py_DECREF(dict);
    kept = apw_kept_header(x.retry_after);
    if (kept == NULL) {
        apw_fz_fail("apw_kept_header");
    }
    Py_DECREF(kept);
    /* the body, in chunks of up to 97 bytes */
    while (i < size && !x.body_too_large) {
        size_t n = size - i < 97 ? size - i : 97;
        char *chunk = malloc(n);
        if (chunk == NULL) {
            abort();
        }
        memcpy(chunk, data + i, n);
        if (apw_cb_write(chunk, 1, n, &x) != n && !x.body_too_large) {
            abort();
        }
        free(chunk);
        i += n;
    }
    if (x.body_len > x.max_body) {
        abort();
    }
    {
        /* apw_header_value_ok reads a NUL-terminated string of n bytes (a str's UTF-8, as
         * Python hands it): give it one, so an embedded NUL is what it must find */
        char *value = malloc(size + 1);
        if (value == NULL) {
            abort();
        }
        memcpy(value, data, size);
        value[size] = '\0';
        if (apw_header_value_ok(value, (Py_ssize_t)size) !=
            (memchr(data, '\r', size) == NULL && memchr(data, '\n', size) == NULL &&
             memchr(data, '\0', size) == NULL)) {
            abort();
        }
        free(value);
    }
    apw_xfer_release(&x);
    return 0;
}
