"""The city, national and indicator views on the synthetic country (issue 14, "Speed"): p50 and
p95 of each page, rendered live from the database, on SQLite and on PostgreSQL.

The country is ``guankao demo --national`` (22 jurisdictions × 10 years × 20 departments, about
4,400 reports); it is loaded first when the database lacks it (about 16 minutes on SQLite on a
shared 2-core machine). Databases: ``BENCH_NATIONAL_SQLITE`` (default ``var/national.sqlite3``)
and ``BENCH_NATIONAL_POSTGRES`` (a ``postgres://`` URL; PostgreSQL is left out without it). Each
database is measured in its own process (Django's settings name one database), through Django's
test client: the whole view, template included, without the network.

Usage: ``.venv/bin/python benchmarks/run.py overview`` or
``.venv/bin/python benchmarks/bench_overview.py --measure DATABASE_URL`` (prints JSON).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GUANKAO = ROOT / ".venv" / "bin" / "guankao"
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
WARM_UP = 3
GOAL_MS = 300
# (name, path): the biggest city (新北市) and a department with many measures.
PAGES = (
    ("city view (新北市, 20 departments)", "/performance/cities/sim-new-taipei/113/"),
    ("national view (22 cities, 440 reports)", "/performance/national/113/"),
    ("indicator comparison (22 cities)", "/performance/indicators/SOC-01-1/113/"),
    ("scorecard (one report)", "/performance/sim-new-taipei-social/113/scorecard/"),
    ("index (/performance/)", "/performance/"),
)


def _measure(database_url: str) -> dict[str, object]:
    """Time each page ``RUNS`` times after ``WARM_UP`` runs, in this process."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guankao.settings_test")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from guankao.performance.models import PerformanceReport

    setup_test_environment()  # allows the test client's host; DEBUG stays off
    client = Client()
    results: dict[str, object] = {
        "vendor": connection.vendor,
        "reports": PerformanceReport.objects.filter(department__slug__startswith="sim-").count(),
    }
    pages = {}
    for name, path in PAGES:
        for _ in range(WARM_UP):
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status} (is the national data loaded?)")
        # Counted by a wrapper: the test client's request_started signal empties
        # connection.queries, so CaptureQueriesContext sees none.
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        pages[name] = {
            "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "queries": len(executed),
            "bytes": len(response.content),
        }
    results["pages"] = pages
    return results


def _ensure_country(database_url: str) -> float:
    """Load the country unless it is there; the seconds it took (0 when it was there)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only"}
    started = time.perf_counter()
    subprocess.run([str(GUANKAO), "demo", "--national"], env=env, check=True, capture_output=True)  # noqa: S603
    return time.perf_counter() - started


def _in_process(database_url: str) -> dict[str, object]:
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--measure", database_url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SECRET_KEY": "benchmark-only"},
    )
    result: dict[str, object] = json.loads(output.stdout)
    return result


def run() -> str:
    """Measure every database given and return the Markdown section."""
    sqlite = os.environ.get(
        "BENCH_NATIONAL_SQLITE", f"sqlite:///{ROOT / 'var' / 'national.sqlite3'}"
    )
    databases = [("SQLite", sqlite)]
    if os.environ.get("BENCH_NATIONAL_POSTGRES"):
        databases.append(("PostgreSQL", os.environ["BENCH_NATIONAL_POSTGRES"]))
    load_before = os.getloadavg()
    measured = []
    for label, url in databases:
        loading = _ensure_country(url)
        measured.append((label, loading, _in_process(url)))
    load_after = os.getloadavg()
    rows = [
        "| page | database | queries | p50 ms | p95 ms | HTML KiB |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for label, _loading, result in measured:
        pages: dict[str, dict[str, float]] = result["pages"]  # type: ignore[assignment]
        for name, _path in PAGES:
            page = pages[name]
            rows.append(
                f"| {name} | {label} | {page['queries']:.0f} | {page['p50']:.0f} | "
                f"{page['p95']:.0f} | {page['bytes'] / 1024:,.0f} |"
            )
        worst = max(pages[name]["p95"] for name, _ in PAGES[:3])
        national = pages[PAGES[1][0]]["p95"]
        single = pages[PAGES[3][0]]["p95"]
        verdicts.append(
            f"{label} ({result['reports']:,} reports): slowest overview p95 {worst:.0f} ms "
            f"({'met' if worst < GOAL_MS else 'not met'}, goal < {GOAL_MS} ms); national ÷ "
            f"scorecard p95 = {national / single:.1f}× "
            f"({'met' if national <= 3 * single else 'not met'}, goal ≤ 3×)."
        )
    loads = ", ".join(f"{label}: {loading:.0f} s" for label, loading, _ in measured)
    return "\n".join(
        [
            "## City and national views on the synthetic country (issue 14)",
            "",
            "`benchmarks/bench_overview.py`: each page through Django's test client (view and "
            f"template, no network), {WARM_UP} warm-up requests then {RUNS} timed; the data is "
            "`guankao demo --national`, read live (no precomputed table). "
            f"`guankao demo --national` before measuring (0 s when already loaded): {loads}. "
            f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
            f"after: {', '.join(f'{x:.1f}' for x in load_after)} on {os.cpu_count()} CPUs.",
            "",
            *rows,
            "",
            *[f"- {v}" for v in verdicts],
        ]
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(_measure(sys.argv[2])))
    else:
        print(run())
