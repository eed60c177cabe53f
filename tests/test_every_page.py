"""Every page and download linked from the home page answers without a server error, for the
public and for each demo role, on the demo data (seed documents and the sample period 113H1).

The crawl follows links as a person would, so a template that fails only on some demo record
(a version saved by the system, a comment without author…) shows up here."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, urljoin, urlparse

import pytest
from django.test import Client

# The sample period 113H1 (tests/conftest.py loads it once for the module).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cycles_demo_once")]

ClientFor = Callable[[str | None], Client]
ACCOUNTS = [None, "demo-coordinator", "demo-reporter-police", "demo-reviewer", "demo-admin"]
# Left out: files, signing out, and delete confirmations.
SKIP = re.compile(r"^/(static|media)/|/logout/|/delete/")
# The public directory (9 languages × every agency and area) is crawled once, anonymously.
PUBLIC = re.compile(r"^/directory/(?!staff/)")
# Admin change pages of the same model are one template: three of each are enough (there are
# hundreds of audit entries). Every page of the app itself is visited, as a record's own data can
# break its page.
SAME_SHAPE = 3


def shape(url: str) -> str:
    """An admin URL with its numbers replaced (``/admin/core/auditentry/N/change/``); any other
    URL as it is."""
    return re.sub(r"\d+", "N", url) if url.startswith("/admin/") else url


def crawl(client: Client, skip_public: bool = False) -> dict[str, int]:
    """Status of every URL reached from ``/`` (at most ``SAME_SHAPE`` of each shape)."""
    statuses: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        if (url.startswith("/admin/") and "?" in url) or (skip_public and PUBLIC.match(url)):
            continue
        if url in statuses or shapes.get(shape(url), 0) >= SAME_SHAPE:
            continue
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.content.decode()):
            target = urlparse(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc or not target.path.startswith("/") or SKIP.search(target.path):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return statuses


@pytest.mark.slow  # each crawl takes seconds (the admin's over ten); `make test` runs them
@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_page_fails(account: str | None, client_for: ClientFor) -> None:
    client = client_for(account)
    statuses = crawl(client, skip_public=account is not None)
    failed = {url: status for url, status in statuses.items() if status >= 500}
    assert failed == {}
    reached = [url for url, status in statuses.items() if status == 200]
    # The crawl reached the areas this account works in (not just a sign-in page).
    expected = {
        None: ["/directory/keelung/", "/performance/hsinchu-social/108/report.pdf"],
        "demo-coordinator": ["/cycles/", "/imports/", "/directory/staff/"],
        "demo-reporter-police": ["/cycles/submissions/"],
        "demo-reviewer": ["/cycles/", "/performance/"],
        "demo-admin": ["/cycles/", "/imports/", "/admin/"],
    }[account]
    for prefix in expected:
        assert any(url.startswith(prefix) for url in reached), (prefix, len(reached))
    if account != "demo-reporter-police":  # an agency's reporter has no report to download
        assert any(".pdf" in url or "format=pdf" in url for url in reached), "no PDF reached"


def api_reads() -> list[str]:
    """Every GET of the JSON API, for every record of the demo and some bad values."""
    from guankao.cycles.models import ReportingPeriod, Submission

    urls = ["/api/v1/cycles/periods", "/api/v1/cycles/submissions"]
    for period in [*ReportingPeriod.objects.values_list("pk", flat=True), 999_999]:
        urls += [f"/api/v1/cycles/periods/{period}/{part}" for part in ("dashboard", "committee-report")]  # fmt: skip
    for submission in [*Submission.objects.values_list("pk", flat=True), 999_999]:
        urls += [f"/api/v1/cycles/submissions/{submission}", f"/api/v1/cycles/submissions/{submission}/audit"]  # fmt: skip
    for question in ("家暴", "chồng tôi đánh tôi", "", "%", "a" * 2_000, "\u0000"):
        for jurisdiction in ("keelung", "nowhere"):
            urls.append(f"/api/v1/directory/{jurisdiction}/search?q={quote(question)}&lang=vi")
    urls += ["/api/v1/directory/keelung/areas", "/api/v1/directory/nowhere/areas"]
    for org, year in (("hsinchu-social", "108"), ("hsinchu-social", "1"), ("nowhere", "108"), ("hsinchu-social", "abc")):  # fmt: skip
        urls.append(f"/api/v1/performance/reports/{org}/{year}")
    return urls


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_api_read_fails(account: str | None, client_for: ClientFor) -> None:
    client = client_for(account)
    answers = {url: client.get(url) for url in api_reads()}
    assert {url: r.status_code for url, r in answers.items() if r.status_code >= 500} == {}
    for url, response in answers.items():
        assert response["Content-Type"].startswith("application/json"), url
        response.json()  # a body that parses, errors included
    assert answers["/api/v1/directory/keelung/areas"].status_code == 200
