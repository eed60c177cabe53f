"""Milestones read out of the text of a table without a measure sheet, against the seed report's
親子館 indicator (plan 九, indicator 5), whose milestones the seed data file writes out by hand."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from guankao.imports.milestones import derive_milestones
from guankao.imports.performance import derive_measures
from guankao.imports.services import performance_import, performance_target
from guankao.performance.models import Measure
from tests.documents.seed_report import seed_yaml

from . import builders
from .test_performance_import import HEADINGS

STANDARD = (
    "東區親子館已於 104年 4月完成設立，香山區親子館已於 107年 8月完成設立，"
    "預計於 108年完成北區親子館設立。"
)
ACHIEVEMENT = (
    "東區親子館已於 104年 4月完成設立，香山區親子館已於 107年 8月完成設立，"
    "北區親子館於 108年 12月 16日完成建置。"
)


def seed_milestones() -> list[tuple[str, datetime.date, datetime.date]]:
    plan = next(p for p in seed_yaml()["plans"] if p["number"] == 9)
    indicator = next(i for i in plan["indicators"] if i["number"] == 5)
    assert (indicator["standard"], indicator["achievement"]) == (STANDARD, ACHIEVEMENT)
    return [
        (m["label"], datetime.date.fromisoformat(m["due"]), datetime.date.fromisoformat(m["done"]))
        for m in indicator["measures"]
    ]


def test_the_seed_indicator_gives_the_seed_milestones() -> None:
    derived = derive_milestones(STANDARD, ACHIEVEMENT)
    assert [(m.kind, m.due, m.done) for m in derived] == [
        ("milestone", due, done) for _, due, done in seed_milestones()
    ]
    labels = [m.label for m in derived]
    # The first two say it as the seed does; the third keeps the standard's word order.
    assert labels[:2] == [label for label, _, _ in seed_milestones()][:2]
    assert labels[2] == "完成北區親子館設立"


def test_the_achievement_is_matched_by_what_is_completed_not_by_order() -> None:
    derived = derive_milestones(
        "預計 113年 6月 30日前完成南區托育中心設置；預計 113年完成北區托育中心設置。",
        "北區托育中心於 113年 11月 2日完成設置，南區托育中心於 113年 7月 5日完成設置。",
    )
    assert [(m.label, m.due, m.done) for m in derived] == [
        ("完成南區托育中心設置", datetime.date(2024, 6, 30), datetime.date(2024, 7, 5)),
        ("完成北區托育中心設置", datetime.date(2024, 12, 31), datetime.date(2024, 11, 2)),
    ]


def test_a_milestone_the_achievement_does_not_mention_is_not_done_and_warned() -> None:
    from guankao.imports.performance import ParsedIndicator

    indicator = ParsedIndicator(
        number=1, text="推動托育中心設置時程。", standard_text="預計於 113年 6月完成南區托育中心設置。",
        achievement_text="刻正辦理規劃設計。", measures=(), where="表!C2", row="2",
    )  # fmt: skip
    measures, issues = derive_measures(indicator, "表!C2", "2")
    assert [(m.label, m.due, m.done) for m in measures] == [
        ("完成南區托育中心設置", datetime.date(2024, 6, 30), None)
    ]
    assert [i.message for i in issues] == [
        "里程碑「完成南區托育中心設置」在執行績效中找不到完成日期。"
    ]


@pytest.mark.parametrize(
    "standard",
    [
        "辦理親子活動 400場。",  # figures: measures, not milestones
        "持續推動親子館服務。",  # nothing to complete
        "預計完成北區親子館設立。",  # no date
        "於 108年 5月及 109年 3月完成兩館設立。",  # two dates in one clause: ambiguous
    ],
)
def test_clauses_that_are_not_milestones(standard: str) -> None:
    assert derive_milestones(standard, ACHIEVEMENT) == []


@pytest.mark.django_db
def test_an_imported_table_saves_the_milestones(tmp_path: Path) -> None:
    rows: builders.Rows = [
        HEADINGS,
        ["九、兒童少年福利業務：", "1.推動一區一親子館時程。", STANDARD, "63,892", ACHIEVEMENT, "100%", "5"],
    ]  # fmt: skip
    path = builders.xlsx(tmp_path / "親子館.xlsx", rows)
    target = performance_target(org="hsinchu-social", year=113)
    preview = performance_import(path=path, filename=path.name, target=target, actor=None)
    assert preview.issues == ()
    performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    saved = Measure.objects.filter(indicator__plan__year=2024, indicator__plan__number=9)
    assert [(m.kind, m.due, m.done) for m in saved.order_by("position")] == [
        ("milestone", due, done) for _, due, done in seed_milestones()
    ]
