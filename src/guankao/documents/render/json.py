"""JSON: a report's data as UTF-8 JSON (Chinese as is), decimals as numbers, dates ISO 8601."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render(data: Mapping[str, Any]) -> bytes:
    """``data`` as pretty-printed UTF-8 JSON ending with a newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n").encode()
