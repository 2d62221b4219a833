"""What many answers share: any JSON object, ``{code, message}``, a page of a listing."""
from typing import Any, Dict, List, TypedDict

__all__ = ["JSONDict", "CommonMessage", "Paginated"]


JSONDict = Dict[str, Any]


class CommonMessage(TypedDict, total=False):
    """``{"code": 200, "message": ...}`` -- the answer of most mutations (200 = success)."""

    code: int
    message: str


class Paginated(TypedDict, total=False):
    """One page of a listing: ``{"totalCount": n, "list": [...]}``."""

    totalCount: int
    list: List[Any]
