"""Rows of cells → the export's frame (punch or daily), with the rows that are not records set apart
(``skipped``) and the rows the profile cannot explain named (``errors``) — never silently dropped."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import polars as pl

from payroll.attendance.profiles import Profile
from payroll.attendance.readers.cells import CellTexts, blank_null, first_cells, id_expr, repeated_header_flags, summary_hit
from payroll.attendance.readers.clock import day_first_votes, parse_clocks, parse_dates
from payroll.attendance.readers.export import ROW_SCHEMA, Table
from payroll.attendance.readers.ids import direction_kinds, event_kinds, mapped_ids, split_compound

TEXT_FIELDS = ("worker_id", "name", "device", "direction", "event", "timestamp", "date", "time", "in", "out", "out_date")


@dataclass(frozen=True)
class Normalised:
    frame: pl.DataFrame
    skipped: pl.DataFrame  # source, line, detail: rows that are not records
    errors: pl.DataFrame  # source, line, detail: rows the profile does not explain


def _base(source_of: list[str], mapping: dict[str, int], header: list[str], rows: Table) -> pl.DataFrame:
    cells_of = [cells for _, cells in rows]
    cols: dict[str, list] = {"line": [line for line, _ in rows], "source": source_of}
    short = min(map(len, cells_of), default=0)
    for fld, j in mapping.items():
        cols[fld] = list(map(itemgetter(j), cells_of)) if j < short else [cells[j] if j < len(cells) else "" for cells in cells_of]
    cols["_first"] = first_cells(cells_of)
    cols["_is_header"] = repeated_header_flags(header, cells_of)
    base = pl.DataFrame(cols, schema={"line": pl.Int64, "source": pl.Utf8, **{f: pl.Utf8 for f in mapping}, "_first": pl.Utf8, "_is_header": pl.Boolean})
    return base.with_columns([pl.lit(None, dtype=pl.Utf8).alias(f) for f in TEXT_FIELDS if f not in base.columns])


def _not_records(base: pl.DataFrame, profile: Profile, shape: str, texts: CellTexts, mapping: dict[str, int], rows: Table) -> pl.DataFrame:
    """Column ``_skip``: why a row is no record — a repeated header, a totals or footer line, an ignored punch kind or event."""
    ident = [c for c in ("_first", "worker_id", "name", "date", "timestamp") if c in mapping or c == "_first"]
    summary = pl.Series("_summary", [False] * base.height, dtype=pl.Boolean)
    if summary_hit(profile, pl.col("_v")) is not None:
        for c in ident:
            summary = summary | texts.of(base.get_column(c), "summary", "_summary")
    base = base.with_columns(summary.alias("_summary"))
    # the whole row's text is shown only for a totals/footer row: spelled out for those few rows alone
    summary_rows = base.select(pl.col("_summary") & ~pl.col("_is_header")).to_series().arg_true().to_list()
    rowtext: list[str | None] = [None] * base.height
    for i in summary_rows:
        rowtext[i] = " | ".join(c.strip() for c in rows[i][1] if c.strip())[:120]
    base = base.with_columns(pl.Series("_rowtext", rowtext, dtype=pl.Utf8))
    reason = (
        pl.when(pl.col("_is_header")).then(pl.lit("반복된 제목 행"))
        .when(pl.col("_summary")).then(pl.format("합계·머리말·꼬리말 행: {}", pl.col("_rowtext")))
    )
    if shape == "punch":
        base = base.with_columns(
            direction_kinds(profile, texts.of(base.get_column("direction"), "blank", "_d")).alias("_dir_kind"),
            event_kinds(profile, texts.of(base.get_column("event"), "blank", "_e")).alias("_event_kind") if "event" in mapping else pl.lit(None, dtype=pl.Utf8).alias("_event_kind"),
        )
        reason = (
            reason.when(pl.col("_event_kind") == "ignore").then(pl.format("출퇴근 기록이 아닌 이벤트: {}", pl.col("event")))
            .when(pl.col("_dir_kind") == "ignore").then(pl.format("출퇴근 기록이 아닌 인증: {}", pl.col("direction")))
        )
    return base.with_columns(reason.otherwise(None).alias("_skip"))


def _unexplained(base: pl.DataFrame, profile: Profile, shape: str) -> pl.Expr:
    """Why the profile cannot explain a row (an event or a direction it names neither way), or null."""
    if shape != "punch":
        return pl.lit(None, dtype=pl.Utf8)
    why = pl.when(pl.col("_event_kind") == "unknown").then(pl.format("이벤트 '{}': 프로필의 punch.events가 출퇴근도 무시도 아님", pl.col("event")))
    if profile.unknown_direction == "error":
        why = why.when(pl.col("_dir_kind") == "unknown").then(pl.format("출퇴근 구분 '{}': 프로필의 출근·퇴근·무시 어느 값도 아님", pl.col("direction")))
    return why.otherwise(None)


def _ids(out: pl.DataFrame, base: pl.DataFrame, profile: Profile, texts: CellTexts, device_users: dict | None) -> pl.DataFrame:
    """worker_id, name, raw_id (the cell as written) and id_note (why a written id gives no worker id)."""
    raw = texts.of(base.get_column("worker_id"), "id", "raw_id")
    name = texts.of(base.get_column("name"), "blank", "name")
    ids, note = raw.alias("worker_id"), pl.Series("id_note", [None] * base.height, dtype=pl.Utf8)
    if profile.id_pattern:
        ids, names = split_compound(profile, raw)
        name = pl.select(pl.coalesce(name, names)).to_series().alias("name")
        note = pl.select(pl.when(raw.is_not_null() & ids.is_null()).then(pl.format("사번 칸 {}: ids.pattern에 맞지 않음", raw))).to_series().alias("id_note")
    if device_users is not None:
        users = ids
        ids = mapped_ids(device_users, users, texts.of(base.get_column("device"), "blank", "_dev"))
        unmapped = pl.format("단말기 사용자 {}: 대응표({})에 없음", users, pl.lit(profile.id_map))
        note = pl.select(pl.coalesce(note, pl.when(users.is_not_null() & ids.is_null()).then(unmapped))).to_series().alias("id_note")
    return out.with_columns(ids.alias("worker_id"), name.alias("name"), raw, note)


@dataclass(frozen=True)
class Records:
    """Rows of cells sorted: the records (their cells, and for punches the kinds of their direction
    and event) and the rows set apart as ``skipped`` and ``errors``. Each row is sorted on its own, so
    a file may be sorted in parts and its records turned into the frame afterwards."""

    base: pl.DataFrame
    skipped: pl.DataFrame
    errors: pl.DataFrame
    texts: CellTexts  # the cleaned texts of the rows' cells, made once for the sorting and the frame


def _texts(base: pl.DataFrame, profile: Profile, mapping: dict[str, int]) -> CellTexts:
    blanks = profile.blank_values or frozenset()
    v = pl.col("_v")
    cleanups = {"id": id_expr(v), "blank": blank_null(v), "blank_or_mark": blank_null(v, blanks)}
    hit = summary_hit(profile, v)
    if hit is not None:
        cleanups["summary"] = hit
    return CellTexts([base.get_column(c) for c in ("_first", *mapping)], **cleanups)


def records(source_of: list[str], profile: Profile, shape: str, mapping: dict[str, int], header: list[str], rows: Table) -> Records:
    base = _base(source_of, mapping, header, rows)
    texts = _texts(base, profile, mapping)
    base = _not_records(base, profile, shape, texts, mapping, rows)
    skipped = base.filter(pl.col("_skip").is_not_null()).select("source", "line", pl.col("_skip").alias("detail"))
    base = base.filter(pl.col("_skip").is_null())
    base = base.with_columns(_unexplained(base, profile, shape).alias("_why"))
    errors = base.filter(pl.col("_why").is_not_null()).select("source", "line", pl.col("_why").alias("detail"))
    return Records(base.filter(pl.col("_why").is_null()), skipped.cast(ROW_SCHEMA), errors.cast(ROW_SCHEMA), texts)


def day_first_votes_of(recs: Records, shape: str) -> tuple[bool, bool]:
    """The records' dates' votes on ``day_first`` (:func:`payroll.attendance.readers.clock.day_first_votes`)."""
    fields = ("timestamp", "date") if shape == "punch" else ("date", "in", "out", "out_date")
    return day_first_votes(pl.concat([recs.base.get_column(c) for c in fields]).drop_nulls())


def decide_day_first(profile: Profile, votes: list[tuple[bool, bool]]) -> bool:
    """The profile's ``day_first``, else day first when some date only fits it and none only fits month first."""
    if profile.day_first is not None:
        return profile.day_first
    return any(first for first, _ in votes) and not any(second for _, second in votes)


def frame_of(recs: Records, profile: Profile, shape: str, mapping: dict[str, int], day_first: bool, device_users: dict | None = None) -> pl.DataFrame:
    """The records as the export's frame (punch or daily)."""
    base, texts = recs.base, recs.texts
    out = _ids(base, base, profile, texts, device_users)
    return _punch(out, base, texts, mapping, day_first) if shape == "punch" else _daily(out, base, texts, day_first)


def normalise(source_of: list[str], profile: Profile, shape: str, mapping: dict[str, int], header: list[str], rows: Table,
              device_users: dict | None = None) -> Normalised:
    recs = records(source_of, profile, shape, mapping, header, rows)
    day_first = decide_day_first(profile, [day_first_votes_of(recs, shape)])
    return Normalised(frame_of(recs, profile, shape, mapping, day_first, device_users), recs.skipped, recs.errors)


def _punch(out: pl.DataFrame, base: pl.DataFrame, texts: CellTexts, mapping: dict[str, int], day_first: bool) -> pl.DataFrame:
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
    direction = pl.when(pl.col("_dir_kind").is_in(["in", "out"])).then(pl.col("_dir_kind"))
    out = out.with_columns(
        raw_time.alias("raw_time"),
        ts.alias("ts"),
        texts.of(base.get_column("direction"), "blank", "raw_direction"),
        direction.alias("direction"),
        texts.of(base.get_column("device"), "blank", "device"),
    )
    return out.select("source", "line", "worker_id", "name", "raw_id", "id_note", "raw_time", "ts", "raw_direction", "direction", "device")


def _daily(out: pl.DataFrame, base: pl.DataFrame, texts: CellTexts, day_first: bool) -> pl.DataFrame:
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
    in_date, in_min = pl.col("_in_date"), pl.col("_in_min")
    out_date, out_min = pl.coalesce([pl.col("_out_date"), pl.col("_out_date_col")]), pl.col("_out_min")

    def shifted(own: pl.Expr, minutes: pl.Expr) -> pl.Expr:
        # a full date-time in a time cell: its days after the row's date (0 or 1), else no time
        offset = (own - pl.col("date")).dt.total_days()
        return pl.when(own.is_null()).then(minutes).when((offset >= 0) & (offset <= 1)).then(minutes + offset * 1440)

    out = out.with_columns(pl.col("_day").alias("date"))
    out = out.with_columns(shifted(in_date, in_min).alias("in_min"), shifted(out_date, out_min).alias("out_min"))
    return out.select("source", "line", "worker_id", "name", "raw_id", "id_note", "raw_date", "date", "raw_in", "raw_out", "in_min", "out_min")
