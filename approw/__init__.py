"""Approw SDK for Python with a C core.  Public API: ``approw.v2``.

``approw.__version__`` is the installed distribution's version (``approw-py-sdk``), written
into the package from its metadata when the wheel is built.
"""
# (no typing import: importing it costs more than the whole SDK package)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - a source tree that was never built
    __version__ = "0+unknown"

__all__ = ["__version__"]


def __getattr__(name: str) -> "Any":
    # ``from approw import _core`` comes here before the submodule is imported; when the
    # compiled core cannot be found, say why and what to do instead of Python's bare "cannot
    # import name '_core' from 'approw'".
    if name not in ("_core", "_transport"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    try:
        return importlib.import_module(f"approw.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"approw.{name}":
            raise
        raise ImportError(_missing_core_message(name), name=f"approw.{name}") from None


def _missing_core_message(name: str) -> str:
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.dirname(here) == os.path.abspath(os.getcwd()):
        hint = (f"Python imported the source tree {here} (the current directory comes first "
                "on sys.path) instead of the installed package, and a source tree has no "
                "compiled core.  Run your program from another directory, or build the clone "
                "in place with `pip install -e .`")
    else:
        hint = (f"the package at {here} was not built.  Install a wheel (`pip install "
                "approw-py-sdk`), or `pip install .` from a clone, which compiles the core")
    return (f"cannot import name {name!r} from 'approw': the compiled C core (approw.{name}) "
            f"is missing: {hint}")
