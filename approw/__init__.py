"""Approw SDK for Python with a C core.  Public API: ``approw.v2``."""
