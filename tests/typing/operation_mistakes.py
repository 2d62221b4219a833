"""Mistakes in a method body that ``mypy --strict`` must reject (checked by
tests/unit/test_typing.py; never run).  Each line ending in ``# E: <codes>`` must get exactly
those errors."""
from approw.v2.common import operations as ops
from approw.v2.common.operation import Call
from approw.v2.common.shapes import CommonMessage, User


def mistakes(user_id: str, page: int) -> None:
    ops.userz({"id": user_id})  # E: attr-defined
    ops.deleteUser({"userId": user_id})  # E: typeddict-item typeddict-unknown-key
    ops.deleteUser({})  # E: typeddict-item
    ops.users({"page": "2"})  # E: typeddict-item
    ops.createUser({"userInfo": "bob"})  # E: typeddict-item
    ops.deleteUsers({"ids": [page]})  # E: list-item


def results(call: Call[CommonMessage]) -> User:
    return call[0].document  # E: return-value
