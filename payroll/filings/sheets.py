"""The XLSX files of the filing pack. Each workbook's first sheet ``안내`` says in its first lines what
the file is and whether it can be submitted as it is or is a pre-check to re-key or to feed a
certified program; the data sheets follow. No cell holds a formula (a text that starts like one is
a quoted string cell, :mod:`payroll.security.cells`); the bytes are deterministic (the document date,
never the clock).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from payroll.documents.xlsx import BOLD, HEADER_FILL, WON_FORMAT, stamp_for, workbook_bytes
from payroll.security.cells import set_cell

SUBMIT = "제출용"  # can be submitted (uploaded) as it is, once the 안내 conditions hold
PRECHECK = "사전 점검용"  # values to re-key or to feed a certified program


def new_book(title: str, status: str, lines: Sequence[str]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "안내"
    set_cell(ws, 1, 1, f"[{status}] {title}").font = BOLD
    for i, line in enumerate(lines, start=2):
        set_cell(ws, i, 1, line)
    ws.column_dimensions["A"].width = 140
    return wb


def table(wb: Workbook, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, header_row: int = 1,
          money: Iterable[int] = (), widths: Sequence[int] | None = None, above: Sequence[str] = ()) -> None:
    ws = wb.create_sheet(name)
    for i, line in enumerate(above, start=1):
        set_cell(ws, i, 1, line).font = BOLD
    for j, h in enumerate(headers, start=1):
        c = set_cell(ws, header_row, j, h)
        c.font, c.fill = BOLD, HEADER_FILL
    money = set(money)
    for i, row in enumerate(rows, start=header_row + 1):
        for j, v in enumerate(row, start=1):
            if v is None or v == "":
                continue
            c = set_cell(ws, i, j, v)
            if j - 1 in money and isinstance(v, int):
                c.number_format = WON_FORMAT
    for j in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(j)].width = (widths[j - 1] if widths and j - 1 < len(widths) else 14)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def book_bytes(wb: Workbook, day: dt.date) -> bytes:
    return workbook_bytes(wb, stamp_for(day))
