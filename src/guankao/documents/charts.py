"""Charts for documents: plain data in, an accessible SVG and its data table out (decision 0071).

pygal draws the geometry; this module only chooses what it draws and makes the SVG fit for a
government report:

- **the same bytes for the same data** (documents are reproducible, decision 0053): pygal's random
  chart id becomes a hash of the chart's content and its dated comments are dropped;
- **no JavaScript**: pygal's tooltip script and the data it keeps for it are left out;
- **accessible**: ``role="img"`` with ``aria-labelledby`` naming a ``<title>`` and a ``<desc>``,
  and every number also in :attr:`Chart.table`;
- **readable without colour**: the Okabe–Ito palette (safe for the common colour-vision
  deficiencies) and, next to each bar, the light's mark and word (●達標 ▲接近 ■落後 ○無資料);
- **readable at 360 px**: a narrow viewBox and no fixed size, so the chart scales to its column.

Text stays text (Noto Sans CJK TC), which browsers, Typst and LibreOffice all draw with the
installed font; the PDF embeds it like the rest of the page.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import pygal  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information
from pygal.style import Style  # type: ignore[import-untyped]

from guankao.documents.model import Align, Cell, Chart, Column, Table
from guankao.tw.numbers import format_percent, format_thousands

__all__ = ["LIGHTS", "Bar", "Chart", "Light", "LightLook", "Point", "bar_chart", "line_chart"]

Light = Literal["green", "yellow", "red", "white"]
Number = Decimal | int | float

FONT = '"Noto Sans CJK TC", "Noto Sans TC", sans-serif'
# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour vision.
BLUE, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#595959"
# A viewBox this narrow keeps 14-unit text at about 12 px on a 360 px phone.
WIDTH = 420


LINE_ALIGNS: tuple[Align, ...] = ("start", "end", "end")


@dataclass(frozen=True, slots=True)
class LightLook:
    """How a light is drawn: bar colour, a mark that differs in shape, and its word."""

    colour: str
    mark: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.mark}{self.text}"


LIGHTS: Mapping[Light, LightLook] = {
    "green": LightLook(GREEN, "●", "達標"),
    "yellow": LightLook(ORANGE, "▲", "接近"),
    "red": LightLook(VERMILLION, "■", "落後"),
    # White on white would vanish: an outlined bar instead.
    "white": LightLook("#FFFFFF", "○", "無資料"),
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One item of a scorecard: a short ``label`` for the chart's axis (「六.4」), ``value`` as a
    percentage of its target (``80`` is 80%; None when there is nothing to compare), its light,
    and optionally a longer ``detail`` (the measure's name) printed in the data table."""

    label: str
    value: Number | None
    light: Light
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Point:
    """One year of a series: the ROC year (``108``) and its value, None when not reported."""

    year: int
    value: Number | None


def bar_chart(
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    value_header: str = "達成率",
) -> Chart:
    """Horizontal bars, one per item in the order given (first on top), each as a percentage of
    its target with a reference line at 100% and its light's mark and word after the bar.

    The data table lists 項目 (and 說明 when any bar has a ``detail``), ``value_header`` and 燈號.
    """
    if not bars:
        raise ValueError("a bar chart needs at least one bar")
    values = [float(b.value) for b in bars if b.value is not None]
    # Room to the right of the longest bar for its 「120% ●達標」.
    top = max(150, math.ceil(max(values, default=100) / 0.7 / 50) * 50)
    step = 50 if top <= 300 else 100 * math.ceil(top / 600)
    chart = pygal.HorizontalBar(
        _config(
            width=WIDTH,
            height=80 + 44 * len(bars),
            colours=(BLUE,),
            show_legend=False,
            range=(0, top),
            y_labels=list(range(0, top + 1, step)),
            y_labels_major=[100],
            show_minor_y_labels=True,
            value_formatter=lambda v: f"{v:g}%",
            print_values=True,
            print_values_position="top",  # for horizontal bars: at the bar's end
            truncate_label=-1,
            margin_left=12 + _label_overflow([b.label for b in bars], 13),
        ),
        title=title,
    )
    # pygal stacks horizontal bars from the bottom; reversed, the first item is on top.
    ordered = list(reversed(bars))
    chart.x_labels = [b.label for b in ordered]
    chart.add(value_header, [_bar_value(b) for b in ordered])
    header = ["項目", *(["說明"] if any(b.detail for b in bars) else []), value_header, "燈號"]
    rows = [
        [
            b.label,
            *([b.detail] if len(header) == 4 else []),
            _percent(b.value),
            LIGHTS[b.light].label,
        ]
        for b in bars
    ]
    return _chart(
        chart,
        "bar",
        title,
        description,
        header,
        rows,
        widths=(2, 5, 2, 2) if len(header) == 4 else (4, 2, 2),
        aligns=("start", "start", "end", "start")
        if len(header) == 4
        else ("start", "end", "start"),
        filters=(_values_after_bars, _presentation((BLUE,), major_solid=True)),
    )


def line_chart(
    title: str,
    description: str,
    points: Sequence[Point],
    target_points: Sequence[Point] = (),
    *,
    unit: str = "",
    actual_label: str = "實際值",
    target_label: str = "目標值",
) -> Chart:
    """A trend over ROC years: the actual series as a solid line with dots and, when given, the
    target series dashed. Years missing from a series are gaps. The data table has one row per
    year: 年度, actual and target (with ``unit`` in the header, such as 「人次」)."""
    years = sorted({p.year for p in (*points, *target_points)})
    if not years:
        raise ValueError("a line chart needs at least one year")
    for series in (points, target_points):
        seen = [p.year for p in series]
        if len(seen) != len(set(seen)):
            raise ValueError("a series has the same year twice")
    actual = {p.year: p.value for p in points}
    target = {p.year: p.value for p in target_points}
    numbers = [float(v) for v in (*actual.values(), *target.values()) if v is not None]
    chart = pygal.Line(
        _config(
            width=WIDTH,
            height=300,
            colours=(BLUE, VERMILLION),
            show_legend=bool(target_points),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            include_x_axis=True,  # a trend drawn from zero does not exaggerate a change
            range=(min([0.0, *numbers]), max(numbers, default=1) * 1.1 or 1),
            value_formatter=_number,
            dots_size=4,
            x_label_rotation=0 if len(years) <= 8 else 45,
            allow_interruptions=True,  # a year without a value is a gap, not a guessed line
            major_guide="2,3",
        ),
        title=title,
    )
    chart.x_labels = [f"{y}年" for y in years]
    chart.add(actual_label, [_float(actual.get(y)) for y in years], stroke_style={"width": 3})
    if target_points:
        chart.add(
            target_label,
            [_float(target.get(y)) for y in years],
            stroke_style={"width": 2, "dasharray": "7,5"},
            dots_size=3,
        )
    suffix = f"（{unit}）" if unit else ""
    header = ["年度", f"{actual_label}{suffix}"]
    if target_points:
        header.append(f"{target_label}{suffix}")
    rows = [
        [f"{y}年", _number(actual.get(y)), *([_number(target.get(y))] if target_points else [])]
        for y in years
    ]
    return _chart(
        chart,
        "line",
        title,
        description,
        header,
        rows,
        widths=(1,) * len(header),
        aligns=LINE_ALIGNS[: len(header)],
        filters=(_presentation((BLUE, VERMILLION), major_solid=False, dashed={1: "7,5"}),),
    )


# --- helpers ----------------------------------------------------------------------------------


def _config(*, colours: tuple[str, ...], major_guide: str = "none", **options: Any) -> pygal.Config:
    style = Style(
        background="#FFFFFF",
        plot_background="#FFFFFF",
        foreground="#1A1A1A",
        foreground_strong="#000000",
        foreground_subtle="#8C8C8C",
        opacity="1",
        opacity_hover="1",
        colors=colours,
        font_family=FONT,
        title_font_size=16,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=13,
        legend_font_size=13,
        # A bar chart's 100% line is its major guide: solid and dark; the other guides dotted.
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray=major_guide,
    )
    config = pygal.Config(
        style=style,
        js=[],  # no script: the chart is a picture, its numbers are in the table
        disable_xml_declaration=True,
        explicit_size=False,  # viewBox only: the chart takes the width of its column
        pretty_print=False,
        margin=12,
        **options,
    )
    return config


def _chart(
    chart: Any,
    kind: str,
    title: str,
    description: str,
    header: list[str],
    rows: list[list[str]],
    *,
    widths: tuple[float, ...],
    aligns: tuple[Align, ...],
    filters: Iterable[Callable[[Any], None]],
) -> Chart:
    """Render ``chart`` with a content-derived id, then make the SVG accessible and script-free."""
    digest = hashlib.sha256(
        json.dumps([kind, title, description, header, rows], ensure_ascii=False).encode()
    ).hexdigest()[:12]
    chart.uuid = digest  # pygal's default is uuid4(): new bytes every time
    root = chart.render_tree()
    chart_id = root.get("id")
    _strip(root)
    for change in filters:
        change(root)
    title_node = next((n for n in root if _local(n) == "title"), None)
    if title_node is None:  # pygal always writes one; refuse silently broken output
        raise RuntimeError("pygal wrote no <title>")
    title_node.set("id", f"{chart_id}-title")
    desc = etree.Element(title_node.tag, id=f"{chart_id}-desc")
    desc.tag = "desc"
    desc.text = description
    title_node.addnext(desc)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("font-family", FONT.replace('"', "'"))  # for readers that skip the <style>
    svg = etree.tostring(root, encoding="unicode")
    width, height = (int(float(n)) for n in root.get("viewBox").split()[2:])
    table = Table(
        columns=tuple(Column(w) for w in widths),
        header_rows=(tuple(Cell.of(h, header=True) for h in header),),
        body_rows=tuple(
            tuple(Cell.of(text, align=align) for text, align in zip(row, aligns, strict=True))
            for row in rows
        ),
        caption=f"{title}（資料表）",
    )
    return Chart(title, description, svg, width, height, table)


def _strip(root: Any) -> None:
    """Drop what makes the bytes vary or needs a script: comments (one is dated), scripts, and
    the ``<desc>``/``<title>`` elements pygal leaves inside the plot for its tooltips."""
    for node in list(root.iter()):
        tag = _local(node)
        if tag in ("", "script") or (tag in ("desc", "title") and node.getparent() is not root):
            node.getparent().remove(node)


def _presentation(
    colours: tuple[str, ...], *, major_solid: bool, dashed: Mapping[int, str] | None = None
) -> Callable[[Any], None]:
    """The look pygal gives in its ``<style>`` repeated as presentation attributes.

    Browsers and Typst apply the stylesheet (it wins over the attributes, and says the same);
    LibreOffice's SVG import does not follow pygal's selectors and drew a black background with
    black text. Attributes are plain SVG that every reader knows.
    """

    def apply(root: Any) -> None:
        for node in list(root.iter()):
            classes = (node.get("class") or "").split()
            tag = _local(node)
            if "tooltip" in classes or "tooltip-overlay" in classes:
                node.getparent().remove(node)  # an empty box for pygal's script
                continue
            if tag == "rect" and "background" in classes:
                node.set("fill", "#FFFFFF")
            elif tag == "path" and "line" in classes and "reactive" not in classes:
                major = "major" in classes
                node.set("fill", "none")
                node.set("stroke", "#1A1A1A" if major or "guide" not in classes else "#8C8C8C")
                if "guide" in classes and not (major and major_solid):
                    node.set("stroke-dasharray", "2,3")
                if major and major_solid:
                    node.set("stroke-width", "1.5")
            elif tag == "text":
                node.set("fill", "#000000" if "title" in classes else "#1A1A1A")
                node.set("font-size", "16" if "title" in classes else "13")
                node.set("stroke", "none")  # not the series colour of the group around it
                if node.get("text-anchor") is None:
                    node.set("text-anchor", _anchor(node, classes))
            for index, colour in enumerate(colours):
                if f"color-{index}" in classes and node.get("style") is None:
                    node.set("fill", colour)
                    node.set("stroke", colour)
                    if dashed and index in dashed and "series" in classes:
                        node.set("stroke-dasharray", dashed[index])
            if "nofill" in classes:
                node.set("fill", "none")

    return apply


def _anchor(node: Any, classes: list[str]) -> str:
    """The text-anchor pygal's graph.css gives: titles and x-axis labels centred, y-axis labels
    against the axis, legends from their swatch."""
    if "title" in classes:
        return "middle"
    for ancestor in node.iterancestors():
        parent = (ancestor.get("class") or "").split()
        if "axis" in parent:
            return "middle" if "x" in parent else "end"
        if "legend" in parent or "legends" in parent:
            return "start"
    return "start"


def _local(node: Any) -> str:
    """The element's name without namespace (pygal's lxml tree has none); "" for a comment."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _values_after_bars(root: Any) -> None:
    """pygal centres a printed value on the bar's end; start it there, so it reads after it."""
    for node in root.iter():
        if _local(node) == "text" and "value" in (node.get("class") or "").split():
            node.set("text-anchor", "start")


def _label_overflow(labels: Iterable[str], size: int) -> int:
    """How much wider than pygal's estimate (0.6 em a character) the widest label is: Chinese
    characters take a full em, and pygal would cut them off at the chart's left edge."""
    widths = [
        sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in label) * size
        - len(label) * 0.6 * size
        for label in labels
    ]
    return math.ceil(max(widths, default=0))


def _bar_value(bar: Bar) -> dict[str, Any]:
    look = LIGHTS[bar.light]
    style = f"fill:{look.colour};stroke:{look.colour}"
    if bar.light == "white":
        style = f"fill:#FFFFFF;stroke:{GREY};stroke-width:1.5"
    text = f"{_percent(bar.value)} {look.label}" if bar.value is not None else look.label
    return {
        "value": 0 if bar.value is None else float(bar.value),
        "style": style,
        "formatter": lambda _value: text,
    }


def _percent(value: Number | None) -> str:
    if value is None:
        return "—"
    whole = Decimal(str(value)) == Decimal(str(value)).to_integral_value()
    return format_percent(value, 0 if whole else 1)


def _number(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return format_thousands(value)
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return format_thousands(int(number))
    return f"{number.normalize():,f}"


def _float(value: Number | None) -> float | None:
    return None if value is None else float(value)
