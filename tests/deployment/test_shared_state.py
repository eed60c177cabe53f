"""What lets app servers be interchangeable (decision 0083): uploaded files in the database
through Django's storage API, and a cache generation row instead of a counter of one process."""

from __future__ import annotations

import datetime
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from guankao.core.models import CacheGeneration, Jurisdiction, StoredFile
from guankao.core.storage import DatabaseStorage, StoredFileTooLarge
from guankao.directory.search import invalidation
from guankao.imports import storage as imports_storage

pytestmark = pytest.mark.django_db

DATABASE = {"default": {"BACKEND": "guankao.core.storage.DatabaseStorage"}}


@pytest.fixture
def in_database(settings: Any, tmp_path: Path) -> DatabaseStorage:
    """The production storage; MEDIA_ROOT and the temporary folder point at empty folders, so
    a test can show nothing was written to disk."""
    settings.STORAGES = {**settings.STORAGES, **DATABASE}
    settings.MEDIA_ROOT = tmp_path / "media"
    chosen = storages["default"]
    assert isinstance(chosen, DatabaseStorage)
    return chosen


def test_a_saved_file_is_one_row_read_back_whole(in_database: DatabaseStorage) -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB, several upload chunks
    name = in_database.save("cycles/2026/12/a.pdf", ContentFile(data))
    assert name == "cycles/2026/12/a.pdf"
    row = StoredFile.objects.get(name=name)
    assert (row.size, row.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert bytes(row.content) == data
    with in_database.open(name) as stream:
        assert stream.read() == data
    assert in_database.exists(name) and in_database.size(name) == len(data)
    assert in_database.sha256(name) == row.sha256
    assert in_database.get_modified_time(name) == row.created
    assert in_database.url(name).endswith("/cycles/2026/12/a.pdf")
    # a second file of the same name gets another name, as on a disk
    other = in_database.save(name, ContentFile(b"x"))
    assert other != name and other.startswith("cycles/2026/12/a_")
    in_database.delete(name)
    assert not in_database.exists(name) and in_database.exists(other)
    with pytest.raises(FileNotFoundError):
        in_database.open(name)


def test_listdir_names_folders_and_files(in_database: DatabaseStorage) -> None:
    for name in ("imports/x.xlsx", "imports/y.csv", "cycles/2026/12/z.pdf", "top.txt"):
        in_database.save(name, ContentFile(b"1"))
    assert in_database.listdir("") == (["cycles", "imports"], ["top.txt"])
    assert in_database.listdir("imports/") == ([], ["x.xlsx", "y.csv"])
    assert in_database.listdir("cycles") == (["2026"], [])


def test_files_only_open_for_reading_and_have_a_size_limit(in_database: DatabaseStorage) -> None:
    in_database.save("a.txt", ContentFile(b"abc"))
    with pytest.raises(ValueError, match="reading only"):
        in_database.open("a.txt", "wb")
    small = DatabaseStorage(max_bytes=10)
    with pytest.raises(StoredFileTooLarge):
        small.save("big.bin", ContentFile(b"0" * 11))
    assert not StoredFile.objects.filter(name="big.bin").exists()


def test_an_import_upload_lives_in_the_database_and_a_local_copy_serves_the_readers(
    in_database: DatabaseStorage, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports_storage, "copies", lambda: tmp_path / "copies")
    token = imports_storage.save_upload([b"a,b\n", b"1,2\n"], "csv")
    assert bytes(StoredFile.objects.get(name=f"imports/{token}.csv").content) == b"a,b\n1,2\n"
    assert not (tmp_path / "media").exists()  # nothing on this server's disk
    path = imports_storage.path_of(token, "csv")
    assert path == tmp_path / "copies" / f"{token}.csv" and path.read_bytes() == b"a,b\n1,2\n"
    # another server has no copy yet: it makes one from the database
    path.unlink()
    assert imports_storage.path_of(token, "csv") == path and path.is_file()
    assert imports_storage.path_of("../../etc/passwd", "csv") is None
    assert imports_storage.path_of(token, "xlsx") is None
    imports_storage.delete(token, "csv")
    assert imports_storage.path_of(token, "csv") is None and not path.exists()
    assert not StoredFile.objects.filter(name__startswith="imports/").exists()


def test_sweep_removes_uploads_older_than_a_day(
    in_database: DatabaseStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports_storage, "copies", lambda: tmp_path / "copies")
    old = imports_storage.save_upload([b"old"], "csv")
    new = imports_storage.save_upload([b"new"], "csv")
    StoredFile.objects.filter(name=f"imports/{old}.csv").update(
        created=StoredFile.objects.get(name=f"imports/{old}.csv").created
        - datetime.timedelta(days=2)
    )
    assert imports_storage.sweep() == 1
    assert imports_storage.path_of(old, "csv") is None
    assert imports_storage.path_of(new, "csv") is not None


def test_store_media_moves_files_from_disk_into_the_database(
    in_database: DatabaseStorage, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    (media / "cycles/2025/01").mkdir(parents=True)
    (media / "cycles/2025/01/old.pdf").write_bytes(b"%PDF old")
    out = io.StringIO()
    call_command("store_media", stdout=out)
    assert "已搬移 1 個檔案" in out.getvalue()
    assert bytes(StoredFile.objects.get(name="cycles/2025/01/old.pdf").content) == b"%PDF old"
    out = io.StringIO()
    call_command("store_media", "--delete", stdout=out)  # again: skipped, then removed from disk
    assert "已搬移 0 個檔案，1 個已在儲存區" in out.getvalue()
    assert not (media / "cycles/2025/01/old.pdf").exists()
    assert StoredFile.objects.count() == 1
    (media / "cycles/2025/01/old.pdf").write_bytes(b"%PDF changed")
    with pytest.raises(CommandError, match="內容不同") as refused:
        call_command("store_media")
    assert refused.value.returncode == 2


def test_the_generation_is_a_row_changed_in_the_write_transaction() -> None:
    start = invalidation.generation()
    keelung = Jurisdiction.objects.get(slug="keelung")
    keelung.area_code = "02"
    keelung.save()
    after_save = invalidation.generation()
    assert after_save > start
    assert CacheGeneration.objects.get(name="directory").value == after_save
    try:
        with transaction.atomic():
            keelung.save()
            assert invalidation.generation() > after_save
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert invalidation.generation() == after_save  # the rolled-back write took its step back


def test_reading_the_generation_costs_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        invalidation.generation()


def test_the_default_storage_of_production_is_the_database() -> None:
    from guankao import settings as production

    assert production.STORAGES["default"] == DATABASE["default"]
