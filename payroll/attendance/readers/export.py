"""The normalised form of one export file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

Table = list[tuple[int, list[str]]]  # (line or row number, cells) of the non-blank rows
ROW_SCHEMA = {"source": pl.Utf8, "line": pl.Int64, "detail": pl.Utf8}


def no_rows() -> pl.DataFrame:
    return pl.DataFrame(schema=ROW_SCHEMA)


@dataclass(frozen=True)
class Export:
    """One export file, normalised. ``frame`` columns depend on ``shape``:

    both: source, line, worker_id, name, raw_id (the id cell as written), id_note (why a written id
    gives no worker id: a compound cell the pattern does not match, a device user not in the table)
    punch: raw_time, ts (Datetime), raw_direction, direction ("in" | "out" | null), device
    daily: raw_date, date (Date), raw_in, raw_out, in_min, out_min (minutes after the day's
    midnight; a time on the next day is ≥ 1440)

    ``skipped``: source, line, detail — rows that are not records (totals, footers, repeated
    headers, ignored punch kinds); the checks report them as ``not_data``.
    ``errors``: source, line, detail — rows the profile does not explain (a record of the wrong
    length, an unknown event or direction); the checks report them as ``unexplained_row`` errors.
    """

    path: Path
    format: str  # csv-utf-8 | csv-utf-8-sig | csv-utf-16 | csv-cp949 | xlsx | xls
    profile: str
    shape: str  # punch | daily
    frame: pl.DataFrame
    sheet: str | None = None  # the sheet(s) read, for a workbook
    header_line: int = 1  # the (last) header row; 0 for a layout without one
    skipped: pl.DataFrame = field(default_factory=no_rows)
    notes: tuple[str, ...] = ()
    errors: pl.DataFrame = field(default_factory=no_rows)
    name_fallback: bool = True  # a row without an id may be matched by name (with a warning)

    def describe(self) -> str:
        where = f"{self.format}"
        if self.sheet is not None:
            where += f" 시트 {self.sheet}"
        if self.header_line not in (0, 1):
            where += f" 머리글 {self.header_line}행"
        return where

    @property
    def rows(self) -> int:
        """Every row of the file that was read: records, rows that are not records, rows not explained."""
        return self.frame.height + self.skipped.height + self.errors.height
