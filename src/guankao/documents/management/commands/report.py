"""``guankao report KIND …``: write a report in one of its formats.

Examples::

    guankao report performance --org hsinchu-social --year 108 --format pdf -o report.pdf

Each KIND is a ``ReportKind`` that an app lists in its ``reports.py`` (see
``guankao.core.registry``). The file is written to a temporary file next to the target and
renamed into place, so an error never leaves half a file.
Bad input ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.registry import ReportKind, report_kinds
from guankao.documents.formats import FORMATS


class OneLineParser(CommandParser):
    """argparse prints the usage before an error; the interface promises one line."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {message}\n")
        raise CommandError(f"Error: {message}", returncode=2)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it into place."""
    directory = path.parent if str(path.parent) else Path()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Write a report (施政績效報告, …) as HTML, PDF, ODT, DOCX, ODS, XLSX, CSV or JSON. "
        "Example: guankao report performance --org hsinchu-social --year 108 --format pdf "
        "-o report.pdf"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # The same parser with one-line errors (Django builds it before we can choose its class).
        parser.__class__ = OneLineParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="KIND", parser_class=OneLineParser
        )
        for kind in report_kinds():
            sub = kinds.add_parser(kind.name, help=kind.help, description=kind.help)
            kind.add_arguments(sub)
            sub.add_argument(
                "--format",
                required=len(kind.formats) > 1,  # a kind with one format needs no choice
                default=kind.formats[0] if len(kind.formats) == 1 else None,
                choices=kind.formats,
                help="output format: " + ", ".join(kind.formats),
            )
            sub.add_argument(
                "-o",
                "--output",
                required=True,
                metavar="FILE",
                help="file to write; - writes to standard output",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: ReportKind = next(k for k in report_kinds() if k.name == options["kind"])
        output: str = options["output"]
        path = Path(output)
        if output != "-" and not (path.parent if str(path.parent) else Path()).is_dir():
            raise CommandError(
                _("無法寫入 %(path)s：資料夾不存在") % {"path": output}, returncode=2
            )
        try:
            content = kind.run(options)
        except GuankaoError as error:
            raise CommandError(str(error), returncode=2) from None
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return
        try:
            write_atomically(path, content)
        except OSError as error:
            raise CommandError(
                _("無法寫入 %(path)s：%(reason)s") % {"path": output, "reason": error.strerror},
                returncode=2,
            ) from None
        label = FORMATS[options["format"]].label
        self.stdout.write(
            _("%(path)s：%(format)s，%(size)s 位元組")
            % {"path": output, "format": label, "size": f"{len(content):,}"}
        )
