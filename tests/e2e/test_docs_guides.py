"""Every Python sample of the documentation site runs: each guide's ``code-block:: python``
blocks, in order, in one namespace, against a fresh emulator (placeholders such as
'APPROW_HOST' replaced by its values).  Functions named ``test_*`` that a guide defines (the
testing guide's examples) are then called with the emulator as their fixture (and
``monkeypatch`` as pytest's).  So the docs
cannot drift from the SDK.  The web-frameworks guide runs in a child interpreter (it
configures Django, which a process does once)."""
import contextlib
import inspect
import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest

from browser import Browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = sorted((DOCS / "guides").glob("*.rst"))
BLOCK = re.compile(r"^\.\. code-block:: python\n\n((?:(?:[ ]{3,}.*)?\n)+)", re.M)


def python_blocks(page: Path) -> List[str]:
    return [textwrap.dedent(block) for block in BLOCK.findall(page.read_text(encoding="utf-8"))]


def test_every_guide_has_samples() -> None:
    names = {page.stem for page in GUIDES}
    assert {"quickstart", "management", "authentication", "oidc", "asyncio", "integrations",
            "testing", "errors", "performance", "migrating"} <= names
    for page in GUIDES:
        if page.stem != "performance":
            assert python_blocks(page), f"{page.name} has no Python sample"


#: Guides whose samples set process-wide state for good (Django's ``settings.configure`` works
#: once per process): their blocks run in a child interpreter (the emulator stays in this one),
#: so that the rest of the suite -- the Django example's tests -- gets a process without it.
IN_A_CHILD = {"integrations"}

CHILD = """if True:
    import json, sys
    blocks, path = json.load(sys.stdin)
    namespace = {"__name__": "guide"}
    for block in blocks:
        exec(compile(block, path, "exec"), namespace)
"""


def run_in_a_child(page: Path, blocks: List[str]) -> str:
    """Run the blocks in order, in one namespace, in a new interpreter; what they printed."""
    # isolated (-I) and outside the source tree: the child imports the installed package, not
    # this clone's approw/ (which has no compiled core unless built in place)
    run = subprocess.run([sys.executable, "-I", "-c", CHILD], input=json.dumps([blocks, str(page)]),
                         capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir())
    assert run.returncode == 0, run.stderr[-4000:]
    return run.stdout


@pytest.mark.parametrize("page", GUIDES, ids=[p.stem for p in GUIDES])
def test_guide_samples_run(page: Path, approw_emulator_fresh: Any) -> None:
    emu = approw_emulator_fresh
    values = {
        "APPROW_USERPOOL_ID": emu.user_pool_id,
        "APPROW_USERPOOL_SECRET": emu.secret,
        "APPROW_APP_ID": emu.app_id,
        "APPROW_APP_SECRET": emu.app_secret,
        "APPROW_HOST": emu.url,
        "APPROW_PUBLIC_KEY": emu.public_key,
        "APPROW_ISSUER": emu.url + "/oidc",
    }

    def browser_sign_in(url: str, username: str, password: str) -> str:
        """The user's browser: the provider's sign-in page, then the redirect it answers."""
        found = Browser().sign_in(url, username, password)
        assert found.status in (302, 303), found.text[:300]
        return str(found.location)

    if page.stem == "oidc":
        emu.create_user(username="dave", password="passw0rd")     # the user of the walkthrough
    blocks = []
    for block in python_blocks(page):
        for name, value in values.items():
            block = block.replace(repr(name), repr(value))
        assert "'APPROW_" not in block, block
        blocks.append(block)
    if page.stem in IN_A_CHILD:
        printed = run_in_a_child(page, blocks)
    else:
        namespace: Dict[str, Any] = {"browser_sign_in": browser_sign_in, "__name__": "guide"}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, str(page), "exec"), namespace)
            for name, func in list(namespace.items()):
                if name.startswith("test_") and inspect.isfunction(func):
                    with pytest.MonkeyPatch.context() as monkeypatch:   # pytest's fixture
                        func(**{p: monkeypatch if p == "monkeypatch" else emu
                                for p in inspect.signature(func).parameters})
        printed = out.getvalue()
    if page.stem == "quickstart":
        assert "emulator at http://127.0.0.1:" in printed and "2004 User does not exist" in printed
    if page.stem == "errors":
        assert "already exists: 2026" in printed
        assert "Approw Request Error (connection): checkLoginStatus: connection failed" in printed
    if page.stem == "oidc":
        assert "reports:read 300" in printed           # the machine client's scope and lifetime
    if page.stem == "management":
        assert "did you mean 'nickname'?" in printed and "['alice', 'bob'] 2" in printed
    if page.stem == "asyncio":
        assert printed.strip().endswith("(5, 5, 'user0')")


#: The reference pages' examples (docs/examples/<page>.py), in the order they build on each
#: other (the users example makes ``user``, the client example signs in, ...).
EXAMPLE_ORDER = ["management-users", "management-client", "management-roles", "management-acl",
                 "management-groups", "management-policies", "management-org",
                 "management-applications", "management-udf", "management-userpool",
                 "management-statistics", "management-mfa", "management-check",
                 "management-whitelist", "authentication-client", "authentication-mfa",
                 "token-verifier"]


def test_reference_examples_run(approw_emulator_fresh: Any) -> None:
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
    from approw.v2.management import ManagementClient, ManagementClientOptions

    emu = approw_emulator_fresh
    files = {p.stem: p for p in (DOCS / "examples").glob("*.py")}
    assert sorted(files) == sorted(EXAMPLE_ORDER)       # a new example: give it its place
    namespace: Dict[str, Any] = {
        "management_client": ManagementClient(ManagementClientOptions(
            user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
            enc_public_key=emu.public_key)),
        "authentication_client": AuthenticationClient(AuthenticationClientOptions(
            app_id=emu.app_id, app_host=emu.url, enc_public_key=emu.public_key)),
        "emulator_url": emu.url,
    }
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for name in EXAMPLE_ORDER:
            exec(compile(files[name].read_text(encoding="utf-8"), str(files[name]), "exec"), namespace)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1 Bobby") and lines[2] == "True 200"
    assert lines[-1] == "True"                          # the token verified locally
