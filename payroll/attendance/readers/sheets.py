"""Workbooks (XLSX, legacy XLS): every sheet's cells as text, at their real row numbers.

Spreadsheets are read with calamine (``fastexcel``) with every cell as text; merged cells are filled
with the value of their first cell (a 사번 merged over a worker's rows belongs to each row). The
merged ranges come from the XLSX sheet XML, or from xlrd for an XLS (only when the workbook has any).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath

import polars as pl

from payroll.attendance.readers.export import Table
from payroll.case import InputError

def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


_CELL = re.compile(r"([A-Z]+)(\d+)")


def _sheet_name_unescaped(text: str) -> str:
    """A sheet name as written in workbook.xml (XML entities) → as calamine names it."""
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


def _xlsx_merges(raw: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name → merged ranges (first row, last row, first col, last col; 0-based)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        wb = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return {}
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid, tgt = re.search(r'\bId="([^"]+)"', tag), re.search(r'\bTarget="([^"]+)"', tag)
        if rid and tgt:
            targets[rid.group(1)] = tgt.group(1)
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb):
        tag = m.group(0)
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]+)"|\bid="([^"]+)"', tag)
        if not name or not rid:
            continue
        target = targets.get(rid.group(1) or rid.group(2))
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        try:
            body = z.read(member)
        except KeyError:
            continue
        if b"mergeCell" not in body:  # most sheets: no merged ranges, and no need to decode megabytes of cells
            out[_sheet_name_unescaped(name.group(1))] = []
            continue
        try:
            xml = body.decode("utf-8")
        except UnicodeDecodeError:
            continue
        ranges = []
        # the merged ranges follow the (large) cell data: scan from the tag of the first mention only
        first = xml.find("mergeCell")
        tail = xml[max(xml.rfind("<", 0, first), 0):]
        for ref in re.findall(r'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"', tail):
            (c1, r1), (c2, r2) = (_CELL.fullmatch(x).groups() for x in ref)  # type: ignore[union-attr]
            ranges.append((int(r1) - 1, int(r2) - 1, _col_index(c1), _col_index(c2)))
        out[_sheet_name_unescaped(name.group(1))] = ranges
    return out


XLS_MERGEDCELLS = 0x00E5  # the BIFF record that lists a sheet's merged ranges


def _xls_may_merge(book: object) -> bool:
    """False when no record of the workbook stream is a MERGEDCELLS, so no sheet has merged cells.

    xlrd finds merged ranges only by parsing every cell of a sheet (most of an XLS read); a walk
    over the record headers alone is a few milliseconds. The walk follows the records exactly as
    xlrd reads them (header, then length bytes), from the stream's start; should it miss a sheet's
    first record, or fail in any way, the answer is True and xlrd decides."""
    try:
        from struct import unpack_from

        mem, pos, end = book.mem, book.base, book.base + book.stream_len  # type: ignore[attr-defined]
        starts = sorted(book._sh_abs_posn)  # type: ignore[attr-defined]  # each sheet's BOF record
        reached = 0
        while pos + 4 <= end:
            while reached < len(starts) and starts[reached] <= pos:
                if starts[reached] < pos:
                    return True
                reached += 1
            code, length = unpack_from("<HH", mem, pos)
            if code == XLS_MERGEDCELLS:
                return True
            pos += 4 + length
        return reached < len(starts)
    except Exception:  # noqa: BLE001 — any surprise: let xlrd look
        return True


def _xls_merges(raw: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
        if not _xls_may_merge(book):
            return {name: [] for name in book.sheet_names()}
        out = {}
        for i, name in enumerate(book.sheet_names()):
            sh = book.sheet_by_index(i)
            out[name] = [(r1, r2 - 1, c1, c2 - 1) for r1, r2, c1, c2 in sh.merged_cells]
        return out
    except Exception:  # noqa: BLE001 — merged ranges are a nicety; calamine decides whether the file reads
        return {}


def spreadsheet_tables(path: Path, raw: bytes, kind: str) -> list[tuple[str, Table]]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
        names = list(reader.sheet_names)
        frames = [reader.load_sheet(i, header_row=None, skip_rows=0, dtypes="string").to_polars() for i in range(len(names))]
    except Exception as exc:  # noqa: BLE001 — calamine raises its own error types for damaged files
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: {kind.upper()}로 읽을 수 없습니다 (파일이 손상되었거나 잘렸나요?): {message}") from None
    merges = _xlsx_merges(raw) if kind == "xlsx" else _xls_merges(raw)
    tables = []
    for name, frame in zip(names, frames, strict=True):
        if all(t in (pl.Utf8, pl.Null) for t in frame.dtypes):  # every cell read as text (or none): no per-cell conversion
            text = frame.select(pl.all().cast(pl.Utf8).fill_null(""))
            grid = list(map(list, zip(*(text.get_column(c).to_list() for c in text.columns), strict=True)))
        else:
            grid = [["" if v is None else str(v) for v in values] for values in frame.iter_rows()]
        for r1, r2, c1, c2 in merges.get(name, []):
            if r1 >= len(grid) or c1 >= len(grid[r1]):
                continue
            value = grid[r1][c1]
            for r in range(r1, min(r2, len(grid) - 1) + 1):
                for c in range(c1, min(c2, len(grid[r]) - 1) + 1):
                    if not grid[r][c].strip():
                        grid[r][c] = value
        tables.append((name, [(i + 1, cells) for i, cells in enumerate(grid) if "".join(cells).strip()]))
    return tables
