"""Editable documents come out byte for byte the same each time the same data is rendered.

ODT, ODS, DOCX and XLSX are zip packages whose libraries stamp the moment of rendering into them:
each member's file date, and a creation date in ``meta.xml`` or ``docProps/core.xml``. A
published report must render identically later (a backup is verified by rendering it again;
an erratum keeps the earlier revision unchanged), so the package is rewritten with every member
dated 1980-01-01 (the earliest date a zip can hold, as reproducible builds do) and the creation
and modification dates left out; names, order and compression stay as they were. The PDF gets
no date from Typst (``#set document(date: none)`` in ``pdf.typ``).
"""

from __future__ import annotations

import io
import re
import zipfile

EPOCH = (1980, 1, 1, 0, 0, 0)
# Optional metadata elements (ODF 1.2 §4.3, OOXML core properties) that hold the render time.
RENDER_TIMES = re.compile(
    rb"<(dcterms:created|dcterms:modified|dc:date|meta:creation-date)\b[^>]*>[^<]*</\1>"
)
METADATA = ("meta.xml", "docProps/core.xml")


def without_render_time(package: bytes) -> bytes:
    """The zip ``package`` with fixed member dates and no creation or modification date."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename in METADATA:
                member = RENDER_TIMES.sub(b"", member)
            fixed = zipfile.ZipInfo(info.filename, date_time=EPOCH)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            fixed.create_system = info.create_system
            target.writestr(fixed, member)
    return output.getvalue()
