"""Backup and restore (issue 13, decision 0058): the whole database as a Django fixture, the
uploaded files, and a manifest that lets a restore prove it brought everything back.

A backup is a directory::

    manifest.json        what the backup holds and the SHA-256 of every other file in it
    database.json.gz     every row of every app (Django's JSON fixture format, gzip)
    media/…              a copy of MEDIA_ROOT, if it holds anything

Uploaded files (cycle attachments, import previews) live in the database since decision 0083
(``core.StoredFile`` rows), so the dump holds them; the manifest lists each one's SHA-256 and
a restore compares them. ``media/`` keeps what an installation still has on disk (a file system
storage, or files not yet moved with ``guankao store_media``).

The dump is database-independent: a backup of SQLite restores into PostgreSQL and back. Its
datetimes keep their microseconds (Django's own JSON encoder cuts them to milliseconds, which
would break every digest of the audit chain). Rows keep their primary keys, so the audit
entries that name an actor or an object by id still match. Content types and permissions are
left out (``migrate`` creates them; rows that point at them do so by natural key), and so are
sessions (nobody stays signed in across a restore).

The manifest also holds the digest of every published performance report in every format, and
a restore renders them again and compares: the data came back when the documents come out
byte for byte the same. No format records the moment it was rendered (the PDF has no date, the
packages' file dates are fixed and their creation dates left out), so the digest is the
SHA-256 of the file.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import importlib.metadata
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import AuditChainHead, StoredFile
from guankao.core.selectors import audit_chain_break
from guankao.performance.document import FORMATS, render
from guankao.performance.models import PerformanceReport
from guankao.performance.selectors import report_data
from guankao.tw import to_roc_year

FORMAT = "guankao-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.json.gz"
MEDIA = "media"
# Recreated by ``migrate`` (content types, permissions) or not worth keeping (sessions).
LEFT_OUT = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
# The one row ``migrate`` itself writes (the chain head at 0); it does not make a database full.
MIGRATE_WRITES = frozenset({"core.auditchainhead"})

Progress = Callable[[str], None]


class BackupRefused(GuankaoError):
    """Nothing was done: the output exists, the database is not empty, the backup was changed."""


class RestoreMismatch(GuankaoError):
    """The restored data does not give back what the backup recorded; it was rolled back."""


# --- what is dumped ------------------------------------------------------------------------


def dumped_models() -> list[type[models.Model]]:
    """Every concrete model of every app, in an order in which each row's references load
    before it (Django's ``dumpdata`` order with natural foreign keys)."""
    app_list: dict[Any, list[type[models.Model]]] = {}
    for config in apps.get_app_configs():
        chosen = [
            model
            for model in config.get_models()
            if model._meta.label_lower not in LEFT_OUT
            and not model._meta.proxy
            and model._meta.managed
        ]
        if chosen:
            app_list[config] = chosen
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


class ExactEncoder(DjangoJSONEncoder):
    """Django's fixture encoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- report digests ------------------------------------------------------------------------


def content_digest(data: bytes) -> str:
    """The SHA-256 of a rendered document. Every format renders the same data to the same
    bytes (``documents/render/reproducible.py``), so this is the file's own digest."""
    return hashlib.sha256(data).hexdigest()


def report_digests() -> dict[str, dict[str, str]]:
    """``{"<department>/<ROC year>": {format: content digest}}`` of every published report."""
    reports = PerformanceReport.public_objects.select_related("department__jurisdiction").order_by(
        "department__slug", "year"
    )
    result: dict[str, dict[str, str]] = {}
    for report in reports:
        data = report_data(report)
        key = f"{report.department.slug}/{to_roc_year(report.year)}"
        result[key] = {name: content_digest(render(data, name)) for name in FORMATS}
    return result


# --- state of a database -------------------------------------------------------------------


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    latest: dict[str, str] = {}
    for app_label, name in applied:
        if name > latest.get(app_label, ""):
            latest[app_label] = name
    return dict(sorted(latest.items()))


def code_migration_state() -> dict[str, str]:
    """The latest migration of each app in this version's code."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return dict(sorted(loader.graph.leaf_nodes()))


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per dumped model (a model whose table does not exist yet counts 0)."""
    tables = set(connections[using].introspection.table_names())
    return {
        model._meta.label_lower: (
            model._base_manager.using(using).count() if model._meta.db_table in tables else 0
        )
        for model in dumped_models()
    }


def audit_head(using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The chain head as ``{"sequence", "digest"}``; empty when there is none (or no table)."""
    if AuditChainHead._meta.db_table not in connections[using].introspection.table_names():
        return {}
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    return {"sequence": head.sequence, "digest": head.digest} if head else {}


def stored_file_digests(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """``{name: SHA-256}`` of every file kept in the database, computed from its content (so a
    row whose content no longer matches its recorded digest shows up as different)."""
    if StoredFile._meta.db_table not in connections[using].introspection.table_names():
        return {}
    rows = StoredFile.objects.using(using).order_by("name").values_list("name", "content")
    return {name: hashlib.sha256(content).hexdigest() for name, content in rows.iterator(100)}


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path) -> Iterator[Path]:
    """The regular files under ``root``, in a stable order (none when it does not exist)."""
    if root.is_dir():
        yield from sorted(path for path in root.rglob("*") if path.is_file())


# --- backup --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupResult:
    directory: Path
    rows: int
    files: int
    bytes: int
    seconds: float


def _dump(path: Path, using: str, progress: Progress) -> dict[str, int]:
    counts: dict[str, int] = {}

    tables = set(connections[using].introspection.table_names())

    def rows() -> Iterator[models.Model]:
        for model in dumped_models():
            if model._meta.db_table not in tables:
                continue  # a model whose migration is not applied has no rows to keep
            label = model._meta.label_lower
            counts[label] = 0
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            for row in queryset.iterator(chunk_size=2000):
                counts[label] += 1
                yield row
            if counts[label]:
                progress(f"  {label}：{counts[label]} 筆")

    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as stream:
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            cls=ExactEncoder,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
        )
    return counts


def backup(output: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress) -> BackupResult:
    """Write a backup into the new directory ``output``; raise :class:`BackupRefused` if it
    exists and is not empty. Written into a sibling ``.tmp-`` directory and renamed at the end,
    so a failure leaves nothing half-written."""
    started = time.monotonic()
    output = output.absolute()
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupRefused(_("輸出目錄已存在且不是空的：%(path)s") % {"path": output})
    if not output.parent.is_dir():
        raise BackupRefused(_("上層目錄不存在：%(path)s") % {"path": output.parent})
    work = output.with_name(f"{output.name}.tmp-{secrets.token_hex(4)}")
    work.mkdir()
    try:
        connection = connections[using]
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":  # one snapshot for every table
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            progress(_("匯出資料庫…"))
            counts = _dump(work / DUMP, using, progress)
            head = audit_head(using)
            migrations = migration_state(using)
            stored = stored_file_digests(using)
            progress(_("產生已公開的施政績效報告（%(n)d 種格式）…") % {"n": len(FORMATS)})
            reports = report_digests()
        progress(_("複製上傳檔案…"))
        root = media_root()
        for source in media_files(root):
            target = work / MEDIA / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        files = {
            path.relative_to(work).as_posix(): sha256_of(path)
            for path in sorted(work.rglob("*"))
            if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "guankao_version": importlib.metadata.version("guankao"),
            "django_version": django.get_version(),
            "created_at": timezone.now()
            .astimezone(datetime.UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "rows": counts,
            "audit_chain_head": head,
            "files": files,
            "stored_files": stored,
            "reports": reports,
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        for path in (work / DUMP, work / MANIFEST):
            with path.open("rb") as stream:
                os.fsync(stream.fileno())
        if output.exists():
            output.rmdir()  # empty, checked above
        work.rename(output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(path.stat().st_size for path in output.rglob("*") if path.is_file())
    return BackupResult(
        directory=output,
        rows=sum(counts.values()),
        files=sum(1 for name in files if name.startswith(f"{MEDIA}/")) + len(stored),
        bytes=size,
        seconds=time.monotonic() - started,
    )


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RestoreResult:
    rows: int
    files: int
    audit_entries: int
    reports: int
    seconds: float


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupRefused(
            _("不是備份目錄（沒有 %(name)s）：%(path)s") % {"name": MANIFEST, "path": directory}
        ) from None
    except (ValueError, OSError) as error:
        raise BackupRefused(
            _("%(name)s 讀不懂：%(error)s") % {"name": MANIFEST, "error": error}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(
            _("%(name)s 不是 %(format)s 格式。") % {"name": MANIFEST, "format": FORMAT}
        )
    return manifest


def verify_files(directory: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its SHA-256, and there is no other file."""
    listed: dict[str, str] = manifest.get("files") or {}
    present = {
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.relative_to(directory).as_posix() != MANIFEST
    }
    for name in sorted(listed):
        path = directory / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupRefused(_("備份少了檔案：%(name)s") % {"name": name})
        if sha256_of(path) != listed[name]:
            raise BackupRefused(_("備份檔案遭到更動（SHA-256 不符）：%(name)s") % {"name": name})
    extra = sorted(present - set(listed))
    if extra:
        raise BackupRefused(_("備份中有清單以外的檔案：%(name)s") % {"name": extra[0]})


def _ensure_empty(using: str) -> None:
    full = [
        f"{label} {count} 筆"
        for label, count in row_counts(using).items()
        if count and label not in MIGRATE_WRITES
    ]
    if full:
        raise BackupRefused(_("資料庫不是空的：%(rows)s") % {"rows": "、".join(full[:5])})
    head = audit_head(using)
    if head and head["sequence"]:
        raise BackupRefused(_("資料庫不是空的：稽核鏈已記到第 %(n)d 筆") % {"n": head["sequence"]})


def _media_targets(directory: Path, manifest: dict[str, Any]) -> list[tuple[Path, Path, str]]:
    """(backup file, where it goes, SHA-256) of every uploaded file; refuses one that would
    replace a different file already under MEDIA_ROOT."""
    root = media_root()
    targets = []
    for name, digest in sorted((manifest.get("files") or {}).items()):
        if not name.startswith(f"{MEDIA}/"):
            continue
        target = root / Path(name).relative_to(MEDIA)
        if target.exists() and (not target.is_file() or sha256_of(target) != digest):
            raise BackupRefused(_("上傳檔案目錄已有不同的檔案：%(path)s") % {"path": target})
        targets.append((directory / name, target, digest))
    return targets


def _differences(manifest: dict[str, Any], using: str) -> list[str]:
    found: list[str] = []
    counts = row_counts(using)
    for label, count in sorted((manifest.get("rows") or {}).items()):
        if counts.get(label, 0) != count:
            found.append(
                _("%(model)s 有 %(now)d 筆，備份時 %(then)d 筆")
                % {"model": label, "now": counts.get(label, 0), "then": count}
            )
    _count, broken = audit_chain_break()
    if broken is not None:
        found.append(
            _("稽核鏈第 %(n)d 筆：%(reason)s") % {"n": broken.sequence, "reason": broken.reason}
        )
    if audit_head(using) != (manifest.get("audit_chain_head") or {}):
        found.append(_("稽核鏈末端與備份時不同"))
    recorded: dict[str, str] = manifest.get("stored_files") or {}
    restored = stored_file_digests(using)
    for name in sorted(set(recorded) | set(restored)):
        if recorded.get(name) != restored.get(name):
            found.append(_("上傳檔案 %(name)s 與備份時不同") % {"name": name})
    expected: dict[str, dict[str, str]] = manifest.get("reports") or {}
    actual = report_digests()
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            found.append(_("施政績效報告 %(key)s 不見了") % {"key": key})
            continue
        if key not in expected:
            found.append(_("施政績效報告 %(key)s 是備份時沒有的") % {"key": key})
            continue
        for name in FORMATS:
            if actual[key].get(name) != expected[key].get(name):
                found.append(
                    _("施政績效報告 %(key)s 的 %(format)s 不同") % {"key": key, "format": name}
                )
    return found


def restore(directory: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress) -> RestoreResult:
    """Restore the backup in ``directory`` into this empty database and MEDIA_ROOT.

    Refused with nothing done (:class:`BackupRefused`): not a backup, a file of it changed, a
    different version's migrations, a database that is not empty, a conflicting uploaded file.
    Rolled back, database and files (:class:`RestoreMismatch`): the restored rows do not give
    back the row counts, the audit chain or the reports the manifest recorded.
    """
    started = time.monotonic()
    directory = directory.absolute()
    manifest = read_manifest(directory)
    progress(_("核對備份檔案的 SHA-256…"))
    verify_files(directory, manifest)
    code = code_migration_state()
    recorded: dict[str, str] = manifest.get("migrations") or {}
    for app_label, name in sorted(recorded.items()):
        if code.get(app_label) != name:
            raise BackupRefused(
                _(
                    "備份的資料表結構（%(app)s %(name)s）與這一版 guankao 不同（%(code)s）；"
                    "請以備份時的版本 %(version)s 還原後再升級。"
                )
                % {
                    "app": app_label,
                    "name": name,
                    "code": code.get(app_label, "—"),
                    "version": manifest.get("guankao_version", "?"),
                }
            )
    _ensure_empty(using)
    targets = _media_targets(directory, manifest)
    progress(_("建立資料表…"))
    call_command("migrate", database=using, interactive=False, verbosity=0)
    _ensure_empty(using)
    written: list[Path] = []
    try:
        with transaction.atomic(using=using):
            progress(_("載入資料…"))
            call_command("loaddata", str(directory / DUMP), database=using, verbosity=0)
            progress(_("還原上傳檔案…"))
            for source, target, digest in targets:
                if target.exists():
                    continue  # the same file is already there
                target.parent.mkdir(parents=True, exist_ok=True)
                written.append(target)
                shutil.copy2(source, target)
                if sha256_of(target) != digest:
                    raise RestoreMismatch(_("還原的檔案不符：%(path)s") % {"path": target})
            progress(_("核對稽核鏈、筆數與施政績效報告…"))
            found = _differences(manifest, using)
            if found:
                raise RestoreMismatch(
                    _("還原結果與備份不符，已全部復原：%(what)s") % {"what": "；".join(found)}
                )
            entries = audit_head(using).get("sequence", 0)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for path in written:
            parent = path.parent
            while parent != media_root() and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        raise
    rows: dict[str, int] = manifest.get("rows") or {}
    return RestoreResult(
        rows=sum(rows.values()),
        files=len(targets) + len(manifest.get("stored_files") or {}),
        audit_entries=int(entries),
        reports=len(manifest.get("reports") or {}),
        seconds=time.monotonic() - started,
    )
