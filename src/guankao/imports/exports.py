"""``guankao export template division|performance``: the import layouts, empty or filled."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from guankao.core.models import Agency, Jurisdiction
from guankao.core.registry import ExportSubcommand
from guankao.divisions.models import DivisionTable
from guankao.imports.exceptions import ExportFailed
from guankao.imports.exporting import export_division_template, export_performance_template
from guankao.tw import YearMonth, parse_roc_date


def _add_arguments(parser: CommandParser) -> None:
    parser.add_argument("kind", choices=["division", "performance"])
    parser.add_argument("--format", dest="file_format", choices=["xlsx", "ods"], default="ods")
    parser.add_argument("-o", "--output", required=True, type=Path, help="file to write")
    parser.add_argument("--jurisdiction", help="division: jurisdiction slug, e.g. keelung")
    parser.add_argument("--version", help="division: ROC year.month (default: the latest)")
    parser.add_argument("--org", help="performance: department slug, e.g. hsinchu-social")
    parser.add_argument("--year", type=int, help="performance: ROC year, e.g. 108")


def _division_table(slug: str | None, version: str | None) -> DivisionTable | None:
    if not slug:
        if version:
            raise ExportFailed(_("指定 --version 時也須指定 --jurisdiction。"))
        return None
    if not Jurisdiction.objects.filter(slug=slug).exists():
        raise ExportFailed(_("沒有代碼為「%(slug)s」的縣市。") % {"slug": slug})
    tables = DivisionTable.objects.for_jurisdiction(slug)
    if version:
        month = parse_roc_date(version) if version else None
        if not isinstance(month, YearMonth):
            raise ExportFailed(_("版本「%(v)s」須為民國年.月，例如 112.7。") % {"v": version})
        tables = tables.filter(effective_month=DivisionTable.month_of(month))
    table = tables.latest_first().first()
    if table is None:
        raise ExportFailed(_("「%(slug)s」沒有這個版本的分工表。") % {"slug": slug})
    return table


def _run(options: dict[str, Any], stdout: OutputWrapper) -> None:
    output: Path = options["output"]
    if not output.parent.is_dir():
        raise ExportFailed(_("%(dir)s：資料夾不存在。") % {"dir": output.parent})
    file_format: str = options["file_format"]
    # Written beside the target and renamed into place, so no half-written file is left.
    handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=f".{file_format}")
    os.close(handle)
    try:
        if options["kind"] == "division":
            table = _division_table(options["jurisdiction"], options["version"])
            export_division_template(table=table, path=Path(temporary), file_format=file_format)
            what = str(table) if table else _("空白分工表範本")
        else:
            department, year = None, options["year"]
            if options["org"]:
                department = Agency.objects.filter(slug=options["org"]).first()
                if department is None:
                    raise ExportFailed(
                        _("沒有代碼為「%(slug)s」的機關。") % {"slug": options["org"]}
                    )
                if year is None:
                    raise ExportFailed(_("請以 --year 指定民國年度，例如 108。"))
            export_performance_template(
                department=department, roc_year=year, path=Path(temporary), file_format=file_format
            )
            what = (
                _("%(org)s %(year)d年度施政計畫") % {"org": department.label, "year": year}
                if department
                else _("空白施政計畫範本")
            )
        Path(temporary).replace(output)
    finally:
        Path(temporary).unlink(missing_ok=True)
    stdout.write(_("已匯出：%(what)s → %(file)s") % {"what": what, "file": output})


EXPORT_SUBCOMMANDS = [
    ExportSubcommand(
        name="template",
        help="import templates (division|performance), empty or filled, as xlsx or ods",
        add_arguments=_add_arguments,
        run=_run,
    )
]
