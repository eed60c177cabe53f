"""Benchmark of the imports: a 5,000-row division table and a 200-plan performance report,
each as an XLSX file built here, read, previewed (the writes rolled back) and saved.

Runs on a throw-away test database loaded with the demo data; the developer's database is
not touched. Times are wall-clock; peak memory is measured in a second run under tracemalloc
(which slows the code down, so it is never timed).
"""

from __future__ import annotations

import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import django

DIVISION_ROWS = 5_000
AGENCIES = 50
LARGE_VERSION_ROWS = 19_800  # the readers' limit is 20,000 rows a sheet
PLANS = 200
INDICATORS = 4
AREAS = ("生活適應輔導", "醫療生育保健", "保障就業權益", "提升教育文化", "協助子女教養",
         "人身安全保護", "健全法令制度", "落實觀念宣導")  # fmt: skip


def division_file(folder: Path, rows: int = DIVISION_ROWS, agencies: int = AGENCIES) -> Path:
    """``rows`` tasks of ``agencies`` agencies (5,000 of 50 by default), one row per task, agency
    cells merged as tables do."""
    from guankao.documents.model import CellValue, Merge, Sheet, TitleLine, Workbook
    from guankao.documents.render import xlsx
    from guankao.imports.exporting import DIVISION_COLUMNS

    count = rows
    rows_: list[tuple[CellValue, ...]] = []
    merges: list[Merge] = []
    per_agency = count // agencies
    for a in range(agencies):
        first = len(rows_)
        for n in range(1, per_agency + 1):
            area = AREAS[(n * len(AREAS)) // (per_agency + 1)]
            text = f"{n}.辦理新住民第 {a}-{n} 項照顧服務，提供生活適應、法律諮詢及通譯服務。"
            phone = f"2420-{1000 + a}#{100 + a}" if n == 1 else None
            rows_.append((area, text, f"測試局處{a:02d}", phone, None))
        merges += [Merge(first, 2, len(rows_) - 1, 2), Merge(first, 3, len(rows_) - 1, 3)]
    title = "測試市新住民照顧服務業務分工一覽表"
    sheet = Sheet("分工表", DIVISION_COLUMNS, tuple(rows_), (TitleLine(title),), tuple(merges))
    path = folder / f"division-{count}.xlsx"
    path.write_bytes(xlsx.render(Workbook(title, (sheet,))))
    return path


def report_file(folder: Path) -> Path:
    """200 plans of 4 indicators in the report layout, figures in the text (no measure sheet)."""
    from guankao.documents.model import CellValue, Sheet, Workbook
    from guankao.documents.render import xlsx
    from guankao.imports.exporting import PLAN_COLUMNS, chinese_number

    rows: list[tuple[CellValue, ...]] = []
    for p in range(1, PLANS + 1):
        numbers = range(1, INDICATORS + 1)
        rows.append(
            (
                f"{chinese_number(p)}、推動第 {p} 項社會福利計畫：",
                "\n".join(f"{i}.辦理關懷訪視服務人次及宣導場次。" for i in numbers),
                "\n".join(
                    f"{i}.關懷訪視 {p * 10 + i:,}人次，辦理宣導 {i * 3}場。" for i in numbers
                ),
                1000 + p,
                "\n".join(
                    f"{i}.關懷訪視 {p * 11 + i:,}人次，辦理宣導 {i * 3 + 1}場，計 {i * 50}人參加。"
                    for i in numbers
                ),
                Decimal(98 + p % 3) / 100,
                5,
            )
        )
    path = folder / "report-200.xlsx"
    path.write_bytes(
        xlsx.render(Workbook("施政計畫", (Sheet("施政計畫", PLAN_COLUMNS, tuple(rows)),)))
    )
    return path


def _small_over_large(folder: Path) -> tuple[str, str, str]:
    """Issue 13: the seed's 53-row table previewed as a version that holds 19,800 tasks (every
    task but 53 to delete: the preview once took 54 s and the web worker timed out)."""
    from guankao.divisions.models import DivisionTable
    from guankao.imports.exporting import export_division_template
    from guankao.imports.services import division_import, division_target

    big = division_file(folder, rows=LARGE_VERSION_ROWS, agencies=200)
    target = division_target(jurisdiction="keelung", version="114.9")
    division_import(path=big, filename=big.name, target=target, actor=None, save=True)
    seed = DivisionTable.objects.for_jurisdiction("keelung").order_by("effective_month").first()
    small = folder / "seed.ods"
    export_division_template(table=seed, path=small, file_format="ods")
    seconds, preview = _timed(
        lambda: division_import(path=small, filename=small.name, target=target, actor=None)
    )
    changes = len(preview.changes)  # type: ignore[attr-defined]
    return (
        f"the seed's 53 rows over a {LARGE_VERSION_ROWS:,}-row version",
        f"preview ({changes:,} changes, writes rolled back)",
        f"{seconds:.2f} s",
    )


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _peak(call: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def run() -> str:
    """Run the benchmark and return its Markdown section."""
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from guankao.imports.readers import read_grids
    from guankao.imports.services import (
        division_import,
        division_target,
        performance_import,
        performance_target,
        read_division,
        read_performance,
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows: list[tuple[str, str, str]] = []
    try:
        call_command("demo", verbosity=0, stdout=io.StringIO())
        with tempfile.TemporaryDirectory() as folder:
            division = division_file(Path(folder))
            report = report_file(Path(folder))
            target = division_target(jurisdiction="bench", version="114.3", name="測試市")
            plans = performance_target(org="hsinchu-social", year=114)

            def read_d() -> object:
                return read_division(division, filename=division.name, target=target)

            def preview_d() -> object:
                return division_import(path=division, filename=division.name, target=target,
                                       actor=None)  # fmt: skip

            def save_d() -> object:
                return division_import(path=division, filename=division.name, target=target,
                                       actor=None, save=True)  # fmt: skip

            def read_p() -> object:
                return read_performance(report, filename=report.name)

            def preview_p() -> object:
                return performance_import(path=report, filename=report.name, target=plans,
                                          actor=None)  # fmt: skip

            def save_p() -> object:
                return performance_import(path=report, filename=report.name, target=plans,
                                          actor=None, save=True)  # fmt: skip

            grid_seconds, _grids = _timed(lambda: read_grids(division))
            for label, (read, preview, save, size) in {
                f"division table, {DIVISION_ROWS:,} rows ({division.stat().st_size // 1024} KB)": (
                    read_d, preview_d, save_d, DIVISION_ROWS),
                f"performance report, {PLANS} plans × {INDICATORS} indicators "
                f"({report.stat().st_size // 1024} KB)": (read_p, preview_p, save_p, PLANS),
            }.items():  # fmt: skip
                read_seconds, _parsed = _timed(read)
                preview_seconds, _preview = _timed(preview)
                save_seconds, saved = _timed(save)
                again_seconds, again = _timed(save)
                changes = len(saved.changes)  # type: ignore[attr-defined]
                unchanged = len(again.changes) == 0  # type: ignore[attr-defined]
                peak_read = _peak(read)
                peak_preview = _peak(preview)
                rows += [
                    (label, "read the file and parse it", f"{read_seconds:.2f} s"),
                    (label, "preview (parse + writes rolled back)", f"{preview_seconds:.2f} s"),
                    (label, f"save ({changes:,} audited changes)", f"{save_seconds:.2f} s"),
                    (label, f"import again (no change: {unchanged})", f"{again_seconds:.2f} s"),
                    (label, "peak memory, read and parse", f"{peak_read:.1f} MB"),
                    (label, "peak memory, preview", f"{peak_preview:.1f} MB"),
                ]
                del size
            rows.append(
                (
                    f"division table, {DIVISION_ROWS:,} rows",
                    "XLSX reader alone",
                    f"{grid_seconds:.2f} s",
                )
            )
            rows.append(_small_over_large(Path(folder)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    table = ["| file | step | figure |", "| --- | --- | ---: |"]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return (
        "## Imports\n\n"
        "XLSX files built by `benchmarks/bench_imports.py`, imported through the same services as "
        "`guankao import` on a throw-away test database (SQLite unless `DATABASE_URL` says "
        "otherwise). Peak memory is Python allocations under tracemalloc.\n\n"
        + "\n".join(table)
        + "\n"
    )


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guankao.settings_test")
    print(run())
