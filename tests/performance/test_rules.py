"""The rules of the report, on report models built in memory and on the seed report as loaded."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.performance import rules
from guankao.performance.datafile import parse_performance_file, report_data_from_file
from guankao.performance.report_model import (
    AchievementData,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    ReviewData,
    chinese_number,
)

SEED = Path(__file__).resolve().parents[2] / "src/guankao/seeds/hsinchu-social-performance-108.yaml"
END_2019 = datetime.date(2019, 12, 31)


@pytest.fixture(scope="module")
def seed() -> ReportData:
    return report_data_from_file(parse_performance_file(SEED))


def numeric(
    target: int, actual: int | None, *, position: int = 1, unit: str = "人次"
) -> MeasureData:
    return MeasureData(
        position=position,
        label=f"m{position}",
        kind="numeric",
        target=Decimal(target),
        actual=None if actual is None else Decimal(actual),
        unit=unit,
    )


def milestone(due: datetime.date, done: datetime.date | None) -> MeasureData:
    return MeasureData(position=1, label="完成設立", kind="milestone", due=due, done=done)


def one_plan(*measures: MeasureData, rate: int | None = 100, **plan: object) -> PlanData:
    indicator = IndicatorData(
        number=1, text="指標。", standard_text="", achievement_text="", measures=measures
    )
    fields: dict[str, object] = {
        "number": 1,
        "name": "計畫甲",
        "budget_thousands": 1000,
        "reported_rate": None if rate is None else Decimal(rate),
        "indicators": (indicator,),
    }
    fields.update(plan)
    return PlanData(**fields)  # type: ignore[arg-type]


def report_of(*plans: PlanData, method: str = "reported", name: str = "社會處") -> ReportData:
    return ReportData(
        department_slug="x",
        department_name=name,
        jurisdiction_name="新竹市",
        year=2019,
        title="t",
        preface="",
        rate_method=method,
        plans=plans,
    )


# --- achievement and shortfalls -----------------------------------------------------------


def test_achievement_is_actual_divided_by_target() -> None:
    assert rules.achievement(numeric(6300, 7048)) == Decimal(7048) / Decimal(6300)
    assert rules.achievement(numeric(10, 8)) == Decimal("0.8")
    assert rules.achievement(numeric(10, None)) is None


def test_milestone_is_met_when_done_by_its_due_date() -> None:
    due = datetime.date(2019, 12, 31)
    assert rules.milestone_met(milestone(due, datetime.date(2019, 12, 16)), as_of=END_2019)
    assert rules.milestone_met(milestone(due, due), as_of=END_2019)
    assert rules.milestone_met(milestone(due, datetime.date(2020, 1, 2)), as_of=END_2019) is False
    assert rules.milestone_met(milestone(due, None), as_of=END_2019) is False
    # Not due yet within the report year: neither met nor missed.
    later = datetime.date(2020, 6, 30)
    assert rules.milestone_met(milestone(later, None), as_of=END_2019) is None


def test_shortfall_is_below_target_or_a_missed_milestone() -> None:
    assert rules.is_shortfall(numeric(10, 8), as_of=END_2019)
    assert not rules.is_shortfall(numeric(10, 10), as_of=END_2019)
    assert not rules.is_shortfall(numeric(10, None), as_of=END_2019)
    assert rules.is_shortfall(milestone(END_2019, None), as_of=END_2019)
    assert not rules.is_shortfall(milestone(END_2019, END_2019), as_of=END_2019)


def test_seed_shortfalls_are_the_fridges_child_protection_and_plan_eight(seed: ReportData) -> None:
    found = [
        (s.plan.number, s.indicator.number, s.measure.position) for s in rules.shortfalls(seed)
    ]
    assert found == [(6, 4, 1), (8, 5, 1), (14, 1, 1)]


def test_section_three_reproduces_the_printed_list(seed: ReportData) -> None:
    listed = rules.section_three(seed)
    assert [(s.plan.name, s.standard, rules.format_rate(s.rate)) for s in listed] == [
        ("社區培力及輔導機制", "4.建置 10處社區愛享冰箱。", "98%"),
        (
            "建構家庭暴力防治網絡，提供平安保護服務",
            "1.提供 5,800案次兒童少年保護個案家庭處遇服務、結束寄養安置後追蹤輔導服務及家長"
            "親職教育與兒少諮商服務，以保障兒少福祉及提升家庭能量。",
            "99%",
        ),
    ]
    assert [s.measure.review.text if s.measure.review else "" for s in listed] == [
        "社區愛享冰箱設置在本市各社區裡，需評估協會組織能量、人力、乘載能力以及在地需求為考量"
        "依據，故未達成原設定目標。",
        "兒少保護個案家庭處遇服務、結束寄養安置後追蹤輔導服務及家長親職教育與兒少諮商服務，"
        "依個案實際狀況及需求提供服務。",
    ]


def test_plan_eight_below_target_is_a_reviewer_candidate_not_in_section_three(
    seed: ReportData,
) -> None:
    candidates = rules.review_candidates(seed)
    assert [
        (c.plan.number, c.measure.label, c.measure.actual, c.measure.target) for c in candidates
    ] == [(8, "身心障礙福利機構資源受益人次", Decimal(361), Decimal(432))]


def reviews_missing(report: ReportData) -> list[str]:
    """The readiness problems of the review rule alone (these reports have no 伍)."""
    return [p.text for p in rules.readiness(report) if p.where == "review"]


def test_a_shortfall_in_a_plan_below_100_percent_is_listed_even_without_review() -> None:
    report = report_of(one_plan(numeric(10, 8), rate=90))
    assert [s.listed for s in rules.shortfalls(report)] == [True]
    assert reviews_missing(report) == ["計畫一 指標 1 m1未達目標，尚未填寫未達成原因分析或改進措施"]


def test_the_combined_printed_text_in_reason_alone_satisfies_the_review_rule(
    seed: ReportData,
) -> None:
    # The seed keeps 「未達成原因分析暨改進措施」 in reason and leaves improvement empty (0011).
    assert all(
        s.measure.review and not s.measure.review.improvement for s in rules.section_three(seed)
    )
    assert rules.finalization_problems(seed) == []


def test_improvement_alone_also_satisfies_and_blank_text_does_not() -> None:
    plan = one_plan(
        dataclasses.replace(numeric(10, 8), review=ReviewData("", "加開場次。")), rate=90
    )
    assert reviews_missing(report_of(plan)) == []
    blank = one_plan(dataclasses.replace(numeric(10, 8), review=ReviewData("  ", "\n")), rate=90)
    assert len(reviews_missing(report_of(blank))) == 1


def test_review_text_joins_reason_and_improvement_on_two_lines() -> None:
    assert ReviewData("原因。", "改進。").text == "原因。\n改進。"
    assert ReviewData("原因。", "").text == "原因。"


# --- 執行率 ------------------------------------------------------------------------------


def test_capped_mean_counts_each_measure_at_most_100_percent() -> None:
    plan = one_plan(numeric(100, 800), numeric(100, 50, position=2))
    # (1 + 0.5) / 2, not (8 + 0.5) / 2: one beaten target cannot hide a missed one.
    assert rules.measures_rate(plan, as_of=END_2019) == Decimal(75)


def test_capped_mean_counts_milestones_as_all_or_nothing() -> None:
    plan = one_plan(numeric(10, 10), milestone(END_2019, None))
    assert rules.measures_rate(plan, as_of=END_2019) == Decimal(50)


def test_budget_execution_may_exceed_100_percent() -> None:
    plan = one_plan(numeric(1, 1), executed_thousands=1100)
    assert rules.budget_rate(plan) == Decimal(110)
    assert rules.budget_rate(one_plan(numeric(1, 1))) is None


@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(0, 10**7)), min_size=1, max_size=12))
def test_capped_mean_is_between_0_and_100(pairs: list[tuple[int, int]]) -> None:
    plan = one_plan(*(numeric(t, a, position=i) for i, (t, a) in enumerate(pairs, start=1)))
    rate = rules.measures_rate(plan, as_of=END_2019)
    assert rate is not None and Decimal(0) <= rate <= Decimal(100)
    assert (rate == 100) == all(a >= t for t, a in pairs)


@given(st.integers(1, 10**9), st.integers(0, 10**9))
def test_budget_rate_is_executed_over_budget(budget: int, executed: int) -> None:
    rate = rules.budget_rate(one_plan(budget_thousands=budget, executed_thousands=executed))
    assert rate == Decimal(executed) * 100 / Decimal(budget)


def test_method_per_department_chooses_the_printed_rate() -> None:
    plan = one_plan(numeric(100, 80), rate=100, executed_thousands=900)
    for method, expected in (("reported", "100%"), ("measures", "80%"), ("budget", "90%")):
        report = report_of(plan, method=method)
        assert rules.format_rate(rules.shown_rate(report, plan)) == expected


def test_reviewer_comparison_flags_a_gap_over_5_points() -> None:
    close = one_plan(numeric(100, 96), rate=100)
    far = one_plan(numeric(100, 94), rate=100, number=2, executed_thousands=800)
    [a, b] = rules.rate_comparisons(report_of(close, far))
    assert a.gaps == ()
    assert b.gaps == ("measures", "budget")


def test_seed_rates_agree_within_5_points(seed: ReportData) -> None:
    comparisons = {c.plan.number: c for c in rules.rate_comparisons(seed)}
    assert all(c.gaps == () for c in comparisons.values())
    assert rules.format_rate(comparisons[8].measures) == "97%"
    assert rules.format_rate(comparisons[6].measures) == "96%"


# --- targets that look too low ------------------------------------------------------------


def test_targets_exceeded_by_more_than_half_are_flagged(seed: ReportData) -> None:
    flagged = {(t.plan.number, t.measure.label): t.ratio for t in rules.low_targets(seed)}
    ratio = flagged[(12, "家庭福利諮詢、關懷訪視及個案管理受益人次")]
    assert ratio == Decimal(8165) / Decimal(1500)
    # 150% exactly is not "more than 50%"; 7,048 of 6,300 is nowhere near.
    assert rules.low_targets(report_of(one_plan(numeric(100, 150)))) == []
    assert (1, "愛心福利社服務人次") not in flagged


# --- 肆 -----------------------------------------------------------------------------------


def test_section_four_in_the_seed_wording(seed: ReportData) -> None:
    assert rules.self_managed_sentence(seed) == (
        "社會處自行列管計 14項執行計畫，其中「社區培力及輔導機制」執行率 98%，"
        "「建構家庭暴力防治網絡，提供平安保護服務」執行率 99%，其餘均如期達成目標。"
    )


def test_section_four_when_every_plan_reaches_its_target() -> None:
    report = report_of(one_plan(numeric(1, 1)), one_plan(numeric(1, 1), number=2, name="乙"))
    assert rules.self_managed_sentence(report) == "社會處自行列管計 2項執行計畫，均如期達成目標。"


def test_section_four_when_no_plan_reaches_its_target() -> None:
    report = report_of(one_plan(rate=90), one_plan(rate=80, number=2, name="計畫乙"))
    assert rules.self_managed_sentence(report) == (
        "社會處自行列管計 2項執行計畫，「計畫甲」執行率 90%，「計畫乙」執行率 80%，均未如期達成目標。"
    )


def test_section_four_counts_in_the_official_format_and_only_self_managed_plans() -> None:
    plans = [one_plan(number=n, name=f"計畫{n}") for n in range(1, 10_003)]
    plans.append(one_plan(number=10_003, name="工程", control_code=1, rate=50))
    assert rules.self_managed_sentence(report_of(*plans)).startswith(
        "社會處自行列管計 1萬 2項執行計畫，均如期達成目標。"
    )


# --- live figures and figure checks ------------------------------------------------------


def test_live_figures_fill_in_plan_totals_and_measure_values(seed: ReportData) -> None:
    text = "共計有 {plan 1 total}人次受益；{measure 3.1.1 actual}名；預算 {plan 3 budget}千元。"
    assert (
        rules.render_embeds(text, seed)
        == "共計有 2萬 8,058人次受益；3萬 469名；預算 1,159,000千元。"
    )


def test_a_plan_total_across_units_needs_the_unit(seed: ReportData) -> None:
    text = "{plan 4 total}"
    assert rules.render_embeds(text, seed) == text  # left as written: 班 and 人次 do not add up
    assert rules.render_embeds("{plan 4 total 人次}", seed) == "7,700"


def test_broken_live_figures_block_finalization(seed: ReportData) -> None:
    broken = dataclasses.replace(
        seed, achievements=(AchievementData(1, "標題", "共 {plan 99 total}人次。"),)
    )
    assert rules.finalization_problems(broken) == ["伍、一：找不到計畫 99"]


def test_figure_check_recognises_sums_and_flags_unbacked_numbers(seed: ReportData) -> None:
    checks = {(c.where, c.text): c.source for c in rules.figure_checks(seed)}
    assert checks[("伍、一", "2萬 8,058人次")] == "計畫一 3項實際值合計（人次）"
    assert checks[("伍、三", "8萬 6,581人")] == "計畫三 2項實際值合計（人）"
    assert checks[("伍、五", "51萬 880人次")] == "計畫五指標 3 執行績效原文"
    unmatched = [(c.where, c.text) for c in rules.unmatched_figures(seed)]
    assert unmatched == [
        ("伍、四", "400人次"),
        ("伍、六", "5坪"),
        ("伍、六", "1名"),
        ("伍、六", "6個月"),
        ("伍、六", "6歲"),
        ("伍、九", "283人次"),
    ]


def test_seed_table_texts_print_every_target_and_actual(seed: ReportData) -> None:
    assert rules.text_mismatches(seed) == []


def test_text_mismatch_when_an_actual_is_not_in_the_text() -> None:
    measure = numeric(100, 120)
    plan = one_plan(measure)
    indicator = dataclasses.replace(
        plan.indicators[0], standard_text="服務 100人次。", achievement_text="服務 110人次。"
    )
    report = report_of(dataclasses.replace(plan, indicators=(indicator,)))
    [mismatch] = rules.text_mismatches(report)
    assert (mismatch.column, mismatch.expected) == ("achievement", "120人次")


def test_replace_figure_rewrites_the_one_figure_and_keeps_the_unit() -> None:
    text = "弱勢家庭餐食服務 7,160人次。"
    assert (
        rules.replace_figure(text, Decimal(7160), Decimal(12345), ["人次"])
        == "弱勢家庭餐食服務 1萬 2,345人次。"
    )
    assert rules.replace_figure("共 2場，另 2場。", Decimal(2), Decimal(3), ["場"]) is None


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (14, "十四"),
        (20, "二十"),
        (99, "九十九"),
        (105, "一百零五"),
        (115, "一百一十五"),
    ],
)
def test_chinese_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text
