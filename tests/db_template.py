"""A copy of the migrated and seeded SQLite test database, kept on disk for ``make test-fast``.

Each pytest process builds its in-memory test database by running every migration (about 3 s)
and loading the seed documents (about 4 s). ``make test-fast`` sets ``GUANKAO_TEST_DB_CACHE`` to a
directory; the first process to build the database then saves it there, and later processes copy
it in with SQLite's backup API instead (decision 0086). The file's name is a digest of everything
the build reads: the source tree (models, migrations, seed files and loaders), this directory's
conftest, the installed distributions and the Python and SQLite versions. Any change to those
gives a new name, so a stale copy is never used. ``make test`` and CI do not set the variable and
always migrate from scratch; PostgreSQL and on-disk SQLite test databases never use a copy.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ENVIRONMENT = "GUANKAO_TEST_DB_CACHE"
ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "src" / "guankao", Path(__file__).resolve(), ROOT / "tests" / "conftest.py"]


@dataclass
class Template:
    """Where the copy for this build lives, and whether this process's database came from it."""

    path: Path
    restored: bool = False

    def install(self) -> None:
        """Make the test database's creation copy the saved file in (when there is one) instead
        of migrating. Called before pytest-django creates the test database."""
        if not self.path.exists():
            return
        # The SQLite backend's creation class (the stubs know only the base class).
        creation: Any = connection.creation
        migrate_and_create = creation.create_test_db

        def create_test_db(
            verbosity: int = 1,
            autoclobber: bool = False,
            serialize: bool = True,
            keepdb: bool = False,
        ) -> str:
            if serialize or keepdb:
                # Only tests with serialized_rollback ask for this; migrate as Django does.
                return str(migrate_and_create(verbosity, autoclobber, serialize, keepdb))
            name = str(creation._get_test_db_name())
            connection.close()
            settings.DATABASES[connection.alias]["NAME"] = name
            connection.settings_dict["NAME"] = name
            self.copy_in()
            self.restored = True
            return name

        creation.create_test_db = create_test_db

    def copy_in(self) -> None:
        """Replace the whole test database with the saved copy (which must exist)."""
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    def save(self) -> None:
        """Write the current test database to the file, atomically: two workers may both have
        built it. Copies for other digests in the directory are removed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".part")
        os.close(handle)
        target = sqlite3.connect(temporary)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        Path(temporary).replace(self.path)
        for old in self.path.parent.glob("*.sqlite3"):
            if old != self.path:
                old.unlink(missing_ok=True)


def template() -> Template | None:
    """The template for this build, or None when it does not apply (the variable is unset, or
    the test database is not an in-memory SQLite one)."""
    directory = os.environ.get(ENVIRONMENT)
    if not directory or connection.vendor != "sqlite":
        return None
    creation: Any = connection.creation
    if not creation.is_in_memory_db(creation._get_test_db_name()):
        return None
    return Template(path=Path(directory).resolve() / f"{_digest()}.sqlite3")


def _digest() -> str:
    """A digest of every input of the migrated and seeded database."""
    digest = hashlib.sha256()
    for line in _environment():
        digest.update(line.encode())
    for path in _files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _environment() -> list[str]:
    distributions: set[str] = set()
    for distribution in metadata.distributions():
        info: Any = distribution.metadata
        distributions.add(f"{info['Name']}=={distribution.version}")
    return [sys.version, sqlite3.sqlite_version, *sorted(distributions)]


def _files() -> list[Path]:
    found: list[Path] = []
    for source in INPUTS:
        if source.is_file():
            found.append(source)
            continue
        for path in source.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.append(path)
    return sorted(found)
