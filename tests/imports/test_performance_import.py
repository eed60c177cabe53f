"""Performance-report plan tables read out of DOCX, XLSX and ODS, with every field checked.

The DOCX is laid out as the printed report is: one row per plan, numbered items in each cell,
words broken over lines. The XLSX has one row per indicator with the plan's cells merged.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from guankao.core.models import Agency, AuditEntry
from guankao.imports.exceptions import ImportFailed
from guankao.imports.performance import ParsedIndicator, ParsedPlan, PerformanceImport
from guankao.imports.services import apply_performance, performance_import, performance_target
from guankao.performance.exceptions import ReportLocked
from guankao.performance.models import Plan, ReportStatus
from guankao.performance.rows import MeasureRow
from guankao.performance.services import report_upsert

from . import builders

pytestmark = pytest.mark.django_db

HEADINGS = [
    "計畫名稱",
    "衡量指標",
    "衡量標準",
    "預算金額\n（千元）",
    "執行績效",
    "執行率",
    "管考\n代碼",
]
REPORT_ROWS = [
    ["新竹市政府社會處113年度施政績效報告", "", "", "", "", "", ""],
    HEADINGS,
    [
        "一、為弱勢民\n眾搭起社福保\n護傘：",
        "1.愛心福利社服\n務人次。\n\n2.弱勢家庭餐食\n服務人次。",
        "1.愛心福利社\n服務 6,300\n人次。\n\n2.弱勢家庭餐\n食服務\n6,600人次。",
        "900",
        "1.愛心福利卡、愛心\n福利包及媒合各\n團體機關發放物\n資，總計受惠\n7,048人次。\n\n"
        "2.弱勢家庭餐食服\n務 7,160人次。\n\n3.另辦理愛心講座 5場。",
        "１００％",
        "5",
    ],
    [
        "二、推展安老政策，維護長輩基本生活：",
        "1.領取安老津貼人數。",
        "提供本市長輩 2萬 9,000人安老津貼 。",
        "1,159,000",
        "提供本市 3萬 469名長輩安老津貼。",
        "98.5%",
        "4（市府列管）",
    ],
    [
        "三、社區培力及輔導機制",
        "1.輔導建構福利化社區培力補助計畫件數。\n\n2.辦理社區工作評鑑表揚及幹部培育訓練次數。",
        "1.輔導建構福利化社區培力補助計畫 12件。\n\n2.辦理 1次社區工作評鑑表揚、3場幹部培育訓練。",
        "4,209",
        "1.共輔導 14個單位申請。\n\n2.已辦理 1次社區工作評鑑表揚、3場幹部培育訓練，計 818人次參加。",
        "98%",
        "5",
    ],
]

# plan number → (name, budget, rate, code, note)
EXPECTED_PLANS = {
    1: ("為弱勢民眾搭起社福保護傘", 900, Decimal(100), 5, ""),
    2: ("推展安老政策，維護長輩基本生活", 1159000, Decimal("98.5"), 4, "市府列管"),
    3: ("社區培力及輔導機制", 4209, Decimal(98), 5, ""),
}
# (plan, indicator) → (text, standard, achievement)
EXPECTED_INDICATORS = {
    (1, 1): ("愛心福利社服務人次。", "愛心福利社服務 6,300人次。",
             "愛心福利卡、愛心福利包及媒合各團體機關發放物資，總計受惠 7,048人次。"),
    (1, 2): ("弱勢家庭餐食服務人次。", "弱勢家庭餐食服務 6,600人次。", "弱勢家庭餐食服務 7,160人次。"),
    (2, 1): ("領取安老津貼人數。", "提供本市長輩 2萬 9,000人安老津貼 。", "提供本市 3萬 469名長輩安老津貼。"),
    (3, 1): ("輔導建構福利化社區培力補助計畫件數。", "輔導建構福利化社區培力補助計畫 12件。",
             "共輔導 14個單位申請。"),
    (3, 2): ("辦理社區工作評鑑表揚及幹部培育訓練次數。", "辦理 1次社區工作評鑑表揚、3場幹部培育訓練。",
             "已辦理 1次社區工作評鑑表揚、3場幹部培育訓練，計 818人次參加。"),
}  # fmt: skip
# (plan, indicator) → [(label, target, actual, unit, actual unit)]
EXPECTED_MEASURES = {
    (1, 1): [("愛心福利社服務人次", 6300, 7048, "人次", "")],
    (1, 2): [("弱勢家庭餐食服務人次", 6600, 7160, "人次", "")],
    (2, 1): [("領取安老津貼人數", 29000, 30469, "人", "名")],
    (3, 1): [("輔導建構福利化社區培力補助計畫件數", 12, None, "件", "")],
    (3, 2): [("辦理 1次社區工作評鑑表揚", 1, 1, "次", ""), ("3場幹部培育訓練", 3, 3, "場", "")],
}


def saved_plans(year: int) -> tuple[dict[int, tuple[Any, ...]], dict[tuple[int, int], Any]]:
    plans = Plan.objects.filter(department__slug="hsinchu-social", year=year + 1911)
    got_plans: dict[int, tuple[Any, ...]] = {
        p.number: (p.name, p.budget_thousands, p.reported_rate, p.control_code, p.control_note)
        for p in plans
    }
    indicators: dict[tuple[int, int], Any] = {}
    for plan in plans.with_measures():
        for indicator in plan.indicators.all():
            indicators[(plan.number, indicator.number)] = (
                (indicator.text, indicator.standard_text, indicator.achievement_text),
                [
                    (m.label, m.target_value, m.actual_value, m.unit, m.actual_unit)
                    for m in indicator.measures.all()
                ],
            )
    return got_plans, indicators


def test_docx_report_layout_reads_plans_indicators_and_measures(tmp_path: Path) -> None:
    path = builders.docx(tmp_path / "績效報告.docx", REPORT_ROWS, merges=((0, 0, 0, 6),))
    target = performance_target(org="hsinchu-social", year=113)
    preview = performance_import(path=path, filename=path.name, target=target, actor=None)
    assert [(i.level.value, i.where, i.message) for i in preview.issues] == [
        ("warning", "表格1 第3列第5欄", "執行績效第 3 項沒有對應的衡量指標。"),
        ("warning", "表格1 第4列第2欄", "衡量標準的單位「人」與執行績效的單位「名」不同。"),
        ("warning", "表格1 第5列第2欄", "衡量標準「12件」在執行績效中找不到同單位的數字。"),
    ]
    assert preview.rows[0].values[-1] == "愛心福利社服務人次：目標 6,300人次，實際 7,048人次"
    assert preview.rows[2].values[1:5] == ("2. 推展安老政策，維護長輩基本生活", "1,159,000",
                                           "98.50%", "4（市府列管）")  # fmt: skip
    performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    plans, indicators = saved_plans(113)
    assert plans == EXPECTED_PLANS
    assert {key: value[0] for key, value in indicators.items()} == EXPECTED_INDICATORS
    assert {key: value[1] for key, value in indicators.items()} == EXPECTED_MEASURES


def test_xlsx_one_row_per_indicator_with_merged_plan_cells(tmp_path: Path) -> None:
    rows: builders.Rows = [
        ["新竹市政府社會處113年度施政績效報告"],
        HEADINGS,
        ["一、為弱勢民眾搭起社福保護傘：", "1.愛心福利社服務人次。", "愛心福利社服務 6,300人次。",
         900, "總計受惠 7,048人次。", 1, 5],
        [None, "2.弱勢家庭餐食服務人次。", "2.弱勢家庭餐食服務 6,600人次。", None,
         "2.弱勢家庭餐食服務 7,160人次。", None, None],
    ]  # fmt: skip
    path = builders.xlsx(
        tmp_path / "績效.xlsx", rows, ("A1:G1", "A3:A4", "D3:D4", "F3:F4", "G3:G4")
    )
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    workbook = load_workbook(path)
    workbook.active["F3"].number_format = "0%"  # 100% as Excel stores it: 1 with a % format
    workbook.save(path)
    target = performance_target(org="hsinchu-social", year=113)
    performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    plans, indicators = saved_plans(113)
    assert plans == {1: EXPECTED_PLANS[1]}
    assert indicators == {
        (1, 1): (
            ("愛心福利社服務人次。", "愛心福利社服務 6,300人次。", "總計受惠 7,048人次。"),
            EXPECTED_MEASURES[(1, 1)],
        ),
        (1, 2): (EXPECTED_INDICATORS[(1, 2)], EXPECTED_MEASURES[(1, 2)]),
    }


MEASURE_HEADINGS = ["計畫編號", "指標編號", "順序", "說明", "類型", "目標值", "實際值", "單位",
                    "實際值單位", "預定完成日", "實際完成日"]  # fmt: skip


def test_ods_with_a_measure_table_takes_measures_as_written(tmp_path: Path) -> None:
    from odfdo import Document

    main: builders.Rows = [
        HEADINGS,
        ["一、兒童少年福利業務", "1.推動一區一親子館時程。\n2.親子館服務人次。",
         "1.預計於 108年完成北區親子館設立。\n2.到館服務 7萬 5,000人次。", 63892,
         "1.北區親子館於 108年 12月 16日完成建置。\n2.到館服務 7萬 6,428人次。", "100%", 5],
    ]  # fmt: skip
    measures: builders.Rows = [
        MEASURE_HEADINGS,
        [1, 1, 1, "北區親子館完成設立", "里程碑", None, None, None, None, "108年12月31日", "108/12/16"],
        [1, 2, 1, "香山區親子館到館服務人次", "數量", 75000, 76428, "人次", None, None, None],
    ]  # fmt: skip
    path = builders.odf(tmp_path / "績效.ods", main, name="施政計畫")
    second = builders.odf(tmp_path / "measures.ods", measures, name="衡量標準明細")
    document = Document(path)
    table = Document(second).body.get_table(0)
    assert table is not None
    document.body.append(table.clone)
    document.save(path)
    target = performance_target(org="hsinchu-social", year=113)
    preview = performance_import(path=path, filename=path.name, target=target, actor=None)
    assert preview.issues == ()
    performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    plan = Plan.objects.get(department__slug="hsinchu-social", year=2024, number=1)
    first, second_indicator = plan.indicators.all()
    milestone = first.measures.get()
    assert (milestone.kind, milestone.label, milestone.due, milestone.done) == (
        "milestone",
        "北區親子館完成設立",
        datetime.date(2019, 12, 31),
        datetime.date(2019, 12, 16),
    )
    count = second_indicator.measures.get()
    assert (count.label, count.target_value, count.actual_value, count.unit) == (
        "香山區親子館到館服務人次",
        75000,
        76428,
        "人次",
    )


def test_a_measure_row_for_a_missing_indicator_is_an_error(
    tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    rows: builders.Rows = [
        HEADINGS,
        ["一、志願服務", "1.辦理媒合座談會場次。", "辦理媒合座談會 2場。", 4701, "辦理 2場。", "100%", 5],
        [],
        MEASURE_HEADINGS,
        [1, 9, 1, "不存在的指標", "數量", 2, 2, "場", None, None, None],
    ]  # fmt: skip
    path = builders.xlsx(tmp_path / "bad.xlsx", rows)
    target = performance_target(org="hsinchu-social", year=113)
    before = counts()
    preview = performance_import(
        path=path, filename=path.name, target=target, actor=None, save=True
    )
    assert not preview.saved
    assert [i.message for i in preview.errors] == ["計畫 1 沒有第 9 項衡量指標。"]
    assert counts() == before


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("九百", None),
        ("約 900", "無法讀取預算金額「約 900」。"),
        ("", "沒有預算金額。"),
    ],
)
def test_budget_cells(tmp_path: Path, cell: str, message: str | None) -> None:
    rows: builders.Rows = [
        HEADINGS,
        ["一、志願服務", "1.辦理媒合座談會場次。", "辦理媒合座談會 2場。", cell, "辦理 2場。", "100%", 5],
    ]  # fmt: skip
    path = builders.xlsx(tmp_path / "budget.xlsx", rows)
    target = performance_target(org="hsinchu-social", year=113)
    preview = performance_import(path=path, filename=path.name, target=target, actor=None)
    assert [i.message for i in preview.errors] == ([message] if message else [])


def test_reimport_changes_nothing_and_a_corrected_file_shows_differences(tmp_path: Path) -> None:
    path = builders.docx(tmp_path / "績效報告.docx", REPORT_ROWS)
    target = performance_target(org="hsinchu-social", year=113)
    performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    audit = AuditEntry.objects.count()
    assert (
        performance_import(path=path, filename=path.name, target=target, actor=None).changes == ()
    )
    corrected = [list(row) for row in REPORT_ROWS[:-1]]
    corrected[3][3] = "1,160,000"
    fixed = builders.docx(tmp_path / "修正.docx", corrected)
    preview = performance_import(path=fixed, filename=fixed.name, target=target, actor=None)
    assert [str(c) for c in preview.changes][:1] == [
        "修改 施政計畫「113年 2. 推展安老政策，維護長輩基本生活」"
        "（預算金額（千元）：1159000 → 1160000）"
    ]
    assert {c.action for c in preview.changes[1:]} == {"delete"}
    assert AuditEntry.objects.count() == audit


def test_a_final_report_is_not_overwritten(tmp_path: Path) -> None:
    department = Agency.objects.get(slug="hsinchu-social")
    report_upsert(
        department=department,
        year=2024,
        title="新竹市政府社會處113年度施政績效報告",
        preface="前言",
        code_footnote="",
        self_managed_text="",
        status=ReportStatus.FINAL,
        actor=None,
    )
    path = builders.docx(tmp_path / "績效報告.docx", REPORT_ROWS)
    target = performance_target(org="hsinchu-social", year=113)
    preview = performance_import(path=path, filename=path.name, target=target, actor=None)
    assert [i.message for i in preview.errors] == [
        "新竹市政府社會處113年度施政績效報告已定稿，不能修改資料；請先退回草稿。"
    ]
    with pytest.raises(ReportLocked):
        performance_import(path=path, filename=path.name, target=target, actor=None, save=True)
    assert not Plan.objects.filter(year=2024).exists()


def test_a_row_the_model_refuses_is_reported_where_it_was_read(
    counts: Callable[[], dict[str, int]],
) -> None:
    """The parser catches these first; should one slip past it, the save still names the cell."""
    zero = MeasureRow("志工人數", "numeric", Decimal(0), Decimal(10), "人", "")
    indicator = ParsedIndicator(
        number=1, text="志工人數。", standard_text="志工 0人。", achievement_text="志工 10人。",
        measures=(zero,), where="表!B3", row="3",
    )  # fmt: skip
    plan = ParsedPlan(
        number=1, name="志願服務", budget_thousands=4701, reported_rate=None, control_code=5,
        control_note="", indicators=(indicator,), where="表!A3", row="3",
    )  # fmt: skip
    parsed = PerformanceImport("表.xlsx", "", (plan,), (), 1, measures_from_table=True)
    target = performance_target(org="hsinchu-social", year=113)
    before = counts()
    with pytest.raises(ImportFailed) as raised:
        apply_performance(parsed=parsed, target=target, actor=None)
    assert str(raised.value) == "表!B3：目標值須大於 0。"
    assert counts() == before
