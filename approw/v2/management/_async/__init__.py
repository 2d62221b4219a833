"""Asynchronous sources of ``approw.v2.management``: one module per API area.
``tools/unasync.py`` generates the sync twins one level up (``management/users.py`` from
``_async/users.py``, ...).  Edit these, never the generated files."""
