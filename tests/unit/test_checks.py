"""``@checked``: arguments checked against the method's annotations, sync and async, before the
method body runs; and the reference's value validators."""
import asyncio
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import pytest

from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException


class Sample:
    @checked
    def f(self, s: str, n: int = 1, o: Optional[str] = None, m: Optional[Mapping[str, Any]] = None,
          ids: Sequence[str] = (), flag: bool = False, kind: Literal["A", "B"] = "A",
          u: Union[str, List[int], None] = None, x: float = 1.0, anything: Any = None,
          *, kw: Optional[Dict[str, Any]] = None) -> str:
        return "ran"

    @checked
    async def g(self, s: str, ids: List[str]) -> str:
        return "ran"


@pytest.mark.parametrize("args, kwargs", [
    (("a",), {}),
    (("a", 2, None, {"k": 1}, ["x", "y"], 0, "B", [1, 2], 3), {"anything": object()}),
    (("a",), {"o": "x", "m": None, "ids": ("x",), "flag": "truthy", "u": "s", "x": 2.5, "kw": {}}),
])
def test_accepted(args: Any, kwargs: Any) -> None:
    assert Sample().f(*args, **kwargs) == "ran"


@pytest.mark.parametrize("args, kwargs, message", [
    ((1,), {}, "s must be a str, not int"),
    (("a", "2"), {}, "n must be an int, not str"),
    (("a", True), {}, "n must be an int, not bool"),
    (("a",), {"o": 5}, "o must be a str or None, not int"),
    (("a",), {"m": [1]}, "m must be a dict or None, not list"),
    (("a",), {"ids": "abc"}, "ids must be a list of str, not str"),
    (("a",), {"ids": ["a", 1]}, "ids must be a list of str, not list"),
    (("a",), {"kind": "C"}, "kind must be one of 'A', 'B', not str"),
    (("a",), {"u": [1, "2"]}, "u must be a str or a list of int or None, not list"),
    (("a",), {"x": "1.0"}, "x must be a number, not str"),
    (("a",), {"kw": "x"}, "kw must be a dict or None, not str"),
])
def test_refused_before_the_body_runs(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(ApprowArgumentTypeError) as ei:
        Sample().f(*args, **kwargs)
    assert str(ei.value) == message
    assert isinstance(ei.value, TypeError) and isinstance(ei.value, ApprowWrongArgumentException)


def test_async_methods_are_checked_and_stay_coroutine_functions() -> None:
    import inspect

    assert inspect.iscoroutinefunction(Sample.g)
    assert asyncio.run(Sample().g("a", ["b"])) == "ran"
    with pytest.raises(ApprowArgumentTypeError, match="ids must be a list of str, not tuple"):
        asyncio.run(Sample().g("a", ("b", 2)))


def test_signature_and_docs_are_kept() -> None:
    import inspect

    assert list(inspect.signature(Sample.f).parameters)[:3] == ["self", "s", "n"]
    assert Sample.f.__name__ == "f"


def test_value_validators() -> None:
    checks.resource_type("DATA")
    with pytest.raises(ApprowWrongArgumentException, match="unsupported resource_type: X"):
        checks.resource_type("X")
    with pytest.raises(ApprowWrongArgumentException, match="invalid argument: resource_type"):
        checks.resource_type("X", "invalid argument: resource_type")
    checks.target_type("GROUP")
    with pytest.raises(ApprowWrongArgumentException, match="unsupported target_type: X"):
        checks.target_type("X")
    checks.page_options(None, 0)
    with pytest.raises(ApprowWrongArgumentException, match="page must be a int bigger than 0"):
        checks.page_options(-1, 10)
    with pytest.raises(ApprowWrongArgumentException, match="limit must be a int bigger than 0"):
        checks.page_options(1, "10")
    with pytest.raises(ApprowWrongArgumentException, match="must be a list"):
        checks.is_list("x", "role_list must be a list")
