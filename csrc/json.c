/*
 * json.c - cJSON <-> Python objects: loads(), dumps() and the C helpers http.c
 * uses (apw_json_parse / _to_py / _raise / _from_py / _print / _loads_buf).
 *
 * Decoding
 * --------
 * 1. cJSON_ParseWithLengthOpts() parses the bytes into a tree allocated from the
 *    thread's arena (arena.c).  We never call cJSON_GetErrorPtr() (a process
 *    global); note that cJSON still *writes* that global on every parse, a
 *    harmless race we cannot avoid and never read.
 * 2. A light scanner walks the source text in document order alongside the
 *    tree.  It enforces what cJSON does not (see Strictness), finds each
 *    number's text, each string's exact decoded length and whether it is
 *    ASCII.  Two forms share the scanning helpers:
 *    - apw_json_parse() (http.c; no GIL needed) annotates the tree for a later
 *      apw_json_to_py() on any subtree, with private type bits (above cJSON's
 *      0xFF type byte and its IsReference/StringIsConst bits, which cJSON
 *      ignores):
 *        number:    valuestring -> its text in the source (not NUL-terminated),
 *                   valueint = text length, cJSON_IsReference so cJSON_Delete
 *                   never frees it; APW_F_INT for integer syntax;
 *        string:    valueint = decoded byte length (so "\u0000" does not
 *                   truncate), APW_F_ASCII;
 *        container: valueint = member count (lists/dicts made at final size);
 *        key:       length and key-cache slot packed into the type bits; a key
 *                   that decodes to a NUL is copied into the arena behind its
 *                   length (APW_F_KEYLEN).
 *      The tree points into the source, which must outlive the conversion.
 *    - loads() walks and converts in one pass (apw_fused_to_py): the tree is
 *      touched once and strings/keys without escapes are taken straight from
 *      the source text.  The whole parse is memory-latency bound (the tree is
 *      ~3x the text), so both forms prefetch the next member.
 *    loads() releases the GIL during step 1 for immutable inputs (bytes, str)
 *    of 64 KiB or more.
 * 3. Conversion (GIL held) builds dict/list/str/int/float/bool/None directly.
 *    Dict keys go through the key cache in module state: ASCII keys of 1..63
 *    bytes, slot from a multiplicative hash of the first/last 8 bytes and the
 *    length, two-way set associative (slot and slot ^ 1), strong refs.
 *    Duplicate keys: the last one wins (stdlib).  The cyclic GC is paused
 *    during a conversion (apw_convert_begin) and the calling thread's cJSON
 *    allocations are routed to malloc meanwhile.
 * If cJSON rejects the text, a strict validator runs over it to report the
 * first error in document order with a stdlib-like message and position.  If
 * the validator finds the text valid, the rejection came from a cJSON limit:
 * upstream 1.7.15 cannot parse a number longer than 63 characters, so we parse
 * a copy in which such numbers are replaced by "0" plus spaces (same length,
 * same offsets) and take their values from the original text.  (Debian's
 * patched 1.7.15 parses long numbers itself; the fallback is then unused but
 * kept for other builds, and tested through _json_parse_fallback.)
 *
 * Integer policy: exact.  A number with integer syntax (no '.', no exponent)
 * always becomes an exact Python int of any size: from cJSON's double only when
 * the text has at most 15 characters (|v| < 10^15 < 2^53, so the correctly
 * rounded strtod result is exact), otherwise from the text itself, limited only
 * by sys.get_int_max_str_digits() (ValueError beyond, as in the stdlib).  Floats
 * come from cJSON's strtod (correctly rounded, like float()) or, for texts
 * longer than 63 characters, from PyOS_string_to_double.  "1" -> int,
 * "1.0" / "1e5" -> float, "-0" -> int 0, "-0.0" -> float -0.0.  dumps() writes
 * ints exactly (raw nodes with the decimal text) and floats as repr() does
 * (PyOS_double_to_string 'r', ".0" added), so json.loads(dumps(x)) == x for
 * every int and finite float.
 *
 * Strictness (decoding).  Stricter than cJSON, matching the stdlib:
 *   - whitespace is only space, \t, \n, \r (cJSON skips every byte <= 0x20,
 *     NUL included); other control bytes outside strings are an error;
 *   - raw control characters (< 0x20) inside strings are an error;
 *   - number syntax is JSON's: no leading zeros ("01"), no "1.", no ".5",
 *     no "1e", no "+1";
 *   - anything but whitespace after the value is "Extra data" (embedded NUL
 *     bytes included: nothing is truncated silently);
 *   - invalid UTF-8 anywhere in a string (overlong forms, encoded surrogates,
 *     > U+10FFFF, truncated sequences) is a DecodeError with its byte offset.
 * Stricter than the stdlib (documented differences):
 *   - \u escapes must form valid UTF-16: a lone surrogate escape is an error
 *     (the stdlib returns a str with a lone surrogate; cJSON cannot represent
 *     it), and so are UTF-8-encoded surrogates in bytes (the stdlib decodes
 *     bytes with "surrogatepass");
 *   - NaN, Infinity, -Infinity are rejected (not JSON);
 *   - nesting deeper than APW_JSON_MAX_DEPTH (512) is a DecodeError (the
 *     stdlib raises RecursionError somewhere near 1000);
 *   - bytes are UTF-8 only (the stdlib also sniffs UTF-16/32);
 *   - a str argument with lone surrogates cannot be encoded: UnicodeEncodeError.
 * Lenient like the stdlib: a UTF-8 BOM at the start of bytes is skipped; a str
 * starting with U+FEFF is rejected ("Unexpected UTF-8 BOM"), as json.loads does.
 * Errors are DecodeError(CoreError, ValueError) with `pos` = byte offset (into
 * the UTF-8 text for str input) and "line L column C (byte B)" in the message;
 * columns count bytes.  Documents larger than INT_MAX bytes are rejected.
 *
 * Encoding (dumps / apw_json_from_py)
 * -----------------------------------
 * A cJSON tree is built in the arena straight from the objects, then printed
 * unformatted by cJSON.  None/bool first (bool before int), then int, float,
 * str, dict, list/tuple; subclasses of int/float/str/dict/list serialise as
 * their base type using its C-level storage (no Python-level overrides are
 * called; an OrderedDict is written in its underlying dict's order).  Errors:
 * NaN/Infinity -> ValueError; non-str dict key -> TypeError (stricter than the
 * stdlib, which converts int/float/bool/None keys); unsupported type ->
 * TypeError "Object of type X is not JSON serializable"; nesting deeper than
 * 512 (which is how a circular structure ends) -> ValueError; a lone surrogate
 * in a str -> UnicodeEncodeError.  Output is UTF-8 without ensure_ascii
 * escaping.  cJSON strings are NUL-terminated, so a str containing U+0000
 * becomes a raw node holding its escaped literal, and an object with such a
 * key becomes a raw node holding its whole printed text; plain
 * cJSON_PrintUnformatted() therefore prints every tree from apw_json_from_py
 * correctly.  The tree belongs to the arena scope: never cJSON_Delete it.
 */
#include "apw.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Private node type bits (cJSON uses the low byte and bits 8-9):
 *   10-14  flags below
 *   15-20  key length 1..63 when the key is cacheable (ASCII, no NUL), else 0
 *   21-30  key cache slot (APW_KEYCACHE_SIZE == 1024) */
#define APW_F_TEXT      (1 << 10)   /* valuestring/valueint annotated */
#define APW_F_INT       (1 << 11)   /* number with integer syntax */
#define APW_F_LONG      (1 << 12)   /* float text longer than cJSON's buffer */
#define APW_F_ASCII     (1 << 13)   /* string value is pure ASCII */
#define APW_F_KEYLEN    (1 << 14)   /* key is preceded by its size_t length */
#define APW_KEY_LEN_SHIFT 15
#define APW_KEY_LEN_MAX 63
#define APW_KEY_SLOT_SHIFT 21

#if APW_KEYCACHE_SIZE != 1024
#error "the key cache slot is stored in 10 bits of cJSON.type"
#endif

/* Upstream cJSON 1.7.15's parse_number copies at most this many characters. */
#define APW_CJSON_NUMBER_MAX 63
/* loads() releases the GIL while parsing immutable inputs at least this big. */
#define APW_JSON_NOGIL_MIN ((size_t)64 * 1024)

/* Bytes that end the fast path inside a string. */
static const unsigned char apw_str_special[256] = {
    [0x00 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xFF] = 1,
};

/* Bytes cJSON (and we) take as part of a number's text. */
static const unsigned char apw_num_char[256] = {
    ['0' ... '9'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1,
};

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

static void
apw_err_nomem(apw_json_error *err)
{
    (void)snprintf(err->msg, sizeof(err->msg), "out of memory");
    err->offset = APW_JSON_ERR_NOMEM;
}

PyObject *
apw_json_raise(apw_state *st, const apw_json_error *err)
{
    PyObject *exc = NULL;
    PyObject *pos = NULL;

    if (err->offset == APW_JSON_ERR_NOMEM) {
        return PyErr_NoMemory();
    }
    exc = PyObject_CallFunction(st->DecodeError, "s",
                                err->msg[0] != '\0' ? err->msg : "malformed JSON");
    if (exc == NULL) {
        goto done;
    }
    pos = PyLong_FromSize_t(err->offset);
    if (pos == NULL || PyObject_SetAttrString(exc, "pos", pos) < 0) {
        goto done;
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
done:
    Py_XDECREF(pos);
    Py_XDECREF(exc);
    return NULL;
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

/* Validate the number text at p: the maximal run of number characters (what
 * cJSON consumes) must be exactly one JSON number. */
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

static int
apw_literal_len(const unsigned char *b, size_t len, size_t p)
{
    size_t left = len - p;

    if (left >= 4 && memcmp(b + p, "null", 4) == 0) {
        return 4;
    }
    if (left >= 4 && memcmp(b + p, "true", 4) == 0) {
        return 4;
    }
    if (left >= 5 && memcmp(b + p, "false", 5) == 0) {
        return 5;
    }
    return 0;
}

/* ====================================================== validator (errors) */

/* Strict validation of the whole text, run only after cJSON rejected it: finds
 * the first error in document order.  0 if the text is valid JSON; *nlong
 * counts numbers too long for upstream cJSON's buffer. */
static int
apw_validate(const unsigned char *b, size_t len, size_t p, apw_json_error *err,
             size_t *nlong)
{
    enum { APW_V_VALUE, APW_V_KEY, APW_V_AFTER } state = APW_V_VALUE;
    unsigned char stack[APW_JSON_MAX_DEPTH];
    int depth = 0;
    apw_strinfo si;

    *nlong = 0;
    for (;;) {
        if (apw_skip_ws(b, len, &p, err) < 0) {
            return -1;
        }
        if (state == APW_V_VALUE) {
            unsigned char c;
            size_t n;
            int is_int;
            int lit;

            if (p >= len) {
                apw_err_at(err, b, len, p, "Expecting value");
                return -1;
            }
            c = b[p];
            if (c == '[' || c == '{') {
                if (depth >= APW_JSON_MAX_DEPTH) {
                    apw_err_at(err, b, len, p, "Nesting deeper than %d levels",
                               APW_JSON_MAX_DEPTH);
                    return -1;
                }
                stack[depth++] = c;
                p++;
                if (apw_skip_ws(b, len, &p, err) < 0) {
                    return -1;
                }
                if (p < len && b[p] == (c == '[' ? ']' : '}')) {
                    depth--;
                    p++;
                    state = APW_V_AFTER;
                }
                else {
                    state = c == '[' ? APW_V_VALUE : APW_V_KEY;
                }
                continue;
            }
            if (c == '"') {
                if (apw_scan_string(b, len, &p, &si, err) < 0) {
                    return -1;
                }
            }
            else if (c == '-' || (c >= '0' && c <= '9')) {
                if (apw_scan_number(b, len, p, &n, &is_int, err) < 0) {
                    return -1;
                }
                if (n > APW_CJSON_NUMBER_MAX) {
                    (*nlong)++;
                }
                p += n;
            }
            else if ((lit = apw_literal_len(b, len, p)) > 0) {
                p += (size_t)lit;
            }
            else {
                apw_err_at(err, b, len, p, "Expecting value");
                return -1;
            }
            state = APW_V_AFTER;
        }
        else if (state == APW_V_KEY) {
            if (p >= len || b[p] != '"') {
                apw_err_at(err, b, len, p,
                           "Expecting property name enclosed in double quotes");
                return -1;
            }
            if (apw_scan_string(b, len, &p, &si, err) < 0 ||
                apw_skip_ws(b, len, &p, err) < 0) {
                return -1;
            }
            if (p >= len || b[p] != ':') {
                apw_err_at(err, b, len, p, "Expecting ':' delimiter");
                return -1;
            }
            p++;
            state = APW_V_VALUE;
        }
        else {
            unsigned char close;

            if (depth == 0) {
                if (p != len) {
                    apw_err_at(err, b, len, p, "Extra data");
                    return -1;
                }
                return 0;
            }
            close = stack[depth - 1] == '[' ? ']' : '}';
            if (p < len && b[p] == ',') {
                p++;
                state = stack[depth - 1] == '[' ? APW_V_VALUE : APW_V_KEY;
            }
            else if (p < len && b[p] == close) {
                depth--;
                p++;
            }
            else {
                apw_err_at(err, b, len, p, "Expecting ',' delimiter");
                return -1;
            }
        }
    }
}

/* ============================================================ annotation */

/* The members of a container are scattered over the arena and reached by
 * pointer chasing; fetching the next one while handling this one hides much
 * of the memory latency (the walk and the conversion are both bound by it). */
#if defined(__GNUC__)
#define APW_PREFETCH(p) __builtin_prefetch((const void *)(p))
#else
#define APW_PREFETCH(p) ((void)(p))
#endif

typedef struct apw_walk {
    const unsigned char *b;
    size_t len;
    size_t p;
    apw_json_error *err;
} apw_walk;

static int
apw_walk_mismatch(apw_walk *w)
{
    apw_err_at(w->err, w->b, w->len, w->p,
               "internal error: cJSON tree does not match the text");
    return -1;
}

/* Skip whitespace and consume the expected punctuation byte. */
static inline int
apw_walk_expect(apw_walk *w, unsigned char c)
{
    if (apw_skip_ws(w->b, w->len, &w->p, w->err) < 0) {
        return -1;
    }
    if (w->p >= w->len || w->b[w->p] != c) {
        return apw_walk_mismatch(w);
    }
    w->p++;
    return 0;
}

static int apw_walk_value(apw_walk *w, cJSON *node, int depth);

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

static int
apw_walk_key(apw_walk *w, cJSON *child)
{
    apw_strinfo si;
    size_t start;

    if (apw_skip_ws(w->b, w->len, &w->p, w->err) < 0) {
        return -1;
    }
    start = w->p + 1;
    if (w->p >= w->len || w->b[w->p] != '"' || child->string == NULL) {
        return apw_walk_mismatch(w);
    }
    if (apw_scan_string(w->b, w->len, &w->p, &si, w->err) < 0) {
        return -1;
    }
    if (si.ascii && !si.nul && si.dlen >= 1 && si.dlen <= APW_KEY_LEN_MAX) {
        /* Unescaped keys are hashed where they are (the bytes are the same);
         * escaped ones from cJSON's NUL-terminated copy. */
        unsigned slot = si.escaped
            ? apw_key_slot((const unsigned char *)child->string, si.dlen, 0)
            : apw_key_slot(w->b + start, si.dlen, w->len - start);
        child->type |= (int)((si.dlen << APW_KEY_LEN_SHIFT) | (slot << APW_KEY_SLOT_SHIFT));
    }
    if (si.nul) {
        /* cJSON's copy holds all si.dlen bytes but is read with strlen():
         * keep a copy behind its length instead. */
        char *blk = (char *)apw_arena_alloc(sizeof(size_t) + si.dlen + 1);
        if (blk == NULL) {
            apw_err_nomem(w->err);
            return -1;
        }
        memcpy(blk, &si.dlen, sizeof(size_t));
        memcpy(blk + sizeof(size_t), child->string, si.dlen);
        blk[sizeof(size_t) + si.dlen] = '\0';
        if (!(child->type & cJSON_StringIsConst)) {
            cJSON_free(child->string);      /* no-op inside the arena */
        }
        child->string = blk + sizeof(size_t);
        child->type |= cJSON_StringIsConst | APW_F_KEYLEN;
    }
    return 0;
}

static int
apw_walk_container(apw_walk *w, cJSON *node, int depth, int is_object)
{
    cJSON *child;
    int count = 0;

    if (depth >= APW_JSON_MAX_DEPTH) {
        apw_err_at(w->err, w->b, w->len, w->p, "Nesting deeper than %d levels",
                   APW_JSON_MAX_DEPTH);
        return -1;
    }
    w->p++;     /* the bracket, checked by the caller */
    for (child = node->child; child != NULL; child = child->next) {
        APW_PREFETCH(child->next);
        if (child != node->child && apw_walk_expect(w, ',') < 0) {
            return -1;
        }
        if (is_object && (apw_walk_key(w, child) < 0 || apw_walk_expect(w, ':') < 0)) {
            return -1;
        }
        if (apw_walk_value(w, child, depth + 1) < 0) {
            return -1;
        }
        count++;
    }
    /* valueint is unused by cJSON for containers: keep the member count. */
    node->valueint = count;
    node->type |= APW_F_TEXT;
    return apw_walk_expect(w, is_object ? '}' : ']');
}

static int
apw_walk_value(apw_walk *w, cJSON *node, int depth)
{
    const unsigned char *b = w->b;
    size_t n;
    int is_int;
    apw_strinfo si;

    if (apw_skip_ws(b, w->len, &w->p, w->err) < 0) {
        return -1;
    }
    if (w->p >= w->len) {
        return apw_walk_mismatch(w);
    }
    switch (node->type & 0xFF) {
    case cJSON_NULL:
    case cJSON_True:
    case cJSON_False: {
        static const char *const words[3] = {"false", "true", "null"};
        int t = node->type & 0xFF;
        const char *word = words[t == cJSON_False ? 0 : t == cJSON_True ? 1 : 2];
        n = strlen(word);
        if (w->len - w->p < n || memcmp(b + w->p, word, n) != 0) {
            return apw_walk_mismatch(w);
        }
        w->p += n;
        return 0;
    }
    case cJSON_Number:
        if (b[w->p] != '-' && (b[w->p] < '0' || b[w->p] > '9')) {
            return apw_walk_mismatch(w);
        }
        if (apw_scan_number(b, w->len, w->p, &n, &is_int, w->err) < 0) {
            return -1;
        }
        node->valuestring = (char *)(b + w->p);
        node->valueint = (int)n;
        node->type |= cJSON_IsReference | APW_F_TEXT;
        if (is_int) {
            node->type |= APW_F_INT;
        }
        else if (n > APW_CJSON_NUMBER_MAX) {
            node->type |= APW_F_LONG;
        }
        w->p += n;
        return 0;
    case cJSON_String:
        if (b[w->p] != '"' || node->valuestring == NULL) {
            return apw_walk_mismatch(w);
        }
        if (apw_scan_string(b, w->len, &w->p, &si, w->err) < 0) {
            return -1;
        }
        /* Cheap consistency check where strlen is exact. */
        if (si.escaped && !si.nul && strlen(node->valuestring) != si.dlen) {
            return apw_walk_mismatch(w);
        }
        node->valueint = (int)si.dlen;
        node->type |= APW_F_TEXT | (si.ascii ? APW_F_ASCII : 0);
        return 0;
    case cJSON_Array:
        if (b[w->p] != '[') {
            return apw_walk_mismatch(w);
        }
        return apw_walk_container(w, node, depth, 0);
    case cJSON_Object:
        if (b[w->p] != '{') {
            return apw_walk_mismatch(w);
        }
        return apw_walk_container(w, node, depth, 1);
    default:
        return apw_walk_mismatch(w);
    }
}

static int
apw_annotate(const unsigned char *b, size_t len, size_t start, cJSON *root,
             apw_json_error *err)
{
    apw_walk w;

    w.b = b;
    w.len = len;
    w.p = start;
    w.err = err;
    if (apw_walk_value(&w, root, 0) < 0 || apw_skip_ws(b, len, &w.p, err) < 0) {
        return -1;
    }
    if (w.p != len) {
        apw_err_at(err, b, len, w.p, "Extra data");
        return -1;
    }
    return 0;
}

/* =============================================================== parsing */

/* cJSON parse; a tree not allocated from our arena (the hooks were replaced)
 * is handed to the arena for cJSON_Delete at the pop.  -1: out of memory. */
static int
apw_cjson_parse(const char *buf, size_t len, cJSON **root)
{
    uint64_t allocs = apw_arena_alloc_count();
    const char *end = NULL;

    *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (*root != NULL && apw_arena_alloc_count() == allocs &&
        apw_arena_defer_delete(*root) < 0) {
        cJSON_Delete(*root);
        *root = NULL;
        return -1;
    }
    return 0;
}

/* Parse a copy in which numbers too long for cJSON are replaced by "0" and
 * spaces (same offsets); the walk then reads them from the original text.
 * `b` must be valid JSON. */
static cJSON *
apw_parse_patched(const unsigned char *b, size_t len, size_t start, apw_json_error *err)
{
    unsigned char *copy = (unsigned char *)apw_arena_alloc(len + 1);
    cJSON *root = NULL;
    size_t p = start;

    if (copy == NULL) {
        apw_err_nomem(err);
        return NULL;
    }
    memcpy(copy, b, len);
    copy[len] = '\0';
    while (p < len) {
        unsigned char c = copy[p];
        if (c == '"') {
            p++;
            while (p < len && copy[p] != '"') {
                p += copy[p] == '\\' ? 2 : 1;
            }
            p++;
        }
        else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t q = p;
            while (q < len && apw_num_char[copy[q]]) {
                q++;
            }
            if (q - p > APW_CJSON_NUMBER_MAX) {
                copy[p] = '0';
                memset(copy + p + 1, ' ', q - p - 1);
            }
            p = q;
        }
        else {
            p++;
        }
    }
    if (apw_cjson_parse((const char *)copy, len, &root) < 0) {
        apw_err_nomem(err);
        return NULL;
    }
    if (root == NULL) {
        apw_err_at(err, b, len, 0, "internal error: cJSON rejected a valid document");
        return NULL;
    }
    return root;
}

/* The cJSON stage: a tree for the whole text, not yet checked against it
 * (the caller walks it: apw_annotate or apw_fused_to_py).  *start is where
 * the value starts (after a UTF-8 BOM). */
static cJSON *
apw_parse_tree(const char *buf, size_t len, apw_json_error *err, int force_patched,
               size_t *start)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t nlong = 0;
    uint64_t fails;
    cJSON *root = NULL;

    err->msg[0] = '\0';
    err->offset = 0;
    *start = 0;
    if (!apw_arena_active()) {
        apw_err_nomem(err);     /* the push failed: out of memory */
        return NULL;
    }
    if (len > (size_t)INT_MAX) {
        apw_err_at(err, b, 0, 0, "Document larger than %d bytes", INT_MAX);
        return NULL;
    }
    *start = (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ? 3 : 0;
    fails = apw_arena_fail_count();
    if (!force_patched && len > 0) {
        if (apw_cjson_parse(buf, len, &root) < 0) {
            apw_err_nomem(err);
            return NULL;
        }
        if (root != NULL) {
            return root;
        }
        if (apw_arena_fail_count() != fails) {
            apw_err_nomem(err);
            return NULL;
        }
    }
    /* cJSON rejected the text: find the first error ourselves. */
    if (apw_validate(b, len, *start, err, &nlong) < 0) {
        return NULL;
    }
    if (nlong == 0 && !force_patched) {
        apw_err_at(err, b, len, 0, "internal error: cJSON rejected a valid document");
        return NULL;
    }
    return apw_parse_patched(b, len, *start, err);
}

cJSON *
apw_json_parse(const char *buf, size_t len, apw_json_error *err)
{
    size_t start = 0;
    cJSON *root = apw_parse_tree(buf, len, err, 0, &start);

    if (root == NULL || apw_annotate((const unsigned char *)buf, len, start, root, err) < 0) {
        return NULL;
    }
    return root;
}

/* =========================================================== cJSON -> Python */

static PyObject *
apw_ascii_str(const char *s, size_t len)
{
    PyObject *o = PyUnicode_New((Py_ssize_t)len, 127);

    if (o != NULL) {
        memcpy(PyUnicode_1BYTE_DATA(o), s, len);
    }
    return o;
}

/* A str from `len` bytes of validated UTF-8. */
static inline PyObject *
apw_str_from(const char *s, size_t len, int ascii)
{
    if (ascii) {
        return apw_ascii_str(s, len);
    }
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "strict");
}

/* memcmp for short keys without the call (reads only within both). */
static inline int
apw_bytes_equal(const char *a, const char *b, size_t len)
{
    while (len >= 8) {
        uint64_t x;
        uint64_t y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) {
            return 0;
        }
        a += 8;
        b += 8;
        len -= 8;
    }
    while (len > 0) {
        if (*a++ != *b++) {
            return 0;
        }
        len--;
    }
    return 1;
}

static inline int
apw_key_matches(PyObject *key, const char *s, size_t len)
{
    return key != NULL && (size_t)PyUnicode_GET_LENGTH(key) == len &&
           apw_bytes_equal((const char *)PyUnicode_1BYTE_DATA(key), s, len);
}

/* A dict key of 1..APW_KEY_LEN_MAX ASCII bytes through the key cache.  Two-way
 * set associative: a key lives in its slot or in the neighbour (slot ^ 1), the
 * most recently inserted one in its own slot, so two hot keys that hash alike
 * do not evict each other on every object. */
static PyObject *
apw_key_cached(apw_state *st, unsigned slot, const char *s, size_t len)
{
    PyObject **home = &st->keycache[slot & (APW_KEYCACHE_SIZE - 1)];
    PyObject **other = &st->keycache[(slot ^ 1) & (APW_KEYCACHE_SIZE - 1)];
    PyObject *key;

    if (apw_key_matches(*home, s, len)) {
        Py_INCREF(*home);
        return *home;
    }
    if (apw_key_matches(*other, s, len)) {
        Py_INCREF(*other);
        return *other;
    }
    key = apw_ascii_str(s, len);
    if (key == NULL) {
        return NULL;
    }
    Py_INCREF(key);
    /* The new key takes `home`; its old occupant moves to the neighbour,
     * dropping what was there. */
    if (*home != NULL) {
        Py_XSETREF(*other, *home);
    }
    *home = key;
    return key;
}

static PyObject *
apw_int_from_text(const char *s, size_t len)
{
    char small[80];
    char *tmp = small;
    size_t i = 0;
    int neg = 0;
    PyObject *out;

    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (len - i <= 18) {
        long long v = 0;
        for (; i < len; i++) {
            v = v * 10 + (s[i] - '0');
        }
        return PyLong_FromLongLong(neg ? -v : v);
    }
    if (len >= sizeof(small)) {
        tmp = (char *)PyMem_Malloc(len + 1);
        if (tmp == NULL) {
            return PyErr_NoMemory();
        }
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    out = PyLong_FromString(tmp, NULL, 10);
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
}

static PyObject *
apw_float_from_text(const char *s, size_t len)
{
    char *tmp = (char *)PyMem_Malloc(len + 1);
    char *end = NULL;
    double d;

    if (tmp == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    d = PyOS_string_to_double(tmp, &end, NULL);
    if (d == -1.0 && PyErr_Occurred()) {
        PyMem_Free(tmp);
        return NULL;
    }
    if (end != tmp + len) {
        PyMem_Free(tmp);
        PyErr_SetString(PyExc_ValueError, "invalid JSON number text");
        return NULL;
    }
    PyMem_Free(tmp);
    return PyFloat_FromDouble(d);
}

/* A number node whose source text is `text` (n bytes, validated). */
static PyObject *
apw_number_from(const cJSON *node, const char *text, size_t n, int is_int)
{
    if (is_int) {
        /* Up to 15 characters cJSON's double is exact (|v| < 10^15 < 2^53,
         * correctly rounded strtod); beyond, the text decides. */
        if (n <= 15) {
            return PyLong_FromLongLong((long long)node->valuedouble);
        }
        return apw_int_from_text(text, n);
    }
    if (n > APW_CJSON_NUMBER_MAX) {
        return apw_float_from_text(text, n);
    }
    return PyFloat_FromDouble(node->valuedouble);
}

static PyObject *
apw_new_dict(Py_ssize_t count)
{
    /* Presizing saves the 4-5 resizes of a 60-key user object. */
#if PY_VERSION_HEX < 0x030D0000
    return count > 5 ? _PyDict_NewPresized(count) : PyDict_New();
#else
    (void)count;
    return PyDict_New();
#endif
}

/* ------------------------------------------- annotated tree (apw_json_to_py) */

static PyObject *apw_to_py(apw_state *st, const cJSON *node, int depth);

static PyObject *
apw_string_to_py(const cJSON *node)
{
    const char *s = node->valuestring;
    size_t len;

    if (s == NULL) {
        return PyUnicode_New(0, 0);
    }
    len = ((node->type & APW_F_TEXT) && node->valueint >= 0) ? (size_t)node->valueint
                                                              : strlen(s);
    return apw_str_from(s, len, (node->type & APW_F_ASCII) != 0);
}

static PyObject *
apw_number_to_py(const cJSON *node)
{
    if ((node->type & APW_F_TEXT) && node->valuestring != NULL && node->valueint > 0) {
        return apw_number_from(node, node->valuestring, (size_t)node->valueint,
                               (node->type & APW_F_INT) != 0);
    }
    return PyFloat_FromDouble(node->valuedouble);   /* not from apw_json_parse */
}

static PyObject *
apw_key_to_py(apw_state *st, const cJSON *child)
{
    const char *s = child->string;
    unsigned t = (unsigned)child->type;
    size_t len = (t >> APW_KEY_LEN_SHIFT) & APW_KEY_LEN_MAX;

    if (s == NULL) {
        PyErr_SetString(st->CoreError, "internal error: JSON object member without a key");
        return NULL;
    }
    if (len != 0) {
        return apw_key_cached(st, t >> APW_KEY_SLOT_SHIFT, s, len);
    }
    if (t & APW_F_KEYLEN) {
        memcpy(&len, s - sizeof(size_t), sizeof(size_t));
    }
    else {
        len = strlen(s);
    }
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "strict");
}

/* Member count: annotated by the walk, else counted. */
static Py_ssize_t
apw_child_count(const cJSON *node)
{
    const cJSON *c;
    Py_ssize_t count = 0;

    if ((node->type & APW_F_TEXT) && node->valueint >= 0) {
        return node->valueint;
    }
    for (c = node->child; c != NULL; c = c->next) {
        count++;
    }
    return count;
}

static PyObject *
apw_array_to_py(apw_state *st, const cJSON *node, int depth)
{
    const cJSON *c;
    Py_ssize_t count = apw_child_count(node);
    Py_ssize_t i = 0;
    PyObject *list = PyList_New(count);

    if (list == NULL) {
        return NULL;
    }
    for (c = node->child; c != NULL && i < count; c = c->next) {
        PyObject *item;
        APW_PREFETCH(c->next);
        item = apw_to_py(st, c, depth + 1);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);   /* steals */
        i++;
    }
    if (i != count || c != NULL) {
        Py_DECREF(list);
        PyErr_SetString(st->CoreError, "internal error: JSON array changed while converting");
        return NULL;
    }
    return list;
}

static PyObject *
apw_object_to_py(apw_state *st, const cJSON *node, int depth)
{
    const cJSON *c;
    PyObject *dict = apw_new_dict(apw_child_count(node));

    if (dict == NULL) {
        return NULL;
    }
    for (c = node->child; c != NULL; c = c->next) {
        PyObject *key;
        PyObject *value;
        int rc;

        APW_PREFETCH(c->next);
        key = apw_key_to_py(st, c);
        if (key == NULL) {
            goto error;
        }
        value = apw_to_py(st, c, depth + 1);
        if (value == NULL) {
            Py_DECREF(key);
            goto error;
        }
        rc = PyDict_SetItem(dict, key, value);
        Py_DECREF(key);
        Py_DECREF(value);
        if (rc < 0) {
            goto error;
        }
    }
    return dict;
error:
    Py_DECREF(dict);
    return NULL;
}

static PyObject *
apw_to_py(apw_state *st, const cJSON *node, int depth)
{
    PyObject *out;

    switch (node->type & 0xFF) {
    case cJSON_NULL:
        Py_RETURN_NONE;
    case cJSON_True:
        Py_RETURN_TRUE;
    case cJSON_False:
        Py_RETURN_FALSE;
    case cJSON_Number:
        return apw_number_to_py(node);
    case cJSON_String:
        return apw_string_to_py(node);
    case cJSON_Array:
    case cJSON_Object:
        if (depth >= APW_JSON_MAX_DEPTH) {
            PyErr_Format(PyExc_ValueError, "JSON nested deeper than %d levels",
                         APW_JSON_MAX_DEPTH);
            return NULL;
        }
        if (Py_EnterRecursiveCall(" while converting JSON")) {
            return NULL;
        }
        out = (node->type & 0xFF) == cJSON_Array ? apw_array_to_py(st, node, depth)
                                                 : apw_object_to_py(st, node, depth);
        Py_LeaveRecursiveCall();
        return out;
    default:
        PyErr_Format(st->CoreError, "internal error: cannot convert cJSON node type %d",
                     node->type & 0xFF);
        return NULL;
    }
}

/* Conversion runs with the GC paused: a page makes thousands of containers,
 * each counted towards a collection that could not free any of them.  No
 * other thread can run meanwhile (no bytecode runs, the GIL stays held), so
 * nobody can observe the pause; the GC catches up at the next allocation.
 * cJSON allocations made on this thread meanwhile (finalizers of objects we
 * free on an error path) are routed to malloc, not to the arena. */
typedef struct apw_convert_guard {
    int arena_state;
    int gc_enabled;
} apw_convert_guard;

static void
apw_convert_begin(apw_convert_guard *g)
{
    g->arena_state = apw_arena_suspend();
#if PY_VERSION_HEX >= 0x030A0000
    g->gc_enabled = PyGC_Disable();
#else
    g->gc_enabled = 0;
#endif
}

static void
apw_convert_end(apw_convert_guard *g)
{
#if PY_VERSION_HEX >= 0x030A0000
    if (g->gc_enabled) {
        (void)PyGC_Enable();
    }
#endif
    apw_arena_resume(g->arena_state);
}

PyObject *
apw_json_to_py(apw_state *st, const cJSON *node)
{
    apw_convert_guard g;
    PyObject *out;

    apw_convert_begin(&g);
    out = apw_to_py(st, node, 0);
    apw_convert_end(&g);
    return out;
}

/* ------------------------------------ fused walk + conversion (loads) */

/* loads() converts the whole document right away, so it walks the text and
 * builds the objects in one pass instead of annotating first: the tree is
 * touched once, strings and keys without escapes are taken straight from the
 * (warm) source text, and members are gathered on a value stack so containers
 * are created at their final size.  The checks are the walk's own helpers. */
typedef struct apw_fused {
    apw_state *st;
    apw_walk w;
    PyObject **stack;
    size_t top;
    size_t cap;
} apw_fused;

static PyObject *apw_fused_value(apw_fused *f, const cJSON *node, int depth);

/* Push a new reference (stolen, also on failure). */
static int
apw_fused_push(apw_fused *f, PyObject *o)
{
    if (f->top == f->cap) {
        size_t cap = f->cap * 2;
        PyObject **stack = PyMem_Realloc(f->stack, cap * sizeof(PyObject *));
        if (stack == NULL) {
            Py_DECREF(o);
            PyErr_NoMemory();
            return -1;
        }
        f->stack = stack;
        f->cap = cap;
    }
    f->stack[f->top++] = o;
    return 0;
}

static void
apw_fused_unwind(apw_fused *f, size_t base)
{
    while (f->top > base) {
        f->top--;
        Py_DECREF(f->stack[f->top]);
    }
}

/* A string or key whose literal starts at w->p: straight from the source when
 * it has no escapes, else from cJSON's decoded copy `decoded`. */
static PyObject *
apw_fused_string(apw_fused *f, const char *decoded, int is_key)
{
    apw_walk *w = &f->w;
    size_t start = w->p + 1;
    apw_strinfo si;
    const char *s;

    if (w->p >= w->len || w->b[w->p] != '"' || decoded == NULL) {
        apw_walk_mismatch(w);
        return NULL;
    }
    if (apw_scan_string(w->b, w->len, &w->p, &si, w->err) < 0) {
        return NULL;
    }
    if (!si.escaped) {
        s = (const char *)w->b + start;
    }
    else {
        if (!si.nul && strlen(decoded) != si.dlen) {
            apw_walk_mismatch(w);
            return NULL;
        }
        s = decoded;
    }
    if (is_key && si.ascii && si.dlen >= 1 && si.dlen <= APW_KEY_LEN_MAX) {
        unsigned slot = apw_key_slot((const unsigned char *)s, si.dlen,
                                     si.escaped ? 0 : w->len - start);
        return apw_key_cached(f->st, slot, s, si.dlen);
    }
    return apw_str_from(s, si.dlen, si.ascii);
}

static PyObject *
apw_fused_container(apw_fused *f, const cJSON *node, int depth, int is_object)
{
    apw_walk *w = &f->w;
    size_t base = f->top;
    const cJSON *c;
    PyObject *out = NULL;
    Py_ssize_t n;
    Py_ssize_t i;

    if (depth >= APW_JSON_MAX_DEPTH) {
        apw_err_at(w->err, w->b, w->len, w->p, "Nesting deeper than %d levels",
                   APW_JSON_MAX_DEPTH);
        return NULL;
    }
    w->p++;     /* the bracket, checked by the caller */
    for (c = node->child; c != NULL; c = c->next) {
        PyObject *item;

        APW_PREFETCH(c->next);
        if (c != node->child && apw_walk_expect(w, ',') < 0) {
            goto done;
        }
        if (is_object) {
            if (apw_skip_ws(w->b, w->len, &w->p, w->err) < 0) {
                goto done;
            }
            item = apw_fused_string(f, c->string, 1);
            if (item == NULL || apw_fused_push(f, item) < 0 ||
                apw_walk_expect(w, ':') < 0) {
                goto done;
            }
        }
        item = apw_fused_value(f, c, depth + 1);
        if (item == NULL || apw_fused_push(f, item) < 0) {
            goto done;
        }
    }
    if (apw_walk_expect(w, is_object ? '}' : ']') < 0) {
        goto done;
    }
    n = (Py_ssize_t)(f->top - base);
    if (!is_object) {
        out = PyList_New(n);
        if (out == NULL) {
            goto done;
        }
        for (i = 0; i < n; i++) {
            PyList_SET_ITEM(out, i, f->stack[base + (size_t)i]);   /* steals */
        }
        f->top = base;
        goto done;
    }
    out = apw_new_dict(n / 2);
    if (out == NULL) {
        goto done;
    }
    for (i = 0; i < n; i += 2) {
        if (PyDict_SetItem(out, f->stack[base + (size_t)i], f->stack[base + (size_t)i + 1]) < 0) {
            Py_CLEAR(out);
            goto done;
        }
    }
done:
    /* Whatever is still on the stack above `base` (the dict's members, or
     * everything after a failure) is released here. */
    apw_fused_unwind(f, base);
    return out;
}

static PyObject *
apw_fused_value(apw_fused *f, const cJSON *node, int depth)
{
    apw_walk *w = &f->w;
    const unsigned char *b = w->b;
    size_t n;
    int is_int;
    PyObject *out;

    if (apw_skip_ws(b, w->len, &w->p, w->err) < 0) {
        return NULL;
    }
    if (w->p >= w->len) {
        apw_walk_mismatch(w);
        return NULL;
    }
    switch (node->type & 0xFF) {
    case cJSON_NULL:
        if (w->len - w->p < 4 || memcmp(b + w->p, "null", 4) != 0) {
            break;
        }
        w->p += 4;
        Py_RETURN_NONE;
    case cJSON_True:
        if (w->len - w->p < 4 || memcmp(b + w->p, "true", 4) != 0) {
            break;
        }
        w->p += 4;
        Py_RETURN_TRUE;
    case cJSON_False:
        if (w->len - w->p < 5 || memcmp(b + w->p, "false", 5) != 0) {
            break;
        }
        w->p += 5;
        Py_RETURN_FALSE;
    case cJSON_Number:
        if (b[w->p] != '-' && (b[w->p] < '0' || b[w->p] > '9')) {
            break;
        }
        if (apw_scan_number(b, w->len, w->p, &n, &is_int, w->err) < 0) {
            return NULL;
        }
        out = apw_number_from(node, (const char *)b + w->p, n, is_int);
        w->p += n;
        return out;
    case cJSON_String:
        return apw_fused_string(f, node->valuestring, 0);
    case cJSON_Array:
    case cJSON_Object:
        if (b[w->p] != ((node->type & 0xFF) == cJSON_Array ? '[' : '{')) {
            break;
        }
        if (Py_EnterRecursiveCall(" while converting JSON")) {
            return NULL;
        }
        out = apw_fused_container(f, node, depth, (node->type & 0xFF) == cJSON_Object);
        Py_LeaveRecursiveCall();
        return out;
    default:
        break;
    }
    apw_walk_mismatch(w);
    return NULL;
}

/* Walk the text of a tree from apw_parse_tree and convert it.  NULL with a
 * Python exception set, or with *err filled (no exception) for bad JSON. */
static PyObject *
apw_fused_to_py(apw_state *st, const char *buf, size_t len, size_t start,
                const cJSON *root, apw_json_error *err)
{
    apw_fused f;
    apw_convert_guard g;
    PyObject *out = NULL;

    f.st = st;
    f.w.b = (const unsigned char *)buf;
    f.w.len = len;
    f.w.p = start;
    f.w.err = err;
    f.top = 0;
    f.cap = 256;
    f.stack = PyMem_Malloc(f.cap * sizeof(PyObject *));
    if (f.stack == NULL) {
        return PyErr_NoMemory();
    }
    apw_convert_begin(&g);
    out = apw_fused_value(&f, root, 0);
    apw_convert_end(&g);
    if (out != NULL) {
        if (apw_skip_ws(f.w.b, len, &f.w.p, err) < 0) {
            Py_CLEAR(out);
        }
        else if (f.w.p != len) {
            apw_err_at(err, f.w.b, len, f.w.p, "Extra data");
            Py_CLEAR(out);
        }
    }
    apw_fused_unwind(&f, 0);
    PyMem_Free(f.stack);
    return out;
}

/* =========================================================== Python -> cJSON */

static cJSON *
apw_node_new(int type)
{
    cJSON *n = (cJSON *)apw_arena_alloc(sizeof(cJSON));

    if (n == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memset(n, 0, sizeof(*n));
    n->type = type;
    return n;
}

static char *
apw_arena_strdup(const char *s, size_t len)
{
    char *out = (char *)apw_arena_alloc(len + 1);

    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* UTF-8 copy of a str in the arena (NUL-terminated, *len bytes).  *has_nul
 * tells whether it contains U+0000; with `nul_as_ff` those are stored as the
 * byte 0xFF instead (never valid in UTF-8; see apw_nul_keys_to_raw). */
static char *
apw_str_to_utf8(PyObject *str, size_t *len, int *has_nul, int nul_as_ff)
{
    Py_ssize_t n;
    Py_ssize_t i;
    int kind;
    const void *data;
    size_t max;
    unsigned char *out;
    unsigned char *o;

    *has_nul = 0;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(str) < 0) {
        return NULL;
    }
#endif
    n = PyUnicode_GET_LENGTH(str);
    if (PyUnicode_IS_ASCII(str)) {
        char *s = apw_arena_strdup((const char *)PyUnicode_1BYTE_DATA(str), (size_t)n);
        if (s != NULL && memchr(s, '\0', (size_t)n) != NULL) {
            *has_nul = 1;
            for (i = 0; nul_as_ff && i < n; i++) {
                if (s[i] == '\0') {
                    s[i] = (char)0xFF;
                }
            }
        }
        *len = (size_t)n;
        return s;
    }
    kind = PyUnicode_KIND(str);
    data = PyUnicode_DATA(str);
    max = (size_t)n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4);
    out = (unsigned char *)apw_arena_alloc(max + 1);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    o = out;
    for (i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch < 0x80) {
            if (ch == 0) {
                *has_nul = 1;
                *o++ = nul_as_ff ? 0xFF : 0;
            }
            else {
                *o++ = (unsigned char)ch;
            }
        }
        else if (ch < 0x800) {
            *o++ = (unsigned char)(0xC0 | (ch >> 6));
            *o++ = (unsigned char)(0x80 | (ch & 0x3F));
        }
        else if (ch < 0x10000) {
            if (Py_UNICODE_IS_SURROGATE(ch)) {
                PyObject *exc = PyObject_CallFunction(
                    PyExc_UnicodeEncodeError, "sOnns", "utf-8", str, i, i + 1,
                    "surrogates not allowed");
                if (exc != NULL) {
                    PyErr_SetObject(PyExc_UnicodeEncodeError, exc);
                    Py_DECREF(exc);
                }
                return NULL;
            }
            *o++ = (unsigned char)(0xE0 | (ch >> 12));
            *o++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (ch & 0x3F));
        }
        else {
            *o++ = (unsigned char)(0xF0 | (ch >> 18));
            *o++ = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
            *o++ = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (ch & 0x3F));
        }
    }
    *o = '\0';
    *len = (size_t)(o - out);
    return (char *)out;
}

/* A JSON string literal (quotes included) for `len` UTF-8 bytes that may
 * contain NULs, escaped the way cJSON would plus "\u0000" for NUL. */
static char *
apw_escape_literal(const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t need = 3;
    size_t i;
    char *out;
    char *o;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        need += c == '"' || c == '\\' ? 2 : c < 0x20 ? 6 : 1;
    }
    out = (char *)apw_arena_alloc(need);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    o = out;
    *o++ = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20) {
            *o++ = '\\';
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
        else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static cJSON *
apw_raw_node(const char *text, size_t len)
{
    cJSON *n = apw_node_new(cJSON_Raw | cJSON_IsReference);

    if (n == NULL) {
        return NULL;
    }
    n->valuestring = apw_arena_strdup(text, len);
    return n->valuestring != NULL ? n : NULL;
}

static cJSON *
apw_int_node(PyObject *obj)
{
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    PyObject *text = NULL;
    cJSON *n = NULL;

    if (v == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!overflow) {
        char buf[24];
        char *p = buf + sizeof(buf);
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u != 0);
        if (v < 0) {
            *--p = '-';
        }
        return apw_raw_node(p, (size_t)(buf + sizeof(buf) - p));
    }
    /* Beyond 64 bits: int.__repr__ of the base type (subclass overrides are
     * not called); honours sys.set_int_max_str_digits like the stdlib. */
    text = PyLong_Type.tp_repr(obj);
    if (text == NULL) {
        return NULL;
    }
    n = apw_raw_node((const char *)PyUnicode_1BYTE_DATA(text),
                     (size_t)PyUnicode_GET_LENGTH(text));
    Py_DECREF(text);
    return n;
}

static cJSON *
apw_float_node(PyObject *obj)
{
    double d = PyFloat_AS_DOUBLE(obj);
    char *text;
    cJSON *n;

    if (!isfinite(d)) {
        PyErr_Format(PyExc_ValueError,
                     "Out of range float values are not JSON compliant: %s",
                     isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
        return NULL;
    }
    text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) {
        return NULL;
    }
    n = apw_raw_node(text, strlen(text));
    PyMem_Free(text);
    return n;
}

static cJSON *apw_from_py(apw_state *st, PyObject *obj, int depth);

static void
apw_link(cJSON *parent, cJSON **tail, cJSON *child)
{
    if (*tail == NULL) {
        parent->child = child;
    }
    else {
        (*tail)->next = child;
        child->prev = *tail;
    }
    *tail = child;
    parent->child->prev = child;    /* cJSON keeps the tail in head->prev */
}

static char *apw_print_arena(const cJSON *root, size_t *lenp);

/* cJSON prints keys with strlen(), so a key containing U+0000 cannot be a
 * plain key.  Such keys were stored with 0xFF for NUL; print this object
 * (its members are already final: strings with NUL are raw literals, inner
 * objects with NUL keys are raw text), turn the 0xFF bytes - which can only
 * come from this object's keys - into "\u0000", and make the object a raw
 * node.  Rare, so simplicity wins over speed. */
static cJSON *
apw_nul_keys_to_raw(cJSON *node)
{
    size_t len = 0;
    size_t nff = 0;
    size_t i;
    char *text = apw_print_arena(node, &len);
    char *out;
    char *o;

    if (text == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (i = 0; i < len; i++) {
        nff += (unsigned char)text[i] == 0xFF;
    }
    out = (char *)apw_arena_alloc(len + 5 * nff + 1);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (o = out, i = 0; i < len; i++) {
        if ((unsigned char)text[i] == 0xFF) {
            memcpy(o, "\\u0000", 6);
            o += 6;
        }
        else {
            *o++ = text[i];
        }
    }
    *o = '\0';
    node->type = cJSON_Raw | cJSON_IsReference;
    node->child = NULL;
    node->valuestring = out;
    return node;
}

static cJSON *
apw_dict_node(apw_state *st, PyObject *obj, int depth)
{
    cJSON *node = apw_node_new(cJSON_Object);
    cJSON *tail = NULL;
    Py_ssize_t pos = 0;
    PyObject *key;
    PyObject *value;
    int nul_keys = 0;

    if (node == NULL) {
        return NULL;
    }
    /* No Python code runs while we iterate (see the notes at the top), so the
     * dict cannot change under us. */
    while (PyDict_Next(obj, &pos, &key, &value)) {
        cJSON *child;
        size_t klen;
        int has_nul;
        if (!PyUnicode_Check(key)) {
            PyErr_Format(PyExc_TypeError, "Dict key must be str, not %.200s",
                         Py_TYPE(key)->tp_name);
            return NULL;
        }
        child = apw_from_py(st, value, depth + 1);
        if (child == NULL) {
            return NULL;
        }
        child->string = apw_str_to_utf8(key, &klen, &has_nul, 1);
        if (child->string == NULL) {
            return NULL;
        }
        nul_keys |= has_nul;
        child->type |= cJSON_StringIsConst;
        apw_link(node, &tail, child);
    }
    return nul_keys ? apw_nul_keys_to_raw(node) : node;
}

static cJSON *
apw_seq_node(apw_state *st, PyObject *obj, int depth)
{
    cJSON *node = apw_node_new(cJSON_Array);
    cJSON *tail = NULL;
    int is_list = PyList_Check(obj);
    Py_ssize_t i;

    if (node == NULL) {
        return NULL;
    }
    for (i = 0; i < (is_list ? PyList_GET_SIZE(obj) : PyTuple_GET_SIZE(obj)); i++) {
        PyObject *item = is_list ? PyList_GET_ITEM(obj, i) : PyTuple_GET_ITEM(obj, i);
        cJSON *child = apw_from_py(st, item, depth + 1);
        if (child == NULL) {
            return NULL;
        }
        apw_link(node, &tail, child);
    }
    return node;
}

static cJSON *
apw_container_node(apw_state *st, PyObject *obj, int depth, int is_dict)
{
    cJSON *out;

    if (depth >= APW_JSON_MAX_DEPTH) {
        PyErr_Format(PyExc_ValueError,
                     "Object nesting deeper than %d levels (circular reference?)",
                     APW_JSON_MAX_DEPTH);
        return NULL;
    }
    if (Py_EnterRecursiveCall(" while serializing to JSON")) {
        return NULL;
    }
    out = is_dict ? apw_dict_node(st, obj, depth) : apw_seq_node(st, obj, depth);
    Py_LeaveRecursiveCall();
    return out;
}

static cJSON *
apw_from_py(apw_state *st, PyObject *obj, int depth)
{
    cJSON *n;
    const char *name;
    const char *dot;

    if (PyUnicode_Check(obj)) {
        size_t len;
        int has_nul;
        char *text = apw_str_to_utf8(obj, &len, &has_nul, 0);
        if (text == NULL) {
            return NULL;
        }
        if (has_nul) {
            /* cJSON would stop at the NUL: write the literal ourselves. */
            n = apw_node_new(cJSON_Raw | cJSON_IsReference);
            if (n == NULL || (n->valuestring = apw_escape_literal(text, len)) == NULL) {
                return NULL;
            }
            return n;
        }
        n = apw_node_new(cJSON_String | cJSON_IsReference);
        if (n != NULL) {
            n->valuestring = text;
        }
        return n;
    }
    if (obj == Py_None) {
        return apw_node_new(cJSON_NULL);
    }
    if (obj == Py_True) {
        return apw_node_new(cJSON_True);
    }
    if (obj == Py_False) {
        return apw_node_new(cJSON_False);
    }
    if (PyLong_Check(obj)) {
        return apw_int_node(obj);
    }
    if (PyFloat_Check(obj)) {
        return apw_float_node(obj);
    }
    if (PyDict_Check(obj)) {
        return apw_container_node(st, obj, depth, 1);
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        return apw_container_node(st, obj, depth, 0);
    }
    name = Py_TYPE(obj)->tp_name;
    dot = strrchr(name, '.');
    PyErr_Format(PyExc_TypeError, "Object of type %.200s is not JSON serializable",
                 dot != NULL ? dot + 1 : name);
    return NULL;
}

cJSON *
apw_json_from_py(apw_state *st, PyObject *obj)
{
    int state;
    cJSON *out;

    if (!apw_arena_active()) {
        PyErr_NoMemory();       /* the push failed */
        return NULL;
    }
    state = apw_arena_suspend();
    out = apw_from_py(st, obj, 0);
    apw_arena_resume(state);
    return out;
}

/* Print into the arena (a copy when cJSON did not allocate from it: hooks
 * replaced, or routing suspended). */
static char *
apw_print_arena(const cJSON *root, size_t *lenp)
{
    uint64_t allocs = apw_arena_alloc_count();
    char *text = cJSON_PrintUnformatted(root);
    size_t len;

    if (text == NULL) {
        return NULL;
    }
    len = strlen(text);
    if (apw_arena_alloc_count() == allocs) {
        char *copy = (char *)apw_arena_alloc(len + 1);
        if (copy != NULL) {
            memcpy(copy, text, len + 1);
        }
        cJSON_free(text);
        text = copy;
        if (text == NULL) {
            return NULL;
        }
    }
    *lenp = len;
    return text;
}

char *
apw_json_print(const cJSON *root, size_t *lenp)
{
    return apw_print_arena(root, lenp);
}

/* ============================================================ entry points */

static PyObject *
apw_json_loads_impl(apw_state *st, const char *buf, size_t len, int release_gil,
                    int force_patched)
{
    apw_arena_mark mark = apw_arena_push();
    apw_json_error err;
    size_t start = 0;
    cJSON *root = NULL;
    PyObject *out = NULL;

    if (release_gil) {
        Py_BEGIN_ALLOW_THREADS
        root = apw_parse_tree(buf, len, &err, force_patched, &start);
        Py_END_ALLOW_THREADS
    }
    else {
        root = apw_parse_tree(buf, len, &err, force_patched, &start);
    }
    if (root == NULL) {
        apw_json_raise(st, &err);
        goto done;
    }
    out = apw_fused_to_py(st, buf, len, start, root, &err);
    if (out == NULL && !PyErr_Occurred()) {
        apw_json_raise(st, &err);
    }
done:
    apw_arena_pop(mark);
    return out;
}

PyObject *
apw_json_loads_buf(apw_state *st, const char *buf, size_t len)
{
    return apw_json_loads_impl(st, buf, len, 0, 0);
}

/* The bytes of a loads() argument.  *tmp / *view are set when they must be
 * released; *immutable tells whether the GIL may be released while parsing. */
static int
apw_json_input(apw_state *st, PyObject *arg, const char **buf, size_t *len,
               PyObject **tmp, Py_buffer *view, int *have_view, int *immutable)
{
    *immutable = 0;
    if (PyUnicode_Check(arg)) {
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(arg) < 0) {
            return -1;
        }
#endif
        *immutable = 1;
        if (PyUnicode_IS_ASCII(arg)) {
            *buf = (const char *)PyUnicode_1BYTE_DATA(arg);
            *len = (size_t)PyUnicode_GET_LENGTH(arg);
            return 0;
        }
        if (PyUnicode_READ_CHAR(arg, 0) == 0xFEFF) {
            apw_json_error err;
            (void)snprintf(err.msg, sizeof(err.msg),
                           "Unexpected UTF-8 BOM (decode using utf-8-sig): "
                           "line 1 column 1 (byte 0)");
            err.offset = 0;
            apw_json_raise(st, &err);
            return -1;
        }
        *tmp = PyUnicode_AsUTF8String(arg);
        if (*tmp == NULL) {
            return -1;
        }
        *buf = PyBytes_AS_STRING(*tmp);
        *len = (size_t)PyBytes_GET_SIZE(*tmp);
        return 0;
    }
    if (PyBytes_Check(arg)) {
        *immutable = 1;
        *buf = PyBytes_AS_STRING(arg);
        *len = (size_t)PyBytes_GET_SIZE(arg);
        return 0;
    }
    if (PyByteArray_Check(arg) || PyMemoryView_Check(arg)) {
        if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) < 0) {
            return -1;
        }
        *have_view = 1;
        *buf = (const char *)view->buf;
        *len = (size_t)view->len;
        return 0;
    }
    PyErr_Format(PyExc_TypeError,
                 "the JSON document must be str, bytes, bytearray or memoryview, not %.200s",
                 Py_TYPE(arg)->tp_name);
    return -1;
}

static PyObject *
apw_json_loads_arg(PyObject *module, PyObject *arg, int force_patched)
{
    apw_state *st = apw_get_state(module);
    const char *buf = NULL;
    size_t len = 0;
    PyObject *tmp = NULL;
    Py_buffer view;
    int have_view = 0;
    int immutable = 0;
    PyObject *out = NULL;

    if (apw_json_input(st, arg, &buf, &len, &tmp, &view, &have_view, &immutable) < 0) {
        goto done;
    }
    out = apw_json_loads_impl(st, buf, len, immutable && len >= APW_JSON_NOGIL_MIN,
                              force_patched);
done:
    if (have_view) {
        PyBuffer_Release(&view);
    }
    Py_XDECREF(tmp);
    return out;
}

static PyObject *
apw_py_loads(PyObject *module, PyObject *arg)
{
    return apw_json_loads_arg(module, arg, 0);
}

static PyObject *
apw_py_json_parse_fallback(PyObject *module, PyObject *arg)
{
    return apw_json_loads_arg(module, arg, 1);
}

static PyObject *
apw_py_dumps(PyObject *module, PyObject *obj)
{
    apw_state *st = apw_get_state(module);
    apw_arena_mark mark = apw_arena_push();
    cJSON *tree = NULL;
    char *text = NULL;
    size_t len = 0;
    PyObject *out = NULL;

    tree = apw_json_from_py(st, obj);
    if (tree == NULL) {
        goto done;
    }
    text = apw_json_print(tree, &len);
    if (text == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    out = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
done:
    apw_arena_pop(mark);
    return out;
}

/* Test support: what http.c does with an answer - parse the whole document,
 * convert only the member `key` of the top-level object (KeyError if absent). */
static PyObject *
apw_py_json_subtree(PyObject *module, PyObject *args)
{
    apw_state *st = apw_get_state(module);
    const char *buf = NULL;
    Py_ssize_t len = 0;
    const char *key = NULL;
    apw_arena_mark mark;
    apw_json_error err;
    cJSON *root = NULL;
    cJSON *sub = NULL;
    PyObject *out = NULL;

    if (!PyArg_ParseTuple(args, "y#s:_json_subtree", &buf, &len, &key)) {
        return NULL;
    }
    mark = apw_arena_push();
    Py_BEGIN_ALLOW_THREADS
    root = apw_json_parse(buf, (size_t)len, &err);
    Py_END_ALLOW_THREADS
    if (root == NULL) {
        apw_json_raise(st, &err);
        goto done;
    }
    sub = cJSON_GetObjectItemCaseSensitive(root, key);
    if (sub == NULL) {
        PyErr_SetString(PyExc_KeyError, key);
        goto done;
    }
    out = apw_json_to_py(st, sub);
done:
    apw_arena_pop(mark);
    return out;
}

static PyObject *
apw_py_json_default_hooks(PyObject *module, PyObject *arg)
{
    int flag = PyObject_IsTrue(arg);

    (void)module;
    if (flag < 0) {
        return NULL;
    }
    apw_arena_install_hooks(!flag);
    Py_RETURN_NONE;
}

static PyObject *
apw_py_arena_info(PyObject *module, PyObject *unused)
{
    apw_arena_info info;

    (void)module;
    (void)unused;
    apw_arena_get_info(&info);
    return Py_BuildValue("{sKsKsnsnsnsi}", "allocs", (unsigned long long)info.allocs,
                         "failures", (unsigned long long)info.failures,
                         "chunks", (Py_ssize_t)info.chunks,
                         "reserved", (Py_ssize_t)info.reserved,
                         "committed", (Py_ssize_t)info.committed,
                         "active", info.active);
}

PyDoc_STRVAR(apw_loads_doc,
"loads(data, /)\n--\n\n"
"Decode one JSON document (str, or UTF-8 bytes/bytearray/memoryview) into\n"
"dict/list/str/int/float/bool/None.  Integers are exact at any size.\n"
"Raises DecodeError (a ValueError) with .pos = byte offset on malformed input.");

PyDoc_STRVAR(apw_dumps_doc,
"dumps(obj, /)\n--\n\n"
"Encode obj as compact UTF-8 JSON bytes.  Supports dict (str keys), list,\n"
"tuple, str, int (exact), float (repr), bool and None.");

PyMethodDef apw_json_methods[] = {
    {"loads", (PyCFunction)apw_py_loads, METH_O, apw_loads_doc},
    {"dumps", (PyCFunction)apw_py_dumps, METH_O, apw_dumps_doc},
    {"_json_subtree", (PyCFunction)apw_py_json_subtree, METH_VARARGS,
     "Test support: parse bytes, convert only top-level member `key`."},
    {"_json_parse_fallback", (PyCFunction)apw_py_json_parse_fallback, METH_O,
     "Test support: loads() through the long-number fallback path."},
    {"_json_default_hooks", (PyCFunction)apw_py_json_default_hooks, METH_O,
     "Test support: True installs cJSON's default malloc/free hooks, False ours. "
     "Process-wide, not thread-safe."},
    {"_arena_info", (PyCFunction)apw_py_arena_info, METH_NOARGS,
     "Test support: statistics of the calling thread's cJSON arena."},
    {NULL, NULL, 0, NULL},
};

int
apw_json_exec(PyObject *module, apw_state *st)
{
    (void)module;
    (void)st;
    if (apw_arena_setup() < 0) {
        PyErr_SetString(PyExc_ImportError,
                        "approw._core: cannot set up the cJSON arena (pthread_key_create failed)");
        return -1;
    }
    return 0;
}
