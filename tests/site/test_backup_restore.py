"""``guankao backup`` and ``guankao restore`` on the real command line: the demo data (and one
attachment) backed up from one SQLite file and restored into another comes back whole, and each
refusal leaves the target as it was (decision 0058). The attachment lives in the database
(decision 0083), a file left in MEDIA_ROOT is kept too."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from guankao.performance.document import FORMATS
from guankao.site.backup import (
    DUMP,
    MANIFEST,
    MEDIA,
    code_migration_state,
    content_digest,
    dumped_models,
)

pytestmark = pytest.mark.slow

LEFT_ON_DISK = b"a file from before decision 0083, still in MEDIA_ROOT"
GUANKAO = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "guankao")
ATTACHMENT = b"%PDF-1.4\n% a scanned letter\n" + bytes(range(256)) * 40

# One process each, to keep the test short: the demo and an attachment; the renders.
LOAD_DEMO_AND_ATTACHMENT = f"""
import hashlib
from django.core.files.base import ContentFile
from django.core.management import call_command
from guankao.cycles.models import Attachment, TaskEntry
call_command("demo", verbosity=0)
data = {ATTACHMENT!r}
entry = TaskEntry.objects.order_by("pk").first()
a = Attachment(entry=entry, original_name="成果.pdf", content_type="application/pdf",
               size=len(data), sha256=hashlib.sha256(data).hexdigest())
a.file.save("成果.pdf", ContentFile(data), save=False)
a.save()
"""

RENDER_ALL = """
import json
from guankao.core.selectors import audit_chain_break
from guankao.performance.document import FORMATS, render
from guankao.performance.models import PerformanceReport
from guankao.performance.selectors import report_data
count, broken = audit_chain_break()
out = {"audit": [count, broken is None], "reports": {}}
for report in PerformanceReport.public_objects.order_by("pk"):
    data = report_data(report)
    out["reports"][str(report.pk)] = {f: render(data, f).hex() for f in FORMATS}
print(json.dumps(out))
"""

READ_ATTACHMENTS = """
import json
from guankao.cycles.models import Attachment
print(json.dumps({a.file.name: a.file.open("rb").read().hex() for a in Attachment.objects.all()}))
"""


@dataclass
class Site:
    """One installation: its own SQLite file and MEDIA_ROOT."""

    home: Path
    rendered: tuple[list[Any], dict[str, dict[str, bytes]]] | None = None

    @property
    def database(self) -> Path:
        return self.home / "guankao.sqlite3"

    @property
    def media(self) -> Path:
        return self.home / "media"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "guankao.settings",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "SECRET_KEY": "backup-test-key",
            "MEDIA_ROOT": str(self.media),
            "GUANKAO_HOME": str(self.home),
        }
        return subprocess.run(
            [GUANKAO, *args], capture_output=True, text=True, env=env, cwd=self.home, check=False
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.database) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            return {
                model._meta.label_lower: db.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608
                ).fetchone()[0]
                for model in dumped_models()
                if model._meta.db_table in tables
            }

    def head(self) -> tuple[int, str]:
        with sqlite3.connect(self.database) as db:
            row = db.execute("SELECT sequence, digest FROM core_auditchainhead").fetchone()
            return int(row[0]), str(row[1])

    def renders(self) -> tuple[list[Any], dict[str, dict[str, bytes]]]:
        """The audit chain's (count, intact) and every published report in every format."""
        out = json.loads(self.ok("shell", "-c", RENDER_ALL).strip().splitlines()[-1])
        reports = {
            pk: {f: bytes.fromhex(h) for f, h in formats.items()}
            for pk, formats in out["reports"].items()
        }
        return out["audit"], reports

    def attachments(self) -> dict[str, bytes]:
        """Every attachment's content, read through the app's storage."""
        out = json.loads(self.ok("shell", "-c", READ_ATTACHMENTS).strip().splitlines()[-1])
        return {name: bytes.fromhex(data) for name, data in out.items()}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = Site(tmp_path_factory.mktemp("source"))
    site.ok("shell", "-c", LOAD_DEMO_AND_ATTACHMENT)
    (site.media / "legacy").mkdir(parents=True)
    (site.media / "legacy" / "old.txt").write_bytes(LEFT_ON_DISK)
    site.rendered = site.renders()
    return site


@pytest.fixture(scope="module")
def made(source: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("backups") / "nightly"
    stdout = source.ok("backup", "-o", str(output))
    assert "備份完成" in stdout.splitlines()[-1]
    return output


def _fresh(tmp_path: Path, name: str) -> Site:
    home = tmp_path / name
    home.mkdir()
    return Site(home)


def _manifest(backup: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def test_backup_holds_dump_files_and_manifest(source: Site, made: Path) -> None:
    manifest = _manifest(made)
    assert manifest["database_vendor"] == "sqlite"
    assert manifest["rows"] == source.counts()
    assert manifest["audit_chain_head"] == dict(
        zip(("sequence", "digest"), source.head(), strict=True)
    )
    assert manifest["migrations"] == code_migration_state()
    assert set(manifest["files"]) == {
        p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file()
    } - {MANIFEST}
    assert DUMP in manifest["files"]
    # the attachment is a row of the dump, listed with its digest; the disk held only the old file
    [(name, digest)] = manifest["stored_files"].items()
    assert name.startswith("cycles/") and digest == hashlib.sha256(ATTACHMENT).hexdigest()
    assert [n for n in manifest["files"] if n.startswith(f"{MEDIA}/")] == [
        f"{MEDIA}/legacy/old.txt"
    ]
    for name, digest in manifest["files"].items():
        assert _sha(made / name) == digest
    [report] = manifest["reports"].values()
    assert set(report) == set(FORMATS)
    assert not list(made.parent.glob("*.tmp-*"))


def test_restore_brings_everything_back(source: Site, made: Path, tmp_path: Path) -> None:
    target = _fresh(tmp_path, "target")
    result = target.run("restore", str(made))
    assert result.returncode == 0, result.stderr
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("還原完成：") and "秒" in summary

    assert target.counts() == source.counts()
    assert target.head() == source.head()
    assert source.rendered is not None
    (count_before, intact_before), before = source.rendered
    (count_after, intact_after), after = target.renders()
    assert intact_before and intact_after and count_after == count_before == target.head()[0]
    assert before.keys() == after.keys() and before
    for pk, formats in before.items():
        for name in FORMATS:
            # every format byte-identical (the renderers record no render time)
            assert formats[name] == after[pk][name], name
            assert content_digest(formats[name]) == content_digest(after[pk][name]), name

    [(name, content)] = target.attachments().items()
    assert name.startswith("cycles/") and content == ATTACHMENT
    assert source.attachments() == {name: ATTACHMENT}
    assert (target.media / "legacy" / "old.txt").read_bytes() == LEFT_ON_DISK
    assert [p for p in target.media.rglob("*") if p.is_file()] == [target.media / "legacy/old.txt"]


def test_restore_refuses_a_database_that_is_not_empty(source: Site, made: Path) -> None:
    before = _sha(source.database)
    result = source.run("restore", str(made))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "資料庫不是空的：" in line and "core.jurisdiction" in line
    assert _sha(source.database) == before


def test_backup_refuses_an_existing_directory(source: Site, made: Path) -> None:
    result = source.run("backup", "-o", str(made))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "已存在" in line
    assert not list(made.parent.glob("*.tmp-*"))


def test_restore_refuses_a_tampered_file(made: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(made, copy)
    [attachment] = [p for p in (copy / MEDIA).rglob("*") if p.is_file()]
    attachment.write_bytes(attachment.read_bytes() + b"!")
    _refused_untouched(copy, attachment, tmp_path)


def test_restore_refuses_a_tampered_dump(made: Path, tmp_path: Path) -> None:
    """The dump holds the attachments now: a changed byte in it is refused like a changed file."""
    copy = tmp_path / "tampered"
    shutil.copytree(made, copy)
    dump = copy / DUMP
    dump.write_bytes(dump.read_bytes() + b"\0")
    _refused_untouched(copy, dump, tmp_path)


def _refused_untouched(copy: Path, changed: Path, tmp_path: Path) -> None:
    """The restore of ``copy``, whose file ``changed`` was altered, is refused naming it, and
    leaves no data and no files."""
    target = _fresh(tmp_path, "target")
    result = target.run("restore", str(copy))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert changed.relative_to(copy).as_posix() in line
    assert not target.database.exists() or target.counts().get("core.jurisdiction", 0) == 0
    assert not target.media.exists()


def test_restore_rolls_back_when_a_stored_file_differs(made: Path, tmp_path: Path) -> None:
    """An attachment changed inside the dump (and the dump's digest updated to match) is caught
    by the stored files' digests, and the restore is rolled back."""
    copy = tmp_path / "edited"
    shutil.copytree(made, copy)
    rows = json.loads(gzip.decompress((copy / DUMP).read_bytes()))
    [row] = [row for row in rows if row["model"] == "core.storedfile"]
    other = ATTACHMENT + b"!"
    row["fields"]["content"] = base64.b64encode(other).decode()
    (copy / DUMP).write_bytes(gzip.compress(json.dumps(rows, ensure_ascii=False).encode()))
    manifest = _manifest(copy)
    manifest["files"][DUMP] = _sha(copy / DUMP)
    (copy / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    target = _fresh(tmp_path, "target")
    result = target.run("restore", str(copy))
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert row["fields"]["name"] in line and "上傳檔案" in line
    assert target.counts()["core.storedfile"] == 0
    assert target.counts()["cycles.attachment"] == 0


def test_restore_rolls_back_when_a_report_differs(made: Path, tmp_path: Path) -> None:
    copy = tmp_path / "edited"
    shutil.copytree(made, copy)
    manifest = _manifest(copy)
    [key] = manifest["reports"]
    manifest["reports"][key]["odt"] = "0" * 64
    (copy / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    target = _fresh(tmp_path, "target")
    result = target.run("restore", str(copy))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert key in line and "odt" in line
    counts = target.counts()
    assert counts["core.jurisdiction"] == 0  # migrated, and nothing else
    assert not {label: n for label, n in counts.items() if n and label != "core.auditchainhead"}
    assert target.head()[0] == 0
    assert not [p for p in target.media.rglob("*") if p.is_file()]
