"""The Hsinchu 社會處 108 report as loaded, compared with the printed report.

Expected values are written out by hand from the source document, not read from the data file.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from guankao.performance.models import Measure, PerformanceReport, Plan

pytestmark = pytest.mark.django_db

# number → (name, budget in 千元, reported 執行率 %, 管考代碼)
PLANS = {
    1: ("為弱勢民眾搭起社福保護傘", 900, 100, 5),
    2: ("加強辦理各項脫貧方案", 514, 100, 5),
    3: ("推展安老政策，維護長輩基本生活", 1_159_000, 100, 5),
    4: ("推動長青學苑社區化之創新措施", 8_200, 100, 5),
    5: ("加強推動人民團體辦理社會福利服務工作", 42_820, 100, 5),
    6: ("社區培力及輔導機制", 4_209, 98, 5),
    7: ("志願服務永續發展方案", 4_701, 100, 5),
    8: ("推動身心障礙者各項多元服務", 437_454, 100, 5),
    9: ("兒童少年福利業務", 63_892, 100, 5),
    10: ("婦女福利服務及權益促進", 2_223, 100, 5),
    11: ("新住民福利服務", 3_421, 100, 5),
    12: ("社會福利服務中心", 15_744, 100, 5),
    13: ("特殊境遇家庭福利服務", 310, 100, 5),
    14: ("建構家庭暴力防治網絡，提供平安保護服務", 10_040, 99, 5),
}

# (plan, indicator) → [(target, actual, unit)] in order, numeric measures only
NUMERIC_MEASURES = {
    (1, 1): [(6_300, 7_048, "人次")],
    (1, 2): [(6_600, 7_160, "人次")],
    (1, 3): [(12_000, 13_850, "人次")],
    (6, 1): [(110, 114, "場")],
    (6, 2): [(12, 14, "件")],
    (6, 3): [(1, 1, "次"), (3, 3, "場")],
    (6, 4): [(10, 8, "處")],
    (9, 1): [(4, 8, "家次")],
    (9, 2): [(61, 69, "家")],
    (9, 3): [(62_000, 72_988, "人次")],
    (9, 4): [
        (75_000, 76_428, "人次"),
        (400, 406, "場"),
        (8, 13, "場"),
        (200, 206, "場"),
        (75_000, 91_554, "人次"),
        (400, 562, "場"),
        (30, 30, "場"),
        (200, 202, "場"),
    ],
    (11, 1): [(90, 102, "案")],
    (11, 2): [(75, 91, "人次")],
    (11, 3): [(100, 101, "人次")],
    (11, 4): [(820, 1_208, "人次")],
    (11, 5): [(2_000, 2_000, "人次")],
    (14, 1): [(5_800, 4_373, "案次")],
    (14, 2): [
        (25_000, 32_539, "人次"),
        (2_200, 6_711, "人次"),
        (220, 350, "人次"),
        (2_000, 2_300, "人次"),
        (2_000, 2_256, "人次"),
        (4, 6, "場"),
        (33, 68, "小時"),
        (50, 58, "場"),
    ],
}


def plans() -> dict[int, Plan]:
    queryset = Plan.objects.filter(department__slug="hsinchu-social").for_roc_year(108)
    return {plan.number: plan for plan in queryset}


def test_all_fourteen_plans_with_budget_rate_and_code() -> None:
    loaded = {
        number: (p.name, p.budget_thousands, p.reported_rate, p.control_code)
        for number, p in plans().items()
    }
    assert loaded == {
        n: (name, budget, Decimal(rate), code) for n, (name, budget, rate, code) in PLANS.items()
    }


@pytest.mark.parametrize(("key", "expected"), NUMERIC_MEASURES.items())
def test_numeric_measures(key: tuple[int, int], expected: list[tuple[int, int, str]]) -> None:
    plan_number, indicator_number = key
    measures = Measure.objects.filter(
        indicator__plan=plans()[plan_number], indicator__number=indicator_number, kind="numeric"
    ).order_by("position")
    assert [(m.target_value, m.actual_value, m.unit) for m in measures] == expected


def test_every_indicator_of_the_checked_plans_is_covered() -> None:
    for number in (1, 6, 11, 14):
        indicator_numbers = set(plans()[number].indicators.values_list("number", flat=True))
        assert indicator_numbers == {i for (p, i) in NUMERIC_MEASURES if p == number}


def test_parent_child_centre_timeline_is_milestones() -> None:
    milestones = Measure.objects.filter(indicator__plan=plans()[9], kind="milestone").order_by(
        "position"
    )
    assert [(m.due, m.done) for m in milestones] == [
        (datetime.date(2015, 4, 30), datetime.date(2015, 4, 30)),
        (datetime.date(2018, 8, 31), datetime.date(2018, 8, 31)),
        (datetime.date(2019, 12, 31), datetime.date(2019, 12, 16)),
    ]


def test_indicator_texts_as_printed() -> None:
    indicator = plans()[1].indicators.get(number=3)
    assert indicator.text == "愛心食材捐贈服務人次。"
    assert indicator.standard_text == "愛心食材捐贈服務 1萬 2,000人次。"
    assert indicator.achievement_text == "愛心食材服務 1萬 3,850人次。"


def test_shortfall_reviews_of_plans_six_and_fourteen() -> None:
    reviews = {
        (m.indicator.plan.number, m.indicator.number): m.shortfall_review.reason
        for m in Measure.objects.filter(shortfall_review__isnull=False).select_related(
            "indicator__plan", "shortfall_review"
        )
    }
    assert reviews == {
        (6, 4): "社區愛享冰箱設置在本市各社區裡，需評估協會組織能量、人力、乘載能力以及"
        "在地需求為考量依據，故未達成原設定目標。",
        (14, 1): "兒少保護個案家庭處遇服務、結束寄養安置後追蹤輔導服務及家長親職教育與"
        "兒少諮商服務，依個案實際狀況及需求提供服務。",
    }


def test_report_sections() -> None:
    report = PerformanceReport.objects.get(department__slug="hsinchu-social", year=2019)
    assert report.title == "新竹市政府社會處108年度施政績效報告"
    assert report.roc_year == 108
    assert report.preface.startswith("在全球化、人口高齡少子女化、產業轉型")
    assert report.preface.endswith("永續宜居的幸福兒童城市。")
    assert report.self_managed_text == (
        "社會處自行列管計 14項執行計畫，其中「社區培力及輔導機制」執行率 98%，"
        "「建構家庭暴力防治網絡，提供平安保護服務」執行率 99%，其餘均如期達成目標。"
    )
    titles = list(report.achievements.values_list("title", flat=True))
    assert titles == [
        "為弱勢民眾搭起社福保護傘",
        "加強辦理各項脫貧方案",
        "推展安老政策，維護長輩基本生活",
        "推動長青學苑社區化及加強照顧獨居長者措施",
        "加強推動人民團體辦理社會福利服務工作",
        "定點臨托",
        "新住民中心室裝",
        "新住民頭家護照",
        "性平影展",
    ]
    first = report.achievements.get(number=1)
    assert "截至 12月底共計有 2萬 8,058人次受益。" in first.body
    assert "共計 6萬 9,264人次受益" in report.achievements.get(number=4).body
