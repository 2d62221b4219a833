"""Sphinx extension: ``.. error-code-table::`` and ``.. transport-error-table::``, the tables of
:doc:`guides/errors`, built from the code itself: each exception class of
``approw.v2.exceptions`` with its service codes (``codes``) and the service's message for each
code (the code table the emulator ships), and the transport failures with the ``code`` and
the advice ``translate_core_error`` gives.  A class or code added to the SDK appears here."""
from pathlib import Path
from typing import Any, Dict, List

from docutils import nodes
from docutils.parsers.rst import Directive

ROOT = Path(__file__).resolve().parents[1]


def _service_messages() -> Dict[int, str]:
    table: Dict[int, str] = {}
    text = (ROOT / "approw" / "emulator" / "error-codes.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        code, _, message = line.partition("\t")
        if code.strip().isdigit():
            table[int(code)] = message.strip()
    return table


def _table(header: List[str], rows: List[List[str]], widths: List[int]) -> nodes.table:
    table = nodes.table(classes=["error-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    thead = nodes.thead()
    group += thead
    tbody = nodes.tbody()
    group += tbody
    for target, cells in ((thead, [header]), (tbody, rows)):
        for cells_row in cells:
            row = nodes.row()
            for cell in cells_row:
                entry = nodes.entry()
                para = nodes.paragraph()
                for i, part in enumerate(cell.split("``")):      # ``literal`` parts
                    if part:
                        para += nodes.literal(text=part) if i % 2 else nodes.Text(part)
                entry += para
                row += entry
            target += row
    return table


class ErrorCodeTable(Directive):
    def run(self) -> List[Any]:
        from approw.v2 import exceptions as exc

        messages = _service_messages()
        rows = []
        for name in exc.__all__:
            cls = getattr(exc, name)
            if isinstance(cls, type) and issubclass(cls, exc.ApprowException) \
                    and "codes" in vars(cls) and name == cls.__name__:
                summary = (cls.__doc__ or "").split(".")[0].split("(")[0].strip()
                for code in cls.codes:
                    shown = f"``{name}``"
                    if cls is exc.UserExistsError:
                        shown = "``UserExistsError`` (users), else ``AlreadyExistsError``"
                    rows.append([str(code), messages.get(code) or summary, shown])
        rows.sort(key=lambda r: (int(r[0]), r[2]))
        return [_table(["code", "the service's message", "exception class"], rows, [8, 60, 30])]


class TransportErrorTable(Directive):
    def run(self) -> List[Any]:
        from approw.v2.common.executor_base import _TRANSPORT_ERRORS

        rows = [[f"``{code}``", f"``{cls.__name__}``", ", ".join(
                    b.__name__ for b in cls.__mro__[1:] if b.__module__ == "builtins"
                    and b not in (Exception, BaseException, object, OSError)) or "--", hint]
                for _core_cls, cls, code, hint in _TRANSPORT_ERRORS]
        rows.append(["the HTTP status", "``ApprowHTTPError``", "--",
                     "the server answered, but not with the service's JSON: check host="])
        return [_table(["code", "exception class", "also a", "what to do"], rows, [12, 30, 16, 50])]


def setup(app: Any) -> Dict[str, Any]:
    app.add_directive("error-code-table", ErrorCodeTable)
    app.add_directive("transport-error-table", TransportErrorTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
