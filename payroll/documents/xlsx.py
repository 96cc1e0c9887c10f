"""Deterministic XLSX bytes from an openpyxl workbook, and the shared cell styles.

openpyxl stamps the save time twice: ``docProps/core.xml`` (created, modified) and the date of
every zip entry. Both are fixed here — to a timestamp the caller derives from the data (the pay
date of the month), never the clock — so the same workbook gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.writer.excel import ExcelWriter

WON_FORMAT = "#,##0;-#,##0;0"
HEADER_FILL = PatternFill("solid", fgColor="E8EDF2")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F4F6F8")
TOTAL_FILL = PatternFill("solid", fgColor="DDE3EA")
THIN = Side(style="thin", color="9AA3AD")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def stamp_for(day: dt.date | None) -> dt.datetime:
    """The document timestamp: midnight of ``day`` (the pay date), or the zip epoch."""
    if day is None:
        return dt.datetime(*ZIP_EPOCH)
    return dt.datetime(day.year, day.month, day.day)


def workbook_bytes(wb: Workbook, stamp: dt.datetime) -> bytes:
    """Save ``wb`` with fixed document properties and zip dates; same workbook ⇒ same bytes."""
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
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
