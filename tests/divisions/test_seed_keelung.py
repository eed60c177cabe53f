"""The Keelung 112.7 division table as loaded, compared with the printed table.

Every expected value here is written out by hand from the source document, not read from the
data file, so a transcription or loading mistake fails a test.
"""

from __future__ import annotations

from collections import Counter

import pytest

from guankao.core.models import Agency
from guankao.divisions.models import DivisionTable, Task

pytestmark = pytest.mark.django_db

# label as the table writes it → (phone as written, E.164, extension, number of tasks)
AGENCIES = {
    "民政處": ("2420-1122#1632", "+886224201122", "1632", 5),
    "衛生局": ("2423-0181#1629", "+886224230181", "1629", 7),
    "教育處": ("2430-1505#310", "+886224301505", "310", 13),
    "社會處": ("2432-0495", "+886224320495", "", 13),
    "警察局": ("2425-2787", "+886224252787", "", 3),
    "文化局": ("2422-4170#327", "+886224224170", "327", 1),
    "觀銷處新聞科": ("2420-1122#2911", "+886224201122", "2911", 2),
    "移民署基隆市服務站": ("2427-6374#204", "+886224276374", "204", 2),
    "勞動部勞動力發展署北基宜花金馬分署基隆就業中心": (
        "2422-5263#3110",
        "+886224225263",
        "3110",
        2,
    ),
    "基隆市榮民服務處": ("2462-4881#114", "+886224624881", "114", 3),
    "基隆市稅務局": ("24331888#115", "+886224331888", "115", 2),
}

TASKS_PER_AREA = {
    "生活適應輔導": 4 + 1 + 1 + 5 + 3,
    "健全法令制度": 1,
    "醫療生育保健": 4,
    "協助子女教養": 2 + 3 + 2,
    "提升教育文化": 8,
    "落實觀念宣導": 1 + 1 + 2,
    "保障就業權益": 2 + 2,
    "人身安全保護": 2 + 3,
    "社會福利": 2,
    "定居歸化國籍": 2,
    "地方稅節稅宣導": 2,
}


@pytest.fixture
def table() -> DivisionTable:
    return DivisionTable.objects.for_jurisdiction("keelung").get()


def test_table_version_and_title(table: DivisionTable) -> None:
    assert table.version == "112.7"
    assert table.title == "基隆市新住民照顧服務業務分工一覽表"
    assert table.jurisdiction.name == "基隆市"
    assert table.tasks.count() == 53


@pytest.mark.parametrize(("label", "expected"), AGENCIES.items())
def test_agency_phone_extension_and_task_count(
    table: DivisionTable, label: str, expected: tuple[str, str, str, int]
) -> None:
    agency = Agency.objects.get(jurisdiction__slug="keelung", label=label)
    phone, e164, extension, task_count = expected
    assert (agency.phone, agency.phone_e164, agency.phone_extension) == (phone, e164, extension)
    assert table.tasks.filter(agency=agency).count() == task_count
    numbers = list(table.tasks.filter(agency=agency).values_list("number", flat=True))
    assert numbers == list(range(1, task_count + 1))


def test_tasks_per_area(table: DivisionTable) -> None:
    counts = Counter(table.tasks.values_list("area__name", flat=True))
    assert dict(counts) == TASKS_PER_AREA


def test_news_section_is_a_unit_of_the_tourism_department() -> None:
    unit = Agency.objects.get(label="觀銷處新聞科")
    assert unit.name == "新聞科"
    assert unit.parent is not None and unit.parent.name == "觀銷處"


def test_tel_uri_dials_the_extension() -> None:
    phone = Agency.objects.get(label="民政處").parsed_phone
    assert phone is not None and phone.tel_uri == "tel:+886224201122,1632"


def test_shared_tasks_are_linked_to_both_agencies(table: DivisionTable) -> None:
    shared = {
        (task.agency.label, task.number, co_lead.label)
        for task in table.tasks.with_related()
        for co_lead in task.co_leads.all()
    }
    assert shared == {
        ("教育處", 12, "社會處"),
        ("社會處", 9, "教育處"),
        ("社會處", 10, "警察局"),
        ("社會處", 11, "警察局"),
        ("警察局", 1, "社會處"),
        ("警察局", 2, "社會處"),
    }


@pytest.mark.parametrize(
    ("label", "number", "area", "text"),
    [
        ("民政處", 4, "生活適應輔導", "辦理歸化國籍測試。"),
        ("民政處", 5, "健全法令制度", "定期召開委員會，檢討新住民照顧服務措施辦理情形。"),
        (
            "衛生局",
            5,
            "醫療生育保健",
            "健康照護管理，促進身心健康環境之建立，製作多國語版衛生教育宣導教材，"
            "規劃辦理醫療人員多元文化教育研習與活動。",
        ),
        (
            "社會處",
            13,
            "社會福利",
            "福利服務（兒童、少年、婦女）：發展遲緩早期療育、低收入戶暨弱勢兒童醫療補助、"
            "少年生活扶助、婦女保護（安置庇護）、特殊境遇家庭扶助。",
        ),
        ("警察局", 3, "人身安全保護", "落實家庭暴力通報制度，建立單一通報窗口及保護諮詢專線。"),
        (
            "觀銷處新聞科",
            1,
            "落實觀念宣導",
            "運用有限電視頻道/公/民營廣播電臺、網路平台及電子報等提供多元文化及生活資訊。",
        ),
        (
            "移民署基隆市服務站",
            1,
            "定居歸化國籍",
            "提供大陸配偶在台團聚、居留至初次設籍等法令諮詢。",
        ),
        ("基隆市稅務局", 2, "地方稅節稅宣導", "提供新住民地方稅節稅諮詢服務及輔導申辦。"),
    ],
)
def test_task_text_and_area(
    table: DivisionTable, label: str, number: int, area: str, text: str
) -> None:
    task = Task.objects.get(table=table, agency__label=label, number=number)
    assert (task.area.name, task.text) == (area, text)


def test_table_order_follows_the_printed_table(table: DivisionTable) -> None:
    order = list(dict.fromkeys(t.agency.label for t in table.tasks.with_related().in_table_order()))
    assert order == list(AGENCIES)


def test_culture_bureau_task_is_unnumbered_in_the_print(table: DivisionTable) -> None:
    task = Task.objects.get(table=table, agency__label="文化局")
    assert (task.number, task.numbered) == (1, False)
