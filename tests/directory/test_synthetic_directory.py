"""The synthetic national directory (22 jurisdictions × 60 tasks × 9 languages) that the search
benchmark (benchmarks/bench_directory.py) times. Speed is measured there, not asserted here:
timed assertions are flaky on a shared machine.
"""

from __future__ import annotations

from guankao.directory.snapshot import Directory
from guankao.directory.synthetic import national_documents


def test_synthetic_country_has_the_size_the_issue_names(keelung: Directory) -> None:
    documents = national_documents(keelung)
    assert len(documents) == 22 * 60
    assert len({d.group for d in documents}) == 22
    languages = {len(d.texts) for d in documents}
    assert min(languages) >= 9  # every task text in nine languages, plus area and agency names
