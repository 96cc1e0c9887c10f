"""Check attendance exports: pair punches into shifts and report every row that needs a look.

Every input row ends up **used** (part of a shift, or a daily-sheet row with no punches, which is
an absence) or **reported** with a reason code — or both (an overnight shift is used and noted).

Reason codes (severity ``error`` needs HR: a correction, or an answer; ``info`` was handled):

=================  ========  ==============================================================
code               severity  meaning
=================  ========  ==============================================================
unknown_worker     error     the worker id is empty or not in the roster
malformed_time     error     a date or time cell does not parse
missing_in         error     a daily row without 출근, or a lone punch flagged 퇴근
missing_out        error     a daily row without 퇴근, or a lone punch flagged 출근
single_punch       error     a lone punch with no direction, an unpaired middle punch, or in = out
overlap            error     the interval overlaps another interval of the same worker
outside_contract   error     the shift's day is not covered by any of the worker's contracts
duplicate          info      a punch within ``timesheet.duplicate_window_minutes`` of the previous
crosses_midnight   info      the shift ends on a later calendar day (kept as one shift)
other_month        info      the shift belongs to a day outside the month being built
not_data           info      not a record: a totals/footer line, a repeated header, a failed authentication
=================  ========  ==============================================================

Punches are grouped into the worker's *business day*: the 24 hours that start 6 hours before the
contract's scheduled start (03:00 for a 09:00 start, 16:00 for a 22:00 night shift), so the 06:00
punch of a night shift belongs to the evening before. Without a roster the day starts at 03:00.
On a business day the punches pair in order (1st–2nd, 3rd–4th…); with an odd count of three or
more the first and the last make the shift and the middle ones are reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll.attendance.guarded import read_untrusted_all
from payroll.attendance.readers import Export
from payroll.case import InputError
from payroll.roster import Roster

SEVERITY = {
    "unknown_worker": "error",
    "malformed_time": "error",
    "missing_in": "error",
    "missing_out": "error",
    "single_punch": "error",
    "overlap": "error",
    "outside_contract": "error",
    "duplicate": "info",
    "crosses_midnight": "info",
    "other_month": "info",
    "not_data": "info",
}
LABELS = {
    "unknown_worker": "명부에 없는 사번",
    "malformed_time": "일자·시각 형식 오류",
    "missing_in": "출근 기록 없음",
    "missing_out": "퇴근 기록 없음",
    "single_punch": "짝 없는 단일 타각",
    "overlap": "근무시간 중복",
    "outside_contract": "계약기간 밖 근무",
    "duplicate": "중복 타각",
    "crosses_midnight": "자정 넘는 근무 (한 근무로 처리)",
    "other_month": "다른 달의 근무일",
    "not_data": "근무 기록이 아닌 행 (합계·머리말 등)",
}
DEFAULT_ANCHOR_MINUTES = 180  # 03:00 without a roster
ANCHOR_BEFORE_START = 360

EXC_SCHEMA = {"source": pl.Utf8, "line": pl.Int64, "worker_id": pl.Utf8, "date": pl.Date, "code": pl.Utf8, "detail": pl.Utf8}
SHIFT_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "in_ts": pl.Datetime("us"), "out_ts": pl.Datetime("us"), "origin": pl.Utf8, "refs": pl.List(pl.Utf8)}
CORR_SCHEMA = {"line": pl.Int64, "worker_id": pl.Utf8, "date": pl.Date, "in_ts": pl.Datetime("us"), "out_ts": pl.Datetime("us"), "reason": pl.Utf8, "source": pl.Utf8}


@dataclass(frozen=True)
class CheckResult:
    shifts: pl.DataFrame  # worker_id, date (business day), in_ts, out_ts, origin, refs (source:line)
    exceptions: pl.DataFrame  # source, line, worker_id, date, code, severity, label, detail, resolved_by
    corrections: pl.DataFrame  # the corrections applied (CORR_SCHEMA)
    rows: pl.DataFrame  # source, line, used, reported — one row per input row
    absences: pl.DataFrame  # worker_id, date: daily-sheet rows with no punches (used as "no work")
    files: tuple[tuple[str, str, str, str, int], ...]  # (path, format, profile, shape, rows)
    notes: tuple[str, ...] = ()  # e.g. a workbook's sheets that were not read

    @property
    def open_errors(self) -> pl.DataFrame:
        return self.exceptions.filter((pl.col("severity") == "error") & pl.col("resolved_by").is_null())

    @property
    def clean(self) -> bool:
        return self.open_errors.height == 0


def _ref(source: pl.Expr, line: pl.Expr) -> pl.Expr:
    return pl.format("{}:{}", source, line)


def _anchor_table(roster: Roster | None) -> pl.DataFrame:
    ids, anchors = [], []
    if roster is not None:
        latest: dict[str, int] = {}
        for c in sorted(roster.contracts, key=lambda c: (c.worker_id, c.start)):
            latest[c.worker_id] = c.start_time.hour * 60 + c.start_time.minute - ANCHOR_BEFORE_START
        ids, anchors = list(latest), list(latest.values())
    return pl.DataFrame({"worker_id": ids, "anchor": anchors}, schema={"worker_id": pl.Utf8, "anchor": pl.Int64})


def _exc(frame: pl.DataFrame, code: str, detail: pl.Expr | str, date: pl.Expr | None = None) -> pl.DataFrame:
    detail_expr = pl.lit(detail) if isinstance(detail, str) else detail
    return frame.select(
        pl.col("source"), pl.col("line"), pl.col("worker_id"),
        (date if date is not None else pl.col("date")).cast(pl.Date).alias("date"),
        pl.lit(code).alias("code"), detail_expr.cast(pl.Utf8).alias("detail"),
    )


def _hhmm(minutes: pl.Expr) -> pl.Expr:
    return pl.format("{}:{}", (minutes // 60).cast(pl.Utf8).str.zfill(2), (minutes % 60).cast(pl.Utf8).str.zfill(2))


def _known_mask(frame: pl.DataFrame, roster: Roster | None) -> pl.Expr:
    if roster is None:
        return pl.col("worker_id").is_not_null()
    return pl.col("worker_id").is_in(list(roster.workers))


def _punch_shifts(frame: pl.DataFrame, roster: Roster | None, anchors: pl.DataFrame, dup_window: int, month: tuple[dt.date, dt.date] | None = None) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Shifts, exceptions and the (source, line) of every punch row used."""
    excs = []
    unknown = frame.filter(~_known_mask(frame, roster))
    excs.append(_exc(unknown, "unknown_worker", pl.format("사번 {}", pl.col("worker_id").fill_null("(빈칸)")), pl.col("ts").dt.date()))
    known = frame.filter(_known_mask(frame, roster))
    bad = known.filter(pl.col("ts").is_null())
    excs.append(_exc(bad, "malformed_time", pl.format("일시 {}", pl.col("raw_time").fill_null("(빈칸)")), pl.lit(None, dtype=pl.Date)))
    p = known.filter(pl.col("ts").is_not_null()).join(anchors, on="worker_id", how="left")
    p = p.with_columns(pl.col("anchor").fill_null(DEFAULT_ANCHOR_MINUTES))
    p = p.with_columns((pl.col("ts") - pl.duration(minutes=pl.col("anchor"))).dt.date().alias("date"))
    if month is not None:  # the tail of a shift that started in another month belongs to that month
        other = (pl.col("date") < month[0]) | (pl.col("date") > month[1])
        excs.append(_exc(p.filter(other), "other_month", pl.format("{}: 근무일 {}", pl.col("raw_time"), pl.col("date"))))
        p = p.filter(~other)
    p = p.sort(["worker_id", "ts", "source", "line"])
    gap = (pl.col("ts") - pl.col("ts").shift(1).over("worker_id")).dt.total_minutes()
    p = p.with_columns((gap.is_not_null() & (gap < dup_window)).alias("_dup"))
    excs.append(_exc(p.filter("_dup"), "duplicate", pl.format("{} (앞 타각과 {}분 이내)", pl.col("raw_time"), pl.lit(dup_window))))
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
        excs.append(_exc(lone.filter(cond), code, pl.format("{}: {}", pl.lit(text), pl.col("raw_time"))))
    odd = (pl.col("_k") % 2 == 1) & (pl.col("_k") >= 3)
    middle = p.filter(odd & (pl.col("_i") > 0) & (pl.col("_i") < pl.col("_k") - 1))
    excs.append(_exc(middle, "single_punch", pl.format("첫·마지막 타각 사이의 짝 없는 타각 {}", pl.col("raw_time"))))
    paired = p.filter((pl.col("_k") >= 2) & ~(odd & (pl.col("_i") > 0) & (pl.col("_i") < pl.col("_k") - 1)))
    paired = paired.with_columns(pl.when(odd).then(0).otherwise(pl.col("_i") // 2).alias("_pair"))
    shifts = paired.group_by(["worker_id", "date", "_pair"], maintain_order=True).agg(
        pl.col("ts").min().alias("in_ts"), pl.col("ts").max().alias("out_ts"),
        _ref(pl.col("source"), pl.col("line")).alias("refs"),
    ).drop("_pair").with_columns(pl.lit("punch").alias("origin"))
    return shifts, excs


def _daily_shifts(frame: pl.DataFrame, roster: Roster | None, month: tuple[dt.date, dt.date] | None = None) -> tuple[pl.DataFrame, list[pl.DataFrame], pl.DataFrame]:
    excs = []
    if month is not None:
        other = pl.col("date").is_not_null() & ((pl.col("date") < month[0]) | (pl.col("date") > month[1]))
        excs.append(_exc(frame.filter(other), "other_month", pl.format("근무일 {}", pl.col("date"))))
        frame = frame.filter(~other)
    unknown = frame.filter(~_known_mask(frame, roster))
    excs.append(_exc(unknown, "unknown_worker", pl.format("사번 {}", pl.col("worker_id").fill_null("(빈칸)"))))
    d = frame.filter(_known_mask(frame, roster))
    bad_date = pl.col("date").is_null()
    bad_in = pl.col("raw_in").is_not_null() & pl.col("in_min").is_null()
    bad_out = pl.col("raw_out").is_not_null() & pl.col("out_min").is_null()
    malformed = bad_date | bad_in | bad_out
    excs.append(_exc(d.filter(malformed), "malformed_time", pl.format("일자 {} 출근 {} 퇴근 {}", pl.col("raw_date").fill_null("(빈칸)"), pl.col("raw_in").fill_null(""), pl.col("raw_out").fill_null(""))))
    ok = d.filter(~malformed)
    absent = ok.filter(pl.col("in_min").is_null() & pl.col("out_min").is_null())
    excs.append(_exc(ok.filter(pl.col("in_min").is_null() & pl.col("out_min").is_not_null()), "missing_in", pl.format("퇴근 {}만 있음", _hhmm(pl.col("out_min")))))
    excs.append(_exc(ok.filter(pl.col("in_min").is_not_null() & pl.col("out_min").is_null()), "missing_out", pl.format("출근 {}만 있음", _hhmm(pl.col("in_min")))))
    both = ok.filter(pl.col("in_min").is_not_null() & pl.col("out_min").is_not_null())
    excs.append(_exc(both.filter(pl.col("in_min") == pl.col("out_min")), "single_punch", pl.format("출근 = 퇴근 {}", _hhmm(pl.col("in_min")))))
    both = both.filter(pl.col("in_min") != pl.col("out_min"))
    start = pl.col("date").cast(pl.Datetime("us"))
    shifts = both.select(
        "worker_id", "date",
        (start + pl.duration(minutes=pl.col("in_min"))).alias("in_ts"),
        (start + pl.duration(minutes=pl.col("out_min") + pl.when(pl.col("out_min") < pl.col("in_min")).then(1440).otherwise(0))).alias("out_ts"),
        pl.lit("daily").alias("origin"),
        pl.concat_list(_ref(pl.col("source"), pl.col("line"))).alias("refs"),
    )
    absences = absent.select("worker_id", "date", _ref(pl.col("source"), pl.col("line")).alias("ref"))
    return shifts, excs, absences


_PLAIN_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")


def parse_clock(text: str, where: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    plain = _PLAIN_CLOCK.fullmatch(text)  # the usual 09:05, without strptime's cost on every row of a file
    if plain and int(plain[1]) < 24 and int(plain[2]) < 60:
        return int(plain[1]) * 60 + int(plain[2])
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            t = dt.datetime.strptime(text, fmt).time()
            return t.hour * 60 + t.minute
        except ValueError:
            continue
    raise InputError(f"{where}: not a time (HH:MM): {text!r}")


def read_small_csv(path: Path, required: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
    """A small HR-made CSV (corrections, leave, overtime approvals): UTF-8/BOM or CP949, strict."""
    from payroll.attendance.readers import decode_text

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    text, _ = decode_text(raw, str(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise InputError(f"{path}: empty {what} file (no header row)")
    header = [h.strip() for h in reader.fieldnames]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}: {what} file lacks column(s) {', '.join(missing)} (header: {', '.join(header)})")
    rows = []
    for row in reader:
        if None in row:
            raise InputError(f"{path}: row {reader.line_num}: more cells than header columns")
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not any(cleaned.values()):
            continue
        rows.append((reader.line_num, cleaned))
    return rows


def parse_iso_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}: not a date (YYYY-MM-DD): {text!r}") from None


def load_corrections(path: Path, roster: Roster | None) -> pl.DataFrame:
    """worker_id,date,in,out,reason. in/out both empty = no work that day; out ≤ in = next day."""
    contract_on = roster.contract_on if roster is not None else None
    rows = []
    for line, r in read_small_csv(path, ("worker_id", "date", "in", "out", "reason"), "corrections"):
        where = f"{path}: row {line}"
        wid = r["worker_id"]
        if not wid:
            raise InputError(f"{where}: worker_id: required")
        if roster is not None and wid not in roster.workers:
            raise InputError(f"{where}: worker_id: {wid!r} is not in the roster")
        day = parse_iso_date(r["date"], f"{where}: date")
        if contract_on is not None and contract_on(wid, day) is None:
            raise InputError(f"{where}: date: {day} is outside every contract of worker {wid}")
        a, b = parse_clock(r["in"], f"{where}: in"), parse_clock(r["out"], f"{where}: out")
        if (a is None) != (b is None):
            raise InputError(f"{where}: in/out: give both times, or neither (no work that day)")
        if not r["reason"]:
            raise InputError(f"{where}: reason: required (the correction is recorded)")
        base = dt.datetime.combine(day, dt.time())
        in_ts = base + dt.timedelta(minutes=a) if a is not None else None
        out_ts = base + dt.timedelta(minutes=b + (1440 if b <= a else 0)) if a is not None else None
        rows.append((line, wid, day, in_ts, out_ts, r["reason"], str(path)))
    frame = pl.DataFrame(rows, schema=CORR_SCHEMA, orient="row")
    dup = frame.filter(pl.struct("worker_id", "date").is_duplicated())
    if dup.height:
        first = dup.row(0, named=True)
        raise InputError(f"{path}: row {first['line']}: worker {first['worker_id']} on {first['date']} is corrected twice")
    return frame


def check(
    exports: list[Export],
    roster: Roster | None = None,
    corrections: Path | None = None,
    dup_window: int = 5,
    month: tuple[dt.date, dt.date] | None = None,
) -> CheckResult:
    anchors = _anchor_table(roster)
    shift_parts, exc_parts, absences_parts, all_rows = [], [], [], []
    for e in exports:
        f = e.frame
        all_rows.append(f.select(pl.col("source"), pl.col("line")))
        if e.skipped.height:  # totals, footers, repeated headers: rows of the file, reported, never used
            all_rows.append(e.skipped.select(pl.col("source"), pl.col("line")))
            exc_parts.append(e.skipped.select(
                "source", "line", pl.lit(None, dtype=pl.Utf8).alias("worker_id"), pl.lit(None, dtype=pl.Date).alias("date"),
                pl.lit("not_data").alias("code"), pl.col("detail"),
            ))
        if e.shape == "punch":
            s, x = _punch_shifts(f, roster, anchors, dup_window, month)
            absences_parts.append(pl.DataFrame(schema={"worker_id": pl.Utf8, "date": pl.Date, "ref": pl.Utf8}))
        else:
            s, x, a = _daily_shifts(f, roster, month)
            absences_parts.append(a)
        shift_parts.append(s.select(list(SHIFT_SCHEMA)))
        exc_parts.extend(x)
    shifts = pl.concat(shift_parts) if shift_parts else pl.DataFrame(schema=SHIFT_SCHEMA)
    absences = pl.concat(absences_parts) if absences_parts else pl.DataFrame(schema={"worker_id": pl.Utf8, "date": pl.Date, "ref": pl.Utf8})

    # outside every contract
    if roster is not None and shifts.height:
        cframe = contract_frame(roster)
        covered = shifts.select("worker_id", "date").unique().join(cframe, on="worker_id", how="inner").filter(
            (pl.col("date") >= pl.col("start")) & (pl.col("end").is_null() | (pl.col("date") <= pl.col("end")))
        ).select("worker_id", "date").unique()
        shifts = shifts.join(covered.with_columns(pl.lit(True).alias("_cov")), on=["worker_id", "date"], how="left")
        outside = shifts.filter(pl.col("_cov").is_null())
        exc_parts.append(_refs_exc(outside, "outside_contract", pl.format("{} 근무: 계약기간 밖", pl.col("date"))))
        shifts = shifts.filter(pl.col("_cov").is_not_null()).drop("_cov")

    # overlapping intervals of one worker (the later one is reported, not used)
    shifts = shifts.sort(["worker_id", "in_ts", "out_ts"])
    prev_out = pl.col("out_ts").cum_max().shift(1).over("worker_id")
    shifts = shifts.with_columns((prev_out.is_not_null() & (pl.col("in_ts") < prev_out)).alias("_ov"))
    exc_parts.append(_refs_exc(shifts.filter("_ov"), "overlap", pl.format("{}–{} 이 앞 근무와 겹침", pl.col("in_ts").dt.strftime("%m-%d %H:%M"), pl.col("out_ts").dt.strftime("%m-%d %H:%M"))))
    shifts = shifts.filter(~pl.col("_ov")).drop("_ov")

    # corrections replace whatever the exports said for that worker and day
    corr = load_corrections(Path(corrections), roster) if corrections else pl.DataFrame(schema=CORR_SCHEMA)
    if corr.height:
        keys = corr.select("worker_id", "date").with_columns(pl.lit(True).alias("_c"))
        replaced = shifts.join(keys, on=["worker_id", "date"], how="left")
        shifts = replaced.filter(pl.col("_c").is_null()).drop("_c")
        added = corr.filter(pl.col("in_ts").is_not_null()).select(
            "worker_id", "date", "in_ts", "out_ts", pl.lit("correction").alias("origin"),
            pl.concat_list(_ref(pl.col("source"), pl.col("line"))).alias("refs"),
        )
        shifts = pl.concat([shifts, added]).sort(["worker_id", "in_ts"])
        absences = absences.join(keys, on=["worker_id", "date"], how="left").filter(pl.col("_c").is_null()).drop("_c")

    # information: overnight shifts, shifts of another month
    exc_parts.append(_refs_exc(shifts.filter(pl.col("out_ts").dt.date() > pl.col("in_ts").dt.date()), "crosses_midnight", pl.format("{}–{}", pl.col("in_ts").dt.strftime("%m-%d %H:%M"), pl.col("out_ts").dt.strftime("%m-%d %H:%M"))))
    if month is not None:
        first, last = month
        outside_month = (pl.col("date") < first) | (pl.col("date") > last)
        exc_parts.append(_refs_exc(shifts.filter(outside_month), "other_month", pl.format("근무일 {}", pl.col("date"))))
        shifts = shifts.filter(~outside_month)
        absences = absences.filter(~outside_month)

    exceptions = pl.concat([x.select(list(EXC_SCHEMA)) for x in exc_parts]) if exc_parts else pl.DataFrame(schema=EXC_SCHEMA)
    exceptions = exceptions.with_columns(
        pl.col("code").replace_strict(SEVERITY, return_dtype=pl.Utf8).alias("severity"),
        pl.col("code").replace_strict(LABELS, return_dtype=pl.Utf8).alias("label"),
    )
    if corr.height:
        res = corr.select("worker_id", "date", pl.format("{}:{} ({})", pl.col("source"), pl.col("line"), pl.col("reason")).alias("resolved_by"))
        exceptions = exceptions.join(res, on=["worker_id", "date"], how="left")
    else:
        exceptions = exceptions.with_columns(pl.lit(None, dtype=pl.Utf8).alias("resolved_by"))
    exceptions = exceptions.sort(["source", "line", "code"], nulls_last=True)

    rows = pl.concat(all_rows) if all_rows else pl.DataFrame(schema={"source": pl.Utf8, "line": pl.Int64})
    used_refs = pl.concat([shifts.select(pl.col("refs").explode().alias("ref")), absences.select("ref")]).unique()
    rows = rows.with_columns(_ref(pl.col("source"), pl.col("line")).alias("ref"))
    rows = rows.with_columns(
        pl.col("ref").is_in(used_refs.get_column("ref").implode()).alias("used"),
        pl.col("ref").is_in(exceptions.select(_ref(pl.col("source"), pl.col("line"))).to_series().implode()).alias("reported"),
    ).drop("ref")
    files = tuple((str(e.path), e.format, e.profile, e.shape, e.frame.height + e.skipped.height) for e in exports)
    notes = tuple(f"{e.path}: read {e.describe()}" for e in exports if e.describe() != e.format)
    notes += tuple(f"{e.path}: {n}" for e in exports for n in e.notes)
    return CheckResult(shifts=shifts.select(list(SHIFT_SCHEMA)), exceptions=exceptions, corrections=corr, rows=rows, absences=absences.select("worker_id", "date"), files=files, notes=notes)


def _refs_exc(shifts: pl.DataFrame, code: str, detail: pl.Expr) -> pl.DataFrame:
    """One exception per input row of the given shifts."""
    if not shifts.height:
        return pl.DataFrame(schema=EXC_SCHEMA)
    f = shifts.with_columns(detail.alias("_detail")).explode("refs")
    f = f.with_columns(
        pl.col("refs").str.replace(r":\d+$", "").alias("source"),
        pl.col("refs").str.extract(r":(\d+)$").cast(pl.Int64).alias("line"),
    )
    return f.select("source", "line", "worker_id", pl.col("date"), pl.lit(code).alias("code"), pl.col("_detail").alias("detail"))


def contract_frame(roster: Roster) -> pl.DataFrame:
    cs = roster.contracts
    return pl.DataFrame(
        {"worker_id": [c.worker_id for c in cs], "contract_id": [c.contract_id for c in cs], "start": [c.start for c in cs], "end": [c.end for c in cs]},
        schema={"worker_id": pl.Utf8, "contract_id": pl.Utf8, "start": pl.Date, "end": pl.Date},
    )


def check_files(paths: list[Path], roster: Roster | None = None, corrections: Path | None = None, profile: str | None = None, dup_window: int | None = None, month: tuple[dt.date, dt.date] | None = None) -> CheckResult:
    exports = read_untrusted_all(paths, profile)  # each under the limits, in a child process
    if dup_window is None:
        from payroll import law as law_module

        day = month[0] if month else _first_day(exports)
        dup_window = int(law_module.current().on(day)["timesheet.duplicate_window_minutes"]) if day else 5
    return check(exports, roster, corrections, dup_window, month)


def _first_day(exports: list[Export]) -> dt.date | None:
    days = []
    for e in exports:
        col = e.frame.get_column("ts").dt.date() if e.shape == "punch" else e.frame.get_column("date")
        m = col.min()
        if m is not None:
            days.append(m)
    return min(days) if days else None
