"""The emulator stamps createdAt / updatedAt with the wall clock in milliseconds: two writes
in the same millisecond tie (and ties are ordered by creation). A test that orders by those
stamps waits for the next millisecond between the writes it compares."""
import time


def next_millisecond() -> None:
    """Return once the wall clock reads a later millisecond than when called."""
    start = int(time.time() * 1000)
    deadline = time.monotonic() + 30
    while int(time.time() * 1000) <= start:
        assert time.monotonic() < deadline, "the wall clock did not advance in 30 s"
        time.sleep(0.0005)
