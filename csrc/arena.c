/* arena.c - per-thread bump allocator for cJSON (see apw.h). Skeleton: plain malloc. */
#include "apw.h"

int apw_arena_setup(void) { return 0; }
apw_arena_mark apw_arena_push(void) { apw_arena_mark m = {NULL, 0, 0}; return m; }
void apw_arena_pop(apw_arena_mark mark) { (void)mark; }
uint64_t apw_arena_alloc_count(void) { return 0; }
