"""Deterministic XLSX bytes from an openpyxl workbook, and the shared cell styles.

openpyxl stamps the save time twice: ``docProps/core.xml`` (created, modified) and the date of
every zip entry. Both are fixed here — to a timestamp the caller derives from the data (the pay
date of the month), never the clock — so the same workbook gives the same bytes.

The cells of a large sheet can be written by :class:`SheetCells` instead of openpyxl's cell
writer (see there); openpyxl still writes the rest of the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from typing import IO, TYPE_CHECKING
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import xmlfile

from payroll.security.cells import FORMULA_STARTS, xlsx_text

if TYPE_CHECKING:
    import polars as pl

WON_FORMAT = "#,##0;-#,##0;0"
HEADER_FILL = PatternFill("solid", fgColor="E8EDF2")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F4F6F8")
TOTAL_FILL = PatternFill("solid", fgColor="DDE3EA")
THIN = Side(style="thin", color="9AA3AD")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
TEXT_MAX = 32767  # openpyxl cuts a longer text to this length (Cell.check_string)


class SheetCells:
    """The cells of one worksheet, serialised here exactly as openpyxl serialises them.

    Why: without lxml, openpyxl writes every cell through et_xmlfile's generic element writer,
    several microseconds a cell whether or not the workbook is write-only — most of the time of
    the register (40,000 cells) and of the attendance exceptions workbook. Here a cell is one
    formatted string: the same ``<c r=… s=… t=…>`` element with the same inline string or number
    text that openpyxl writes for that value and style (tests hold the two equal). A value of a
    rarer kind — a datetime, time, a Decimal NaN, a text that openpyxl turns into a formula or an error
    (``=…``, ``#N/A``) or refuses — is handed to openpyxl's own cell writer, so nothing changes
    meaning. openpyxl still writes everything around the cells (sheet view, column widths,
    styles, the package); :func:`workbook_bytes` / :func:`write_entry` put these cells into the
    empty ``<sheetData>`` openpyxl wrote for ``ws``, whose own cells must stay empty.

    A text is always a string cell: one that a spreadsheet program would run as a formula
    (``=…``, ``+…``, ``@…``) gets the ``quotePrefix`` style as well (:mod:`payroll.security.cells`).
    """

    def __init__(self, ws) -> None:
        self.ws = ws
        self.wb = ws.parent
        # a write-only sheet writes a row without cells as an empty <row>; a normal one omits it
        self.keep_empty_rows = bool(self.wb.write_only)
        self.row = 0
        self.parts: list[str] = []
        self.min_col = self.max_col = self.min_row = self.max_row = 0
        self._letters: list[str] = [""]  # column letters by number, grown as rows get wider
        self._date_styles: dict[int, int] = {}
        self._quoted_styles: dict[int, int] = {}

    def style(self, *, font=None, fill=None, border=None, alignment=None, number_format: str | None = None) -> int:
        """Register a cell style with the workbook (as setting it on a cell does); its ``s`` id."""
        cell = Cell(self.ws)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if alignment is not None:
            cell.alignment = alignment
        if number_format is not None:
            cell.number_format = number_format
        return cell.style_id if cell.has_style else 0

    def _letters_up_to(self, column: int) -> list[str]:
        while len(self._letters) <= column:
            self._letters.append(get_column_letter(len(self._letters)))
        return self._letters

    def append(self, values: Sequence, styles: Sequence[int] | None = None) -> None:
        """Write ``values`` as the next row, each with the style id at its place in ``styles``
        (0 or no ``styles``: the default style). ``None`` with the default style is no cell."""
        self.row += 1
        self._account(self.row, *self._row(self.row, values, styles))

    def append_frame(self, frame: pl.DataFrame, styles: Sequence[int] | None = None) -> None:
        """Write every row of ``frame`` as the next rows: the bytes of ``append(row, styles)`` for each
        row, built column by column with polars (:mod:`payroll.documents.xlsx_frames`)."""
        from payroll.documents.xlsx_frames import append_frame

        append_frame(self, frame, styles)

    def _row(self, r: int, values: Sequence, styles: Sequence[int] | None) -> tuple[str | None, int, int]:
        """Row ``r`` of ``values`` as its ``<row>`` element (None: no element) and the first and last
        column that has a cell (0 when none has)."""
        letters = self._letters_up_to(len(values))
        out = []
        first = last = 0
        for j, v in enumerate(values, start=1):
            s = styles[j - 1] if styles is not None else 0
            t = type(v)
            sa = f' s="{s}"' if s else ""
            if t is str:
                if not v:
                    out.append(f'<c r="{letters[j]}{r}"{sa} t="inlineStr" />')
                else:
                    if v[0] in FORMULA_STARTS or ILLEGAL_CHARACTERS_RE.search(v):
                        v, quoted = xlsx_text(v)
                        if quoted:
                            sa = f' s="{self._quoted_style(s)}"'
                    v = v[:TEXT_MAX]  # what openpyxl keeps of a longer text
                    stripped = v.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != v else ""
                    out.append(f'<c r="{letters[j]}{r}"{sa} t="inlineStr"><is><t{space}>{escape(v)}</t></is></c>')
            elif t is int:
                out.append(f'<c r="{letters[j]}{r}"{sa} t="n"><v>{v:.16g}</v></c>')
            elif v is None:
                if not s:
                    continue
                out.append(f'<c r="{letters[j]}{r}"{sa} t="n" />')
            elif t is float and v - v == 0:  # float ok: a finite cell value (NaN and infinities go to openpyxl)
                out.append(f'<c r="{letters[j]}{r}"{sa} t="n"><v>{v:.16g}</v></c>')
            elif t is Decimal and v.is_finite():  # openpyxl writes a Decimal as "%.16g" of it (the register's hours)
                out.append(f'<c r="{letters[j]}{r}"{sa} t="n"><v>{"%.16g" % v}</v></c>')
            elif t is bool:
                out.append(f'<c r="{letters[j]}{r}"{sa} t="b"><v>{int(v)}</v></c>')
            elif t is dt.date and not self.wb.iso_dates:
                ds = self._date_style(s, v)
                out.append(f'<c r="{letters[j]}{r}" s="{ds}" t="n"><v>{to_excel(v, self.wb.epoch):.16g}</v></c>')
            else:
                out.append(self._openpyxl_cell(r, j, v, s))
            if not first:
                first = j
            last = j
        if out:
            return f'<row r="{r}">{"".join(out)}</row>', first, last
        return (f'<row r="{r}"></row>' if self.keep_empty_rows else None), 0, 0

    def _account(self, r: int, part: str | None, first: int, last: int) -> None:
        """Keep row ``r`` (:meth:`_row`) and widen the used range by its cells."""
        if part is not None:
            self.parts.append(part)
        if first:
            self.min_row = self.min_row or r
            self.max_row = r
            self.min_col = min(self.min_col, first) if self.min_col else first
            self.max_col = max(self.max_col, last)

    def _cell_of(self, row: int, column: int, value, style: int) -> Cell:
        cell = Cell(self.ws, row=row, column=column)
        if style:
            cell._style = copy(self.wb._cell_styles[style])
        cell.value = value
        return cell

    def _quoted_style(self, style: int) -> int:
        """``style`` with ``quotePrefix``: the cell stays text when it is edited in Excel."""
        found = self._quoted_styles.get(style)
        if found is None:
            cell = self._cell_of(1, 1, None, style)
            cell.quotePrefix = True
            found = self._quoted_styles[style] = cell.style_id
        return found

    def _date_style(self, style: int, value: dt.date) -> int:
        """The style openpyxl gives a date in a cell of ``style``: a date number format is added
        unless the style has one (Cell._bind_value)."""
        found = self._date_styles.get(style)
        if found is None:
            cell = self._cell_of(1, 1, value, style)
            found = self._date_styles[style] = cell.style_id if cell.has_style else 0
        return found

    def _openpyxl_cell(self, row: int, column: int, value, style: int) -> str:
        cell = self._cell_of(row, column, value, style)
        buf = io.BytesIO()
        with xmlfile(buf) as xf:
            write_cell(xf, self.ws, cell, cell.has_style)
        return buf.getvalue().decode("utf-8")

    @property
    def dimension(self) -> str:
        """The used range, as openpyxl's ``calculate_dimension`` gives it."""
        if not self.max_row:
            return "A1:A1"
        return f"{get_column_letter(self.min_col)}{self.min_row}:{get_column_letter(self.max_col)}{self.max_row}"

    def write_spliced(self, sheet_xml: bytes, out: IO[bytes]) -> None:
        """The worksheet part openpyxl wrote for ``ws`` (``sheet_xml``) with these cells in its empty
        ``<sheetData>``, written to ``out`` a block of rows at a time: the rows never become one text
        (at 20,000 workers the register's were five copies of 30 MB at once: issue 20)."""
        for empty in (b"<sheetData />", b"<sheetData></sheetData>"):
            if sheet_xml.count(empty) == 1:
                head, tail = sheet_xml.split(empty)
                break
        else:
            raise RuntimeError(f"{self.ws.title}: openpyxl wrote cells of its own into the sheet; write them with SheetCells")
        # a normal (not write-only) sheet states its used range; openpyxl saw no cells in it
        unknown, used = b'<dimension ref="A1:A1" />', f'<dimension ref="{self.dimension}" />'.encode()
        if unknown in head:
            head = head.replace(unknown, used, 1)
        else:
            tail = tail.replace(unknown, used, 1)
        out.write(head + b"<sheetData>")
        for at in range(0, len(self.parts), _ROWS_PER_WRITE):
            out.write("".join(self.parts[at:at + _ROWS_PER_WRITE]).encode("utf-8"))
        out.write(b"</sheetData>" + tail)


#: rows encoded and written together by SheetCells.write_spliced
_ROWS_PER_WRITE = 2048


def write_entry(dst: zipfile.ZipFile, entry: zipfile.ZipInfo, body: bytes, sheets: Iterable[SheetCells]) -> None:
    """Write ``body`` as ``entry`` of ``dst``; the entry of a sheet written with :class:`SheetCells`
    gets its cells on the way (:meth:`SheetCells.write_spliced`)."""
    for cells in sheets:
        if cells.ws.path.lstrip("/") == entry.filename:
            with dst.open(entry, "w") as out:
                cells.write_spliced(body, out)
            return
    dst.writestr(entry, body)


def stamp_for(day: dt.date | None) -> dt.datetime:
    """The document timestamp: midnight of ``day`` (the pay date), or the zip epoch."""
    if day is None:
        return dt.datetime(*ZIP_EPOCH)
    return dt.datetime(day.year, day.month, day.day)


def workbook_bytes(wb: Workbook, stamp: dt.datetime, cells: Sequence[SheetCells] = ()) -> bytes:
    """Save ``wb`` with fixed document properties and zip dates; same workbook ⇒ same bytes.
    ``cells``: the sheets whose cells were written with :class:`SheetCells`."""
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "payroll"
    wb.properties.lastModifiedBy = "payroll"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # unlike openpyxl's save_workbook, does not set modified=now
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            write_entry(dst, fixed, src.read(info.filename), cells)
    return out.getvalue()
