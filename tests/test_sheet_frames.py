"""SheetCells.append_frame writes a polars frame with the bytes SheetCells.append writes row by row.

(append itself is held to openpyxl's own cell writer in tests/test_documents.py.)
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll.documents.xlsx import BOLD, BORDER, HEADER_FILL, WON_FORMAT, SheetCells, workbook_bytes

STAMP = dt.datetime(2026, 7, 10)

AWKWARD_TEXTS = [
    "", " ", "  padded  ", " lead", "trail ", "tab\tinside", "\tlead tab", "line\n", "\r\nx", "=SUM(A1)", "=", "+1", "+1,000.5",
    "-1", "-", "-x", "--", "@x", "#N/A", "\x01", "bell\x07", "x\x1c", "\x1f ", "\x0b\x0c", "&<>", "a&b<c>d\"'", "&amp;",
    "한글 이름", "\u3000전각 공백\u3000", "\xa0nbsp", "x\x85", "\ufffd", "١٢٣", "-١٢", "e\u0301", "😀 emoji",
    "x" * 32768, " " + "가" * 32770, "a" * 32766 + "  b", "=" + "y" * 33000, "&" * 32767 + "<",
]
INT_EDGES = [0, -1, 7, -5, 2**53, -(2**53), 2**53 + 1, -(2**53) - 1, 10**16, 10**17 - 1, 2**63 - 1, -(2**63), 2_759_044_891]
DATE_EDGES = [dt.date(1899, 12, 29), dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
              dt.date(1900, 3, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 6, 1)]

texts = st.one_of(st.sampled_from(AWKWARD_TEXTS), st.text(alphabet=st.sampled_from(list(" \t\n\x01\x1d=+-@&<>a가1.,\u3000")), max_size=6), st.text(max_size=5))
ints = st.one_of(st.sampled_from(INT_EDGES), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.integers(-1000, 1000))
dates = st.one_of(st.sampled_from(DATE_EDGES), st.dates())


def _maybe(values):
    return st.one_of(st.none(), values)


@st.composite
def columns(draw, height: int):
    """(dtype, values) of one column; lists as attendance/xlsx joins them, a float now and then (row by row)."""
    kind = draw(st.sampled_from(["text", "text", "int", "int32", "uint64", "date", "bool", "null", "list", "categorical", "float"]))
    if kind == "text":
        return pl.String, draw(st.lists(_maybe(texts), min_size=height, max_size=height))
    if kind == "categorical":
        return pl.Categorical, draw(st.lists(_maybe(st.sampled_from(["가", "=x", "", " b"])), min_size=height, max_size=height))
    if kind == "int":
        return pl.Int64, draw(st.lists(_maybe(ints), min_size=height, max_size=height))
    if kind == "int32":
        return pl.Int32, draw(st.lists(_maybe(st.integers(-(2**31), 2**31 - 1)), min_size=height, max_size=height))
    if kind == "uint64":
        return pl.UInt64, draw(st.lists(_maybe(st.sampled_from([0, 2**53, 2**53 + 1, 2**64 - 1, 12])), min_size=height, max_size=height))
    if kind == "date":
        return pl.Date, draw(st.lists(_maybe(dates), min_size=height, max_size=height))
    if kind == "bool":
        return pl.Boolean, draw(st.lists(_maybe(st.booleans()), min_size=height, max_size=height))
    if kind == "null":
        return pl.Null, [None] * height
    if kind == "list":
        return pl.List(pl.String), draw(st.lists(_maybe(st.lists(_maybe(texts), max_size=3)), min_size=height, max_size=height))
    return pl.Float64, draw(st.lists(_maybe(st.floats(allow_nan=False, allow_infinity=False)), min_size=height, max_size=height))


@st.composite
def frames(draw):
    height = draw(st.integers(0, 8))
    width = draw(st.integers(1, 5))
    data = {f"c{j}": draw(columns(height)) for j in range(width)}
    return pl.DataFrame({name: pl.Series(name, values, dtype=dtype) for name, (dtype, values) in data.items()})


def _styles(cells: SheetCells) -> list[int]:
    # registered in the same order in both workbooks; 0 is the default style
    return [0, cells.style(font=BOLD, fill=HEADER_FILL, border=BORDER), cells.style(border=BORDER, number_format=WON_FORMAT),
            cells.style(number_format="yyyy-mm-dd")]


def _written(frame: pl.DataFrame, style_picks: list[int], write_only: bool, before: list[list], by_frame: bool) -> tuple[bytes, list, tuple]:
    wb = openpyxl.Workbook(write_only=write_only)
    cells = SheetCells(wb.create_sheet("s") if write_only else wb.active)
    choices = _styles(cells)
    styles = [choices[k] for k in style_picks[:frame.width]] if style_picks else None
    for values in before:
        cells.append(values)
    if by_frame:
        cells.append_frame(frame, styles)
    else:
        for values in frame.iter_rows():
            cells.append(values, styles)
    cells.append(["after"])
    state = (cells.row, cells.min_row, cells.max_row, cells.min_col, cells.max_col)
    return workbook_bytes(wb, STAMP, [cells]), cells.parts, state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frame=frames(), style_picks=st.one_of(st.just([]), st.lists(st.integers(0, 3), min_size=5, max_size=5)), write_only=st.booleans(),
       before=st.sampled_from([[], [["header", "=quoted"]], [[None, None, None, "x"]], [[], []]]))
def test_append_frame_writes_the_bytes_of_append_row_by_row(frame, style_picks, write_only, before):
    from payroll.attendance.xlsx import joined_lists

    frame = joined_lists(frame)
    if any(d == pl.Float64 for d in frame.dtypes):
        frame = frame.with_columns(pl.col(pl.Float64).fill_null(0.5))  # a float column: written row by row all the same
    assert _written(frame, style_picks, write_only, before, True) == _written(frame, style_picks, write_only, before, False)


@pytest.mark.parametrize("write_only", [False, True])
def test_append_frame_writes_every_edge_value_as_append_does(write_only):
    # each awkward text, integer edge and date edge (Excel's 1900 leap day, the epoch) once, not left to chance
    height = max(len(AWKWARD_TEXTS), len(INT_EDGES), len(DATE_EDGES)) + 1

    def padded(values):
        return [*values, *[None] * (height - len(values))]

    frame = pl.DataFrame({
        "text": pl.Series(padded(AWKWARD_TEXTS), dtype=pl.String), "int": pl.Series(padded(INT_EDGES), dtype=pl.Int64),
        "date": pl.Series(padded(DATE_EDGES), dtype=pl.Date), "bool": pl.Series(padded([True, False]), dtype=pl.Boolean),
        "null": pl.Series([None] * height, dtype=pl.Null),
    })
    for picks in ([], [0, 0, 0, 0, 0], [1, 2, 3, 1, 2], [3, 3, 3, 3, 3]):
        for part in (frame, frame.filter(pl.col("text").str.contains(r"^[=+\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f]").not_())):
            assert _written(part, picks, write_only, [], True) == _written(part, picks, write_only, [], False)


@pytest.mark.parametrize("write_only", [False, True])
def test_append_frame_registers_date_and_quoted_styles_in_the_order_append_meets_them(write_only):
    # the style table is part of the bytes: a quoted text before the first date (and after it, in another column)
    frame = pl.DataFrame({
        "a": ["plain", "=first quoted", "x", "+again"],
        "b": [None, None, dt.date(2026, 6, 1), dt.date(1900, 1, 1)],
        "c": [None, None, None, dt.date(1900, 3, 1)],
    })
    for picks in ([], [0, 1, 2], [3, 3, 0], [1, 0, 1]):
        assert _written(frame, picks, write_only, [], True) == _written(frame, picks, write_only, [], False)
        assert _written(frame.reverse(), picks, write_only, [], True) == _written(frame.reverse(), picks, write_only, [], False)


def test_append_frame_of_an_empty_or_rowless_frame_writes_what_append_writes():
    for frame in (pl.DataFrame(), pl.DataFrame(schema={"a": pl.String, "b": pl.Date}), pl.DataFrame({"n": [None, None]})):
        for write_only in (False, True):
            assert _written(frame, [], write_only, [], True) == _written(frame, [], write_only, [], False)
            assert _written(frame, [1, 1], write_only, [["x"]], True) == _written(frame, [1, 1], write_only, [["x"]], False)


def test_joined_lists_join_as_the_report_cells_do():
    from payroll.attendance.xlsx import _cell, joined_lists

    frame = pl.DataFrame({
        "texts": [["a", None, "=b"], [], None],
        "numbers": [[1, -2], [None], None],
        "flags": [[True], [False, None], None],
        "days": [[dt.date(2026, 6, 1)], [], None],
        "kept": ["x", None, "y"],
    })
    expected = [[_cell(v) for v in row] for row in frame.iter_rows()]
    joined = joined_lists(frame)
    assert [list(row) for row in joined.iter_rows()] == expected
    assert joined.get_column("kept").dtype == pl.String


def test_exceptions_workbook_of_a_check_is_the_workbook_written_row_by_row(monkeypatch):
    # the run's attendance/exceptions.xlsx from a real check (the bundled samples): append_frame
    # against the rows appended one by one, as xlsx_bytes wrote them before
    from payroll.attendance.checks import check_files
    from payroll.attendance.report import _sheets, exceptions_workbook
    from payroll.attendance.xlsx import _cell, xlsx_bytes
    from payroll.roster import load_roster
    from payroll.runs.demo import EXPORTS, SAMPLES

    staff = load_roster(SAMPLES / "roster.csv", SAMPLES / "contracts.csv")
    result = check_files([SAMPLES / n for n in EXPORTS], staff, SAMPLES / "corrections.csv", month=(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    assert result.exceptions.height > 0
    sheets = _sheets(result.exceptions, staff, SAMPLES)
    assert sheets["오류·경고"].height + sheets["참고"].height == result.exceptions.height
    by_columns = exceptions_workbook(result.exceptions, staff, SAMPLES)

    def append_rows(cells, frame, styles=None):
        for row in frame.iter_rows():
            cells.append([_cell(v) for v in row], styles)

    monkeypatch.setattr(SheetCells, "append_frame", append_rows)
    assert by_columns == xlsx_bytes(sheets)
