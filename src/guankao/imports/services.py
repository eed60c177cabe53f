"""Saving an import: one transaction through the apps' own services, all or nothing.

``division_import`` and ``performance_import`` are what the CLI and the web call: they read
the file, parse it, and either preview (the writes are rolled back) or save. Saving re-reads
the file and, when given the preview's digest, refuses if the changes are no longer the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency, AgencyKind, AuditEntry, Jurisdiction
from guankao.core.permissions import Action, Scope, ensure_can
from guankao.core.services import Actor, agency_upsert, jurisdiction_upsert
from guankao.divisions.diff import TableDiff, diff_tables
from guankao.divisions.exceptions import TaskRowInvalid
from guankao.divisions.models import AgencyContact, DivisionTable, ServiceArea
from guankao.divisions.rows import ContactRow, TaskRow
from guankao.divisions.services import (
    check_draft,
    division_table_upsert,
    service_area_upsert,
    table_contacts_replace,
    table_tasks_replace,
)
from guankao.imports.division import DivisionImport, parse_division
from guankao.imports.exceptions import ImportFailed, ImportStale
from guankao.imports.issues import error
from guankao.imports.performance import PerformanceImport, parse_performance
from guankao.imports.preview import (
    DIVISION_COLUMNS,
    PERFORMANCE_COLUMNS,
    Change,
    Preview,
    PreviewRow,
    changes_digest,
    division_rows,
    dry_run,
    performance_rows,
    recording,
)
from guankao.imports.readers import read_grids
from guankao.imports.text import normalise_key
from guankao.performance.exceptions import PlanRowInvalid
from guankao.performance.models import Plan
from guankao.performance.services import plans_replace, report_ensure
from guankao.tw import YearMonth, format_roc_date, from_roc_year, parse_phone, parse_roc_date


@dataclass(frozen=True)
class DivisionTarget:
    """Where a division table goes: a jurisdiction (new ones need a name) and a version."""

    jurisdiction_slug: str
    version: YearMonth
    jurisdiction_name: str = ""

    def __str__(self) -> str:
        name = (
            Jurisdiction.objects.filter(slug=self.jurisdiction_slug)
            .values_list("name", flat=True)
            .first()
            or self.jurisdiction_name
            or self.jurisdiction_slug
        )
        return _("%(name)s 分工表 %(version)s") % {
            "name": name,
            "version": format_roc_date(self.version, "dot"),
        }


@dataclass(frozen=True)
class PerformanceTarget:
    """Where plans go: a department (an existing agency) and an ROC year."""

    department: Agency
    roc_year: int

    def __str__(self) -> str:
        return _("%(department)s %(year)d年度施政計畫") % {
            "department": self.department.label,
            "year": self.roc_year,
        }


def division_target(*, jurisdiction: str, version: str, name: str = "") -> DivisionTarget:
    """Check the jurisdiction slug and the version (``114.3``) a person gave; raise ImportFailed."""
    try:
        parsed = parse_roc_date(version)
    except ValueError:
        parsed = None
    if not isinstance(parsed, YearMonth):
        raise ImportFailed(
            _("版本「%(version)s」須為民國年.月，例如 114.3。") % {"version": version}
        )
    slug = jurisdiction.strip()
    exists = Jurisdiction.objects.filter(slug=slug).exists()
    if not exists:
        if not slug or not all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
            raise ImportFailed(
                _("縣市代碼「%(slug)s」只能用英文字母、數字與連字號。") % {"slug": slug}
            )
        if not name.strip():
            raise ImportFailed(
                _("沒有代碼為「%(slug)s」的縣市；新縣市請以 --name 提供名稱。") % {"slug": slug}
            )
    return DivisionTarget(slug, parsed, name.strip())


def performance_target(*, org: str, year: int) -> PerformanceTarget:
    """Check the department slug and the ROC year a person gave; raise ImportFailed."""
    department = Agency.objects.filter(slug=org.strip()).first()
    if department is None:
        raise ImportFailed(_("沒有代碼為「%(slug)s」的機關。") % {"slug": org})
    if not 1 <= year <= 999:
        raise ImportFailed(_("年度須為民國年，例如 113。"))
    return PerformanceTarget(department, year)


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Turn a validation error of one row into a message that says which row."""
    try:
        yield
    except (ValidationError, ValueError) as problem:
        messages = problem.messages if isinstance(problem, ValidationError) else [str(problem)]
        raise ImportFailed(f"{where}：{'；'.join(messages)}") from None


def _short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def _new_slug(prefix: str, label: str, taken: type[Agency] | type[ServiceArea]) -> str:
    # A stable key without transliteration: the same label gets the same slug in every city.
    for length in (8, 12, 16):
        slug = f"{prefix}-{_short_hash(label, length)}"
        if not taken._default_manager.filter(slug=slug).exists():
            return slug
    raise ImportFailed(_("無法為「%(label)s」產生代碼。") % {"label": label})


def _areas(parsed: DivisionImport, actor: Actor) -> dict[str, ServiceArea]:
    """Service areas by the names the file writes; an unknown one becomes a local area."""
    known = {normalise_key(area.name): area for area in ServiceArea.objects.all()}
    position = ServiceArea.objects.aggregate(last=Max("position"))["last"] or 0
    areas: dict[str, ServiceArea] = {}
    for task in parsed.tasks:
        if task.area in areas:
            continue
        area = known.get(normalise_key(task.area))
        if area is None:
            position += 1
            with _at(task.where):
                area = service_area_upsert(
                    slug=_new_slug("local", task.area, ServiceArea),
                    name=task.area,
                    is_national=False,
                    position=position,
                    actor=actor,
                )
            known[normalise_key(task.area)] = area
        areas[task.area] = area
    return areas


def match_agency(jurisdiction: Jurisdiction | None, label: str) -> Agency | None:
    """The agency a file means by ``label``: same label, else same label or name ignoring
    spaces and full-width forms (a name only when it is unique in the jurisdiction)."""
    if jurisdiction is None:
        return None
    agencies = list(Agency.objects.filter(jurisdiction=jurisdiction))
    key = normalise_key(label)
    for agency in agencies:
        if agency.label == label:
            return agency
    for agency in agencies:
        if normalise_key(agency.label) == key:
            return agency
    by_name = [agency for agency in agencies if normalise_key(agency.name) == key]
    return by_name[0] if len(by_name) == 1 else None


def _number(phone: str, jurisdiction: Jurisdiction) -> tuple[str, str]:
    parsed = parse_phone(phone, default_area_code=jurisdiction.area_code)
    return parsed.e164, parsed.extension


def _agencies(
    parsed: DivisionImport, jurisdiction: Jurisdiction, actor: Actor
) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for row in parsed.agencies:
        agency = match_agency(jurisdiction, row.label)
        with _at(row.where):
            if agency is None:
                agency = agency_upsert(
                    jurisdiction=jurisdiction,
                    slug=_new_slug(jurisdiction.slug, row.label, Agency),
                    name=row.label,
                    label=row.label,
                    kind=AgencyKind.OTHER,
                    phone=row.phone,
                    parent=None,
                    actor=actor,
                )
            elif row.phone and _number(row.phone, jurisdiction) != (
                agency.phone_e164,
                agency.phone_extension,
            ):
                agency = agency_upsert(
                    jurisdiction=jurisdiction,
                    slug=agency.slug,
                    name=agency.name,
                    label=agency.label,
                    kind=agency.kind,
                    phone=row.phone,
                    parent=agency.parent,
                    actor=actor,
                )
        agencies[row.label] = agency
    return agencies


def _title(parsed: DivisionImport, jurisdiction: Jurisdiction, version: YearMonth) -> str:
    if parsed.title:
        return parsed.title
    tables = DivisionTable.objects.filter(jurisdiction=jurisdiction)
    same = tables.filter(effective_month=DivisionTable.month_of(version)).first()
    latest = same or tables.latest_first().first()
    if latest is not None:
        return latest.title
    return _("%(name)s新住民照顧服務業務分工一覽表") % {"name": jurisdiction.name}


def _contacts(
    parsed: DivisionImport,
    table: DivisionTable,
    tasks: list[TaskRow],
    agencies_read: dict[str, Agency],
) -> list[ContactRow]:
    """What the version prints for each agency its tasks name: the phone the file writes, else
    the one this version or the published version before it printed, else the agency's."""
    by_agency = {
        agencies_read[agency.label].pk: agency.phone
        for agency in parsed.agencies
        if agency.phone and agency.label in agencies_read
    }
    earlier: dict[int, AgencyContact] = {}
    previous = table.previous_published()
    if previous is not None:
        earlier = {c.agency_id: c for c in AgencyContact.objects.of_table(previous)}
    earlier |= {c.agency_id: c for c in AgencyContact.objects.of_table(table)}
    agencies = {a.pk: a for row in tasks for a in (row.agency, *row.co_leads)}
    parents = dict(
        Agency.objects.filter(
            pk__in=[a.parent_id for a in agencies.values() if a.parent_id]
        ).values_list("pk", "name")
    )
    contacts: list[ContactRow] = []
    for agency in agencies.values():
        before = earlier.get(agency.pk)
        phone = by_agency.get(agency.pk, before.phone if before else agency.phone)
        # The same number written another way changes nothing, as for the agency.
        if (
            before is not None
            and phone
            and phone != before.phone
            and _number(phone, table.jurisdiction) == (before.phone_e164, before.phone_extension)
        ):
            phone = before.phone
        contacts.append(
            ContactRow(
                agency=agency,
                label=agency.label,
                name=agency.name,
                parent_name=parents.get(agency.parent_id, "") if agency.parent_id else "",
                phone=phone,
            )
        )
    return contacts


@transaction.atomic
def apply_division(
    *, parsed: DivisionImport, target: DivisionTarget, actor: Actor
) -> DivisionTable:
    """Write a parsed division table as version ``target.version``; tasks not in it are removed.

    A new version is a **draft** until it is published (``guankao division publish``); a
    published version is history and an import that would change it is refused. Agencies are
    matched by label (new ones are created), unknown service areas become local ones, and the
    version keeps the names and phones it prints (its contacts): a phone the file gives is the
    version's, and the agency's current one when it is another number (the same number written
    another way changes nothing). Older versions keep theirs. Raises ImportFailed.
    """
    if parsed.errors:
        raise ImportFailed(str(parsed.errors[0]))
    jurisdiction = Jurisdiction.objects.filter(slug=target.jurisdiction_slug).first()
    # Second line behind the views: a new jurisdiction is for administrators only.
    ensure_can(actor, Action.DATA_EDIT, jurisdiction or Scope(None))
    if jurisdiction is None:
        with _at(target.jurisdiction_slug):
            jurisdiction = jurisdiction_upsert(
                slug=target.jurisdiction_slug,
                name=target.jurisdiction_name,
                area_code=parsed.area_code,
                actor=actor,
            )
    areas = _areas(parsed, actor)
    agencies = _agencies(parsed, jurisdiction, actor)
    with _at(target.jurisdiction_slug):
        table = division_table_upsert(
            jurisdiction=jurisdiction,
            version=target.version,
            title=_title(parsed, jurisdiction, target.version),
            actor=actor,
        )
    tasks: list[TaskRow] = []
    for position, task in enumerate(parsed.tasks, start=1):
        co_leads: list[Agency] = []
        for label in task.co_leads:
            co_lead = agencies.get(label) or match_agency(jurisdiction, label)
            if co_lead is None:
                raise ImportFailed(
                    _("%(where)s：找不到共同主辦單位「%(label)s」。")
                    % {"where": task.where, "label": label}
                )
            co_leads.append(co_lead)
        tasks.append(
            TaskRow(
                agencies[task.agency],
                task.number,
                task.numbered,
                areas[task.area],
                task.text,
                position,
                tuple(co_leads),
                audience=task.audience,  # None: the task's own, or the rule's for a new one
            )
        )
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with _at(str(target)):  # a new task that breaks a rule: tasks_create does not say which
        # The contacts first, so that the tasks find what their version prints.
        table_contacts_replace(
            table=table, contacts=_contacts(parsed, table, tasks, agencies), actor=actor
        )
        try:
            table_tasks_replace(table=table, tasks=tasks, actor=actor)
        except TaskRowInvalid as problem:
            where = parsed.tasks[problem.index].where
            raise ImportFailed(f"{where}：{'；'.join(problem.messages)}") from None
    if not table.is_draft and AuditEntry.objects.filter(pk__gt=last).exists():
        # The same file again changes nothing and is fine; anything else would rewrite history.
        try:
            check_draft(table)
        except GuankaoError as refused:
            raise ImportFailed(str(refused)) from None
    return table


@transaction.atomic
def apply_performance(
    *, parsed: PerformanceImport, target: PerformanceTarget, actor: Actor
) -> list[Plan]:
    """Write parsed plans as the department's plans of the year; plans not in it are removed."""
    if parsed.errors:
        raise ImportFailed(str(parsed.errors[0]))
    ensure_can(actor, Action.DATA_EDIT, target.department)
    year = from_roc_year(target.roc_year)
    # The performance app's rule: a final or published year refuses a row that would change
    # it (plans_replace raises ReportLocked); the same rows again change nothing.
    try:
        plans = plans_replace(
            department=target.department, year=year, plans=parsed.plans, actor=actor
        )
    except PlanRowInvalid as problem:
        bad_plan = next(r for r in parsed.plans if r.number == problem.plan)
        bad = next((i for i in bad_plan.indicators if i.number == problem.indicator), bad_plan)
        raise ImportFailed(f"{bad.where}：{'；'.join(problem.messages)}") from None
    # The year's report exists from now on (a draft), for the report pages and commands.
    report_ensure(department=target.department, year=year, actor=actor)
    return plans


def read_division(path: Path, *, filename: str, target: DivisionTarget) -> DivisionImport:
    """Read and parse a division-table file for ``target`` (nothing is written)."""
    jurisdiction = Jurisdiction.objects.filter(slug=target.jurisdiction_slug).first()
    return parse_division(
        read_grids(path, filename),
        filename=filename,
        area_code=jurisdiction.area_code if jurisdiction else None,
    )


def read_performance(path: Path, *, filename: str) -> PerformanceImport:
    """Read and parse a performance-report file (nothing is written)."""
    return parse_performance(read_grids(path, filename), filename=filename)


def _outcome(
    *,
    kind: str,
    filename: str,
    target: DivisionTarget | PerformanceTarget,
    columns: tuple[object, ...],
    rows: list[PreviewRow],
    parsed: DivisionImport | PerformanceImport,
    apply: Callable[[], object],
    save: bool,
    expected_digest: str | None,
    compared: list[TableDiff] | None = None,
) -> Preview:
    issues = list(parsed.issues)
    changes: tuple[Change, ...] = ()
    saved = save and not parsed.errors
    if saved:
        with transaction.atomic():
            with recording() as recorded:
                apply()
            changes = tuple(recorded)
            if expected_digest is not None and changes_digest(changes) != expected_digest:
                raise ImportStale(_("預覽之後資料已有變動，請重新檢視預覽後再儲存。"))
    elif not parsed.errors:
        try:
            changes = dry_run(apply)
        except GuankaoError as failure:  # refused by a service: shown with the rows read
            issues.append(error(str(failure)))
    return Preview(
        kind=kind,
        filename=filename,
        target=str(target),
        columns=tuple(str(c) for c in columns),
        rows=tuple(rows),
        issues=tuple(issues),
        changes=changes,
        rows_read=parsed.rows_read,
        saved=saved,
        diff=compared[-1] if compared else None,
    )


def division_import(
    *,
    path: Path,
    filename: str,
    target: DivisionTarget,
    actor: Actor,
    save: bool = False,
    expected_digest: str | None = None,
) -> Preview:
    """Read a division-table file and preview it, or save it (one transaction).

    A file with errors is never saved: the preview comes back with ``saved`` false. Raises
    FileRejected for a file that cannot be read, ImportFailed when the save is refused.
    """
    parsed = read_division(path, filename=filename, target=target)
    compared: list[TableDiff] = []

    def apply_and_compare() -> DivisionTable:
        table = apply_division(parsed=parsed, target=target, actor=actor)
        # Read before the preview's rollback: the real differences from the public version.
        previous = table.previous_published()
        if previous is not None:
            compared.append(diff_tables(previous, table))
        return table

    return _outcome(
        kind="division",
        filename=filename,
        target=target,
        columns=DIVISION_COLUMNS,
        rows=division_rows(parsed),
        parsed=parsed,
        apply=apply_and_compare,
        save=save,
        expected_digest=expected_digest,
        compared=compared,
    )


def performance_import(
    *,
    path: Path,
    filename: str,
    target: PerformanceTarget,
    actor: Actor,
    save: bool = False,
    expected_digest: str | None = None,
) -> Preview:
    """Read a performance-report file and preview it, or save it (one transaction)."""
    parsed = read_performance(path, filename=filename)
    return _outcome(
        kind="performance",
        filename=filename,
        target=target,
        columns=PERFORMANCE_COLUMNS,
        rows=performance_rows(parsed),
        parsed=parsed,
        apply=lambda: apply_performance(parsed=parsed, target=target, actor=actor),
        save=save,
        expected_digest=expected_digest,
    )
