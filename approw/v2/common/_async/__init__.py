"""Asynchronous sources of ``approw.v2.common``: ``tools/unasync.py`` generates the sync twins
(``common/executor.py`` from ``_async/executor.py``, ...).  Edit these, never the generated
files."""
