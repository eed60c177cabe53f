"""documents.charts: the SVG is parsed back, not compared as text — an image with a title and a
description, one bar per item with its light's mark and word, no script, the same bytes for the
same data — and its data table holds the same numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from guankao.documents.charts import LIGHTS, Bar, Point, bar_chart, line_chart
from guankao.documents.model import Chart

SVG = "{http://www.w3.org/2000/svg}"
# The seed's three measures below target, one met and one without data (issue 14).
BARS = [
    Bar("六.4", 80, "yellow", "辦理社區培力課程場次"),
    Bar("八.5", 83.56, "yellow", "身心障礙者服務人數"),
    Bar("十四.1", 75.4, "red", "家庭暴力防治服務人次"),
    Bar("一.1", 120, "green", "弱勢民眾關懷訪視"),
    Bar("二.1", None, "white", "脫貧方案參與人數"),
]


def scorecard() -> Chart:
    return bar_chart("108年度達成率", "五項衡量標準中一項達標、三項未達標、一項無資料。", BARS)


def trend() -> Chart:
    return line_chart(
        "家庭暴力防治服務人次",
        "104年至108年的實際值與目標值。",
        [Point(104, 1200), Point(105, 1500), Point(106, None), Point(107, 4000), Point(108, 4373)],
        [Point(106, 3000), Point(107, 4200), Point(108, 5800)],
        unit="人次",
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own output, not untrusted input


def classes(node: ET.Element) -> list[str]:
    return (node.get("class") or "").split()


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [n for n in root.iter(f"{SVG}text") if cls in classes(n)]


def test_the_svg_is_an_image_named_by_its_own_title_and_description() -> None:
    chart = scorecard()
    root = parse(chart.svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    named = {n.get("id"): n for n in root.iter() if n.get("id")}
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert named[title_id].tag == f"{SVG}title" and named[title_id].text == "108年度達成率"
    assert named[desc_id].tag == f"{SVG}desc"
    assert named[desc_id].text == "五項衡量標準中一項達標、三項未達標、一項無資料。"
    # Only one title and one description: pygal's tooltip texts are gone.
    assert len(list(root.iter(f"{SVG}title"))) == 1 and len(list(root.iter(f"{SVG}desc"))) == 1


def test_it_scales_to_its_column_and_needs_no_script() -> None:
    chart = scorecard()
    root = parse(chart.svg)
    assert root.get("width") is None and root.get("height") is None
    assert root.get("viewBox") == f"0 0 {chart.width} {chart.height}"
    assert chart.width <= 480  # 13-unit text stays at least 11 px on a 360-px phone
    assert list(root.iter(f"{SVG}script")) == []
    assert not [a for n in root.iter() for a in n.attrib if a.lower().startswith("on")]
    assert "<!--" not in chart.svg  # pygal's comment carries the date of rendering


def test_one_bar_per_item_in_order_with_its_colour_mark_and_word() -> None:
    root = parse(scorecard().svg)
    # pygal wraps each bar's rect in a <g class="bar"> that carries the value's own style.
    bars = [
        (g, r) for g in root.iter(f"{SVG}g") if "bar" in classes(g) for r in g.iter(f"{SVG}rect")
    ]
    assert len(bars) == len(BARS)
    values = sorted(texts(root, "value"), key=lambda n: float(n.get("y", 0)))  # top first
    assert [v.text for v in values] == [
        "80% ▲接近",
        "83.6% ▲接近",
        "75.4% ■落後",
        "120% ●達標",
        "○無資料",
    ]
    fills = sorted(
        ((float(r.get("y", 0)), re.search(r"fill:\s*(#\w+)", g.get("style", ""))) for g, r in bars),
        key=lambda pair: pair[0],
    )
    assert [m.group(1) if m else None for _, m in fills] == [
        LIGHTS["yellow"].colour,
        LIGHTS["yellow"].colour,
        LIGHTS["red"].colour,
        LIGHTS["green"].colour,
        "#FFFFFF",
    ]


def test_every_light_differs_in_shape_and_word_not_only_in_colour() -> None:
    looks = list(LIGHTS.values())
    assert len({look.mark for look in looks}) == 4 and len({look.text for look in looks}) == 4
    assert [LIGHTS[k].label for k in ("green", "yellow", "red", "white")] == [
        "●達標",
        "▲接近",
        "■落後",
        "○無資料",
    ]
    # Okabe–Ito, not the traffic-light red and green a red–green deficiency cannot tell apart.
    assert {LIGHTS["green"].colour, LIGHTS["red"].colour} == {"#009E73", "#D55E00"}


def test_a_solid_reference_line_stands_at_100_percent() -> None:
    root = parse(scorecard().svg)
    (major,) = [p for p in root.iter(f"{SVG}path") if {"major", "guide"} <= set(classes(p))]
    label = next(t for t in root.iter(f"{SVG}text") if t.text == "100%")
    assert "major" in classes(label)
    x = float(re.match(r"M([\d.]+)", major.get("d", "")).group(1))  # type: ignore[union-attr]
    assert x == pytest.approx(float(label.get("x", 0)), abs=0.5)
    assert major.get("stroke-dasharray") is None  # the other guides are dotted
    assert all(
        p.get("stroke-dasharray") == "2,3"
        for p in root.iter(f"{SVG}path")
        if "guide" in classes(p) and "major" not in classes(p)
    )


def test_the_same_data_gives_the_same_bytes_and_other_data_another_id() -> None:
    assert scorecard().svg == scorecard().svg
    assert trend().svg == trend().svg
    first = parse(scorecard().svg).get("id")
    other = parse(bar_chart("108年度達成率", "另一份。", BARS[:2]).svg).get("id")
    assert first and other and first != other  # two charts on one page keep their own styles


def test_the_bar_chart_table_has_the_same_numbers() -> None:
    table = scorecard().table
    assert table.caption == "108年度達成率（資料表）"
    assert [c.text for c in table.header_rows[0]] == ["項目", "說明", "達成率", "燈號"]
    assert [[c.text for c in row] for row in table.body_rows] == [
        ["六.4", "辦理社區培力課程場次", "80%", "▲接近"],
        ["八.5", "身心障礙者服務人數", "83.6%", "▲接近"],
        ["十四.1", "家庭暴力防治服務人次", "75.4%", "■落後"],
        ["一.1", "弱勢民眾關懷訪視", "120%", "●達標"],
        ["二.1", "脫貧方案參與人數", "—", "○無資料"],
    ]
    table.grid()  # a well-formed table


def test_without_details_the_table_leaves_the_column_out() -> None:
    table = bar_chart("t", "d", [Bar("甲", 50, "red")]).table
    assert [c.text for c in table.header_rows[0]] == ["項目", "達成率", "燈號"]
    assert [c.text for c in table.body_rows[0]] == ["甲", "50%", "■落後"]


def test_a_long_label_is_given_room_instead_of_being_cut_off() -> None:
    short = parse(bar_chart("t", "d", [Bar("甲", 50, "red")]).svg)
    long = parse(bar_chart("t", "d", [Bar("家庭暴力防治網絡", 50, "red")]).svg)

    def plot_x(root: ET.Element) -> float:
        plot = next(g for g in root.iter(f"{SVG}g") if "graph" in classes(g))
        inner = next(g for g in plot if g.get("transform"))
        return float(re.match(r"translate\(([\d.]+)", inner.get("transform", "")).group(1))  # type: ignore[union-attr]

    # Eight Chinese characters at 13 units are 104 units wide; the plot starts after them.
    assert plot_x(long) - plot_x(short) >= 104 - 13 * 0.6 * 8 - 1


def test_the_line_chart_has_roc_years_two_series_and_a_gap() -> None:
    chart = trend()
    root = parse(chart.svg)
    axis = next(g for g in root.iter(f"{SVG}g") if classes(g)[:2] == ["axis", "x"])
    assert [t.text for t in axis.iter(f"{SVG}text")] == [
        "104年",
        "105年",
        "106年",
        "107年",
        "108年",
    ]
    series = [
        g
        for g in root.iter(f"{SVG}g")
        if "series" in classes(g) and g.find(f"{SVG}path") is not None
    ]
    lines = {
        next(c for c in classes(g) if c.startswith("serie-")): g.findall(f"{SVG}path")
        for g in series
    }
    assert len(lines["serie-0"]) == 2  # 104–105 and 107–108: no line drawn through 106
    assert len(lines["serie-1"]) == 1
    target = next(g for g in series if "serie-1" in classes(g))
    assert target.get("stroke-dasharray") == "7,5"
    legend = [
        t.text for g in root.iter(f"{SVG}g") if "legend" in classes(g) for t in g.iter(f"{SVG}text")
    ]
    assert legend == ["實際值", "目標值"]


def test_the_line_chart_table_lists_every_year() -> None:
    table = trend().table
    assert [c.text for c in table.header_rows[0]] == ["年度", "實際值（人次）", "目標值（人次）"]
    assert [[c.text for c in row] for row in table.body_rows] == [
        ["104年", "1,200", "—"],
        ["105年", "1,500", "—"],
        ["106年", "—", "3,000"],
        ["107年", "4,000", "4,200"],
        ["108年", "4,373", "5,800"],
    ]


def test_a_single_series_has_no_legend_and_no_target_column() -> None:
    chart = line_chart("t", "d", [Point(107, 1.5), Point(108, 2.25)])
    assert [c.text for c in chart.table.header_rows[0]] == ["年度", "實際值"]
    assert [c.text for c in chart.table.body_rows[1]] == ["108年", "2.25"]
    root = parse(chart.svg)
    assert not [g for g in root.iter(f"{SVG}g") if "legend" in classes(g)]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one bar"):
        bar_chart("t", "d", [])
    with pytest.raises(ValueError, match="at least one year"):
        line_chart("t", "d", [])
    with pytest.raises(ValueError, match="same year twice"):
        line_chart("t", "d", [Point(108, 1), Point(108, 2)])


def test_text_is_escaped_not_read_as_markup() -> None:
    chart = bar_chart("<b>A&B</b>", "x < y", [Bar("<i>", 50, "red")])
    root = parse(chart.svg)
    assert next(root.iter(f"{SVG}title")).text == "<b>A&B</b>"
    assert next(root.iter(f"{SVG}desc")).text == "x < y"
    assert "<i>" not in chart.svg and "<b>" not in chart.svg


def test_charts_without_any_value_or_with_negative_values_still_render() -> None:
    empty = bar_chart("t", "d", [Bar("甲", None, "white")])
    assert [v.text for v in texts(parse(empty.svg), "value")] == ["○無資料"]
    assert [c.text for c in empty.table.body_rows[0]] == ["甲", "—", "○無資料"]
    gap = line_chart("t", "d", [Point(108, None)])
    assert [c.text for c in gap.table.body_rows[0]] == ["108年", "—"]
    falling = line_chart("t", "d", [Point(107, -5), Point(108, 10)])
    labels = [t.text for t in parse(falling.svg).iter(f"{SVG}text")]
    assert any(label and label.startswith("-") for label in labels)  # the axis goes below zero
