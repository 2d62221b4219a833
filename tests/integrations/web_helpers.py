"""Helpers of the integration tests."""
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_example(relative):
    """Import an example module from examples/ by path (``examples`` is not a package)."""
    path = REPO / "examples" / relative
    name = "example_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def bearer(token):
    return {"Authorization": "Bearer " + token}


def challenge(response):
    return response.headers.get("www-authenticate", "")
