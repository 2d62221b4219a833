"""Argument checks of the public methods: ``@checked`` and the reference's value validators.

``@checked`` checks each argument of an API method against the method's own annotations
before the method runs, so a bad argument raises ``ApprowArgumentTypeError`` (an
``ApprowWrongArgumentException`` and a ``TypeError``) before any request is sent, with a message
naming the parameter::

    @checked
    async def detail(self, user_id: str) -> User: ...

    client.users.detail(123)  # ApprowArgumentTypeError: user_id must be a str, not int

What an annotation accepts: ``str``, ``int`` (not ``bool``), ``float`` (an ``int`` too),
``Optional[X]`` (``None`` or ``X``), ``Union[...]``, ``Mapping``/``Dict``/TypedDicts (any
mapping), ``Sequence[X]``/``List[X]`` (a list or tuple of ``X``; not a string), ``Literal[...]``
(one of the values).  ``bool``, ``Any`` and ``object`` accept anything (the API has always
taken truthy values for flags).  The checks are built from the annotations on a method's first
call, so importing the SDK costs nothing; afterwards a call pays well under a microsecond.

The value checks the reference SDK performs with its own messages (resource types, target
types, page options) are the plain functions below, called by the methods that need them.
"""
from __future__ import annotations

from contextvars import ContextVar

from ..exceptions import ApprowArgumentTypeError, ApprowException, ApprowHTTPError, ApprowWrongArgumentException

# ``typing`` (and ``collections``, ``functools``) cost more to import than the SDK's own
# modules: this module, which every client class needs, imports them on a method's first call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])
    #: ``(types, deep, expected)``: a value is acceptable when ``isinstance(value, types)`` and,
    #: if ``deep`` is not ``None``, ``deep(value)``; ``expected`` describes it ("a str or None").
    _Spec = Tuple[Any, Optional[Callable[[Any], bool]], str]

__all__ = ["checked", "RESOURCE_TYPES", "TARGET_TYPES", "resource_type", "target_type",
           "page_options", "is_list", "EMAIL_SCENES", "email_scene", "one_of", "resource_actions",
           "acl_opts", "targets_actions", "policy_statements", "input_object",
           "input_objects"]

_ANYTHING: _Spec = (object, None, "anything")
_NONE_TYPE = type(None)


def _spec(tp: Any) -> _Spec:
    """What annotation ``tp`` accepts (see :data:`_Spec`)."""
    import collections.abc
    import typing

    if tp in (typing.Any, object, bool):
        return _ANYTHING
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:
        specs = [_spec(a) for a in args if a is not _NONE_TYPE]
        if any(spec is _ANYTHING for spec in specs):
            return _ANYTHING
        types = tuple(t for spec in specs for t in (spec[0] if isinstance(spec[0], tuple) else (spec[0],)))
        expected = " or ".join(spec[2] for spec in specs)
        if _NONE_TYPE in args:
            types += (_NONE_TYPE,)
            expected += " or None"
        deep = None
        if any(spec[1] is not None for spec in specs):
            def deep(v: Any) -> bool:
                return v is None or any(isinstance(v, t) and (d is None or d(v)) for t, d, _ in specs)
        return types, deep, expected
    if origin is typing.Literal:
        allowed = frozenset(args)
        return object, allowed.__contains__, "one of " + ", ".join(repr(a) for a in args)
    if origin in (collections.abc.Mapping, dict) or tp in (dict, typing.Mapping, typing.Dict) \
            or _is_typeddict(tp):
        return (dict, collections.abc.Mapping), None, "a dict"
    if origin in (collections.abc.Sequence, list) or tp in (list, typing.Sequence, typing.List):
        item = _spec(args[0]) if args else _ANYTHING
        if item is _ANYTHING:
            return (list, tuple), None, "a list"
        item_types, item_deep = item[0], item[1]

        def items(v: Any) -> bool:
            return all(isinstance(x, item_types) and (item_deep is None or item_deep(x)) for x in v)
        return (list, tuple), items, f"a list of {item[2].split(' ', 1)[-1]}"
    if tp is int:
        return int, _not_bool, "an int"
    if tp is float:
        return (int, float), _not_bool, "a number"
    if isinstance(tp, type):
        return tp, None, f"a {tp.__name__}"
    return _ANYTHING


#: The names of ``typing`` that the client modules' annotations use.
_TYPING_NAMES = ("Any", "Callable", "Dict", "List", "Literal", "Mapping", "Optional", "Sequence",
                 "Tuple", "Union")


def hint_names() -> Dict[str, Any]:
    """The names the client modules' annotations use but import for type checkers only, for
    ``typing.get_type_hints`` of their methods: ``typing``'s (``Optional``, ...), those of
    :mod:`approw.v2.common.shapes` (``User``, ``UserPage``, ...; the TypedDicts cost time to
    create) and the input objects of :mod:`approw.v2.common.inputs` (``CreateUserInput``, ...:
    TypedDicts for type checkers, any mapping at run time).  Imports them on the first call."""
    import typing

    from approw.v2.common import inputs, shapes

    names = {name: getattr(typing, name) for name in _TYPING_NAMES}
    names.update((name, typing.Mapping) for name in inputs.FIELDS)
    names.update((name, getattr(shapes, name)) for name in shapes.__all__)
    return names


def is_mapping(value: Any) -> bool:
    """``isinstance(value, collections.abc.Mapping)``.  A dict (what callers pass) is answered
    at once; ``collections`` is imported for other values only (see the note on ``typing``
    above)."""
    if isinstance(value, dict):
        return True
    from collections.abc import Mapping

    return isinstance(value, Mapping)


def _not_bool(v: Any) -> bool:
    return v.__class__ is not bool


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")


def _accepts(spec: _Spec, value: Any) -> bool:
    return isinstance(value, spec[0]) and (spec[1] is None or spec[1](value))


class _Plan:
    """The checks of one method: ``positional[i]`` = ``(types, deep)`` of positional argument
    ``i`` (``self`` included, accepting anything), ``named`` = name -> spec."""

    __slots__ = ("names", "positional", "named")

    def __init__(self, fn: Callable[..., Any]) -> None:
        import inspect  # on first call only: importing it costs milliseconds
        import typing

        hints = typing.get_type_hints(fn, localns=hint_names())
        self.names: List[str] = []
        self.positional: List[Tuple[Any, Optional[Callable[[Any], bool]]]] = []
        self.named: Dict[str, _Spec] = {}
        for p in inspect.signature(fn).parameters.values():
            spec = _spec(hints.get(p.name, typing.Any))
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                self.names.append(p.name)
                self.positional.append(spec[:2])
            if spec is not _ANYTHING and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                self.named[p.name] = spec

    def check_named(self, kwargs: Dict[str, Any]) -> None:
        for name, value in kwargs.items():
            spec = self.named.get(name)
            if spec is not None and not _accepts(spec, value):
                _fail(name, spec, value)

    def fail(self, args: Sequence[Any]) -> None:
        """Raise for the first positional argument that is not acceptable."""
        for name, value in zip(self.names, args):
            spec = self.named.get(name)
            if spec is not None and not _accepts(spec, value):
                _fail(name, spec, value)


def _fail(name: str, spec: _Spec, value: Any) -> None:
    raise ApprowArgumentTypeError(f"{name} must be {spec[2]}, not {type(value).__name__}")


#: ``inspect.CO_COROUTINE``: the code flag of an ``async def`` function.
_CO_COROUTINE = 0x80


def checked(fn: F) -> F:
    """Check a method's arguments against its annotations before it runs (see the module
    docstring).  Works for ``def`` and ``async def`` methods."""
    plans: List[_Plan] = []

    def plan() -> _Plan:
        if not plans:
            plans.append(_Plan(fn))
        return plans[0]

    # The check is written out in both wrappers (a call less on every call of the API).
    if fn.__code__.co_flags & _CO_COROUTINE:  # inspect.iscoroutinefunction, without inspect
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            p = plans[0] if plans else plan()
            for value, (types, deep) in zip(args, p.positional):
                if not isinstance(value, types) or (deep is not None and not deep(value)):
                    p.fail(args)
            if kwargs:
                p.check_named(kwargs)
            before = _answers.get()
            try:
                return await fn(*args, **kwargs)
            except ApprowException:
                raise
            except _BUILTIN_FAILURES as e:
                raise _translate(fn, e, before) from e
        return _wraps(async_wrapper, fn)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        p = plans[0] if plans else plan()
        for value, (types, deep) in zip(args, p.positional):
            if not isinstance(value, types) or (deep is not None and not deep(value)):
                p.fail(args)
        if kwargs:
            p.check_named(kwargs)
        before = _answers.get()
        try:
            return fn(*args, **kwargs)
        except ApprowException:
            raise
        except _BUILTIN_FAILURES as e:
            raise _translate(fn, e, before) from e
    return _wraps(wrapper, fn)


def _wraps(wrapper: Callable[..., Any], fn: F) -> F:
    """``functools.update_wrapper(wrapper, fn)``, written out: importing ``functools`` (which
    imports ``collections``) would cost more than the SDK's import."""
    for name in ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__"):
        setattr(wrapper, name, getattr(fn, name))
    wrapper.__dict__.update(fn.__dict__)
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- builtin failures
#: How many answers the executor has received in this context (thread, or asyncio task):
#: a method that fails with a builtin exception after an answer arrived was given an answer
#: of a shape it cannot use; before any answer, it was given an argument it cannot use.
_answers: ContextVar[int] = ContextVar("approw_answers", default=0)
_BUILTIN_FAILURES = (TypeError, AttributeError, KeyError, IndexError, ValueError)


def answered() -> None:
    """Count an answer (the executor calls this when a request gets one)."""
    _answers.set(_answers.get() + 1)


def _translate(fn: Callable[..., Any], e: BaseException, before: int) -> ApprowException:
    """``ApprowHTTPError`` for a builtin failure after an answer, an argument error before."""
    name = fn.__qualname__.replace("Async", "", 1) if fn.__qualname__.startswith("Async") else fn.__qualname__
    if _answers.get() != before:
        return ApprowHTTPError(500, "%s: the server's answer does not have the expected shape (%s: %s)"
                               % (name, type(e).__name__, e))
    kind = ApprowArgumentTypeError if isinstance(e, TypeError) else ApprowWrongArgumentException
    return kind("%s: an argument cannot be used (%s: %s)" % (name, type(e).__name__, e))


# --------------------------------------------------------------------------- value checks
#: Resource types of the access-control model.
RESOURCE_TYPES = ("DATA", "API", "MENU", "UI", "BUTTON")
#: Kinds of principal a grant or policy can target.
TARGET_TYPES = ("USER", "ROLE", "GROUP", "ORG")


def is_list(value: Any, message: str) -> None:
    """``value`` must be a list (or tuple)."""
    if not isinstance(value, (list, tuple)):
        raise ApprowWrongArgumentException(message)


def resource_type(value: Any, message: Optional[str] = None) -> None:
    """``value`` must be one of :data:`RESOURCE_TYPES`."""
    if value not in RESOURCE_TYPES:
        raise ApprowWrongArgumentException(message or f"unsupported resource_type: {value}")


def target_type(value: Any) -> None:
    """``value`` must be one of :data:`TARGET_TYPES`."""
    if value not in TARGET_TYPES:
        raise ApprowWrongArgumentException(f"unsupported target_type: {value}")


def page_options(page: Any, limit: Any) -> None:
    """``page`` and ``limit``, when given, must be ints of at least 1."""
    for name, value in (("page", page), ("limit", limit)):
        if value and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ApprowWrongArgumentException(f"{name} must be a int bigger than 0")


#: What a verification e-mail is for (``send_email``).
EMAIL_SCENES = ("RESET_PASSWORD", "VERIFY_EMAIL", "CHANGE_EMAIL", "MFA_VERIFY")


def one_of(name: str, value: Any, allowed: Sequence[str]) -> None:
    """``value`` must be one of ``allowed``."""
    if value not in allowed:
        raise ApprowWrongArgumentException(
            f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def email_scene(value: Any) -> None:
    """``value`` must be one of :data:`EMAIL_SCENES`."""
    one_of("scene", value, EMAIL_SCENES)


def resource_actions(actions: Any) -> None:
    """The actions of a resource definition: ``[{"name": ..., "description": ...}, ...]``."""
    if not isinstance(actions, (list, tuple)) or not all(
            is_mapping(a) and "name" in a and "description" in a for a in actions):
        raise ApprowWrongArgumentException(
            'actions must be a list of dict like { "name": "xxx", "description": "xxx" }')


def acl_opts(opts: Any) -> None:
    """The targets of a grant or revocation: ``[{targetType, targetIdentifier[, actions]}]``."""
    if not isinstance(opts, (list, tuple)):
        raise ApprowWrongArgumentException("opts must be a list")
    for item in opts:
        if not is_mapping(item):
            raise ApprowWrongArgumentException("item of opts must be a dict")
        if "targetType" not in item or "targetIdentifier" not in item:
            raise ApprowWrongArgumentException(
                "item of opts must be a dict with targetType and targetIdentifier key")


def targets_actions(actions: Any) -> None:
    """The action filter of ``get_authorized_targets``: ``{"op": "AND" | "OR", "list": [...]}``."""
    if not is_mapping(actions):
        raise ApprowWrongArgumentException("actions must be a dict")
    if "op" not in actions or "list" not in actions:
        raise ApprowWrongArgumentException("invalid argument actions")
    if actions["op"] not in ("AND", "OR"):
        raise ApprowWrongArgumentException("op must be AND or OR")


def policy_statements(statements: Any) -> None:
    """Policy statements: ``[{"resource": str, "actions": [str, ...], "effect": "ALLOW" |
    "DENY" (optional), "condition": [...] (optional)}, ...]``."""
    if not isinstance(statements, (list, tuple)) or not statements:
        raise ApprowWrongArgumentException("statements must be a non-empty list of dict")
    for i, st in enumerate(statements):
        where = f"statements[{i}]"
        if not is_mapping(st):
            raise ApprowWrongArgumentException(f"{where} must be a dict")
        if not isinstance(st.get("resource"), str) or not st["resource"]:
            raise ApprowWrongArgumentException(f"{where}.resource must be a non-empty str")
        actions = st.get("actions")
        if not isinstance(actions, (list, tuple)) or not actions or \
                not all(isinstance(a, str) and a for a in actions):
            raise ApprowWrongArgumentException(f"{where}.actions must be a non-empty list of str")
        if st.get("effect") not in (None, "ALLOW", "DENY"):
            raise ApprowWrongArgumentException(f"{where}.effect must be ALLOW or DENY")


def input_object(type_name: str, value: Any, where: str) -> None:
    """``value`` must be a dict of the schema's input type ``type_name`` (``CreateUserInput``,
    ...; see :mod:`approw.v2.common.inputs`): every key a field of it (an unknown key is named,
    with the closest field as a hint), every value of the field's type or ``None``.  Messages
    name keys and types, never values (a dict may hold a password)."""
    from .inputs import FIELDS  # on first use: programs that never send one never load the tables

    _input_object(FIELDS, type_name, value, where)


def input_objects(type_name: str, values: Any, where: str) -> None:
    """Each item of the list ``values`` must be a dict of ``type_name`` (see :func:`input_object`)."""
    if not isinstance(values, (list, tuple)):
        raise ApprowArgumentTypeError(f"{where} must be a list of dict ({type_name}), not {type(values).__name__}")
    for i, value in enumerate(values):
        input_object(type_name, value, f"{where}[{i}]")


def _input_object(fields: Dict[str, Dict[str, str]], type_name: str, value: Any, where: str) -> None:
    if not is_mapping(value):
        raise ApprowArgumentTypeError(f"{where} must be a dict ({type_name}), not {type(value).__name__}")
    known = fields[type_name]
    for key, item in value.items():
        kind = known.get(key) if isinstance(key, str) else None
        if kind is None:
            raise ApprowWrongArgumentException(
                f"{where} has no field {_key(key)} (the fields of {type_name}: see approw.v2.common.inputs)"
                f"{_did_you_mean(key, known)}")
        if item is not None:
            _input_value(fields, kind, item, f"{where}[{_key(key)}]")


def _input_value(fields: Dict[str, Dict[str, str]], kind: str, item: Any, where: str) -> None:
    if kind.startswith("["):
        if not isinstance(item, (list, tuple)):
            raise ApprowArgumentTypeError(f"{where} must be a list, not {type(item).__name__}")
        for i, element in enumerate(item):
            _input_value(fields, kind[1:-1], element, f"{where}[{i}]")
    elif kind in fields:
        _input_object(fields, kind, item, where)
    elif kind != "any" and not _INPUT_KINDS[kind](item):
        raise ApprowArgumentTypeError(f"{where} must be {_INPUT_NAMES[kind]}, not {type(item).__name__}")


_INPUT_KINDS: Dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and v.__class__ is not bool,
    "float": lambda v: isinstance(v, (int, float)) and v.__class__ is not bool,
    "bool": lambda v: isinstance(v, bool),
}
_INPUT_NAMES = {"str": "a str", "int": "an int", "float": "a number", "bool": "a bool (True or False)"}


def _key(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _did_you_mean(key: Any, known: Dict[str, str]) -> str:
    if not isinstance(key, str):
        return ""
    import difflib  # only to word an error

    found = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if not found:
        lowered = {name.lower(): name for name in known}
        found = [lowered[key.lower()]] if key.lower() in lowered else []
    return f"; did you mean {found[0]!r}?" if found else ""
