"""Type hints of a client class, its lazily imported sub-client classes included.

The management clients import an area's module on first use, so the classes named in their
annotations (``users: UsersManagementClient``) are imported only for type checkers, and
``typing.get_type_hints`` alone cannot resolve them; nor the shapes (``User``, ...), which the
client modules also import for type checkers only.  :func:`type_hints` imports the areas a
client's module lists in ``_AREAS``, the names of :func:`~approw.v2.common.checks.hint_names` and
the executors (which a client imports when it is made) first; the API reference and its tests read
the sub-clients this way.
"""
import importlib
import sys
import typing
from typing import Any, Dict


def type_hints(cls: type) -> Dict[str, Any]:
    """``typing.get_type_hints(cls)``, with the classes of lazily loaded areas resolvable."""
    from approw.v2.common.checks import hint_names

    from approw.v2.common._async.executor import AsyncExecutor
    from approw.v2.common.executor import Executor

    module = sys.modules[cls.__module__]
    namespace = hint_names()
    namespace.update(Executor=Executor, AsyncExecutor=AsyncExecutor)  # imported on first use
    for klass in reversed(cls.__mro__):   # the names of each base's module, the class's own last
        namespace.update(vars(sys.modules[klass.__module__]))
    for area_module, class_name in getattr(module, "_AREAS", {}).values():
        area = importlib.import_module("." + area_module, module.__package__)
        namespace[class_name] = getattr(area, class_name)
    return typing.get_type_hints(cls, globalns=namespace)
