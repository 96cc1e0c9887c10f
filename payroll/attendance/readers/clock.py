"""Dates and times in the spellings devices and clerks write them, parsed column-wise (each distinct
spelling once)."""

from __future__ import annotations

import datetime as dt

import polars as pl

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 in the 1900 date system (with Lotus' leap-year bug)


CALAMINE_TIME_DAY = dt.date(1899, 12, 31)  # calamine's date of a time-only cell


FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"：": ":", "－": "-", "／": "/", "．": ".", "\u3000": " ", "＋": "+", "（": "(", "）": ")"}


def _prep(col: pl.Expr) -> pl.Expr:
    """Full-width → ASCII, Korean 년월일 → y-m-d, weekday marks removed, spaces squeezed."""
    t = col.str.replace_many(FULL_WIDTH).str.strip_chars()
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
    return pl.when(text.str.contains(r"^\d+(?:\.\d+)?$") & ~text.str.contains(r"^\d{3,4}$|^\d{6}$|^\d{8}$|^\d{12}$|^\d{14}$")).then(text.cast(pl.Float64, strict=False))  # float ok: a serial


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
    6:10, 9:05 AM, 18시05분, 18시, an Excel fraction (0.378472…; a whole number such as 1 is no time),
    calamine's 1899-12-31 09:05:00;
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
        # an Excel serial is a time only with its fraction: a bare 1 or 2 (a truncated cell) is no time, not 24:00
        pl.when(pl.col("_t").str.contains(r"\.")).then(_number(pl.col("_t"))).alias("_n"),
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


def day_first_votes(values: pl.Series) -> tuple[bool, bool]:
    """(some a/b/yyyy value has a > 12, some has b > 12): what :func:`day_first_of` decides on, so a
    file read in parts decides once for all of them."""
    parts = values.str.extract_groups(r"(\d{1,2})/(\d{1,2})/\d{4}")
    first = parts.struct.field("1").cast(pl.Int64, strict=False)
    second = parts.struct.field("2").cast(pl.Int64, strict=False)
    return bool((first > 12).any()), bool((second > 12).any())


def day_first_of(values: pl.Series) -> bool:
    """06/01/2026 is month first, unless a value of the column only fits day first (25/06/2026)."""
    first_over, second_over = day_first_votes(values)
    return first_over and not second_over
