"""Safety on the public directory (issue 15, item 3; decision 0076): a quick exit on every
public page, the question never in ``<title>``, a note on clearing history by violence answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client
from lxml import html  # type: ignore[import-untyped]

from guankao.directory.languages import BY_CODE
from guankao.directory.views import QUICK_EXIT_URL

URL = "/directory/keelung/"
HISTORY_NOTE = "清除瀏覽紀錄"


def parse(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content.decode())


def exit_links(tree: Any) -> Any:
    return tree.xpath("//main//a[@data-quick-exit]")


@pytest.mark.django_db
def test_every_public_directory_page_has_the_quick_exit(client: Client) -> None:
    """Crawl /directory/ as the public does (not the staff pages): each page has the exit."""
    seen: set[str] = set()
    queue = ["/directory/", URL, URL + "?q=老公打我", URL + "?q=pizza"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        tree = parse(client, url)
        links = exit_links(tree)
        assert len(links) == 1, url
        assert links[0].get("href") == QUICK_EXIT_URL
        assert "noreferrer" in links[0].get("rel")
        assert links[0].text_content().strip() == "快速離開"
        assert tree.xpath("//script[contains(@src, 'directory/quick-exit.js')]"), url
        for href in tree.xpath("//main//a/@href"):
            target = urljoin(url, href)
            path = urlparse(target).path
            # Pages only: the leaflets (PDF) and the data files have no exit to show.
            page = not path.endswith((".pdf", ".json", ".csv"))
            if path.startswith("/directory/") and not path.startswith("/directory/staff/") and page:
                queue.append(path)  # each page once, in the browser's language
    assert len(seen) > 20  # home, the areas and the agencies were reached


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(BY_CODE))
def test_the_exit_is_in_every_language(client: Client, code: str) -> None:
    tree = parse(client, f"{URL}?lang={code}")
    label = exit_links(tree)[0].text_content().strip()
    if code == "zh-hant":
        assert label == "快速離開"
    else:
        assert label and label != "快速離開", code


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(BY_CODE))
@pytest.mark.parametrize("query", ["老公打我", "my husband hits me", "家暴 保護令"])
def test_the_question_is_never_in_the_title_or_heading(
    client: Client, code: str, query: str
) -> None:
    tree = parse(client, f"{URL}?q={query}&lang={code}")
    title = tree.findtext(".//title")
    assert title
    # The whole question and its telling words ("hits", "me" occur in other languages' words).
    for word in [query, *(w for w in query.split() if len(w) > 4 or not w.isascii())]:
        assert word not in title
        assert all(word not in h for h in (e.text_content() for e in tree.xpath("//h1 | //h2")))
    # It stays in the page body: the search box keeps it for the next try.
    assert tree.xpath("//input[@name='q']/@value") == [query]


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(BY_CODE))
def test_violence_answers_say_how_to_clear_history_in_every_language(
    client: Client, code: str
) -> None:
    for url in (f"{URL}?q=家暴&lang={code}", f"{URL}areas/personal-safety/?lang={code}"):
        tree = parse(client, url)
        notes = [
            " ".join(n.text_content().split()) for n in tree.xpath("//p[@class='safety-note']")
        ]
        assert len(notes) == 1, url
        if code == "zh-hant":
            assert HISTORY_NOTE in notes[0]
        else:
            assert HISTORY_NOTE not in notes[0], code  # translated, not the Chinese fallback


@pytest.mark.django_db
def test_no_history_note_on_other_answers(client: Client) -> None:
    tree = parse(client, f"{URL}?q=健保")
    assert not tree.xpath("//p[@class='safety-note']")
