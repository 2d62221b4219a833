"""Type hints of a client class, its lazily imported sub-client classes included.

The management clients import an area's module on first use, so the classes named in their
annotations (``users: UsersManagementClient``) are imported only for type checkers, and
``typing.get_type_hints`` alone cannot resolve them.  :func:`type_hints` imports the areas a
client's module lists in ``_AREAS`` first; the API reference and its tests read the sub-clients
this way.
"""
import importlib
import sys
import typing
from typing import Any, Dict


def type_hints(cls: type) -> Dict[str, Any]:
    """``typing.get_type_hints(cls)``, with the classes of lazily loaded areas resolvable."""
    module = sys.modules[cls.__module__]
    namespace = dict(vars(module))
    for area_module, class_name in getattr(module, "_AREAS", {}).values():
        area = importlib.import_module("." + area_module, module.__package__)
        namespace[class_name] = getattr(area, class_name)
    return typing.get_type_hints(cls, globalns=namespace)
