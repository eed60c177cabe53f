"""Benchmark of the directory's search: quality on the shipped query set (hit@1, hit@3 per
language) and latency on a synthetic national directory (22 jurisdictions × 60 tasks × 9
languages), in-process.

Runs on a throw-away in-memory test database loaded with the demo data and the shipped
translation drafts; the developer's database is not touched.
"""

from __future__ import annotations

import functools
import io
import statistics
import time
from collections.abc import Callable, Sequence

import django


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _timed(calls: Sequence[Callable[[], object]]) -> list[float]:
    timings: list[float] = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run() -> str:
    """Run the benchmark and return its Markdown section."""
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from guankao.directory.datafile import load_directory_translations
    from guankao.directory.evaluation import load_questions, run_questions, score_by_language
    from guankao.directory.languages import BY_CODE
    from guankao.directory.snapshot import build_directory
    from guankao.directory.synthetic import jurisdiction_indexes, national_index

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("demo", verbosity=0, stdout=io.StringIO())
        load_directory_translations()
        directory = build_directory("keelung")
        if directory is None:
            raise RuntimeError("the demo data has no Keelung directory")
        questions = load_questions()
        scores = score_by_language(run_questions(directory, questions))

        started = time.perf_counter()
        national = national_index(directory)
        build_national = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        per_jurisdiction = jurisdiction_indexes(directory)
        build_each = (time.perf_counter() - started) * 1000 / len(per_jurisdiction)
        texts = [q.text for q in questions]
        groups = sorted(per_jurisdiction)
        for text in texts:  # warm the fold cache as a running server would be
            national.search(text)
        one_city = _timed(
            [functools.partial(per_jurisdiction[g].search, t) for g in groups for t in texts]
        )
        whole_country = _timed([functools.partial(national.search, t) for t in texts] * 3)
        features = len(national.postings)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    rows = ["| language | questions | hit@1 | hit@3 |", "| --- | ---: | ---: | ---: |"]
    for s in scores:
        rows.append(
            f"| {s.language} ({BY_CODE[s.language].name}) | {s.questions} | "
            f"{s.hit1:.0%} | {s.hit3:.0%} |"
        )
    total = sum(s.questions for s in scores)
    hit1 = sum(s.hit1 * s.questions for s in scores) / total
    hit3 = sum(s.hit3 * s.questions for s in scores) / total
    rows.append(f"| all | {total} | {hit1:.0%} | {hit3:.0%} |")

    def line(name: str, values: list[float]) -> str:
        return (
            f"| {name} | {len(values)} | {statistics.median(values):.2f} | "
            f"{_percentile(values, 0.95):.2f} | {max(values):.2f} |"
        )

    return "\n".join(
        [
            "## Directory search (`benchmarks/bench_directory.py`)",
            "",
            "Quality on the shipped query set (`src/guankao/directory/data/queries.yaml`: realistic "
            "questions of new immigrants, written as they ask, with every acceptable agency) "
            "against the Keelung 112.7 table with the shipped translation drafts. hit@k: an "
            "acceptable agency leads or co-leads one of the first k tasks listed. Goal: hit@3 ≥ 90% "
            "in every language.",
            "",
            *rows,
            "",
            f"Latency, in-process, on a synthetic national directory: 22 jurisdictions × 60 tasks "
            f"× 9 languages ({len(national.documents):,} task documents, {features:,} distinct "
            f"features). Building the national index took {build_national:,.0f} ms; one "
            f"jurisdiction's index {build_each:,.0f} ms (done once per change, then cached). "
            "Each search runs one question of the query set. Goal: p95 < 50 ms.",
            "",
            "| search | searches | median ms | p95 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: |",
            line("one jurisdiction's index (what the web, API and CLI do)", one_city),
            line("the whole national index at once", whole_country),
        ]
    )


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guankao.settings_test")
    print(run())
