"""Check attendance exports: pair punches into shifts and report every row that needs a look.

Every input row ends up **used** (part of a shift, or a daily-sheet row with no punches, which is
an absence) or **reported** with a reason code — or both (an overnight shift is used and noted).
The codes, their severity and label are in :mod:`payroll.attendance.codes`; who a row is and which
punches make a shift in :mod:`payroll.attendance.pairing`; the corrections file in
:mod:`payroll.attendance.small_files`.

=================  ========  ==============================================================
code               severity  meaning
=================  ========  ==============================================================
unknown_worker     error     the worker id is empty, not in the roster, or not in the device-user table
unexplained_row    error     a row the profile cannot take apart (a record of the wrong length, an
                             event or direction value the profile does not name)
malformed_time     error     a date or time cell does not parse
missing_in         error     a daily row without 출근, or a lone punch flagged 퇴근
missing_out        error     a daily row without 퇴근, or a lone punch flagged 출근
single_punch       error     a lone punch with no direction, an unpaired middle punch, or in = out
overlap            error     the interval overlaps another interval of the same worker
outside_contract   error     the shift's day is not covered by any of the worker's contracts
direction_mismatch error     a punch pair the device labels 출근·출근, 퇴근·퇴근 or 퇴근 → 출근 (not paid)
out_before_in      error     a day worker's daily row whose 퇴근 is earlier than its 출근 (swapped or 12-hour times)
date_order         error     a/b/yyyy dates all ≤ 12 (read month-first) whose row fell outside the month
day_long_shift     error     a shift of a worker whose contract spans 20 hours or more (격일제): not read, corrected by hand
matched_by_name    warning   no id: the roster's only worker of the row's name was taken
no_record          warning   a worker under contract in the month has no shift and no daily row in it
no_records         error     no worker under contract in the month has any (an empty export, or another month's)
duplicate          info      a punch within ``timesheet.duplicate_window_minutes`` of the previous
crosses_midnight   info      the shift ends on a later calendar day (kept as one shift)
other_month        info      the shift belongs to a day outside the month being built
edge_week          info      a day of the adjacent month in the month's edge weeks: it counts toward the
                             40-hour week and the 주휴 of that week, and is paid in its own month
not_data           info      not a record: a totals/footer line, a repeated header, a failed authentication
=================  ========  ==============================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll.attendance.codes import ABSENCE_SCHEMA, CORR_SCHEMA, EXC_SCHEMA, LABELS, SEVERITY, SHIFT_SCHEMA, ref
from payroll.attendance.guarded import read_untrusted_all
from payroll.attendance.misreads import date_order_unknown, other_month_as_date_order, without_records
from payroll.attendance.pairing import anchor_table, daily_shifts, day_times, punch_shifts, resolve_names
from payroll.attendance.profile_files import Catalog
from payroll.attendance.readers import Export
from payroll.attendance.small_files import complete_one_sided, load_corrections, parse_clock, parse_iso_date, read_small_csv  # noqa: F401
from payroll.roster import Roster

__all__ = ["LABELS", "SEVERITY", "CheckResult", "CheckedExports", "check", "check_exports", "check_exports_of_files", "check_files", "contract_frame", "load_corrections", "parse_clock", "parse_iso_date", "read_small_csv", "with_corrections"]


@dataclass(frozen=True)
class CheckResult:
    shifts: pl.DataFrame  # worker_id, date (business day), in_ts, out_ts, origin, refs (key:line; shifts_named() says path:line)
    exceptions: pl.DataFrame  # source, line, worker_id, date, code, severity, label, detail, resolved_by
    corrections: pl.DataFrame  # the corrections applied (CORR_SCHEMA)
    rows: pl.DataFrame  # source, line, used, reported — one row per input row
    absences: pl.DataFrame  # worker_id, date: daily-sheet rows with no punches (used as "no work")
    files: tuple[tuple[str, str, str, str, int], ...]  # (path, format, profile, shape, rows)
    notes: tuple[str, ...] = ()  # e.g. a workbook's sheets that were not read
    #: (key, path): the files the shifts' refs name by a short key (see _source_keys)
    row_files: tuple[tuple[str, str], ...] = ()

    def shifts_named(self) -> pl.DataFrame:
        """The shifts with each input row named ``path:line``: made when a report asks, not by every
        check (a month's refs as paths are tens of MiB, and a run's build never reads them)."""
        paths = dict(self.row_files)
        if not paths or not self.shifts.height:
            return self.shifts
        return self.shifts.with_columns(pl.col("refs").list.eval(ref(_source_of(pl.element()).replace(paths), _line_of(pl.element()))))

    @property
    def open_errors(self) -> pl.DataFrame:
        return open_errors_of(self.exceptions)

    @property
    def clean(self) -> bool:
        return self.open_errors.height == 0


def open_errors_of(exceptions: pl.DataFrame) -> pl.DataFrame:
    """The errors among ``exceptions`` that no correction resolved (they stop the month's run)."""
    return exceptions.filter((pl.col("severity") == "error") & pl.col("resolved_by").is_null())


@dataclass(frozen=True)
class CheckedExports:
    """What the check makes of the exports alone, before any correction: the shifts the rows pair
    into (outside-contract and overlapping ones taken out), the exceptions of the rows, and what the
    corrections need of the rows. A run whose ``scheduled`` decisions check the month twice, with
    other corrections each time, pairs the exports once (:func:`with_corrections`)."""

    roster: Roster | None
    keep: tuple[dt.date, dt.date] | None
    short: dict[str, str]  # path → the short key its rows are named by (_source_keys)
    anchors: pl.DataFrame
    resolved: tuple[tuple[pl.DataFrame, str], ...]  # each export's rows with their workers, and its shape
    shifts: pl.DataFrame
    absences: pl.DataFrame
    exceptions: tuple[pl.DataFrame, ...]
    rows: tuple[pl.DataFrame, ...]
    files: tuple[tuple[str, str, str, str, int], ...]
    notes: tuple[str, ...]


def check(
    exports: list[Export],
    roster: Roster | None = None,
    corrections: Path | None = None,
    dup_window: int = 5,
    month: tuple[dt.date, dt.date] | None = None,
    keep: tuple[dt.date, dt.date] | None = None,
    extra_corrections: pl.DataFrame | None = None,
) -> CheckResult:
    """``month``: the month built; ``keep``: the business days used (default the month) — the timesheet
    keeps the whole weeks around the month, whose days of the adjacent months are ``edge_week``.
    ``extra_corrections`` (CORR_SCHEMA): corrections made elsewhere than a file, e.g. the days of a
    run's ``scheduled`` decisions (payroll.runs.decisions); the file's own win for the same day."""
    return with_corrections(check_exports(exports, roster, dup_window, keep or month), corrections, month, extra_corrections)


#: a contract's span (work and break) from which its shift is taken to run over a business day
DAY_LONG_MINUTES = 20 * 60


def check_exports(exports: list[Export], roster: Roster | None, dup_window: int, keep: tuple[dt.date, dt.date] | None) -> CheckedExports:
    """The part of :func:`check` that depends on the exports alone (``keep``: the business days used)."""
    anchors = anchor_table(roster)
    short = _source_keys(exports)
    shift_parts, exc_parts, absences_parts, all_rows, resolved = [], [], [], [], []
    for e in exports:
        day = pl.col("ts").dt.date() if e.shape == "punch" else pl.col("date")
        f, named = resolve_names(_keyed(e.frame, short), roster, e.name_fallback, day)
        errors, skipped = _keyed(e.errors, short), _keyed(e.skipped, short)
        resolved.append((f, e.shape))
        exc_parts.extend(named)
        all_rows.append(f.select(pl.col("source"), pl.col("line")))
        if errors.height:  # rows the profile cannot explain: errors naming the row, never dropped
            all_rows.append(errors.select(pl.col("source"), pl.col("line")))
            exc_parts.append(errors.select(
                "source", "line", pl.lit(None, dtype=pl.Utf8).alias("worker_id"), pl.lit(None, dtype=pl.Date).alias("date"),
                pl.lit("unexplained_row").alias("code"), pl.col("detail"),
            ))
        if skipped.height:  # totals, footers, repeated headers: rows of the file, reported, never used
            all_rows.append(skipped.select(pl.col("source"), pl.col("line")))
            exc_parts.append(skipped.select(
                "source", "line", pl.lit(None, dtype=pl.Utf8).alias("worker_id"), pl.lit(None, dtype=pl.Date).alias("date"),
                pl.lit("not_data").alias("code"), pl.col("detail"),
            ))
        if e.shape == "punch":
            s, x = punch_shifts(f, roster, anchors, dup_window, keep)
            absences_parts.append(pl.DataFrame(schema=ABSENCE_SCHEMA))
        else:
            s, x, a = daily_shifts(f, roster, anchors, dup_window, keep)
            absences_parts.append(a)
        shift_parts.append(s.select(list(SHIFT_SCHEMA)))
        if keep is not None and date_order_unknown(e):
            x = [other_month_as_date_order(part) for part in x]
        exc_parts.extend(x)
    shifts = pl.concat(shift_parts) if shift_parts else pl.DataFrame(schema=SHIFT_SCHEMA)
    absences = pl.concat(absences_parts) if absences_parts else pl.DataFrame(schema=ABSENCE_SCHEMA)

    # outside every contract
    if roster is not None and shifts.height:
        covered = _in_contract(shifts.select("worker_id", "date"), contract_frame(roster))
        exc_parts.append(_refs_exc(shifts.filter(~covered), "outside_contract", pl.format("{} 근무: 계약기간 밖", pl.col("date"))))
        shifts = shifts.filter(covered)

    # a contract whose shift spans a day or more (24시간 격일제: 09:00–09:00): its punches cannot be paired
    # within a business day (a 15-minute "shift" from the morning's out to the morning's in) — every such
    # shift is an error for the corrections file, never a shift paid as read
    if roster is not None and shifts.height:
        day_long = sorted({c.worker_id for c in roster.contracts if c.daily_minutes + c.break_minutes >= DAY_LONG_MINUTES})
        if day_long:
            mine = pl.col("worker_id").is_in(day_long)
            exc_parts.append(_refs_exc(shifts.filter(mine), "day_long_shift", pl.format(
                "{}–{}: 하루를 넘는 교대 계약 (격일제)은 출퇴근 기록에서 근무를 읽지 못함 — 근무마다 정정 파일에 출근·퇴근을 적으세요 (다음 날 09:05 퇴근은 33:05)",
                pl.col("in_ts").dt.strftime("%m-%d %H:%M"), pl.col("out_ts").dt.strftime("%m-%d %H:%M"))))
            shifts = shifts.filter(~mine)

    # overlapping intervals of one worker (the later one is reported, not used)
    shifts = shifts.sort(["worker_id", "in_ts", "out_ts"])
    prev_out = pl.col("out_ts").cum_max().shift(1).over("worker_id")
    shifts = shifts.with_columns((prev_out.is_not_null() & (pl.col("in_ts") < prev_out)).alias("_ov"))
    exc_parts.append(_refs_exc(shifts.filter("_ov"), "overlap", pl.format("{}–{} 이 앞 근무와 겹침", pl.col("in_ts").dt.strftime("%m-%d %H:%M"), pl.col("out_ts").dt.strftime("%m-%d %H:%M"))))
    shifts = shifts.filter(~pl.col("_ov")).drop("_ov")
    files = tuple((str(e.path), e.format, e.profile, e.shape, e.rows) for e in exports)
    notes = tuple(f"{e.path}: read {e.describe()}" for e in exports if e.describe() != e.format)
    notes += tuple(f"{e.path}: {n}" for e in exports for n in e.notes)
    return CheckedExports(roster, keep, short, anchors, tuple(resolved), shifts, absences, tuple(exc_parts), tuple(all_rows), files, notes)


def with_corrections(part: CheckedExports, corrections: Path | None = None, month: tuple[dt.date, dt.date] | None = None,
                     extra_corrections: pl.DataFrame | None = None) -> CheckResult:
    """The check of the exports in ``part`` once the corrections file and ``extra_corrections`` are applied
    (``month`` as :func:`check`); ``part`` is not changed, so it can be checked again with others."""
    roster, keep, short, anchors, resolved = part.roster, part.keep, part.short, part.anchors, part.resolved
    shifts, absences, exc_parts, all_rows = part.shifts, part.absences, list(part.exceptions), part.rows

    # corrections replace whatever the exports said for that worker and day
    corr = load_corrections(Path(corrections), roster) if corrections else pl.DataFrame(schema={**CORR_SCHEMA, "side": pl.Utf8})
    if corr.filter(pl.col("side") != "both").height:  # a 출근 or a 퇴근 alone: the other side from the day's record
        times = pl.concat([day_times(f, shape, roster, anchors) for f, shape in resolved]) if resolved else pl.DataFrame(schema={"worker_id": pl.Utf8, "date": pl.Date, "ts": pl.Datetime("us")})
        corr = complete_one_sided(corr, shifts, times)
    else:
        corr = corr.drop("side")
    if extra_corrections is not None and extra_corrections.height:
        extra = extra_corrections.select(list(CORR_SCHEMA)).join(corr.select("worker_id", "date"), on=["worker_id", "date"], how="anti")
        corr = pl.concat([corr, extra]).sort("worker_id", "date")
    if corr.height:
        keys = corr.select("worker_id", "date").with_columns(pl.lit(True).alias("_c"))
        replaced = shifts.join(keys, on=["worker_id", "date"], how="left")
        shifts = replaced.filter(pl.col("_c").is_null()).drop("_c")
        added = corr.filter(pl.col("in_ts").is_not_null()).select(
            "worker_id", "date", "in_ts", "out_ts", pl.lit("correction").alias("origin"),
            pl.concat_list(ref(pl.col("source"), pl.col("line"))).alias("refs"),
        )
        shifts = pl.concat([shifts, added]).sort(["worker_id", "in_ts"])
        absences = absences.join(keys, on=["worker_id", "date"], how="left").filter(pl.col("_c").is_null()).drop("_c")

    # information: overnight shifts, shifts of another month
    exc_parts.append(_refs_exc(shifts.filter(pl.col("out_ts").dt.date() > pl.col("in_ts").dt.date()), "crosses_midnight", pl.format("{}–{}", pl.col("in_ts").dt.strftime("%m-%d %H:%M"), pl.col("out_ts").dt.strftime("%m-%d %H:%M"))))
    if keep is not None:
        outside_kept = (pl.col("date") < keep[0]) | (pl.col("date") > keep[1])
        exc_parts.append(_refs_exc(shifts.filter(outside_kept), "other_month", pl.format("근무일 {}", pl.col("date"))))
        shifts = shifts.filter(~outside_kept)
        absences = absences.filter(~outside_kept)
    if month is not None:
        edge = (pl.col("date") < month[0]) | (pl.col("date") > month[1])
        exc_parts.append(_refs_exc(shifts.filter(edge), "edge_week", pl.format("근무일 {}", pl.col("date"))))

    exceptions = pl.concat([x.select(list(EXC_SCHEMA)) for x in exc_parts]) if exc_parts else pl.DataFrame(schema=EXC_SCHEMA)
    if month is not None:
        # a fault on a day of the adjacent month is that month's to settle: here it only leaves the day
        # without a record (the week's 주휴 note says so), so it is shown, not an open error of this month
        edge_error = pl.col("date").is_not_null() & ((pl.col("date") < month[0]) | (pl.col("date") > month[1])) & (pl.col("code").replace_strict(SEVERITY, return_dtype=pl.Utf8) == "error")
        exceptions = exceptions.with_columns(
            pl.when(edge_error).then(pl.format("{}: {}", pl.col("code").replace_strict(LABELS, return_dtype=pl.Utf8), pl.col("detail"))).otherwise(pl.col("detail")).alias("detail"),
            pl.when(edge_error).then(pl.lit("edge_week")).otherwise(pl.col("code")).alias("code"),
        )
    if month is not None and roster is not None:
        exceptions = pl.concat([exceptions, without_records(roster, month, shifts, absences)])
    exceptions = exceptions.with_columns(
        pl.col("code").replace_strict(SEVERITY, return_dtype=pl.Utf8).alias("severity"),
        pl.col("code").replace_strict(LABELS, return_dtype=pl.Utf8).alias("label"),
    )
    if corr.height:
        res = corr.select("worker_id", "date", pl.format("{}:{} ({})", pl.col("source"), pl.col("line"), pl.col("reason")).alias("resolved_by"))
        exceptions = exceptions.join(res, on=["worker_id", "date"], how="left")
    else:
        exceptions = exceptions.with_columns(pl.lit(None, dtype=pl.Utf8).alias("resolved_by"))

    rows = pl.concat(all_rows) if all_rows else pl.DataFrame(schema={"source": pl.Utf8, "line": pl.Int64})
    used_refs = pl.concat([shifts.select(pl.col("refs").explode().alias("ref")), absences.select("ref")])  # is_in takes repeats (a unique() of every row held 74 MiB at 20,000 workers)
    rows = rows.with_columns(ref(pl.col("source"), pl.col("line")).alias("ref"))
    rows = rows.with_columns(
        pl.col("ref").is_in(used_refs.get_column("ref").implode()).alias("used"),
        pl.col("ref").is_in(exceptions.select(ref(pl.col("source"), pl.col("line"))).to_series().implode()).alias("reported"),
    ).drop("ref")
    # the files' paths again in what the check hands on (the shifts' refs keep their keys: shifts_named)
    paths = {k: path for path, k in short.items()}
    rows = rows.with_columns(pl.col("source").replace(paths))
    exceptions = exceptions.with_columns(pl.col("source").replace(paths)).sort(["source", "line", "code"], nulls_last=True)
    return CheckResult(shifts=shifts.select(list(SHIFT_SCHEMA)), exceptions=exceptions, corrections=corr, rows=rows, absences=absences.select("worker_id", "date"),
                       files=part.files, notes=part.notes, row_files=tuple(paths.items()))


#: what starts a file's short name during the check (no file name holds this control character)
_KEY_MARK = "\x1f"


def _source_keys(exports: list[Export]) -> dict[str, str]:
    """A short name for each file an export's rows name, in the files' own order.

    During the check a row is named ``key:line`` instead of ``path:line``: short enough for polars to
    keep inside the column (a file's path repeated on each of a month's rows, copied by every join and
    filter of the check, was most of its memory: issue 20). Keys sort as the paths do (the
    punches of one minute are ordered by file)."""
    sources = sorted({s for e in exports for f in (e.frame, e.errors, e.skipped) for s in f.get_column("source").unique().to_list() if s is not None})
    width = len(str(max(len(sources) - 1, 0)))
    return {path: f"{_KEY_MARK}{i:0{width}d}" for i, path in enumerate(sources)}


def _keyed(frame: pl.DataFrame, keys: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col("source").replace_strict(keys, return_dtype=pl.Utf8)) if frame.height else frame


def _source_of(refs: pl.Expr) -> pl.Expr:
    return refs.str.replace(r":\d+$", "")


def _line_of(refs: pl.Expr) -> pl.Expr:
    return refs.str.extract(r":(\d+)$").cast(pl.Int64)


def _refs_exc(shifts: pl.DataFrame, code: str, detail: pl.Expr) -> pl.DataFrame:
    """One exception per input row of the given shifts."""
    if not shifts.height:
        return pl.DataFrame(schema=EXC_SCHEMA)
    f = shifts.with_columns(detail.alias("_detail")).explode("refs")
    f = f.with_columns(_source_of(pl.col("refs")).alias("source"), _line_of(pl.col("refs")).alias("line"))
    return f.select("source", "line", "worker_id", pl.col("date"), pl.lit(code).alias("code"), pl.col("_detail").alias("detail"))


def _in_contract(days: pl.DataFrame, contracts: pl.DataFrame) -> pl.Series:
    """Whether each (worker_id, date) of ``days`` lies in one of the worker's ``contracts`` (in ``days``' order).

    A worker's contracts do not overlap (payroll.roster refuses it): then the only one that can hold a
    day is the last to start on or before it, found by an as-of join, without the table of every
    worker-day × contract (issue 20). Contracts that do overlap are matched every one with every day."""
    start, end, wid = pl.col("start"), pl.col("end"), pl.col("worker_id")
    ordered = contracts.sort("worker_id", "start")
    apart = ordered.select(((wid != wid.shift()) | (end.shift().is_not_null() & (start > end.shift()))).fill_null(True).all()).item()
    if apart:
        latest = days.with_row_index("_r").sort("date").join_asof(
            ordered.select("worker_id", start.alias("date"), start.alias("_start"), "end").sort("date"),
            on="date", by="worker_id", strategy="backward", check_sortedness=False,
        )
        held = pl.col("_start").is_not_null() & (end.is_null() | (pl.col("date") <= end))
        return latest.sort("_r").select(held).to_series()
    covered = days.unique().join(contracts, on="worker_id", how="inner").filter(
        (pl.col("date") >= start) & (end.is_null() | (pl.col("date") <= end))
    ).select("worker_id", "date").unique()
    return days.join(covered.with_columns(pl.lit(True).alias("_cov")), on=["worker_id", "date"], how="left", maintain_order="left").select(
        pl.col("_cov").is_not_null()).to_series()


def contract_frame(roster: Roster) -> pl.DataFrame:
    cs = roster.contracts
    return pl.DataFrame(
        {"worker_id": [c.worker_id for c in cs], "contract_id": [c.contract_id for c in cs], "start": [c.start for c in cs], "end": [c.end for c in cs]},
        schema={"worker_id": pl.Utf8, "contract_id": pl.Utf8, "start": pl.Date, "end": pl.Date},
    )


def check_files(paths: list[Path], roster: Roster | None = None, corrections: Path | None = None, profile: str | None = None, dup_window: int | None = None,
                month: tuple[dt.date, dt.date] | None = None, keep: tuple[dt.date, dt.date] | None = None, profiles: Catalog | None = None,
                extra_corrections: pl.DataFrame | None = None, keep_exports: bool = True) -> CheckResult:
    """Read and check the exports (``profile``: a name, alias or TOML path; ``profiles``: where names are looked up).
    Each is read under the limits of untrusted files (:mod:`payroll.attendance.guarded`, which also
    keeps the exports it read last: a console page shown again does not read them again);
    ``keep_exports=False`` when no later read of these files follows. A caller that checks the same
    exports with other corrections keeps :func:`check_exports_of_files` and calls :func:`with_corrections`."""
    return with_corrections(check_exports_of_files(paths, roster, profile, dup_window, month, keep, profiles, keep_exports), corrections, month, extra_corrections)


def check_exports_of_files(paths: list[Path], roster: Roster | None = None, profile: str | None = None, dup_window: int | None = None,
                           month: tuple[dt.date, dt.date] | None = None, keep: tuple[dt.date, dt.date] | None = None,
                           profiles: Catalog | None = None, keep_exports: bool = True) -> CheckedExports:
    """The exports read (as :func:`check_files` reads them) and checked before any correction (:func:`check_exports`)."""
    exports = read_untrusted_all(paths, profile, profiles, keep=keep_exports)
    if dup_window is None:
        from payroll import law as law_module

        day = month[0] if month else _first_day(exports)
        dup_window = int(law_module.current().on(day)["timesheet.duplicate_window_minutes"]) if day else 5
    return check_exports(exports, roster, dup_window, keep or month)


def _first_day(exports: list[Export]) -> dt.date | None:
    days = []
    for e in exports:
        col = e.frame.get_column("ts").dt.date() if e.shape == "punch" else e.frame.get_column("date")
        m = col.min()
        if m is not None:
            days.append(m)
    return min(days) if days else None
