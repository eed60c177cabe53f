"""The printable division table (分工表) as a plain report model, read from the database.

``guankao report division`` renders it through the documents framework
(``guankao.directory.division_document``); renderers never query the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency
from guankao.divisions.models import AgencyContact, DivisionTable, Task
from guankao.divisions.rows import ContactRow
from guankao.tw import YearMonth, parse_roc_date


@dataclass(frozen=True)
class TaskRow:
    area: str
    number: int
    numbered: bool
    text: str
    co_leads: tuple[str, ...]

    @property
    def printed(self) -> str:
        """The 業務內容 cell as the table prints it: 「1.辦理…」, or the bare text when unnumbered."""
        return f"{self.number}.{self.text}" if self.numbered else self.text


@dataclass(frozen=True)
class AgencyBlock:
    label: str  # as the table writes it (觀銷處新聞科)
    lines: tuple[str, ...]  # the 主辦單位 cell: name lines, then the phone
    phone: str
    tasks: tuple[TaskRow, ...]


@dataclass(frozen=True)
class DivisionReport:
    jurisdiction_slug: str
    jurisdiction_name: str
    title: str
    version: str
    agencies: tuple[AgencyBlock, ...]


def division_report(*, jurisdiction_slug: str, version: str | None = None) -> DivisionReport:
    """The table ``version`` (ROC ``112.7``, a draft too; default: the one in force) of a
    jurisdiction, with the names and phones that version prints (its contacts).

    Raises ``GuankaoError`` for an unknown jurisdiction or version.
    """
    tables = DivisionTable.objects.for_jurisdiction(jurisdiction_slug).select_related(
        "jurisdiction"
    )
    if version:
        try:
            month = parse_roc_date(version)
        except ValueError:
            month = None
        if not isinstance(month, YearMonth):
            raise GuankaoError(_("版本須寫成民國年.月，例如 112.7：%(v)s") % {"v": version[:20]})
        table = tables.filter(effective_month=DivisionTable.month_of(month)).first()
    else:
        table = tables.in_force(timezone.localdate())
    if table is None:
        raise GuankaoError(
            _("找不到 %(j)s 的分工表 %(v)s") % {"j": jurisdiction_slug[:40], "v": version or ""}
        )
    contacts = {c.agency_id: c for c in AgencyContact.objects.of_table(table)}

    def printed(agency: Agency) -> AgencyContact:
        # A task written around the services (the admin) may name an agency the version has
        # no contact for: its current values, read the same way.
        found = contacts.get(agency.pk)
        if found is None:
            found = AgencyContact(
                table=table, agency=agency, **_current(ContactRow.of_agency(agency), agency)
            )
        return found

    blocks: list[AgencyBlock] = []
    rows: list[TaskRow] = []
    current: Agency | None = None
    for task in Task.objects.filter(table=table).with_related().in_table_order():
        if current is not None and task.agency_id != current.pk:
            blocks.append(_block(printed(current), rows))
            rows = []
        current = task.agency
        rows.append(
            TaskRow(
                area=task.area.name,
                number=task.number,
                numbered=task.numbered,
                text=task.text,
                co_leads=tuple(sorted(printed(a).label for a in task.co_leads.all())),
            )
        )
    if current is not None:
        blocks.append(_block(printed(current), rows))
    return DivisionReport(
        jurisdiction_slug=table.jurisdiction.slug,
        jurisdiction_name=table.jurisdiction.name,
        title=table.title,
        version=table.version,
        agencies=tuple(blocks),
    )


def _current(row: ContactRow, agency: Agency) -> dict[str, str]:
    return {
        "label": row.label,
        "name": row.name,
        "parent_name": row.parent_name,
        "phone": agency.phone,
        "phone_e164": agency.phone_e164,
        "phone_extension": agency.phone_extension,
    }


def _block(contact: AgencyContact, rows: list[TaskRow]) -> AgencyBlock:
    names = (contact.parent_name, contact.name) if contact.parent_name else (contact.name,)
    lines = (*names, contact.phone) if contact.phone else names
    return AgencyBlock(contact.label, lines, contact.phone, tuple(rows))
