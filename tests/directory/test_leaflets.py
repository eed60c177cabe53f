"""Leaflets (decision 0081): every Keelung agency's A4 card and A3 poster, read back as a person's
phone and a printer would: the PDF's text (pdftotext), its fonts (pdffonts), and the two QR codes
decoded by a real decoder (zxing-cpp) from the page drawn by pdftoppm."""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]

from guankao.directory import leaflets
from guankao.directory.snapshot import Directory

BASE = "https://guankao.example.tw"
LANGUAGES = ("zh-hant", "vi", "th")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def squeezed(text: str) -> str:
    """Text without whitespace: the layout adds line breaks where it wraps."""
    return "".join(text.split())


def readable_in(expected: str, text: str, code: str) -> bool:
    """Whether ``expected`` reads in ``text`` (both squeezed). Exactly, except in Thai: Typst
    maps each glyph of a font to one piece of text, so where a Thai glyph serves several
    clusters pdftotext repeats letters (「จีจีหลง」 for 「จีหลง」); there the expected letters must
    appear in order within a span at most twice as long. A missing name still fails."""
    if code != "th":
        return expected in text
    limit = 2 * len(expected)
    for start in (i for i, ch in enumerate(text) if ch == expected[0]):
        position = start
        for ch in expected:
            position = text.find(ch, position, start + limit)
            if position < 0:
                break
            position += 1
        else:
            return True
    return False


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb) of every font, from pdffonts' table."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = out.stdout.splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows]


def pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(next(x for x in out.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def decoded_qr_codes(pdf: bytes, dpi: int = 100) -> list[str]:
    """The QR codes on the first page, drawn in grey levels by pdftoppm (PGM) and decoded."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "leaflet.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(source), f"{folder}/page"],
            check=True,
        )
        pgm = (Path(folder) / "page.pgm").read_bytes()
    # P5 header: magic, width, height, maxval, each followed by one whitespace byte.
    fields = pgm.split(maxsplit=4)
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][: width * height]
    image = memoryview(pixels).cast("B", (height, width))
    found = zxingcpp.read_barcodes(image)
    return sorted(code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode)


def render(
    agency: str, code: str, size: str = "a4", **kwargs: str
) -> tuple[leaflets.Leaflet, bytes]:
    item = leaflets.leaflet(
        jurisdiction="keelung", agency=agency, language=code, size=size, base_url=BASE, **kwargs
    )
    return item, leaflets.render(item)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_agency_leaflet_reads_back(keelung: Directory, code: str, tmp_path: Path) -> None:
    """Text, fonts and both QR codes of the A4 card of every agency with public tasks."""
    agencies = keelung.used_agencies()
    assert len(agencies) >= 10
    timings = []
    for entry in agencies:
        started = time.perf_counter()
        item, pdf = render(entry.slug, code)
        timings.append(time.perf_counter() - started)
        assert pdf.startswith(b"%PDF-") and pages(pdf, tmp_path) == 1, entry.slug
        text = squeezed(pdf_text(pdf))
        assert readable_in(squeezed(entry.name.shown(code).text), text, code), entry.slug
        if code != "zh-hant":  # the Chinese name too, for the counter staff
            assert squeezed(entry.label) in text
        assert entry.phone is not None
        assert squeezed(entry.phone.national) in text
        for task in keelung.tasks_of_agency(entry.slug):
            shown = squeezed(task.text.shown(code).text)
            assert readable_in(shown, text, code), (entry.slug, task.number)
        for task in keelung.internal_tasks_of_agency(entry.slug):
            shown = squeezed(task.text.shown(code).text)
            assert not readable_in(shown, text, code), (entry.slug, task.number)
        assert ("112.7" in text) and ("2023-07-01" in text or "（" in text)
        notice = item.draft_notice
        assert (notice is not None) == (code != "zh-hant")
        if notice is not None:
            assert readable_in(squeezed(notice.text), text, code)
        fonts = embedded_fonts(pdf, tmp_path)
        assert fonts and all(emb == "yes" for _, emb in fonts), fonts
        names = " ".join(name for name, _ in fonts)
        assert "NotoSansCJKtc" in names  # the Chinese name
        if code == "th":
            assert "NotoSansThai" in names
        page = f"{BASE}/directory/keelung/agencies/{entry.slug}/?lang={code}"
        assert decoded_qr_codes(pdf) == sorted([page, entry.phone.tel_uri]), entry.slug
        assert entry.phone.tel_uri.startswith("tel:+8862")
    print(f"\n{code}: {1000 * sum(timings) / len(timings):.0f} ms per leaflet (mean)")


@pytest.mark.slow
@pytest.mark.django_db
def test_the_a3_poster_is_the_card_scaled(keelung: Directory, tmp_path: Path) -> None:
    """A3 in each language: one A3 page whose QR codes decode at a lower resolution too."""
    for code in LANGUAGES:
        item, pdf = render("keelung-civil-affairs", code, "a3")
        path = tmp_path / "a3.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert "(A3)" in info and "Pages:           1" in info
        assert decoded_qr_codes(pdf, dpi=50) == sorted(
            [f"{BASE}/directory/keelung/agencies/keelung-civil-affairs/?lang={code}",
             "tel:+886224201122,1632"]
        )  # fmt: skip
        assert "(02)2420-1122#1632" in pdf_text(pdf)
        assert item.filename == f"leaflet-keelung-keelung-civil-affairs-{code}-a3.pdf"


@pytest.mark.django_db
def test_civil_affairs_card_in_vietnamese(keelung: Directory) -> None:
    item, pdf = render("keelung-civil-affairs", "vi")
    assert item.phone == "(02)2420-1122#1632"
    assert item.tel_uri == "tel:+886224201122,1632"
    assert item.page_url == f"{BASE}/directory/keelung/agencies/keelung-civil-affairs/?lang=vi"
    assert item.published_on == datetime.date(2023, 7, 1)
    text = pdf_text(pdf)
    # The QR captions in Vietnamese, the hotlines from the interface catalogue.
    assert "Quét bằng điện thoại để gọi ngay" in text
    assert "1990" in text and "113" in text and "110" in text
    assert "Đường dây nóng toàn quốc" in text
    assert item.draft_notice is not None and item.draft_notice.tag == "vi"


@pytest.mark.django_db
def test_the_same_leaflet_gives_the_same_bytes_and_comes_from_the_cache(keelung: Directory) -> None:
    leaflets._cache.clear()
    _, first = render("keelung-social", "th")
    started = time.perf_counter()
    _, again = render("keelung-social", "th")
    assert again == first and time.perf_counter() - started < 0.05
    leaflets._cache.clear()
    _, fresh = render("keelung-social", "th")
    assert fresh == first  # no date in the PDF


@pytest.mark.django_db
def test_building_a_leaflet_takes_three_queries(
    keelung: Directory, django_assert_num_queries: Any
) -> None:
    """Once the directory (with its hotlines) is cached: the directory's staleness check (the
    newest audit entry and the cache generation) and the version's publication date."""

    def build() -> leaflets.Leaflet:
        return leaflets.leaflet(
            jurisdiction="keelung", agency="keelung-tax", language="vi", size="a4", base_url=BASE
        )

    build()
    with django_assert_num_queries(3):
        build()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agency": "nowhere"}, "找不到機關"),
        ({"language": "xx"}, "不支援的語言"),
        ({"size": "a5"}, "尺寸只有 a4 或 a3"),
        ({"version": "abc"}, "版本須寫成民國年.月"),
        ({"version": "99.1"}, "找不到 keelung 的分工表 99.1"),
        ({"jurisdiction": "nowhere"}, "找不到 nowhere 的分工表"),
    ],
)
def test_unknown_arguments_are_refused(kwargs: dict[str, str], message: str) -> None:
    arguments = {
        "jurisdiction": "keelung",
        "agency": "keelung-tax",
        "language": "vi",
        "size": "a4",
        "base_url": BASE,
        **kwargs,
    }
    with pytest.raises(leaflets.LeafletNotFound, match=message):
        leaflets.leaflet(**arguments)


@pytest.mark.django_db
def test_a_new_version_gives_new_leaflets_and_the_old_ones_stay(keelung: Directory) -> None:
    from guankao.divisions.models import DivisionTable, Task
    from guankao.divisions.services import (
        division_table_copy,
        division_table_publish,
        task_upsert,
    )
    from guankao.tw import YearMonth

    table = DivisionTable.objects.for_jurisdiction("keelung").get()
    draft = division_table_copy(source=table, version=YearMonth(2025, 1), actor=None)
    task = Task.objects.get(table=draft, agency__slug="keelung-civil-affairs", number=4)
    task_upsert(
        table=draft,
        agency=task.agency,
        number=4,
        numbered=True,
        area=task.area,
        text="辦理歸化國籍測試及說明會。",
        position=task.position,
        co_leads=[],
        actor=None,
    )
    # Not yet published: the leaflet in force and the named version are both still 112.7's.
    _, current = render("keelung-civil-affairs", "zh-hant")
    assert "辦理歸化國籍測試。" in pdf_text(current)
    with pytest.raises(leaflets.LeafletNotFound):
        render("keelung-civil-affairs", "zh-hant", version="114.1")
    today = timezone.localdate()
    division_table_publish(table=draft, on=today, today=today, actor=None)

    new, pdf = render("keelung-civil-affairs", "zh-hant")
    assert new.version == "114.1"
    text = squeezed(pdf_text(pdf))
    assert "辦理歸化國籍測試及說明會。" in text and "114.1" in text
    old, old_pdf = render("keelung-civil-affairs", "zh-hant", version="112.7")
    assert old.version == "112.7" and old.table_pk == table.pk
    assert "辦理歸化國籍測試。" in pdf_text(old_pdf) and "說明會" not in pdf_text(old_pdf)


@pytest.mark.django_db
def test_download_from_the_agency_page(client: Client) -> None:
    page = client.get("/directory/keelung/agencies/keelung-civil-affairs/?lang=vi")
    links = html.fromstring(page.content).xpath("//p[@class='leaflets']/a/@href")
    assert links == [
        "/directory/keelung/agencies/keelung-civil-affairs/leaflet-a4.pdf?lang=vi",
        "/directory/keelung/agencies/keelung-civil-affairs/leaflet-a3.pdf?lang=vi",
    ]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "vi"
    assert "leaflet-keelung-keelung-civil-affairs-vi-a4.pdf" in response["Content-Disposition"]
    pdf = response.content
    # The test client's host, as GUANKAO_BASE_URL still names this machine.
    page_url = "http://testserver/directory/keelung/agencies/keelung-civil-affairs/?lang=vi"
    assert decoded_qr_codes(pdf) == sorted([page_url, "tel:+886224201122,1632"])
    old = client.get(links[0] + "&version=112.7")
    assert old.status_code == 200 and old.content == pdf


@pytest.mark.django_db
def test_the_public_base_url_decides_what_is_printed(client: Client, settings: Any) -> None:
    """A public installation prints its own address, never the one a request's Host names."""
    settings.GUANKAO_BASE_URL = "https://newcomers.keelung.gov.tw/"
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    response = client.get(
        "/directory/keelung/agencies/keelung-tax/leaflet-a4.pdf?lang=th", HTTP_HOST="other.example"
    )
    assert response.status_code == 200
    urls = [c for c in decoded_qr_codes(response.content) if c.startswith("http")]
    assert urls == [
        "https://newcomers.keelung.gov.tw/directory/keelung/agencies/keelung-tax/?lang=th"
    ]
    assert leaflets.public_base_url("http://other.example/") == "https://newcomers.keelung.gov.tw"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/directory/keelung/agencies/keelung-tax/leaflet-a5.pdf",
        "/directory/keelung/agencies/nowhere/leaflet-a4.pdf",
        "/directory/nowhere/agencies/keelung-tax/leaflet-a4.pdf",
        "/directory/keelung/agencies/keelung-tax/leaflet-a4.pdf?version=abc",
        "/directory/keelung/agencies/keelung-tax/leaflet-a4.pdf?version=99.1",
    ],
)
def test_unknown_leaflets_are_404(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_cli_writes_the_leaflet(tmp_path: Path) -> None:
    path = tmp_path / "leaflet.pdf"
    out = io.StringIO()
    call_command(
        "report", "leaflet", "--jurisdiction", "keelung", "--agency", "keelung-police",
        "--lang", "vi", "--size", "a3", "--base-url", BASE, "-o", str(path), stdout=out,
    )  # fmt: skip
    pdf = path.read_bytes()
    assert decoded_qr_codes(pdf, dpi=50)[0] == (
        f"{BASE}/directory/keelung/agencies/keelung-police/?lang=vi"
    )
    assert "PDF" in out.getvalue()


@pytest.mark.django_db
def test_cli_refuses_an_unknown_agency_with_exit_status_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到機關：nowhere") as error:
        call_command(
            "report", "leaflet", "--jurisdiction", "keelung", "--agency", "nowhere",
            "-o", str(tmp_path / "x.pdf"), stdout=io.StringIO(),
        )  # fmt: skip
    assert error.value.returncode == 2
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.django_db
def test_captions_are_in_every_language(keelung: Directory) -> None:
    """The leaflet's own lines come from the interface catalogues, in all ten other languages."""
    from guankao.directory.languages import BY_CODE, TARGET_CODES

    for code in TARGET_CODES:
        item = leaflets.leaflet(
            jurisdiction="keelung", agency="keelung-tax", language=code, size="a4", base_url=BASE
        )
        for caption in (item.page_caption, item.call_caption, item.tasks_heading):
            assert caption.tag == BY_CODE[code].tag, (code, caption)
