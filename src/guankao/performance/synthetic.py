"""A synthetic country of performance reports, for the city and national views and their speed.

22 jurisdictions × 10 years × 20 departments × about 12 plans × about 3 indicators: every
department's plans keep their names and indicators from year to year (one indicator series
each, with a code shared by every city, so the same indicator compares across cities), targets
grow, actuals scatter around them so that some fall short, and some shortfalls have a review.
The same seed gives the same country on every run; a department already loaded is left as it
is, so a second run writes nothing.

The jurisdictions are called 「臺北市（模擬）」… with slugs ``sim-…``: they never take the name of
the real Keelung or Hsinchu of the demo, and nobody mistakes them for real figures. Written
through the services (``plans_create``, ``indicators_series_assign``, ``report_upsert`` and
``reports_publish``, which keeps each revision's data and renders its files on first download,
decision 0074). Loaded by ``guankao demo --national``, never by the normal demo.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from guankao.core.models import Agency, AgencyKind, Jurisdiction
from guankao.core.services import Actor, agency_upsert, insert_many, jurisdiction_upsert
from guankao.performance import services
from guankao.performance.models import (
    ControlCode,
    Indicator,
    IndicatorSeries,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    ReportStatus,
    ShortfallReview,
)
from guankao.performance.rows import IndicatorRow, MeasureRow, PlanRow
from guankao.tw import from_roc_year

SEED = 14
LAST_YEAR = 113  # ROC; the country's ten years are 104–113

# (slug, name, area code, size): size scales the targets, a big city serves more people.
CITIES = (
    ("taipei", "臺北市", "02", 2.5),
    ("new-taipei", "新北市", "02", 4.0),
    ("taoyuan", "桃園市", "03", 2.3),
    ("taichung", "臺中市", "04", 2.8),
    ("tainan", "臺南市", "06", 1.9),
    ("kaohsiung", "高雄市", "07", 2.7),
    ("keelung", "基隆市", "02", 0.4),
    ("hsinchu", "新竹市", "03", 0.5),
    ("chiayi", "嘉義市", "05", 0.3),
    ("hsinchu-county", "新竹縣", "03", 0.6),
    ("miaoli", "苗栗縣", "037", 0.5),
    ("changhua", "彰化縣", "04", 1.2),
    ("nantou", "南投縣", "049", 0.5),
    ("yunlin", "雲林縣", "05", 0.7),
    ("chiayi-county", "嘉義縣", "05", 0.5),
    ("pingtung", "屏東縣", "08", 0.8),
    ("yilan", "宜蘭縣", "03", 0.5),
    ("hualien", "花蓮縣", "03", 0.3),
    ("taitung", "臺東縣", "089", 0.2),
    ("penghu", "澎湖縣", "06", 0.1),
    ("kinmen", "金門縣", "082", 0.15),
    ("lienchiang", "連江縣", "0836", 0.05),
)

# (slug, name, code, topics): each plan works on one topic, its indicators count what it did.
DEPARTMENTS = (
    ("civil", "民政局", "CIV", ("新住民生活適應輔導", "宗教禮俗服務", "戶政便民服務", "區里建設")),
    ("finance", "財政局", "FIN", ("地方稅節稅宣導", "公有財產活化", "債務管理", "稅務便民服務")),
    ("education", "教育局", "EDU", ("新住民子女教育", "終身學習推廣", "校園安全", "數位學習")),
    ("economy", "經濟發展局", "ECO", ("中小企業輔導", "市場改善", "招商投資", "商圈活化")),
    ("works", "工務局", "WRK", ("道路養護", "人行道改善", "公園綠地維護", "雨水下水道")),
    ("transport", "交通局", "TRA", ("公車路網優化", "交通安全宣導", "停車管理", "自行車道")),
    ("social", "社會局", "SOC", ("新住民家庭服務", "身心障礙者服務", "兒少保護", "老人福利")),
    ("labor", "勞動局", "LAB", ("新住民就業服務", "職業訓練", "勞動檢查", "勞資爭議調解")),
    ("police", "警察局", "POL", ("婦幼安全宣導", "交通執法", "治安維護", "犯罪預防")),
    ("health", "衛生局", "HEA", ("新住民健康照護", "長期照顧", "疫苗接種", "食品安全稽查")),
    ("environment", "環境保護局", "ENV", ("資源回收", "空氣品質改善", "水污染稽查", "環境教育")),
    ("urban", "都市發展局", "URB", ("社會住宅", "都市更新", "建築管理", "景觀改善")),
    ("culture", "文化局", "CUL", ("多元文化活動", "藝文展演", "文化資產保存", "圖書館服務")),
    ("fire", "消防局", "FIR", ("居家防火宣導", "緊急救護", "災害防救演練", "消防安全檢查")),
    ("tourism", "觀光旅遊局", "TOU", ("觀光行銷", "旅遊服務中心", "觀光景點改善", "節慶活動")),
    ("land", "地政局", "LND", ("地籍測量", "土地重劃", "地價查估", "地政便民服務")),
    ("military", "兵役局", "MIL", ("役男徵集", "替代役管理", "軍人家屬服務", "後備軍人服務")),
    ("accounting", "主計處", "ACC", ("預算編製", "會計審核", "統計調查", "內部控制")),
    ("personnel", "人事處", "PER", ("公務人員訓練", "員工協助方案", "考績管理", "人力進用")),
    ("information", "新聞處", "INF", ("市政行銷", "多語資訊服務", "媒體聯繫", "網站服務")),
)

PLAN_KINDS = ("推動計畫", "服務計畫", "精進方案", "強化計畫")
# (what is counted, unit, a typical yearly count for a city of size 1)
METRICS = (
    ("服務人次", "人次", 6000),
    ("辦理場次", "場", 40),
    ("參與人數", "人", 1500),
    ("輔導家數", "家", 120),
    ("完成案件數", "件", 800),
    ("開設班數", "班", 30),
    ("訓練時數", "小時", 400),
    ("訪視戶數", "戶", 500),
    ("稽查處數", "處", 300),
    ("回收量", "公斤", 90000),
)
MILESTONES = ("系統建置", "規劃報告", "設施啟用", "法規修訂")

FOOTNOTE = "管考方式代碼：1.工程列管 2.基本設施列管 3.促進民間參與公共建設列管 4.其他列管（請註明） 5.自行列管"


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big a country to build; the defaults are issue 14's national scale."""

    jurisdictions: int = 22
    years: int = 10
    departments: int = 20
    plans: int = 12
    indicators: int = 3


@dataclass(frozen=True, slots=True)
class Loaded:
    """What one run wrote: departments loaded now and those already there (left as they were)."""

    departments: int
    skipped: int
    reports: int
    published: int


@dataclass(frozen=True, slots=True)
class IndicatorPlan:
    """One indicator a department follows every year, with its shared code."""

    code: str
    text: str
    unit: str  # "" for a milestone
    base: int


def _rng(*parts: object) -> random.Random:
    # One generator per department, seeded by its names: adding a city changes no other city.
    return random.Random(f"{SEED}:" + ":".join(str(p) for p in parts))  # noqa: S311 (not crypto)


def department_plans(
    dept_index: int, city_index: int, sizes: Sizes
) -> list[tuple[str, list[IndicatorPlan]]]:
    """The plans (name and indicators) a department keeps every year, the same on every run.

    Plan *n* of a department works on the same topic in every city, so its indicators share
    their codes (``SOC-03-2``) across cities; each city runs a few plans more or fewer."""
    slug, _name, code, topics = DEPARTMENTS[dept_index]
    rng = _rng("plans", CITIES[city_index][0], slug)
    # About twelve: each city runs a few plans more or fewer (small test sizes stay exact).
    count = sizes.plans + rng.randint(-2, 2) if sizes.plans >= 6 else sizes.plans
    plans = []
    for n in range(1, count + 1):
        topic = topics[(n - 1) % len(topics)]
        name = f"{topic}{PLAN_KINDS[((n - 1) // len(topics)) % len(PLAN_KINDS)]}"
        if n > len(topics) * len(PLAN_KINDS):
            name += f"（第{n}案）"
        # The metrics of plan n are the same in every city: that is what makes codes comparable.
        metric_rng = _rng("metrics", slug, n)
        indicators = []
        for i in range(1, sizes.indicators + 1):
            ind_code = f"{code}-{n:02d}-{i}"
            if i == sizes.indicators and n % 4 == 0:
                milestone = MILESTONES[metric_rng.randrange(len(MILESTONES))]
                indicators.append(IndicatorPlan(ind_code, f"{topic}{milestone}完成", "", 0))
                continue
            what, unit, base = METRICS[metric_rng.randrange(len(METRICS))]
            indicators.append(IndicatorPlan(ind_code, f"{topic}{what}", unit, base))
        plans.append((name, indicators))
    return plans


def _amount(value: float) -> Decimal:
    return Decimal(max(1, round(value)))


def _percent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plan_rows(
    plans: list[tuple[str, list[IndicatorPlan]]],
    *,
    size: float,
    year_index: int,
    roc: int,
    rng: random.Random,
) -> tuple[list[PlanRow], list[tuple[int, int]]]:
    """One year's rows, and the (plan, indicator) numbers below target that get a review."""
    rows: list[PlanRow] = []
    reviewed: list[tuple[int, int]] = []
    year = from_roc_year(roc)
    for n, (name, indicators) in enumerate(plans, start=1):
        indicator_rows = []
        for i, spec in enumerate(indicators, start=1):
            if not spec.unit:
                due = datetime.date(
                    year, rng.choice((6, 9, 10, 12)), 30 if rng.random() < 0.5 else 1
                )
                late = rng.random()
                done = (
                    None
                    if late < 0.06
                    else due + datetime.timedelta(days=rng.randint(5, 60))
                    if late < 0.15
                    else due - datetime.timedelta(days=rng.randint(0, 90))
                )
                measure = MeasureRow(
                    spec.text, MeasureKind.MILESTONE, None, None, "", "", due, done
                )
                done_text = f"已於{roc}年{done.month}月完成" if done else "尚未完成"
                indicator_rows.append(
                    IndicatorRow(i, spec.text, f"{roc}年{due.month}月前完成", done_text, (measure,))
                )
                continue
            growth = 1 + 0.05 * year_index
            target = _amount(spec.base * size * growth * rng.uniform(0.8, 1.2))
            factor = rng.gauss(1.05, 0.1)
            actual = _amount(float(target) * max(0.4, factor))
            measure = MeasureRow(spec.text, MeasureKind.NUMERIC, target, actual, spec.unit, "")
            if actual < target and rng.random() < 0.6:
                reviewed.append((n, i))
            indicator_rows.append(
                IndicatorRow(
                    i,
                    spec.text,
                    f"{spec.text}{target:,}{spec.unit}",
                    f"{spec.text}{actual:,}{spec.unit}",
                    (measure,),
                )
            )
        budget = round(rng.uniform(500, 80000) * size)
        rows.append(
            PlanRow(
                number=n,
                name=name,
                budget_thousands=budget,
                reported_rate=_percent(Decimal(rng.uniform(82, 100))),
                control_code=ControlCode.SELF_MANAGED
                if rng.random() < 0.8
                else ControlCode.FACILITIES,
                control_note="",
                indicators=tuple(indicator_rows),
            )
        )
    return rows, reviewed


def _load_department(
    *,
    department: Agency,
    city: str,
    dept_name: str,
    plans: list[tuple[str, list[IndicatorPlan]]],
    size: float,
    years: list[int],
    draft_last_year: bool,
    actor: Actor,
) -> tuple[int, int]:
    """Every year of one department: plans, series, reviews, reports. Returns (reports, published)."""
    rng = _rng("years", department.slug)
    reviewed: dict[int, list[tuple[int, int]]] = {}
    for index, roc in enumerate(years):
        rows, shortfalls = _plan_rows(plans, size=size, year_index=index, roc=roc, rng=rng)
        services.plans_create(
            department=department, year=from_roc_year(roc), plans=rows, actor=actor
        )
        reviewed[roc] = shortfalls
    indicators = list(Indicator.objects.filter(plan__department=department).select_related("plan"))
    codes = {
        (n, i): spec.code
        for n, (_name, specs) in enumerate(plans, start=1)
        for i, spec in enumerate(specs, start=1)
    }
    series = insert_many(
        instances=[
            IndicatorSeries(department=department, name=spec.text, code=spec.code)
            for _name, specs in plans
            for spec in specs
        ],
        actor=actor,
    )
    by_code = {s.code: s for s in series}
    services.indicators_series_assign(
        department=department,
        assignments=[(ind, by_code[codes[(ind.plan.number, ind.number)]]) for ind in indicators],
        actor=actor,
    )
    wanted = {(from_roc_year(roc), n, i) for roc, pairs in reviewed.items() for n, i in pairs}
    measures = Measure.objects.filter(indicator__plan__department=department).values_list(
        "pk", "indicator__plan__year", "indicator__plan__number", "indicator__number"
    )
    insert_many(
        instances=[
            ShortfallReview(
                measure_id=pk,
                reason="受景氣與參與意願影響，服務需求低於預估。",
                improvement="加強宣導並與民間團體合作，下年度調整辦理方式。",
            )
            for pk, year, n, i in measures
            if (year, n, i) in wanted
        ],
        actor=actor,
    )
    reports: list[PerformanceReport] = []
    for roc in years:
        reports.append(
            services.report_upsert(
                department=department,
                year=from_roc_year(roc),
                title=f"{city}政府{dept_name}{roc}年度施政績效報告",
                preface=f"本{dept_name.removesuffix('局').removesuffix('處')}依年度施政計畫推動各項業務，謹將{roc}年度執行成果報告如下。",
                code_footnote=FOOTNOTE,
                self_managed_text="",
                status=ReportStatus.DRAFT,
                actor=actor,
            )
        )
    published = reports[:-1] if draft_last_year else reports
    services.reports_publish(reports=published, actor=actor)
    return len(reports), len(published)


def load_country(
    *,
    sizes: Sizes = Sizes(),
    actor: Actor = None,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """Build the synthetic country, one jurisdiction per transaction; idempotent: a department
    that already has plans is skipped whole."""
    years = list(range(LAST_YEAR - sizes.years + 1, LAST_YEAR + 1))
    loaded = skipped = report_count = published_count = 0
    for c, (slug, name, area_code, size) in enumerate(CITIES[: sizes.jurisdictions]):
        with transaction.atomic():
            jurisdiction = _jurisdiction(slug=slug, name=name, area_code=area_code, actor=actor)
            have = set(
                Plan.objects.filter(department__jurisdiction=jurisdiction)
                .values_list("department__slug", flat=True)
                .distinct()
            )
            for d in range(sizes.departments):
                dept_slug, dept_name, _code, _topics = DEPARTMENTS[d]
                agency_slug = f"sim-{slug}-{dept_slug}"
                if agency_slug in have:
                    skipped += 1
                    continue
                department = agency_upsert(
                    jurisdiction=jurisdiction,
                    slug=agency_slug,
                    name=dept_name,
                    label=dept_name,
                    kind=AgencyKind.CITY_DEPARTMENT,
                    phone="",
                    parent=None,
                    actor=actor,
                )
                reports, published = _load_department(
                    department=department,
                    city=jurisdiction.name,
                    dept_name=dept_name,
                    plans=department_plans(d, c, sizes),
                    size=size,
                    years=years,
                    # Most reports are published; the last year of every third one is a draft.
                    draft_last_year=d % 3 == 2,
                    actor=actor,
                )
                loaded += 1
                report_count += reports
                published_count += published
        if progress:
            progress(f"{jurisdiction.name}：{sizes.departments} 個機關")
    return Loaded(loaded, skipped, report_count, published_count)


def departments_of(sizes: Sizes = Sizes()) -> list[Agency]:
    """The country's departments of ``sizes`` that are loaded, city by city (for the cycles'
    quarterly reporting, which the site layer loads after the country)."""
    slugs = [
        f"sim-{city}-{DEPARTMENTS[d][0]}"
        for city, _name, _code, _size in CITIES[: sizes.jurisdictions]
        for d in range(sizes.departments)
    ]
    found = {
        a.slug: a for a in Agency.objects.filter(slug__in=slugs).select_related("jurisdiction")
    }
    return [found[slug] for slug in slugs if slug in found]


def _jurisdiction(*, slug: str, name: str, area_code: str, actor: Actor) -> Jurisdiction:
    return jurisdiction_upsert(
        slug=f"sim-{slug}", name=f"{name}（模擬）", area_code=area_code, actor=actor
    )
