/*
 * json_decode.c - JSON text -> Python objects: loads() and the decoder every
 * answer of the transport goes through (apw_json_decode).
 *
 * One pass over the text, building dict/list/str/int/float/bool/None as it
 * goes; no intermediate tree.  The parser is a loop over three states (a
 * value, an object key, what follows a value) with an explicit stack of open
 * containers (at most APW_JSON_MAX_DEPTH = 512), so nesting costs no C
 * recursion.  Finished values wait on a value stack; a closing bracket turns
 * its container's part of the stack into a list or dict made at final size.
 * Errors are found in document order and reported with a stdlib-like message
 * and position.
 *
 * Why not cJSON's parser (it was used before): its tree keeps neither a
 * number's text (so no exact integers beyond 2^53 and no telling 1 from 1.0)
 * nor a string's length (so no U+0000), and it accepts what JSON does not
 * (control bytes as whitespace, raw control characters in strings, leading
 * zeros, invalid UTF-8).  Decoding had to re-read the text beside it, and the
 * tree cost as much as the conversion.  cJSON still prints (json_encode.c).
 *
 * Strings.  A literal is validated and measured first (decoded length, ASCII
 * or not, escapes or not); one without escapes becomes a str straight from
 * the text, one with escapes is unescaped into a buffer first.  Dict keys go
 * through the key cache in module state: ASCII keys of 1..63 bytes, slot from
 * a multiplicative hash of the first/last 8 bytes and the length, two-way set
 * associative (slot and slot ^ 1), strong references.  Duplicate keys: the
 * last one wins (stdlib).  The cyclic GC is paused while a document is built
 * (apw_decode_guard).
 *
 * Integer policy: exact.  A number with integer syntax (no '.', no exponent)
 * always becomes an exact Python int of any size, limited by
 * sys.get_int_max_str_digits() (DecodeError beyond, with the position).
 * Floats come from PyOS_string_to_double (correctly rounded, like float()).
 * "1" -> int, "1.0" / "1e5" -> float, "-0" -> int 0, "-0.0" -> float -0.0.
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
 *
 * GIL: held throughout (every step builds Python objects), as json and orjson
 * do.  The input is never read past its length and needs no terminator.
 */
#include "apw.h"

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

PyObject *
apw_json_raise(apw_state *st, const apw_json_error *err)
{
    PyObject *exc = NULL;
    PyObject *pos = NULL;

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


/* ============================================================ objects */

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

/* An int from validated JSON integer text: exact at any size, limited only by
 * sys.get_int_max_str_digits() (ValueError beyond). */
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
    if (len - i <= 18) {                    /* < 10^18 < 2^63 */
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

/* A float from validated JSON number text (correctly rounded). */
static PyObject *
apw_float_from_text(const char *s, size_t len)
{
    char small[64];
    char *tmp = len < sizeof(small) ? small : (char *)PyMem_Malloc(len + 1);
    char *end = NULL;
    double d;
    PyObject *out = NULL;

    if (tmp == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    d = PyOS_string_to_double(tmp, &end, NULL);     /* overflow gives +-inf */
    if (d == -1.0 && PyErr_Occurred()) {
        goto done;
    }
    if (end != tmp + len) {
        PyErr_SetString(PyExc_ValueError, "invalid JSON number text");
        goto done;
    }
    out = PyFloat_FromDouble(d);
done:
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
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

/* ============================================================ the parser */

typedef struct apw_dec {
    apw_state *st;
    const unsigned char *b;
    size_t len;
    size_t p;
    apw_json_error *err;
    PyObject **stack;           /* finished values of the open containers */
    size_t top;
    size_t cap;
} apw_dec;

/* Push a new reference (stolen, also on failure).  0 or -1. */
static int
apw_dec_push(apw_dec *d, PyObject *o)
{
    if (d->top == d->cap) {
        size_t cap = d->cap * 2;
        PyObject **stack = PyMem_Realloc(d->stack, cap * sizeof(PyObject *));
        if (stack == NULL) {
            Py_DECREF(o);
            PyErr_NoMemory();
            return -1;
        }
        d->stack = stack;
        d->cap = cap;
    }
    d->stack[d->top++] = o;
    return 0;
}

/* Release the values above `base`. */
static void
apw_dec_unwind(apw_dec *d, size_t base)
{
    while (d->top > base) {
        d->top--;
        Py_DECREF(d->stack[d->top]);
    }
}

/* The string literal at d->p (a value, or a dict key when is_key).  NULL with
 * d->err filled, or with an exception set. */
static PyObject *
apw_dec_string(apw_dec *d, int is_key)
{
    size_t start = d->p + 1;
    unsigned char small[256];
    unsigned char *tmp = NULL;
    const char *s;
    apw_strinfo si;
    PyObject *out;

    if (apw_scan_string(d->b, d->len, &d->p, &si, d->err) < 0) {
        return NULL;
    }
    if (!si.escaped) {
        s = (const char *)d->b + start;
    }
    else {
        tmp = si.dlen <= sizeof(small) ? small : PyMem_Malloc(si.dlen);
        if (tmp == NULL) {
            return PyErr_NoMemory();
        }
        apw_unescape(d->b, start, d->p - 1, tmp);
        s = (const char *)tmp;
    }
    if (is_key && si.ascii && !si.nul && si.dlen >= 1 && si.dlen <= APW_KEY_LEN_MAX) {
        unsigned slot = apw_key_slot((const unsigned char *)s, si.dlen,
                                     si.escaped ? 0 : d->len - start);
        out = apw_key_cached(d->st, slot, s, si.dlen);
    }
    else {
        out = apw_str_from(s, si.dlen, si.ascii);
    }
    if (tmp != small) {
        PyMem_Free(tmp);
    }
    return out;
}

/* The number at d->p.  NULL with d->err filled, or with an exception set. */
static PyObject *
apw_dec_number(apw_dec *d)
{
    size_t n;
    int is_int;
    PyObject *out;

    if (apw_scan_number(d->b, d->len, d->p, &n, &is_int, d->err) < 0) {
        return NULL;
    }
    out = is_int ? apw_int_from_text((const char *)d->b + d->p, n)
                 : apw_float_from_text((const char *)d->b + d->p, n);
    if (out == NULL && PyErr_ExceptionMatches(PyExc_ValueError)) {
        /* More digits than sys.get_int_max_str_digits() allows: a decode
         * error at this position, carrying CPython's explanation. */
        PyObject *et, *ev, *tb;
        PyObject *text;
        const char *why;
        PyErr_Fetch(&et, &ev, &tb);
        text = ev != NULL ? PyObject_Str(ev) : NULL;
        why = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
        if (why != NULL) {
            apw_err_at(d->err, d->b, d->len, d->p, "%s", why);
            Py_XDECREF(et);
            Py_XDECREF(ev);
            Py_XDECREF(tb);
        }
        else {
            PyErr_Restore(et, ev, tb);
        }
        Py_XDECREF(text);
        return NULL;
    }
    d->p += n;
    return out;
}

/* The literal null/true/false at d->p; NULL with d->err if it is none. */
static PyObject *
apw_dec_literal(apw_dec *d)
{
    static const struct { const char *text; size_t n; } words[] = {
        {"null", 4}, {"true", 4}, {"false", 5},
    };
    PyObject *const values[] = {Py_None, Py_True, Py_False};

    for (size_t i = 0; i < 3; i++) {
        if (d->len - d->p >= words[i].n && memcmp(d->b + d->p, words[i].text, words[i].n) == 0) {
            d->p += words[i].n;
            return Py_NewRef(values[i]);
        }
    }
    apw_err_at(d->err, d->b, d->len, d->p, "Expecting value");
    return NULL;
}

/* The container whose members are the stack above `base`: a list, or a dict
 * of alternating keys and values.  The members are released. */
static PyObject *
apw_dec_build(apw_dec *d, size_t base, int is_object)
{
    Py_ssize_t n = (Py_ssize_t)(d->top - base);
    PyObject *out;

    if (!is_object) {
        out = PyList_New(n);
        if (out == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyList_SET_ITEM(out, i, d->stack[base + (size_t)i]);     /* steals */
        }
        d->top = base;
        return out;
    }
    out = apw_new_dict(n / 2);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i += 2) {
        if (PyDict_SetItem(out, d->stack[base + (size_t)i],
                           d->stack[base + (size_t)i + 1]) < 0) {
            Py_CLEAR(out);
            break;
        }
    }
    apw_dec_unwind(d, base);
    return out;
}

typedef enum { APW_S_VALUE, APW_S_KEY, APW_S_AFTER } apw_dec_state;

/* One open container: where its members start on the value stack. */
typedef struct apw_frame {
    size_t base;
    unsigned char close;        /* ']' or '}' */
} apw_frame;

/* Parse the document starting at d->p.  NULL with d->err filled (malformed
 * text, no exception), or with an exception set. */
static PyObject *
apw_dec_run(apw_dec *d)
{
    apw_frame frames[APW_JSON_MAX_DEPTH];
    int depth = 0;
    apw_dec_state state = APW_S_VALUE;
    PyObject *v;

    for (;;) {
        if (apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
            return NULL;
        }
        if (state == APW_S_VALUE) {
            unsigned char c = d->p < d->len ? d->b[d->p] : 0;

            if (d->p >= d->len) {
                apw_err_at(d->err, d->b, d->len, d->p, "Expecting value");
                return NULL;
            }
            if (c == '[' || c == '{') {
                if (depth == APW_JSON_MAX_DEPTH) {
                    apw_err_at(d->err, d->b, d->len, d->p, "Nesting deeper than %d levels",
                               APW_JSON_MAX_DEPTH);
                    return NULL;
                }
                frames[depth].base = d->top;
                frames[depth].close = c == '[' ? ']' : '}';
                depth++;
                d->p++;
                if (apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
                    return NULL;
                }
                if (d->p < d->len && d->b[d->p] == frames[depth - 1].close) {
                    d->p++;
                    v = apw_dec_build(d, frames[--depth].base, c == '{');
                }
                else {
                    state = c == '[' ? APW_S_VALUE : APW_S_KEY;
                    continue;
                }
            }
            else if (c == '"') {
                v = apw_dec_string(d, 0);
            }
            else if (c == '-' || (c >= '0' && c <= '9')) {
                v = apw_dec_number(d);
            }
            else {
                v = apw_dec_literal(d);
            }
            if (v == NULL || apw_dec_push(d, v) < 0) {
                return NULL;
            }
            state = APW_S_AFTER;
        }
        else if (state == APW_S_KEY) {
            if (d->p >= d->len || d->b[d->p] != '"') {
                apw_err_at(d->err, d->b, d->len, d->p,
                           "Expecting property name enclosed in double quotes");
                return NULL;
            }
            v = apw_dec_string(d, 1);
            if (v == NULL || apw_dec_push(d, v) < 0 ||
                apw_skip_ws(d->b, d->len, &d->p, d->err) < 0) {
                return NULL;
            }
            if (d->p >= d->len || d->b[d->p] != ':') {
                apw_err_at(d->err, d->b, d->len, d->p, "Expecting ':' delimiter");
                return NULL;
            }
            d->p++;
            state = APW_S_VALUE;
        }
        else if (depth == 0) {
            if (d->p != d->len) {
                apw_err_at(d->err, d->b, d->len, d->p, "Extra data");
                return NULL;
            }
            d->top = 0;
            return d->stack[0];                 /* the stack's reference */
        }
        else if (d->p < d->len && d->b[d->p] == ',') {
            d->p++;
            state = frames[depth - 1].close == ']' ? APW_S_VALUE : APW_S_KEY;
        }
        else if (d->p < d->len && d->b[d->p] == frames[depth - 1].close) {
            d->p++;
            depth--;
            v = apw_dec_build(d, frames[depth].base, frames[depth].close == '}');
            if (v == NULL || apw_dec_push(d, v) < 0) {
                return NULL;
            }
        }
        else {
            apw_err_at(d->err, d->b, d->len, d->p, "Expecting ',' delimiter");
            return NULL;
        }
    }
}

/* A document is built with the cyclic GC paused: a page makes thousands of
 * containers, each counted towards a collection that could not free any of
 * them.  No other thread runs meanwhile (the GIL stays held and no bytecode
 * runs), so nobody can observe the pause; the GC catches up at the next
 * allocation.  (PyGC_Disable exists from 3.10; 3.9 just builds.) */
typedef struct apw_decode_guard {
    int gc_enabled;
} apw_decode_guard;

static void
apw_decode_begin(apw_decode_guard *g)
{
#if PY_VERSION_HEX >= 0x030A0000
    g->gc_enabled = PyGC_Disable();
#else
    g->gc_enabled = 0;
#endif
}

static void
apw_decode_end(apw_decode_guard *g)
{
#if PY_VERSION_HEX >= 0x030A0000
    if (g->gc_enabled) {
        (void)PyGC_Enable();
    }
#else
    (void)g;
#endif
}

PyObject *
apw_json_decode(apw_state *st, const char *buf, size_t len, apw_json_error *err)
{
    apw_dec d;
    apw_decode_guard g;
    PyObject *out;

    err->msg[0] = '\0';
    err->offset = 0;
    d.st = st;
    d.b = (const unsigned char *)buf;
    d.len = len;
    d.err = err;
    /* A UTF-8 BOM at the start of bytes is skipped, as json.loads does. */
    d.p = (len >= 3 && d.b[0] == 0xEF && d.b[1] == 0xBB && d.b[2] == 0xBF) ? 3 : 0;
    d.top = 0;
    d.cap = 64;
    d.stack = PyMem_Malloc(d.cap * sizeof(PyObject *));
    if (d.stack == NULL) {
        return PyErr_NoMemory();
    }
    apw_decode_begin(&g);
    out = apw_dec_run(&d);
    apw_decode_end(&g);
    apw_dec_unwind(&d, 0);
    PyMem_Free(d.stack);
    return out;
}

PyObject *
apw_json_loads_buf(apw_state *st, const char *buf, size_t len)
{
    apw_json_error err;
    PyObject *out = apw_json_decode(st, buf, len, &err);

    if (out == NULL && !PyErr_Occurred()) {
        apw_json_raise(st, &err);
    }
    return out;
}

/* ============================================================ loads() */

/* The bytes of a loads() argument.  *tmp / *view are set when they must be
 * released. */
static int
apw_json_input(apw_state *st, PyObject *arg, const char **buf, size_t *len,
               PyObject **tmp, Py_buffer *view, int *have_view)
{
    if (PyUnicode_Check(arg)) {
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(arg) < 0) {
            return -1;
        }
#endif
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
apw_py_loads(PyObject *module, PyObject *arg)
{
    apw_state *st = apw_get_state(module);
    const char *buf = NULL;
    size_t len = 0;
    PyObject *tmp = NULL;
    Py_buffer view;
    int have_view = 0;
    PyObject *out = NULL;

    if (apw_json_input(st, arg, &buf, &len, &tmp, &view, &have_view) < 0) {
        goto done;
    }
    out = apw_json_loads_buf(st, buf, len);
done:
    if (have_view) {
        PyBuffer_Release(&view);
    }
    Py_XDECREF(tmp);
    return out;
}

PyDoc_STRVAR(apw_loads_doc,
"loads(data, /)\n--\n\n"
"Decode one JSON document (str, or UTF-8 bytes/bytearray/memoryview) into\n"
"dict/list/str/int/float/bool/None.  Integers are exact up to\n"
"sys.get_int_max_str_digits() digits.  Raises DecodeError (a ValueError)\n"
"with .pos = byte offset on malformed input.");

PyMethodDef apw_json_decode_methods[] = {
    {"loads", (PyCFunction)apw_py_loads, METH_O, apw_loads_doc},
    {NULL, NULL, 0, NULL},
};
