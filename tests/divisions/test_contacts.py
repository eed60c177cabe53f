"""What people need to go there, per table version: address, map link, opening hours, counter
languages, walk-in centres; edited while a draft, read-only once published (decision 0078)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.exceptions import DataFileError
from guankao.core.models import Agency, AuditEntry, Jurisdiction, Role
from guankao.core.permissions import NotPermitted
from guankao.directory.search import invalidation
from guankao.divisions.datafile import load_contacts_file
from guankao.divisions.demo import CONTACTS_FILE
from guankao.divisions.exceptions import VersionPublishedError
from guankao.divisions.hours import TAIPEI, format_hours, parse_hours
from guankao.divisions.models import AgencyContact, DivisionTable, map_search_url
from guankao.divisions.rows import ContactRow
from guankao.divisions.services import (
    agency_contact_details_update,
    division_table_copy,
    table_contacts_replace,
)
from guankao.site.demo import SEEDS
from guankao.tw import YearMonth

pytestmark = pytest.mark.django_db

ADDRESS = "基隆市中正區義一路1號"
HOURS = "1-5 08:30-12:00,13:30-17:30"


def set_details(slug: str, **details: str) -> None:
    """Give the seed version's contact of ``slug`` details, as a test's setup (no service: the
    version is published); the cached directory is told."""
    AgencyContact.objects.filter(table=seed_table(), agency__slug=slug).update(**details)
    invalidation.bump()


def seed_table() -> DivisionTable:
    return DivisionTable.objects.for_jurisdiction("keelung").get(effective_month__year=2023)


def contact(table: DivisionTable, slug: str) -> AgencyContact:
    return AgencyContact.objects.select_related("table__jurisdiction").get(
        table=table, agency__slug=slug
    )


def coordinator() -> User:
    user = User.objects.create_user("coordinator", password="x" * 12)
    membership_grant(
        user=user,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="keelung"),
        actor=None,
    )
    return user


# --- hours ----------------------------------------------------------------------------------


def test_hours_are_read_and_written_back() -> None:
    hours = parse_hours("1-5 08:30-12:00,13:30-17:30; 6 9:00-12:00")
    assert [h.spec() for h in hours] == [
        "1-5 08:30-12:00",
        "1-5 13:30-17:30",
        "6 09:00-12:00",
    ]
    with translation.override("zh-hant"):
        assert format_hours(hours) == "週一至週五 8:30–12:00、13:30–17:30；週六 9:00–12:00"
        assert format_hours(parse_hours("1-7 00:00-24:00")) == "24 小時"
        assert format_hours(parse_hours("6,7 10:00-16:00")) == "週六、週日 10:00–16:00"
        assert format_hours(parse_hours("1,3-5 10:00-16:00")) == "週一、週三至週五 10:00–16:00"
    assert parse_hours("") == ()


@pytest.mark.parametrize(
    "text", ["1-5", "8 09:00-17:00", "5-1 09:00-17:00", "1-5 17:00-09:00", "1-5 25:00-26:00", "x"]
)
def test_unreadable_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(text)


def test_open_at_is_read_on_taipei_time() -> None:
    (morning, afternoon) = parse_hours(HOURS)
    wednesday = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=TAIPEI)  # lunch break
    assert not morning.open_at(wednesday) and not afternoon.open_at(wednesday)
    assert afternoon.open_at(wednesday.replace(hour=13, minute=30))
    assert not afternoon.open_at(wednesday.replace(hour=17, minute=30))  # closes at 17:30
    # 01:00 UTC is 09:00 in Taipei.
    assert morning.open_at(datetime.datetime(2026, 12, 2, 1, 0, tzinfo=datetime.UTC))


def test_the_map_link_searches_the_address() -> None:
    assert map_search_url("") == ""
    url = map_search_url(ADDRESS)
    assert url.startswith("https://www.google.com/maps/search/?api=1&query=")
    assert "%E5%9F%BA%E9%9A%86" in url  # 基隆, encoded


# --- the seed ---------------------------------------------------------------------------------


def test_the_seed_lists_the_walk_in_centre_without_inventing_its_address() -> None:
    centre = contact(seed_table(), "keelung-family-centre")
    assert centre.walk_in
    assert centre.name == "新住民家庭服務中心"
    assert (centre.address, centre.phone, centre.opening_hours) == ("", "", "")
    agency = Agency.objects.get(slug="keelung-family-centre")
    assert agency.parent is not None and agency.parent.slug == "keelung-social"
    # No agency of the seed table has an address, hours or counter language: none is known.
    others = AgencyContact.objects.filter(table=seed_table(), walk_in=False)
    assert not others.exclude(address="", opening_hours="", counter_languages="").exists()


def test_loading_the_contacts_again_writes_nothing() -> None:
    entries = AuditEntry.objects.count()
    load_contacts_file(path=SEEDS / CONTACTS_FILE, actor=None)
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("agencies: [{slug: keelung-police, opening_hours: '1-5 9-17'}]", "opening_hours"),
        (
            "agencies: [{slug: keelung-police, counter_languages: 'zh-hant,xx'}]",
            "counter_languages",
        ),
        ("agencies: [{slug: nobody}]", "slug"),
        ("walk_in_centres: [{slug: c, name: 中心, phone: '12'}]", "phone"),
    ],
)
def test_a_broken_contacts_file_names_the_field(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(f'jurisdiction: keelung\nversion: "112.7"\n{body}\n', encoding="utf-8")
    with pytest.raises(DataFileError) as problem:
        load_contacts_file(path=path, actor=None)
    assert problem.value.field == field


# --- staff edits ------------------------------------------------------------------------------


def test_a_draft_takes_the_details_and_a_published_version_refuses_them() -> None:
    user = coordinator()
    draft = division_table_copy(source=seed_table(), version=YearMonth(2025, 1), actor=user)
    police = contact(draft, "keelung-police")
    agency_contact_details_update(
        contact=police,
        address=ADDRESS,
        opening_hours=HOURS,
        hours_note="國定假日休息",
        counter_languages="zh-hant, vi",
        walk_in=False,
        actor=user,
    )
    police.refresh_from_db()
    assert (police.address, police.counter_languages) == (ADDRESS, "zh-hant,vi")
    assert police.languages == ("zh-hant", "vi")
    assert AuditEntry.objects.filter(action="update", object_id=str(police.pk)).exists()

    with pytest.raises(VersionPublishedError):
        agency_contact_details_update(
            contact=contact(seed_table(), "keelung-police"),
            address=ADDRESS,
            opening_hours="",
            hours_note="",
            counter_languages="",
            walk_in=False,
            actor=user,
        )
    with pytest.raises(ValidationError) as problem:
        agency_contact_details_update(
            contact=police,
            address="",
            opening_hours="1-5 17:00-09:00",
            hours_note="",
            counter_languages="tlh",
            walk_in=False,
            actor=user,
        )
    assert set(problem.value.message_dict) == {"opening_hours", "counter_languages"}
    with pytest.raises(NotPermitted):
        agency_contact_details_update(
            contact=police,
            address="",
            opening_hours="",
            hours_note="",
            counter_languages="",
            walk_in=False,
            actor=User.objects.create_user("nobody"),
        )


def test_a_new_version_starts_from_the_published_details() -> None:
    table = seed_table()
    AgencyContact.objects.filter(table=table, agency__slug="keelung-police").update(
        address=ADDRESS, opening_hours=HOURS, counter_languages="zh-hant,en"
    )
    copy = division_table_copy(source=table, version=YearMonth(2025, 2), actor=None)
    assert contact(copy, "keelung-police").address == ADDRESS
    assert contact(copy, "keelung-family-centre").walk_in

    # An import writes a new version's contacts from its file: the details and the walk-in
    # centre carry over from the version in force.
    draft = DivisionTable.objects.create(
        jurisdiction=table.jurisdiction,
        title=table.title,
        effective_month=datetime.date(2025, 3, 1),
    )
    police = Agency.objects.select_related("parent").get(slug="keelung-police")
    table_contacts_replace(table=draft, contacts=[ContactRow.of_agency(police)], actor=None)
    carried = contact(draft, "keelung-police")
    assert (carried.address, carried.opening_hours) == (ADDRESS, HOURS)
    assert contact(draft, "keelung-family-centre").walk_in
    # The same contacts again write nothing, and keep the walk-in centre.
    entries = AuditEntry.objects.count()
    table_contacts_replace(table=draft, contacts=[ContactRow.of_agency(police)], actor=None)
    assert AuditEntry.objects.count() == entries


def test_the_admin_edits_a_drafts_contacts_and_shows_a_published_ones_read_only(
    client: Client,
) -> None:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    published = seed_table()
    draft = division_table_copy(source=published, version=YearMonth(2025, 4), actor=None)

    def fields(table: DivisionTable) -> set[str]:
        response = client.get(f"/admin/divisions/divisiontable/{table.pk}/change/")
        assert response.status_code == 200
        tree = html.fromstring(response.content.decode())
        return {e.get("name") for e in tree.xpath("//input|//textarea|//select") if e.get("name")}

    assert "contacts-0-address" in fields(draft)
    assert "contacts-0-counter_languages" in fields(draft)
    # Read-only: only the inline's hidden keys remain, nothing to type into.
    shown = {name for name in fields(published) if name.startswith("contacts-0-")}
    assert shown <= {"contacts-0-id", "contacts-0-table"}


def test_the_admin_edits_a_hotline_schedule(client: Client) -> None:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    response = client.get("/admin/divisions/hotline/")
    assert response.status_code == 200
    assert "1990" in response.content.decode()


# --- the agency page --------------------------------------------------------------------------


def agency_page(client: Client, slug: str, **params: str) -> Any:
    response = client.get(f"/directory/keelung/agencies/{slug}/", params)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


@pytest.mark.parametrize("code", ["zh-hant", "vi"])
def test_the_agency_page_says_how_to_go_there(client: Client, code: str) -> None:
    set_details(
        "keelung-police",
        address=ADDRESS,
        opening_hours=HOURS,
        hours_note="國定假日休息",
        counter_languages="zh-hant,vi",
    )
    tree = agency_page(client, "keelung-police", lang=code)
    details = tree.xpath("//dl[@class='contact']")[0]
    assert details.xpath(".//span[@class='address']")[0].text == ADDRESS
    assert details.xpath(".//a[@class='map']")[0].get("href") == map_search_url(ADDRESS)
    with translation.override(code):
        hours = format_hours(parse_hours(HOURS))
        languages = "、".join(
            [str(translation.gettext("中文")), str(translation.gettext("越南語"))]
        )
    assert details.xpath(".//span[@class='hours']")[0].text == hours
    assert details.xpath(".//span[@class='hours-note']")[0].text == "國定假日休息"
    shown_languages = details.xpath(".//dd[@class='counter-languages']")[0].text
    assert shown_languages.replace(", ", "、") == languages


def test_the_phone_shows_with_its_area_code(client: Client) -> None:
    tree = agency_page(client, "keelung-police")
    call = tree.xpath("//main//a[@class='call']")[0]
    assert call.get("href") == "tel:+886224252787"
    assert call.xpath("./span[@class='number']")[0].text == "(02)2425-2787"
    civil = agency_page(client, "keelung-civil-affairs").xpath("//main//a[@class='call']")[0]
    assert civil.get("href") == "tel:+886224201122,1632"
    assert civil.xpath("./span[@class='number']")[0].text == "(02)2420-1122"
    assert "1632" in civil.xpath("./span[@class='extension']")[0].text


def test_an_agency_without_details_shows_none(client: Client) -> None:
    assert not agency_page(client, "keelung-health").xpath("//dl[@class='contact']")


def test_the_walk_in_centre_has_a_page_and_is_listed_under_its_agency(client: Client) -> None:
    social = agency_page(client, "keelung-social")
    links = social.xpath("//section[@class='walk-in-centres']//a/@href")
    assert any("/agencies/keelung-family-centre/" in href for href in links)
    centre = agency_page(client, "keelung-family-centre")
    assert centre.xpath("//dl[@class='contact']/dt[@class='walk-in']")
    assert centre.xpath("//dd[@class='unknown']")  # the address is not known: it says so
    assert not centre.xpath("//a[@class='map']")
