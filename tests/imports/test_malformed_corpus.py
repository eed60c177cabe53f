"""Hundreds of malformed files: each is refused with one line (or read), never a crash (issue 13).

The corpus (``malformed_corpus``) is generated into a temporary folder. Every file goes through
what the import does first, reading the grids and finding the table
(``services.read_division`` without its database look-up), under ``tracemalloc``; a sample goes
through the real command line as a subprocess, and a few through the upload page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guankao.core.accounts import membership_grant
from guankao.core.exceptions import GuankaoError
from guankao.core.models import Jurisdiction, Role
from guankao.imports.division import parse_division
from guankao.imports.readers import read_grids

from .malformed_corpus import Case, generate

PEAK_LIMIT_BYTES = 200 * 1024 * 1024
GUANKAO = Path(sys.executable).with_name("guankao")


@dataclass(frozen=True)
class Outcome:
    case: Case
    result: str  # "refused", "read", or the name of the exception that escaped
    message: str
    peak: int  # bytes, tracemalloc
    seconds: float


def import_file(path: Path) -> None:
    """What ``services.read_division`` does with a file, less the jurisdiction's area code."""
    parse_division(read_grids(path), filename=path.name, area_code=None)


def _run(case: Case) -> Outcome:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        try:
            grids = read_grids(case.path)
        except GuankaoError as problem:
            result, message = "refused", str(problem)
        else:
            try:
                parse_division(grids, filename=case.path.name, area_code=None)
                result, message = "read", ""
            except GuankaoError as problem:
                # Read, then found to hold no division table: still refused by the import.
                result, message = "refused-table", str(problem)
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Outcome(case, result, message, peak, seconds)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return generate(tmp_path_factory.mktemp("malformed"))


@pytest.fixture(scope="module")
def outcomes(corpus: list[Case]) -> list[Outcome]:
    found: list[Outcome] = []
    for case in corpus:
        try:
            found.append(_run(case))
        except Exception as crash:
            found.append(Outcome(case, type(crash).__name__, repr(crash), 0, 0.0))
    return found


def summary(outcomes: list[Outcome]) -> str:
    results = Counter(o.result for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds)
    largest = max(outcomes, key=lambda o: o.peak)
    return (
        f"{len(outcomes)} files, refused {results['refused'] + results['refused-table']} "
        f"(by the readers {results['refused']}), read {results['read']}, "
        f"crashes {len(outcomes) - sum(results[r] for r in ('refused', 'refused-table', 'read'))}; "
        f"max peak {largest.peak / 1024 / 1024:.1f} MB ({largest.case.path.name}); "
        f"slowest {slowest.seconds:.2f} s ({slowest.case.path.name}); "
        f"total {sum(o.seconds for o in outcomes):.1f} s"
    )


def test_the_corpus_covers_every_format(corpus: list[Case]) -> None:
    assert len(corpus) >= 300
    formats = Counter(case.format for case in corpus)
    assert set(formats) == {"xlsx", "ods", "odt", "docx", "csv"}
    assert all(count >= 40 for count in formats.values()), formats


def test_no_file_crashes_the_import(outcomes: list[Outcome]) -> None:
    crashes = [
        f"{o.case.path.name}: {o.message}"
        for o in outcomes
        if o.result not in ("refused", "refused-table", "read")
    ]
    print(summary(outcomes))  # the figures in docs/benchmarks.md
    assert crashes == []


def test_each_file_is_refused_or_read_as_expected(outcomes: list[Outcome]) -> None:
    allowed = {
        "refused": {"refused", "refused-table"},
        # An odd value is read (as text); the table may then be refused for what it holds.
        "read": {"read", "refused-table"},
        "either": {"refused", "refused-table", "read"},
    }
    wrong = [
        f"{o.case.path.name} ({o.case.kind}): expected {o.case.expect}, got {o.result} {o.message}"
        for o in outcomes
        if o.result not in allowed[o.case.expect]
    ]
    assert wrong == []
    # Files damaged on purpose are refused by the readers themselves, not only for lacking a
    # table: the message names the damage.
    refused_by_reader = [
        o for o in outcomes if o.case.expect == "refused" and o.result == "refused"
    ]
    assert len(refused_by_reader) >= 300


def test_refusals_are_one_line_naming_the_file(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.result.startswith("refused"):
            assert "\n" not in outcome.message, outcome.message
            assert outcome.message.startswith(f"{outcome.case.path.name}："), outcome.message
            assert "Traceback" not in outcome.message


def test_memory_stays_bounded(outcomes: list[Outcome]) -> None:
    over = [
        f"{o.case.path.name}: {o.peak / 1024 / 1024:.0f} MB"
        for o in outcomes
        if o.peak >= PEAK_LIMIT_BYTES
    ]
    assert over == []
    bombs = [o for o in outcomes if "text-s" in o.case.path.name or "sniffer" in o.case.path.name]
    assert bombs
    assert max(o.peak for o in bombs) < 20 * 1024 * 1024


def _cli_sample(corpus: list[Case], size: int = 30) -> list[Case]:
    """A spread of the files that must be refused: every kind of damage, every format."""
    refused = [case for case in corpus if case.expect == "refused"]
    by_kind: dict[str, Case] = {}
    for case in refused:
        by_kind.setdefault(f"{case.format} {case.kind}", case)
    sample = list(by_kind.values())
    step = max(1, len(sample) // size)
    return sample[::step][:size]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh migrated database (which has keelung) and empty media and temporary folders."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "media").mkdir()
    (folder / "tmp").mkdir()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "guankao.settings",
        "SECRET_KEY": "malformed-corpus-test",
        "MEDIA_ROOT": str(folder / "media"),
        "TMPDIR": str(folder / "tmp"),
    }
    keelung = (
        "from guankao.core.models import Jurisdiction; "
        "Jurisdiction.objects.get_or_create(slug='keelung', defaults={'name': '基隆市'})"
    )
    for command in (["migrate", "-v", "0"], ["shell", "-c", keelung]):
        subprocess.run([str(GUANKAO), *command], env=env, check=True, capture_output=True)
    yield env


@pytest.mark.slow
def test_the_command_refuses_a_sample_with_one_line(
    corpus: list[Case], cli_env: dict[str, str]
) -> None:
    sample = _cli_sample(corpus)
    assert len(sample) >= 25

    def run(case: Case) -> tuple[Case, subprocess.CompletedProcess[str]]:
        command = [
            str(GUANKAO), "import", "division", str(case.path),
            "--jurisdiction", "keelung", "--version", "114.3",
        ]  # fmt: skip
        return case, subprocess.run(
            command, env=cli_env, capture_output=True, text=True, timeout=120
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, sample))
    for case, completed in results:
        where = f"{case.path.name} ({case.kind}): {completed.stderr}"
        assert completed.returncode == 2, where
        assert "Traceback" not in completed.stderr, where
        lines = completed.stderr.splitlines()
        assert len(lines) == 1, where
        assert case.path.name in lines[0], where
    media, tmp = Path(cli_env["MEDIA_ROOT"]), Path(cli_env["TMPDIR"])
    assert list(media.rglob("*")) == []
    assert list(tmp.rglob("*")) == []


@pytest.mark.django_db
def test_the_upload_page_refuses_them_and_keeps_nothing(
    corpus: list[Case], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user(username="keelung-coordinator", password="not-used-1234")
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        actor=None,
        jurisdiction=Jurisdiction.objects.get(slug="keelung"),
    )
    client = Client()
    client.force_login(user)
    for case in _cli_sample(corpus, size=10):
        data = {
            "jurisdiction": "keelung",
            "version": "114.3",
            "file": SimpleUploadedFile(case.path.name, case.path.read_bytes()),
        }
        response = client.post("/imports/division/", data, follow=True)
        assert response.status_code == 400, (case.path.name, response.status_code)
        assert case.path.name in response.content.decode()
        assert list((tmp_path / "media").rglob("*.*")) == [], case.path.name
