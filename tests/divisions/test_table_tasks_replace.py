"""table_tasks_replace, the one writer of a table version's tasks that the seed data file and
the import share: the same rows and audit entries from both, nothing written the second time,
tasks no longer listed deleted, and a refused change naming its row."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Agency, AuditEntry
from guankao.directory.models import ContentTranslation
from guankao.divisions.datafile import load_division_file, parse_division_file
from guankao.divisions.exceptions import TaskRowInvalid
from guankao.divisions.models import DivisionTable, ServiceArea, Task
from guankao.divisions.rows import TaskRow
from guankao.divisions.services import division_table_upsert, table_tasks_replace
from guankao.imports.division import DivisionImport, ParsedAgency, ParsedTask
from guankao.imports.services import apply_division, division_target
from guankao.tw import YearMonth
from tests.core.test_data_files import KEELUNG, SEEDS, broken_copy

pytestmark = pytest.mark.django_db

SEED = SEEDS / KEELUNG


def table_of(version: str) -> DivisionTable:
    year, month = version.split(".")
    return DivisionTable.objects.get(
        jurisdiction__slug="keelung", effective_month=f"{int(year) + 1911}-{int(month):02}-01"
    )


def written(table: DivisionTable) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The tasks of ``table`` and their audit entries, without keys or times."""
    tasks = table.tasks.with_related().order_by("position")
    rows = [
        (t.agency.label, t.number, t.numbered, t.area.name, t.text, t.position,
         sorted(a.label for a in t.co_leads.all()))
        for t in tasks
    ]  # fmt: skip
    labels = dict(Agency.objects.values_list("pk", "label"))
    ids = [str(pk) for pk in tasks.values_list("pk", flat=True)]
    entries = sorted(
        (
            e.action,
            e.object_repr,
            e.before,
            {"co_leads": sorted(labels[pk] for pk in (e.after or {})["co_leads"])}
            if e.action == "set_co_leads"
            else e.after,
        )
        for e in AuditEntry.objects.filter(object_type="divisions.task", object_id__in=ids)
    )
    return rows, entries


def as_parsed() -> DivisionImport:
    """The seed's tasks as an import reads them: agencies by label, each at a made-up cell."""
    parsed = parse_division_file(SEED)
    labels = {agency.slug: agency.label for agency in parsed.agencies}
    tasks = tuple(
        ParsedTask(
            **vars(task)
            | {
                "where": f"表!B{n}",
                "agency": labels[task.agency],
                "co_leads": tuple(labels[slug] for slug in task.co_leads),
            },
            row=str(n),
        )
        for n, task in enumerate((t for a in parsed.agencies for t in a.tasks), start=2)
    )
    agencies = tuple(ParsedAgency(label, "", "表!C2") for label in labels.values())
    return DivisionImport("表.xlsx", parsed.title, "02", agencies, tasks, (), len(tasks))


def seed_rows(table: DivisionTable) -> list[TaskRow]:
    """The rows of a loaded table, to give table_tasks_replace again."""
    return [
        TaskRow(t.agency, t.number, t.numbered, t.area, t.text, t.position, tuple(t.co_leads.all()))
        for t in table.tasks.with_related().order_by("position")
    ]


def test_the_seed_file_and_the_import_write_the_same_rows_and_entries(tmp_path: Path) -> None:
    as_113_1 = broken_copy(tmp_path, KEELUNG, lambda data: data["table"].update(version="113.1"))
    load_division_file(path=as_113_1, actor=None)
    target = division_target(jurisdiction="keelung", version="113.2")
    apply_division(parsed=as_parsed(), target=target, actor=None)
    from_file, imported = written(table_of("113.1")), written(table_of("113.2"))
    assert len(from_file[0]) == 53
    assert [action for action, *_ in from_file[1]].count("set_co_leads") > 0
    assert from_file == imported
    # And the same tasks as the seed the demo loaded.
    assert from_file[0] == written(table_of("112.7"))[0]


def test_the_same_rows_again_write_nothing_in_two_reads() -> None:
    table = table_of("112.7")
    rows = seed_rows(table)
    entries = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        tasks = table_tasks_replace(table=table, tasks=rows, actor=None)
    assert AuditEntry.objects.count() == entries
    assert [t.pk for t in tasks] == [t.pk for t in table.tasks.order_by("position")]
    assert len(queries) == 4, [q["sql"] for q in queries]  # savepoint, 2 reads, release


def test_tasks_no_longer_listed_are_deleted_and_changes_audited() -> None:
    table = table_of("112.7")
    first, second, third, *rest = seed_rows(table)
    changed = dataclasses.replace(second, text="改過的文字。", co_leads=(third.agency,))
    last = AuditEntry.objects.order_by("pk").last()
    tasks = table_tasks_replace(table=table, tasks=[changed, third, *rest], actor=None)
    new = AuditEntry.objects.filter(pk__gt=last.pk if last else 0).order_by("pk")
    # The changed text keeps its translations, copied to the new text as outdated (0065).
    translated = ContentTranslation.objects.filter(kind="task", source=second.text).count()
    assert translated > 0
    assert [e.action for e in new] == [
        "update",
        "set_co_leads",
        *["outdate"] * translated,
        "delete",
    ]
    assert not Task.objects.filter(table=table, agency=first.agency, number=first.number).exists()
    assert Task.objects.filter(table=table).count() == 2 + len(rest)
    assert tasks[0].text == "改過的文字。" and list(tasks[0].co_leads.all()) == [third.agency]


def test_new_tasks_are_added_in_bulk_to_an_empty_table() -> None:
    keelung = table_of("112.7").jurisdiction
    rows = seed_rows(table_of("112.7"))
    counts = []
    for month, sample in ((1, [r for r in rows if r.co_leads][:2]), (2, rows)):
        table = division_table_upsert(
            jurisdiction=keelung, version=YearMonth(2031, month), title="測試", actor=None
        )
        with CaptureQueriesContext(connection) as queries:
            table_tasks_replace(table=table, tasks=sample, actor=None)
        assert Task.objects.filter(table=table).count() == len(sample)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_refused_change_names_its_row_and_writes_nothing() -> None:
    table = table_of("112.7")
    rows = seed_rows(table)
    other = ServiceArea.objects.exclude(pk=rows[3].area.pk).first()
    assert other is not None
    rows[3] = dataclasses.replace(rows[3], area=other)  # a valid change, undone below
    rows[4] = dataclasses.replace(rows[4], text="")
    entries = AuditEntry.objects.count()
    with pytest.raises(TaskRowInvalid) as raised:
        table_tasks_replace(table=table, tasks=rows, actor=None)
    assert raised.value.index == 4
    assert AuditEntry.objects.count() == entries
    assert Task.objects.get(pk=table.tasks.order_by("position")[3].pk).area != other
