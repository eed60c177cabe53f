"""The shipped content translations (``directory/data/translations.yaml``): read, check, load.

The whole file is checked before anything is written and loaded in one transaction. Loading
it again changes nothing, and never overwrites a translation a person has reviewed.
``guankao demo`` calls :func:`load_directory_translations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from django.db import transaction

from guankao.core.datafile import read_data_file
from guankao.core.services import Actor
from guankao.directory.languages import TARGET_CODES
from guankao.directory.models import ContentKind
from guankao.directory.services import translation_draft_upsert
from guankao.directory.snapshot import to_simplified

TRANSLATIONS_FILE = Path(str(files("guankao.directory").joinpath("data/translations.yaml")))
_SECTIONS = {
    "place": ContentKind.JURISDICTION,
    "areas": ContentKind.AREA,
    "agencies": ContentKind.AGENCY,
    "tasks": ContentKind.TASK,
}


@dataclass(frozen=True)
class DraftRow:
    kind: str
    source: str
    language: str
    text: str


@dataclass(frozen=True)
class LoadSummary:
    rows: int
    written: int


def parse_translation_file(path: Path) -> list[DraftRow]:
    """Read and check a translation file; raises ``DataFileError`` naming the entry at fault.

    Simplified Chinese is derived from the source with OpenCC when the file does not give it.
    """
    top = read_data_file(path)
    rows: list[DraftRow] = []
    for section, kind in _SECTIONS.items():
        block = top.child(section, section) if section in top.data else None
        if block is None:
            continue
        for source in block.data:
            if not isinstance(source, str) or not source.strip():
                raise block.error(str(source), "expected the source text as the key")
            entry = block.child(source, f"{section}: {source}")
            unknown = set(entry.data) - set(TARGET_CODES)
            if unknown:
                raise entry.error(", ".join(sorted(map(str, unknown))), "unknown language")
            texts = {code: entry.text(code) for code in TARGET_CODES if code != "zh-hans"}
            texts["zh-hans"] = entry.text("zh-hans", required=False) or to_simplified(source)
            rows += [DraftRow(kind, source, code, text) for code, text in texts.items()]
    return rows


@transaction.atomic
def load_directory_translations(
    *, path: Path = TRANSLATIONS_FILE, actor: Actor = None
) -> LoadSummary:
    """Load the draft translations in ``path`` (by default the ones shipped with guankao)."""
    rows = parse_translation_file(path)
    written = 0
    for row in rows:
        _, changed = translation_draft_upsert(
            kind=row.kind, source=row.source, language=row.language, text=row.text, actor=actor
        )
        written += changed
    return LoadSummary(rows=len(rows), written=written)
