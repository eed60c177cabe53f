"""What the regenerated Hsinchu 社會處 108 report must contain, for every format's tests.

Sections 參, 肆 and 伍 and the plan rows are written out by hand from the printed report
(``src/guankao/seeds/sources/003_827bf5895b5233fc.txt``). The indicator texts of 貳 are read from
the transcription with plain ``yaml.safe_load``, not through guankao's loader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

SEED = Path(__file__).resolve().parents[2] / "src/guankao/seeds/hsinchu-social-performance-108.yaml"

TITLE = "新竹市政府社會處108年度施政績效報告"
HEADER = ("計畫名稱", "衡量指標", "衡量標準", "預算金額（千元）", "執行績效", "執行率", "管考代碼")
FOOTNOTE = (
    "＊ 管考方式代碼說明：1.工程列管 2.基本設施列管 3.促進民間參與公共建設列管 "
    "4.其他列管（請註明）5.自行列管。"
)

# 計畫名稱 as printed, budget (千元) as printed, 執行率, 管考代碼
PLANS = [
    ("一、為弱勢民眾搭起社福保護傘：", "900", "100%", "5"),
    ("二、加強辦理各項脫貧方案：", "514", "100%", "5"),
    ("三、推展安老政策，維護長輩基本生活：", "1,159,000", "100%", "5"),
    ("四、推動長青學苑社區化之創新措施：", "8,200", "100%", "5"),
    ("五、加強推動人民團體辦理社會福利服務工作：", "42,820", "100%", "5"),
    ("六、社區培力及輔導機制：", "4,209", "98%", "5"),
    ("七、志願服務永續發展方案：", "4,701", "100%", "5"),
    ("八、推動身心障礙者各項多元服務：", "437,454", "100%", "5"),
    ("九、兒童少年福利業務：", "63,892", "100%", "5"),
    ("十、婦女福利服務及權益促進：", "2,223", "100%", "5"),
    ("十一、新住民福利服務：", "3,421", "100%", "5"),
    ("十二、社會福利服務中心：", "15,744", "100%", "5"),
    ("十三、特殊境遇家庭福利服務：", "310", "100%", "5"),
    ("十四、建構家庭暴力防治網絡，提供平安保護服務：", "10,040", "99%", "5"),
]

SECTION_THREE = [
    (
        "六、社區培力及輔導機制：",
        "4.建置 10處社區愛享冰箱。",
        "98%",
        "社區愛享冰箱設置在本市各社區裡，需評估協會組織能量、人力、乘載能力以及在地需求為考量"
        "依據，故未達成原設定目標。",
    ),
    (
        "十四、建構家庭暴力防治網絡，提供平安保護服務：",
        "1.提供 5,800案次兒童少年保護個案家庭處遇服務、結束寄養安置後追蹤輔導服務及家長親職"
        "教育與兒少諮商服務，以保障兒少福祉及提升家庭能量。",
        "99%",
        "兒少保護個案家庭處遇服務、結束寄養安置後追蹤輔導服務及家長親職教育與兒少諮商服務，依"
        "個案實際狀況及需求提供服務。",
    ),
]

SECTION_FOUR = (
    "社會處自行列管計 14項執行計畫，其中「社區培力及輔導機制」執行率 98%，「建構家庭暴力防治"
    "網絡，提供平安保護服務」執行率 99%，其餘均如期達成目標。"
)

# Each paragraph of 伍 as printed (one entry per printed paragraph).
SECTION_FIVE = [
    "一、為弱勢民眾搭起社福保護傘：整合企業、民間單位及個人的愛心，持續辦理愛心福利社、呷熊飽餐"
    "食券計畫、愛心食材捐贈平台等服務，截至 12月底共計有 2萬 8,058人次受益。",
    "二、加強辦理各項脫貧方案：為協助弱勢家庭經濟自主與脫貧自立，持續辦理弱勢家庭夢想起飛脫貧"
    "服務，截至 12月底共計有 40戶家庭參與，共計 1,189人次受益。",
    "三、推展安老政策，維護長輩基本生活：為維護本市長輩基本經濟安全，持續發放安老津貼、重陽禮金，"
    "截至 12月底共計 8萬 6,581人受益。",
    "四、推動長青學苑社區化及加強照顧獨居長者措施：",
    "（一） 108年結合本市 12個民間團體，提供 272名獨居老人關懷訪視、電話問安、居家服務、餐飲服務"
    "及陪同就醫等服務，共計 6萬 9,264人次受益。",
    "（二） 108年 5月 7日起正式啟用行動歡唱車，全年共計辦理 142場老人文康休閒巡迴服務及相關宣導"
    "活動。",
    "（三） 107年打造全國第一個「高年級生俱樂部」，108年持續辦理樂團班、爵士鼓班、街舞班及復古流行"
    "舞等課程，共計辦理 151班，共計 7,700人次參加，另於108年8月17日於新竹左岸辦理高年級生俱樂部"
    "成果發表會，共計 400人次參加。",
    "五、加強推動人民團體辦理社會福利服務工作：40個社區照顧關懷據點及 57個長青樂活健康食堂在社區"
    "提供在地化的服務，共計 51萬 880人次受益。",
    "六、定點臨托：為提供幼兒照顧者喘息服務，於本市婦女館及南勢社會福利館內，各設置約 5坪臨托空間"
    "並聘請 1名專職托育人員，讓家中有 6個月至 6歲幼童的家長依需求預約使用，享受安心托兒服務。",
    # A glyph is missing in the source PDF before 區; the two spaces are kept as printed.
    "七、新住民中心室裝：新住民家庭服務中心因館舍老舊，進行空間整體規劃，增加廚房、多功能空間、  區、"
    "親子交流空間等，提供新住民更友善多元的使用環境。",
    "八、新住民頭家護照：發行新住民頭家護照，並於發行前辦理行銷課程，培力新住民行銷技巧、品牌設計及"
    "網路平台經營，並透過專業證照審查等機制，篩選出 12個新住民創業者，並將其商品及服務集結成冊。"
    "期待透過「新住民頭家護照」行銷新住民之好手藝，讓大眾可以循著護照內的新住民頭家地圖，來場多元"
    "文化美食及服務之旅。",
    "九、性平影展：與文化局合作辦理性別平等議題電影賞析活動，並安排 2次映後座談會，落實性別平等倡議"
    "宣導，共服務 283人次。",
]


def seed_yaml() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return data


def preface() -> str:
    text: str = seed_yaml()["report"]["preface"]
    return text


def numbered(number: int, text: str) -> str:
    """The table prints 「1.」 before a cell's text; a text with its own (1)(2) list starts below."""
    return f"{number}.\n{text}" if text.startswith("(") else f"{number}.{text}"


def indicator_cells() -> list[list[tuple[str, str, str]]]:
    """Per plan, per indicator: (衡量指標, 衡量標準, 執行績效) as the table cells print them."""
    return [
        [
            (
                numbered(i["number"], i["text"]),
                numbered(i["number"], i["standard"]),
                numbered(i["number"], i["achievement"]),
            )
            for i in plan["indicators"]
        ]
        for plan in seed_yaml()["plans"]
    ]


def measure_rows() -> list[dict[str, Any]]:
    """One entry per measure, in report order, with its plan and indicator."""
    rows = []
    for plan in seed_yaml()["plans"]:
        for indicator in plan["indicators"]:
            for measure in indicator["measures"]:
                rows.append({"plan": plan, "indicator": indicator, "measure": measure})
    return rows


def soft_wrapped(expected: str) -> re.Pattern[str]:
    """A pattern for ``expected`` as text extracted from a laid-out page: the layout may break a
    line between any two characters, and a run of spaces where it breaks is not printed. Every
    other character — commas, spaces, punctuation — must be there exactly."""
    parts: list[str] = []
    for token in re.findall(r" +|\n|.", expected, flags=re.DOTALL):
        if token.startswith(" "):
            parts.append(r"(?: +\n?|\n)")
        elif token == "\n":
            parts.append(r" ?\n")
        else:
            parts.append(re.escape(token) + r"\n?")
    return re.compile("".join(parts))
