"""Formula neutralisation (OWASP "CSV injection"), the one rule every sheet writer applies.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
taken for a formula by a spreadsheet program (``=HYPERLINK("http://evil.example/x","點此")``
typed as a task text). Such text is written with a ``'`` in front, in CSV, XLSX and ODS alike
(docs/decisions/0053-formula-neutralisation.md). The importer calls :func:`restore` on every cell
it reads, so what was exported comes back exactly. Numbers are never text here: a negative
number written as a number is left alone.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def _risky(text: str) -> bool:
    # Text that already starts with quotes before a trigger ("'=x") gets one more, so that
    # restore() can tell it from a prefix this module added.
    return text.lstrip(PREFIX).startswith(TRIGGERS)


def neutralise(text: str) -> str:
    """``=SUM(A1)`` → ``'=SUM(A1)``; any other text is returned as it is."""
    return PREFIX + text if _risky(text) else text


def restore(text: str) -> str:
    """The inverse of :func:`neutralise`: drops exactly the one ``'`` it adds."""
    return text[1:] if text.startswith(PREFIX) and _risky(text) else text
