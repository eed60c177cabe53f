"""Compile gettext catalogs (.po → .mo) in pure Python, so no GNU gettext is needed.

Usage: .venv/bin/python scripts/compile_messages.py [LOCALE_DIR ...]
(default: src/guankao/locale). Handles what our catalogs use: msgid, msgid_plural, msgstr,
msgstr[N], msgctxt, multi-line strings, comments; entries flagged ``fuzzy`` are skipped, as
msgfmt does. The .mo layout is GNU's (magic 0x950412de, sorted keys, no hash table).
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "src" / "guankao" / "locale"


def parse_po(text: str) -> dict[str, str]:
    """Catalog entries as .mo keys (``ctxt\\x04id``, ``id\\x00plural``) → values."""
    messages: dict[str, str] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    field: str | None = None

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\x00" + entry["msgid_plural"]
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                value = "\x00".join(entry[k] for k in forms)
            else:
                value = entry.get("msgstr", "")
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if value.replace("\x00", "") or key == "":
                messages[key] = value
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            if not line and "msgid" in entry and field and field.startswith("msgstr"):
                flush()
            continue
        if line.startswith('"'):
            if field is None:
                raise ValueError(f"string without a keyword: {raw!r}")
            entry[field] += ast.literal_eval(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgid" in entry and "msgstr" in "".join(entry):
            flush()
        field = keyword
        entry[field] = ast.literal_eval(rest)
    flush()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    """Write ``messages`` as a GNU .mo file."""
    keys = sorted(messages)
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    ids_start = header_size + 2 * table_size
    offsets: list[int] = []
    blob = b""
    for item in ids:
        offsets += [len(item), ids_start + len(blob)]
        blob += item + b"\x00"
    trans: list[int] = []
    for item in strs:
        trans += [len(item), ids_start + len(blob)]
        blob += item + b"\x00"
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0
    )
    path.write_bytes(
        header
        + struct.pack(f"<{len(offsets)}I", *offsets)
        + struct.pack(f"<{len(trans)}I", *trans)
        + blob
    )


def main(argv: list[str]) -> int:
    """Compile every django.po under the given locale folders; print what was written."""
    roots = [Path(a) for a in argv] or [DEFAULT]
    for root in roots:
        for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            write_mo(parse_po(po.read_text(encoding="utf-8")), mo)
            print(mo)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
