/*
 * json_scan.h - the byte-level scanner of json_decode.c: whitespace, string
 * literals (validated and measured, SSE2 where available), numbers, escapes and
 * the key-cache hash.  Pure C over the input bytes, no Python objects; included
 * by json_decode.c only, so that its static functions inline into the parse
 * loop (this is the hot path of every answer the SDK decodes).
 *
 * Strictness, matching the stdlib:
 *   - whitespace is only space, \t, \n, \r; other control bytes outside
 *     strings are an error;
 *   - raw control characters (< 0x20) inside strings are an error;
 *   - number syntax is JSON's: no leading zeros ("01"), no "1.", no ".5",
 *     no "1e", no "+1";
 *   - anything but whitespace after the value is "Extra data" (embedded NUL
 *     bytes included);
 *   - invalid UTF-8 anywhere in a string (overlong forms, encoded surrogates,
 *     > U+10FFFF, truncated sequences) is a DecodeError with its byte offset.
 * Stricter than the stdlib (documented differences):
 *   - \u escapes must form valid UTF-16: a lone surrogate escape is an error
 *     (the stdlib returns a str with a lone surrogate), and so are
 *     UTF-8-encoded surrogates in bytes (the stdlib decodes bytes with
 *     "surrogatepass");
 *   - NaN, Infinity, -Infinity are rejected (not JSON);
 *   - nesting deeper than APW_JSON_MAX_DEPTH (512) is a DecodeError (the
 *     stdlib raises RecursionError somewhere near 1000);
 *   - bytes are UTF-8 only (the stdlib also sniffs UTF-16/32);
 *   - a str argument with lone surrogates cannot be encoded: UnicodeEncodeError.
 * Lenient like the stdlib: a UTF-8 BOM at the start of bytes is skipped; a str
 * starting with U+FEFF is rejected ("Unexpected UTF-8 BOM"), as json.loads does.
 * Errors are DecodeError(CoreError, ValueError) with `pos` = byte offset (into
 * the UTF-8 text for str input) and "line L column C (byte B)" in the message;
 * columns count bytes.
 */
#ifndef APW_JSON_SCAN_H
#define APW_JSON_SCAN_H

#include "core.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Longest dict key kept in the key cache (bytes). */
#define APW_KEY_LEN_MAX 63

/* Bytes that end the fast path inside a string. */
static const unsigned char apw_str_special[256] = {
    [0x00 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xFF] = 1,
};

/* Bytes that can be part of a number's text. */
static const unsigned char apw_num_char[256] = {
    ['0' ... '9'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1,
};

/* ================================================================= errors */
/* ================================================================= errors */

static void
apw_err_at(apw_json_error *err, const unsigned char *b, size_t len, size_t pos,
           const char *fmt, ...)
{
    char what[112];
    va_list ap;
    size_t line = 1;
    size_t line_start = 0;
    size_t i;

    if (pos > len) {
        pos = len;
    }
    va_start(ap, fmt);
    if (vsnprintf(what, sizeof(what), fmt, ap) < 0) {
        what[0] = '\0';
    }
    va_end(ap);
    for (i = 0; i < pos; i++) {
        if (b[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    if (snprintf(err->msg, sizeof(err->msg), "%s: line %zu column %zu (byte %zu)",
                 what, line, pos - line_start + 1, pos) < 0) {
        err->msg[0] = '\0';
    }
    err->offset = pos;
}

/* ================================================================ scanning */

/* Skip JSON whitespace; any other byte < 0x20 is an error. */
static inline int
apw_skip_ws(const unsigned char *b, size_t len, size_t *pp, apw_json_error *err)
{
    size_t p = *pp;

    while (p < len) {
        unsigned char c = b[p];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            p++;
            continue;
        }
        if (c < 0x20) {
            *pp = p;
            apw_err_at(err, b, len, p, "Invalid control character 0x%02x outside a string", c);
            return -1;
        }
        break;
    }
    *pp = p;
    return 0;
}

/* Four hex digits at s -> 0..0xFFFF, or -1. */
static int
apw_hex4(const unsigned char *s)
{
    int v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        unsigned char c = s[i];
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        }
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            d = (c | 0x20) - 'a' + 10;
        }
        else {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* Length of the valid UTF-8 sequence starting at s (first byte >= 0x80), or 0. */
static size_t
apw_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;

    if (c < 0xC2) {
        return 0;
    }
    if (c < 0xE0) {
        return (avail >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    }
    if (c < 0xF0) {
        if (c == 0xE0) {
            lo = 0xA0;      /* overlong */
        }
        else if (c == 0xED) {
            hi = 0x9F;      /* UTF-16 surrogates */
        }
        if (avail < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) {
            return 0;
        }
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0) {
            lo = 0x90;      /* overlong */
        }
        else if (c == 0xF4) {
            hi = 0x8F;      /* > U+10FFFF */
        }
        if (avail < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80) {
            return 0;
        }
        return 4;
    }
    return 0;
}

/* First byte at or after q that is '"', '\\', < 0x20 or >= 0x80 (len if
 * none).  SSE2 (x86-64 baseline): a signed compare "< 0x20" also catches every
 * byte >= 0x80.  Elsewhere eight bytes at a time (for each test the lowest
 * flagged byte is exact: a borrow only flags bytes above a real match). */
static inline size_t
apw_skip_plain(const unsigned char *b, size_t len, size_t q)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);

    while (q + 16 <= len) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + q));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                              _mm_cmpeq_epi8(x, bslash)),
                                 _mm_cmplt_epi8(x, space));
        int bits = _mm_movemask_epi8(m);
        if (bits != 0) {
            return q + (size_t)__builtin_ctz((unsigned)bits);
        }
        q += 16;
    }
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t highs = 0x8080808080808080ULL;

    while (q + 8 <= len) {
        uint64_t x;
        uint64_t qu;
        uint64_t bs;
        uint64_t m;
        memcpy(&x, b + q, 8);
        qu = x ^ (ones * '"');
        bs = x ^ (ones * '\\');
        m = (((qu - ones) & ~qu) | ((bs - ones) & ~bs) | ((x - ones * 0x20) & ~x) | x) & highs;
        if (m != 0) {
            return q + ((size_t)__builtin_ctzll(m) >> 3);
        }
        q += 8;
    }
#endif
    while (q < len && !apw_str_special[b[q]]) {
        q++;
    }
    return q;
}

typedef struct apw_strinfo {
    size_t dlen;        /* decoded length in bytes */
    int escaped;        /* contains a backslash escape */
    int nul;            /* decodes to at least one U+0000 */
    int ascii;          /* decodes to ASCII only */
} apw_strinfo;

/* Validate the string literal whose opening quote is at *pp and measure it;
 * *pp ends just past the closing quote. */
static int
apw_scan_string_slow(const unsigned char *b, size_t len, size_t *pp, apw_strinfo *si,
                     apw_json_error *err)
{
    size_t start = *pp;
    size_t p = start + 1;
    size_t dlen = 0;
    int escaped = 0;
    int nul = 0;
    int ascii = 1;

    for (;;) {
        size_t q = p;
        unsigned char c;

        q = apw_skip_plain(b, len, q);
        dlen += q - p;
        p = q;
        if (p >= len) {
            goto unterminated;
        }
        c = b[p];
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            escaped = 1;
            if (p + 1 >= len) {
                goto unterminated;
            }
            switch (b[p + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                dlen++;
                p += 2;
                break;
            case 'u': {
                int cp = p + 6 <= len ? apw_hex4(b + p + 2) : -1;
                if (cp < 0) {
                    apw_err_at(err, b, len, p, "Invalid \\uXXXX escape");
                    return -1;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    int lo = (p + 12 <= len && b[p + 6] == '\\' && b[p + 7] == 'u')
                                 ? apw_hex4(b + p + 8) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        apw_err_at(err, b, len, p,
                                   "Unpaired high surrogate in \\u%04X escape", cp);
                        return -1;
                    }
                    dlen += 4;
                    ascii = 0;
                    p += 12;
                }
                else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    apw_err_at(err, b, len, p,
                               "Unpaired low surrogate in \\u%04X escape", cp);
                    return -1;
                }
                else {
                    if (cp == 0) {
                        nul = 1;
                    }
                    if (cp >= 0x80) {
                        ascii = 0;
                    }
                    dlen += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
                    p += 6;
                }
                break;
            }
            default:
                apw_err_at(err, b, len, p, "Invalid \\escape");
                return -1;
            }
        }
        else if (c < 0x20) {
            apw_err_at(err, b, len, p, "Invalid control character 0x%02x in string", c);
            return -1;
        }
        else {
            size_t n = apw_utf8_seq(b + p, len - p);
            if (n == 0) {
                apw_err_at(err, b, len, p, "Invalid UTF-8 byte 0x%02x in string", c);
                return -1;
            }
            dlen += n;
            p += n;
            ascii = 0;
        }
    }
    *pp = p + 1;
    si->dlen = dlen;
    si->escaped = escaped;
    si->nul = nul;
    si->ascii = ascii;
    return 0;

unterminated:
    apw_err_at(err, b, len, start, "Unterminated string starting at");
    return -1;
}

/* The common case inline: plain ASCII up to the closing quote. */
static inline int
apw_scan_string(const unsigned char *b, size_t len, size_t *pp, apw_strinfo *si,
                apw_json_error *err)
{
    size_t p = *pp + 1;
    size_t q = apw_skip_plain(b, len, p);

    if (q < len && b[q] == '"') {
        si->dlen = q - p;
        si->escaped = 0;
        si->nul = 0;
        si->ascii = 1;
        *pp = q + 1;
        return 0;
    }
    return apw_scan_string_slow(b, len, pp, si, err);
}

static inline int
apw_is_digit(const unsigned char *b, size_t i, size_t end)
{
    return i < end && b[i] >= '0' && b[i] <= '9';
}

/* Validate the number text at p: the maximal run of number characters must be
 * exactly one JSON number ("1-2" is one bad number, not 1 then -2). */
static int
apw_scan_number(const unsigned char *b, size_t len, size_t p, size_t *n, int *is_int,
                apw_json_error *err)
{
    size_t end = p;
    size_t i = p;

    while (end < len && apw_num_char[b[end]]) {
        end++;
    }
    *is_int = 1;
    if (i < end && b[i] == '-') {
        i++;
    }
    if (!apw_is_digit(b, i, end)) {
        goto bad;
    }
    if (b[i] == '0') {
        i++;
        if (apw_is_digit(b, i, end)) {
            apw_err_at(err, b, len, i - 1, "Invalid number (leading zero)");
            return -1;
        }
    }
    else {
        while (apw_is_digit(b, i, end)) {
            i++;
        }
    }
    if (i < end && b[i] == '.') {
        *is_int = 0;
        i++;
        if (!apw_is_digit(b, i, end)) {
            goto bad;
        }
        while (apw_is_digit(b, i, end)) {
            i++;
        }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
        *is_int = 0;
        i++;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        if (!apw_is_digit(b, i, end)) {
            goto bad;
        }
        while (apw_is_digit(b, i, end)) {
            i++;
        }
    }
    if (i != end) {
        goto bad;
    }
    *n = end - p;
    return 0;
bad:
    apw_err_at(err, b, len, i, "Invalid number");
    return -1;
}

/* Key cache slot of a key (1..APW_KEY_LEN_MAX bytes).  `s` may be read up to
 * `avail` bytes. */
static inline unsigned
apw_key_slot(const unsigned char *s, size_t len, size_t avail)
{
    uint64_t a = 0;
    uint64_t z = 0;
    uint64_t h;

    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&z, s + len - 8, 8);
    }
    else if (avail >= 8) {
        memcpy(&a, s, 8);
        a &= (1ULL << (8 * len)) - 1;
    }
    else {
        size_t i;
        for (i = 0; i < len; i++) {
            a |= (uint64_t)s[i] << (8 * i);
        }
    }
    /* Multiplicative hashing: the top bits of the product mix all input bits. */
    h = (a ^ (z * 0xC2B2AE3D27D4EB4FULL) ^ ((uint64_t)len << 56)) * 0x9E3779B97F4A7C15ULL;
    return (unsigned)(h >> 54);     /* 10 bits: APW_KEYCACHE_SIZE == 1024 */
}

/* ========================================================== unescaping */

/* Append the UTF-8 form of code point cp (<= U+10FFFF, not a surrogate). */
static unsigned char *
apw_put_utf8(unsigned char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    }
    else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | (cp >> 6));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | (cp >> 12));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    else {
        *o++ = (unsigned char)(0xF0 | (cp >> 18));
        *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decode the body b[p..end) of a string literal that apw_scan_string has
 * validated into `out` (room for its decoded length). */
static void
apw_unescape(const unsigned char *b, size_t p, size_t end, unsigned char *out)
{
    while (p < end) {
        unsigned char c = b[p];
        unsigned cp;

        if (c != '\\') {
            *out++ = c;
            p++;
            continue;
        }
        c = b[p + 1];
        p += 2;
        switch (c) {
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
            cp = (unsigned)apw_hex4(b + p);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* validated: a low surrogate escape follows */
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)apw_hex4(b + p + 2) - 0xDC00);
                p += 6;
            }
            out = apw_put_utf8(out, cp);
            break;
        default:                            /* '"', '\\', '/' */
            *out++ = c;
            break;
        }
    }
}
#endif /* APW_JSON_SCAN_H */
