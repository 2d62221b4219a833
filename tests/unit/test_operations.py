"""The generated operations module: documents valid against the schema, kinds and variables as
in operations.tsv (the one source), types as declared, and the checked-in file equal to the
generator's output.  Also the sync modules generated from the ``_async`` sources."""
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest
from graphql import OperationDefinitionNode, parse, print_ast, validate

from approw.v2.common import operations
from approw.v2.common.operation import Operation
from approw.v2.common.operations import OPERATIONS
from fakes import REPO, schema

TOOLS = REPO / "tools"


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load("gen_operations")
unasync = _load("unasync")


def _operations_tsv() -> Dict[str, Tuple[str, str, Tuple[Tuple[str, str], ...]]]:
    rows = {}
    lines = (REPO / "spec" / "operations.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["operation", "kind", "root_field", "variables"]
    for line in lines[1:]:
        name, kind, root, variables = line.split("\t")
        parsed = () if variables == "-" else tuple(
            tuple(v.split(":", 1)) for v in variables.split(","))
        rows[name] = (kind, root, parsed)
    return rows


def test_every_operation_of_operations_tsv() -> None:
    assert len(OPERATIONS) >= 150
    assert set(OPERATIONS) == set(_operations_tsv())
    for name, op in OPERATIONS.items():
        assert getattr(operations, name) is op and isinstance(op, Operation)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_document_valid_against_schema(name: str) -> None:
    op = OPERATIONS[name]  # type: ignore[index]
    ast = parse(op.document)
    errors = validate(schema(), ast)
    assert not errors, [e.message for e in errors]
    (definition,) = ast.definitions
    assert isinstance(definition, OperationDefinitionNode)
    assert definition.name is not None and definition.name.value == name == op.name
    assert definition.operation.value == op.kind
    (root,) = definition.selection_set.selections
    assert root.name.value == op.root  # type: ignore[attr-defined]
    declared = tuple((v.variable.name.value, print_ast(v.type))
                     for v in definition.variable_definitions)
    assert declared == op.variables


def test_variables_match_operations_tsv() -> None:
    expected = _operations_tsv()
    for name, op in OPERATIONS.items():
        assert (op.kind, op.root, op.variables) == expected[name], name


def test_catalogue_does_not_repeat_operations_tsv() -> None:
    header = [line for line in (REPO / "spec" / "catalogue.tsv").read_text(encoding="utf-8").splitlines()
              if not line.startswith("#")][0]
    assert header.split("\t") == ["operation", "root_args", "selection", "used_by"]


def test_calling_an_operation_pairs_it_with_its_variables() -> None:
    call = operations.deleteUser({"id": "u1"})
    assert call == (operations.deleteUser, {"id": "u1"})
    assert operations.userpool({}) == (operations.userpool, {})
    assert operations.createUser.is_mutation and not operations.users.is_mutation
    assert repr(operations.users) == "<Operation query users>"


def test_python_types_of_variables() -> None:
    enums, inputs = {"SortByEnum"}, {"CreateUserInput"}
    assert gen.python_type("String!", enums, inputs) == "str"
    assert gen.python_type("Int", enums, inputs) == "Optional[int]"
    assert gen.python_type("[String!]!", enums, inputs) == "Sequence[str]"
    assert gen.python_type("[String]", enums, inputs) == "Optional[Sequence[Optional[str]]]"
    assert gen.python_type("SortByEnum", enums, inputs) == "Optional[str]"
    assert gen.python_type("CreateUserInput!", enums, inputs) == "Mapping[str, Any]"
    with pytest.raises(gen.CatalogueError):
        gen.python_type("Nope", enums, inputs)


def test_result_types() -> None:
    s = gen.Schema()
    assert s.result_type("query", "user") == "Optional[User]"        # null: not found
    assert s.result_type("query", "users") == "UserPage"
    assert s.result_type("mutation", "deleteUser") == "CommonMessage"  # succeeds or raises
    assert s.result_type("query", "checkLoginStatus") == "LoginStatus"
    assert s.result_type("query", "isActionAllowed") == "bool"
    assert s.result_type("query", "udv") == "List[UdvItem]"


def test_generated_module_up_to_date(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(TOOLS / "gen_operations.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    checked_in = REPO / "approw" / "v2" / "common" / "operations.py"
    assert (tmp_path / "operations.py").read_text(encoding="utf-8") == \
        checked_in.read_text(encoding="utf-8"), \
        f"{checked_in} is stale: run python tools/gen_operations.py"
    assert checked_in.read_text(encoding="utf-8").startswith("# Generated by tools/gen_operations.py")
    # The emulator serves the same contract: its copy of spec/schema.graphql is current.
    emulator_copy = REPO / "approw" / "emulator" / "schema.graphql"
    assert (tmp_path / "schema.graphql").read_text(encoding="utf-8") == \
        emulator_copy.read_text(encoding="utf-8"), \
        f"{emulator_copy} is stale: run python tools/gen_operations.py"


def test_selection_notation() -> None:
    sets = {"USER": ("id", "username"), "NODE": ("id", "name")}
    assert gen.render_selection("USER+externalId identities{openid}", sets) == \
        "id username externalId identities { openid }"
    assert gen.render_selection("roles(namespace){totalCount list{NODE+path}}", sets) == \
        "roles(namespace: $namespace) { totalCount list { id name path } }"
    with pytest.raises(gen.CatalogueError):
        gen.render_selection("a{b", sets)
    with pytest.raises(gen.CatalogueError):
        gen.render_selection("a}", sets)
    with pytest.raises(gen.CatalogueError):
        gen.render_selection("(x)", sets)


def test_malformed_operations_rows(tmp_path: Path) -> None:
    header = "operation\tkind\troot_field\tvariables\n"
    bad_rows = [
        "x\tsubscription\tx\t-\n",        # bad kind
        "x\tquery\tx(\t-\n",              # bad root field
        "x\tquery\tx\tid String\n",       # bad variable
        "x\tquery\tx\n",                  # wrong column count
        "x\tquery\tx\t-\nx\tquery\tx\t-\n",  # duplicate
        "class\tquery\tx\t-\n",           # not a Python name
    ]
    for row in bad_rows:
        path = tmp_path / "o.tsv"
        path.write_text(header + row, encoding="utf-8")
        with pytest.raises(gen.CatalogueError):
            gen.load_operations(path)


# --------------------------------------------------------------------------- unasync
def test_sync_modules_generated_from_async_sources_are_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(TOOLS / "unasync.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pairs = unasync.pairs()
    assert {t.relative_to(REPO).as_posix() for _, t in pairs} >= {
        "approw/v2/common/executor.py", "approw/v2/management/users.py",
        "approw/v2/management/client.py", "approw/v2/authentication/client.py"}


def test_unasync_rules() -> None:
    src = ('"""``AsyncFoo``: await the answer."""\n'
           "from approw.v2.common._async.executor import AsyncExecutor\n"
           "from .base import AsyncBase\n\n\n"
           "class AsyncFoo(AsyncBase):\n"
           "    async def get(self) -> int:  # AsyncFoo.get\n"
           "        async with self._lock:\n"
           "            return await self._exec(x)\n\n"
           "    async def __aenter__(self) -> 'AsyncFoo':\n"
           "        return self\n")
    assert unasync.unasync_source(src) == (
        '"""``Foo``: the answer."""\n'
        "from approw.v2.common.executor import Executor\n"
        "from .base import Base\n\n\n"
        "class Foo(Base):\n"
        "    def get(self) -> int:  # Foo.get\n"
        "        with self._lock:\n"
        "            return self._exec(x)\n\n"
        "    def __enter__(self) -> 'Foo':\n"
        "        return self\n")


def test_unasync_turns_async_for_of_docstring_samples_but_not_prose() -> None:
    src = ('"""Pages::\n\n    async for user in users.iter():\n        ...\n\n'
           '(``async for`` with the asyncio client)."""\n')
    assert unasync.unasync_source(src) == (
        '"""Pages::\n\n    for user in users.iter():\n        ...\n\n'
        '(``async for`` with the asyncio client)."""\n')


def test_gitattributes_marks_every_generated_file() -> None:
    """.gitattributes lists exactly the generated files as linguist-generated."""
    marked = {line.split()[0] for line in (REPO / ".gitattributes").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#") and "linguist-generated=true" in line}
    generated = {t.relative_to(REPO).as_posix() for _, t in unasync.pairs()}
    generated |= {"approw/v2/common/operations.py", "approw/emulator/schema.graphql"}
    assert marked == generated
