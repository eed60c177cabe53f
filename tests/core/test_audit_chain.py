"""The audit log is tamper-evident: database triggers refuse changes, and a hash chain shows any
change made around them; ``guankao audit verify`` names the first broken entry."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from guankao.core.audit_chain import GENESIS, digest_of
from guankao.core.models import AuditChainHead, AuditEntry, Jurisdiction
from guankao.core.selectors import audit_chain_break
from guankao.core.services import audit_record, create_many
from tests.conftest import rolled_back_at_the_end

pytestmark = pytest.mark.django_db

GUANKAO = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "guankao")


@pytest.fixture(scope="module")
def demo_command_once(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """``guankao demo`` run once for the module (rolled back at its end): the sample period has
    kept revisions."""
    with rolled_back_at_the_end(django_db_blocker):
        call_command("demo", verbosity=0)
        yield


def _entry(n: int) -> AuditEntry:
    return AuditEntry.objects.get(sequence=n)


@contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """What someone with direct database access could do: switch the guard off (rolled back with
    the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for event in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER {table}_append_only_{event}")
    yield


def test_the_demo_log_is_one_unbroken_chain() -> None:
    count, found = audit_chain_break()
    assert (count > 800, found) == (True, None)
    first = _entry(1)
    assert first.previous_digest == GENESIS
    assert _entry(2).previous_digest == first.digest == digest_of(first)
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.digest) == (count, _entry(count).digest)


def test_every_way_of_writing_links_the_entry() -> None:
    before = AuditChainHead.objects.get().sequence
    keelung = Jurisdiction.objects.get(slug="keelung")
    audit_record(actor=None, action="test", obj=keelung, after={"n": 1.0, "list": ["a", 2]})
    create_many(
        instances=[Jurisdiction(slug=f"j{n}", name=f"測試縣{n}", area_code="02") for n in range(3)],
        actor=None,
        related=[],
    )
    AuditEntry.objects.create(action="plain", object_type="core.jurisdiction")
    assert AuditChainHead.objects.get().sequence == before + 5
    assert audit_chain_break()[1] is None


def test_the_application_cannot_change_or_delete_entries() -> None:
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(sequence=1).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(sequence=1).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditentry SET action = 'x' WHERE sequence = 3",
        "DELETE FROM core_auditentry WHERE sequence = 3",
        "UPDATE cycles_submissionrevision SET action = 'x'",
        "DELETE FROM cycles_submissionrevision",
    ],
)
@pytest.mark.usefixtures("demo_command_once")
def test_the_database_refuses_raw_changes(statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert _entry(3).action != "x"


def test_a_changed_entry_is_named() -> None:
    with triggers_off("core_auditentry"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = '偽造' WHERE sequence = 7")
    found = audit_chain_break()[1]
    assert found is not None
    assert (found.sequence, found.pk, found.reason) == (7, _entry(7).pk, "內容遭到更動")
    with pytest.raises(CommandError, match=r"第 7 筆（編號 \d+）內容遭到更動") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


def test_a_removed_entry_is_named() -> None:
    with triggers_off("core_auditentry"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence = 12")
    found = audit_chain_break()[1]
    assert found is not None and (found.sequence, found.reason) == (12, "第 12 筆不見了")


def test_cut_off_newest_entries_are_noticed() -> None:
    last = AuditChainHead.objects.get().sequence
    with triggers_off("core_auditentry"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence > %s", [last - 2])
    found = audit_chain_break()[1]
    assert found is not None
    assert found.reason == f"雜湊鏈末端記到第 {last} 筆，紀錄只到第 {last - 2} 筆"


def test_an_entry_written_around_the_service_is_noticed() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (created_at, actor_label, action, object_type, "
            "object_id, object_repr, previous_digest, digest) "
            "VALUES (%s, 'x', 'forged', 'core.agency', '1', '', '', '')",
            ["2026-01-01T00:00:00+00:00"],
        )
    found = audit_chain_break()[1]
    assert found is not None and found.reason == "未串入雜湊鏈：繞過稽核服務寫入"


def test_flush_empties_the_log_and_the_chain_starts_again() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert (AuditEntry.objects.count(), AuditChainHead.objects.count()) == (0, 0)
    assert audit_chain_break() == (0, None)
    audit_record(actor=None, action="test", obj=Jurisdiction.objects.create(slug="x", name="x"))
    assert _entry(1).previous_digest == GENESIS


def test_verify_on_the_command_line(tmp_path: Path) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("稽核紀錄完整：共 ")
    result = subprocess.run(
        [GUANKAO, "audit"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 2 and "verify" in result.stderr
