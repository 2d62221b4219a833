/*
 * core_api.h - the C API approw._core hands to approw._transport: its JSON
 * decoder and encoder, so that the transport decodes answers and encodes
 * request bodies with the same code (and the same dict-key cache) as
 * approw._core.loads/dumps without compiling it twice.
 *
 * approw._core publishes one apw_core_api as the capsule
 * approw._core._C_API (APW_CORE_API_CAPSULE); approw._transport takes it at
 * import and keeps a strong reference to approw._core, so the pointers stay
 * valid for as long as the transport module lives.
 */
#ifndef APW_CORE_API_H
#define APW_CORE_API_H

#include "shared.h"

#define APW_CORE_API_CAPSULE "approw._core._C_API"

/* Why a text is not JSON. */
typedef struct apw_json_error {
    char msg[200];
    size_t offset;     /* byte offset of the problem in the input */
} apw_json_error;

struct apw_json_ctx;   /* the decoder's context (core.h): DecodeError, key cache */

typedef struct apw_core_api {
    /* Decode one JSON document (GIL held).  A new reference, or NULL: with an
     * exception set (MemoryError, ...), or without one and `err` filled (the
     * text is not JSON). */
    PyObject *(*json_decode)(struct apw_json_ctx *ctx, const char *buf, size_t len,
                             apw_json_error *err);
    /* Compact JSON text of `obj` (GIL held): NUL-terminated, *len bytes, to be
     * released with json_free.  NULL with an exception set. */
    char *(*json_encode)(PyObject *obj, size_t *len);
    void (*json_free)(char *text);
    /* approw._core's decoder context, for json_decode. */
    struct apw_json_ctx *json;
} apw_core_api;

#endif /* APW_CORE_API_H */
