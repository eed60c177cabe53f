"""Hotlines as data: the published 1990 / 113 / 110 schedules, which answer in a language now
(Asia/Taipei), corrections in the data, and what the pages say (decision 0078)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from lxml import html  # type: ignore[import-untyped]

from guankao.core.exceptions import DataFileError
from guankao.core.models import AuditEntry
from guankao.directory import hotlines
from guankao.directory.search import invalidation
from guankao.directory.snapshot import get_directory
from guankao.divisions.datafile import load_hotlines, parse_hotlines_file
from guankao.divisions.hotlines import HotlineInfo, LanguageHours, read_hotlines
from guankao.divisions.hours import TAIPEI, parse_hours
from guankao.divisions.models import Hotline, HotlineHours
from guankao.divisions.services import hotline_upsert

pytestmark = pytest.mark.django_db

# 2026-12-02 is a Wednesday; 2026-12-05 a Saturday.
WEDNESDAY_10 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=TAIPEI)
WEDNESDAY_17 = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=TAIPEI)
WEDNESDAY_23 = datetime.datetime(2026, 12, 2, 23, 30, tzinfo=TAIPEI)
SATURDAY_10 = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=TAIPEI)


def numbers(lines: list[hotlines.Hotline]) -> list[str]:
    return [h.number for h in lines]


def test_the_seed_holds_the_published_schedules() -> None:
    infos = {info.number: info for info in read_hotlines()}
    assert list(infos) == ["1990", "113", "110"]
    assert infos["1990"].languages == ("zh-hant", "en", "ja", "vi", "id", "th", "km")
    for code in ("zh-hant", "en", "ja"):
        entry = infos["1990"].hours_in(code)
        assert entry is not None and entry.all_day
    for code in ("vi", "id", "th", "km"):
        entry = infos["1990"].hours_in(code)
        assert entry is not None and not entry.all_day
        assert [h.spec() for h in entry.hours] == ["1-5 09:00-17:00"]
    vietnamese_113 = infos["113"].hours_in("vi")
    assert vietnamese_113 is not None and vietnamese_113.note == "有通譯"
    assert infos["110"].languages == ("zh-hant",)
    assert HotlineHours.objects.count() == 7 + 6 + 1


@pytest.mark.parametrize(
    ("language", "moment", "expected"),
    [
        ("vi", WEDNESDAY_10, ["1990", "113"]),
        ("vi", WEDNESDAY_17, ["113"]),  # 1990's Vietnamese closes at 17:00
        ("vi", SATURDAY_10, ["113"]),  # weekdays only
        ("th", WEDNESDAY_23, ["113"]),
        ("ja", WEDNESDAY_23, ["1990"]),  # 24 hours at 1990; 113 lists no Japanese
        ("en", SATURDAY_10, ["1990", "113"]),
        ("zh-hant", WEDNESDAY_23, ["1990", "113", "110"]),
        ("zh-hans", WEDNESDAY_23, ["1990", "113", "110"]),  # the same Mandarin operators
        ("my", WEDNESDAY_10, []),  # no line lists Burmese
    ],
)
def test_hotlines_for_a_language_now(
    language: str, moment: datetime.datetime, expected: list[str]
) -> None:
    assert numbers(hotlines.hotlines_for(language, moment)) == expected


def test_the_time_is_read_in_taipei() -> None:
    # 01:30 UTC on a Wednesday is 09:30 in Taipei: 1990 answers in Vietnamese.
    utc = datetime.datetime(2026, 12, 2, 1, 30, tzinfo=datetime.UTC)
    assert hotlines.available_now(hotlines.IMMIGRANT, "vi", utc)
    # 09:30 UTC is 17:30 in Taipei: it does not.
    assert not hotlines.available_now(hotlines.IMMIGRANT, "vi", utc.replace(hour=9))


def test_module_attributes_still_read_as_before() -> None:
    assert numbers(list(hotlines.ALL)) == ["1990", "113", "110"]
    assert numbers(list(hotlines.URGENT)) == ["113", "110"]
    assert hotlines.PROTECTION.phone.tel_uri == "tel:113"
    assert str(hotlines.POLICE.name) == "110 報案專線"
    with pytest.raises(AttributeError):
        hotlines.NOTHING  # noqa: B018


def test_a_correction_in_the_data_is_what_the_pages_read() -> None:
    line = next(info for info in read_hotlines() if info.number == "1990")
    assert numbers(hotlines.hotlines_for("fil", WEDNESDAY_10)) == []
    corrected = HotlineInfo(
        slug=line.slug,
        number=line.number,
        name=line.name,
        note=line.note,
        urgent=False,
        schedule=(
            *line.schedule,
            LanguageHours("fil", parse_hours("1-5 09:00-12:00,13:00-17:00")),
        ),
    )
    hotline_upsert(info=corrected, position=1, actor=None)
    assert numbers(hotlines.hotlines_for("fil", WEDNESDAY_10)) == ["1990"]
    assert numbers(hotlines.hotlines_for("fil", WEDNESDAY_10.replace(hour=12, minute=30))) == []
    assert AuditEntry.objects.filter(action="create", object_type__contains="hotline").exists()


def test_loading_the_seed_again_writes_nothing() -> None:
    path = hotlines.SEED_FILE
    entries = AuditEntry.objects.count()
    load_hotlines(path=path, actor=None)
    assert AuditEntry.objects.count() == entries


def test_without_data_the_published_schedule_is_shown() -> None:
    HotlineHours.objects.all().delete()
    Hotline.objects.all().delete()
    assert numbers(list(hotlines.ALL)) == ["1990", "113", "110"]
    assert numbers(hotlines.hotlines_for("vi", SATURDAY_10)) == ["113"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            "hotlines: [{slug: a, number: '1990', name: x, languages: [{language: xx, hours: '1-5 09:00-17:00'}]}]",
            "language",
        ),
        (
            "hotlines: [{slug: a, number: '1990', name: x, languages: [{language: vi, hours: '1-5 17:00-09:00'}]}]",
            "hours",
        ),
        ("hotlines: [{slug: a, number: 'abc', name: x, languages: []}]", "number"),
    ],
)
def test_a_broken_hotlines_file_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as problem:
        parse_hotlines_file(path)
    assert problem.value.field == field


def test_what_a_hotline_says_to_a_vietnamese_reader() -> None:
    with translation.override("zh-hant"):
        open_now = hotlines.show(hotlines.IMMIGRANT, "vi", WEDNESDAY_10)
        closed = hotlines.show(hotlines.IMMIGRANT, "vi", SATURDAY_10)
        interpreted = hotlines.show(hotlines.PROTECTION, "vi", SATURDAY_10)
        none = hotlines.show(hotlines.POLICE, "vi", WEDNESDAY_10)
    assert open_now.available and open_now.status == "現在可用越南語"
    assert open_now.hours == "越南語服務時間：週一至週五 9:00–17:00"
    assert not closed.available and closed.status == "現在不是越南語服務時間"
    assert interpreted.available and interpreted.status == "現在可用越南語（有通譯）"
    assert interpreted.hours == "越南語服務時間：24 小時"
    assert not none.available and none.status == "此專線沒有越南語服務" and none.hours == ""
    assert "日語：24 小時" in open_now.schedule


def _hotline_items(client: Client, **params: str) -> dict[str, Any]:
    response = client.get("/directory/keelung/", params)
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    section = tree.xpath("//section[@aria-labelledby='hotlines-title']")[0]
    return {li.get("data-hotline"): li for li in section.xpath(".//ul[@class='hotlines']/li")}


@pytest.mark.parametrize("code", ["vi", "zh-hant", "en"])
def test_the_home_page_says_what_answers_now(client: Client, settings: Any, code: str) -> None:
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T10:00:00+08:00"
    items = _hotline_items(client, lang=code)
    assert list(items) == ["1990", "113", "110"]
    with translation.override(code):
        expected = hotlines.show(hotlines.IMMIGRANT, code, WEDNESDAY_10)
    status = items["1990"].xpath(".//span[contains(@class, 'availability')]")[0]
    assert status.text_content() == expected.status
    assert "available" in status.get("class").split()
    assert items["1990"].xpath(".//a[@href='tel:1990']")


def test_the_home_page_on_saturday(client: Client, settings: Any) -> None:
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-05T10:00:00"  # naive: Asia/Taipei
    items = _hotline_items(client, lang="vi")
    status = items["1990"].xpath(".//span[contains(@class, 'availability')]")[0]
    assert "unavailable" in status.get("class").split()
    with translation.override("vi"):
        hours = hotlines.show(hotlines.IMMIGRANT, "vi", SATURDAY_10).hours
    assert items["1990"].xpath(".//span[@class='hours']")[0].text_content() == f"｜{hours}"


def test_an_edit_made_outside_the_services_reaches_every_cached_directory(
    client: Client, settings: Any
) -> None:
    """The pages read the hotlines their cached directory holds. An admin's edit (a plain model
    save, no service) moves the directory's generation row in the database, so every server's
    copy is rebuilt on its next request, not only this process's."""
    settings.GUANKAO_DIRECTORY_NOW = "2026-12-02T10:00:00+08:00"
    before = get_directory("keelung")
    assert before is not None and numbers(list(before.hotlines)) == ["1990", "113", "110"]
    assert get_directory("keelung") is before  # cached
    generation = invalidation.generation()
    line = Hotline.objects.get(number="1990")
    line.number = "0800-024-111"
    line.save()
    assert invalidation.generation() != generation
    after = get_directory("keelung")
    assert after is not before and after is not None
    assert numbers(list(after.hotlines))[0] == "0800-024-111"
    assert "0800-024-111" in _hotline_items(client, lang="vi")
    # The schedule's rows move it too.
    generation = invalidation.generation()
    HotlineHours.objects.filter(hotline=line, language="vi").delete()
    assert invalidation.generation() != generation
    rebuilt = get_directory("keelung")
    assert rebuilt is not None and rebuilt is not after
    with translation.override("vi"):
        status = hotlines.show(rebuilt.hotlines[0], "vi", WEDNESDAY_10).status
        expected = translation.gettext("此專線沒有%(language)s服務") % {
            "language": hotlines.language_name("vi")
        }
    assert status == expected
    assert expected in _hotline_items(client, lang="vi")["0800-024-111"].text_content()
