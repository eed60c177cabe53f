"""Attachments: type read from the content, extension must match, size limited."""

from __future__ import annotations

from typing import Any

import pytest

from guankao.cycles.exceptions import InputRejected
from guankao.cycles.uploads import check_upload
from tests.cycles.files import (
    EXE,
    docx_bytes,
    ods_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("報告.pdf", pdf_bytes(), "application/pdf"),
        ("成果.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        (
            "成果.DOCX",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("照片.png", png_bytes(), "image/png"),
        ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
    ],
)
def test_accepted_kinds(name: str, content: bytes, content_type: str) -> None:
    checked = check_upload(upload(name, content))
    assert checked.name == name
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "檔案類型不接受"),
        ("報告.pdf", EXE, "內容不是 PDF"),
        ("成果.odt", ods_bytes(), "內容不是 ODT"),
        ("成果.docx", zip_bytes(), "內容不是 DOCX"),
        ("成果.docx", odt_bytes(), "內容不是 DOCX"),
        ("照片.png", pdf_bytes(), "內容不是 PNG"),
        ("成果.odt", b"PK\x03\x04 broken zip", "內容不是 ODT"),
        ("空白.pdf", b"", "空的檔案"),
        ("無副檔名", pdf_bytes(), "檔案類型不接受"),
        ("../../etc/passwd.pdf", EXE, "「passwd.pdf」的內容不是 PDF"),
    ],
)
def test_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(InputRejected, match=message):
        check_upload(upload(name, content))


def test_size_limit(settings: Any) -> None:
    settings.CYCLES_MAX_ATTACHMENT_MB = 1
    check_upload(upload("ok.pdf", pdf_bytes(1024 * 1024)))
    with pytest.raises(InputRejected, match=r"「big.pdf」有 1.1 MB，超過每個附件 1 MB 的上限"):
        check_upload(upload("big.pdf", pdf_bytes(1024 * 1024 + 100 * 1024)))
