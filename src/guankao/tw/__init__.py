"""Taiwan government-document conventions: ROC dates, official number formats, counted
quantities in report text, search folding, phone numbers and reporting-period codes.

Pure Python with no Django and no I/O; only :mod:`opencc` is needed (for search folding).
"""

from .dates import (
    YearMonth,
    format_roc_date,
    format_roc_datetime,
    from_roc_year,
    parse_roc_date,
    to_roc_year,
)
from .numbers import format_count, format_percent, format_thousands, parse_count
from .periods import PERIOD_KINDS, Period, parse_period_code
from .phones import Phone, parse_phone
from .quantities import UNITS, Quantity, extract_quantities
from .search import fold_for_search, to_traditional

__all__ = [
    "PERIOD_KINDS",
    "UNITS",
    "Period",
    "Phone",
    "Quantity",
    "YearMonth",
    "extract_quantities",
    "fold_for_search",
    "format_count",
    "format_percent",
    "format_roc_date",
    "format_roc_datetime",
    "format_thousands",
    "from_roc_year",
    "parse_count",
    "parse_period_code",
    "parse_phone",
    "parse_roc_date",
    "to_roc_year",
    "to_traditional",
]
