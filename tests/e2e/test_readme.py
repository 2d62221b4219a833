"""The README's Python examples run, in order, against a fresh emulator (placeholders
such as 'APPROW_USERPOOL_ID' replaced by the emulator's values)."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_examples_run(approw_emulator_fresh):
    emu = approw_emulator_fresh
    values = {
        "APPROW_USERPOOL_ID": emu.user_pool_id,
        "APPROW_USERPOOL_SECRET": emu.secret,
        "APPROW_APP_ID": emu.app_id,
        "APPROW_HOST": emu.url,
        "APPROW_PUBLIC_KEY": emu.public_key,
        "APPROW_ISSUER": emu.url + "/oidc",
    }
    blocks = python_blocks()
    assert len(blocks) >= 5
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            for name, value in values.items():
                block = block.replace(repr(name), repr(value))
            assert "APPROW_" not in block, block
            exec(compile(block, str(README), "exec"), namespace)
    # the error-handling example printed the code and the message
    assert out.getvalue().split() == ["2004", "User", "does", "not", "exist"]
    assert namespace["user"]["nickname"] == "Nick"
    assert namespace["logins"]["list"][0]["operationName"] == "login"   # the pool's log of sign-ins
    assert namespace["claims"]["sub"] == namespace["user"]["id"]   # verified locally
