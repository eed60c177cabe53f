"""The document model: table grids with spans, checked before any renderer sees them."""

from __future__ import annotations

import pytest

from guankao.documents.model import Cell, Column, Table, layout


def cells(*texts: str) -> tuple[Cell, ...]:
    return tuple(Cell.of(t) for t in texts)


def test_rowspans_cover_the_cells_below() -> None:
    rows = (
        (Cell.of("plan", rowspan=2), Cell.of("a"), Cell.of("900", rowspan=2)),
        cells("b"),
    )
    grid = layout(rows, 3)
    assert [[c.text if c else None for c in line] for line in grid] == [
        ["plan", "a", "900"],
        [None, "b", None],
    ]


def test_colspans_and_line_breaks() -> None:
    cell = Cell.of("一\n二", colspan=2)
    assert cell.lines == ("一", "二")
    assert [[c.text if c else None for c in line] for line in layout(((cell,),), 2)] == [
        ["一\n二", None]
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((cells("a"),), "row 0 has too few cells for 2 columns"),
        ((cells("a", "b", "c"),), "row 0 has more cells than 2 columns"),
        (((Cell.of("a"), Cell.of("b", colspan=2)),), "row 0: a cell spans past column 2"),
    ],
)
def test_malformed_rows_are_refused(rows: tuple[tuple[Cell, ...], ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        layout(rows, 2)


def test_table_grid_includes_header_rows() -> None:
    table = Table(
        columns=(Column(1), Column(2)),
        header_rows=(cells("h1", "h2"),),
        body_rows=(cells("a", "b"),),
    )
    assert [[c.text for c in line if c] for line in table.grid()] == [["h1", "h2"], ["a", "b"]]
