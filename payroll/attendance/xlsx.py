"""Write small XLSX reports with openpyxl, byte-for-byte deterministic.

openpyxl stamps ``docProps/core.xml`` with the time of saving and the zip entries with the
current time; both are replaced by a fixed instant so the same frames give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from payroll.documents.xlsx import SheetCells

FIXED_INSTANT = "2000-01-01T00:00:00Z"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def joined_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each list column as the text :func:`_cell` makes of a list ("a, None, 3")."""
    joined = []
    for name, dtype in frame.schema.items():
        if not isinstance(dtype, (pl.List, pl.Array)):
            continue
        inner = dtype.inner
        if isinstance(dtype, pl.List) and (inner == pl.String or inner.is_integer()):
            # str() of a text or an int is what polars makes of it; str(None) is "None"
            items = pl.element().cast(pl.String).fill_null("None")
            joined.append(pl.col(name).list.eval(items).list.join(", "))
        else:  # str() of a date, a bool, a float…: Python's own, value by value
            joined.append(pl.Series(name, [_cell(v) for v in frame.get_column(name).to_list()], dtype=pl.String))
    return frame.with_columns(joined) if joined else frame


def xlsx_bytes(sheets: dict[str, pl.DataFrame | list[list[object]]], widths: dict[str, int] | None = None) -> bytes:
    from openpyxl import Workbook

    from payroll.documents.xlsx import SheetCells

    wb = Workbook(write_only=True)
    written = []
    for title, content in sheets.items():
        # the cells are serialised by SheetCells (openpyxl's per-cell writer is most of the time of a large sheet)
        cells = SheetCells(wb.create_sheet(title=title[:31]))
        if isinstance(content, pl.DataFrame):
            cells.append(list(content.columns))
            cells.append_frame(joined_lists(content))  # built by columns with polars, the bytes of append row by row
        else:
            for row in content:
                cells.append([_cell(v) for v in row])
        written.append(cells)
    wb.properties.creator = "payroll"
    wb.properties.created = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), written)


def normalise_zip(data: bytes, cells: Sequence[SheetCells] = ()) -> bytes:
    """``data`` with fixed stamps; ``cells``: the sheets written with SheetCells, put into the package."""
    from payroll.documents.xlsx import write_entry

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>" + FIXED_INSTANT.encode() + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            write_entry(dst, fixed, body, cells)
    return out.getvalue()


def write_xlsx(path: Path | str, sheets: dict[str, pl.DataFrame | list[list[object]]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(sheets))
    return path
