"""Helpers of the reference SDK (``approw.v2.common.utils``), under the reference's names.

:func:`encrypt` (RSA, in the C core, with the parsed keys kept) and the helpers of
:mod:`approw.v2.common.helpers` (custom-data conversions, URL and string helpers), which the
SDK's own modules import from there: the client classes do not load this module, and with
it the C core, when they are imported.
"""
from .helpers import *  # noqa: F401,F403 (the reference's names)
from .helpers import __all__ as _HELPERS
from .keys import encrypt

__all__ = ["encrypt", *_HELPERS]
