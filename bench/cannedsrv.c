/*
 * cannedsrv: a single-threaded epoll HTTP/1.1 server that answers GraphQL
 * requests with precomputed bodies.  Benchmark fixture, not part of the SDK.
 *
 *   cannedsrv [--port N] [--watch-stdin] DIR
 *
 * DIR holds one JSON body per canned answer (see CS_ROUTES below).  The
 * server binds 127.0.0.1:N (0 = any free port), prints "PORT <n>" on stdout,
 * and serves until SIGTERM/SIGINT or, with --watch-stdin, until its standard
 * input reaches end of file (so it dies with the process that started it).
 *
 * POST /graphql/v2: the body must be a JSON object whose "query" member is a
 * GraphQL document; the root field of the document's operation selects the
 * answer (__schema = introspection, accessToken, users, user,
 * loginByUsername).  Anything else gets a GraphQL error envelope.
 * GET /__stats: request counters as JSON.
 *
 * Requests are parsed in full (headers, Content-Length body; pipelining and
 * "Expect: 100-continue" are handled); chunked request bodies are refused
 * with 411.  Keep-alive follows HTTP/1.1 rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CS_MAX_HEADER (64 * 1024)
#define CS_MAX_BODY (64u * 1024u * 1024u)
#define CS_MAX_EVENTS 256
#define CS_READ_CHUNK (64 * 1024)

enum cs_route { CS_INTROSPECTION, CS_TOKEN, CS_USERS, CS_USER, CS_LOGIN, CS_NROUTES };

static const char *const CS_ROUTE_FILE[CS_NROUTES] = {
    "introspection.json", "accessToken.json", "users.json", "user.json", "loginByUsername.json",
};
static const char *const CS_ROUTE_FIELD[CS_NROUTES] = {
    "__schema", "accessToken", "users", "user", "loginByUsername",
};

enum cs_kind { CS_KIND_LISTEN, CS_KIND_SIGNAL, CS_KIND_STDIN, CS_KIND_CONN };

typedef struct cs_conn {
    enum cs_kind kind;
    int fd;
    char *in;
    size_t in_len, in_cap;
    char *out;
    size_t out_off, out_len, out_cap;
    int close_after_write;
    int continue_sent;
    int epollout;
    struct cs_conn *prev, *next; /* open connections, owned by the server */
} cs_conn;

typedef struct cs_server {
    int ep;
    cs_conn listener, sig, in;
    cs_conn *conns;
    char *body[CS_NROUTES];
    size_t body_len[CS_NROUTES];
    unsigned long long hits[CS_NROUTES];
    unsigned long long requests, unknown, connections, open_connections, continues;
    int stop;
} cs_server;

static void
cs_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cannedsrv: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int
cs_read_file(const char *dir, const char *name, char **out, size_t *out_len)
{
    char path[4096];
    FILE *f = NULL;
    char *buf = NULL;
    long size;
    int rc = -1;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        cs_log("path too long: %s/%s", dir, name);
        goto done;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        cs_log("cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        cs_log("cannot size %s: %s", path, strerror(errno));
        goto done;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL) {
        cs_log("out of memory reading %s", path);
        goto done;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        cs_log("short read on %s", path);
        goto done;
    }
    buf[size] = '\0';
    *out = buf;
    *out_len = (size_t)size;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (f != NULL)
        fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ output */

static int
cs_out_append(cs_conn *c, const char *data, size_t len)
{
    if (c->out_off > 0 && c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
    }
    if (c->out_len + len > c->out_cap) {
        size_t live = c->out_len - c->out_off;
        if (c->out_off > 0) {
            memmove(c->out, c->out + c->out_off, live);
            c->out_off = 0;
            c->out_len = live;
        }
        if (c->out_len + len > c->out_cap) {
            size_t cap = c->out_cap ? c->out_cap : 4096;
            char *p;
            while (cap < c->out_len + len)
                cap *= 2;
            p = realloc(c->out, cap);
            if (p == NULL)
                return -1;
            c->out = p;
            c->out_cap = cap;
        }
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return 0;
}

/* Send header + body: write directly when nothing is queued, queue the rest. */
static int
cs_send(cs_conn *c, const char *head, size_t head_len, const char *body, size_t body_len)
{
    size_t done_len = 0;

    if (c->out_len == c->out_off) {
        struct iovec iov[2];
        ssize_t n;
        iov[0].iov_base = (void *)head;
        iov[0].iov_len = head_len;
        iov[1].iov_base = (void *)body;
        iov[1].iov_len = body_len;
        do {
            n = writev(c->fd, iov, body_len ? 2 : 1);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -1;
            n = 0;
        }
        done_len = (size_t)n;
    }
    if (done_len < head_len) {
        if (cs_out_append(c, head + done_len, head_len - done_len) < 0)
            return -1;
        done_len = head_len;
    }
    if (done_len - head_len < body_len) {
        size_t off = done_len - head_len;
        if (cs_out_append(c, body + off, body_len - off) < 0)
            return -1;
    }
    return 0;
}

static int
cs_respond(cs_conn *c, int status, const char *reason, const char *body, size_t body_len, int keep_alive)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: application/json; charset=utf-8\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: %s\r\n\r\n",
                     status, reason, body_len, keep_alive ? "keep-alive" : "close");
    if (n < 0 || (size_t)n >= sizeof head)
        return -1;
    if (!keep_alive)
        c->close_after_write = 1;
    return cs_send(c, head, (size_t)n, body, body_len);
}

/* ------------------------------------------------------- JSON / GraphQL scan */

#define CS_NPOS ((size_t)-1)

static size_t
cs_skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Index just past the JSON string starting at s[i] == '"'; CS_NPOS if unterminated. */
static size_t
cs_skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return CS_NPOS;
}

/* Index just past the JSON value at s[i]; CS_NPOS on error (shallow check only). */
static size_t
cs_skip_value(const char *s, size_t n, size_t i)
{
    int depth = 0;

    i = cs_skip_ws(s, n, i);
    if (i >= n)
        return CS_NPOS;
    if (s[i] == '"')
        return cs_skip_string(s, n, i);
    if (s[i] != '{' && s[i] != '[') {
        size_t start = i;
        while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t'
               && s[i] != '\n' && s[i] != '\r')
            i++;
        return i > start ? i : CS_NPOS;
    }
    while (i < n) {
        if (s[i] == '"') {
            i = cs_skip_string(s, n, i);
            if (i == CS_NPOS)
                return CS_NPOS;
            continue;
        }
        if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if (s[i] == '}' || s[i] == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return CS_NPOS;
}

static int
cs_hex(char h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

/* Decode the JSON string at s[i] (a '"') into a new NUL-terminated buffer, or NULL.
 * Non-ASCII \u escapes become '?': only the document's structure matters here. */
static char *
cs_decode_string(const char *s, size_t n, size_t i, size_t *out_len)
{
    size_t end = cs_skip_string(s, n, i);
    char *out, *p;

    if (end == CS_NPOS)
        return NULL;
    out = malloc(end - i);
    if (out == NULL)
        return NULL;
    p = out;
    for (i++; i + 1 < end; i++) {
        char ch = s[i];
        if (ch != '\\') {
            *p++ = ch;
            continue;
        }
        ch = s[++i];
        switch (ch) {
        case 'n': *p++ = '\n'; break;
        case 't': *p++ = '\t'; break;
        case 'r': *p++ = '\r'; break;
        case 'b': *p++ = '\b'; break;
        case 'f': *p++ = '\f'; break;
        case 'u': {
            int v = 0, k;
            for (k = 1; k <= 4 && i + k + 1 < end; k++) {
                int h = cs_hex(s[i + k]);
                v = (h < 0 || v < 0) ? -1 : (v << 4) | h;
            }
            *p++ = (k == 5 && v > 0 && v < 0x80) ? (char)v : '?';
            i += (size_t)(k - 1);
            break;
        }
        default: *p++ = ch; break;
        }
    }
    *p = '\0';
    *out_len = (size_t)(p - out);
    return out;
}

/* Find the top-level "query" member of a JSON object body; decoded copy or NULL. */
static char *
cs_body_query(const char *s, size_t n, size_t *qlen)
{
    size_t i = cs_skip_ws(s, n, 0);

    if (i >= n || s[i] != '{')
        return NULL;
    i++;
    for (;;) {
        size_t key_start, key_end;
        i = cs_skip_ws(s, n, i);
        if (i >= n || s[i] != '"')
            return NULL;
        key_start = i;
        key_end = cs_skip_string(s, n, i);
        if (key_end == CS_NPOS)
            return NULL;
        i = cs_skip_ws(s, n, key_end);
        if (i >= n || s[i] != ':')
            return NULL;
        i = cs_skip_ws(s, n, i + 1);
        if (key_end - key_start == 7 && memcmp(s + key_start, "\"query\"", 7) == 0) {
            if (i >= n || s[i] != '"')
                return NULL;
            return cs_decode_string(s, n, i, qlen);
        }
        i = cs_skip_value(s, n, i);
        if (i == CS_NPOS)
            return NULL;
        i = cs_skip_ws(s, n, i);
        if (i >= n || s[i] != ',')
            return NULL;
        i++;
    }
}

static size_t
cs_gql_skip_ignored(const char *q, size_t n, size_t i)
{
    while (i < n) {
        char ch = q[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',') {
            i++;
        } else if (ch == '#') {
            while (i < n && q[i] != '\n' && q[i] != '\r')
                i++;
        } else {
            break;
        }
    }
    return i;
}

static int
cs_is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static size_t
cs_gql_skip_string(const char *q, size_t n, size_t i)
{
    if (i + 2 < n && q[i + 1] == '"' && q[i + 2] == '"') {
        for (i += 3; i + 2 < n; i++) {
            if (q[i] == '\\' && i + 3 < n && memcmp(q + i + 1, "\"\"\"", 3) == 0)
                i += 3;
            else if (memcmp(q + i, "\"\"\"", 3) == 0)
                return i + 3;
        }
        return n;
    }
    for (i++; i < n; i++) {
        if (q[i] == '\\')
            i++;
        else if (q[i] == '"')
            return i + 1;
    }
    return n;
}

/* Index of the first '{' outside parentheses and strings, from i; n if none. */
static size_t
cs_gql_find_selection(const char *q, size_t n, size_t i)
{
    int parens = 0;
    while (i < n) {
        char ch = q[i];
        if (ch == '"') {
            i = cs_gql_skip_string(q, n, i);
            continue;
        }
        if (ch == '#') {
            i = cs_gql_skip_ignored(q, n, i);
            continue;
        }
        if (ch == '(')
            parens++;
        else if (ch == ')')
            parens--;
        else if (ch == '{' && parens == 0)
            return i;
        i++;
    }
    return n;
}

/* Index just past the selection set starting at q[i] == '{'; n if unbalanced. */
static size_t
cs_gql_skip_selection(const char *q, size_t n, size_t i)
{
    int depth = 0;
    while (i < n) {
        char ch = q[i];
        if (ch == '"') {
            i = cs_gql_skip_string(q, n, i);
            continue;
        }
        if (ch == '#') {
            i = cs_gql_skip_ignored(q, n, i);
            continue;
        }
        if (ch == '{')
            depth++;
        else if (ch == '}' && --depth == 0)
            return i + 1;
        i++;
    }
    return n;
}

/* Root field (alias resolved) of the first operation in document q. */
static int
cs_gql_root_field(const char *q, size_t n, char *out, size_t out_size)
{
    size_t i = 0, start;

    for (;;) {
        i = cs_gql_skip_ignored(q, n, i);
        if (i >= n)
            return -1;
        if (q[i] == '{')
            break;
        start = i;
        while (i < n && cs_is_name_char(q[i]))
            i++;
        if (i == start)
            return -1;
        if (i - start == 8 && memcmp(q + start, "fragment", 8) == 0) {
            i = cs_gql_find_selection(q, n, i);
            if (i >= n)
                return -1;
            i = cs_gql_skip_selection(q, n, i);
            continue;
        }
        if (!((i - start == 5 && memcmp(q + start, "query", 5) == 0)
              || (i - start == 8 && memcmp(q + start, "mutation", 8) == 0)
              || (i - start == 12 && memcmp(q + start, "subscription", 12) == 0)))
            return -1;
        i = cs_gql_find_selection(q, n, i);
        if (i >= n)
            return -1;
        break;
    }
    /* q[i] == '{': the operation's selection set */
    i = cs_gql_skip_ignored(q, n, i + 1);
    start = i;
    while (i < n && cs_is_name_char(q[i]))
        i++;
    if (i == start)
        return -1;
    {
        size_t j = cs_gql_skip_ignored(q, n, i);
        if (j < n && q[j] == ':') {
            j = cs_gql_skip_ignored(q, n, j + 1);
            start = j;
            while (j < n && cs_is_name_char(q[j]))
                j++;
            if (j == start)
                return -1;
            i = j;
        }
    }
    if (i - start >= out_size)
        return -1;
    memcpy(out, q + start, i - start);
    out[i - start] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ requests */

static int
cs_handle_graphql(cs_server *srv, cs_conn *c, const char *body, size_t body_len, int keep_alive)
{
    char field[128];
    char err[512];
    char *query = NULL;
    size_t qlen = 0;
    int r, rc;

    query = cs_body_query(body, body_len, &qlen);
    if (query == NULL || cs_gql_root_field(query, qlen, field, sizeof field) < 0) {
        free(query);
        srv->unknown++;
        static const char msg[] =
            "{\"errors\":[{\"message\":{\"code\":400,\"message\":\"cannedsrv: body is not a GraphQL request\"}}],\"data\":null}";
        return cs_respond(c, 400, "Bad Request", msg, sizeof msg - 1, keep_alive);
    }
    free(query);
    for (r = 0; r < CS_NROUTES; r++) {
        if (strcmp(field, CS_ROUTE_FIELD[r]) == 0) {
            srv->hits[r]++;
            return cs_respond(c, 200, "OK", srv->body[r], srv->body_len[r], keep_alive);
        }
    }
    srv->unknown++;
    rc = snprintf(err, sizeof err,
                  "{\"errors\":[{\"message\":{\"code\":500,\"message\":\"cannedsrv: no canned answer for root field %s\"}}],\"data\":null}",
                  field);
    if (rc < 0 || (size_t)rc >= sizeof err)
        return -1;
    return cs_respond(c, 200, "OK", err, (size_t)rc, keep_alive);
}

static int
cs_handle_stats(cs_server *srv, cs_conn *c, int keep_alive)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     "{\"requests\":%llu,\"connections\":%llu,\"open_connections\":%llu,\"unknown\":%llu,\"continue_100\":%llu,"
                     "\"introspection\":%llu,\"accessToken\":%llu,\"users\":%llu,\"user\":%llu,\"loginByUsername\":%llu}",
                     srv->requests, srv->connections, srv->open_connections, srv->unknown, srv->continues,
                     srv->hits[CS_INTROSPECTION], srv->hits[CS_TOKEN], srv->hits[CS_USERS], srv->hits[CS_USER],
                     srv->hits[CS_LOGIN]);
    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return cs_respond(c, 200, "OK", buf, (size_t)n, keep_alive);
}

static int
cs_header_is(const char *line, size_t len, const char *name, const char **value, size_t *value_len)
{
    size_t nl = strlen(name);
    size_t i;
    if (len <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
        return 0;
    i = nl + 1;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    *value = line + i;
    *value_len = len - i;
    return 1;
}

static int
cs_token_in(const char *v, size_t vlen, const char *token)
{
    size_t tl = strlen(token), i = 0;
    while (i < vlen) {
        size_t s, e;
        while (i < vlen && (v[i] == ' ' || v[i] == ','))
            i++;
        s = i;
        while (i < vlen && v[i] != ',')
            i++;
        e = i;
        while (e > s && v[e - 1] == ' ')
            e--;
        if (e - s == tl && strncasecmp(v + s, token, tl) == 0)
            return 1;
    }
    return 0;
}

/* Process every complete request in c->in.  -1: close the connection now. */
static int
cs_process(cs_server *srv, cs_conn *c)
{
    size_t pos = 0;

    while (!c->close_after_write) {
        const char *buf = c->in + pos;
        size_t avail = c->in_len - pos;
        const char *end = memmem(buf, avail, "\r\n\r\n", 4);
        const char *line, *eol, *sp1, *sp2;
        size_t head_len, content_length = 0;
        int has_length = 0, chunked = 0, expect_continue = 0, conn_close = 0, conn_keep = 0, http11;

        if (end == NULL) {
            if (avail > CS_MAX_HEADER) {
                static const char msg[] = "{\"error\":\"header too large\"}";
                if (cs_respond(c, 431, "Request Header Fields Too Large", msg, sizeof msg - 1, 0) < 0)
                    return -1;
            }
            break;
        }
        head_len = (size_t)(end - buf) + 4;
        eol = memchr(buf, '\r', head_len);
        sp1 = memchr(buf, ' ', (size_t)(eol - buf));
        sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
        if (sp1 == NULL || sp2 == NULL || (size_t)(eol - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0) {
            static const char msg[] = "{\"error\":\"bad request line\"}";
            if (cs_respond(c, 400, "Bad Request", msg, sizeof msg - 1, 0) < 0)
                return -1;
            break;
        }
        http11 = sp2[8] == '1';
        for (line = eol + 2; line < end; line = eol + 2) {
            const char *v;
            size_t vlen;
            eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
            if (cs_header_is(line, (size_t)(eol - line), "content-length", &v, &vlen)) {
                char tmp[32];
                char *stop;
                unsigned long long cl;
                if (vlen == 0 || vlen >= sizeof tmp || v[0] < '0' || v[0] > '9') {
                    has_length = -1;
                    continue;
                }
                memcpy(tmp, v, vlen);
                tmp[vlen] = '\0';
                errno = 0;
                cl = strtoull(tmp, &stop, 10);
                if (errno != 0 || *stop != '\0' || (has_length == 1 && cl != content_length))
                    has_length = -1;
                else if (has_length == 0) {
                    has_length = 1;
                    content_length = (size_t)cl;
                }
            } else if (cs_header_is(line, (size_t)(eol - line), "transfer-encoding", &v, &vlen)) {
                chunked = 1;
            } else if (cs_header_is(line, (size_t)(eol - line), "expect", &v, &vlen)) {
                expect_continue = vlen == 12 && strncasecmp(v, "100-continue", 12) == 0;
            } else if (cs_header_is(line, (size_t)(eol - line), "connection", &v, &vlen)) {
                conn_close |= cs_token_in(v, vlen, "close");
                conn_keep |= cs_token_in(v, vlen, "keep-alive");
            }
        }
        if (chunked) {
            static const char msg[] = "{\"error\":\"chunked request bodies are not supported\"}";
            if (cs_respond(c, 411, "Length Required", msg, sizeof msg - 1, 0) < 0)
                return -1;
            break;
        }
        if (has_length < 0) {
            static const char msg[] = "{\"error\":\"bad Content-Length\"}";
            if (cs_respond(c, 400, "Bad Request", msg, sizeof msg - 1, 0) < 0)
                return -1;
            break;
        }
        if (content_length > CS_MAX_BODY) {
            static const char msg[] = "{\"error\":\"request body too large\"}";
            if (cs_respond(c, 413, "Payload Too Large", msg, sizeof msg - 1, 0) < 0)
                return -1;
            break;
        }
        if (avail - head_len < content_length) {
            if (expect_continue && !c->continue_sent) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                if (cs_send(c, cont, sizeof cont - 1, "", 0) < 0)
                    return -1;
                c->continue_sent = 1;
                srv->continues++;
            }
            break;
        }
        {
            int keep_alive = http11 ? !conn_close : conn_keep;
            const char *path = sp1 + 1;
            size_t path_len = (size_t)(sp2 - path);
            const char *q = memchr(path, '?', path_len);
            const char *body = buf + head_len;
            int rc;
            if (q != NULL)
                path_len = (size_t)(q - path);
            srv->requests++;
            if ((size_t)(sp1 - buf) == 4 && memcmp(buf, "POST", 4) == 0 && path_len == 11
                && memcmp(path, "/graphql/v2", 11) == 0) {
                rc = cs_handle_graphql(srv, c, body, content_length, keep_alive);
            } else if ((size_t)(sp1 - buf) == 3 && memcmp(buf, "GET", 3) == 0 && path_len == 8
                       && memcmp(path, "/__stats", 8) == 0) {
                rc = cs_handle_stats(srv, c, keep_alive);
            } else {
                static const char msg[] =
                    "{\"errors\":[{\"message\":{\"code\":404,\"message\":\"cannedsrv: not found\"}}],\"data\":null}";
                srv->unknown++;
                rc = cs_respond(c, 404, "Not Found", msg, sizeof msg - 1, keep_alive);
            }
            if (rc < 0)
                return -1;
            c->continue_sent = 0;
            pos += head_len + content_length;
        }
    }
    if (pos > 0) {
        memmove(c->in, c->in + pos, c->in_len - pos);
        c->in_len -= pos;
    }
    return 0;
}

/* ---------------------------------------------------------------- event loop */

static void
cs_conn_close(cs_server *srv, cs_conn *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    epoll_ctl(srv->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
    srv->open_connections--;
}

static int
cs_update_interest(cs_server *srv, cs_conn *c)
{
    int want_out = c->out_len > c->out_off;
    struct epoll_event ev;
    if (want_out == c->epollout)
        return 0;
    ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0);
    ev.data.ptr = c;
    if (epoll_ctl(srv->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        return -1;
    c->epollout = want_out;
    return 0;
}

/* Returns -1 when the connection must be closed. */
static int
cs_on_writable(cs_conn *c)
{
    while (c->out_len > c->out_off) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    return c->close_after_write ? -1 : 0;
}

static int
cs_on_readable(cs_server *srv, cs_conn *c)
{
    int eof = 0;

    for (;;) {
        ssize_t n;
        if (c->in_cap - c->in_len < CS_READ_CHUNK) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 2 * CS_READ_CHUNK;
            char *p;
            if (cap > CS_MAX_BODY + CS_MAX_HEADER + CS_READ_CHUNK)
                return -1;
            p = realloc(c->in, cap);
            if (p == NULL)
                return -1;
            c->in = p;
            c->in_cap = cap;
        }
        n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        if (n == 0) {
            eof = 1;
            break;
        }
        c->in_len += (size_t)n;
        if ((size_t)n < CS_READ_CHUNK)
            break;
    }
    if (cs_process(srv, c) < 0)
        return -1;
    if (cs_on_writable(c) < 0)
        return -1;
    /* Peer closed its side: drop the connection (a half-closed client gets no late answers). */
    return eof ? -1 : 0;
}

static void
cs_accept(cs_server *srv)
{
    for (;;) {
        struct epoll_event ev;
        cs_conn *c;
        int one = 1;
        int fd = accept4(srv->listener.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                cs_log("accept: %s", strerror(errno));
            return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            cs_log("out of memory for a connection");
            close(fd);
            continue;
        }
        c->kind = CS_KIND_CONN;
        c->fd = fd;
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = c;
        if (epoll_ctl(srv->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            cs_log("epoll_ctl: %s", strerror(errno));
            close(fd);
            free(c);
            continue;
        }
        c->next = srv->conns;
        if (c->next != NULL)
            c->next->prev = c;
        srv->conns = c;
        srv->connections++;
        srv->open_connections++;
    }
}

static int
cs_watch(cs_server *srv, cs_conn *src)
{
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.ptr = src;
    return epoll_ctl(srv->ep, EPOLL_CTL_ADD, src->fd, &ev);
}

int
main(int argc, char **argv)
{
    cs_server srv;
    struct sockaddr_in addr;
    socklen_t addr_len = sizeof addr;
    sigset_t mask;
    const char *dir = NULL;
    int port = 0, watch_stdin = 0, one = 1, i, rc = 1;

    memset(&srv, 0, sizeof srv);
    srv.ep = srv.listener.fd = srv.sig.fd = -1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            char *stop;
            long v = strtol(argv[++i], &stop, 10);
            if (*stop != '\0' || v < 0 || v > 65535) {
                cs_log("bad port: %s", argv[i]);
                return 2;
            }
            port = (int)v;
        } else if (strcmp(argv[i], "--watch-stdin") == 0) {
            watch_stdin = 1;
        } else if (argv[i][0] != '-' && dir == NULL) {
            dir = argv[i];
        } else {
            fprintf(stderr, "usage: cannedsrv [--port N] [--watch-stdin] DIR\n");
            return 2;
        }
    }
    if (dir == NULL) {
        fprintf(stderr, "usage: cannedsrv [--port N] [--watch-stdin] DIR\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    for (i = 0; i < CS_NROUTES; i++) {
        if (cs_read_file(dir, CS_ROUTE_FILE[i], &srv.body[i], &srv.body_len[i]) < 0)
            goto done;
    }

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (srv.sig.fd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
        cs_log("signalfd: %s", strerror(errno));
        goto done;
    }
    srv.sig.kind = CS_KIND_SIGNAL;

    srv.listener.kind = CS_KIND_LISTEN;
    srv.listener.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (srv.listener.fd < 0) {
        cs_log("socket: %s", strerror(errno));
        goto done;
    }
    setsockopt(srv.listener.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)port);
    if (bind(srv.listener.fd, (struct sockaddr *)&addr, sizeof addr) < 0
        || listen(srv.listener.fd, 1024) < 0
        || getsockname(srv.listener.fd, (struct sockaddr *)&addr, &addr_len) < 0) {
        cs_log("bind/listen on 127.0.0.1:%d: %s", port, strerror(errno));
        goto done;
    }

    srv.ep = epoll_create1(EPOLL_CLOEXEC);
    if (srv.ep < 0 || cs_watch(&srv, &srv.listener) < 0 || cs_watch(&srv, &srv.sig) < 0) {
        cs_log("epoll: %s", strerror(errno));
        goto done;
    }
    if (watch_stdin) {
        srv.in.kind = CS_KIND_STDIN;
        srv.in.fd = 0;
        if (cs_watch(&srv, &srv.in) < 0) {
            cs_log("cannot watch stdin: %s", strerror(errno));
            goto done;
        }
    }
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    while (!srv.stop) {
        struct epoll_event events[CS_MAX_EVENTS];
        int n = epoll_wait(srv.ep, events, CS_MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            cs_log("epoll_wait: %s", strerror(errno));
            goto done;
        }
        for (i = 0; i < n; i++) {
            cs_conn *c = events[i].data.ptr;
            if (c->kind == CS_KIND_LISTEN) {
                cs_accept(&srv);
            } else if (c->kind == CS_KIND_SIGNAL) {
                srv.stop = 1;
            } else if (c->kind == CS_KIND_STDIN) {
                char tmp[256];
                ssize_t r = read(0, tmp, sizeof tmp);
                if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
                    srv.stop = 1;
            } else {
                uint32_t e = events[i].events;
                int dead = 0;
                if (e & EPOLLOUT)
                    dead = cs_on_writable(c) < 0;
                if (!dead && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
                    dead = cs_on_readable(&srv, c) < 0;
                if (!dead)
                    dead = cs_update_interest(&srv, c) < 0;
                if (dead)
                    cs_conn_close(&srv, c);
            }
        }
    }
    rc = 0;
done:
    while (srv.conns != NULL)
        cs_conn_close(&srv, srv.conns);
    if (srv.ep >= 0)
        close(srv.ep);
    if (srv.listener.fd >= 0)
        close(srv.listener.fd);
    if (srv.sig.fd >= 0)
        close(srv.sig.fd);
    for (i = 0; i < CS_NROUTES; i++)
        free(srv.body[i]);
    return rc;
}
