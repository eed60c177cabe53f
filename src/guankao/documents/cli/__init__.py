"""The kinds of ``guankao report KIND``: each is a module with

- ``HELP`` (one line) and ``FORMATS`` (the format names it supports),
- ``add_arguments(parser)`` for its own options (``--format`` and ``-o`` are added for it),
- ``run(options) -> bytes`` that reads the database and returns the rendered file; it raises a
  ``GuankaoError`` for bad input (unknown jurisdiction, year, …).

To add a report, write ``guankao/documents/cli/<kind>.py`` and add one line below.
"""

from __future__ import annotations

KINDS: dict[str, str] = {
    "committee": "guankao.documents.cli.committee",
    "division": "guankao.documents.cli.division",
    "performance": "guankao.documents.cli.performance",
}
