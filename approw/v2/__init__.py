"""Approw v2 SDK: ``approw.v2.management.ManagementClient`` and
``approw.v2.authentication.AuthenticationClient``.

A drop-in replacement for the pure-Python SDK of the same import paths; HTTP, JSON and
crypto run in the C extension ``approw._core``.
"""

from approw import __version__

__all__ = ["__version__"]
