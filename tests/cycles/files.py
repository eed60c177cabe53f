"""Real files of each kind, built in memory, for upload tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import odfdo
from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + b"%" + b"0" * max(0, size - len(body) - 8) + b"\n%%EOF\n"


def odt_bytes() -> bytes:
    document = odfdo.Document("text")
    document.body.append(odfdo.Paragraph("辦理情形附件"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ods_bytes() -> bytes:
    out = io.BytesIO()
    odfdo.Document("spreadsheet").save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("辦理情形附件")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
