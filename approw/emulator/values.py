"""Small value rules shared by the domains: timestamps, paging, e-mail syntax, results."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from .errors import invalid

_ISO_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?", re.ASCII
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+", re.ASCII)
DEFAULT_LIMIT = 10


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds, the service's timestamp format."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


def parse_iso(value: Any, field: str) -> datetime:
    """An ISO-8601 date or date-time (naive means UTC); anything else -> error 2231."""
    text = value.strip() if isinstance(value, str) else None
    if not text or not _ISO_SHAPE.fullmatch(text):
        raise invalid("%s must be an ISO-8601 date-time such as 2021-06-07T14:34:08+04:00, got %r" % (field, value))
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:  # datetime keeps microseconds only
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid("%s is not a valid date-time: %s" % (field, exc)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def normalize_iso(value: Any, field: str) -> Optional[str]:
    return None if value is None else iso(parse_iso(value, field))


def is_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch(value))


def page_window(args: Dict[str, Any]) -> Tuple[int, int]:
    """``(offset, limit)`` from ``page`` (1-based; 0 and negatives mean 1) and ``limit``."""
    page = args.get("page") or 1
    limit = args.get("limit")
    limit = DEFAULT_LIMIT if limit is None else limit
    if limit < 1:
        raise invalid("limit must be a positive number, got %d" % limit)
    return (max(page, 1) - 1) * limit, limit


def paginated(total: int, items: List[Any]) -> Dict[str, Any]:
    return {"totalCount": total, "list": items}


def common_message(message: str, code: int = 200) -> Dict[str, Any]:
    return {"code": code, "message": message}
