"""Unanswered needs (decision 0082): normalisation that keeps no personal data, the threshold of
3 kept in the database itself, counting under concurrent requests, the search view's hook, and
the staff page with its CSV export."""

from __future__ import annotations

import csv
import datetime
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.utils import timezone
from lxml import html  # type: ignore[import-untyped]

from guankao.core.accounts import membership_grant
from guankao.core.models import Jurisdiction, Role
from guankao.directory.models import UNANSWERED_THRESHOLD, UnansweredNeed
from guankao.directory.selectors import unanswered_needs
from guankao.directory.services import unanswered_record
from guankao.directory.unanswered import normalise_question, question_digest

TAIPEI = datetime.timezone(datetime.timedelta(hours=8))
NOV = datetime.datetime(2026, 11, 15, 10, 0, tzinfo=TAIPEI)
DEC = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=TAIPEI)
# Nothing the directory answers: a need the table does not cover.
GAP = "推薦好吃的牛肉麵"


def record(text: str = GAP, *, when: datetime.datetime = NOV, language: str = "zh-hant") -> bool:
    return unanswered_record(jurisdiction="keelung", language=language, text=text, when=when)


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("  小孩   發展 比較慢？？ ", "zh-hant", "小孩發展比較慢"),
        ("小孩发展比较慢", "zh-hans", "小孩發展比較慢"),  # Simplified → Traditional (s2twp)
        ("ＭＹ　Child is SLOW!", "en", "my child is slow"),  # NFKC, case, whitespace
        ("学校に行きたい", "ja", "学校に行きたい"),  # Japanese keeps its kanji
        ("ลูกพูดช้า", "th", "ลูกพูดช้า"),  # Thai left as typed
        ("ที่ไหนดี", "th", "ที่ไหนดี"),  # a final vowel mark is a letter, not punctuation
    ],
)
def test_normalised_text(raw: str, language: str, expected: str) -> None:
    assert normalise_question(raw, language=language) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "我的電話0912345678請回電",
        "我的電話 0912-345-678 請回電",
        "我的電話（02）2425-8000請回電",
        "我的電話+886 912 345 678請回電",
        "我的電話０９１２３４５６７８請回電",  # full-width digits
        "我的電話〇九一二三四五六七八請回電",  # spelled in Chinese numerals
        "我的電話 amy.chen+tw@example.com.tw 請回電",
        "我的電話 @amy_line 請回電",
        "我的電話 https://example.com/?id=A123456789 請回電",
        "我的電話A123456789請回電",  # national ID
        "我的電話AC01234567請回電",  # old residence permit
        "我的電話F812345678請回電",  # new residence permit
        "我的電話๐๘๑๒๓๔๕๖๗๘請回電",  # Thai digits
    ],
)
def test_personal_data_is_removed(raw: str) -> None:
    text = normalise_question(raw, language="zh-hant")
    assert text == "我的電話請回電"
    assert not any(ch.isdigit() for ch in text)


def test_bounded_length_and_nothing_left() -> None:
    long = normalise_question("麵" * 5000, language="zh-hant")
    assert long == "麵" * 100
    assert normalise_question("0912345678", language="zh-hant") == ""
    assert normalise_question("？！…", language="zh-hant") == ""
    assert normalise_question("\x00\u200b", language="en") == ""


def test_digest_is_keyed_by_month() -> None:
    nov, dec = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)
    assert question_digest(GAP, month=nov) == question_digest(GAP, month=nov)
    assert question_digest(GAP, month=nov) != question_digest(GAP, month=dec)
    assert len(question_digest(GAP, month=nov)) == 64


# --- the threshold -----------------------------------------------------------------------


@pytest.mark.django_db
def test_no_text_below_the_threshold() -> None:
    assert record() and record(" 推薦好吃的 牛肉麵？")  # the same question twice
    row = UnansweredNeed.objects.get()
    assert (row.count, row.text, row.month) == (2, "", datetime.date(2026, 11, 1))
    assert row.digest == question_digest(GAP, month=datetime.date(2026, 11, 1))
    assert GAP not in str(list(UnansweredNeed.objects.values()))
    assert unanswered_needs(jurisdiction_slug="keelung") == []
    record()
    row.refresh_from_db()
    assert (row.count, row.text) == (UNANSWERED_THRESHOLD, GAP)
    record()
    row.refresh_from_db()
    assert (row.count, row.text) == (4, GAP)
    [shown] = unanswered_needs(jurisdiction_slug="keelung")
    assert (shown.month, shown.language, shown.text, shown.count) == (
        datetime.date(2026, 11, 1),
        "zh-hant",
        GAP,
        4,
    )


@pytest.mark.django_db
def test_the_database_refuses_a_text_below_the_threshold() -> None:
    keelung = Jurisdiction.objects.get(slug="keelung")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnansweredNeed.objects.create(
            jurisdiction=keelung, month=datetime.date(2026, 11, 1), language="en",
            digest="x" * 64, text="a name", count=2,
        )  # fmt: skip


@pytest.mark.django_db
def test_months_languages_and_jurisdictions_are_counted_apart() -> None:
    for _ in range(3):
        record()
        record(language="vi")
        unanswered_record(jurisdiction="hsinchu", language="zh-hant", text=GAP, when=NOV)
    for _ in range(3):  # December comes after November (its first digest purges November's)
        record(when=DEC)
    assert UnansweredNeed.objects.count() == 4
    assert all(row.count == 3 for row in UnansweredNeed.objects.all())
    rows = unanswered_needs(jurisdiction_slug="keelung")
    assert [(r.month.month, r.language) for r in rows] == [
        (12, "zh-hant"),
        (11, "vi"),
        (11, "zh-hant"),
    ]
    nov = unanswered_needs(
        jurisdiction_slug="keelung",
        first=datetime.date(2026, 11, 1),
        last=datetime.date(2026, 11, 30),
    )
    assert {r.month for r in nov} == {datetime.date(2026, 11, 1)}


@pytest.mark.django_db
def test_past_months_below_the_threshold_are_deleted() -> None:
    record("只問過一次的問題")
    for _ in range(3):
        record()
    assert UnansweredNeed.objects.count() == 2
    record(when=DEC)  # the first new digest of December
    left = {(r.month.month, r.count) for r in UnansweredNeed.objects.all()}
    assert left == {(11, 3), (12, 1)}  # November's single question is gone, its 3 stay


@pytest.mark.django_db
def test_unusable_input_is_not_counted() -> None:
    assert not record("0912345678")
    assert not record(language="xx")
    assert not unanswered_record(jurisdiction="nowhere", language="en", text="help", when=NOV)
    assert not UnansweredNeed.objects.exists()


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lost_race_to_insert_still_counts() -> None:
    """Another request inserts the row between this one's UPDATE (no row yet) and its INSERT:
    the INSERT fails on the unique constraint and the count is added by the retried UPDATE."""
    keelung = Jurisdiction.objects.get(slug="keelung")
    month = datetime.date(2026, 11, 1)
    raced: list[bool] = []

    def competitor(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        result = execute(sql, params, many, ctx)
        if sql.startswith("UPDATE") and "unansweredneed" in sql and not raced:
            raced.append(True)  # this request's UPDATE found no row: now the other one wins
            UnansweredNeed.objects.create(
                jurisdiction=keelung, month=month, language="zh-hant",
                digest=question_digest(GAP, month=month), count=2,
            )  # fmt: skip
        return result

    with connection.execute_wrapper(competitor):
        assert record()
    assert raced
    row = UnansweredNeed.objects.get()
    assert (row.count, row.text) == (3, GAP)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is run by the test above")
    from guankao.site.demo import load_seed_documents

    load_seed_documents()
    threads = 8
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                record()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    row = UnansweredNeed.objects.get()
    assert (row.count, row.text) == (threads * 5, GAP)


# --- the search view ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_weak_search_is_counted_and_a_good_one_is_not(client: Client) -> None:
    for _ in range(3):
        assert (
            client.get("/directory/keelung/", {"q": "推薦好吃的牛肉麵 0912345678"}).status_code
            == 200
        )
    assert client.get("/directory/keelung/", {"q": "我想申請歸化國籍"}).status_code == 200
    row = UnansweredNeed.objects.get()
    assert (row.language, row.count, row.text) == ("zh-hant", 3, GAP)
    assert row.month == timezone.localdate().replace(day=1)
    assert client.get("/directory/keelung/", {"q": GAP, "lang": "vi"}).status_code == 200
    assert UnansweredNeed.objects.filter(language="vi").count() == 1


@pytest.mark.django_db
def test_counting_costs_one_query_once_the_row_exists(
    client: Client, django_assert_num_queries: Any
) -> None:
    record()
    with django_assert_num_queries(1):
        record()


# --- the staff page ------------------------------------------------------------------------


def keelung_user(username: str, role: Role, slug: str = "keelung") -> User:
    user = User.objects.create_user(username, password="x" * 12)
    membership_grant(
        user=user, role=role, jurisdiction=Jurisdiction.objects.get(slug=slug), actor=None
    )
    return user


@pytest.fixture
def counted(db: None) -> None:
    for _ in range(4):
        record()
    for _ in range(3):
        record("my child is slow to develop", language="en", when=DEC)
    record("只問過兩次")
    record("只問過兩次")
    for _ in range(3):
        unanswered_record(jurisdiction="hsinchu", language="zh-hant", text="新竹的問題", when=NOV)


URL = "/directory/staff/unanswered/"


def test_staff_page_lists_by_month_from_the_threshold(client: Client, counted: None) -> None:
    client.force_login(keelung_user("reviewer", Role.REVIEWER))
    response = client.get(URL)
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    months = [" ".join(h.text_content().split()) for h in tree.xpath("//main//h2")]
    assert months == ["115年12月", "115年11月"]
    rows = [
        [" ".join(c.text_content().split()) for c in tr.xpath("./td|./th")]
        for tr in tree.xpath("//main//table/tbody/tr")
    ]
    assert ["my child is slow to develop", "English", "3"] in rows
    assert [GAP, "繁體中文", "4"] in rows
    body = response.content.decode()
    assert "只問過兩次" not in body and "新竹的問題" not in body


def test_staff_csv_export(client: Client, counted: None) -> None:
    client.force_login(keelung_user("reviewer", Role.REVIEWER))
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows.index(["縣市", "月份", "語言", "查詢內容", "次數"])
    assert rows[header + 1 :] == [
        ["基隆市", "2026-12", "en", "my child is slow to develop", "3"],
        ["基隆市", "2026-11", "zh-hant", GAP, "4"],
    ]


def test_staff_page_needs_a_role_in_the_jurisdiction(client: Client, counted: None) -> None:
    assert client.get(URL).status_code == 302  # signed out: to the sign-in page
    client.force_login(User.objects.create_user("nobody", password="x" * 12))
    assert client.get(URL).status_code == 403
    client.force_login(keelung_user("hsinchu", Role.REVIEWER, slug="hsinchu"))
    body = client.get(URL).content.decode()
    assert "新竹的問題" in body and GAP not in body
    assert client.get(URL, {"jurisdiction": "keelung"}).status_code == 403
    assert client.get(URL, {"jurisdiction": "atlantis"}).status_code == 404


def test_nothing_about_the_request_is_stored() -> None:
    """The table has room for the normalised text, language, month and count only."""
    fields = {f.name for f in UnansweredNeed._meta.get_fields()}
    assert fields == {"id", "jurisdiction", "month", "language", "digest", "text", "count"}
    assert UnansweredNeed._meta.get_field("text").max_length == 100


def test_staff_page_queries_do_not_grow_with_rows(
    client: Client, counted: None, django_assert_max_num_queries: Any
) -> None:
    client.force_login(keelung_user("reviewer", Role.REVIEWER))
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
    for n in range(5):
        for _ in range(3):
            record(f"另一個沒有答案的問題{'甲乙丙丁戊'[n]}", when=DEC)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
