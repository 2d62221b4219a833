"""Waiting for a condition instead of sleeping a fixed time: a loaded machine (CI, ASan) can
be ten times slower than a developer's, so "after 0.2 s the transfer is surely on the wire" is
a race. These helpers poll until the condition holds, with a generous deadline."""
import asyncio
import time

DEADLINE = 30.0


async def until(condition, what, timeout=DEADLINE):
    """Let the running event loop work until ``condition()`` is true (AssertionError after
    ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("still not true after %.0f s: %s" % (timeout, what))
        await asyncio.sleep(0.01)


def wait_until(loop, condition, what, timeout=DEADLINE):
    """``until`` for a loop that is not running (``loop.run_until_complete``)."""
    loop.run_until_complete(until(condition, what, timeout))
