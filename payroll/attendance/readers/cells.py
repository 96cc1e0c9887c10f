"""Cell clean-up shared by every layout: ids, blanks, totals rows, repeated headers."""

from __future__ import annotations

import re

import polars as pl

from payroll.attendance.profiles import Profile, norm_header
from payroll.attendance.readers.clock import FULL_WIDTH

def id_expr(col: pl.Expr) -> pl.Expr:
    text = col.str.replace_many(FULL_WIDTH).str.strip_chars()
    text = text.str.replace(r"^(\d+)\.0+$", "${1}")  # a numeric id cell read back as 1003.0
    text = text.str.replace(r"^'(.+)$", "${1}")  # Excel's text marker '00123
    return pl.when(text == "").then(None).otherwise(text)


def blank_null(col: pl.Expr, blanks: frozenset[str] = frozenset()) -> pl.Expr:
    text = col.str.replace_many(FULL_WIDTH).str.strip_chars()
    key = text.str.replace_all(r"\s", "").str.to_lowercase()
    return pl.when((text == "") | key.is_in(sorted(blanks))).then(None).otherwise(text)


class CellTexts:
    """The cell texts of an export's columns, each distinct text cleaned once.

    An export repeats a few hundred ids, names, dates and times over thousands of rows, and polars'
    text clean-up (full-width folding, regular expressions) costs per row and again per call: so
    every clean-up (``exprs``, written on ``pl.col("_v")`` value by value) runs once, over the
    distinct texts of all the columns, and :meth:`of` hands a column's results back row by row."""

    def __init__(self, columns: list[pl.Series], **exprs: pl.Expr) -> None:
        distinct = pl.concat(columns).drop_nulls().unique()
        self._enum = pl.Enum(distinct)
        self._null_at = distinct.len()  # a null cell's results: the row after the distinct texts
        self._done = pl.DataFrame({"_v": distinct.extend_constant(None, 1)}, schema={"_v": pl.Utf8}).with_columns(**exprs)

    def of(self, column: pl.Series, result: str, name: str) -> pl.Series:
        at = column.cast(self._enum).to_physical().cast(pl.UInt32).fill_null(self._null_at)
        return self._done.get_column(result).gather(at).alias(name)


def summary_hit(profile: Profile, text: pl.Expr) -> pl.Expr | None:
    """Whether a cell starts with a summary label (합계, 출력일시 …); None for a profile without labels."""
    labels = list(profile.summary_labels or ())
    if not labels:
        return None
    alt = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    pattern = rf"^(?:{alt})(?:$|[^\p{{L}}])"
    return text.fill_null("").str.replace_all(r"\s", "").str.to_lowercase().str.contains(pattern)


def _first_filled(cells: list[str]) -> str:
    for c in cells:
        if c.strip():
            return c
    return ""


def first_cells(cells_of: list[list[str]]) -> list[str]:
    """Each row's first non-blank cell (most often its very first)."""
    return [cells[0] if cells and cells[0].strip() else _first_filled(cells) for cells in cells_of]


def repeated_header_flags(header: list[str], cells_of: list[list[str]]) -> list[bool]:
    """Whether each row repeats the header (cell by cell under :func:`norm_header`).

    A month's export has tens of thousands of rows and few distinct spellings per column, so each
    spelling is normalised once: the first cells' first, and only a row whose first cell matches is
    compared further."""
    width = len(header)
    expected = [norm_header(h) for h in header]
    flags = [False] * len(cells_of)
    if not width:
        return flags
    memo: dict[str, str] = {}

    def normed(text: str) -> str:
        key = memo.get(text)
        if key is None:
            key = memo[text] = norm_header(text)
        return key

    heads = {first for first in {cells[0] for cells in cells_of if cells} if normed(first) == expected[0]}
    for i, cells in enumerate(cells_of):
        if cells and cells[0] in heads and len(cells) >= width and all(normed(cells[j]) == expected[j] for j in range(1, width)):
            flags[i] = True
    return flags
