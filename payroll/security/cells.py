"""Text from the inputs never becomes a live formula in a file we write (CSV or XLSX).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some treat a leading tab or carriage return the same way once the cell is edited), so a worker
named ``=HYPERLINK("http://…","급여 확인")`` would put a live link — or worse — into the register
the clerk opens. Every CSV and XLSX writer of the project goes through this module:

- CSV (:func:`csv_writer`, :func:`csv_cell`): such a text cell gets the usual leading apostrophe
  (``'=HYPERLINK(…)``), which spreadsheet programs show as text;
- XLSX (:func:`xlsx_text`, :func:`set_cell`, :func:`append_row`, and
  :class:`payroll.documents.xlsx.SheetCells`): the cell is written as a string cell (never a
  formula cell) with the ``quotePrefix`` style, so it stays text even when edited; an Excel error
  literal such as ``#N/A`` given as text is a string too, and characters XML cannot carry are
  replaced, so a hostile name never stops a run either.

Numbers stay numbers: an ``int`` cell is untouched, and a number already formatted as text
(``-12,000``, ``+3.5``) is a number, not a formula, so it is written as it is.
"""

from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_STARTS = frozenset("=+-@\t\r")
#: a number written as text (an amount with separators, a signed rate): never a formula
_NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")
REPLACEMENT = "\ufffd"
#: as openpyxl.cell.cell has them (not imported from there: the console loads this module at start)
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def formula_like(value: Any) -> bool:
    """Would a spreadsheet program read this text cell as a formula?"""
    return (isinstance(value, str) and value[:1] in FORMULA_STARTS and value != "-"
            and _NUMBER_TEXT.fullmatch(value) is None)


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: a formula-like text with a leading apostrophe, anything else as it is."""
    return "'" + value if formula_like(value) else value


class _SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`csv_cell`."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """A ``csv.writer`` (same arguments) that writes formula-like text as text."""
    return _SafeWriter(stream, **kwargs)


def xlsx_text(value: str) -> tuple[str, bool]:
    """(the text to store, whether it must be a quoted string cell) for a text cell of an XLSX.

    Characters an XLSX cannot hold (C0 controls other than tab, LF, CR) become U+FFFD.
    """
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    return value, formula_like(value)


def put_value(cell, value: Any) -> None:
    """Set an openpyxl cell (a normal or a write-only one) to ``value``, with text that stays text."""
    if isinstance(value, str):
        text, quoted = xlsx_text(value)
        cell.value = text
        if quoted or text in ERROR_CODES:
            cell.data_type = "s"  # openpyxl made a formula (or an error) of it: text it is
        if quoted:
            cell.quotePrefix = True
    else:
        cell.value = value


def set_cell(ws, row: int, column: int, value: Any):
    """``ws.cell(row, column, value)`` for openpyxl worksheets, with text that stays text."""
    cell = ws.cell(row=row, column=column)
    put_value(cell, value)
    return cell


def append_row(ws, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with text that stays text (a normal or a write-only worksheet)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    values = list(values)
    if isinstance(ws, WriteOnlyWorksheet):
        cells = []
        for v in values:
            if isinstance(v, str):
                cell = WriteOnlyCell(ws)
                put_value(cell, v)
                v = cell
            cells.append(v)
        ws.append(cells)
        return
    ws.append([xlsx_text(v)[0] if isinstance(v, str) else v for v in values])
    row = ws._current_row  # the row append just wrote
    for column, v in enumerate(values, start=1):
        if isinstance(v, str) and (formula_like(v) or v in ERROR_CODES):
            put_value(ws.cell(row=row, column=column), v)
