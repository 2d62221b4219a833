"""RSS growth of the SDK over many users.list calls, in a fresh process.

    python bench/rssworker.py '{"url", "pool", "secret", "calls", "warmup", "reps"}'

Prints one JSON line: {"growth_mb": [...], "rss_start_mb": x, "rss_end_mb": y}.
Started by bench/run.py; ends at once if the canned server goes away.
"""

import gc
import json
import os
import sys


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    cfg = json.loads(sys.argv[1])
    from approw.v2.management import ManagementClient, ManagementClientOptions

    client = ManagementClient(
        ManagementClientOptions(user_pool_id=cfg["pool"], secret=cfg["secret"], host=cfg["url"])
    )
    call = client.users.list
    for _ in range(cfg["warmup"]):
        call(page=1, limit=10)
    gc.collect()
    start = rss_bytes()
    growth = []
    for _ in range(cfg["reps"]):
        before = rss_bytes()
        for _ in range(cfg["calls"]):
            call(page=1, limit=10)
        gc.collect()
        growth.append((rss_bytes() - before) / 2**20)
    print(json.dumps({"growth_mb": growth, "rss_start_mb": start / 2**20, "rss_end_mb": rss_bytes() / 2**20}))


if __name__ == "__main__":
    main()
