/*
 * pool.c - the handle pool of a Session: slots (an easy handle and the multi
 * handle that drives it), the share handle, the locks, and what a forked child
 * does on first use.
 *
 * - A Session is shared by every thread of a client (the documented pattern is
 *   one global ManagementClient in a threaded web server).  Each transfer takes
 *   a slot (easy + multi handle) from a LIFO idle stack, or makes one, and
 *   gives it back afterwards: a thread never shares a handle, and sequential
 *   calls reuse the warmest slot and therefore its keep-alive connection.
 * - Connections live in each slot's multi handle.  DNS and TLS sessions are in
 *   a CURLSH shared by all slots (with a mutex per lock kind).  The connection
 *   cache is deliberately NOT shared: libcurl documents that sharing it between
 *   threads that run transfers concurrently is unsupported (curl #4915).
 * - fork(): the pool remembers its pid.  The first use in a child detaches from
 *   every inherited socket by dup3()-ing /dev/null over it (the parent's
 *   connections and TLS sessions are never read, written or shut down by the
 *   child), frees the idle slots, and starts a fresh pool.  Slots that other
 *   parent threads had checked out at fork time are abandoned (their threads do
 *   not exist in the child, and a resolver thread they may own cannot be
 *   joined); that bounded memory is the price of never hanging.
 */
#include "transport.h"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/err.h>

static CURLSH *
apw_share_new(ApwSession *s)
{
    CURLSH *sh = curl_share_init();

    if (sh == NULL) {
        return NULL;
    }
    if (curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, apw_cb_share_lock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, apw_cb_share_unlock) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_USERDATA, s) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(sh);
        return NULL;
    }
    return sh;
}

/* Options that stay the same for every transfer of a handle: the session's
 * settings; `share` (may be NULL) and `fds` (where its sockets are listed). */
CURLcode
apw_easy_defaults(ApwSession *s, CURL *e, CURLSH *share, apw_fdset *fds)
{
    APW_SETOPT(e, CURLOPT_NOSIGNAL, 1L);
    if (share != NULL) {
        APW_SETOPT(e, CURLOPT_SHARE, share);
    }
    APW_SETOPT(e, CURLOPT_WRITEFUNCTION, apw_cb_write);
    APW_SETOPT(e, CURLOPT_HEADERFUNCTION, apw_cb_header);
    APW_SETOPT(e, CURLOPT_PREREQFUNCTION, apw_cb_prereq);
    APW_SETOPT(e, CURLOPT_OPENSOCKETFUNCTION, apw_cb_opensocket);
    APW_SETOPT(e, CURLOPT_OPENSOCKETDATA, (void *)fds);
    APW_SETOPT(e, CURLOPT_CLOSESOCKETFUNCTION, apw_cb_closesocket);
    APW_SETOPT(e, CURLOPT_CLOSESOCKETDATA, (void *)fds);
    APW_SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
    APW_SETOPT(e, CURLOPT_SSL_VERIFYPEER, s->verify ? 1L : 0L);
    APW_SETOPT(e, CURLOPT_SSL_VERIFYHOST, s->verify ? 2L : 0L);
    if (s->ca_file != NULL) {
        APW_SETOPT(e, CURLOPT_CAINFO, s->ca_file);
    }
    if (s->ca_given) {
        /* Only the bundle given: not also the system's hashed certificate directory. */
        APW_SETOPT(e, CURLOPT_CAPATH, (char *)NULL);
    }
    /* "" = decode every encoding this libcurl knows.  The Accept-Encoding header itself
     * (and the User-Agent) are in the request's header list (headers.c): libcurl then
     * does not format them again for every transfer. */
    APW_SETOPT(e, CURLOPT_ACCEPT_ENCODING, "");
    APW_SETOPT(e, CURLOPT_TCP_KEEPALIVE, 1L);
    APW_SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L);
    /* HTTP/1.1 only, also where a server offers HTTP/2 (ALPN).  libcurl 7.88's
     * HTTP/2 code (Debian 12's, and the one the wheels bundle) keeps a pointer
     * to a transfer removed while its request headers still wait in nghttp2's
     * queue, and calls into it later: a cancelled coroutine could crash the
     * process or fail another request (seen under 100,000 cancellations). */
    APW_SETOPT(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
#if LIBCURL_VERSION_NUM >= 0x075500
    APW_SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    APW_SETOPT(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    return CURLE_OK;
}

static void
apw_slot_free(apw_slot *slot)
{
    if (slot->easy != NULL) {
        curl_easy_cleanup(slot->easy);
    }
    if (slot->multi != NULL) {
        curl_multi_cleanup(slot->multi);
    }
    PyMem_RawFree(slot);
}

static apw_slot *
apw_slot_new(ApwSession *s)
{
    apw_slot *slot = PyMem_RawCalloc(1, sizeof(*slot));

    if (slot == NULL) {
        return NULL;
    }
    slot->easy = curl_easy_init();
    slot->multi = curl_multi_init();
    if (slot->easy == NULL || slot->multi == NULL ||
        apw_easy_defaults(s, slot->easy, s->share, &s->fds) != CURLE_OK) {
        apw_slot_free(slot);
        return NULL;
    }
    return slot;
}

static void
apw_all_link(ApwSession *s, apw_slot *slot)
{
    slot->prev_all = NULL;
    slot->next_all = s->all;
    if (s->all != NULL) {
        s->all->prev_all = slot;
    }
    s->all = slot;
}

static void
apw_all_unlink(ApwSession *s, apw_slot *slot)
{
    if (slot->prev_all != NULL) {
        slot->prev_all->next_all = slot->next_all;
    }
    else {
        s->all = slot->next_all;
    }
    if (slot->next_all != NULL) {
        slot->next_all->prev_all = slot->prev_all;
    }
    slot->prev_all = slot->next_all = NULL;
}

/* Take the warmest idle slot or make a new one (NULL when out of memory). */
apw_slot *
apw_pool_take(ApwSession *s)
{
    apw_slot *slot;

    pthread_mutex_lock(&s->lock);
    slot = s->idle;
    if (slot != NULL) {
        s->idle = slot->next_idle;
        slot->next_idle = NULL;
        s->n_idle--;
    }
    s->n_busy++;
    pthread_mutex_unlock(&s->lock);
    if (slot != NULL) {
        return slot;
    }
    slot = apw_slot_new(s);
    pthread_mutex_lock(&s->lock);
    if (slot == NULL) {
        s->n_busy--;
    }
    else {
        apw_all_link(s, slot);
    }
    pthread_mutex_unlock(&s->lock);
    return slot;
}

void
apw_pool_give(ApwSession *s, apw_slot *slot, int reusable)
{
    pthread_mutex_lock(&s->lock);
    s->n_busy--;
    if (reusable && !s->closed && s->n_idle < s->max_idle) {
        slot->next_idle = s->idle;
        s->idle = slot;
        s->n_idle++;
        slot = NULL;
    }
    else {
        apw_all_unlink(s, slot);
    }
    pthread_mutex_unlock(&s->lock);
    if (slot != NULL) {
        apw_slot_free(slot);
    }
}

/* Free the idle slots (close their connections). */
void
apw_pool_drain(ApwSession *s)
{
    apw_slot *list;

    pthread_mutex_lock(&s->lock);
    list = s->idle;
    s->idle = NULL;
    s->n_idle = 0;
    for (apw_slot *p = list; p != NULL; p = p->next_idle) {
        apw_all_unlink(s, p);
    }
    pthread_mutex_unlock(&s->lock);
    while (list != NULL) {
        apw_slot *next = list->next_idle;
        apw_slot_free(list);
        list = next;
    }
}

/* (Re-)initialise the session's mutexes.  After fork() this replaces locks
 * that a parent thread may have held; the socket list itself is kept. */
static int
apw_locks_init(ApwSession *s)
{
    if (pthread_mutex_init(&s->lock, NULL) != 0 ||
        pthread_mutex_init(&s->fds.lock, NULL) != 0) {
        return -1;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        if (pthread_mutex_init(&s->share_locks[i], NULL) != 0) {
            return -1;
        }
    }
    return 0;
}

int
apw_pool_init(ApwSession *s)
{
    if (apw_locks_init(s) < 0) {
        PyErr_SetString(PyExc_OSError, "cannot initialise mutexes");
        return -1;
    }
    s->share = apw_share_new(s);
    if (s->share == NULL) {
        PyErr_SetString(PyExc_MemoryError, "cannot create a libcurl share handle");
        return -1;
    }
    s->pid = getpid();
    return 0;
}

void
apw_pool_destroy(ApwSession *s)
{
    apw_pool_drain(s);
    /* Every busy slot holds a reference to the session, so none remain. */
    while (s->all != NULL) {
        apw_slot *slot = s->all;
        apw_all_unlink(s, slot);
        apw_slot_free(slot);
    }
    if (s->share != NULL) {
        curl_share_cleanup(s->share);
        s->share = NULL;
    }
    apw_fdset_destroy(&s->fds);
    (void)pthread_mutex_destroy(&s->lock);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        (void)pthread_mutex_destroy(&s->share_locks[i]);
    }
}

/*
 * First use in a forked child (GIL held; the child runs one thread).  See the
 * file comment.  Returns 0, or -1 with an exception set.
 */
int
apw_session_after_fork(apw_tr_state *st, ApwSession *s)
{
    int null_fd;
    CURLSH *fresh;

    /* Parent threads may have held these locks at fork time. */
    if (apw_locks_init(s) < 0) {
        PyErr_SetString(st->TransportError, "cannot re-initialise locks after fork()");
        return -1;
    }
    /* Detach: the inherited descriptors now refer to /dev/null, so nothing
     * below can read from, write to or shut down the parent's connections. */
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, "/dev/null");
        return -1;
    }
    for (size_t i = 0; i < s->fds.len; i++) {
        (void)dup3(null_fd, s->fds.fds[i], O_CLOEXEC);
    }
    close(null_fd);

    apw_pool_drain(s);                  /* closes the idle slots' stand-in descriptors */
    if (s->all != NULL) {
        /* Checked out by parent threads that do not exist here: abandon. */
        s->all = NULL;
        for (size_t i = 0; i < s->fds.len; i++) {
            close(s->fds.fds[i]);
        }
        s->fds.len = 0;
    }
    else if (s->share != NULL) {
        curl_share_cleanup(s->share);
    }
    s->share = NULL;
    s->n_busy = 0;
    ERR_clear_error();                  /* TLS teardown on /dev/null fails */

    fresh = apw_share_new(s);
    if (fresh == NULL) {
        PyErr_SetString(st->TransportError, "cannot create a libcurl share after fork()");
        return -1;
    }
    s->share = fresh;
    s->pid = getpid();
    return 0;
}

