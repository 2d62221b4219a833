"""Asynchronous sources of ``approw.v2.authentication``: the client's base and one module per
API area, composed by ``_async/client.py``.  ``tools/unasync.py`` generates the sync twins one
level up.  Edit these, never the generated files."""
