"""Writing a jurisdiction's directory as HSDS 3.0 JSON files, validated before anything is written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from guankao.directory.exceptions import ExportError
from guankao.directory.hsds import mapping, validation
from guankao.directory.snapshot import Directory


def export_files(directory: Directory) -> dict[str, Any]:
    """File name → content: services, organizations, taxonomy terms and the taxonomy."""
    return {
        "services.json": mapping.services(directory),
        "organizations.json": mapping.organizations(directory),
        "taxonomy_terms.json": mapping.taxonomy_terms(directory),
        "taxonomies.json": [mapping.taxonomy()],
    }


def check(files: dict[str, Any]) -> None:
    """Raise ``ExportError`` naming the first object that breaks the official schema."""
    for name, schema in (
        ("services.json", "service"),
        ("organizations.json", "organization"),
        ("taxonomy_terms.json", "taxonomy_term"),
    ):
        for item in files[name]:
            if problems := validation.errors(schema, item):
                raise ExportError(f"{name}: {item.get('id')}: {problems[0]}")


def write_export(directory: Directory, target: Path) -> list[Path]:
    """Validate, then write each file through a temporary file so none is left half-written."""
    files = export_files(directory)
    check(files)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create {target}: {error.strerror}") from None
    written: list[Path] = []
    for name, content in files.items():
        path = target / name
        handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(content, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
        Path(temporary).chmod(0o644)  # mkstemp makes it private; these are open data
        Path(temporary).replace(path)
        written.append(path)
    return written
