"""``Operation``: one GraphQL operation of the API, typed by its variables and its result.

The generated module :mod:`approw.v2.common.operations` holds one ``Operation`` per operation
of the API (``operations.createUser``, ``operations.users``, ...), each declared as
``Operation[<its variables TypedDict>, <its result type>]``.  A method calls the operation with
its variables and hands the result to its client's ``_exec``::

    return await self._exec(operations.deleteUser({"id": userId}))

Calling the operation does no I/O: it pairs the operation with its variables.  Because the
operation's types are fixed by its declaration, ``mypy --strict`` checks the dict literal
against them -- an unknown or misspelt variable, a missing required one or a value of the wrong
type is a type error, and so is an operation name that does not exist -- and ``_exec``
returns the operation's result type.
"""
from __future__ import annotations

__all__ = ["Operation"]  # and, for type checkers, ``Call``

# ``typing`` is for type checkers only: importing it would cost more than the SDK's own import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Generic, Mapping, Tuple, TypeVar

    V = TypeVar("V", bound=Mapping[str, Any])
    R = TypeVar("R")
    R_co = TypeVar("R_co", covariant=True)

    class _Typed(Generic[V, R_co]):
        """``Operation``'s type parameters, for type checkers."""
else:
    class _Typed:
        """At run time ``Operation[V, R]`` (a type checker's notation) is ``Operation``."""

        __slots__ = ()

        def __class_getitem__(cls, params: object) -> type:
            return cls

    V = R_co = None


class Operation(_Typed[V, R_co]):
    """A GraphQL operation: ``name``, ``kind`` (``"query"`` or ``"mutation"``), ``root`` (the
    root field whose value a method reads from ``data``), ``document`` (the text sent) and
    ``variables`` (the declared ``(name, GraphQL type)`` pairs)."""

    __slots__ = ("name", "kind", "root", "document", "variables")

    def __init__(
        self,
        name: str,
        kind: str,
        root: str,
        document: str,
        variables: Tuple[Tuple[str, str], ...],
    ) -> None:
        self.name = name
        self.kind = kind
        self.root = root
        self.document = document
        self.variables = variables

    @property
    def is_mutation(self) -> bool:
        """Whether the operation changes state (it is then never sent twice automatically)."""
        return self.kind == "mutation"

    def __call__(self, variables: V) -> Call[R_co]:
        """This operation with these variables (``{}`` when it has none), ready for a
        client's ``_exec``."""
        return (self, variables)

    def __repr__(self) -> str:
        return f"<Operation {self.kind} {self.name}>"


if TYPE_CHECKING:
    #: An operation paired with its variables; ``R`` is what the operation's root field holds.
    Call = Tuple[Operation[Any, R], Mapping[str, Any]]
