"""Benchmark for the 施政績效報告: time and memory per output format, for the seed report and for a
synthetic report of 200 plans × 4 indicators. The report models are built in memory (the seed
from its data file), so the figures are the renderers' own, without the database."""

from __future__ import annotations

import dataclasses
import os
import resource
import statistics
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import django

SEED = Path(__file__).resolve().parents[1] / "src/guankao/seeds/hsinchu-social-performance-108.yaml"
FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")
GOALS = {"seed": 1.0, "synthetic-pdf": 10.0}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guankao.settings_test")
    django.setup()


def synthetic_report(plans: int = 200, indicators: int = 4) -> object:
    """A report shaped like the seed: texts of the seed's average length (衡量指標 about 20
    characters, 衡量標準 34, 執行績效 43), 1.5 measures per indicator, one shortfall with its
    review in every tenth plan."""
    from guankao.performance.report_model import (
        AchievementData,
        IndicatorData,
        MeasureData,
        PlanData,
        ReportData,
        ReviewData,
    )
    from guankao.tw import format_count

    plan_rows = []
    for p in range(1, plans + 1):
        indicator_rows = []
        for i in range(1, indicators + 1):
            target = 1_000 + 37 * p + i
            actual = target - 25 if (p % 10 == 0 and i == 1) else target + 13 * i
            measures = [
                MeasureData(
                    position=1,
                    label=f"第{p}項計畫服務人次{i}",
                    kind="numeric",
                    target=Decimal(target),
                    actual=Decimal(actual),
                    unit="人次",
                    review=ReviewData("依個案實際狀況及需求提供服務，故未達成原設定目標。", "")
                    if actual < target
                    else None,
                )
            ]
            if i % 2 == 0:
                measures.append(
                    MeasureData(
                        position=2,
                        label="辦理場次",
                        kind="numeric",
                        target=Decimal(12),
                        actual=Decimal(14),
                        unit="場",
                    )
                )
            indicator_rows.append(
                IndicatorData(
                    number=i,
                    text=f"社區關懷訪視服務受益人次（{i}）。",
                    standard_text=f"結合民間團體提供關懷訪視及電話問安服務 {format_count(target)}"
                    "人次，辦理宣導 12場。",
                    achievement_text=f"結合本市民間團體提供關懷訪視、電話問安及居家服務，共計 "
                    f"{format_count(actual)}人次，辦理宣導 14場。",
                    measures=tuple(measures),
                )
            )
        plan_rows.append(
            PlanData(
                number=p,
                name=f"推動社會福利服務方案第{p}號",
                budget_thousands=1_000 * p + 437,
                reported_rate=Decimal(99 if p % 10 == 0 else 100),
                indicators=tuple(indicator_rows),
            )
        )
    return ReportData(
        department_slug="synthetic",
        department_name="社會處",
        jurisdiction_name="新竹市",
        year=2019,
        title="新竹市政府社會處108年度施政績效報告（合成 200 項計畫）",
        preface="為提供更全面周延的社會福利服務，並因應社會變遷下的各項福利議題。" * 8,
        status="published",
        plans=tuple(plan_rows),
        achievements=tuple(
            AchievementData(
                n, f"重要施政{n}", f"截至 12月底共計有 {{plan {n} total 人次}}人次受益。"
            )
            for n in range(1, 10)
        ),
    )


def _variants(report: object, count: int) -> list[object]:
    """``count`` copies of ``report`` with different titles. Typst memoizes its layout, so
    rendering the same report twice would time a cache lookup, not a render."""
    return [
        dataclasses.replace(report, title=f"{report.title}（{n}）")  # type: ignore[attr-defined,type-var]
        for n in range(count)
    ]


def _measure(report: object, fmt: str, runs: int) -> tuple[float, float, float, int]:
    """Seconds of the first render in this process (imports, fonts), median seconds over ``runs``
    renders of different reports, Python heap peak in MiB, output bytes."""
    from guankao.performance.document import render

    first, *others = _variants(report, runs + 2)
    started = time.perf_counter()
    output = render(first, fmt)  # type: ignore[arg-type]
    first_time = time.perf_counter() - started
    timings = []
    for variant in others[:-1]:
        started = time.perf_counter()
        render(variant, fmt)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    render(others[-1], fmt)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return first_time, statistics.median(timings), peak / 2**20, len(output)


def run() -> str:
    """Run the benchmark and return a Markdown section with the figures."""
    _setup()
    from guankao.performance.datafile import parse_performance_file, report_data_from_file

    seed = report_data_from_file(parse_performance_file(SEED))
    synthetic = synthetic_report()
    load_before = os.getloadavg()[0]
    rows = [
        "| Format | Seed report (14 plans): first | time | heap peak | size "
        "| 200 plans × 4 indicators: time | heap peak | size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    worst_seed = 0.0
    synthetic_pdf = 0.0
    for fmt in FORMATS:
        seed_first, seed_time, seed_peak, seed_size = _measure(seed, fmt, runs=5)
        _, big_time, big_peak, big_size = _measure(synthetic, fmt, runs=3)
        worst_seed = max(worst_seed, seed_first, seed_time)
        if fmt == "pdf":
            synthetic_pdf = big_time
        rows.append(
            f"| {fmt.upper()} | {seed_first:.3f} s | {seed_time:.3f} s | {seed_peak:.1f} MiB | {seed_size / 1024:,.0f} KiB "
            f"| {big_time:.2f} s | {big_peak:.1f} MiB | {big_size / 1024:,.0f} KiB |"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
    verdict = (
        f"Goals: every format of the seed report under {GOALS['seed']:.0f} s, first render "
        "included — slowest "
        f"{worst_seed:.2f} s ({'met' if worst_seed < GOALS['seed'] else 'not met'}); the 200-plan "
        f"report as PDF under {GOALS['synthetic-pdf']:.0f} s — {synthetic_pdf:.1f} s "
        f"({'met' if synthetic_pdf < GOALS['synthetic-pdf'] else 'not met'})."
    )
    return "\n".join(
        [
            "## 施政績效報告: time and memory per format",
            "",
            "`benchmarks/bench_performance_report.py`, rendering from the report model in memory "
            "(no database). *First*: the first render of the seed report in a fresh process "
            "(imports; for PDF also Typst reading the fonts). *Time*: median of 5 (seed) or 3 "
            "(200 plans) further renders, each of a report with a different title, so no layout "
            "cache answers. Heap peak is Python's own allocations (tracemalloc, a separate run); "
            "Typst's (Rust) memory is not in it — the whole process peaked at "
            f"{max_rss:,.0f} MiB resident (ru_maxrss). Load average during the run: {load} on "
            f"{os.cpu_count()} CPUs.",
            "",
            *rows,
            "",
            verdict,
        ]
    )


if __name__ == "__main__":
    print(run())
