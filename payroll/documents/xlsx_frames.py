"""The rows of a polars frame as :class:`payroll.documents.xlsx.SheetCells` rows, built by columns.

Why: ``SheetCells.append`` formats a row in a Python loop over its cells, a few microseconds a
cell; the attendance exceptions workbook of a month is ~100,000 cells (0.35 s of the run's main
process, more while the payslip processes share the cores: issue 20). Here the ``<c …>`` text of
a column is one polars string expression — for every value the text ``append`` writes for it —
and a row is their concatenation. The bytes are exactly those of ``append`` row by row (tests
hold them equal), so:

- a row with a text that ``append`` hands to :func:`payroll.security.cells.xlsx_text` (it starts
  like a formula, or holds characters XML cannot carry) or with an integer beyond 2**53 (``append``
  formats an int as the float ``"%.16g"`` does, which rounds there) is written by ``append``'s own
  code, at its place;
- a frame with a column of another kind (float, Decimal, datetime, time, list…, or a date when
  the workbook keeps ISO dates) is appended row by row;
- the styles ``append`` registers with the workbook on first use (a date's number format) are
  registered in the order ``append`` would have met them: the workbook's style table, and so its
  bytes, do not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import WINDOWS_EPOCH

from payroll.documents.xlsx import TEXT_MAX, SheetCells
from payroll.security.cells import FORMULA_STARTS

#: an int up to this size is exactly a float, so "%.16g" of it is its digits
EXACT_INT = 2**53


def _char_class(chars) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


#: a text that append gives to xlsx_text: a formula's first character, or a character XML cannot carry
#: (the same characters as openpyxl's ILLEGAL_CHARACTERS_RE, all of them below U+0080)
NEEDS_XLSX_TEXT = f"^{_char_class(FORMULA_STARTS)}|{_char_class(chr(i) for i in range(0x80) if ILLEGAL_CHARACTERS_RE.match(chr(i)))}"


def _vectorised(dtype: pl.DataType, cells: SheetCells) -> bool:
    if dtype == pl.Date:
        # a date is a number cell unless the workbook keeps ISO dates (openpyxl writes those); serial
        # days from a midnight epoch are whole numbers
        return not cells.wb.iso_dates and cells.wb.epoch.time() == dt.time()
    return dtype in (pl.String, pl.Boolean, pl.Null) or dtype.is_integer() or isinstance(dtype, (pl.Categorical, pl.Enum))


def append_frame(cells: SheetCells, frame: pl.DataFrame, styles: Sequence[int] | None = None) -> None:
    """``cells.append(list(row), styles)`` for every row of ``frame``, in one pass of polars."""
    if frame.width == 0 or not all(_vectorised(d, cells) for d in frame.dtypes):
        for values in frame.iter_rows():
            cells.append(values, styles)
        return
    if frame.height == 0:
        return
    data = frame.select(pl.col(n).cast(pl.String) if isinstance(d, (pl.Categorical, pl.Enum)) else pl.col(n) for n, d in frame.schema.items())
    style = [styles[j] if styles is not None else 0 for j in range(data.width)]
    r0 = cells.row
    patched = _rows_by_append(cells, data, style, r0)
    letters = cells._letters_up_to(data.width)
    numbered = data.select(pl.int_range(r0 + 1, r0 + 1 + data.height, dtype=pl.Int64).cast(pl.String).alias("r"),
                           *[pl.col(n).alias(f"v{j}") for j, n in enumerate(data.columns, start=1)])
    number = pl.col("r")
    # each column's cells computed once, then the rows of them (an eager select computes an
    # expression again wherever it is repeated)
    by_column = numbered.select(number, *[_cell(cells, f"v{j}", dtype, letters[j], style[j - 1], numbered, number).alias(f"c{j}")
                                          for j, dtype in enumerate(data.dtypes, start=1)])
    named = [f"c{j}" for j in range(1, data.width + 1)]
    filled = pl.any_horizontal([pl.col(c).is_not_null() for c in named])
    row = pl.when(filled).then(pl.concat_str([pl.lit('<row r="'), number, pl.lit('">'), *[pl.col(c) for c in named], pl.lit("</row>")], ignore_nulls=True))
    if cells.keep_empty_rows:
        row = row.otherwise(pl.concat_str([pl.lit('<row r="'), number, pl.lit('"></row>')]))
    plan = by_column.select(row.alias("part"), filled.alias("filled"))
    part = plan.get_column("part")
    if patched:
        at = list(patched)
        part = part.scatter(at, pl.Series([patched[i] for i in at], dtype=pl.String))
    cells.parts.extend(part.drop_nulls().to_list())
    rows = plan.get_column("filled").arg_true()
    if rows.len():
        # a value has a cell or has none by its kind and style alone, whoever writes it: the rows
        # append wrote have their cells where this frame's columns have them
        cells.min_row = cells.min_row or r0 + 1 + rows[0]
        cells.max_row = r0 + 1 + rows[-1]
        used = [j for j, any_cell in enumerate(by_column.select(pl.col(named).is_not_null().any()).row(0), start=1) if any_cell]
        cells.min_col = min(cells.min_col, used[0]) if cells.min_col else used[0]
        cells.max_col = max(cells.max_col, used[-1])
    cells.row = r0 + data.height


def _rows_by_append(cells: SheetCells, data: pl.DataFrame, style: list[int], r0: int) -> dict[int, str | None]:
    """The rows ``append``'s own code writes (by index in ``data``), and the date styles registered
    where ``append`` would first have needed them: before the first of these rows that follows."""
    special = [pl.col(n).str.contains(NEEDS_XLSX_TEXT) if d == pl.String
               else ~pl.col(n).is_between(-EXACT_INT, EXACT_INT) if d.is_signed_integer()
               else pl.col(n) > EXACT_INT if d.is_integer()
               else None for n, d in data.schema.items()]
    special = [e for e in special if e is not None]
    rows = data.select(pl.any_horizontal(special).fill_null(False)).to_series().arg_true().to_list() if special else []
    dates = []  # (row, column) of each date column's first date: where append registers its style
    for j, (name, dtype) in enumerate(data.schema.items()):
        if dtype == pl.Date:
            filled = data.get_column(name).is_not_null().arg_true()
            if filled.len():
                dates.append((filled[0], j))
    dates.sort()
    patched = {}
    for i in rows:
        while dates and dates[0][0] < i:
            k, j = dates.pop(0)
            cells._date_style(style[j], data.item(k, j))
        patched[i] = cells._row(r0 + 1 + i, data.row(i), style)[0]
    for k, j in dates:
        cells._date_style(style[j], data.item(k, j))
    return patched


def _cell(cells: SheetCells, name: str, dtype: pl.DataType, letter: str, s: int, data: pl.DataFrame, number: pl.Expr) -> pl.Expr:
    """The ``<c>`` element ``append`` writes for each value of column ``name`` (null: no cell)."""
    v = pl.col(name)
    sa = f' s="{s}"' if s else ""
    ref = [pl.lit(f'<c r="{letter}'), number]
    if dtype == pl.Null:
        return _none(ref, sa, s)
    if dtype == pl.String:
        cut = v.str.head(TEXT_MAX)  # what openpyxl keeps of a longer text (in characters, as Python counts them)
        kept = cut.str.strip_chars().str.len_bytes()  # Python's whitespace, but for U+001C–U+001F (those rows are append's)
        text = cut.str.replace_many(["&", "<", ">"], ["&amp;", "&lt;", "&gt;"])  # xml.sax.saxutils.escape, in one pass
        opening = (pl.when(v == "").then(pl.lit(" />"))
                   .when((kept > 0) & (kept < cut.str.len_bytes())).then(pl.lit('><is><t xml:space="preserve">'))
                   .otherwise(pl.lit("><is><t>")))
        closing = pl.when(v == "").then(pl.lit("")).otherwise(pl.lit("</t></is></c>"))
        cell = pl.concat_str([*ref, pl.lit(f'"{sa} t="inlineStr"'), opening, text, closing])  # null where v is
    else:
        if dtype == pl.Boolean:
            shown, kind = v.cast(pl.UInt8).cast(pl.String), f'"{sa} t="b"><v>'
        elif dtype == pl.Date:
            filled = data.get_column(name).drop_nulls()
            if not filled.len():
                return _none(ref, sa, s)
            ds = cells._date_style(s, filled[0])  # registered in append's order already (_rows_by_append)
            epoch = cells.wb.epoch
            days = v.cast(pl.Int64) + (dt.datetime(1970, 1, 1) - epoch).days
            if epoch == WINDOWS_EPOCH:  # openpyxl's to_excel: Excel's 1900 has a 29 February
                days = pl.when((days > 0) & (days <= 60)).then(days - 1).otherwise(days)
            shown, kind = days.cast(pl.String), f'" s="{ds}" t="n"><v>'
        else:  # an integer, within 2**53 (the others are append's)
            shown, kind = v.cast(pl.String), f'"{sa} t="n"><v>'
        cell = pl.concat_str([*ref, pl.lit(kind), shown, pl.lit("</v></c>")])  # null where v is
    return pl.when(v.is_null()).then(_none(ref, sa, s)).otherwise(cell) if s else cell


def _none(ref: list[pl.Expr], sa: str, s: int) -> pl.Expr:
    """The cell of a None: an empty number cell with its style, none with the default style."""
    return pl.concat_str([*ref, pl.lit(f'"{sa} t="n" />')]) if s else pl.lit(None, pl.String)
