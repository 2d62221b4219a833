/*
 * arena.c - per-thread bump allocator installed as the cJSON allocator.
 *
 * Why: cJSON makes one malloc per node, key, string and (in the Debian build)
 * per number, and cJSON_Delete one free for each; on a 1.5 MB page that is
 * most of the parse time.  A bump arena makes allocation a pointer increment
 * and freeing a whole document one rewind.
 *
 * Rules
 * -----
 * - Hooks.  apw_arena_setup() installs apw_hook_alloc / apw_hook_free with
 *   cJSON_InitHooks() once per process (pthread_once).  With custom hooks cJSON
 *   has no realloc, so printing grows its buffer by allocate + copy; inside an
 *   arena that only costs bump space (the old buffer is released at the pop).
 * - Routing.  A cJSON allocation is served by the calling thread's arena only
 *   while an arena is pushed on that thread and routing is not suspended;
 *   otherwise it is a plain malloc().  So every other cJSON user in the process
 *   (another extension linked to the same libcjson) keeps working.  json.c
 *   suspends routing while Python code may run (building Python objects can run
 *   the GC and thus finalizers, which might use some other cJSON user on this
 *   thread); its own allocations there use apw_arena_alloc() directly.
 * - Free.  apw_hook_free() ignores pointers that lie inside one of the calling
 *   thread's chunks (they go away with the pop) and free()s everything else,
 *   including trees that were malloc'ed before our hooks were installed.
 * - Scopes.  apw_arena_push() returns a mark; apw_arena_pop(mark) releases every
 *   arena allocation made on this thread since that push.  Pushes nest: an
 *   inner pop rewinds to its mark, the outermost pop rewinds to the start.
 *   Marks must be popped in LIFO order on the thread that pushed them.
 * - Memory.  Chunks are anonymous mappings (mmap), so pages are committed only
 *   when first used and go back to the OS without depending on malloc's
 *   heuristics.  Each thread keeps its first chunk (8 MiB of address space,
 *   APW_ARENA_FIRST_SIZE: a 1,000-user page needs ~6 MB of nodes and strings)
 *   for reuse.  Further chunks are mapped on demand, each at least twice the
 *   size of the previous one (capped at APW_ARENA_MAX_GROW per step, never
 *   smaller than the request), and are unmapped on the outermost pop.  The
 *   first chunk's pages beyond APW_ARENA_KEEP_SIZE (1 MiB) are returned with
 *   madvise(MADV_DONTNEED) at the outermost pop unless this scope and the
 *   previous one were both big, i.e. only a thread that is decoding big
 *   documents back to back keeps up to 8 MiB committed (re-faulting 6 MB per
 *   page costs more than the parse); one huge document, or a small one after
 *   big ones, brings it back to <= 1 MiB.  A pthread key destructor unmaps the
 *   thread's arena at thread exit (the main thread's is left to the OS).
 * - Foreign trees.  If somebody else replaces the cJSON hooks, cJSON no longer
 *   allocates from the arena.  json.c detects that (apw_arena_alloc_count() did
 *   not move during a parse or print) and hands the tree to
 *   apw_arena_defer_delete(); the matching pop then cJSON_Delete()s it with
 *   whatever hooks are current.  Replacing the hooks *while* a tree is being
 *   built leaves a mixed tree; that cannot be made safe and is not supported.
 * - Alignment: every block is 8-byte aligned (cJSON nodes need 8).
 *
 * Global state (the documented exception to "no global mutable state"): the
 * cJSON hooks themselves (process-wide by cJSON's design), the pthread key and
 * its once-flag, and the thread-local arena pointer.  No locks are needed:
 * each arena is touched only by its own thread.
 */
#include "apw.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Sanitizer builds: every block is unpoisoned exactly (n bytes) and followed
 * by a poisoned red zone; released memory is poisoned again, so ASan sees
 * overflows between arena blocks and any use of a tree after its pop. */
#if defined(APW_SANITIZE_BUILD) && defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define APW_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define APW_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define APW_REDZONE ((size_t)16)
#else
#define APW_POISON(p, n) ((void)(p), (void)(n))
#define APW_UNPOISON(p, n) ((void)(p), (void)(n))
#define APW_REDZONE ((size_t)0)
#endif

#define APW_ARENA_ALIGN ((size_t)8)
/* Address space of the first chunk (committed page by page as it is used). */
#define APW_ARENA_FIRST_SIZE ((size_t)8 * 1024 * 1024)
/* Bytes of the first chunk that stay committed in any case. */
#define APW_ARENA_KEEP_SIZE ((size_t)1024 * 1024)
#define APW_ARENA_MAX_GROW ((size_t)64 * 1024 * 1024)

typedef struct apw_chunk {
    struct apw_chunk *next;
    size_t size;            /* usable bytes after the header */
    size_t seq;             /* position in the list: 0 = first chunk */
    size_t mapped;          /* bytes mapped, header included */
} apw_chunk;

/* Header rounded up so the data starts 16-byte aligned (malloc's alignment). */
#define APW_CHUNK_HDR ((sizeof(apw_chunk) + 15) & ~(size_t)15)
#define APW_CHUNK_DATA(c) ((char *)(c) + APW_CHUNK_HDR)

typedef struct apw_deferred {
    struct apw_deferred *prev;
    cJSON *root;
    size_t seq;             /* where this record sits in the arena */
    size_t end;
} apw_deferred;

typedef struct apw_arena {
    apw_chunk *first;
    apw_chunk *cur;
    char *ptr;              /* next free byte in cur */
    char *end;              /* end of cur's data */
    int active;             /* an arena scope is pushed */
    int suspended;          /* routing of cJSON allocations suspended */
    int route;              /* active && !suspended (the hook's fast test) */
    apw_deferred *deferred; /* foreign trees to cJSON_Delete at pop */
    size_t scope_hw;        /* high-water mark in the first chunk, this scope */
    size_t touched;         /* high-water mark in the first chunk since last trim */
    int prev_big;           /* the previous outermost scope was big */
    uint64_t allocs;
    uint64_t failures;
    size_t nchunks;
    size_t reserved;        /* usable bytes over all chunks */
} apw_arena;

static inline void
apw_arena_set_cur(apw_arena *a, apw_chunk *c, size_t used)
{
    a->cur = c;
    a->ptr = APW_CHUNK_DATA(c) + used;
    a->end = APW_CHUNK_DATA(c) + c->size;
}

static inline size_t
apw_arena_used(const apw_arena *a)
{
    return (size_t)(a->ptr - APW_CHUNK_DATA(a->cur));
}

/* initial-exec: the allocation hook reads this on every cJSON allocation, and
 * the default (global-dynamic) model costs a __tls_get_addr call each time.
 * One pointer of static TLS is well within glibc's surplus for dlopen'ed
 * modules.  Build with -DAPW_TLS_GLOBAL_DYNAMIC to opt out. */
#if defined(__GNUC__) && !defined(APW_TLS_GLOBAL_DYNAMIC)
static _Thread_local apw_arena *apw_tls_arena __attribute__((tls_model("initial-exec")));
#else
static _Thread_local apw_arena *apw_tls_arena;
#endif
static pthread_key_t apw_arena_key;
static pthread_once_t apw_arena_once = PTHREAD_ONCE_INIT;
static int apw_arena_setup_rc = -1;

static void *apw_hook_alloc(size_t n);
static void apw_hook_free(void *p);

/* Chunks are anonymous mappings: pages are committed only when first used,
 * and giving memory back to the OS does not depend on malloc's heuristics. */
static apw_chunk *
apw_chunk_new(size_t size, size_t seq)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t ps = page > 0 ? (size_t)page : 4096;
    size_t mapped;
    void *mem;
    apw_chunk *c;

    if (size > SIZE_MAX - APW_CHUNK_HDR - ps) {
        return NULL;
    }
    mapped = (APW_CHUNK_HDR + size + ps - 1) / ps * ps;
    mem = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return NULL;
    }
    c = (apw_chunk *)mem;
    c->next = NULL;
    c->size = mapped - APW_CHUNK_HDR;
    c->seq = seq;
    c->mapped = mapped;
    APW_POISON(APW_CHUNK_DATA(c), c->size);
    return c;
}

static void
apw_arena_free_chunks(apw_chunk *c)
{
    while (c != NULL) {
        apw_chunk *next = c->next;
        APW_UNPOISON(APW_CHUNK_DATA(c), c->size);   /* the range may be mapped again */
        (void)munmap(c, c->mapped);
        c = next;
    }
}

/* pthread key destructor: runs on the exiting thread itself. */
static void
apw_arena_destroy(void *p)
{
    apw_arena *a = (apw_arena *)p;

    if (a == NULL) {
        return;
    }
    /* A scope left open at thread exit: still release its foreign trees. */
    while (a->deferred != NULL) {
        apw_deferred *d = a->deferred;
        a->deferred = d->prev;
        cJSON_Delete(d->root);
    }
    if (apw_tls_arena == a) {
        apw_tls_arena = NULL;
    }
    apw_arena_free_chunks(a->first);
    free(a);
}

static void
apw_arena_once_init(void)
{
    cJSON_Hooks hooks;

    if (pthread_key_create(&apw_arena_key, apw_arena_destroy) != 0) {
        apw_arena_setup_rc = -1;
        return;
    }
    hooks.malloc_fn = apw_hook_alloc;
    hooks.free_fn = apw_hook_free;
    cJSON_InitHooks(&hooks);
    apw_arena_setup_rc = 0;
}

int
apw_arena_setup(void)
{
    if (pthread_once(&apw_arena_once, apw_arena_once_init) != 0) {
        return -1;
    }
    return apw_arena_setup_rc;
}

void
apw_arena_install_hooks(int ours)
{
    if (ours) {
        cJSON_Hooks hooks;
        hooks.malloc_fn = apw_hook_alloc;
        hooks.free_fn = apw_hook_free;
        cJSON_InitHooks(&hooks);
    }
    else {
        cJSON_InitHooks(NULL);
    }
}

/* The calling thread's arena, created on first use; NULL if out of memory. */
static apw_arena *
apw_arena_get(void)
{
    apw_arena *a = apw_tls_arena;
    apw_chunk *first = NULL;

    if (a != NULL) {
        return a;
    }
    if (apw_arena_setup() != 0) {
        return NULL;
    }
    a = (apw_arena *)calloc(1, sizeof(*a));
    first = apw_chunk_new(APW_ARENA_FIRST_SIZE, 0);
    if (a == NULL || first == NULL) {
        goto error;
    }
    a->first = first;
    apw_arena_set_cur(a, first, 0);
    a->nchunks = 1;
    a->reserved = first->size;
    if (pthread_setspecific(apw_arena_key, a) != 0) {
        goto error;
    }
    apw_tls_arena = a;
    return a;
error:
    apw_arena_free_chunks(first);
    free(a);
    return NULL;
}

static void *
apw_arena_bump_slow(apw_arena *a, size_t need, size_t n)
{
    apw_chunk *c;
    apw_chunk *tail;
    size_t size;

    /* Reuse a chunk left over from an inner scope if one is big enough. */
    for (c = a->cur->next; c != NULL; c = c->next) {
        if (need <= c->size) {
            apw_arena_set_cur(a, c, need);
            a->allocs++;
            APW_UNPOISON(APW_CHUNK_DATA(c), n);
            return APW_CHUNK_DATA(c);
        }
    }
    tail = a->cur;
    while (tail->next != NULL) {
        tail = tail->next;
    }
    size = tail->size < APW_ARENA_MAX_GROW / 2 ? tail->size * 2 : APW_ARENA_MAX_GROW;
    if (size < need) {
        size = need;
    }
    c = apw_chunk_new(size, tail->seq + 1);
    if (c == NULL) {
        a->failures++;
        return NULL;
    }
    tail->next = c;
    a->nchunks++;
    a->reserved += c->size;
    apw_arena_set_cur(a, c, need);
    a->allocs++;
    APW_UNPOISON(APW_CHUNK_DATA(c), n);
    return APW_CHUNK_DATA(c);
}

static inline void *
apw_arena_bump(apw_arena *a, size_t n)
{
    size_t need;

    if (n > SIZE_MAX - 2 * APW_ARENA_ALIGN - APW_REDZONE) {
        a->failures++;
        return NULL;
    }
    need = n == 0 ? APW_ARENA_ALIGN : (n + APW_ARENA_ALIGN - 1) & ~(APW_ARENA_ALIGN - 1);
    need += APW_REDZONE;
    if (need <= (size_t)(a->end - a->ptr)) {
        char *p = a->ptr;
        a->ptr = p + need;
        a->allocs++;
        APW_UNPOISON(p, n);
        return p;
    }
    return apw_arena_bump_slow(a, need, n);
}

static int
apw_arena_owns(const apw_arena *a, const void *p)
{
    uintptr_t u = (uintptr_t)p;
    const apw_chunk *c = a->cur;

    /* The current chunk is by far the most likely owner. */
    if (u >= (uintptr_t)APW_CHUNK_DATA(c) && u < (uintptr_t)APW_CHUNK_DATA(c) + c->size) {
        return 1;
    }
    for (c = a->first; c != NULL; c = c->next) {
        if (u >= (uintptr_t)APW_CHUNK_DATA(c) && u < (uintptr_t)APW_CHUNK_DATA(c) + c->size) {
            return 1;
        }
    }
    return 0;
}

static void *
apw_hook_alloc(size_t n)
{
    apw_arena *a = apw_tls_arena;

    if (a != NULL && a->route) {
        return apw_arena_bump(a, n);
    }
    return malloc(n);
}

static void
apw_hook_free(void *p)
{
    apw_arena *a = apw_tls_arena;

    if (p == NULL) {
        return;
    }
    if (a != NULL && apw_arena_owns(a, p)) {
        return;             /* released by the pop */
    }
    free(p);
}

apw_arena_mark
apw_arena_push(void)
{
    apw_arena_mark m = {NULL, 0, -1};
    apw_arena *a = apw_arena_get();

    if (a == NULL) {
        return m;           /* prev_active -1: nothing pushed, pop is a no-op */
    }
    m.chunk = a->cur;
    m.used = apw_arena_used(a);
    m.prev_active = (a->active ? 1 : 0) | (a->suspended ? 2 : 0);
    a->active = 1;
    a->suspended = 0;
    a->route = 1;
    return m;
}

/* Is deferred record `d` younger than mark `m`? */
static int
apw_deferred_after(const apw_deferred *d, const apw_arena_mark *m)
{
    size_t mseq = ((const apw_chunk *)m->chunk)->seq;

    return d->seq > mseq || (d->seq == mseq && d->end > m->used);
}

/* Give the first chunk's pages beyond APW_ARENA_KEEP_SIZE back to the OS
 * unless this thread is parsing big documents back to back. */
static void
apw_arena_trim(apw_arena *a)
{
    int big = a->scope_hw > APW_ARENA_KEEP_SIZE;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t ps = page > 0 ? (uintptr_t)page : 4096;

    if (a->scope_hw > a->touched) {
        a->touched = a->scope_hw;
    }
    a->scope_hw = 0;
    if (a->touched > APW_ARENA_KEEP_SIZE && !(big && a->prev_big)) {
        uintptr_t data = (uintptr_t)APW_CHUNK_DATA(a->first);
        uintptr_t start = (data + APW_ARENA_KEEP_SIZE + ps - 1) / ps * ps;
        uintptr_t end = (data + a->touched + ps - 1) / ps * ps;
        if (end > start) {
            (void)madvise((void *)start, (size_t)(end - start), MADV_DONTNEED);
        }
        a->touched = APW_ARENA_KEEP_SIZE;
    }
    a->prev_big = big;
}

void
apw_arena_pop(apw_arena_mark mark)
{
    apw_arena *a = apw_tls_arena;
    size_t hw;

    if (mark.prev_active < 0 || a == NULL || mark.chunk == NULL) {
        return;
    }
    while (a->deferred != NULL &&
           (!(mark.prev_active & 1) || apw_deferred_after(a->deferred, &mark))) {
        apw_deferred *d = a->deferred;
        a->deferred = d->prev;
        cJSON_Delete(d->root);
    }
    hw = a->cur == a->first ? apw_arena_used(a) : a->first->size;
    if (hw > a->scope_hw) {
        a->scope_hw = hw;
    }
    if (mark.prev_active & 1) {
        apw_chunk *c = (apw_chunk *)mark.chunk;
        APW_POISON(APW_CHUNK_DATA(c) + mark.used, c->size - mark.used);
        for (c = c->next; c != NULL; c = c->next) {
            APW_POISON(APW_CHUNK_DATA(c), c->size);
        }
        apw_arena_set_cur(a, (apw_chunk *)mark.chunk, mark.used);
    }
    else {
        APW_POISON(APW_CHUNK_DATA(a->first), a->first->size);
        apw_arena_free_chunks(a->first->next);
        a->first->next = NULL;
        apw_arena_set_cur(a, a->first, 0);
        a->nchunks = 1;
        a->reserved = a->first->size;
        apw_arena_trim(a);
    }
    a->active = mark.prev_active & 1;
    a->suspended = (mark.prev_active & 2) ? 1 : 0;
    a->route = a->active && !a->suspended;
}

uint64_t
apw_arena_alloc_count(void)
{
    apw_arena *a = apw_tls_arena;
    return a != NULL ? a->allocs : 0;
}

uint64_t
apw_arena_fail_count(void)
{
    apw_arena *a = apw_tls_arena;
    return a != NULL ? a->failures : 0;
}

int
apw_arena_active(void)
{
    apw_arena *a = apw_tls_arena;
    return a != NULL && a->active;
}

void *
apw_arena_alloc(size_t n)
{
    apw_arena *a = apw_tls_arena;

    if (a == NULL || !a->active) {
        return NULL;
    }
    return apw_arena_bump(a, n);
}

int
apw_arena_defer_delete(cJSON *root)
{
    apw_arena *a = apw_tls_arena;
    apw_deferred *d;

    if (a == NULL || !a->active) {
        return -1;
    }
    d = (apw_deferred *)apw_arena_bump(a, sizeof(*d));
    if (d == NULL) {
        return -1;
    }
    d->root = root;
    d->prev = a->deferred;
    d->seq = a->cur->seq;
    d->end = apw_arena_used(a);
    a->deferred = d;
    return 0;
}

int
apw_arena_suspend(void)
{
    apw_arena *a = apw_tls_arena;
    int prev;

    if (a == NULL) {
        return 0;
    }
    prev = a->suspended;
    a->suspended = 1;
    a->route = 0;
    return prev;
}

void
apw_arena_resume(int state)
{
    apw_arena *a = apw_tls_arena;

    if (a == NULL) {
        return;
    }
    a->suspended = state ? 1 : 0;
    a->route = a->active && !a->suspended;
}

void
apw_arena_get_info(apw_arena_info *info)
{
    apw_arena *a = apw_tls_arena;

    memset(info, 0, sizeof(*info));
    if (a == NULL) {
        return;
    }
    info->allocs = a->allocs;
    info->failures = a->failures;
    info->chunks = a->nchunks;
    info->reserved = a->reserved;
    info->active = a->active;
    info->committed = a->touched;
}
