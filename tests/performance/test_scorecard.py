"""The scorecard (績效燈號): lights from the legend, the seed's three below-target measures,
last year's actual through the indicator series, and the page, the CLI and every format."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.test import Client

from guankao.performance import scorecard_document, selectors, services
from guankao.performance.models import Indicator, LightLegend, PerformanceReport
from guankao.performance.report_model import MeasureData
from guankao.performance.scorecard import Legend, Light, light_of
from tests.performance import factories
from tests.performance.test_plans_replace import seed_plans

pytestmark = pytest.mark.django_db

END_2019 = datetime.date(2019, 12, 31)
BASE = "/performance/hsinchu-social/108/"


def numeric(target: int, actual: int | None) -> MeasureData:
    return MeasureData(
        position=1,
        label="m",
        kind="numeric",
        target=Decimal(target),
        actual=None if actual is None else Decimal(actual),
        unit="人",
    )


@pytest.mark.parametrize(
    ("target", "actual", "light"),
    [
        (10, 10, Light.GREEN),
        (10, 12, Light.GREEN),
        (10, 8, Light.YELLOW),  # exactly 80%: yellow
        (1000, 799, Light.RED),
        (10, None, Light.WHITE),
    ],
)
def test_lights_follow_the_default_legend(target: int, actual: int | None, light: Light) -> None:
    assert light_of(numeric(target, actual), Legend(), as_of=END_2019) == light


def test_milestones_light_by_due_and_done_dates() -> None:
    due = datetime.date(2019, 6, 30)

    def milestone(done: datetime.date | None) -> MeasureData:
        return MeasureData(position=1, label="m", kind="milestone", due=due, done=done)

    assert light_of(milestone(datetime.date(2019, 6, 1)), Legend(), as_of=END_2019) == Light.GREEN
    assert light_of(milestone(datetime.date(2019, 8, 1)), Legend(), as_of=END_2019) == Light.YELLOW
    assert light_of(milestone(None), Legend(), as_of=END_2019) == Light.RED
    assert light_of(milestone(None), Legend(), as_of=datetime.date(2019, 5, 1)) == Light.WHITE


def scorecard_json(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "sc.json"
    call_command(
        "report", "scorecard", "--org", "hsinchu-social", "--year", "108",
        "--format", "json", "-o", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    return dict(json.loads(out.read_text(encoding="utf-8")))


def test_the_108_scorecard_shows_three_below_target_and_flags_8_5_unreviewed(
    tmp_path: Path,
) -> None:
    data = scorecard_json(tmp_path)
    assert data["schema"] == "guankao/performance-scorecard/1"
    below = [
        (m["reference"], m["target"], m["actual"], m["achievement"], m["light"], m["reviewed"])
        for m in data["measures"]
        if m["light"] in ("yellow", "red")
    ]
    assert below == [
        ("六.4", 10, 8, 80, "yellow", True),
        ("八.5", 432, 361, 83.6, "yellow", False),
        ("十四.1", 5800, 4373, 75.4, "red", True),
    ]
    assert sum(data["counts"].values()) == len(data["measures"]) == 83
    first = data["measures"][0]
    assert set(first) >= {
        "plan", "indicator", "measure", "label", "target", "actual", "achievement", "light",
        "reviewed", "previous", "target_below_previous_actual",
    }  # fmt: skip
    assert first["previous"] is None  # the seed holds no 107


def test_a_jurisdiction_sets_its_own_legend(tmp_path: Path) -> None:
    report = PerformanceReport.objects.get(department__slug="hsinchu-social", year=2019)
    LightLegend.objects.create(
        jurisdiction=report.department.jurisdiction, green_at=Decimal(95), yellow_at=Decimal(84)
    )
    lights = {m["reference"]: m["light"] for m in scorecard_json(tmp_path)["measures"]}
    assert (lights["六.4"], lights["八.5"]) == ("red", "red")


def test_last_years_actual_comes_through_the_series_and_a_low_target_is_flagged() -> None:
    owner = factories.department()
    rows = seed_plans()[:2]
    services.plans_replace(department=owner, year=2022, plans=rows, actor=None)
    services.plans_replace(department=owner, year=2023, plans=rows, actor=None)
    linked = Indicator.objects.filter(plan__department=owner, series__isnull=False)
    assert linked.count() == 2 * sum(len(r.indicators) for r in rows)
    first_2022 = Indicator.objects.get(
        plan__department=owner, plan__year=2022, plan__number=1, number=1
    )
    measure_2022 = first_2022.measures.get(position=1)
    measure_2022.actual = (measure_2022.target or Decimal(0)) * 2
    measure_2022.save()
    report = services.report_create(department=owner, year=2023, actor=None)
    card = selectors.scorecard_of(report, staff=True)
    first = card.cards[0]
    assert first.previous is not None and first.previous.year == 111
    assert first.previous.actual == measure_2022.actual
    assert first.target_below_previous_actual
    # Staff correct a link: the indicator starts its own series, last year's actual is gone.
    services.indicator_series_set(
        indicator=Indicator.objects.get(pk=first.indicator.id or 0), previous=None, actor=None
    )
    assert selectors.scorecard_of(report, staff=True).cards[0].previous is None


def test_the_scorecard_reads_last_year_in_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    report = PerformanceReport.objects.select_related("department__jurisdiction").get(
        department__slug="hsinchu-social", year=2019
    )
    # The revision, the legend, the series of the indicators (no series: no more).
    with django_assert_num_queries(3):
        selectors.scorecard_of(report, staff=False)


def test_the_public_page_shows_lights_with_words_and_the_unreviewed_flag(client: Client) -> None:
    html = client.get(BASE + "scorecard/").content.decode()
    assert "未達目標而無檢討" in html
    assert html.count('class="light light-red"') >= 1
    assert "■</span> 落後" in html and "▲</span> 接近" in html
    assert (
        "83 項衡量標準：達標 78、接近 2、落後 1、無資料 2；未達目標而無檢討 1 項（八.5）。" in html
    )


def test_a_draft_scorecard_is_for_staff_only(client: Client) -> None:
    factories.small_report()
    assert client.get("/performance/test-social/113/scorecard/").status_code == 302
    client.force_login(factories.staff_user())
    assert client.get("/performance/test-social/113/scorecard/").status_code == 200


def test_every_format_opens(client: Client, tmp_path: Path) -> None:
    for fmt in scorecard_document.FORMATS:
        response = client.get(f"{BASE}scorecard.{fmt}")
        assert response.status_code == 200, fmt
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get(f"{BASE}scorecard.xlsx").content))
    sheet = xlsx.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[11] == "燈號"
    assert [r[11] for r in rows[1:]].count("red") == 1
    text = client.get(f"{BASE}scorecard.csv").content.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert len(parsed) == 84
    pdf = tmp_path / "sc.pdf"
    pdf.write_bytes(client.get(f"{BASE}scorecard.pdf").content)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "未達目標而無檢討" in words.stdout and "落後" in words.stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "NotoSansCJKtc" in fonts.stdout


def test_the_public_index_lists_published_reports_without_sign_in(client: Client) -> None:
    factories.small_report()  # a draft: not listed
    html = client.get("/performance/").content.decode()
    assert 'href="/performance/hsinchu-social/108/"' in html
    assert 'href="/performance/hsinchu-social/108/scorecard/"' in html
    assert "test-social" not in html


def test_the_trend_follows_the_series_over_years(client: Client) -> None:
    owner = factories.department()
    rows = seed_plans()[:1]
    for year in (2021, 2022, 2023):
        services.plans_replace(department=owner, year=year, plans=rows, actor=None)
    services.report_create(department=owner, year=2023, actor=None)
    indicator = Indicator.objects.get(
        plan__department=owner, plan__year=2023, plan__number=1, number=1
    )
    client.force_login(factories.staff_user())
    html = client.get(f"/performance/test-social/112/trend/{indicator.pk}/").content.decode()
    assert "共 3 個年度：110、111、112。" in html
    assert html.count('role="img"') == indicator.measures.count()
    # The public reads published years only: none here (the report is a draft: sign-in asked).
    client.logout()
    assert client.get(f"/performance/test-social/112/trend/{indicator.pk}/").status_code == 302


def test_the_public_trend_reads_the_published_revision(client: Client) -> None:
    indicator = Indicator.objects.get(
        plan__department__slug="hsinchu-social", plan__year=2019, plan__number=8, number=5
    )
    factories.open_correction()
    measure = indicator.measures.get(position=1)
    services.measure_update(measure=measure, data={"actual": Decimal(400)}, actor=None)
    html = client.get(f"/performance/hsinchu-social/108/trend/{indicator.pk}/").content.decode()
    assert "共 1 個年度：108。" in html
    # The data table under the chart: 108年, actual 361, target 432 — not the correction's 400.
    row = re.search(r"<tr><t[hd][^>]*>108年</t[hd]>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1])
    assert cells == ["361", "432"]
