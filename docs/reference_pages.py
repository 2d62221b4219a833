"""Sphinx extension: write the API reference pages from the clients themselves.

At ``builder-inited`` it imports the clients and writes ``reference/api/*.rst``: one page for
each client (sync and asyncio) and one for each sub-client found in the client's attribute
annotations (``ManagementClient.users: UsersManagementClient`` -> ``management_client.users``),
each an ``autoclass`` with every public member, inherited ones included (the area mixins).
Nothing lists methods by hand: a method or sub-client added to the code shows up.
"""
from pathlib import Path
from typing import Any, Dict, List, Tuple

#: Attributes of the clients that are plumbing, not API areas.
SKIP = {"graphqlClient", "restClient", "tokenProvider", "options"}


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _autoclass(cls: type) -> str:
    """``autoclass`` of ``cls`` (documented under its real module), every public member."""
    return (f".. autoclass:: {_path(cls)}\n"
            f"   :members:\n"
            f"   :inherited-members: ShowsOptions\n\n")


#: What every method may raise (the same for all of them: one executor, one error path).
RAISES = (
    "Every method raises, on a service error, the :class:`~approw.v2.exceptions.ApprowException` "
    "subclass for the service's code (:doc:`../../guides/errors` has the table); on a bad "
    "argument, before any request, :class:`~approw.v2.exceptions.ApprowArgumentTypeError` or "
    ":class:`~approw.v2.exceptions.ApprowWrongArgumentException`; when no usable answer came, a "
    ":class:`~approw.v2.exceptions.ApprowTransportError` subclass.  With an ``on_error`` option "
    "that returns, a service error of a REST call returns ``None`` instead.")


#: The short example of each page: docs/examples/<page>.py (run by the test suite).
EXAMPLES = Path(__file__).resolve().parent / "examples"


def _page(title: str, intro: str, classes: List[Tuple[str, type]], name: str = "") -> str:
    text = f"{title}\n{'=' * len(title)}\n\n{intro}\n\n{RAISES}\n\n"
    if (EXAMPLES / f"{name}.py").is_file():
        text += ("Example (``management_client`` and ``authentication_client`` made as in "
                 ":doc:`../../guides/quickstart`):\n\n"
                 f".. literalinclude:: ../../examples/{name}.py\n   :language: python\n\n")
    for heading, cls in classes:
        text += f"{heading}\n{'-' * len(heading)}\n\n{_autoclass(cls)}"
    return text


def _areas(sync_client: type, async_client: type) -> Dict[str, Tuple[type, type]]:
    from approw.v2.common.hints import type_hints  # (imported once the core is mocked)

    sync_hints = type_hints(sync_client)
    async_hints = type_hints(async_client)
    return {name: (cls, async_hints[name]) for name, cls in sync_hints.items()
            if name not in SKIP and isinstance(cls, type) and name in async_hints
            and not name.startswith("_")}


def write_pages(srcdir: Path) -> None:
    from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions
    from approw.v2.authentication._async.client import AsyncAuthenticationClient
    from approw.v2.authentication.verifier import AsyncTokenVerifier, TokenVerifier
    from approw.v2.management import ManagementClient, ManagementClientOptions
    from approw.v2.management._async.client import AsyncManagementClient

    out = srcdir / "reference" / "api"
    out.mkdir(parents=True, exist_ok=True)
    pages: Dict[str, str] = {}
    pages["management-client"] = _page(
        "ManagementClient",
        "The administrator's client, ``from approw.v2.management import ManagementClient, "
        "ManagementClientOptions``; its asyncio twin ``AsyncManagementClient`` has the same "
        "methods as coroutines.  The API areas are sub-clients (``management_client.users``, "
        "...), each on its own page.",
        [("ManagementClient", ManagementClient), ("AsyncManagementClient", AsyncManagementClient),
         ("ManagementClientOptions", ManagementClientOptions)], "management-client")
    for name, (sync_cls, async_cls) in sorted(_areas(ManagementClient, AsyncManagementClient).items()):
        pages[f"management-{name}"] = _page(
            f"management_client.{name}",
            f"``management_client.{name}`` is a :class:`{sync_cls.__name__}`; on the asyncio "
            f"client it is a :class:`{async_cls.__name__}`, whose methods are coroutines with "
            "the same parameters and results.",
            [(sync_cls.__name__, sync_cls)] + ([(async_cls.__name__, async_cls)]
                                                if async_cls is not sync_cls else []),
            f"management-{name}")
    pages["authentication-client"] = _page(
        "AuthenticationClient",
        "The end user's client, ``from approw.v2.authentication import AuthenticationClient, "
        "AuthenticationClientOptions``; its asyncio twin ``AsyncAuthenticationClient`` has the "
        "same methods as coroutines.",
        [("AuthenticationClient", AuthenticationClient),
         ("AsyncAuthenticationClient", AsyncAuthenticationClient),
         ("AuthenticationClientOptions", AuthenticationClientOptions)], "authentication-client")
    for name, (sync_cls, async_cls) in sorted(_areas(AuthenticationClient, AsyncAuthenticationClient).items()):
        pages[f"authentication-{name}"] = _page(
            f"authentication_client.{name}",
            f"``authentication_client.{name}`` is a :class:`{sync_cls.__name__}`; on the asyncio "
            f"client a :class:`{async_cls.__name__}`.",
            [(sync_cls.__name__, sync_cls), (async_cls.__name__, async_cls)], f"authentication-{name}")
    pages["token-verifier"] = _page(
        "TokenVerifier",
        "Verify ID tokens and access tokens locally, with the provider's keys cached "
        "(``from approw.v2.authentication import TokenVerifier, AsyncTokenVerifier``).",
        [("TokenVerifier", TokenVerifier), ("AsyncTokenVerifier", AsyncTokenVerifier)], "token-verifier")
    integrations = _integrations_page()
    if integrations:
        pages["integrations"] = integrations
    index = "API reference\n=============\n\n.. toctree::\n   :maxdepth: 1\n\n"
    index += "".join(f"   {name}\n" for name in pages)
    index += "   ../exceptions\n   ../shapes\n   ../paging\n"
    pages["index"] = index
    for name, text in pages.items():
        target = out / f"{name}.rst"
        if not target.exists() or target.read_text() != text:   # unchanged: no rebuild
            target.write_text(text)
    for stale in out.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()


def _integrations_page() -> str:
    """A page for ``approw.integrations`` (the web-framework helpers) when the package exists:
    each of its modules with every public member (the frameworks themselves are mocked in
    conf.py, so the site builds without them)."""
    import importlib.util
    import pkgutil

    spec = importlib.util.find_spec("approw.integrations")
    if spec is None or not spec.submodule_search_locations:
        return ""
    text = ("Integrations\n============\n\n.. automodule:: approw.integrations\n"
            "   :members:\n\n")
    for module in sorted(m.name for m in pkgutil.iter_modules(spec.submodule_search_locations)
                         if not m.name.startswith("_")):
        title = f"approw.integrations.{module}"
        text += f"{title}\n{'-' * len(title)}\n\n.. automodule:: {title}\n   :members:\n\n"
    return text


def _builder_inited(app: Any) -> None:
    write_pages(Path(app.srcdir))


def _real_path(target: str) -> Any:
    """Where the object a public dotted path names is defined (``approw.v2.management.
    ManagementClient`` -> ``approw.v2.management.client.ManagementClient``), or ``None``."""
    import importlib

    module, _, rest = target.partition(".")
    if module != "approw":
        return None
    parts = target.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for name in parts[i:]:
                obj = getattr(obj, name)
        except AttributeError:
            return None
        owner = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        return f"{owner}.{qualname}" if owner and qualname else None
    return None


def _resolve_short_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """A docstring's ``:class:`UsersManagementClient``` names a class by its short name; the
    reference documents it under its module path.  Resolve a short name that matches exactly
    one documented object (the sync and the asyncio classes have different names)."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    domain = env.get_domain("py")
    real = _real_path(target)
    if real is not None and real in domain.objects:
        found = [real]          # a public path (approw.v2.management.ManagementClient)
    else:
        found = [name for name in domain.objects if name.endswith("." + target)]
    if len(found) != 1:
        return None
    from sphinx.util.nodes import make_refnode

    obj = domain.objects[found[0]]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode, found[0])


def setup(app: Any) -> Dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("missing-reference", _resolve_short_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
