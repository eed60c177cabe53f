"""The page cache (core/page_cache.py, decision 0085): published pages for anonymous readers,
stale on the very next request after an erratum, never per-user content.

The test settings turn the cache off (their rollbacks and factories would mislead it); the
``cache_on`` fixture turns it on, empty, for one test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from guankao.core import page_cache
from guankao.core.models import CacheGeneration, Jurisdiction
from guankao.directory.models import UnansweredNeed
from guankao.performance import services
from guankao.performance.models import Measure, PerformanceReport, ReportRevisionFile
from tests.performance import factories

pytestmark = pytest.mark.django_db

REPORT = "/performance/hsinchu-social/108/"
PDF = REPORT + "report.pdf"
KEELUNG = "/directory/keelung/"


@pytest.fixture
def cache_on(settings: Any) -> Iterator[None]:
    settings.GUANKAO_PAGE_CACHE = True
    # The directory's pages are cached per minute of the clock: a test that asks twice must not
    # straddle a minute's turn (the test that moves the clock sets it itself).
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T10:00:00"
    page_cache.clear()
    yield
    page_cache.clear()


class _Text(HTMLParser):
    """The text of one element (by id) and the ``lang`` of the page."""

    def __init__(self, element_id: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if self.depth:
            self.depth += 1
        elif self.element_id and found.get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def parsed(html: bytes, element_id: str = "") -> _Text:
    parser = _Text(element_id)
    parser.feed(html.decode())
    return parser


def corrections(html: bytes) -> str:
    """The text of the 勘誤說明 section ("" when the page has none)."""
    section = re.search(rb'<section aria-labelledby="h-corrections".*?</section>', html, re.S)
    if section is None:
        return ""
    parser = _Text()
    parser.depth = 1  # every element of the section
    parser.feed(section.group(0).decode())
    return "".join(parser.parts)


def the_108() -> PerformanceReport:
    return PerformanceReport.objects.get(department__slug="hsinchu-social", year=2019)


def measure_8_5() -> Measure:
    return Measure.objects.get(
        indicator__plan__department__slug="hsinchu-social",
        indicator__plan__year=2019,
        indicator__plan__number=8,
        indicator__number=5,
    )


# --- served from the cache ------------------------------------------------------------------


@pytest.mark.usefixtures("cache_on")
@pytest.mark.parametrize("address", [REPORT, PDF, KEELUNG, KEELUNG + "?q=%E5%AE%B6%E6%9A%B4"])
def test_a_published_page_is_served_from_the_cache_the_second_time(
    client: Client, django_assert_num_queries: Any, address: str
) -> None:
    first = client.get(address)
    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")
    with django_assert_num_queries(1):  # the generations and the newest audit entry
        second = client.get(address)
    assert (second.status_code, second["X-Page-Cache"]) == (200, "hit")
    assert second.content == first.content
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "ETag"):
        assert second[header] == first[header], header
    assert second["Cache-Control"] == "public, no-cache"
    assert {v.strip() for v in second["Vary"].split(",")} >= {"Cookie", "Accept-Language"}
    assert not second.cookies
    if address == PDF:
        assert second.content.startswith(b"%PDF")


@pytest.mark.usefixtures("cache_on")
def test_a_revalidation_is_answered_304_and_head_from_the_cache(client: Client) -> None:
    etag = client.get(REPORT)["ETag"]
    unchanged = client.get(REPORT, headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    head = client.head(REPORT)
    assert (head.status_code, head["X-Page-Cache"], head["ETag"]) == (200, "hit", etag)


@pytest.mark.usefixtures("cache_on")
def test_the_cached_public_pages_carry_no_csrf_token(client: Client) -> None:
    for address in (REPORT, KEELUNG, KEELUNG + "?lang=vi"):
        client.get(address)
        html = client.get(address).content.decode()
        assert "csrfmiddlewaretoken" not in html, address
        assert 'method="post"' not in html.lower(), address


# --- stale at once ---------------------------------------------------------------------------


@pytest.mark.usefixtures("cache_on")
def test_an_erratum_published_shows_on_the_next_request(client: Client) -> None:
    before = client.get(REPORT)
    client.get(PDF)
    assert client.get(REPORT)["X-Page-Cache"] == "hit"
    assert corrections(before.content) == ""

    report = factories.open_correction(reason="八.5 實際值誤植")
    # While it is being corrected the public still reads revision 1, from the cache or not.
    assert client.get(REPORT).content == before.content
    services.measure_update(measure=measure_8_5(), data={"actual": Decimal(400)}, actor=None)
    services.report_transition(report=report, transition="republish", actor=None)

    after = client.get(REPORT)
    assert after["X-Page-Cache"] == "miss"
    notice = corrections(after.content)
    assert "八.5 實際值誤植" in notice
    revision_2 = ReportRevisionFile.objects.get(
        revision__report=report, revision__number=2, format="pdf"
    )
    pdf = client.get(PDF)
    assert (pdf["X-Page-Cache"], pdf.content) == ("miss", bytes(revision_2.content))


@pytest.mark.usefixtures("cache_on")
def test_a_generation_moved_by_another_server_makes_the_page_stale(client: Client) -> None:
    """No signal, no process-local state: a bare UPDATE of the row, as another server's
    transaction would commit it, is enough."""
    client.get(REPORT)
    assert client.get(REPORT)["X-Page-Cache"] == "hit"
    CacheGeneration.objects.filter(name=services.PUBLISHED_PAGES).update(value=F("value") + 1)
    assert client.get(REPORT)["X-Page-Cache"] == "miss"
    assert client.get(REPORT)["X-Page-Cache"] == "hit"


@pytest.mark.usefixtures("cache_on")
def test_a_directory_edit_shows_on_the_next_request(client: Client) -> None:
    client.get(KEELUNG)
    assert client.get(KEELUNG)["X-Page-Cache"] == "hit"
    keelung = Jurisdiction.objects.get(slug="keelung")
    keelung.name = "雞籠市"
    keelung.save()  # the directory's signals move its generation
    page = client.get(KEELUNG)
    assert page["X-Page-Cache"] == "miss"
    assert "雞籠市" in page.content.decode()


@pytest.mark.usefixtures("cache_on")
def test_the_directory_is_cached_for_the_minute_its_hotlines_are_shown_for(
    client: Client, settings: Any
) -> None:
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T09:00:10"
    client.get(KEELUNG)
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T09:00:50"
    assert client.get(KEELUNG)["X-Page-Cache"] == "hit"
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T09:01:00"
    assert client.get(KEELUNG)["X-Page-Cache"] == "miss"


# --- never per-user content ------------------------------------------------------------------


@pytest.mark.usefixtures("cache_on")
def test_a_signed_in_user_never_gets_the_cached_copy_nor_fills_it(
    client: Client, client_for: Any
) -> None:
    public = client.get(REPORT)
    assert "登出" not in public.content.decode()
    staff = Client()
    staff.force_login(factories.staff_user())
    for _ in range(2):
        page = staff.get(REPORT)
        html = page.content.decode()
        assert page.status_code == 200
        assert "X-Page-Cache" not in page
        assert "登出" in html and "報告狀態" in html  # their navigation and the staff actions
        assert "no-store" in page["Cache-Control"]
    page_cache.clear()
    staff.get(REPORT)
    again = client.get(REPORT)
    assert again["X-Page-Cache"] == "miss"
    assert "報告狀態" not in again.content.decode()


@pytest.mark.usefixtures("cache_on")
def test_staff_reading_a_live_correction_or_a_draft_are_not_cached(client: Client) -> None:
    factories.open_correction(reason="八.5 實際值誤植")
    services.measure_update(measure=measure_8_5(), data={"actual": Decimal(400)}, actor=None)
    staff = Client()
    staff.force_login(factories.staff_user())
    live = staff.get(REPORT)
    assert "勘誤中" in live.content.decode() and "X-Page-Cache" not in live
    # The public reads revision 1 meanwhile, and is cached; staff still read it live.
    assert client.get(REPORT)["X-Page-Cache"] == "miss"
    assert "勘誤中" not in client.get(REPORT).content.decode()
    assert "勘誤中" in staff.get(REPORT).content.decode()

    draft = "/performance/hsinchu-social/109/"
    services.report_create(
        department=the_108().department, year=2020, actor=None
    )  # a draft: anonymous readers are sent to sign in, which is never cached
    for _ in range(2):
        assert client.get(draft).status_code == 302
    assert "X-Page-Cache" not in client.get(draft)
    assert staff.get(draft).status_code == 200


@pytest.mark.usefixtures("cache_on")
@pytest.mark.parametrize("cookie", ["sessionid", "messages", "tracker"])
def test_a_request_with_a_cookie_of_its_own_is_never_answered_from_the_cache(
    client: Client, cookie: str
) -> None:
    client.get(REPORT)
    assert client.get(REPORT)["X-Page-Cache"] == "hit"
    client.cookies[cookie] = "x"
    assert "X-Page-Cache" not in client.get(REPORT)


@pytest.mark.usefixtures("cache_on")
def test_csrf_and_language_cookies_and_no_cookie_share_the_copy(client: Client) -> None:
    client.get(REPORT)
    client.cookies["csrftoken"] = "a" * 32
    assert client.get(REPORT)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get(REPORT, headers={"Authorization": "Bearer gk_x"})


@pytest.mark.usefixtures("cache_on")
def test_each_language_has_its_own_copy(client: Client) -> None:
    vi = client.get(KEELUNG, headers={"Accept-Language": "vi"})
    en = client.get(KEELUNG, headers={"Accept-Language": "en"})
    assert (vi["X-Page-Cache"], en["X-Page-Cache"]) == ("miss", "miss")
    assert (parsed(vi.content).lang, parsed(en.content).lang) == ("vi", "en")
    again = client.get(KEELUNG, headers={"Accept-Language": "vi"})
    assert again["X-Page-Cache"] == "hit" and parsed(again.content).lang == "vi"
    # ?lang= is part of the query string, which is part of the key.
    th = client.get(KEELUNG + "?lang=th", headers={"Accept-Language": "vi"})
    assert th["X-Page-Cache"] == "miss" and parsed(th.content).lang == "th"


@pytest.mark.usefixtures("cache_on")
def test_a_weak_search_is_counted_every_time_never_cached(client: Client) -> None:
    question = {"q": "推薦好吃的牛肉麵 0912345678"}
    for _ in range(3):
        answer = client.get(KEELUNG, question)
        assert answer.status_code == 200 and "X-Page-Cache" not in answer
    assert UnansweredNeed.objects.get().count == 3


# --- what a response must be to be kept -------------------------------------------------------


@page_cache.published_page("test-pages")
def _sets_a_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("<p>hello</p>")
    response.set_cookie("seen", "1")
    return response


@page_cache.published_page("test-pages")
def _private(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("<p>mine</p>")
    response["Cache-Control"] = "private"
    return response


@page_cache.published_page("test-pages", audited=False)
def _plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{request.GET.get('n', '')}</p>")


def _unmarked(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>not a published page</p>")


urlpatterns = [
    path("cookie/", _sets_a_cookie),
    path("private/", _private),
    path("plain/", _plain),
    path("unmarked/", _unmarked),
    path("", include("guankao.urls")),  # the middleware reverses the project's addresses
]


@pytest.mark.usefixtures("cache_on")
def test_only_plain_200_responses_are_kept(client: Client, settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    for address in ("/cookie/", "/private/", "/unmarked/"):
        for _ in range(2):
            answer = client.get(address)
            assert answer.status_code == 200 and "X-Page-Cache" not in answer, address
    assert client.get("/cookie/").cookies["seen"].value == "1"
    client.cookies.clear()  # with the cookie it set, the client is no longer served from it
    assert client.get("/plain/?n=1")["X-Page-Cache"] == "miss"
    assert client.get("/plain/?n=1")["X-Page-Cache"] == "hit"
    other = client.get("/plain/?n=2")  # the query string is part of the key
    assert (other["X-Page-Cache"], other.content) == ("miss", b"<p>2</p>")
    page_cache.bump("test-pages")
    assert client.get("/plain/?n=1")["X-Page-Cache"] == "miss"


def test_off_by_setting(client: Client, settings: Any) -> None:
    settings.GUANKAO_PAGE_CACHE = False
    page_cache.clear()
    for _ in range(2):
        assert "X-Page-Cache" not in client.get(REPORT)
