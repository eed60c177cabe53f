"""Leaflets for service counters and community centres: per agency and per language, an A4 card
and an A3 poster with two QR codes, one to the agency's page in that language and one that dials
the agency (decision 0081).

A leaflet is drawn from a published version of the table, the one in force unless one is named,
so a new version gives new leaflets and an old version's leaflets can still be printed. The model
(:class:`Leaflet`) is built from the cached directory; :func:`render` lays it out with Typst
(``leaflet.typ``) and embeds the subset of the Noto fonts it uses. The QR codes are drawn by segno
as SVG and stay vector in the PDF, so they scan at any print size.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
import typst
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guankao.core.exceptions import GuankaoError
from guankao.directory.languages import BY_CODE, SOURCE, normalise_language
from guankao.directory.presenters import notice
from guankao.directory.snapshot import Directory, Shown, build_directory, get_directory
from guankao.divisions.models import DivisionTable
from guankao.tw import YearMonth, parse_roc_date

logger = logging.getLogger(__name__)
TEMPLATE = Path(__file__).with_name("leaflet.typ")
SIZES = ("a4", "a3")
CONTENT_TYPE = "application/pdf"
# The page's own notice, so a translated leaflet says what the translated page says.
DRAFT_NOTICE = gettext_lazy(
    "本頁的服務內容是機器翻譯的草稿，尚未經人工審閱；如有疑問，請以中文原文為準，或直接打電話詢問。"
)
PAGE_CAPTION = gettext_lazy("用手機掃描，開啟本機關的網頁")
CALL_CAPTION = gettext_lazy("用手機掃描，直接撥打電話")
# Fonts per language, first match per character: the script's own Noto font, then Noto Sans for
# Latin letters and digits, then Noto Sans CJK for the Chinese name and full-width punctuation.
_CJK = {"zh-hans": "Noto Sans CJK SC", "ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR"}
_SCRIPT = {"th": "Noto Sans Thai", "km": "Noto Sans Khmer", "my": "Noto Sans Myanmar"}
CHINESE_FONT = "Noto Sans CJK TC"
# Typst keeps the fonts it has read in its compiler: one per process, used by one thread at a time.
_lock = threading.Lock()
# Rendered leaflets by (version, agency, language, size, page URL): a version never changes once
# published, so an entry never goes stale; the oldest are dropped beyond this many.
CACHE_SIZE = 256
_cache: OrderedDict[tuple[int, str, str, str, str], bytes] = OrderedDict()


class LeafletNotFound(GuankaoError):
    """No leaflet for these arguments: an unknown jurisdiction, version, agency, language or
    size (the web answers 404, the CLI one line and exit status 2)."""


@dataclass(frozen=True)
class Caption:
    """A line of the leaflet's own text in the reader's language (English when its catalogue
    lacks it), with the BCP 47 tag of the language it is in."""

    text: str
    tag: str


@dataclass(frozen=True)
class HotlineLine:
    name: Caption
    note: Caption
    number: str  # as dialled in Taiwan: 1990, 113


@dataclass(frozen=True)
class Leaflet:
    """Everything one leaflet prints; no database, no request."""

    jurisdiction_slug: str
    city: Shown
    version: str  # ROC 112.7
    table_pk: int
    published_on: datetime.date | None
    agency_slug: str
    agency_label: str  # as the table writes it, in Chinese, for the counter staff
    agency_name: Shown
    phone: str  # (02)2420-1122#1632; empty when the table gives none
    tel_uri: str  # tel:+886224201122,1632
    tasks: tuple[Shown, ...]  # public-facing only (decision 0075)
    page_url: str
    code: str
    size: str
    hotlines: tuple[HotlineLine, ...]
    title: Caption
    tasks_heading: Caption
    call_label: Caption
    page_caption: Caption
    call_caption: Caption
    hotlines_heading: Caption
    version_line: Caption
    draft_notice: Caption | None

    @property
    def draft(self) -> bool:
        return self.draft_notice is not None

    @property
    def filename(self) -> str:
        return f"leaflet-{self.jurisdiction_slug}-{self.agency_slug}-{self.code}-{self.size}.pdf"


def _caption(message: object, code: str) -> Caption:
    """``message`` as the page shows its notices: the reader's language, else English."""
    shown = notice(message, code)
    return Caption(shown.text, shown.tag)


def _in(code: str, message: object) -> Caption:
    """``message`` in ``code`` when its catalogue has it, else zh-Hant (names such as 「113 保護
    專線」 are understood from the number; a Chinese line is better than an English one here)."""
    with translation.override(code):
        text = str(message)
    with translation.override(SOURCE):
        source = str(message)
    tag = BY_CODE[code].tag if text != source or code == SOURCE else BY_CODE[SOURCE].tag
    return Caption(text, tag)


def public_base_url(request_base: str | None = None) -> str:
    """The address printed in the page QR code: ``GUANKAO_BASE_URL``; a request's own address
    only while that setting still names this machine (development), so a Host header never
    decides what is printed on a public installation."""
    base = str(getattr(settings, "GUANKAO_BASE_URL", "") or "").rstrip("/")
    local = not base or any(h in base for h in ("//127.", "//localhost", "//[::1]"))
    if request_base and local:
        return request_base.rstrip("/")
    return base or "http://127.0.0.1:8000"


def page_url(base_url: str, jurisdiction: str, agency: str, code: str) -> str:
    """The absolute address of the agency's page in language ``code``."""
    path = reverse("directory:agency", args=[jurisdiction, agency])
    return f"{base_url.rstrip('/')}{path}?{urlencode({'lang': code})}"


def _table(jurisdiction: str, version: str | None) -> DivisionTable | None:
    """A published version named ROC ``112.7`` (never a draft, nor one published for a later
    day: a leaflet is public); None for the one in force."""
    if not version:
        return None
    try:
        month = parse_roc_date(version)
    except ValueError:
        month = None
    if not isinstance(month, YearMonth):
        raise LeafletNotFound(_("版本須寫成民國年.月，例如 112.7：%(v)s") % {"v": version[:20]})
    table = (
        DivisionTable.objects.for_jurisdiction(jurisdiction)
        .published(timezone.localdate())
        .filter(effective_month=DivisionTable.month_of(month))
        .first()
    )
    if table is None:
        raise LeafletNotFound(
            _("找不到 %(j)s 的分工表 %(v)s") % {"j": jurisdiction[:40], "v": version[:20]}
        )
    return table


def _directory(jurisdiction: str, version: str | None) -> Directory:
    table = _table(jurisdiction, version)
    directory = (
        get_directory(jurisdiction) if table is None else build_directory(jurisdiction, table)
    )
    if directory is None:
        raise LeafletNotFound(_("找不到 %(j)s 的分工表 %(v)s") % {"j": jurisdiction[:40], "v": ""})
    return directory


def leaflet(
    *,
    jurisdiction: str,
    agency: str,
    language: str,
    size: str,
    version: str | None = None,
    base_url: str,
) -> Leaflet:
    """The leaflet of ``agency`` in ``language`` (a directory code such as ``vi``) and ``size``
    (``a4`` or ``a3``), from ``version`` (ROC ``112.7``, published) or the version in force.

    Raises :class:`LeafletNotFound` for anything unknown. Three queries for the version in force
    when the cached directory is fresh (its staleness check and the publication date).
    """
    code = normalise_language(language)
    if code is None:
        raise LeafletNotFound(_("不支援的語言：%(l)s") % {"l": language[:20]})
    if size not in SIZES:
        raise LeafletNotFound(_("尺寸只有 a4 或 a3：%(s)s") % {"s": size[:20]})
    directory = _directory(jurisdiction, version)
    entry = directory.agencies.get(agency)
    # Only public tasks are printed; an agency with none has nothing to offer a reader.
    tasks = directory.tasks_of_agency(agency) if entry else []
    if entry is None or not tasks:
        raise LeafletNotFound(_("找不到機關：%(a)s") % {"a": agency[:40]})
    published_on = (
        DivisionTable.objects.filter(pk=directory.table_pk)
        .values_list("published_on", flat=True)
        .first()
    )
    phone = entry.phone
    shown_tasks = tuple(t.text.shown(code) for t in tasks)
    name = entry.name.shown(code)
    city = directory.jurisdiction_name.shown(code)
    draft = code != SOURCE
    with translation.override(code):
        version_line = _("資料來源：%(version)s 更新之分工表") % {"version": directory.version}
        with translation.override(SOURCE):
            version_source = _("資料來源：%(version)s 更新之分工表") % {
                "version": directory.version
            }
        title = _("%(city)s新住民服務導覽") % {"city": city.text}
    date = f"（{published_on.isoformat()}）" if published_on else ""
    return Leaflet(
        jurisdiction_slug=directory.jurisdiction_slug,
        city=city,
        version=directory.version,
        table_pk=directory.table_pk,
        published_on=published_on,
        agency_slug=agency,
        agency_label=entry.label,
        agency_name=name,
        phone=(phone.national + (f"#{phone.extension}" if phone.extension else ""))
        if phone
        else "",
        tel_uri=phone.tel_uri if phone else "",
        tasks=shown_tasks,
        page_url=page_url(base_url, directory.jurisdiction_slug, agency, code),
        code=code,
        size=size,
        hotlines=tuple(
            HotlineLine(_in(code, h.name), _in(code, h.note), h.phone.national)
            for h in directory.hotlines
        ),
        title=Caption(title, city.tag),
        tasks_heading=_in(code, gettext_lazy("業務內容")),
        call_label=_in(code, gettext_lazy("撥打")),
        page_caption=_caption(PAGE_CAPTION, code),
        call_caption=_caption(CALL_CAPTION, code),
        hotlines_heading=_in(code, gettext_lazy("全國專線")),
        version_line=Caption(
            version_line + date,
            BY_CODE[code].tag if version_line != version_source else BY_CODE[SOURCE].tag,
        ),
        draft_notice=_caption(DRAFT_NOTICE, code) if draft else None,
    )


def qr_svg(content: str) -> str:
    """``content`` as a QR code in SVG (error correction M, the standard four-module quiet
    zone), black on white, one unit per module: Typst scales it to the printed size."""
    qr = segno.make(content, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=1, border=4, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode("ascii")


def fonts(code: str) -> list[str]:
    """The font families of a leaflet in ``code``, in the order Typst tries them per character."""
    cjk = _CJK.get(code, CHINESE_FONT)
    if code in ("zh-hant", "zh-hans", "ja", "ko"):
        return [cjk, "Noto Sans"] if cjk == CHINESE_FONT else [cjk, CHINESE_FONT, "Noto Sans"]
    script = [_SCRIPT[code]] if code in _SCRIPT else []
    return ["Noto Sans", *script, CHINESE_FONT]


def _ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def task_size(item: Leaflet) -> float:
    """The task text's size in points on A4 (the A3 poster scales everything by √2): as large as
    lets the list fit the space the card leaves it, between 9 and 18 pt. The space is about
    182 mm × 95 mm; a line takes 1.5 em of height."""
    width_pt, height_pt = 182 / 25.4 * 72, 95 / 25.4 * 72
    for size in (18.0, 16.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0):
        per_line = width_pt / size - 2  # the bullet's indent
        lines = sum(max(1, -(-_ems(t.text) // per_line)) for t in item.tasks)
        if lines * size * 1.5 + len(item.tasks) * size * 0.3 <= height_pt:
            return size
    return 9.0


def payload(item: Leaflet) -> str:
    """The leaflet as the JSON ``leaflet.typ`` reads from ``sys.inputs.leaflet``."""

    def caption(c: Caption) -> dict[str, str]:
        return {"text": c.text, "lang": c.tag.split("-")[0].lower()}

    def shown(s: Shown) -> dict[str, Any]:
        return {"text": s.text, "lang": s.tag.split("-")[0].lower()}

    language = BY_CODE[item.code].tag.split("-")[0].lower()
    return json.dumps(
        {
            "paper": item.size,
            "lang": language,
            "region": "tw" if item.code == SOURCE else None,
            "fonts": fonts(item.code),
            "chinese_font": CHINESE_FONT,
            "title": caption(item.title),
            "agency_name": shown(item.agency_name),
            "agency_label": item.agency_label if item.agency_name.text != item.agency_label else "",
            "phone": item.phone,
            "call_label": caption(item.call_label),
            "tasks_heading": caption(item.tasks_heading),
            "tasks": [shown(t) for t in item.tasks],
            "task_size": task_size(item),
            "page_qr": qr_svg(item.page_url),
            "page_url": item.page_url,
            "page_caption": caption(item.page_caption),
            "call_qr": qr_svg(item.tel_uri) if item.tel_uri else "",
            "call_caption": caption(item.call_caption),
            "hotlines_heading": caption(item.hotlines_heading),
            "hotlines": [
                {"name": caption(h.name), "note": caption(h.note), "number": h.number}
                for h in item.hotlines
            ],
            "version_line": caption(item.version_line),
            "draft_notice": caption(item.draft_notice) if item.draft_notice else None,
            "document_title": f"{item.agency_name.text}｜{item.title.text}",
        },
        ensure_ascii=False,
    )


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(str(TEMPLATE))


def render(item: Leaflet) -> bytes:
    """The leaflet as a one-page PDF with its fonts embedded; the same leaflet always gives the
    same bytes (no date in the PDF), kept in a small per-process cache."""
    key = (item.table_pk, item.agency_slug, item.code, item.size, item.page_url)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
        started = time.perf_counter()
        result, warnings = _compiler().compile_with_warnings(
            format="pdf", sys_inputs={"leaflet": payload(item)}
        )
        if not isinstance(result, bytes):
            raise TypeError("Typst returned no PDF")
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    for warning in warnings:  # such as an uninstalled font
        logger.warning("Typst: %s", warning.message)
    logger.debug("leaflet %s rendered in %.0f ms", key, (time.perf_counter() - started) * 1000)
    return result
