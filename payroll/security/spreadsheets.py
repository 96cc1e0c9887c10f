"""Measure an untrusted spreadsheet before any reader opens it.

A reader trusts what a file says about itself: calamine lays a sheet out as a dense grid from its
highest cell, so a 5 KB XLSX with one cell at XFD1048576 asks for 17 billion cells and the process
aborts; a zip of a few KB can expand to gigabytes. :func:`check_file` reads the structure alone —
the zip directory and a streaming scan of the XML (never more than the limit expanded), or the
BIFF records of an XLS — and refuses, with the limit named, a file whose

- size is above ``max_file_bytes`` (any format);
- XLSX members expand beyond ``max_uncompressed_bytes`` in all (counted while expanding, so a
  lying zip header does not help), or one member above 1 MiB expands more than
  ``max_compression_ratio`` times, or there are more than ``max_members``;
- cells, all sheets together, are more than ``max_cells``;
- sheet's rows × columns — from its highest cell or its declared dimension, whichever is larger —
  are more than ``max_extent_cells``.

Nothing is decoded as text or interpreted here; the reader still decides whether the file reads.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from payroll.errors import InputError
from payroll.security.limits import Limits, current

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RATIO_FLOOR = 1 << 20  # members smaller than this may compress as well as they like
CHUNK = 1 << 16

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_TAG = re.compile(rb"<" + _PREFIX + rb"(row|c|dimension)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})(\d{0,7})["']""")
_DIM = re.compile(rb"""<""" + _PREFIX + rb"""dimension\s[^>]*?\bref\s*=\s*["']([A-Za-z]{1,3})?(\d{1,7})?(?::([A-Za-z]{1,3})(\d{1,7}))?["']""")
#: the usual cell tag, with its reference (every writer we know of gives each cell its r)
_CELL_REF = re.compile(rb"<" + _PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,7})[\"']")
_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_ROW_REF = re.compile(rb"<" + _PREFIX + rb"row\s[^>]*?\br\s*=\s*[\"'](\d{1,7})[\"']")


class SpreadsheetRefused(InputError):
    """The file crosses a limit of ``rules/limits.toml`` (exit code 2; nothing was read)."""


@dataclass
class _Sheet:
    """What a scan found in one sheet."""

    cells: int = 0
    max_row: int = 0
    max_col: int = 0
    declared_rows: int = 0
    declared_cols: int = 0

    @property
    def extent(self) -> int:
        return max(self.max_row, self.declared_rows) * max(self.max_col, self.declared_cols)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def check_file(raw: bytes, source: str, limits: Limits | None = None) -> str:
    """Check ``raw`` (the bytes of ``source``) against the limits; return its kind: xlsx, xls or text."""
    limits = limits or current()
    if len(raw) > limits.max_file_bytes:
        raise SpreadsheetRefused(f"{source}: 파일이 너무 큽니다 ({len(raw):,} bytes; 한도 max_file_bytes {limits.max_file_bytes:,}, {limits.source})")
    if raw.startswith(XLSX_MAGIC):
        _check_xlsx(raw, source, limits)
        return "xlsx"
    if raw.startswith(XLS_MAGIC):
        _check_xls(raw, source, limits)
        return "xls"
    return "text"


def _refuse(source: str, what: str, limit: str, value: int, limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(f"{source}: {what} ({value:,}; 한도 {limit} {getattr(limits, limit):,}, {limits.source}) — 읽지 않았습니다")


def _check_sheets(sheets: list[_Sheet], source: str, limits: Limits) -> None:
    cells = sum(s.cells for s in sheets)
    if cells > limits.max_cells:
        raise _refuse(source, "셀이 너무 많습니다", "max_cells", cells, limits)
    for s in sheets:
        if s.extent > limits.max_extent_cells:
            raise _refuse(source, f"시트 크기가 너무 큽니다 ({max(s.max_row, s.declared_rows):,}행 × {max(s.max_col, s.declared_cols):,}열)",
                          "max_extent_cells", s.extent, limits)


# --- XLSX -----------------------------------------------------------------------------------


def _check_xlsx(raw: bytes, source: str, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError(f"{source}: XLSX로 읽을 수 없습니다 (손상되었거나 잘린 파일?): {exc}") from None
    if len(members) > limits.max_members:
        raise _refuse(source, "압축 파일 안의 항목이 너무 많습니다", "max_members", len(members), limits)
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        raise _refuse(source, "압축을 풀면 너무 큽니다", "max_uncompressed_bytes", declared, limits)
    budget = [limits.max_uncompressed_bytes]
    sheets = []
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > limits.max_compression_ratio * max(member.compress_size, 1):
            raise _refuse(source, f"{member.filename}: 압축률이 비정상적으로 높습니다 (zip bomb?)", "max_compression_ratio",
                          member.file_size // max(member.compress_size, 1), limits)
        is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        sheet = _Sheet() if is_sheet else None
        _expand(raw, member, source, limits, budget, sheet)
        if sheet is not None:
            sheets.append(sheet)
    _check_sheets(sheets, source, limits)


def _expand(raw: bytes, member: zipfile.ZipInfo, source: str, limits: Limits, budget: list[int], sheet: _Sheet | None) -> None:
    """Expand ``member`` from its own compressed bytes, counting what it really expands to (the
    sizes in the zip's headers are not trusted); scan a sheet's tags on the way."""
    scanner = _SheetScanner(sheet) if sheet is not None else None
    expanded = 0
    for chunk in _member_chunks(raw, member, source):
        expanded += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise _refuse(source, "압축을 풀면 너무 큽니다", "max_uncompressed_bytes", limits.max_uncompressed_bytes - budget[0], limits)
        if expanded > RATIO_FLOOR and expanded > limits.max_compression_ratio * max(member.compress_size, 1):
            raise _refuse(source, f"{member.filename}: 압축률이 비정상적으로 높습니다 (zip bomb?)", "max_compression_ratio",
                          expanded // max(member.compress_size, 1), limits)
        if scanner is not None:
            scanner.feed(chunk)
            if scanner.sheet.cells > limits.max_cells:
                raise _refuse(source, "셀이 너무 많습니다", "max_cells", scanner.sheet.cells, limits)
    if scanner is not None:
        scanner.close()


def _member_chunks(raw: bytes, member: zipfile.ZipInfo, source: str):
    """The expanded bytes of ``member``, chunk by chunk, from its local header on."""
    damaged = f"{source}: XLSX로 읽을 수 없습니다 (손상되었거나 잘린 파일?): {member.filename}"
    offset = member.header_offset
    if raw[offset:offset + 4] != b"PK\x03\x04" or len(raw) < offset + 30:
        raise InputError(damaged)
    name_length, extra_length = struct.unpack_from("<HH", raw, offset + 26)
    start = offset + 30 + name_length + extra_length
    if member.compress_type == zipfile.ZIP_STORED:
        for i in range(start, min(start + member.compress_size, len(raw)), CHUNK):
            yield raw[i:min(i + CHUNK, start + member.compress_size)]
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise InputError(f"{source}: {member.filename}: 지원하지 않는 압축 방식입니다 ({member.compress_type})")
    inflater = zlib.decompressobj(-15)
    compressed = memoryview(raw)[start:]
    position, data = 0, b""
    try:
        while not inflater.eof:
            if not data:
                if position >= len(compressed):
                    raise InputError(damaged)  # the file ends before the member's stream does
                data = bytes(compressed[position:position + CHUNK])
                position += CHUNK
            chunk = inflater.decompress(data, CHUNK)  # never more than CHUNK at a time, whatever the input
            data = inflater.unconsumed_tail
            if chunk:
                yield chunk
    except zlib.error as exc:
        raise InputError(f"{damaged}: {exc}") from None


class _SheetScanner:
    """Streams a worksheet's XML and counts its cells, tracking the highest row and column.

    A ``<row>`` or ``<c>`` without an ``r`` attribute is the one after the previous (as readers
    place it); ``<dimension ref="A1:XFD1048576"/>`` is the sheet's declared extent.
    """

    def __init__(self, sheet: _Sheet) -> None:
        self.sheet = sheet
        self.row = 0
        self.col = 0
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        end = data.rfind(b">") + 1
        self._scan(data[:end])
        rest = data[end:]
        start = rest.rfind(b"<")
        self.tail = rest[start:] if start >= 0 else b""
        if len(self.tail) > CHUNK:  # an unclosed tag this long is no cell tag
            self.tail = b""

    def close(self) -> None:
        self._scan(self.tail)

    def _scan(self, data: bytes) -> None:
        sheet = self.sheet
        for dim in (_DIM.finditer(data) if b"dimension" in data else ()):
            last_col, last_row = (dim.group(3), dim.group(4)) if dim.group(3) else (dim.group(1), dim.group(2))
            sheet.declared_cols = max(sheet.declared_cols, _column_number(last_col) if last_col else 0)
            sheet.declared_rows = max(sheet.declared_rows, int(last_row) if last_row else 0)
        cells = data.count(b"<c ")
        refs = _PLAIN_CELL_REF.findall(data)  # <c r="A1" …>, as Excel, openpyxl and most exporters write it
        if len(refs) != cells:
            refs = _CELL_REF.findall(data)
        if b":c" in data or b"<c>" in data or b"<c/" in data or len(refs) != cells:
            self._scan_each(data)  # a cell without its reference: place it as a reader would
            return
        if refs:  # the usual file: every cell names its place, so the extent is the highest of them
            sheet.cells += len(refs)
            sheet.max_col = max(sheet.max_col, max(_column_number(c) for c in {c for c, _ in refs}))
            self.row = max(self.row, max(map(int, {r for _, r in refs})))
            self.col = _column_number(refs[-1][0])
        rows = _ROW_REF.findall(data)
        if rows:
            self.row = max(self.row, max(map(int, set(rows))))
        sheet.max_row = max(sheet.max_row, self.row)

    def _scan_each(self, data: bytes) -> None:
        sheet = self.sheet
        for m in _TAG.finditer(data):
            kind, attrs = m.group(1), m.group(2)
            if kind == b"c":
                ref = _REF.search(attrs)
                letters = ref.group(1) if ref else b""
                self.col = _column_number(letters) if letters else self.col + 1
                if ref and ref.group(2):
                    self.row = max(self.row, int(ref.group(2)))
                sheet.cells += 1
                sheet.max_col = max(sheet.max_col, self.col)
                sheet.max_row = max(sheet.max_row, self.row)
            elif kind == b"row":
                ref = _REF.search(attrs)
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
                sheet.max_row = max(sheet.max_row, self.row)


# --- XLS (BIFF in an OLE2 compound file) ------------------------------------------------------

_BOF, _DIMENSIONS = 0x0809, 0x0200
_SINGLE_CELLS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x0201, 0x0006, 0x0205, 0x00D6}  # LABELSST NUMBER RK LABEL BLANK FORMULA BOOLERR RSTRING
_MULTI_CELLS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column … last column


def _workbook_stream(raw: bytes, source: str) -> bytes:
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(raw, logfile=io.StringIO())
        for name in ("Workbook", "Book"):
            stream = doc.get_named_stream(name)
            if stream:
                return stream
    except Exception as exc:  # noqa: BLE001 — xlrd raises many kinds on a damaged compound file
        raise InputError(f"{source}: XLS로 읽을 수 없습니다 (손상되었거나 잘린 파일?): {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    raise InputError(f"{source}: XLS로 읽을 수 없습니다: 통합 문서 스트림이 없습니다")


def _check_xls(raw: bytes, source: str, limits: Limits) -> None:
    stream = _workbook_stream(raw, source)
    sheets: list[_Sheet] = []
    cells = rows = cols = 0  # of the current sheet
    total = 0
    sheet: _Sheet | None = None
    unpack = struct.unpack_from
    pos, size = 0, len(stream)

    def close() -> None:
        if sheet is not None:
            sheet.cells, sheet.max_row, sheet.max_col = cells, rows, cols

    while pos + 4 <= size:
        rtype, length = unpack("<HH", stream, pos)
        start, pos = pos + 4, pos + 4 + length
        if rtype in _SINGLE_CELLS:
            if sheet is not None and length >= 4:
                row, col = unpack("<HH", stream, start)
                cells += 1
                if row >= rows:
                    rows = row + 1
                if col >= cols:
                    cols = col + 1
        elif rtype in _MULTI_CELLS:
            if sheet is not None and length >= 6:
                row, first = unpack("<HH", stream, start)
                (last,) = unpack("<H", stream, pos - 2)
                cells += max(last - first + 1, 0)
                rows, cols = max(rows, row + 1), max(cols, last + 1)
        elif rtype == _BOF:
            close()
            total += cells
            if total > limits.max_cells:
                raise _refuse(source, "셀이 너무 많습니다", "max_cells", total, limits)
            sheet, cells, rows, cols = _Sheet(), 0, 0, 0
            sheets.append(sheet)
        elif rtype == _DIMENSIONS and sheet is not None and length >= 10:
            if length >= 14:  # BIFF8: 32-bit rows
                _, last_row, _, last_col = unpack("<IIHH", stream, start)
            else:
                _, last_row, _, last_col = unpack("<HHHH", stream, start)
            sheet.declared_rows, sheet.declared_cols = max(sheet.declared_rows, last_row), max(sheet.declared_cols, last_col)
    close()
    _check_sheets(sheets, source, limits)
