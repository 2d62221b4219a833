"""Naive checks over csrc/**/*.c: the house rules a compiler does not enforce.

Functions are found by the house layout (return type on its own line, the name at
column 0), so each check applies per function.
"""
import pathlib
import re

import pytest

CSRC = pathlib.Path(__file__).resolve().parent.parent / "csrc"
SOURCES = sorted(CSRC.rglob("*.c"))
HEADERS = sorted(CSRC.rglob("*.h"))
MODULE_DIRS = ("core", "transport", "shared")

FUNC_START = re.compile(r"^(apw_\w+|Py\w+)\(", re.M)

# (opening call, closing call): every function that opens must also close.
PAIRS = [
    ("Py_EnterRecursiveCall", "Py_LeaveRecursiveCall"),
    ("PyEval_SaveThread", "PyEval_RestoreThread"),
    ("Py_BEGIN_ALLOW_THREADS", "Py_END_ALLOW_THREADS"),
    ("PyObject_GetBuffer", "PyBuffer_Release"),
    ("pthread_mutex_lock", "pthread_mutex_unlock"),
    ("PyErr_Fetch", "PyErr_Restore"),
]

# Functions that hand the opened thing to their caller, who closes it.
HANDS_OUT = {
    "apw_buf_get": "released by apw_buf_release",
    "apw_json_input": "released by its caller (apw_py_loads)",
    "apw_cb_share_lock": "libcurl calls apw_cb_share_unlock",
}

FORBIDDEN = {
    r"^static\s+PyObject\s*\*\s*\w+\s*(=|;)": "PyObject globals: keep objects in module state",
    r"\bPyEval_InitThreads\b": "deprecated",
    r"\bPyModule_Create\b": "single-phase init: use PyModuleDef_Init + slots",
    r"\bcJSON_GetErrorPtr\b": "process-global, not thread-safe",
    r"(?<![\w.])printf\s*\(": "no stray output from the library",
    r"\bgets\s*\(": "unsafe",
    r"\bstrcat\s*\(": "unbounded",
    r"\bsprintf\s*\(": "unbounded: use PyOS_snprintf/snprintf",
}


def functions(text):
    starts = [m.start() for m in FUNC_START.finditer(text)]
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        body = text[s:end]
        yield body.split("(", 1)[0], body


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(CSRC)))
def test_open_close_pairs(path):
    text = strip_comments(path.read_text())
    problems = []
    for name, body in functions(text):
        if name in HANDS_OUT:
            continue
        for opening, closing in PAIRS:
            if re.search(r"\b%s\s*\(" % opening, body) or (
                    opening.isupper() and re.search(r"\b%s\b" % opening, body)):
                if not re.search(r"\b%s\b" % closing, body):
                    problems.append(f"{name}: {opening} without {closing}")
    assert problems == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(CSRC)))
def test_forbidden_constructs(path):
    text = strip_comments(path.read_text())
    problems = [f"{path.name}: {why}: {m.group(0).strip()}"
                for pattern, why in FORBIDDEN.items()
                for m in re.finditer(pattern, text, re.M)]
    assert problems == []


def test_every_source_is_built():
    cmake = (CSRC.parent / "CMakeLists.txt").read_text()
    built = sorted(re.findall(r"csrc/([\w/]+\.c)", cmake))
    assert [str(p.relative_to(CSRC)) for p in SOURCES] == built


def test_one_directory_per_module():
    """csrc/core is approw._core, csrc/transport approw._transport, csrc/shared both."""
    assert {p.parent.name for p in SOURCES + HEADERS} == set(MODULE_DIRS)
    for path in SOURCES + HEADERS:
        text = path.read_text()
        if path.parent.name == "core":
            assert "curl/curl.h" not in text, f"{path.name}: _core never links libcurl"
        if path.parent.name == "transport":
            assert "cjson/" not in text, f"{path.name}: JSON comes through core_api.h"
        if path.parent.name == "shared":
            assert not re.search(r'#include "(core|transport|crypto)\.h"', text), path.name


@pytest.mark.parametrize("path", SOURCES + HEADERS, ids=lambda p: str(p.relative_to(CSRC)))
def test_file_and_function_size(path):
    """Files stay readable: at most ~700 lines, functions at most ~120."""
    text = path.read_text()
    assert text.count("\n") <= 720, f"{path.name}: {text.count(chr(10))} lines"
    long = []
    for m in FUNC_START.finditer(text):
        end = text.find("\n}\n", m.start())
        n = text.count("\n", m.start(), end) + 1
        if n > 125:
            long.append(f"{m.group(1)}: {n} lines")
    assert long == []


def test_linter_finds_what_it_should():
    bad = "static int\napw_f(void)\n{\n    Py_EnterRecursiveCall(\" x\");\n    return 0;\n}\n"
    found = [(n, o) for n, body in functions(bad) for o, c in PAIRS
             if o in body and c not in body]
    assert found == [("apw_f", "Py_EnterRecursiveCall")]
