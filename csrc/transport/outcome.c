/*
 * outcome.c - what a failed transfer means for the request it carried.
 *
 * The rule, for every transport path (perform.c, and any other driver of a
 * transfer): once libcurl was about to send a request that is not idempotent
 * (the prerequest callback ran, so some of its bytes may have reached the
 * server), every failure is ambiguous - the server may have applied it - and
 * is raised as AmbiguousRequestError, which is never retried: a fresh
 * connection that closes with no answer, half an answer, a reset, a timeout,
 * libcurl's own limit on 1xx header blocks.  The exceptions are answers over
 * the size limits (the server answered: ResponseTooLargeError).  A failure
 * before that point (refused, DNS, TLS handshake, connect timeout) means the
 * request was never sent, and keeps its own exception (retryable for a
 * mutation only with retry_mutations).
 */
#include "transport.h"

int
apw_failure_is_ambiguous(const apw_xfer *x, CURLcode cc)
{
    if (x->resend_refused || cc == CURLE_SEND_FAIL_REWIND) {
        return 1;                       /* a second send was refused */
    }
    if (x->idempotent || x->attempts == 0) {
        return 0;                       /* safe to repeat, or never sent */
    }
    if (x->body_too_large || x->headers_too_large ||
        (cc == CURLE_OUT_OF_MEMORY && !x->headers_done)) {
        return 0;                       /* an answer came, over a size limit */
    }
    return 1;
}
