"""Read an attendance export — CSV/TSV text (UTF-8, UTF-8 with BOM, UTF-16 with BOM, CP949/EUC-KR;
comma, tab, semicolon or bar separated), XLSX or legacy XLS.

The format is detected from the bytes, never from the extension: ``PK\\x03\\x04`` is an XLSX (zip),
``D0 CF 11 E0`` an XLS (OLE2); anything else must decode as text. Spreadsheets are read with
calamine (``fastexcel``) with every cell as text, at their real row numbers; merged cells are
filled with the value of their first cell (a 사번 merged over a worker's rows belongs to each).

What real exports put around the table is tolerated:

- title rows and blank rows above the header ("근태 현황", "조회기간: …") — the header is the
  first row (of the first 30) that fits a vendor profile; a two-row header (a merged "근무시간"
  over "출근 | 퇴근") is read as one;
- a workbook's other sheets — the first sheet whose header fits is read, with every later sheet
  that fits the same profile and shape (their rows are named ``file[sheet]``); the rest are
  listed in :attr:`Export.notes`;
- totals, footer and repeated header rows (합계, 소계, 출력일시 …, see ``summary_labels``) and
  punches of an ignored kind (인증 실패) — kept in :attr:`Export.skipped` and reported by the
  checks as ``not_data``; every other row is a record;
- extra columns (부서, 직급, 비고) — ignored.

Dates and times in the usual spellings are parsed (see :func:`parse_dates` and
:func:`parse_clocks`); a cell that does not parse stays null next to its raw text, so the checks
can report it (malformed time) instead of dropping the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path, PurePosixPath

import polars as pl

from payroll.attendance.profiles import (
    Profile,
    all_profiles,
    fit,
    get_profile,
    norm_header,
)
from payroll import cyclegc
from payroll.case import InputError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 30  # the header is looked for among the first 30 non-blank rows
DELIMITERS = (",", "\t", ";", "|")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 in the 1900 date system (with Lotus' leap-year bug)
CALAMINE_TIME_DAY = dt.date(1899, 12, 31)  # calamine's date of a time-only cell

_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls other than tab, CR and LF
# full-width digits and punctuation → ASCII (NFKC for the characters dates and times use)
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"：": ":", "－": "-", "／": "/", "．": ".", "\u3000": " ", "＋": "+", "（": "(", "）": ")"}


@dataclass(frozen=True)
class Export:
    """One export file, normalised. ``frame`` columns depend on ``shape``:

    both: source, line, worker_id, name
    punch: raw_time, ts (Datetime), raw_direction, direction ("in" | "out" | null), device
    daily: raw_date, date (Date), raw_in, raw_out, in_min, out_min (minutes after the day's
    midnight; a time on the next day is ≥ 1440)

    ``skipped``: source, line, detail — rows that are not records (totals, footers, repeated
    headers, ignored punch kinds); the checks report them as ``not_data``.
    """

    path: Path
    format: str  # csv-utf-8 | csv-utf-8-sig | csv-utf-16 | csv-cp949 | xlsx | xls
    profile: str
    shape: str  # punch | daily
    frame: pl.DataFrame
    sheet: str | None = None  # the sheet(s) read, for a workbook
    header_line: int = 1  # the (last) header row
    skipped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"source": pl.Utf8, "line": pl.Int64, "detail": pl.Utf8}))
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"{self.format}"
        if self.sheet is not None:
            where += f" sheet {self.sheet}"
        if self.header_line != 1:
            where += f" header row {self.header_line}"
        return where


def sniff(raw: bytes) -> str:
    if raw.startswith(XLSX_MAGIC):
        return "xlsx"
    if raw.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte of an ASCII-heavy text is zero."""
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name) — UTF-8 with BOM, UTF-16 (BOM, or an ASCII-heavy text without one),
    UTF-8, then CP949; binary content is refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc = raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: starts with a UTF-8 byte-order mark but byte {exc.start + 3} is not UTF-8 (file damaged or truncated?)") from None
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(raw):
        codec = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(raw)
        try:
            text, enc = raw.decode(codec), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: UTF-16 text but byte {exc.start} does not decode (file damaged or truncated?)") from None
        text = text.lstrip("\ufeff")
    else:
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = raw.decode("cp949"), "cp949"
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: not a CSV, XLSX or XLS file (neither UTF-8, UTF-16 nor CP949 text; bad byte at offset {exc.start})") from None
    controls = len(_CONTROL_CHARS.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 1000):
        raise InputError(f"{source}: not a CSV, XLSX or XLS file (binary content)")
    return text, enc


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most frequent width above one."""
    lines = [ln for ln in text[:16384].splitlines()[:60] if ln.strip()]
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            if w > 1:
                counts[w] = counts.get(w, 0) + 1
        if not counts:
            continue
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (freq, width) > best_score:
            best, best_score = d, (freq, width)
    return best


Table = list[tuple[int, list[str]]]  # (line or row number, cells) of the non-blank rows


def _csv_table(text: str, source: str) -> Table:
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: Table = []
    try:
        start = 1
        for cells in reader:
            if "".join(cells).strip():  # some cell is not blank
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{source}: line {reader.line_num}: not valid CSV: {exc}") from None
    if not rows:
        raise InputError(f"{source}: empty file (no header row)")
    return rows


def _check_widths(source: str, width: int, rows: Table, ends_with_newline: bool) -> Table:
    """Text rows against the header: trailing empty cells are dropped and a short row (a footer, a
    totals line) padded; a row cut at the end of the file, or with more cells than the header, is an error."""
    out: Table = []
    for i, (line, cells) in enumerate(rows):
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) > width:
            raise InputError(f"{source}: line {line}: {len(cells)} cells but the header has {width} (an unquoted separator inside a value?)")
        if len(cells) < width:
            if i == len(rows) - 1 and not ends_with_newline:
                raise InputError(f"{source}: line {line}: the file ends in the middle of a row ({len(cells)} of {width} cells) — truncated?")
            cells = cells + [""] * (width - len(cells))
        out.append((line, cells))
    return out


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


def _spreadsheet_tables(path: Path, raw: bytes, kind: str) -> list[tuple[str, Table]]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
        names = list(reader.sheet_names)
        frames = [reader.load_sheet(i, header_row=None, skip_rows=0, dtypes="string").to_polars() for i in range(len(names))]
    except Exception as exc:  # noqa: BLE001 — calamine raises its own error types for damaged files
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot read as {kind.upper()} (damaged or truncated?): {message}") from None
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


@dataclass(frozen=True)
class _Found:
    profile: Profile
    shape: str
    mapping: dict[str, int]
    header: list[str]
    header_line: int
    data: Table  # the rows after the header


def _find_header(table: Table, profile: str | None) -> _Found | None:
    """The first of the first rows that fits a profile (alone, or with the next row as a two-row header)."""
    scan = table[:HEADER_SCAN_ROWS]
    for i, (line, cells) in enumerate(scan):
        candidates = [(cells, i + 1)]
        if i + 1 < len(table):
            below = table[i + 1][1]
            width = max(len(cells), len(below))
            up = cells + [""] * (width - len(cells))
            lo = below + [""] * (width - len(below))
            candidates.append(([b if b.strip() else a for a, b in zip(up, lo, strict=True)], i + 2))
            candidates.append(([(a if a != b else "") + b for a, b in zip(up, lo, strict=True)], i + 2))
        for header, nxt in candidates:
            hit = fit([h.strip() for h in header], profile)
            if hit:
                prof, shape, mapping = hit
                return _Found(prof, shape, mapping, [h.strip() for h in header], table[nxt - 1][0], table[nxt:])
    return None


def _id_expr(col: pl.Expr) -> pl.Expr:
    text = col.str.replace_many(_FULL_WIDTH).str.strip_chars()
    text = text.str.replace(r"^(\d+)\.0+$", "${1}")  # a numeric id cell read back as 1003.0
    text = text.str.replace(r"^'(.+)$", "${1}")  # Excel's text marker '00123
    return pl.when(text == "").then(None).otherwise(text)


def _blank_null(col: pl.Expr, blanks: frozenset[str] = frozenset()) -> pl.Expr:
    text = col.str.replace_many(_FULL_WIDTH).str.strip_chars()
    key = text.str.replace_all(r"\s", "").str.to_lowercase()
    return pl.when((text == "") | key.is_in(sorted(blanks))).then(None).otherwise(text)


def _prep(col: pl.Expr) -> pl.Expr:
    """Full-width → ASCII, Korean 년월일 → y-m-d, weekday marks removed, spaces squeezed."""
    t = col.str.replace_many(_FULL_WIDTH).str.strip_chars()
    t = t.str.replace(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일", "${1}-${2}-${3}")
    t = t.str.replace_all(r"\(\s*[월화수목금토일]\s*(?:요일)?\s*\)|[월화수목금토일]요일", " ")
    t = t.str.replace_all(r"(?i)\(\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*\)", " ")
    return t.str.replace_all(r"\s+", " ").str.strip_chars()


_YMD = r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?"
_COMPACT = r"(\d{4})(\d{2})(\d{2})"
_SLASHED = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_SHORT = r"(\d{2})[-.](\d{1,2})[-.](\d{1,2})\.?"
_DATE_PART = rf"(?:{_YMD}|{_COMPACT}|{_SLASHED}|{_SHORT})"


def _ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    return pl.concat_str([y, m.str.zfill(2), d.str.zfill(2)], separator="-").str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _serial_date(days: pl.Expr) -> pl.Expr:
    return pl.lit(EXCEL_EPOCH) + pl.duration(days=days)


def _split_date(f: pl.DataFrame, day_first: bool) -> pl.DataFrame:
    """Columns _d (the date of a leading date part) and _rest (the text after it) from _t."""
    m = rf"^{_DATE_PART}(?:[T\s]+|$)"
    f = f.with_columns(pl.col("_t").str.extract_groups(m).alias("_g"))
    g = lambda i: pl.col("_g").struct.field(str(i))
    slashed_m, slashed_d = (g(8), g(7)) if day_first else (g(7), g(8))
    return f.with_columns(
        pl.coalesce([
            _ymd(g(1), g(2), g(3)),
            _ymd(g(4), g(5), g(6)),
            _ymd(g(9), slashed_m, slashed_d),
            _ymd(pl.lit("20") + g(10), g(11), g(12)),
        ]).alias("_d"),
        pl.col("_t").str.replace(m, "").alias("_rest"),
    ).drop("_g")


def _number(text: pl.Expr) -> pl.Expr:
    """An Excel serial (days, with a fraction for the time) written as a plain number."""
    return pl.when(text.str.contains(r"^\d+(?:\.\d+)?$") & ~text.str.contains(r"^\d{3,4}$|^\d{8}$|^\d{12}$|^\d{14}$")).then(text.cast(pl.Float64, strict=False))  # float ok: a serial


def _unique_frame(values: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the distinct values as column _v, the values' order as _v) — parse each spelling once."""
    order = pl.DataFrame({"_v": values.cast(pl.Utf8)})
    return order.unique(), order  # the distinct values in any order: they are joined back by value


def parse_dates(values: pl.Series, day_first: bool = False) -> pl.Series:
    """Dates from 2026-06-01, 2026.06.01, 2026/06/01, 2026. 6. 1., 20260601, 2026년 6월 1일,
    26.06.01 (yy.mm.dd), 06/01/2026 (month first unless ``day_first``), each with or without a
    weekday — (월), 월요일, (Mon) — or a time after it, and an Excel serial number (46174)."""
    if values.null_count() == values.len():  # a column the export does not have
        return pl.Series("date", [None] * values.len(), dtype=pl.Date)
    u, order = _unique_frame(values)
    f = _split_date(u.with_columns(_prep(pl.col("_v")).alias("_t")), day_first)
    f = f.with_columns(_number(pl.col("_t")).alias("_n"))
    f = f.with_columns(pl.coalesce([
        pl.col("_d"),
        pl.when((pl.col("_n") >= 2) & (pl.col("_n") < 2958466)).then(_serial_date(pl.col("_n").floor().cast(pl.Int64))),
    ]).alias("date"))
    return order.join(f.select("_v", "date"), on="_v", how="left", nulls_equal=True, maintain_order="left").get_column("date")


def parse_clocks(values: pl.Series, day_first: bool = False, next_day: bool = True) -> pl.DataFrame:
    """Columns ``date`` (or null) and ``minutes`` of time cells.

    Minutes after midnight from 9:05, 09:05, 09:05:33 (seconds dropped), 0905, 오전 9:05 / 오후
    6:10, 9:05 AM, 18시05분, 18시, an Excel fraction (0.378472…), calamine's 1899-12-31 09:05:00;
    "24:10", "+1 06:00", "06:00(+1)", "익일 06:00" and a [h]:mm 1900-01-01 06:00 are on the next
    day (≥ 1440). The date is that of a full date-time cell (2026-06-02 06:03), for the caller to
    compare with the row's date; null for a time alone. Without ``next_day`` (a punch's own
    timestamp) a time on the next day is no time.
    """
    if values.null_count() == values.len():  # a column the export does not have
        return pl.DataFrame({"date": [None] * values.len(), "minutes": [None] * values.len()}, schema={"date": pl.Date, "minutes": pl.Int64})
    u, order = _unique_frame(values)
    marks = r"^\+\s*1\s*|\(\s*\+\s*1\s*\)|\+\s*1$|익일|다음\s*날|\(익\)"
    f = u.with_columns(_prep(pl.col("_v")).alias("_t0"))
    f = f.with_columns(
        pl.col("_t0").str.contains(marks).alias("_nxt"),
        pl.col("_t0").str.replace_all(marks, " ").str.strip_chars().str.replace(r"^(\d{8})(\d{4}|\d{6})$", "${1} ${2}").alias("_t"),
    )
    f = _split_date(f, day_first)
    rest = pl.col("_rest").str.strip_chars()
    f = f.with_columns(
        rest.str.contains(r"(?i)오후|\bp\.?m\.?$|^p\.?m\.?\b").alias("_pm"),
        rest.str.contains(r"(?i)오전|\ba\.?m\.?$|^a\.?m\.?\b").alias("_am"),
        rest.str.replace_all(r"(?i)오전|오후|\b[ap]\.?m\.?(?:\s|$)|^[ap]\.?m\.?\b", " ").str.strip_chars()
        .str.replace(r"^(\d{1,2})\s*시\s*(?:(\d{1,2})\s*분)?\s*(?:(\d{1,2})\s*초)?$", "${1}:${2}")
        .str.replace(r"^(\d{1,2}):$", "${1}:00").str.replace(r"^(\d{1,2}):(\d)$", "${1}:0${2}")
        .str.replace(r"^(\d{1,2})(\d{2})$", "${1}:${2}")  # 0905, 905
        .str.replace(r"^(\d{2})(\d{2})(\d{2})$", "${1}:${2}:${3}")  # 085510
        .str.extract_groups(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$").alias("_hm"),
        _number(pl.col("_t")).alias("_n"),
    )
    h = pl.col("_hm").struct.field("1").cast(pl.Int64)
    m = pl.col("_hm").struct.field("2").cast(pl.Int64)
    pm, am = pl.col("_pm"), pl.col("_am")
    f = f.with_columns(
        pl.when(pm & (h < 12)).then(h + 12).when(am & (h == 12)).then(0).otherwise(h).alias("_h"),
        m.alias("_m"),
        pl.col("_n").floor().cast(pl.Int64).alias("_days"),
        (((pl.col("_n") - pl.col("_n").floor()) * 86400).round(0).cast(pl.Int64) // 60).alias("_smin"),  # float ok: a serial
    )
    h, m, n = pl.col("_h"), pl.col("_m"), pl.col("_n")
    valid = (m < 60) & (h < 48) & ~((pm | am) & (h > 23))
    serial_date = pl.when((n >= 2) & (n < 2958466)).then(_serial_date(pl.col("_days")))
    f = f.with_columns(
        pl.coalesce([
            pl.when(valid).then(h * 60 + m),
            pl.when(n < 2).then(pl.col("_days") * 1440 + pl.col("_smin")),  # 0.378472 (a time), 1.25 ([h]:mm over a day)
            pl.when(serial_date.is_not_null()).then(pl.col("_smin")),  # 46174.375 (a date-time)
        ]).alias("_min"),
        pl.coalesce([pl.col("_d"), serial_date]).alias("_date"),
    )
    # a spreadsheet's time-only cell: 1899-12-30/31 is no date, 1900-01-01 is a [h]:mm value past 24 h
    date = pl.col("_date")
    is_epoch = date <= pl.lit(dt.date(1900, 1, 1))
    epoch_days = (date - pl.lit(CALAMINE_TIME_DAY)).dt.total_days().clip(0, None)
    minutes = pl.col("_min") + pl.when(is_epoch).then(epoch_days * 1440).otherwise(0) + pl.when(pl.col("_nxt")).then(1440).otherwise(0)
    if not next_day:
        minutes = pl.when(minutes < 1440).then(minutes)
    f = f.select("_v", pl.when(is_epoch).then(None).otherwise(date).alias("date"), minutes.alias("minutes"))
    return order.join(f, on="_v", how="left", nulls_equal=True, maintain_order="left").select("date", "minutes")


def _day_first(values: pl.Series) -> bool:
    """06/01/2026 is month first, unless a value of the column only fits day first (25/06/2026)."""
    parts = values.str.extract_groups(r"(\d{1,2})/(\d{1,2})/\d{4}")
    first = parts.struct.field("1").cast(pl.Int64, strict=False)
    second = parts.struct.field("2").cast(pl.Int64, strict=False)
    return bool((first > 12).any()) and not bool((second > 12).any())


class _CellTexts:
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


def _summary_hit(profile: Profile, text: pl.Expr) -> pl.Expr | None:
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


def _first_cells(cells_of: list[list[str]]) -> list[str]:
    """Each row's first non-blank cell (most often its very first)."""
    return [cells[0] if cells and cells[0].strip() else _first_filled(cells) for cells in cells_of]


def _repeated_header_flags(header: list[str], cells_of: list[list[str]]) -> list[bool]:
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


def _normalise(source_of: list[str], profile: Profile, shape: str, mapping: dict[str, int], header: list[str], rows: Table) -> tuple[pl.DataFrame, pl.DataFrame]:
    cells_of = [cells for _, cells in rows]
    cols: dict[str, list] = {"line": [line for line, _ in rows], "source": source_of}
    short = min(map(len, cells_of), default=0)
    for fld, j in mapping.items():
        cols[fld] = list(map(itemgetter(j), cells_of)) if j < short else [cells[j] if j < len(cells) else "" for cells in cells_of]
    cols["_first"] = _first_cells(cells_of)
    cols["_is_header"] = _repeated_header_flags(header, cells_of)
    base = pl.DataFrame(cols, schema={"line": pl.Int64, "source": pl.Utf8, **{f: pl.Utf8 for f in mapping}, "_first": pl.Utf8, "_is_header": pl.Boolean})
    for fld in ("name", "device", "direction", "timestamp", "date", "time", "in", "out", "out_date"):
        if fld not in base.columns:
            base = base.with_columns(pl.lit(None, dtype=pl.Utf8).alias(fld))
    blanks = profile.blank_values or frozenset()
    v = pl.col("_v")
    cleanups = {"id": _id_expr(v), "blank": _blank_null(v), "blank_or_mark": _blank_null(v, blanks)}
    summary_hit = _summary_hit(profile, v)
    if summary_hit is not None:
        cleanups["summary"] = summary_hit
    if shape == "punch":
        normed_dir = _blank_null(v).str.replace_many(_FULL_WIDTH).str.replace_all(r"\s", "").str.to_lowercase()
        cleanups["direction"] = (
            pl.when(normed_dir.is_in(sorted(profile.direction_in))).then(pl.lit("in"))
            .when(normed_dir.is_in(sorted(profile.direction_out))).then(pl.lit("out"))
            .otherwise(None)
        )
        if profile.direction_ignore:
            key = v.fill_null("").str.replace_many(_FULL_WIDTH).str.replace_all(r"\s", "").str.to_lowercase()
            cleanups["ignored"] = key.is_in(sorted(profile.direction_ignore))
    texts = _CellTexts([base.get_column(c) for c in ("_first", *mapping)], **cleanups)

    # rows that are no record: repeated headers, totals and footers, ignored punch kinds
    ident = [c for c in ("_first", "worker_id", "name", "date", "timestamp") if c in mapping or c == "_first"]
    summary = pl.Series("_summary", [False] * base.height, dtype=pl.Boolean)
    if summary_hit is not None:
        for c in ident:
            summary = summary | texts.of(base.get_column(c), "summary", "_summary")
    base = base.with_columns(summary.alias("_summary"))
    # the whole row's text is shown only for a totals/footer row: spelled out for those few rows alone
    summary_rows = base.select(pl.col("_summary") & ~pl.col("_is_header")).to_series().arg_true().to_list()
    rowtext: list[str | None] = [None] * len(cells_of)
    for i in summary_rows:
        rowtext[i] = " | ".join(c.strip() for c in cells_of[i] if c.strip())[:120]
    base = base.with_columns(pl.Series("_rowtext", rowtext, dtype=pl.Utf8))
    reason = (
        pl.when(pl.col("_is_header")).then(pl.lit("반복된 제목 행"))
        .when(pl.col("_summary")).then(pl.format("합계·머리말·꼬리말 행: {}", pl.col("_rowtext")))
    )
    if shape == "punch" and profile.direction_ignore:
        base = base.with_columns(texts.of(base.get_column("direction"), "ignored", "_ignored"))
        reason = reason.when(pl.col("_ignored")).then(pl.format("출퇴근 기록이 아닌 인증: {}", pl.col("direction")))
    base = base.with_columns(reason.otherwise(None).alias("_skip"))
    skipped = base.filter(pl.col("_skip").is_not_null()).select("source", "line", pl.col("_skip").alias("detail"))
    base = base.filter(pl.col("_skip").is_null())

    out = base.with_columns(
        texts.of(base.get_column("worker_id"), "id", "worker_id"),
        texts.of(base.get_column("name"), "blank", "name"),
    )
    if shape == "punch":
        day_first = _day_first(pl.concat([base.get_column("timestamp"), base.get_column("date")]).drop_nulls())
        out = out.with_columns(
            texts.of(base.get_column("timestamp" if "timestamp" in mapping else "time"), "blank_or_mark", "_clock"),
            texts.of(base.get_column("date"), "blank_or_mark", "_date"),
        )
        clocks = parse_clocks(out.get_column("_clock"), day_first, next_day=False)
        out = out.with_columns(
            clocks.get_column("date").alias("_own"), clocks.get_column("minutes").alias("_minutes"),
            parse_dates(out.get_column("_date"), day_first).alias("_day"),
        )
        day = pl.coalesce([pl.col("_own"), pl.col("_day")])  # a time-only timestamp takes the date column's
        clock_text, date_text = pl.col("_clock"), pl.col("_date")
        raw_time = pl.when(pl.col("_own").is_null() & date_text.is_not_null()).then(pl.concat_str([date_text, clock_text], separator=" ", ignore_nulls=True)).otherwise(clock_text)
        ts = pl.when(day.is_not_null() & pl.col("_minutes").is_not_null()).then(day.cast(pl.Datetime("us")) + pl.duration(minutes=pl.col("_minutes")))
        out = out.with_columns(
            raw_time.alias("raw_time"),
            ts.alias("ts"),
            texts.of(base.get_column("direction"), "blank", "raw_direction"),
            texts.of(base.get_column("direction"), "direction", "direction"),
            texts.of(base.get_column("device"), "blank", "device"),
        )
        frame = out.select("source", "line", "worker_id", "name", "raw_time", "ts", "raw_direction", "direction", "device")
        return frame, skipped
    day_first = _day_first(pl.concat([base.get_column(c) for c in ("date", "in", "out", "out_date")]).drop_nulls())
    out = out.with_columns(
        texts.of(base.get_column("date"), "blank_or_mark", "raw_date"),
        texts.of(base.get_column("in"), "blank_or_mark", "raw_in"),
        texts.of(base.get_column("out"), "blank_or_mark", "raw_out"),
        texts.of(base.get_column("out_date"), "blank_or_mark", "_raw_out_date"),
    )
    # each parse runs once over both columns (its cost is mostly per call): the halves are sliced apart
    n = out.height
    clocks = parse_clocks(pl.concat([out.get_column("raw_in"), out.get_column("raw_out")]), day_first)
    ins, outs = clocks.slice(0, n), clocks.slice(n, n)
    dates = parse_dates(pl.concat([out.get_column("raw_date"), out.get_column("_raw_out_date")]), day_first)
    out = out.with_columns(
        dates.slice(0, n).alias("_day"),
        ins.get_column("date").alias("_in_date"), ins.get_column("minutes").alias("_in_min"),
        outs.get_column("date").alias("_out_date"), outs.get_column("minutes").alias("_out_min"),
        dates.slice(n, n).alias("_out_date_col"),
    )
    day = pl.col("_day")
    in_date, in_min = pl.col("_in_date"), pl.col("_in_min")
    out_date, out_min = pl.coalesce([pl.col("_out_date"), pl.col("_out_date_col")]), pl.col("_out_min")

    def shifted(own: pl.Expr, minutes: pl.Expr) -> pl.Expr:
        # a full date-time in a time cell: its days after the row's date (0 or 1), else no time
        offset = (own - pl.col("date")).dt.total_days()
        return pl.when(own.is_null()).then(minutes).when((offset >= 0) & (offset <= 1)).then(minutes + offset * 1440)

    out = out.with_columns(day.alias("date"))
    out = out.with_columns(shifted(in_date, in_min).alias("in_min"), shifted(out_date, out_min).alias("out_min"))
    frame = out.select("source", "line", "worker_id", "name", "raw_date", "date", "raw_in", "raw_out", "in_min", "out_min")
    return frame, skipped


def _duplicate_fields(source: str, header: list[str], mapping: dict[str, int], line: int) -> None:
    """A header naming a column we use twice is ambiguous: refuse it."""
    used = {norm_header(header[j]) for j in mapping.values()}
    seen: dict[str, int] = {}
    for h in header:
        key = norm_header(h)
        if key in used:
            seen[key] = seen.get(key, 0) + 1
    dupes = [h for h in dict.fromkeys(header) if seen.get(norm_header(h), 0) > 1]
    if dupes:
        raise InputError(f"{source}: line {line}: the header row repeats the column {dupes[0]!r}")


def read_export(path: Path | str, profile: str | None = None) -> Export:
    """Read one export file; raise :class:`InputError` (naming the file) when it cannot be read."""
    with cyclegc.paused():  # tens of thousands of row lists of strings: no cycles
        return _read_export(Path(path), profile)


def _read_export(path: Path, profile: str | None) -> Export:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(f"{path}: empty file")
    if profile:
        get_profile(profile)  # an unknown name is its own error
    kind = sniff(raw)
    if kind == "csv":
        text, enc = decode_text(raw, str(path))
        table = _csv_table(text, str(path))
        found = _find_header(table, profile)
        if found is None:
            _no_header(path, table, profile)
        _duplicate_fields(str(path), found.header, found.mapping, found.header_line)
        data = _check_widths(str(path), len(found.header), found.data, raw.endswith((b"\n", b"\r")))
        frame, skipped = _normalise([str(path)] * len(data), found.profile, found.shape, found.mapping, found.header, data)
        return Export(path=path, format=f"csv-{enc}", profile=found.profile.name, shape=found.shape, frame=frame,
                      header_line=found.header_line, skipped=skipped)

    tables = _spreadsheet_tables(path, raw, kind)
    hits = [(name, table, _find_header(table, profile)) for name, table in tables]
    fitting = [(n, t, f) for n, t, f in hits if f is not None]
    if not fitting:
        nonempty = next((t for _, t in tables if t), [])
        _no_header(path, nonempty, profile, sheets=[n for n, _ in tables])
    first = fitting[0][2]
    assert first is not None
    chosen = [(n, f) for n, _, f in fitting if f is not None and (f.profile.name, f.shape) == (first.profile.name, first.shape)]
    notes = []
    for n, t, f in hits:
        if f is None:
            if t:
                notes.append(f"sheet {n!r}: header fits no profile, not read")
        elif (f.profile.name, f.shape) != (first.profile.name, first.shape):
            notes.append(f"sheet {n!r}: fits {f.profile.name} {f.shape}, not read (the workbook is read as {first.profile.name} {first.shape})")
    frames, skipped = [], []
    for name, f in chosen:
        source = str(path) if len(chosen) == 1 else f"{path}[{name}]"
        _duplicate_fields(source, f.header, f.mapping, f.header_line)
        fr, sk = _normalise([source] * len(f.data), f.profile, f.shape, f.mapping, f.header, f.data)
        frames.append(fr)
        skipped.append(sk)
    sheet_names = ", ".join(repr(n) for n, _ in chosen)
    return Export(path=path, format=kind, profile=first.profile.name, shape=first.shape, frame=pl.concat(frames),
                  sheet=sheet_names, header_line=first.header_line, skipped=pl.concat(skipped), notes=tuple(notes))


def _no_header(path: Path, table: Table, profile: str | None, sheets: list[str] | None = None) -> None:
    candidates = [get_profile(profile)] if profile else list(all_profiles())
    which = f"profile {profile!r}" if profile else f"any attendance profile ({', '.join(p.name for p in candidates)})"
    shown = ", ".join(repr(h.strip()) for h in (table[0][1] if table else [])[:8] if h.strip()) or "(none)"
    where = f" in any sheet ({', '.join(repr(s) for s in sheets)})" if sheets else ""
    raise InputError(f"{path}: the header row does not fit {which} (looked at the first {HEADER_SCAN_ROWS} rows{where}); first row: {shown}")
