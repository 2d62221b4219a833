"""Typed inputs: the generated TypedDicts (approw/v2/common/inputs.py, from the schema's
input types by tools/gen_inputs.py) make ``mypy --strict`` reject a misspelt key or a wrong
value type in the caller's code (tests/typing/input_mistakes.py), and the run-time check names
the bad key, with a hint, before any request and without echoing any value."""
import re
import subprocess
import sys
from typing import Dict, List

import pytest

from approw.v2.common.checks import input_object
from approw.v2.common.inputs import FIELDS
from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException
from fakes import REPO, FakeSession


def test_generated_module_is_current() -> None:
    result = subprocess.run([sys.executable, str(REPO / "tools" / "gen_inputs.py"), "--check"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_tables_cover_the_inputs() -> None:
    assert {"CreateUserInput", "UpdateUserInput", "RegisterProfile", "UpdateUserpoolInput",
            "PolicyStatementInput"} <= set(FIELDS)
    assert FIELDS["CreateUserInput"]["loginsCount"] == "int"
    assert FIELDS["RegisterProfile"]["udf"] == "[UserDdfInput]"


def test_mistakes_in_input_dicts_fail_mypy() -> None:
    pytest.importorskip("mypy")
    sample = "tests/typing/input_mistakes.py"
    expected: Dict[int, List[str]] = {}
    for lineno, line in enumerate((REPO / sample).read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(r"# E: ([a-z -]+)$", line)
        if m:
            expected[lineno] = sorted(m.group(1).split())
    assert len(expected) >= 6
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
                             "--no-incremental", sample], cwd=REPO, capture_output=True, text=True)
    found: Dict[int, List[str]] = {}
    for line in result.stdout.splitlines():
        m = re.match(rf"{re.escape(sample)}:(\d+): error: .*\[([a-z-]+)\]$", line)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
    assert {n: sorted(codes) for n, codes in found.items()} == expected, result.stdout


def refused(type_name, value, match, cls=ApprowWrongArgumentException):
    with pytest.raises(cls) as info:
        input_object(type_name, value, "userInfo")
    assert re.search(match, str(info.value)), str(info.value)
    return str(info.value)


def test_runtime_check_names_the_key_and_hints() -> None:
    refused("CreateUserInput", {"usename": "bob"}, r"userInfo has no field 'usename'.*did you mean 'username'\?")
    refused("CreateUserInput", {"Email": "x"}, r"did you mean 'email'\?")
    message = refused("CreateUserInput", {"zzzzzz": 1}, r"no field 'zzzzzz'")
    assert "did you mean" not in message
    refused("CreateUserInput", {1: "x"}, r"no field 1")
    refused("CreateUserInput", {"loginsCount": "3"}, r"userInfo\['loginsCount'\] must be an int, not str",
            ApprowArgumentTypeError)
    refused("CreateUserInput", {"loginsCount": True}, r"must be an int, not bool", ApprowArgumentTypeError)
    refused("CreateUserInput", {"blocked": 1}, r"must be a bool", ApprowArgumentTypeError)
    refused("CreateUserInput", {"registerSource": "import"}, r"registerSource'\] must be a list", ApprowArgumentTypeError)
    refused("RegisterProfile", {"udf": [{"key": "k", "vaule": "v"}]}, r"userInfo\['udf'\]\[0\] has no field 'vaule'.*"
            r"did you mean 'value'")
    refused("CreateUserInput", ["username"], r"must be a dict \(CreateUserInput\), not list", ApprowArgumentTypeError)
    input_object("CreateUserInput", {"username": "bob", "password": None, "loginsCount": 3, "registerSource": ["a"]},
                 "userInfo")
    input_object("UpdateUserpoolInput", {"loginFailCheck": {"limit": 3}, "whitelist": {"phoneEnabled": True}},
                 "updates")


def test_no_request_and_no_password_in_the_message(fake: FakeSession, mgmt, auth) -> None:
    secret = "hunter2-very-secret"
    with pytest.raises(ApprowWrongArgumentException) as info:
        mgmt.users.create({"username": "bob", "passwrd": secret})
    assert "did you mean 'password'" in str(info.value) and secret not in str(info.value)
    with pytest.raises(ApprowArgumentTypeError) as info:
        mgmt.users.create({"username": "bob", "password": 123456})
    assert "123456" not in str(info.value)
    with pytest.raises(ApprowWrongArgumentException, match="profile has no field 'nickame'"):
        auth.register_by_username("bob", secret, {"nickame": "B"})
    with pytest.raises(ApprowWrongArgumentException, match="updates has no field"):
        mgmt.users.update("u1", {"nick": "B"})
    with pytest.raises(ApprowWrongArgumentException, match=r"statements\[0\] has no field 'efect'.*'effect'"):
        mgmt.policies.create("p", [{"resource": "books:*", "actions": ["read"], "efect": "ALLOW"}])
    with pytest.raises(ApprowWrongArgumentException, match=r"role_opts\[0\] has no field 'namspace'"):
        mgmt.users.search("bob", role_opts=[{"code": "admin", "namspace": "default"}])
    with pytest.raises(ApprowWrongArgumentException, match=r"identity has no field 'userId'"):
        mgmt.users.find(identity={"provider": "github", "userId": "1"})
    with pytest.raises(ApprowWrongArgumentException, match=r"opts\[0\] has no field 'target'"):
        mgmt.acl.revoke_resource("ns", "books:1", [{"targetType": "USER", "targetIdentifier": "u", "target": 1}])
    assert [c for c in fake.calls if c.operation != "accessToken"] == []
