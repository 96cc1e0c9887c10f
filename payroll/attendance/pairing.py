"""From rows to shifts: who each row is, and which punches make one shift.

Punches are grouped into the worker's *business day*: the 24 hours that start 6 hours before the
contract's scheduled start (03:00 for a 09:00 start, 16:00 for a 22:00 night shift), so the 06:00
punch of a night shift belongs to the evening before. Without a roster the day starts at 03:00.
On a business day the punches pair in order (1st–2nd, 3rd–4th…); with an odd count of three or
more the first and the last make the shift and the middle ones are reported.

A daily sheet's row is one shift — except for a worker whose contract crosses midnight: a device's
daily report puts the first and last punch of each *calendar* day on its row, so a night shift's
21:51 sits on one row and its 06:02 on the next. Those rows are read as punches and paired by
business day, making one shift, not a missing 퇴근 and a missing 출근.

A row without a worker id may carry a name: where the export allows it (``name_fallback``), the
roster's only worker of that name is taken, with a warning (``matched_by_name``); otherwise, and for
an id no roster worker has, the row is ``unknown_worker`` — an error naming it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from payroll.attendance.codes import ABSENCE_SCHEMA, SHIFT_SCHEMA, exc, hhmm, ref
from payroll.roster import Roster

DEFAULT_ANCHOR_MINUTES = 180  # 03:00 without a roster
ANCHOR_BEFORE_START = 360
PUNCH_COLUMNS = ("source", "line", "worker_id", "name", "id_note", "raw_time", "ts", "raw_direction", "direction", "device")


def anchor_table(roster: Roster | None) -> pl.DataFrame:
    """Per worker (the latest contract): the business day's start in minutes and whether the shift crosses midnight."""
    ids, anchors, night = [], [], []
    if roster is not None:
        latest: dict[str, tuple[int, bool]] = {}
        for c in sorted(roster.contracts, key=lambda c: (c.worker_id, c.start)):
            start = c.start_time.hour * 60 + c.start_time.minute
            latest[c.worker_id] = (start - ANCHOR_BEFORE_START, c.end_time <= c.start_time)
        ids = list(latest)
        anchors, night = [a for a, _ in latest.values()], [n for _, n in latest.values()]
    return pl.DataFrame({"worker_id": ids, "anchor": anchors, "night": night}, schema={"worker_id": pl.Utf8, "anchor": pl.Int64, "night": pl.Boolean})


def known_mask(roster: Roster | None) -> pl.Expr:
    if roster is None:
        return pl.col("worker_id").is_not_null()
    # an empty id is no worker: is_in gives null for it, which a filter would drop on both sides
    return pl.col("worker_id").is_in(list(roster.workers)).fill_null(False)


def _unknown_detail() -> pl.Expr:
    return pl.coalesce(
        pl.col("id_note"),
        pl.when(pl.col("worker_id").is_null() & pl.col("name").is_not_null()).then(pl.format("사번 없음 (성명 {})", pl.col("name"))),
        pl.when(pl.col("worker_id").is_null()).then(pl.lit("사번 없음")),
        pl.format("사번 {}: 명부에 없음", pl.col("worker_id")),
    )


def resolve_names(frame: pl.DataFrame, roster: Roster | None, allowed: bool, day: pl.Expr) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Rows without an id, matched by the roster's only worker of their name (a warning each)."""
    if roster is None or not allowed or frame.is_empty():
        return frame, []
    by_name: dict[str, list[str]] = {}
    for w in roster.workers.values():
        by_name.setdefault(w.name.strip(), []).append(w.worker_id)
    unique = {n: ids[0] for n, ids in by_name.items() if len(ids) == 1}
    if not unique:
        return frame, []
    wanted = pl.col("worker_id").is_null() & pl.col("id_note").is_null() & pl.col("name").is_not_null()
    frame = frame.with_columns(pl.when(wanted).then(pl.col("name").str.strip_chars().replace_strict(unique, default=None)).alias("_by_name"))
    matched = frame.filter(pl.col("_by_name").is_not_null()).with_columns(pl.col("_by_name").alias("worker_id"))
    warnings = [exc(matched, "matched_by_name", pl.format("사번 없음: 성명 {} → 사번 {} (명부에 그 이름은 한 명)", pl.col("name"), pl.col("_by_name")), day)]
    return frame.with_columns(pl.coalesce(pl.col("worker_id"), pl.col("_by_name")).alias("worker_id")).drop("_by_name"), warnings


def business_day(punches: pl.DataFrame, anchors: pl.DataFrame) -> pl.DataFrame:
    """The punches with their business day (``date``): the 24 hours from the worker's anchor."""
    p = punches.join(anchors.select("worker_id", "anchor"), on="worker_id", how="left")
    p = p.with_columns(pl.col("anchor").fill_null(DEFAULT_ANCHOR_MINUTES))
    return p.with_columns((pl.col("ts") - pl.duration(minutes=pl.col("anchor"))).dt.date().alias("date"))


def day_times(frame: pl.DataFrame, shape: str, roster: Roster | None, anchors: pl.DataFrame) -> pl.DataFrame:
    """Every valid time of an export on its business day (worker_id, date, ts): what a one-sided
    correction takes its other side from (a lone punch, a daily row's one time)."""
    known = frame.filter(known_mask(roster))
    if shape == "punch":
        punches = known.filter(pl.col("ts").is_not_null())
    else:
        punches = _as_punches(known.filter(pl.col("date").is_not_null() & (pl.col("in_min").is_not_null() | pl.col("out_min").is_not_null())))
    return business_day(punches, anchors).select("worker_id", "date", "ts")


def punch_shifts(frame: pl.DataFrame, roster: Roster | None, anchors: pl.DataFrame, dup_window: int, keep: tuple[dt.date, dt.date] | None = None,
                 labelled: bool = True) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Shifts and exceptions of a punch log (``keep``: the business days used; the others are ``other_month``;
    ``labelled``: the directions are the device's, not the columns of a daily sheet a night shift straddles)."""
    excs = []
    unknown = frame.filter(~known_mask(roster))
    excs.append(exc(unknown, "unknown_worker", _unknown_detail(), pl.col("ts").dt.date()))
    known = frame.filter(known_mask(roster))
    bad = known.filter(pl.col("ts").is_null())
    excs.append(exc(bad, "malformed_time", pl.format("일시 {}", pl.col("raw_time").fill_null("(빈칸)")), pl.lit(None, dtype=pl.Date)))
    p = business_day(known.filter(pl.col("ts").is_not_null()), anchors)
    if keep is not None:  # the tail of a shift that started in another month belongs to that month
        other = (pl.col("date") < keep[0]) | (pl.col("date") > keep[1])
        excs.append(exc(p.filter(other), "other_month", pl.format("{}: 근무일 {}", pl.col("raw_time"), pl.col("date"))))
        p = p.filter(~other)
    p = p.sort(["worker_id", "ts", "source", "line"])
    gap = (pl.col("ts") - pl.col("ts").shift(1).over("worker_id")).dt.total_minutes()
    p = p.with_columns((gap.is_not_null() & (gap < dup_window)).alias("_dup"))
    excs.append(exc(p.filter("_dup"), "duplicate", pl.format("{} (앞 타각과 {}분 이내)", pl.col("raw_time"), pl.lit(dup_window))))
    p = p.filter(~pl.col("_dup"))
    p = p.with_columns(
        pl.len().over(["worker_id", "date"]).alias("_k"),
        pl.int_range(pl.len()).over(["worker_id", "date"]).alias("_i"),
    )
    lone = p.filter(pl.col("_k") == 1)
    for code, cond, text in (
        ("missing_out", pl.col("direction") == "in", "출근 타각만 있음"),
        ("missing_in", pl.col("direction") == "out", "퇴근 타각만 있음"),
        ("single_punch", pl.col("direction").is_null(), "하루에 타각 하나"),
    ):
        excs.append(exc(lone.filter(cond), code, pl.format("{}: {}", pl.lit(text), pl.col("raw_time"))))
    odd = (pl.col("_k") % 2 == 1) & (pl.col("_k") >= 3)
    middle = p.filter(odd & (pl.col("_i") > 0) & (pl.col("_i") < pl.col("_k") - 1))
    excs.append(exc(middle, "single_punch", pl.format("첫·마지막 타각 사이의 짝 없는 타각 {}", pl.col("raw_time"))))
    paired = p.filter((pl.col("_k") >= 2) & ~(odd & (pl.col("_i") > 0) & (pl.col("_i") < pl.col("_k") - 1)))
    paired = paired.with_columns(pl.when(odd).then(0).otherwise(pl.col("_i") // 2).alias("_pair"))
    # a pair the device labels 출근·출근, 퇴근·퇴근 or 퇴근 → 출근 is no shift: a forgotten punch beside a
    # double press, swapped keys, or 12-hour times read without 오전/오후 — reported, not paid as a shift
    pair_keys = ["worker_id", "date", "_pair"]
    first_dir = pl.col("direction").first().over(pair_keys)
    last_dir = pl.col("direction").last().over(pair_keys)
    paired = paired.with_columns((((first_dir == "out") | (last_dir == "in")).fill_null(False) & labelled).alias("_wrong"))
    wrong = paired.filter("_wrong")
    excs.append(exc(wrong, "direction_mismatch", pl.format("{} {}: 짝의 {}번째 타각 (출근→퇴근이 아님: 누락된 타각 또는 잘못 누른 키)",
                                                            pl.col("raw_time"), pl.col("raw_direction").fill_null(""),
                                                            (pl.int_range(pl.len()).over(pair_keys) + 1))))
    paired = paired.filter(~pl.col("_wrong"))
    shifts = paired.group_by(["worker_id", "date", "_pair"], maintain_order=True).agg(
        pl.col("ts").min().alias("in_ts"), pl.col("ts").max().alias("out_ts"),
        ref(pl.col("source"), pl.col("line")).unique(maintain_order=True).alias("refs"),  # a daily row's two punches: one row
    ).drop("_pair").with_columns(pl.lit("punch").alias("origin"))
    return shifts, excs


def _as_punches(rows: pl.DataFrame) -> pl.DataFrame:
    """A night-shift worker's daily rows as their punches: 출근 and 퇴근 at their own times (a 퇴근
    earlier than the row's 출근 is on the next day; a 퇴근 alone is on the row's day)."""
    start = pl.col("date").cast(pl.Datetime("us"))
    out_next = pl.col("in_min").is_not_null() & pl.col("out_min").is_not_null() & (pl.col("out_min") < pl.col("in_min"))
    ins = rows.filter(pl.col("in_min").is_not_null()).select(
        "source", "line", "worker_id", "name", "id_note", pl.format("{} {}", pl.col("raw_date"), pl.col("raw_in")).alias("raw_time"),
        (start + pl.duration(minutes=pl.col("in_min"))).alias("ts"), pl.col("raw_in").alias("raw_direction"),
        pl.lit("in").alias("direction"), pl.lit(None, dtype=pl.Utf8).alias("device"))
    outs = rows.filter(pl.col("out_min").is_not_null()).select(
        "source", "line", "worker_id", "name", "id_note", pl.format("{} {}", pl.col("raw_date"), pl.col("raw_out")).alias("raw_time"),
        (start + pl.duration(minutes=pl.col("out_min") + pl.when(out_next).then(1440).otherwise(0))).alias("ts"), pl.col("raw_out").alias("raw_direction"),
        pl.lit("out").alias("direction"), pl.lit(None, dtype=pl.Utf8).alias("device"))
    return pl.concat([ins, outs]).select(PUNCH_COLUMNS)


def daily_shifts(frame: pl.DataFrame, roster: Roster | None, anchors: pl.DataFrame, dup_window: int, keep: tuple[dt.date, dt.date] | None = None) -> tuple[pl.DataFrame, list[pl.DataFrame], pl.DataFrame]:
    """Shifts, exceptions and absences (rows with neither time) of a daily sheet."""
    excs = []
    night_ids = anchors.filter("night").get_column("worker_id").implode()
    timed = pl.col("in_min").is_not_null() | pl.col("out_min").is_not_null()
    night_row = pl.col("worker_id").is_in(night_ids) & timed
    if keep is not None:
        # a night shift of the last day kept ends on the next day's row: that row is kept for its punches
        outside = pl.col("date").is_not_null() & ((pl.col("date") < keep[0]) | (pl.col("date") > keep[1]))
        spill = night_row & (pl.col("date") == keep[1] + dt.timedelta(days=1))
        excs.append(exc(frame.filter(outside & ~spill), "other_month", pl.format("근무일 {}", pl.col("date"))))
        frame = frame.filter(~outside | spill)
    unknown = frame.filter(~known_mask(roster))
    excs.append(exc(unknown, "unknown_worker", _unknown_detail()))
    d = frame.filter(known_mask(roster))
    bad_date = pl.col("date").is_null()
    bad_in = pl.col("raw_in").is_not_null() & pl.col("in_min").is_null()
    bad_out = pl.col("raw_out").is_not_null() & pl.col("out_min").is_null()
    malformed = bad_date | bad_in | bad_out
    excs.append(exc(d.filter(malformed), "malformed_time", pl.format("일자 {} 출근 {} 퇴근 {}", pl.col("raw_date").fill_null("(빈칸)"), pl.col("raw_in").fill_null(""), pl.col("raw_out").fill_null(""))))
    ok = d.filter(~malformed)
    # a night-shift worker's rows with a time: punches paired by business day
    # (a daily report's 출근·퇴근 columns hold a calendar day's first and last punch: not directions)
    night_shifts, night_excs = punch_shifts(_as_punches(ok.filter(night_row)), roster, anchors, dup_window, keep, labelled=False)
    excs.extend(night_excs)
    ok = ok.filter(~night_row)
    absent = ok.filter(pl.col("in_min").is_null() & pl.col("out_min").is_null())
    excs.append(exc(ok.filter(pl.col("in_min").is_null() & pl.col("out_min").is_not_null()), "missing_in", pl.format("퇴근 {}만 있음", hhmm(pl.col("out_min")))))
    excs.append(exc(ok.filter(pl.col("in_min").is_not_null() & pl.col("out_min").is_null()), "missing_out", pl.format("출근 {}만 있음", hhmm(pl.col("in_min")))))
    both = ok.filter(pl.col("in_min").is_not_null() & pl.col("out_min").is_not_null())
    excs.append(exc(both.filter(pl.col("in_min") == pl.col("out_min")), "single_punch", pl.format("출근 = 퇴근 {}", hhmm(pl.col("in_min")))))
    both = both.filter(pl.col("in_min") != pl.col("out_min"))
    # a day worker's row whose 퇴근 is before its 출근: read as ending the next day it would be a shift of
    # up to 24 hours, almost always swapped columns or 12-hour times — a person says which
    swapped = pl.col("out_min") < pl.col("in_min")
    excs.append(exc(both.filter(swapped), "out_before_in",
                    pl.format("출근 {} 퇴근 {}: 다음 날 퇴근이면 정정 파일에 그 시각을 적으세요", hhmm(pl.col("in_min")), hhmm(pl.col("out_min")))))
    both = both.filter(~swapped)
    start = pl.col("date").cast(pl.Datetime("us"))
    shifts = both.select(
        "worker_id", "date",
        (start + pl.duration(minutes=pl.col("in_min"))).alias("in_ts"),
        (start + pl.duration(minutes=pl.col("out_min"))).alias("out_ts"),  # a 퇴근 before the 출근 was reported above
        pl.lit("daily").alias("origin"),
        pl.concat_list(ref(pl.col("source"), pl.col("line"))).alias("refs"),
    )
    shifts = pl.concat([shifts.select(list(SHIFT_SCHEMA)), night_shifts.with_columns(pl.lit("daily").alias("origin")).select(list(SHIFT_SCHEMA))])
    absences = absent.select("worker_id", "date", ref(pl.col("source"), pl.col("line")).alias("ref")).cast(ABSENCE_SCHEMA)
    return shifts, excs, absences
