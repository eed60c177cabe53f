"""The synthetic country (``guankao demo --national``), the lazy files of a bulk publication,
and the city, national and indicator views drawn from it (issue 14, items 4 and 7)."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guankao.core.accounts import membership_grant
from guankao.core.models import AuditEntry, Jurisdiction, Role
from guankao.performance import overview, selectors
from guankao.performance.models import (
    IndicatorSeries,
    Measure,
    PerformanceReport,
    Plan,
    ReportRevisionFile,
    ReportStatus,
    ShortfallReview,
)
from guankao.performance.scorecard import Light
from guankao.performance.synthetic import Sizes, department_plans, load_country
from guankao.performance.views.overview import totals_row
from guankao.tw import format_count

pytestmark = pytest.mark.django_db

TINY = Sizes(jurisdictions=2, years=2, departments=3, plans=3, indicators=3)
YEAR = 113


def _load(sizes: Sizes = TINY) -> None:
    load_country(sizes=sizes, actor=None)


def _numbers(html: str, row_label: str) -> list[str]:
    """The cells of the table row whose header cell holds ``row_label``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        header = re.search(r"<th[^>]*>(.*?)</th>", row, flags=re.S)
        if header and row_label in re.sub(r"<[^>]+>", "", header.group(1)):
            return [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
    raise AssertionError(f"no row {row_label!r}")


# --- the generator ---------------------------------------------------------------------------


def test_the_country_has_its_sizes_series_with_shared_codes_and_reviewed_shortfalls() -> None:
    _load()
    assert Jurisdiction.objects.filter(slug__startswith="sim-").count() == 2
    assert set(
        Jurisdiction.objects.filter(slug__startswith="sim-").values_list("name", flat=True)
    ) == {
        "臺北市（模擬）",
        "新北市（模擬）",
    }
    reports = PerformanceReport.objects.filter(department__slug__startswith="sim-")
    assert reports.count() == 2 * 3 * 2
    # The last year of every third department stays a draft; the others are published.
    assert reports.filter(status=ReportStatus.DRAFT).count() == 2
    assert all(r.revisions.count() == 1 for r in reports.filter(status=ReportStatus.PUBLISHED))
    plans = Plan.objects.filter(department__slug__startswith="sim-")
    assert plans.count() == 2 * 3 * 2 * 3
    measures = Measure.objects.filter(indicator__plan__in=plans)
    assert measures.count() == 2 * 3 * 2 * 3 * 3
    units = set(measures.exclude(unit="").values_list("unit", flat=True))
    assert units and units <= {"人次", "場", "人", "家", "件", "班", "小時", "戶", "處", "公斤"}
    # Every indicator is in a series; a series holds that indicator's two years.
    assert not measures.filter(indicator__series__isnull=True).exists()
    series = IndicatorSeries.objects.filter(department__slug="sim-taipei-civil")
    assert series.count() == 9
    assert {s.indicators.count() for s in series} == {2}
    # The same code in both cities: the indicators compare across cities.
    codes = Counter(
        IndicatorSeries.objects.filter(
            department__slug__in=["sim-taipei-civil", "sim-new-taipei-civil"]
        ).values_list("code", flat=True)
    )
    assert codes["CIV-01-1"] == 2
    below = [
        m
        for m in measures.filter(kind="numeric")
        if m.actual is not None and m.target is not None and m.actual < m.target
    ]
    assert below, "some measures fall short"
    reviewed = ShortfallReview.objects.filter(measure__in=below).count()
    assert 0 < reviewed <= len(below)


def test_the_same_seed_gives_the_same_plans() -> None:
    assert department_plans(6, 3, Sizes()) == department_plans(6, 3, Sizes())
    taipei = [name for name, _ in department_plans(6, 0, Sizes())]
    assert taipei[0] == "新住民家庭服務推動計畫"
    # The same plan number measures the same thing in every city (shared codes).
    keelung = department_plans(6, 6, Sizes())
    assert [i.text for i in keelung[0][1]] == [
        i.text for i in department_plans(6, 0, Sizes())[0][1]
    ]


def test_a_second_run_writes_nothing() -> None:
    _load()
    entries = AuditEntry.objects.count()
    measures = list(Measure.objects.values_list("pk", "target", "actual").order_by("pk"))
    loaded = load_country(sizes=TINY, actor=None)
    assert (loaded.departments, loaded.skipped, loaded.reports) == (0, 6, 0)
    assert AuditEntry.objects.count() == entries
    assert list(Measure.objects.values_list("pk", "target", "actual").order_by("pk")) == measures


def test_the_demo_command_loads_the_country_and_refuses_bad_sizes() -> None:
    out = io.StringIO()
    call_command(
        "demo",
        "--national",
        "--jurisdictions",
        "1",
        "--years",
        "1",
        "--departments",
        "2",
        "--plans",
        "2",
        stdout=out,
    )
    assert "新載入 2 個機關（2 份報告" in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--national", "--jurisdictions", "23", stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert "--jurisdictions 須介於 1 與 22 之間" in str(refused.value)


# --- lazy files of a bulk publication ----------------------------------------------------------


def test_a_bulk_published_report_renders_each_file_once_then_serves_the_same_bytes(
    client: Client,
) -> None:
    _load(Sizes(jurisdictions=1, years=1, departments=1, plans=2, indicators=2))
    report = PerformanceReport.objects.get(department__slug="sim-taipei-civil")
    revision = report.revisions.get()
    assert not revision.files.exists()
    first = client.get(f"/performance/sim-taipei-civil/{YEAR}/report.csv")
    assert first.status_code == 200
    stored = ReportRevisionFile.objects.get(revision=revision, format="csv")
    assert bytes(stored.content) == first.content
    assert stored.sha256 == hashlib.sha256(first.content).hexdigest()
    assert "宗教禮俗服務推動計畫" in first.content.decode("utf-8-sig")
    again = client.get(f"/performance/sim-taipei-civil/{YEAR}/revisions/1/report.csv")
    assert again.content == first.content
    assert revision.files.count() == 1
    assert AuditEntry.objects.filter(action="revision file", object_id=str(report.pk)).count() == 1


# --- the city view ---------------------------------------------------------------------------


def test_the_city_view_counts_what_each_scorecard_shows(client: Client) -> None:
    _load()
    response = client.get(f"/performance/cities/sim-taipei/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    # Two departments published 113; the third's draft is not shown to the public.
    assert "教育局" not in html and "sim-taipei-education/113/scorecard/" not in html
    shown = {line.department.slug: line for line in response.context["city"].lines}
    assert set(shown) == {"sim-taipei-civil", "sim-taipei-finance"}
    for slug, line in shown.items():
        report = PerformanceReport.objects.select_related("department").get(
            department__slug=slug, year=2024
        )
        card = selectors.scorecard_of(report, staff=False)
        assert line.counts == card.counts
        assert line.unreviewed == len(card.unreviewed)
        cells = _numbers(html, line.department.label)
        assert cells[:4] == [str(card.counts[light]) for light in Light]
        assert cells[4] == f"{sum(p.budget_thousands for p in card.report.plans):,}"
        assert cells[7] == str(len(card.unreviewed))
        assert f'href="/performance/{slug}/{YEAR}/scorecard/"' in html
    totals = _numbers(html, "合計")
    assert int(totals[0]) == sum(line.counts[Light.GREEN] for line in shown.values())


def test_staff_of_the_city_see_its_draft_marked_and_others_do_not() -> None:
    _load()
    staff = User.objects.create_user(username="taipei-coordinator", password="x-very-long-pass")
    membership_grant(
        user=staff,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="sim-taipei"),
        actor=None,
    )
    other = User.objects.create_user(username="other-coordinator", password="x-very-long-pass")
    membership_grant(
        user=other,
        role=Role.COORDINATOR,
        jurisdiction=Jurisdiction.objects.get(slug="sim-new-taipei"),
        actor=None,
    )
    seen = Client()
    seen.force_login(staff)
    html = seen.get(f"/performance/cities/sim-taipei/{YEAR}/").content.decode()
    assert "教育局" in html and "未公開" in html
    outsider = Client()
    outsider.force_login(other)
    html = outsider.get(f"/performance/cities/sim-taipei/{YEAR}/").content.decode()
    assert "教育局" not in html


def test_a_report_being_corrected_shows_the_public_its_published_revision(client: Client) -> None:
    _load(Sizes(jurisdictions=1, years=1, departments=1, plans=2, indicators=2))
    before = client.get(f"/performance/cities/sim-taipei/{YEAR}/").context["city"].lines[0].counts
    from guankao.performance.services import measure_update, report_transition

    report = PerformanceReport.objects.get(department__slug="sim-taipei-civil")
    report_transition(report=report, transition="correct", reason="更正", actor=None)
    for measure in Measure.objects.filter(
        indicator__plan__department=report.department, kind="numeric"
    ):
        measure_update(measure=measure, data={"actual": Decimal(1)}, actor=None)
    after = client.get(f"/performance/cities/sim-taipei/{YEAR}/").context["city"].lines[0]
    assert after.counts == before
    assert not after.live


# --- national and indicator views --------------------------------------------------------------


def test_the_national_view_sums_the_cities(client: Client) -> None:
    _load()
    response = client.get(f"/performance/national/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    country = response.context["country"]
    assert [c.jurisdiction.slug for c in country.cities] == ["sim-new-taipei", "sim-taipei"]
    for city in country.cities:
        alone = overview.city_year(jurisdiction=city.jurisdiction, roc_year=YEAR)
        assert city.totals.counts == alone.totals.counts
        assert city.totals.budget_thousands == alone.totals.budget_thousands
        assert _numbers(html, city.jurisdiction.name)[0] == "2"
    assert country.totals.reports == 4
    assert _numbers(html, "全國")[0] == "4"
    assert f'href="/performance/indicators/{YEAR}/"' in html
    # The shared codes have a page of their own (the country shares about 600).
    shared = client.get(f"/performance/indicators/{YEAR}/").content.decode()
    assert f'href="/performance/indicators/CIV-01-1/{YEAR}/"' in shared
    assert "CIV-01-1" not in html


def test_the_indicator_view_compares_cities_with_a_chart_and_its_table(client: Client) -> None:
    _load()
    response = client.get(f"/performance/indicators/CIV-01-1/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["comparison"].rows
    assert {r.jurisdiction.slug for r in rows} == {"sim-taipei", "sim-new-taipei"}
    achievements = [r.card.achievement for r in rows]
    assert achievements == sorted(achievements, reverse=True)
    assert html.count('role="img"') == 1 and "各縣市達成率" in html
    for row in rows:
        cells = _numbers(html, row.jurisdiction.name)
        measure = Measure.objects.get(pk=row.card.measure.id)
        assert cells[3] == f"{row.card.achievement.normalize():f}%"
        assert measure.actual is not None and measure.target is not None
        assert cells[1] == f"{format_count(int(measure.target))} {measure.unit}"
        assert cells[2] == f"{format_count(int(measure.actual))} {measure.unit}"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/performance/cities/nowhere/113/", "找不到縣市「nowhere」"),
        ("/performance/indicators/NOPE-1/113/", "找不到指標代碼「NOPE-1」"),
        ("/performance/national/0/", "年度須為民國年"),
    ],
)
def test_unknown_places_codes_and_years_are_404_pages_that_say_so(
    client: Client, url: str, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert words in response.content.decode()


def test_the_index_links_each_city_to_its_years() -> None:
    _load()
    html = Client().get("/performance/").content.decode()
    assert f'href="/performance/cities/sim-taipei/{YEAR}/"' in html
    assert 'href="/performance/cities/sim-taipei/112/"' in html
    assert f'href="/performance/national/{YEAR}/"' in html
    # Reports of earlier years are reached through the city view, not listed one by one.
    assert 'href="/performance/sim-taipei-civil/112/"' not in html
    assert f'href="/performance/sim-taipei-civil/{YEAR}/"' in html


# --- query counts ---------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_views_take_as_many_queries_for_2_or_4_departments_and_2_or_4_years(
    client: Client, django_assert_max_num_queries: object
) -> None:
    small = Sizes(jurisdictions=2, years=2, departments=2, plans=2, indicators=2)
    _load(small)
    urls = [
        f"/performance/cities/sim-taipei/{YEAR}/",
        f"/performance/national/{YEAR}/",
        f"/performance/indicators/CIV-01-1/{YEAR}/",
        "/performance/",
    ]
    before = [_queries(client, url) for url in urls]
    # Two more departments in each city, and two more years of each (new departments only).
    _load(Sizes(jurisdictions=2, years=4, departments=4, plans=2, indicators=2))
    after = [_queries(client, url) for url in urls]
    assert after == before
    for url, n in zip(urls, before, strict=True):
        with django_assert_max_num_queries(n):  # type: ignore[operator]
            client.get(url)
    assert max(before) <= 8


def test_the_totals_print_their_counts_in_the_official_style() -> None:
    totals = overview.Totals(reports=308, measures=11109, below_target=3068, unreviewed=1302)
    totals.counts[Light.GREEN] = 69264
    row = totals_row(totals)
    assert (row["reports"], row["measures"], row["below"], row["unreviewed"]) == (
        "308",
        "1萬 1,109",
        "3,068",
        "1,302",
    )
    counts = row["counts"]
    assert isinstance(counts, list)
    assert counts[list(Light).index(Light.GREEN)] == "6萬 9,264"
