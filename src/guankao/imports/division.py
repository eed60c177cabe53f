"""A division table (分工表) read out of grids: service areas, agencies with phones, tasks.

Layouts differ from city to city; what they share is a heading row with 項目, 業務內容 and
主辦單位. Blank and merged cells carry the area and the agency down; a cell may hold one task
or several (``1.…2.…``); the phone may sit in the agency's cell or in its own column. The
result is plain data with the issues found, checked before anything touches the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from guankao.divisions.audience import parse_audience
from guankao.divisions.rows import TaskEntry
from guankao.imports.issues import Issue, Level, error, warning
from guankao.imports.layout import Column, Layout, find_layouts
from guankao.imports.readers import FileRejected, Grid, GridRow
from guankao.imports.text import join_lines, normalise_key, split_numbered
from guankao.tw import parse_phone

COLUMNS = (
    Column("co_leads", ("共同主辦",), required=False),
    Column("task", ("業務內容", "工作內容", "辦理內容")),
    Column("agency", ("主辦單位", "主辦機關", "承辦單位", "辦理單位", "權責單位")),
    Column("phone", ("電話",), required=False),
    Column("area", ("項目",)),
    # Public-facing or internal (decision 0075); without the column the rule decides.
    Column("audience", ("業務性質", "對外服務", "對內對外"), required=False),
)

# Where a phone starts in an agency's cell: an optional "電話：", then a digit or a bracket.
_PHONE_START = re.compile(r"(?:(?:聯絡)?電話|TEL|tel|Tel)?\s*[:：]?\s*[(（+]?\s*[0-9０-９]")
_PHONE_LABEL = re.compile(r"^(?:(?:聯絡)?電話|TEL)\s*[:：]?\s*", re.IGNORECASE)
_PHONE_WORDS = re.compile(r"(?:聯絡)?電話|TEL|分機|轉|ext\.?|或", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\s0-9()#+\-‐–.,、/;:]*")
_PHONE_SPLIT = re.compile(r"[\n、;；/]|或")
_AREA_CODE = re.compile(r"^\((0[0-9]{1,3})\)")
MAX_LABEL = 120  # Agency.label
MAX_TITLE = 120  # DivisionTable.title


@dataclass(frozen=True)
class ParsedAgency:
    """An agency as the file names it, with its phone as written ("" when none was read)."""

    label: str
    phone: str
    where: str


@dataclass(frozen=True, kw_only=True)
class ParsedTask(TaskEntry):
    """A task as the divisions app takes it (agency and co-leads by label, area by name), with
    the row it was read from."""

    row: str


@dataclass(frozen=True)
class DivisionImport:
    """Everything read out of one division-table file."""

    filename: str
    title: str
    area_code: str
    agencies: tuple[ParsedAgency, ...]
    tasks: tuple[ParsedTask, ...]
    issues: tuple[Issue, ...]
    rows_read: int

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level is Level.ERROR]


@dataclass
class _Draft:
    where: str
    row: str
    area: str
    agency: str
    number: int | None
    text: str
    co_leads: tuple[str, ...] | None
    audience: str | None = None  # None: not written, the task's own or the rule's


@dataclass
class _State:
    filename: str
    area_code: str | None
    area: str = ""
    agency: str = ""
    agencies: dict[str, ParsedAgency] = field(default_factory=dict)
    phones: dict[str, tuple[str, str]] = field(default_factory=dict)  # label → (phone, where)
    drafts: list[_Draft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0


def split_agency_cell(text: str) -> tuple[str, str]:
    """An agency cell → (label, phone text): ``民政處\\n2420-1122#1632`` → both parts."""
    for match in _PHONE_START.finditer(text):
        start = match.start() + len(match[0]) - len(match[0].lstrip())
        separated = start == 0 or text[start - 1].isspace()
        if not separated and text[start - 1].isascii():
            continue  # inside an ASCII word or number
        rest = unicodedata.normalize("NFKC", text[start:])
        digits = sum(c.isdigit() for c in rest)
        # Written right after the name ("民政處2420-1122"), only a full number counts, so a
        # name that ends in digits ("第2分局", "測試局處00") keeps them.
        if digits < (3 if separated else 7):
            continue
        if _PHONE_CHARS.fullmatch(_PHONE_WORDS.sub("", rest)):
            return join_lines(text[:start]), _PHONE_LABEL.sub("", text[start:].strip())
    return join_lines(text), ""


def area_name(text: str) -> str:
    """A service area as written, without the spaces and breaks that layouts put inside it."""
    return re.sub(r"\s+", "", text)


def _phones(text: str) -> list[str]:
    return [part.strip() for part in _PHONE_SPLIT.split(text) if part.strip()]


def guess_area_code(texts: list[str]) -> str | None:
    """The area code most phones in the file write out, e.g. "(02)2420-1122" → "02"."""
    codes: Counter[str] = Counter()
    for text in texts:
        try:
            national = parse_phone(text).national
        except ValueError:
            continue
        written = unicodedata.normalize("NFKC", text).strip()
        match = _AREA_CODE.match(national)
        if match and (written.startswith(("(", "0", "+"))):
            codes[match[1]] += 1
    return codes.most_common(1)[0][0] if codes else None


def _record_phone(state: _State, label: str, text: str, where: str, row: str) -> None:
    candidates = _phones(text)
    if not candidates:
        return
    if len(candidates) > 1:
        state.issues.append(
            warning(
                _("「%(agency)s」寫了 %(n)d 個電話，只採用第一個「%(phone)s」。")
                % {"agency": label, "n": len(candidates), "phone": candidates[0]},
                where,
                row,
            )
        )
    phone = candidates[0]
    try:
        parse_phone(phone, default_area_code=state.area_code or "02")
    except ValueError:
        state.issues.append(
            warning(
                _("無法辨識電話「%(phone)s」，不會更新「%(agency)s」的電話。")
                % {"phone": phone, "agency": label},
                where,
                row,
            )
        )
        return
    known = state.phones.get(label)
    if known is None:
        state.phones[label] = (phone, where)
    elif normalise_key(known[0]) != normalise_key(phone):
        state.issues.append(
            warning(
                _("「%(agency)s」的電話「%(phone)s」與 %(first)s 的「%(known)s」不同，採用先寫的。")
                % {"agency": label, "phone": phone, "first": known[1], "known": known[0]},
                where,
                row,
            )
        )


def _read_row(state: _State, layout: Layout, grid_row: GridRow) -> None:
    grid, columns = layout.grid, layout.columns
    row_ref = grid.row_ref(grid_row)
    state.rows_read += 1
    area_text = grid_row.cell(columns["area"])
    if area_text.strip():
        state.area = area_name(area_text)
    agency_column = columns["agency"]
    agency_text = grid_row.cell(agency_column)
    if agency_text.strip():
        label, phone = split_agency_cell(agency_text)
        where = grid.cell_ref(grid_row, agency_column)
        if label:
            if len(label) > MAX_LABEL:
                state.issues.append(
                    error(_("主辦單位名稱超過 %(n)d 字。") % {"n": MAX_LABEL}, where, row_ref)
                )
            state.agency = label
            state.agencies.setdefault(label, ParsedAgency(label, "", where))
        if phone and state.agency and not grid_row.is_merged(agency_column):
            _record_phone(state, state.agency, phone, where, row_ref)
    phone_column = columns.get("phone")
    phone_text = grid_row.cell(phone_column)
    if (
        phone_column is not None
        and phone_text.strip()
        and state.agency
        and not grid_row.is_merged(phone_column)
    ):
        _record_phone(
            state, state.agency, phone_text, grid.cell_ref(grid_row, phone_column), row_ref
        )
    task_column = columns["task"]
    task_text = grid_row.cell(task_column)
    if not task_text.strip() or grid_row.is_merged(task_column):
        return
    where = grid.cell_ref(grid_row, task_column)
    if not state.area or not state.agency:
        missing = _("項目") if not state.area else _("主辦單位")
        state.issues.append(
            error(_("這一列有業務內容，但沒有%(what)s。") % {"what": missing}, where, row_ref)
        )
        return
    co_leads: tuple[str, ...] | None = None
    if "co_leads" in columns:
        cell = grid_row.cell(columns["co_leads"])
        co_leads = tuple(
            dict.fromkeys(
                label
                for label in (join_lines(p) for p in re.split(r"[、,，;；\n]", cell))
                if label and label != state.agency
            )
        )
    audience = _audience(state, layout, grid_row, row_ref)
    for item in split_numbered(task_text):
        state.drafts.append(
            _Draft(
                where, row_ref, state.area, state.agency, item.number, item.text, co_leads, audience
            )
        )


def _audience(state: _State, layout: Layout, grid_row: GridRow, row_ref: str) -> str | None:
    """The row's audience cell (「內部」「對外服務」…), None when there is none or it is blank;
    a value the import does not know is reported and left to the rule."""
    column = layout.columns.get("audience")
    if column is None:
        return None
    cell = grid_row.cell(column).strip()
    if not cell:
        return None
    audience = parse_audience(cell)
    if audience is None:
        state.issues.append(
            warning(
                _(
                    "業務性質「%(value)s」無法辨識（請填「對外服務」或「內部業務」），依業務內容判斷。"
                )
                % {"value": cell[:20]},
                layout.grid.cell_ref(grid_row, column),
                row_ref,
            )
        )
    return audience


def _number_tasks(state: _State) -> list[tuple[_Draft, int, bool]]:
    """Give every task its number within its agency; report duplicates and gaps in numbering."""
    by_agency: dict[str, list[_Draft]] = {}
    for draft in state.drafts:
        by_agency.setdefault(draft.agency, []).append(draft)
    numbers: dict[int, tuple[int, bool]] = {}  # id(draft) → (number, numbered)
    for agency, drafts in by_agency.items():
        seen: dict[int, _Draft] = {}
        for draft in drafts:
            if draft.number is None:
                continue
            if draft.number in seen:
                state.issues.append(
                    error(
                        _("「%(agency)s」的第 %(n)d 項重複（另見 %(other)s）。")
                        % {"agency": agency, "n": draft.number, "other": seen[draft.number].where},
                        draft.where,
                        draft.row,
                    )
                )
            seen[draft.number] = draft
            numbers[id(draft)] = (draft.number, True)
        unnumbered = [d for d in drafts if d.number is None]
        if len(drafts) == 1 and unnumbered:
            numbers[id(drafts[0])] = (1, False)  # an agency's only task is printed bare
            continue
        next_number = max(seen, default=0) + 1
        for draft in unnumbered:
            numbers[id(draft)] = (next_number, False)
            state.issues.append(
                warning(
                    _("「%(agency)s」這項業務沒有編號，編為第 %(n)d 項。")
                    % {"agency": agency, "n": next_number},
                    draft.where,
                    draft.row,
                )
            )
            next_number += 1
    return [(d, *numbers[id(d)]) for d in state.drafts]


def _shared(state: _State) -> dict[int, tuple[str, ...]]:
    """Identical task text under several agencies: the task is shared (co-leads both ways)."""
    groups: dict[str, list[_Draft]] = {}
    for draft in state.drafts:
        groups.setdefault(normalise_key(draft.text), []).append(draft)
    shared: dict[int, tuple[str, ...]] = {}
    for drafts in groups.values():
        agencies = list(dict.fromkeys(d.agency for d in drafts))
        if len(agencies) < len(drafts):
            seen: set[str] = set()
            for draft in drafts:
                if draft.agency in seen:
                    state.issues.append(
                        warning(
                            _("「%(agency)s」有兩項相同的業務內容。") % {"agency": draft.agency},
                            draft.where,
                            draft.row,
                        )
                    )
                seen.add(draft.agency)
        if len(agencies) > 1:
            for draft in drafts:
                shared[id(draft)] = tuple(a for a in agencies if a != draft.agency)
    return shared


def _phone_texts(layouts: list[Layout]) -> list[str]:
    cells: dict[str, bool] = {}  # cell text → whether it is a phone column (merges repeat cells)
    for layout in layouts:
        agency, phone = layout.columns["agency"], layout.columns.get("phone")
        for row in layout.data_rows():
            cells.setdefault(row.cell(agency), False)
            cells.setdefault(row.cell(phone), True)
    texts: list[str] = []
    for cell, is_phone in cells.items():
        texts += _phones(cell if is_phone else split_agency_cell(cell)[1])
    return texts


def parse_division(grids: list[Grid], *, filename: str, area_code: str | None) -> DivisionImport:
    """Read a division table out of ``grids``.

    ``area_code`` is the jurisdiction's telephone area code, or None for a new jurisdiction,
    in which case it is taken from the phones the file writes with one. Raises
    :class:`FileRejected` when no grid has the table's headings or no task is found.
    """
    layouts = find_layouts(grids, COLUMNS)
    if not layouts:
        raise FileRejected(
            filename, _("找不到分工表的標題列：需要「項目」「業務內容」「主辦單位」三欄。")
        )
    state = _State(filename=filename, area_code=area_code)
    if area_code is None:
        state.area_code = guess_area_code(_phone_texts(layouts))
        if state.area_code is None:
            state.issues.append(warning(_("無法從電話判斷這個縣市的區碼，以 02 為準。")))
    for layout in layouts:
        for grid_row in layout.data_rows():
            _read_row(state, layout, grid_row)
    if not state.drafts and not any(i.level is Level.ERROR for i in state.issues):
        raise FileRejected(filename, _("標題列下沒有任何業務內容。"))
    numbered = _number_tasks(state)
    shared = {} if any(d.co_leads is not None for d in state.drafts) else _shared(state)
    tasks = tuple(
        ParsedTask(
            where=d.where,
            row=d.row,
            area=d.area,
            agency=d.agency,
            number=number,
            numbered=is_numbered,
            text=d.text,
            co_leads=d.co_leads if d.co_leads is not None else shared.get(id(d), ()),
            audience=d.audience,
        )
        for d, number, is_numbered in numbered
    )
    title = layouts[0].title()
    if len(title) > MAX_TITLE:
        state.issues.append(warning(_("表格上方的標題超過 %(n)d 字，不採用。") % {"n": MAX_TITLE}))
        title = ""
    with_tasks = {task.agency for task in tasks}
    agencies = tuple(
        ParsedAgency(a.label, state.phones.get(a.label, ("", ""))[0], a.where)
        for a in state.agencies.values()
        if a.label in with_tasks
    )
    return DivisionImport(
        filename=filename,
        title=title,
        area_code=state.area_code or "02",
        agencies=agencies,
        tasks=tasks,
        issues=tuple(state.issues),
        rows_read=state.rows_read,
    )
