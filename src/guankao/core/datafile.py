"""Reading the YAML data files that hold seed documents, with errors that name what is wrong.

Every error names the file, the record and the field, so that a person can find and fix it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from guankao.core.exceptions import DataFileError


class Record:
    """One mapping of a data file, read field by field with type checks."""

    def __init__(self, *, file: str, name: str, data: Any) -> None:
        self.file = file
        self.name = name
        if not isinstance(data, dict):
            raise DataFileError(file=file, record=name, field="-", message="expected a mapping")
        self.data: dict[str, Any] = data

    def error(self, field: str, message: str) -> DataFileError:
        return DataFileError(file=self.file, record=self.name, field=field, message=message)

    def _value(self, field: str, required: bool) -> Any:
        if field not in self.data or self.data[field] is None:
            if required:
                raise self.error(field, "missing")
            return None
        return self.data[field]

    def text(self, field: str, *, required: bool = True, default: str = "") -> str:
        value = self._value(field, required)
        if value is None:
            return default
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise self.error(field, f"expected text, got {value!r}")
        text = str(value).strip()
        if required and not text:
            raise self.error(field, "empty")
        return text

    def integer(self, field: str, *, minimum: int | None = None, required: bool = True) -> int:
        value = self._value(field, required)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, f"expected a whole number, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(field, f"must be at least {minimum}, got {value}")
        return value

    def optional_integer(self, field: str, *, minimum: int | None = None) -> int | None:
        if self._value(field, False) is None:
            return None
        return self.integer(field, minimum=minimum)

    def number(self, field: str, *, required: bool = True) -> Decimal | None:
        value = self._value(field, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(field, f"expected a number, got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.error(field, f"expected a number, got {value!r}") from None
        if not number.is_finite():
            raise self.error(field, f"expected a number, got {value!r}")
        return number

    def date(self, field: str, *, required: bool = True) -> datetime.date | None:
        value = self._value(field, required)
        if value is None:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(field, f"expected a date YYYY-MM-DD, got {value!r}") from None

    def boolean(self, field: str, *, default: bool) -> bool:
        value = self._value(field, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(field, f"expected true or false, got {value!r}")
        return value

    def child(self, field: str, name: str) -> Record:
        return Record(file=self.file, name=name, data=self._value(field, True))

    def items(self, field: str, *, required: bool = True) -> list[Any]:
        value = self._value(field, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(field, "expected a list")
        return value

    def text_list(self, field: str) -> list[str]:
        values = self.items(field, required=False)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.error(field, "expected a list of names")
        return [v.strip() for v in values]


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, about
# ten times faster than the pure-Python one, which took seconds of every seed load and import.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, through libyaml when it is there; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def read_data_file(path: Path) -> Record:
    """Parse a YAML data file into its top-level record."""
    name = path.name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(file=name, record="-", field="-", message="file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        message = f"not valid YAML: {error}".replace("\n", " ")
        raise DataFileError(file=name, record="-", field="-", message=message) from None
    return Record(file=name, name="(top)", data=data)


def check_unique(records: list[Record], key: str, values: list[Any]) -> None:
    """Refuse two records that share a value that must be unique, naming the second one."""
    seen: set[Any] = set()
    for record, value in zip(records, values, strict=True):
        if value in seen:
            raise record.error(key, f"duplicate {key} {value!r}")
        seen.add(value)
