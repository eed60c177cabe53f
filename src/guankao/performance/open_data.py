"""Open data: the metadata of each published report and scorecard in the data.gov.tw format
(政府資料開放平臺資料集詮釋資料), pure functions over the report model (decision 0069).

The datasets themselves are the report's and the scorecard's CSV (UTF-8 with BOM) and JSON
downloads, whose schemas are ``guankao/performance-report/1`` and
``guankao/performance-scorecard/1`` (docs/performance.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from guankao.performance.report_model import ReportData
from guankao.tw import format_roc_date

LICENSE = "政府資料開放授權條款-第1版"
LICENSE_URL = "https://data.gov.tw/license"

REPORT_FIELDS = (
    "計畫編號、計畫名稱、預算金額（千元）、執行率（%）、管考代碼、指標編號、衡量指標、衡量標準、"
    "目標值、實際值、單位、預定完成日、實際完成日、未達成原因分析暨改進措施"
)
SCORECARD_FIELDS = (
    "計畫編號、計畫名稱、指標編號、衡量指標、衡量標準順序、衡量標準、類型、目標值、實際值、單位、"
    "達成率（%）、燈號（green 達標／yellow 接近／red 落後／white 無資料）、燈號說明、已檢討、"
    "前一年度、前一年實際值、目標低於前一年實際值"
)


def _dataset(
    *,
    identifier: str,
    title: str,
    description: str,
    fields: str,
    report: ReportData,
    published: datetime.datetime,
    modified: datetime.datetime,
    urls: dict[str, str],
    keywords: list[str],
) -> dict[str, Any]:
    year = report.year
    return {
        "identifier": identifier,
        "title": title,
        "description": description,
        "fieldDescription": fields,
        "type": "原始資料",
        "license": LICENSE,
        "licenseURL": LICENSE_URL,
        "cost": "免費",
        "accrualPeriodicity": "每年",
        "publisher": f"{report.jurisdiction_name}政府{report.department_name}",
        "spatial": report.jurisdiction_name,
        "temporalCoverageFrom": format_roc_date(datetime.date(year, 1, 1)),
        "temporalCoverageTo": format_roc_date(datetime.date(year, 12, 31)),
        "issued": published.isoformat(timespec="seconds"),
        "modified": modified.isoformat(timespec="seconds"),
        "keyword": keywords,
        "language": "zh-Hant-TW",
        "distribution": [
            {
                "resourceDescription": f"{title}（{fmt.upper()}）",
                "format": fmt.upper(),
                "downloadURL": url,
                "characterSetCode": "UTF-8",
                "resourceModified": modified.isoformat(timespec="seconds"),
            }
            for fmt, url in urls.items()
        ],
    }


def report_datasets(
    report: ReportData,
    *,
    published: datetime.datetime,
    modified: datetime.datetime,
    report_urls: dict[str, str],
    scorecard_urls: dict[str, str],
) -> list[dict[str, Any]]:
    """The report's two datasets: the report's table, and its scorecard."""
    base = f"guankao:{report.department_slug}:{report.roc_year}"
    return [
        _dataset(
            identifier=f"{base}:report",
            title=report.title,
            description=(
                f"{report.title}：各施政計畫的預算、執行率，以及衡量指標的目標值、實際值與"
                "未達原定標準之檢討。"
            ),
            fields=REPORT_FIELDS,
            report=report,
            published=published,
            modified=modified,
            urls=report_urls,
            keywords=["施政績效", "管考", report.department_name],
        ),
        _dataset(
            identifier=f"{base}:scorecard",
            title=f"{report.title} 績效燈號",
            description=(
                f"{report.title}的績效燈號：每項衡量標準的目標值、實際值、達成率與燈號，"
                "以及前一年度的實際值。"
            ),
            fields=SCORECARD_FIELDS,
            report=report,
            published=published,
            modified=modified,
            urls=scorecard_urls,
            keywords=["施政績效", "績效燈號", "管考", report.department_name],
        ),
    ]
