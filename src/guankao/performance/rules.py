"""The rules of the 施政績效報告, as pure functions over the report model.

Each rule is what a careful reviewer checks by hand: which measures fell short, which of them the
report must explain (參), what 執行率 a plan has under the department's method, the 肆 sentence,
figures in the narrative that the data does not back, and targets that look set too low.
See docs/performance.md and docs/decisions/0010–0012.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from guankao.performance.report_model import (
    MILESTONE,
    NUMERIC,
    SELF_MANAGED,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    chinese_number,
    plain_number,
)
from guankao.tw import extract_quantities, format_count, format_percent, format_thousands

HUNDRED = Decimal(100)
# A reported 執行率 further than this from a computed one is flagged to reviewers.
RATE_GAP_POINTS = Decimal(5)
# An actual more than 50% above its target suggests the target was set too low.
LOW_TARGET_RATIO = Decimal("1.5")

RATE_REPORTED = "reported"
RATE_MEASURES = "measures"
RATE_BUDGET = "budget"
RATE_METHODS = (RATE_REPORTED, RATE_MEASURES, RATE_BUDGET)

# Counters that name the same thing: 272名獨居老人 answers a target of 260人.
_UNIT_CLASS = {"名": "人", "位": "人"}


def unit_class(unit: str) -> str:
    """The unit under which figures are compared (人, 名 and 位 all count people)."""
    return _UNIT_CLASS.get(unit, unit)


# --- measures -----------------------------------------------------------------------------


def achievement(measure: MeasureData) -> Decimal | None:
    """Achievement of a numeric measure: actual ÷ target (1 = on target); None when unknown."""
    if measure.kind != NUMERIC or measure.actual is None or not measure.target:
        return None
    return measure.actual / measure.target


def year_end(year: int) -> datetime.date:
    """The date a report year's milestones are judged on."""
    return datetime.date(year, 12, 31)


def milestone_met(measure: MeasureData, *, as_of: datetime.date) -> bool | None:
    """A milestone is met when done by its due date, missed when done late or not done by a due
    date that has passed; None while it is not yet due (or for numeric measures)."""
    if measure.kind != MILESTONE or measure.due is None:
        return None
    if measure.done is not None:
        return measure.done <= measure.due
    return False if measure.due <= as_of else None


def is_shortfall(measure: MeasureData, *, as_of: datetime.date) -> bool:
    """Below target (numeric) or missed (milestone). A measure without an actual is not judged."""
    if measure.kind == MILESTONE:
        return milestone_met(measure, as_of=as_of) is False
    ratio = achievement(measure)
    return ratio is not None and ratio < 1


# --- 執行率 -------------------------------------------------------------------------------


def measures_rate(plan: PlanData, *, as_of: datetime.date) -> Decimal | None:
    """Capped mean of measure achievement, in percent: each measure counts at most 100%, so one
    target beaten eightfold cannot hide another that was missed. Milestones count 100% or 0%."""
    scores: list[Decimal] = []
    for measure in plan.measures:
        if measure.kind == MILESTONE:
            met = milestone_met(measure, as_of=as_of)
            if met is not None:
                scores.append(Decimal(1) if met else Decimal(0))
            continue
        ratio = achievement(measure)
        if ratio is not None:
            scores.append(min(ratio, Decimal(1)))
    if not scores:
        return None
    return sum(scores, Decimal(0)) / len(scores) * HUNDRED


def budget_rate(plan: PlanData) -> Decimal | None:
    """Budget execution in percent: executed ÷ budget; may exceed 100%."""
    if plan.executed_thousands is None or plan.budget_thousands <= 0:
        return None
    return Decimal(plan.executed_thousands) * HUNDRED / Decimal(plan.budget_thousands)


def plan_rate(plan: PlanData, *, method: str, as_of: datetime.date) -> Decimal | None:
    """The plan's 執行率 under the department's method (reported, measures or budget)."""
    if method == RATE_MEASURES:
        return measures_rate(plan, as_of=as_of)
    if method == RATE_BUDGET:
        return budget_rate(plan)
    return plan.reported_rate


def rounded(rate: Decimal | None) -> int | None:
    """The whole percent a report prints (half up, as format_percent does)."""
    if rate is None:
        return None
    return int(rate.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown_rate(report: ReportData, plan: PlanData) -> Decimal | None:
    """The 執行率 the report prints for ``plan``."""
    return plan_rate(plan, method=report.rate_method, as_of=year_end(report.year))


def format_rate(rate: Decimal | None) -> str:
    """``98%``; an unknown rate prints as a dash."""
    return "—" if rate is None else format_percent(rounded(rate) or 0)


def reaches_target(rate: Decimal | None) -> bool:
    """A plan reaches its target when its printed 執行率 is at least 100%."""
    whole = rounded(rate)
    return whole is not None and whole >= 100


@dataclass(frozen=True, slots=True)
class RateComparison:
    """Reported and computed 執行率 of one plan, side by side, for reviewers."""

    plan: PlanData
    reported: Decimal | None
    measures: Decimal | None
    budget: Decimal | None
    shown: Decimal | None

    @property
    def gaps(self) -> tuple[str, ...]:
        """The computed methods whose result is more than 5 points from the reported rate."""
        if self.reported is None:
            return ()
        return tuple(
            name
            for name, value in ((RATE_MEASURES, self.measures), (RATE_BUDGET, self.budget))
            if value is not None and abs(self.reported - value) > RATE_GAP_POINTS
        )


def rate_comparisons(report: ReportData) -> list[RateComparison]:
    """Every plan's reported, capped-mean and budget 執行率, with the one the report prints."""
    as_of = year_end(report.year)
    return [
        RateComparison(
            plan=plan,
            reported=plan.reported_rate,
            measures=measures_rate(plan, as_of=as_of),
            budget=budget_rate(plan),
            shown=shown_rate(report, plan),
        )
        for plan in report.plans
    ]


# --- shortfalls (參) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A measure below its target or a missed milestone, with its plan's printed 執行率."""

    plan: PlanData
    indicator: IndicatorData
    measure: MeasureData
    rate: Decimal | None

    @property
    def listed(self) -> bool:
        """Whether 參 lists it: it has a review, or its plan prints less than 100% (0010)."""
        return self.measure.review is not None or not reaches_target(self.rate)

    @property
    def explained(self) -> bool:
        """A review with any text: the printed form has one combined column (decision 0011)."""
        return self.measure.review is not None and bool(self.measure.review.text)

    @property
    def standard(self) -> str:
        """The 衡量標準 as 參 prints it: the indicator's number and standard text."""
        text = f"{self.indicator.number}.{self.indicator.standard_text}"
        if len(self.indicator.measures) > 1:
            text += f"（{self.measure.label}）"
        return text

    @property
    def reference(self) -> str:
        """Short name for messages: 計畫六 指標 4 社區愛享冰箱建置處數."""
        return _("計畫%(plan)s 指標 %(indicator)d %(label)s") % {
            "plan": self.plan.label,
            "indicator": self.indicator.number,
            "label": self.measure.label,
        }


def shortfalls(report: ReportData) -> list[Shortfall]:
    """Every shortfall of the report, in plan, indicator and measure order."""
    as_of = year_end(report.year)
    return [
        Shortfall(plan=plan, indicator=indicator, measure=measure, rate=shown_rate(report, plan))
        for plan in report.plans
        for indicator in plan.indicators
        for measure in indicator.measures
        if is_shortfall(measure, as_of=as_of)
    ]


def section_three(report: ReportData) -> list[Shortfall]:
    """The shortfalls 參 未達原定標準之檢討 lists (decision 0010)."""
    return [s for s in shortfalls(report) if s.listed]


def review_candidates(report: ReportData) -> list[Shortfall]:
    """Shortfalls 參 leaves out (no review, plan at 100%): reviewers should look at them."""
    return [s for s in shortfalls(report) if not s.listed]


# --- targets that look too low ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LowTarget:
    """A target the actual exceeded by more than 50%: possibly set too low (reviewers only)."""

    plan: PlanData
    indicator: IndicatorData
    measure: MeasureData
    ratio: Decimal


def low_targets(report: ReportData) -> list[LowTarget]:
    """Measures whose actual is more than 1.5 × target, for reviewers; never published."""
    found: list[LowTarget] = []
    for plan in report.plans:
        for indicator in plan.indicators:
            for measure in indicator.measures:
                ratio = achievement(measure)
                if ratio is not None and ratio > LOW_TARGET_RATIO:
                    found.append(LowTarget(plan, indicator, measure, ratio))
    return found


# --- 肆 自行列管績效 -----------------------------------------------------------------------


def self_managed_sentence(report: ReportData) -> str:
    """The 肆 sentence, generated from the data in the seed's wording."""
    plans = [p for p in report.plans if p.control_code == SELF_MANAGED]
    if not plans:
        return _("%(department)s本年度無自行列管計畫。") % {"department": report.department_name}
    lead = _("%(department)s自行列管計 %(count)s項執行計畫") % {
        "department": report.department_name,
        "count": format_count(len(plans)),
    }
    behind = [(p, shown_rate(report, p)) for p in plans]
    behind = [(p, r) for p, r in behind if not reaches_target(r)]
    if not behind:
        return _("%(lead)s，均如期達成目標。") % {"lead": lead}
    named = "，".join(
        _("「%(plan)s」執行率 %(rate)s") % {"plan": p.name, "rate": format_rate(r)}
        if r is not None
        else _("「%(plan)s」未填報執行率") % {"plan": p.name}
        for p, r in behind
    )
    if len(behind) == len(plans):
        return _("%(lead)s，%(named)s，均未如期達成目標。") % {"lead": lead, "named": named}
    return _("%(lead)s，其中%(named)s，其餘均如期達成目標。") % {"lead": lead, "named": named}


# --- live figures in the narrative ----------------------------------------------------------

# {plan 1 total}, {plan 1 total 人次}, {plan 1 budget}, {measure 1.2.1 actual}, {measure 1.2.1 target}
EMBED = re.compile(
    r"\{(?P<kind>plan|measure)\s+(?P<ref>[0-9]+(?:\.[0-9]+){0,2})\s+(?P<field>total|budget|actual|target)"
    r"(?:\s+(?P<unit>[^\s{}]+))?\}"
)


class EmbedError(ValueError):
    """A live figure that names nothing in the data."""


def _measure_at(report: ReportData, ref: str) -> MeasureData:
    parts = [int(p) for p in ref.split(".")]
    if len(parts) != 3:
        raise EmbedError(_("衡量標準須寫成「計畫.指標.順序」，例如 1.2.1：%(ref)s") % {"ref": ref})
    plan = report.plan(parts[0])
    indicator = next((i for i in plan.indicators if i.number == parts[1]), None) if plan else None
    measure = (
        next((m for m in indicator.measures if m.position == parts[2]), None) if indicator else None
    )
    if measure is None:
        raise EmbedError(_("找不到衡量標準 %(ref)s") % {"ref": ref})
    return measure


def _figure(value: Decimal) -> str:
    number = plain_number(value)
    return format_count(number) if isinstance(number, int) else f"{number:,f}"


def plan_total(plan: PlanData, unit: str | None = None) -> Decimal:
    """Sum of the plan's numeric actuals; all must share one unit unless ``unit`` picks one."""
    measures = [m for m in plan.measures if m.kind == NUMERIC and m.actual is not None]
    if unit is not None:
        measures = [m for m in measures if unit_class(unit) in _classes(m)]
    elif len({unit_class(m.unit) for m in measures}) > 1:
        units = "、".join(sorted({m.unit for m in measures}))
        raise EmbedError(
            _(
                "計畫%(plan)s的衡量標準單位不一（%(units)s），請指定單位，例如 {plan %(n)d total 人次}"
            )
            % {"plan": plan.label, "units": units, "n": plan.number}
        )
    if not measures:
        raise EmbedError(_("計畫%(plan)s沒有可加總的實際值") % {"plan": plan.label})
    return sum((m.actual for m in measures if m.actual is not None), Decimal(0))


def _classes(measure: MeasureData) -> set[str]:
    return {unit_class(measure.unit), unit_class(measure.shown_actual_unit)}


def resolve_embed(match: re.Match[str], report: ReportData) -> str:
    """The formatted figure a live reference stands for; raises EmbedError when it names nothing."""
    kind, ref, name, unit = match["kind"], match["ref"], match["field"], match["unit"]
    if kind == "plan":
        if "." in ref:
            raise EmbedError(_("計畫請只寫編號，例如 {plan 1 total}：%(ref)s") % {"ref": ref})
        plan = report.plan(int(ref))
        if plan is None:
            raise EmbedError(_("找不到計畫 %(ref)s") % {"ref": ref})
        if name == "budget":
            return format_thousands(plan.budget_thousands)
        if name == "total":
            return _figure(plan_total(plan, unit))
        raise EmbedError(_("計畫可引用 total 或 budget：%(text)s") % {"text": match[0]})
    measure = _measure_at(report, ref)
    if name not in ("actual", "target"):
        raise EmbedError(_("衡量標準可引用 actual 或 target：%(text)s") % {"text": match[0]})
    value = measure.actual if name == "actual" else measure.target
    if value is None:
        raise EmbedError(_("衡量標準 %(ref)s 沒有%(what)s") % {"ref": ref, "what": name})
    return _figure(value)


def render_embeds(text: str, report: ReportData) -> str:
    """Replace every live reference with its figure; a broken one is left as written."""

    def replace(match: re.Match[str]) -> str:
        try:
            return resolve_embed(match, report)
        except EmbedError:
            return match[0]

    return EMBED.sub(replace, text)


def embed_errors(report: ReportData) -> list[str]:
    """Every broken live reference in 前言 and 伍, as messages naming where it is."""
    errors: list[str] = []
    for where, text in narrative(report, rendered=False):
        for match in EMBED.finditer(text):
            try:
                resolve_embed(match, report)
            except EmbedError as error:
                errors.append(f"{where}：{error}")
    return errors


def narrative(report: ReportData, *, rendered: bool = True) -> list[tuple[str, str]]:
    """The free text of the report (前言 and each 伍 item) with where it sits."""
    items = [(_("前言"), report.preface)]
    items += [
        (_("伍、%(number)s") % {"number": chinese_number(a.number)}, f"{a.title}：{a.body}")
        for a in report.achievements
    ]
    if rendered:
        return [(where, render_embeds(text, report)) for where, text in items]
    return items


# --- figures in the narrative ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureCheck:
    """A figure written in 前言 or 伍, and the figure of the data it matches (or None)."""

    where: str
    text: str
    value: int | Decimal
    unit: str
    source: str | None


def known_figures(report: ReportData) -> dict[tuple[Decimal, str], str]:
    """Every figure the data holds, keyed by value and unit class, with where it comes from:
    targets, actuals, their sums per indicator and per plan, and the quantities the table's own
    texts print (such as 6萬 9,264人次 served besides the 272 elders counted)."""
    known: dict[tuple[Decimal, str], str] = {}

    def add(value: Decimal | int, unit: str, source: str) -> None:
        known.setdefault((Decimal(value), unit_class(unit)), source)

    for plan in report.plans:
        plan_sums: dict[str, list[Decimal]] = defaultdict(list)
        for indicator in plan.indicators:
            indicator_sums: dict[str, list[Decimal]] = defaultdict(list)
            for m in indicator.measures:
                where = {"plan": plan.label, "indicator": indicator.number, "label": m.label}
                if m.actual is not None:
                    add(
                        m.actual,
                        m.shown_actual_unit,
                        _("計畫%(plan)s指標 %(indicator)d「%(label)s」實際值") % where,
                    )
                    indicator_sums[unit_class(m.unit)].append(m.actual)
                    plan_sums[unit_class(m.unit)].append(m.actual)
                if m.target is not None:
                    add(
                        m.target,
                        m.unit,
                        _("計畫%(plan)s指標 %(indicator)d「%(label)s」目標值") % where,
                    )
            for unit, values in indicator_sums.items():
                if len(values) > 1:
                    add(
                        sum(values, Decimal(0)),
                        unit,
                        _("計畫%(plan)s指標 %(indicator)d %(count)d項實際值合計（%(unit)s）")
                        % {
                            "plan": plan.label,
                            "indicator": indicator.number,
                            "count": len(values),
                            "unit": unit,
                        },
                    )
        for unit, values in plan_sums.items():
            if len(values) > 1:
                add(
                    sum(values, Decimal(0)),
                    unit,
                    _("計畫%(plan)s %(count)d項實際值合計（%(unit)s）")
                    % {"plan": plan.label, "count": len(values), "unit": unit},
                )
    for plan in report.plans:
        for indicator in plan.indicators:
            for label, text in (
                (_("衡量標準"), indicator.standard_text),
                (_("執行績效"), indicator.achievement_text),
            ):
                for q in extract_quantities(text):
                    add(
                        Decimal(q.value),
                        q.unit,
                        _("計畫%(plan)s指標 %(indicator)d %(column)s原文")
                        % {"plan": plan.label, "indicator": indicator.number, "column": label},
                    )
    return known


def figure_checks(report: ReportData) -> list[FigureCheck]:
    """Every figure in 前言 and 伍 (live figures already filled in), matched against the data.

    Only figures written with Arabic digits are checked: numbers in Chinese numerals are
    wording (「一個」, 「兩場」) in these reports.
    """
    known = known_figures(report)
    checks: list[FigureCheck] = []
    for where, text in narrative(report):
        for q in extract_quantities(text):
            if not any(ch.isdigit() and ch.isascii() for ch in q.text):
                # Reports write data in Arabic figures; 「建構一個…城市」 is wording, not data.
                continue
            source = known.get((Decimal(q.value), unit_class(q.unit)))
            checks.append(FigureCheck(where, q.text, q.value, q.unit, source))
    return checks


def unmatched_figures(report: ReportData) -> list[FigureCheck]:
    """Figures in 前言 and 伍 that match no figure of the data: a reviewer should check them."""
    return [c for c in figure_checks(report) if c.source is None]


# --- the table's texts against its numbers ----------------------------------------------


@dataclass(frozen=True, slots=True)
class TextMismatch:
    """A target or actual that the indicator's 衡量標準 or 執行績效 text does not print."""

    plan: PlanData
    indicator: IndicatorData
    measure: MeasureData
    column: str  # "standard" or "achievement"
    expected: str


def _prints(text: str, value: Decimal, units: Iterable[str]) -> bool:
    classes = {unit_class(u) for u in units if u}
    return any(
        Decimal(q.value) == value and unit_class(q.unit) in classes
        for q in extract_quantities(text)
    )


def text_mismatches(report: ReportData) -> list[TextMismatch]:
    """Measures whose number the table's text does not show, so text and data disagree."""
    found: list[TextMismatch] = []
    for plan in report.plans:
        for indicator in plan.indicators:
            for m in indicator.measures:
                if m.kind != NUMERIC:
                    continue
                if m.target is not None and not _prints(
                    indicator.standard_text, m.target, [m.unit]
                ):
                    found.append(
                        TextMismatch(plan, indicator, m, "standard", f"{_figure(m.target)}{m.unit}")
                    )
                if m.actual is not None and not _prints(
                    indicator.achievement_text, m.actual, [m.unit, m.actual_unit]
                ):
                    found.append(
                        TextMismatch(
                            plan,
                            indicator,
                            m,
                            "achievement",
                            f"{_figure(m.actual)}{m.shown_actual_unit}",
                        )
                    )
    return found


def replace_figure(text: str, old: Decimal, new: Decimal, units: Iterable[str]) -> str | None:
    """``text`` with the one figure ``old`` (in one of ``units``) rewritten as ``new``, keeping the
    unit as written; None when the text prints that figure not exactly once."""
    classes = {unit_class(u) for u in units if u}
    hits = [
        q
        for q in extract_quantities(text)
        if Decimal(q.value) == old and unit_class(q.unit) in classes
    ]
    if len(hits) != 1:
        return None
    hit = hits[0]
    # Keep what follows the number as written: optional space, 受益, and the unit itself.
    unit = r"\s*".join(re.escape(ch) for ch in hit.unit)
    tail = re.search(rf"\s*(?:受益\s*)?{unit}$", hit.text)
    rest = tail[0] if tail else hit.unit
    return text[: hit.start] + _figure(new) + rest + text[hit.end :]


# --- readiness -------------------------------------------------------------------------

# What report_create writes and a template leaves: 「（請填寫前言）」.
PLACEHOLDER = re.compile(r"[（(]\s*請填寫[^）)]*[）)]")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the report cannot become final or public yet: a sentence, and where to fix it.

    ``where`` is ``"text"`` (title, 前言, footnote), ``"achievement"`` (an item of 伍, with its
    number in ``ref``), ``"achievements"`` (伍 as a whole), ``"indicator"`` or ``"review"``
    (with the indicator's or measure's id in ``ref``); pages turn it into a link.
    """

    text: str
    where: str
    ref: int | None = None

    def __str__(self) -> str:
        return self.text


def _placeholders(report: ReportData) -> list[Problem]:
    found = [
        Problem(_("%(field)s仍是待填寫的文字") % {"field": label}, "text")
        for label, text in (
            (_("標題"), report.title),
            (_("前言"), report.preface),
            (_("管考方式代碼說明"), report.code_footnote),
        )
        if PLACEHOLDER.search(text)
    ]
    found += [
        Problem(
            _("伍、第 %(n)d 項仍有待填寫的文字") % {"n": item.number}, "achievement", item.number
        )
        for item in report.achievements
        if PLACEHOLDER.search(item.title) or PLACEHOLDER.search(item.body)
    ]
    found += [
        Problem(
            _("計畫%(plan)s 指標 %(n)d 仍有待填寫的文字")
            % {"plan": plan.label, "n": indicator.number},
            "indicator",
            indicator.id,
        )
        for plan in report.plans
        for indicator in plan.indicators
        if any(
            PLACEHOLDER.search(t)
            for t in (indicator.text, indicator.standard_text, indicator.achievement_text)
        )
    ]
    return found


def readiness(report: ReportData) -> list[Problem]:
    """Why the report cannot become final (or be published) yet; empty when it can.

    Every shortfall 參 lists needs its 未達成原因分析暨改進措施; every live figure must name
    something in the data; no placeholder text may be left; 伍 must have an item; and every
    執行績效 text must print its measure's actual (a text saying 7,048 while the actual is
    4,999 contradicts it).
    """
    problems = [
        Problem(
            _("%(ref)s未達目標，尚未填寫未達成原因分析或改進措施") % {"ref": s.reference},
            "review",
            s.measure.id,
        )
        for s in section_three(report)
        if not s.explained
    ]
    problems += [Problem(text, "achievements") for text in embed_errors(report)]
    problems += _placeholders(report)
    if not report.achievements:
        problems.append(Problem(_("伍、年度重要施政具體事蹟尚無內容"), "achievements"))
    problems += [
        Problem(
            _("計畫%(plan)s 指標 %(n)d 的執行績效文字未寫出實際值 %(expected)s")
            % {"plan": m.plan.label, "n": m.indicator.number, "expected": m.expected},
            "indicator",
            m.indicator.id,
        )
        for m in text_mismatches(report)
        if m.column == "achievement"
    ]
    return problems


def finalization_problems(report: ReportData) -> list[str]:
    """The sentences of :func:`readiness`: what the API and the CLI print."""
    return [problem.text for problem in readiness(report)]
