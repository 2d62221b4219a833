"""Sphinx configuration of the approw-py-sdk documentation site (built by ``scripts/docs``).

The API reference is generated from the classes themselves (autodoc): every public method of
every client and sub-client, sync and asyncio, with its signature, type hints and docstring.
The sub-client pages are written at build time from the clients' attribute annotations
(``ManagementClient.users: UsersManagementClient``, ...), so a method or a sub-client added
to the code appears without editing these files.  The SDK is imported from this source tree
with its compiled core mocked, so the site builds without compiling C.
"""
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

project = "approw-py-sdk"
author = "Approw"
copyright = "Approw"
release = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "reference_pages",          # docs/reference_pages.py: the generated reference pages
    "bench_chart",              # docs/bench_chart.py: the benchmark table as a chart
    "error_tables",             # docs/error_tables.py: the errors guide's tables
]

# The compiled core is not needed to document the Python API: mocked for the whole build (the
# reference pages and the errors guide's tables import the SDK too), whether or not it is built.
autodoc_mock_imports = ["approw._core", "approw._transport",
                        # the web frameworks approw.integrations (when present) plugs into
                        "flask", "django", "fastapi", "starlette", "werkzeug", "celery"]
from sphinx.ext.autodoc.mock import mock as _mock  # noqa: E402

_core_mock = _mock(autodoc_mock_imports)   # (kept referenced: the mock lasts while it lives)
_core_mock.__enter__()
autodoc_typehints = "both"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
autodoc_class_signature = "mixed"
autodoc_default_options = {"members": True}
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
python_use_unqualified_type_names = True
add_module_names = False

html_theme = "furo"
html_title = f"approw-py-sdk {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
exclude_patterns = ["_build", "requirements.txt"]
suppress_warnings: list = []
templates_path: list = []
toc_object_entries = False

# With -n (scripts/docs) every reference to an object of the SDK must resolve.  Not in the
# reference (internal plumbing, or outside the SDK): these.
nitpick_ignore_regex = [
    (r"py:.*", r"(?!approw\.).*\.(?!.*Client$).*"),                       # other packages
    (r"py:.*", r"(approw\.v2\.)?(common\.)?((_async\.)?executor\.)?(Async)?Executor"),
    (r"py:.*", r".*(TokenProvider|SubClient|TakesOptions|ClientOptions|KeySet|TokenVerifierBase"
               r"|GraphqlClient|RestClient|AuthenticationBase|Methods)$"),
    (r"py:.*", r"approw\.v2\.authentication\.verifier\.V"),
    (r"py:.*", r"(str|int|float|bool|bytes|dict|list|tuple|object|None|Any|Optional|Union"
               r"|Callable|Mapping|Sequence|Iterable|Iterator|Literal|TypedDict|Exception"
               r"|ValueError|TypeError|TimeoutError|ConnectionError|T|R|K|V)"),
]
# The view decorators of approw.integrations.flask and .django are typed with a private TypeVar,
# ``F = TypeVar("F", bound=Callable[..., Any])`` ("returns a view of the type it was given"): a
# module-private type variable, with no entry of its own in the reference.
nitpick_ignore = [("py:class", "approw.integrations.django.F"),
                  ("py:class", "approw.integrations.flask.F")]

# Methods of the clients first in search results (docs/_static/scorer.js).
html_search_scorer = str(Path(__file__).resolve().parent / "_static" / "scorer.js")


def _hint_names_for(app: object, obj: object, bound_method: bool) -> None:
    """The client modules import ``typing``'s names and the shapes (``User`` and the other
    TypedDicts of approw.v2.common.shapes) for type checkers only, which keeps them out of the
    clients' import; autodoc resolves a method's annotations in its module's namespace, so the
    build adds those names there (names the module has are kept)."""
    import inspect

    from approw.v2.common.checks import hint_names

    fn = inspect.unwrap(getattr(obj, "__func__", obj)) if callable(obj) else obj
    namespace = getattr(fn, "__globals__", None)
    if isinstance(namespace, dict) and str(namespace.get("__name__", "")).startswith("approw."):
        for name, value in hint_names().items():
            namespace.setdefault(name, value)


def setup(app: object) -> None:
    app.connect("autodoc-before-process-signature", _hint_names_for)  # type: ignore[attr-defined]
