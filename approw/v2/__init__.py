"""Approw v2 SDK: ``approw.v2.management.ManagementClient`` and
``approw.v2.authentication.AuthenticationClient``.

A drop-in replacement for the pure-Python SDK of the same import paths; HTTP, JSON and
crypto run in the C extension ``approw._core``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
