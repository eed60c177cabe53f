"""Search speed on the synthetic national directory (22 jurisdictions × 60 tasks × 9 languages).

The benchmark (benchmarks/bench_directory.py) reports the figures; this test keeps the goal:
p95 under 50 ms per search, in-process, on a jurisdiction's index as the web app uses it.
"""

from __future__ import annotations

import time

from guankao.directory.evaluation import load_questions
from guankao.directory.snapshot import Directory
from guankao.directory.synthetic import jurisdiction_indexes, national_documents


def test_synthetic_country_has_the_size_the_issue_names(keelung: Directory) -> None:
    documents = national_documents(keelung)
    assert len(documents) == 22 * 60
    assert len({d.group for d in documents}) == 22
    languages = {len(d.texts) for d in documents}
    assert min(languages) >= 9  # every task text in nine languages, plus area and agency names


def test_p95_under_50_ms(keelung: Directory) -> None:
    indexes = jurisdiction_indexes(keelung)
    questions = [q.text for q in load_questions()]
    timings: list[float] = []
    for group in sorted(indexes)[:6]:
        for text in questions:
            started = time.perf_counter()
            indexes[group].search(text)
            timings.append(time.perf_counter() - started)
    timings.sort()
    assert timings[int(0.95 * (len(timings) - 1))] < 0.050
