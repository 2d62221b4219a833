"""RSS-based leak check shared by the *_leaks.py tests of the C core."""

import gc
import os

import pytest

N = 100_000
WARMUP = 10_000
BLOCKS = 4
FLAT_MB = 0.25        # some block of N/BLOCKS calls must grow less than this
TOTAL_LIMIT_MB = 4.0  # growth over all of them (allocator steps included)


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# Under ASan freed memory waits in the quarantine, so RSS says nothing then.
ASAN_QUARANTINE = ("asan" in os.environ.get("LD_PRELOAD", "")
                   and "quarantine_size_mb=0" not in os.environ.get("ASAN_OPTIONS", ""))


def assert_stable(fn, n=N, warmup=None, total_limit_mb=TOTAL_LIMIT_MB):
    """Run fn n times after a warm-up, in BLOCKS blocks; RSS must not keep growing.

    RSS moves in one-off steps when an allocator maps a new arena, so a single
    block may grow; a leak grows every block (10 bytes per call is 0.25 MB per
    block of 25,000 calls).  So: at least one block is flat, and the total is
    small.  (LeakSanitizer, in the sanitizer run, catches unreachable blocks.)
    `warmup` defaults to n/10, at most WARMUP calls; `total_limit_mb` is the growth allowed
    over all blocks."""
    if ASAN_QUARANTINE:
        pytest.skip("RSS is meaningless with the ASan quarantine")
    for _ in range(min(WARMUP, max(n // 10, 1)) if warmup is None else warmup):
        fn()
    gc.collect()
    marks = [rss_mb()]
    for _ in range(BLOCKS):
        for _ in range(n // BLOCKS):
            fn()
        gc.collect()
        marks.append(rss_mb())
    steps = [b - a for a, b in zip(marks, marks[1:])]
    assert min(steps) < FLAT_MB, marks
    assert marks[-1] - marks[0] < total_limit_mb, marks
