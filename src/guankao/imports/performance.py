"""A performance report's plan table (施政計畫衡量指標與標準) read out of grids.

The table has one row per plan with numbered cells (``1.…2.…``), or one row per indicator with
the plan's cells merged or left blank below it; both read the same. Indicators, standards and
achievements are paired by their numbers. Measures come from a second table, 衡量標準明細,
when the file has one (the export template writes it, so a round trip is exact); otherwise
they are read out of the text with :func:`guankao.tw.extract_quantities`, each target paired
with the achievement's figure of the same unit, in order.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from guankao.imports.issues import Issue, Level, error, warning
from guankao.imports.layout import Column, Layout, find_layouts
from guankao.imports.milestones import derive_milestones
from guankao.imports.readers import FileRejected, Grid, GridRow
from guankao.imports.text import Item, join_lines, normalise_key, parse_heading, split_numbered
from guankao.performance.rows import IndicatorRow, MeasureRow, PlanRow
from guankao.tw import YearMonth, extract_quantities, parse_count, parse_roc_date
from guankao.tw.numbers import parse_amount

COLUMNS = (
    Column("plan", ("計畫名稱", "施政計畫")),
    Column("indicator", ("衡量指標",)),
    Column("standard", ("衡量標準",)),
    Column("budget", ("預算",)),
    Column("rate", ("執行率",)),
    Column("achievement", ("執行績效", "執行情形", "執行成果")),
    Column("code", ("管考",)),
)
MEASURE_SHEET = "衡量標準明細"
MEASURE_COLUMNS = (
    Column("plan", ("計畫編號",)),
    Column("indicator", ("指標編號",)),
    Column("position", ("順序",)),
    Column("label", ("說明",)),
    Column("kind", ("類型",)),
    Column("target", ("目標值",)),
    Column("actual_unit", ("實際值單位",), required=False),
    Column("actual", ("實際值",)),
    Column("unit", ("單位",)),
    Column("due", ("預定完成日",), required=False),
    Column("done", ("實際完成日",), required=False),
)
KINDS = {"數量": "numeric", "numeric": "numeric", "里程碑": "milestone", "milestone": "milestone"}
MAX_NAME = 200  # Plan.name, Measure.label
MAX_UNIT = 10  # Measure.unit
# Units that count the same thing, so a target in 人 may be reported in 名.
_UNIT_FAMILIES = (
    frozenset({"人", "名", "位"}),
    frozenset({"場", "次", "梯次", "場次"}),
    frozenset({"件", "案", "案次"}),
    frozenset({"處", "個", "所", "家"}),
)
_CLAUSE_BREAK = re.compile(r"[，,、；;。：:\n]")
_SUB_MARKER = re.compile(r"^[(（]\s*[0-9０-９一二三四五六七八九十]{1,3}\s*[)）]")
_BLANK = {"", "-", "－", "—", "–", "無"}


@dataclass(frozen=True, kw_only=True)
class ParsedIndicator(IndicatorRow):
    """An indicator as the performance app takes it, with the cell and row it was read from."""

    where: str
    row: str


@dataclass(frozen=True, kw_only=True)
class ParsedPlan(PlanRow):
    """A plan as the performance app takes it, with the cell and row it was read from."""

    indicators: tuple[ParsedIndicator, ...]
    where: str
    row: str


@dataclass(frozen=True)
class PerformanceImport:
    """Everything read out of one performance-report file."""

    filename: str
    title: str
    plans: tuple[ParsedPlan, ...]
    issues: tuple[Issue, ...]
    rows_read: int
    measures_from_table: bool

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level is Level.ERROR]


@dataclass
class _Indicator:
    where: str
    row: str
    number: int | None
    text: str
    standard_text: str = ""
    achievement_text: str = ""


@dataclass
class _Plan:
    where: str
    row: str
    key: str
    number: int | None
    name: str
    budget: int = 0
    rate: Decimal | None = None
    code: int = 5
    note: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # the plan-level cells as first read
    indicators: list[_Indicator] = field(default_factory=list)


def parse_budget(text: str) -> int:
    """``1,159,000`` or ``1,159,000千元`` → 1159000; raises ValueError."""
    cleaned = re.sub(r"\s|千元|元", "", unicodedata.normalize("NFKC", text))
    value = parse_count(cleaned)
    if value < 0:
        raise ValueError(text)
    return value


def parse_rate(text: str) -> Decimal | None:
    """``98%`` → 98, ``99.5％`` → 99.5, blank or a dash → None; raises ValueError."""
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip("%").strip()
    if cleaned in _BLANK:
        return None
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    return value


def parse_code(text: str) -> tuple[int, str]:
    """``5`` → (5, ""); ``4（工程會列管）`` → (4, "工程會列管"); raises ValueError."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = re.fullmatch(r"([1-5])\s*(.*)", cleaned, re.DOTALL)
    if match is None:
        raise ValueError(text)
    note = join_lines(text.strip()[match.start(2) :]).strip("（）():：、， ")
    return int(match[1]), note


def _same_family(a: str, b: str) -> bool:
    return any(a in family and b in family for family in _UNIT_FAMILIES)


def _clause(text: str, start: int, end: int, previous_end: int, next_start: int) -> str:
    """The words of ``text`` that name a quantity: its clause, without the other figures."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    begin = max(breaks[-1] if breaks else 0, previous_end)
    after = _CLAUSE_BREAK.search(text, end)
    stop = after.start() if after is not None else len(text)
    if next_start < stop:
        stop = end  # another figure follows in the same clause: stop at this one
    clause = _SUB_MARKER.sub("", text[begin:stop].strip())
    return clause.lstrip("及和與、，, ").strip()


def derive_measures(
    indicator: ParsedIndicator | _Indicator, where: str, row: str
) -> tuple[list[MeasureRow], list[Issue]]:
    """Read the measures of an indicator out of its standard and achievement text.

    Each figure of the standard is a target; it is paired with the first unused figure of the
    achievement in the same unit, else in a unit that counts the same thing (人 and 名), with
    a warning. Figures of the achievement that no target asks for are context ("計 818人次
    參加") and are left out, unless the standard has no figure at all. A standard without
    figures may name milestones (「預計於 108年完成…」): see ``imports.milestones``.
    """
    issues: list[Issue] = []
    targets = [q for q in extract_quantities(indicator.standard_text) if q.value > 0]
    actuals = extract_quantities(indicator.achievement_text)
    if not targets:
        milestones = derive_milestones(indicator.standard_text, indicator.achievement_text)
        for milestone in milestones:
            if milestone.done is None:
                issues.append(
                    warning(
                        _("里程碑「%(label)s」在執行績效中找不到完成日期。")
                        % {"label": milestone.label},
                        where,
                        row,
                    )
                )
        if milestones:
            return milestones, issues
        if actuals:
            issues.append(
                warning(
                    _("執行績效有數字「%(figure)s」，但衡量標準沒有對應的目標值。")
                    % {"figure": actuals[0].text},
                    where,
                    row,
                )
            )
        return [], issues
    used: set[int] = set()
    measures: list[MeasureRow] = []
    previous_end = 0
    base_label = indicator.text.strip().rstrip("。").strip()
    for index, target in enumerate(targets):
        next_start = (
            targets[index + 1].start if index + 1 < len(targets) else len(indicator.standard_text)
        )
        pick = next(
            (i for i, a in enumerate(actuals) if i not in used and a.unit == target.unit), None
        )
        if pick is None:
            pick = next(
                (
                    i
                    for i, a in enumerate(actuals)
                    if i not in used and _same_family(a.unit, target.unit)
                ),
                None,
            )
            if pick is not None:
                issues.append(
                    warning(
                        _("衡量標準的單位「%(unit)s」與執行績效的單位「%(actual)s」不同。")
                        % {"unit": target.unit, "actual": actuals[pick].unit},
                        where,
                        row,
                    )
                )
        actual = actuals[pick] if pick is not None else None
        if pick is not None:
            used.add(pick)
        elif actuals:
            issues.append(
                warning(
                    _("衡量標準「%(figure)s」在執行績效中找不到同單位的數字。")
                    % {"figure": target.text},
                    where,
                    row,
                )
            )
        label = (
            base_label
            if len(targets) == 1
            else _clause(
                indicator.standard_text, target.start, target.end, previous_end, next_start
            )
            or base_label
        )
        previous_end = target.end
        measures.append(
            MeasureRow(
                label=label[:MAX_NAME],
                kind="numeric",
                target=Decimal(target.value),
                actual=None if actual is None else Decimal(actual.value),
                unit=target.unit,
                actual_unit="" if actual is None or actual.unit == target.unit else actual.unit,
            )
        )
    return measures, issues


@dataclass
class _State:
    plans: list[_Plan] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0


def _plan_cells(plan: _Plan, state: _State, layout: Layout, grid_row: GridRow) -> None:
    """Read budget, rate and code from the plan's first row; warn when a later row differs."""
    grid, row_ref = layout.grid, layout.grid.row_ref(grid_row)
    for key in ("budget", "rate", "code"):
        column = layout.columns[key]
        text = grid_row.cell(column).strip()
        if not text or grid_row.is_merged(column):
            continue
        where = grid.cell_ref(grid_row, column)
        if key in plan.cells:
            if normalise_key(plan.cells[key]) != normalise_key(text):
                state.issues.append(
                    warning(
                        _("同一計畫在這一列寫了不同的值「%(text)s」，採用第一列的「%(first)s」。")
                        % {"text": text, "first": plan.cells[key]},
                        where,
                        row_ref,
                    )
                )
            continue
        plan.cells[key] = text
        try:
            if key == "budget":
                plan.budget = parse_budget(text)
            elif key == "rate":
                plan.rate = parse_rate(text)
            else:
                plan.code, plan.note = parse_code(text)
        except ValueError:
            what = {"budget": _("預算金額"), "rate": _("執行率"), "code": _("管考代碼")}[key]
            state.issues.append(
                error(
                    _("無法讀取%(what)s「%(text)s」。") % {"what": what, "text": text},
                    where,
                    row_ref,
                )
            )


def _items(grid_row: GridRow, column: int) -> list[Item]:
    if grid_row.is_merged(column):
        return []
    return split_numbered(grid_row.cell(column))


def _read_row(state: _State, layout: Layout, grid_row: GridRow) -> None:
    grid, columns = layout.grid, layout.columns
    row_ref = grid.row_ref(grid_row)
    state.rows_read += 1
    plan_text = grid_row.cell(columns["plan"])
    current = state.plans[-1] if state.plans else None
    if plan_text.strip() and (current is None or normalise_key(plan_text) != current.key):
        number, name = parse_heading(plan_text)
        where = grid.cell_ref(grid_row, columns["plan"])
        current = _Plan(where, row_ref, normalise_key(plan_text), number, name)
        state.plans.append(current)
    if current is None:
        state.issues.append(error(_("這一列在任何計畫名稱之前。"), grid.row_ref(grid_row), row_ref))
        return
    _plan_cells(current, state, layout, grid_row)
    indicator_items = _items(grid_row, columns["indicator"])
    standards = _items(grid_row, columns["standard"])
    achievements = _items(grid_row, columns["achievement"])
    where = grid.cell_ref(grid_row, columns["indicator"])
    if not indicator_items:
        if standards or achievements:
            state.issues.append(
                error(_("這一列有衡量標準或執行績效，但沒有衡量指標。"), where, row_ref)
            )
        return
    numbers = [i.number for i in current.indicators if i.number is not None]
    next_number = max(numbers, default=len(current.indicators)) + 1
    added: list[_Indicator] = []
    for item in indicator_items:
        number = item.number
        if number is None:
            number = next_number
        next_number = number + 1
        added.append(_Indicator(where, row_ref, number, item.text))
    current.indicators.extend(added)
    for key, items in (("standard", standards), ("achievement", achievements)):
        if len(added) == 1 and len(items) == 1:
            setattr(added[0], f"{key}_text", items[0].text)
            continue
        by_number = {i.number: i for i in added}
        for item in items:
            target = by_number.get(item.number)
            if target is None:
                cell = grid.cell_ref(grid_row, columns[key])
                what = _("衡量標準") if key == "standard" else _("執行績效")
                number_text = str(item.number) if item.number is not None else _("（未編號）")
                state.issues.append(
                    (error if item.number is None else warning)(
                        _("%(what)s第 %(n)s 項沒有對應的衡量指標。")
                        % {"what": what, "n": number_text},
                        cell,
                        row_ref,
                    )
                )
                continue
            setattr(target, f"{key}_text", item.text)


def _measure_table(
    layout: Layout, plans: list[ParsedPlan], issues: list[Issue]
) -> dict[tuple[int, int], list[MeasureRow]]:
    """Measures from the 衡量標準明細 table, keyed by (plan number, indicator number)."""
    grid, columns = layout.grid, layout.columns
    known = {(p.number, i.number) for p in plans for i in p.indicators}
    found: dict[tuple[int, int], dict[int, MeasureRow]] = {}
    for grid_row in layout.data_rows():
        row_ref = grid.row_ref(grid_row)

        def cell(key: str, row: GridRow = grid_row) -> str:
            return join_lines(row.cell(columns.get(key)))

        try:
            key = (parse_count(cell("plan")), parse_count(cell("indicator")))
            position = parse_count(cell("position"))
        except ValueError:
            issues.append(error(_("計畫編號、指標編號與順序須為數字。"), row_ref, row_ref))
            continue
        if key not in known:
            issues.append(
                error(
                    _("計畫 %(plan)d 沒有第 %(indicator)d 項衡量指標。")
                    % {"plan": key[0], "indicator": key[1]},
                    row_ref,
                    row_ref,
                )
            )
            continue
        try:
            measure = _measure_from_cells(cell)
        except ValueError as problem:
            issues.append(error(str(problem), row_ref, row_ref))
            continue
        slots = found.setdefault(key, {})
        if position in slots or position < 1:
            issues.append(error(_("順序 %(n)d 重複或無效。") % {"n": position}, row_ref, row_ref))
            continue
        slots[position] = measure
    return {key: [slots[p] for p in sorted(slots)] for key, slots in found.items()}


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    value = parse_roc_date(text)
    if isinstance(value, (YearMonth, int)) or not isinstance(value, datetime.date):
        raise ValueError(_("日期「%(text)s」須寫到日，例如 108年5月7日。") % {"text": text})
    return value


def _measure_from_cells(get: Callable[[str], str]) -> MeasureRow:
    """One row of the 衡量標準明細 table, checked; raises ValueError with the reason."""
    kind = KINDS.get(get("kind"), "")
    if not kind:
        raise ValueError(
            _("類型須為「數量」或「里程碑」，不是「%(text)s」。") % {"text": get("kind")}
        )
    label = get("label")
    if not label or len(label) > MAX_NAME:
        raise ValueError(_("說明須有 1 到 %(n)d 字。") % {"n": MAX_NAME})
    due, done = _date(get("due")), _date(get("done"))
    target_text, actual_text = get("target"), get("actual")
    try:
        target = Decimal(parse_amount(target_text)) if target_text else None
        actual = Decimal(parse_amount(actual_text)) if actual_text else None
    except ValueError:
        raise ValueError(_("目標值與實際值須為數字。")) from None
    unit, actual_unit = get("unit"), get("actual_unit")
    if len(unit) > MAX_UNIT or len(actual_unit) > MAX_UNIT:
        raise ValueError(_("單位最多 %(n)d 字。") % {"n": MAX_UNIT})
    if kind == "numeric" and (target is None or target <= 0 or not unit):
        raise ValueError(_("數量型衡量標準須有大於 0 的目標值與單位。"))
    if kind == "milestone" and due is None:
        raise ValueError(_("里程碑須有預定完成日。"))
    return MeasureRow(label, kind, target, actual, unit, actual_unit, due, done)


def _finish_plans(state: _State, any_achievement: bool) -> list[tuple[_Plan, int]]:
    """Number the plans, check indicators, and report what cannot be saved."""
    numbered: list[tuple[_Plan, int]] = []
    seen: dict[int, _Plan] = {}
    next_number = 1
    for plan in state.plans:
        number = plan.number if plan.number is not None else next_number
        if plan.number is None:
            state.issues.append(
                warning(
                    _("計畫名稱沒有編號，編為第 %(n)d 項。") % {"n": number}, plan.where, plan.row
                )
            )
        if number in seen:
            state.issues.append(
                error(
                    _("計畫第 %(n)d 項重複（另見 %(other)s）。")
                    % {"n": number, "other": seen[number].where},
                    plan.where,
                    plan.row,
                )
            )
        seen[number] = plan
        next_number = number + 1
        numbered.append((plan, number))
        if not plan.name or len(plan.name) > MAX_NAME:
            state.issues.append(
                error(_("計畫名稱須有 1 到 %(n)d 字。") % {"n": MAX_NAME}, plan.where, plan.row)
            )
        if "budget" not in plan.cells:
            state.issues.append(error(_("沒有預算金額。"), plan.where, plan.row))
        if "code" not in plan.cells:
            state.issues.append(
                warning(_("沒有管考代碼，以 5（自行列管）為準。"), plan.where, plan.row)
            )
        elif plan.code == 4 and not plan.note:
            state.issues.append(
                error(
                    _("管考代碼 4（其他列管）須註明列管方式，例如「4（工程會列管）」。"),
                    plan.where,
                    plan.row,
                )
            )
        if not plan.indicators:
            state.issues.append(warning(_("這個計畫沒有衡量指標。"), plan.where, plan.row))
        numbers: set[int] = set()
        for indicator in plan.indicators:
            number = indicator.number or 0
            if number in numbers:
                state.issues.append(
                    error(
                        _("衡量指標第 %(n)d 項重複。") % {"n": number},
                        indicator.where,
                        indicator.row,
                    )
                )
            numbers.add(number)
            if not indicator.standard_text:
                state.issues.append(
                    error(
                        _("衡量指標第 %(n)d 項沒有衡量標準。") % {"n": number},
                        indicator.where,
                        indicator.row,
                    )
                )
            if any_achievement and not indicator.achievement_text:
                state.issues.append(
                    warning(
                        _("衡量指標第 %(n)d 項沒有執行績效。") % {"n": number},
                        indicator.where,
                        indicator.row,
                    )
                )
    return numbered


def parse_performance(grids: list[Grid], *, filename: str) -> PerformanceImport:
    """Read a performance report's plan table (and its 衡量標準明細, if any) out of ``grids``.

    Raises :class:`FileRejected` when no grid has the table's headings or no plan is found.
    """
    layouts = find_layouts(grids, COLUMNS)
    if not layouts:
        raise FileRejected(
            filename,
            _(
                "找不到施政計畫表的標題列：需要「計畫名稱」「衡量指標」「衡量標準」「預算金額」"
                "「執行績效」「執行率」「管考代碼」七欄。"
            ),
        )
    measure_layouts = find_layouts(grids, MEASURE_COLUMNS)
    for measure_layout in measure_layouts:
        layouts = [layout.until(measure_layout) for layout in layouts]
    state = _State()
    for layout in layouts:
        for grid_row in layout.data_rows():
            _read_row(state, layout, grid_row)
    if not state.plans:
        raise FileRejected(filename, _("標題列下沒有任何計畫。"))
    any_achievement = any(i.achievement_text for p in state.plans for i in p.indicators)
    numbered = _finish_plans(state, any_achievement)
    plans = [
        ParsedPlan(
            where=plan.where,
            row=plan.row,
            number=number,
            name=plan.name,
            budget_thousands=plan.budget,
            reported_rate=plan.rate,
            control_code=plan.code,
            control_note=plan.note,
            indicators=tuple(
                ParsedIndicator(
                    where=i.where,
                    row=i.row,
                    number=i.number or 0,
                    text=i.text,
                    standard_text=i.standard_text,
                    achievement_text=i.achievement_text,
                    measures=(),
                )
                for i in plan.indicators
            ),
        )
        for plan, number in numbered
    ]
    if measure_layouts:
        table = _measure_table(measure_layouts[0], plans, state.issues)

        def measures_of(plan: ParsedPlan, indicator: ParsedIndicator) -> list[MeasureRow]:
            return table.get((plan.number, indicator.number), [])

    else:

        def measures_of(plan: ParsedPlan, indicator: ParsedIndicator) -> list[MeasureRow]:
            measures, found = derive_measures(indicator, indicator.where, indicator.row)
            state.issues.extend(found)
            return measures

    plans = [
        replace(
            plan,
            indicators=tuple(
                replace(indicator, measures=tuple(measures_of(plan, indicator)))
                for indicator in plan.indicators
            ),
        )
        for plan in plans
    ]
    return PerformanceImport(
        filename=filename,
        title=layouts[0].title(),
        plans=tuple(plans),
        issues=tuple(state.issues),
        rows_read=state.rows_read,
        measures_from_table=bool(measure_layouts),
    )
