"""What the reference documents is what the SDK exports: the shapes page and the paging page
are ``automodule`` pages, which list a module's ``__all__``, so a class left out of it would
have no entry and every method returning it a broken reference (the site build refuses
those; this says which class at once, without building)."""
import importlib
import inspect
import pkgutil
from pathlib import Path

import approw.v2.common.shapes as shapes

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_shape_is_exported_by_its_module() -> None:
    for info in pkgutil.iter_modules(shapes.__path__):
        module = importlib.import_module(f"{shapes.__name__}.{info.name}")
        defined = {name for name, value in vars(module).items()
                   if inspect.isclass(value) and value.__module__ == module.__name__
                   and not name.startswith("_")}
        missing = defined - set(module.__all__)
        assert not missing, f"{module.__name__}.__all__ lacks {sorted(missing)}"
        assert set(module.__all__) <= set(shapes.__all__), module.__name__


def test_the_reference_documents_every_shape_module_and_the_pagers() -> None:
    text = (DOCS / "reference" / "shapes.rst").read_text(encoding="utf-8")
    for info in pkgutil.iter_modules(shapes.__path__):
        assert f".. automodule:: {shapes.__name__}.{info.name}\n" in text, info.name
    paging = (DOCS / "reference" / "paging.rst").read_text(encoding="utf-8")
    for module, name in (("approw.v2.common.paging", "Pager"), ("approw.v2.common._async.paging", "AsyncPager")):
        assert f".. automodule:: {module}\n" in paging
        assert name in importlib.import_module(module).__all__
