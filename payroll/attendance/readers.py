"""Read an attendance export — CSV (UTF-8, UTF-8 with BOM, CP949/EUC-KR), XLSX or legacy XLS.

The format is detected from the bytes, never from the extension: ``PK\\x03\\x04`` is an XLSX (zip),
``D0 CF 11 E0`` an XLS (OLE2); anything else must decode as UTF-8 (BOM or not) or CP949 text.
Spreadsheets are read with calamine (``fastexcel``) with every cell as text; calamine gives a
time-only cell as ``1899-12-31 HH:MM:SS``, so the date part of a time cell is ignored.

The header row picks the vendor profile and the shape (raw punch log or daily sheet). The
result keeps every data row with its line number; a cell that does not parse stays null next to
its raw text, so the checks can report it (malformed time) instead of dropping the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll.attendance.profiles import Profile, detect, norm_header
from payroll.case import InputError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H%M")
TS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S")


@dataclass(frozen=True)
class Export:
    """One export file, normalised. ``frame`` columns depend on ``shape``:

    both: source, line, worker_id, name
    punch: raw_time, ts (Datetime), raw_direction, direction ("in" | "out" | null), device
    daily: raw_date, date (Date), raw_in, raw_out, in_min, out_min (minutes after midnight)
    """

    path: Path
    format: str  # csv-utf-8 | csv-utf-8-sig | csv-cp949 | xlsx | xls
    profile: str
    shape: str  # punch | daily
    frame: pl.DataFrame


def sniff(raw: bytes) -> str:
    if raw.startswith(XLSX_MAGIC):
        return "xlsx"
    if raw.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name) — UTF-8 with BOM, UTF-8, then CP949; binary content is refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc = raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: starts with a UTF-8 byte-order mark but byte {exc.start + 3} is not UTF-8 (file damaged or truncated?)") from None
    else:
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = raw.decode("cp949"), "cp949"
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: not a CSV, XLSX or XLS file (neither UTF-8 nor CP949 text; bad byte at offset {exc.start})") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 1000):
        raise InputError(f"{source}: not a CSV, XLSX or XLS file (binary content)")
    return text, enc


def _csv_rows(text: str, source: str, ends_with_newline: bool) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        sample = text[:4096]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            rows.append((line, cells))
    except csv.Error as exc:
        raise InputError(f"{source}: line {reader.line_num}: not valid CSV: {exc}") from None
    if header is None:
        raise InputError(f"{source}: empty file (no header row)")
    width = len(header)
    for i, (line, cells) in enumerate(rows):
        if len(cells) != width:
            if i == len(rows) - 1 and not ends_with_newline and len(cells) < width:
                raise InputError(f"{source}: line {line}: the file ends in the middle of a row ({len(cells)} of {width} cells) — truncated?")
            raise InputError(f"{source}: line {line}: {len(cells)} cells but the header has {width}")
    return header, rows


def _spreadsheet(path: Path, raw: bytes, kind: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
        sheet = reader.load_sheet(0, dtypes="string", header_row=0)
        frame = sheet.to_polars()
    except Exception as exc:  # calamine raises its own error types for damaged files
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot read as {kind.upper()} (damaged or truncated?): {message}") from None
    header = [str(c).strip() for c in frame.columns]
    rows = []
    for i, values in enumerate(frame.iter_rows()):
        cells = ["" if v is None else str(v) for v in values]
        if any(c.strip() for c in cells):
            rows.append((i + 2, cells))  # row 1 is the header
    return header, rows


def _id_expr(col: pl.Expr) -> pl.Expr:
    text = col.str.strip_chars()
    text = text.str.replace(r"^(\d+)\.0+$", "${1}")  # a numeric id cell read back as 1003.0
    return pl.when(text == "").then(None).otherwise(text)


def _blank_null(col: pl.Expr) -> pl.Expr:
    text = col.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def parse_date_expr(col: pl.Expr) -> pl.Expr:
    """A date from the usual spellings; a datetime cell keeps its date."""
    text = col.str.strip_chars().str.split(" ").list.first().str.split("T").list.first()
    return pl.coalesce([text.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])


def parse_time_expr(col: pl.Expr) -> pl.Expr:
    """Minutes after midnight from 'HH:MM[:SS]' or a calamine time cell '1899-12-31 HH:MM:SS'."""
    text = col.str.strip_chars().str.split(" ").list.last()
    t = pl.coalesce([text.str.strptime(pl.Time, f, strict=False) for f in TIME_FORMATS])
    return (t.dt.hour().cast(pl.Int64) * 60 + t.dt.minute().cast(pl.Int64)).alias("_t")


def parse_ts_expr(col: pl.Expr) -> pl.Expr:
    text = col.str.strip_chars()
    return pl.coalesce([text.str.strptime(pl.Datetime("us"), f, strict=False) for f in TS_FORMATS]).dt.truncate("1m")


def _normalise(path: Path, profile: Profile, shape: str, mapping: dict[str, str], header: list[str], rows: list[tuple[int, list[str]]]) -> pl.DataFrame:
    index = {h: i for i, h in enumerate(header)}
    cols: dict[str, list] = {"line": [line for line, _ in rows]}
    for fld, head in mapping.items():
        j = index[head]
        cols[fld] = [cells[j] for _, cells in rows]
    base = pl.DataFrame(cols, schema={"line": pl.Int64, **{f: pl.Utf8 for f in mapping}})
    for fld in ("name", "device", "direction", "timestamp", "date", "time"):
        if fld not in base.columns:
            base = base.with_columns(pl.lit(None, dtype=pl.Utf8).alias(fld))
    out = base.with_columns(pl.lit(str(path)).alias("source"), _id_expr(pl.col("worker_id")).alias("worker_id"), _blank_null(pl.col("name")).alias("name"))
    if shape == "punch":
        raw_time = pl.when(pl.col("timestamp").is_not_null()).then(pl.col("timestamp")).otherwise(
            pl.concat_str([pl.col("date").str.strip_chars().str.split(" ").list.first(), pl.col("time").str.strip_chars().str.split(" ").list.last()], separator=" ")
        )
        out = out.with_columns(_blank_null(raw_time).alias("raw_time"))
        out = out.with_columns(parse_ts_expr(pl.col("raw_time")).alias("ts"))
        raw_dir = _blank_null(pl.col("direction"))
        normed = raw_dir.str.to_lowercase().str.strip_chars()
        out = out.with_columns(
            raw_dir.alias("raw_direction"),
            pl.when(normed.is_in(list(profile.direction_in))).then(pl.lit("in"))
            .when(normed.is_in(list(profile.direction_out))).then(pl.lit("out"))
            .otherwise(None).alias("direction"),
            _blank_null(pl.col("device")).alias("device"),
        )
        return out.select("source", "line", "worker_id", "name", "raw_time", "ts", "raw_direction", "direction", "device")
    out = out.with_columns(
        _blank_null(pl.col("date")).alias("raw_date"),
        _blank_null(pl.col("in")).alias("raw_in"),
        _blank_null(pl.col("out")).alias("raw_out"),
    )
    out = out.with_columns(
        parse_date_expr(pl.col("raw_date")).alias("date"),
        parse_time_expr(pl.col("raw_in")).alias("in_min"),
        parse_time_expr(pl.col("raw_out")).alias("out_min"),
    )
    return out.select("source", "line", "worker_id", "name", "raw_date", "date", "raw_in", "raw_out", "in_min", "out_min")


def read_export(path: Path | str, profile: str | None = None) -> Export:
    """Read one export file; raise :class:`InputError` (naming the file) when it cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(f"{path}: empty file")
    kind = sniff(raw)
    if kind in ("xlsx", "xls"):
        header, rows = _spreadsheet(path, raw, kind)
        fmt = kind
    else:
        text, enc = decode_text(raw, str(path))
        header, rows = _csv_rows(text, str(path), raw.endswith((b"\n", b"\r")))
        fmt = f"csv-{enc}"
    if len(set(norm_header(h) for h in header)) != len(header):
        raise InputError(f"{path}: the header row repeats a column name")
    prof, shape, mapping = detect(header, str(path), profile)
    return Export(path=path, format=fmt, profile=prof.name, shape=shape, frame=_normalise(path, prof, shape, mapping, header, rows))
