"""Work done in parts, or with less held or done once, to bound a large month's memory and time gives
exactly what the plain way gives (issue 20).

- the month's build, slice of workers after slice (``payroll.timesheet.monthly.SLICE_WORKERS``), and
  the run's timesheet of the columns it reads;
- a CSV export, sorted block of rows after block (``payroll.attendance.readers.read.CSV_BLOCK_ROWS``),
  with one ``day_first`` for the whole file and the cut-row and width errors of the one-pass reader,
  its lines split one at a time exactly as a StringIO of the whole text splits them;
- the exports let go at a run's last read; the check's short row names; its as-of contract test;
- the ledgers' duplicate-day test without a hash table; the welfare roster a run keeps;
- the exports read and paired once and corrected twice (a run with ``scheduled`` decisions).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from payroll.attendance.readers import read as read_module
from payroll.attendance.readers import read_export
from payroll.attendance.readers.text import _lines
from payroll.case import InputError
from payroll.roster import load_roster
from payroll.timesheet import monthly
from payroll.timesheet.monthly import MonthInputs, build_month, build_month_detail

SMALL = Path(__file__).resolve().parent.parent / "samples" / "small"
EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")
LINE_KEYS = ["worker_id", "contract_id", "code", "amount", "minutes", "method"]


def _small_month() -> MonthInputs:
    staff = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    return MonthInputs("2026-06", dt.date(2026, 7, 10), staff, tuple(SMALL / n for n in EXPORTS), SMALL / "corrections.csv", SMALL / "leave.csv",
                       SMALL / "overtime.csv")


def test_a_month_built_in_slices_of_workers_is_the_month_built_at_once(monkeypatch):
    inputs = _small_month()
    whole = build_month_detail(inputs)
    workers = len({c.worker_id for c in inputs.roster.contracts})
    monkeypatch.setattr(monthly, "SLICE_WORKERS", 3)
    assert workers > 3 * 4  # several slices, the last one short
    sliced = build_month_detail(inputs)
    for part in ("workers", "items", "exceptions", "timesheet"):
        assert getattr(sliced.build, part).equals(getattr(whole.build, part)), part
    assert sliced.build.warnings == whole.build.warnings
    assert sliced.build.minimum_wage_shortfalls == whole.build.minimum_wage_shortfalls
    assert sliced.days.sort(["worker_id", "contract_id", "date"]).equals(whole.days.sort(["worker_id", "contract_id", "date"]))
    assert sliced.lines.drop("seq").sort(LINE_KEYS).equals(whole.lines.drop("seq").sort(LINE_KEYS))
    assert sliced.lines.get_column("seq").is_unique().all()
    # the run's build keeps neither the days nor the weeks, and of the timesheet what the run reads: the same build
    run_build = build_month(inputs)
    assert run_build.items.equals(whole.build.items) and run_build.workers.equals(whole.build.workers)
    assert run_build.timesheet.equals(whole.build.timesheet.select(monthly.RUN_TIMESHEET_COLUMNS))
    from payroll.runs.extras import attendance_of

    assert attendance_of(run_build.timesheet).equals(attendance_of(whole.build.timesheet))


def _daily_csv(path: Path, rows: list[str], ends_with_newline: bool = True) -> Path:
    path.write_text("\n".join(["사번,이름,일자,출근,퇴근", *rows]) + ("\n" if ends_with_newline else ""), encoding="utf-8")
    return path


def _month_first_rows(n: int) -> list[str]:
    # 03/06/2026 reads as 6 March month first, 3 June day first: nothing decides it but a later row
    return [f"E{i % 7:05d},홍길동,{1 + i % 12:02d}/06/2026,09:00,18:00" for i in range(n)]


def _same_export(a, b) -> None:
    for part in ("frame", "skipped", "errors"):
        assert getattr(a, part).equals(getattr(b, part)), part
    assert (a.format, a.profile, a.shape, a.header_line) == (b.format, b.profile, b.shape, b.header_line)


def test_a_csv_read_in_blocks_is_the_csv_read_at_once(tmp_path, monkeypatch):
    rows = _month_first_rows(40)
    rows[17:17] = ["합계,,,,", "사번,이름,일자,출근,퇴근", 'E00009,"홍,길동",02/06/2026,09:00,18:00']
    rows.append("E00001,홍길동,25/06/2026,09:00,18:00")  # the last block alone says: day first
    path = _daily_csv(tmp_path / "daily.csv", rows)
    whole = read_export(path)
    monkeypatch.setattr(read_module, "CSV_BLOCK_ROWS", 5)
    blocks = read_export(path)
    _same_export(blocks, whole)
    assert blocks.frame.filter(pl.col("raw_date") == "03/06/2026").get_column("date").unique().to_list() == [dt.date(2026, 6, 3)]
    assert blocks.skipped.height == 2 and blocks.frame.height == 42


def test_a_month_first_csv_stays_month_first_in_blocks(tmp_path, monkeypatch):
    path = _daily_csv(tmp_path / "daily.csv", [*_month_first_rows(12), "E00001,홍길동,06/25/2026,09:00,18:00"])
    monkeypatch.setattr(read_module, "CSV_BLOCK_ROWS", 4)
    export = read_export(path)
    assert export.frame.filter(pl.col("raw_date") == "03/06/2026").get_column("date").to_list() == [dt.date(2026, 3, 6)]


def test_a_csv_header_without_rows_reads_as_no_records(tmp_path, monkeypatch):
    monkeypatch.setattr(read_module, "CSV_BLOCK_ROWS", 4)
    export = read_export(_daily_csv(tmp_path / "daily.csv", []))
    assert export.frame.height == 0 and "in_min" in export.frame.columns


@pytest.mark.parametrize(("rows", "newline", "said"), [
    ([*_month_first_rows(9), "E00002,홍길동"], False, "11행: 파일이 행 중간에서 끝납니다"),
    ([*_month_first_rows(9), "E00002,홍길동,01/06/2026,09:00,18:00,x"], True, "11행: 칸이 6개인데 머리글은 5개입니다"),
    ([*_month_first_rows(9), 'E00002,"홍"길동,01/06/2026,09:00,18:00'], True, "11행: 올바른 CSV가 아닙니다"),
])
def test_a_bad_row_in_a_later_block_is_named_as_before(tmp_path, monkeypatch, rows, newline, said):
    path = _daily_csv(tmp_path / "daily.csv", rows, newline)
    monkeypatch.setattr(read_module, "CSV_BLOCK_ROWS", 4)
    with pytest.raises(InputError, match=said):
        read_export(path)


@given(st.text(alphabet=st.sampled_from(["a", "가", ",", '"', "\r", "\n", "\x0b", "\x85", "\u2028", " "]), max_size=60))
def test_the_csv_reader_splits_lines_as_a_stringio_does(text):
    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


def test_ledgers_one_at_a_time_check_their_inputs_before_the_first():
    from payroll.leave.roster_ledgers import build_ledgers, iter_ledgers

    staff = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    with pytest.raises(InputError, match="명부"):
        iter_ledgers(staff, [], dt.date(2026, 6, 30), workers=["NOBODY"])  # raised on the call, not on the first next()
    streamed = iter_ledgers(staff, [], dt.date(2026, 6, 30))
    first_id, _ = next(streamed)
    assert first_id == min(staff.workers)
    assert [w for w, _ in streamed] == sorted(build_ledgers(staff, [], dt.date(2026, 6, 30)))[1:]


@given(st.lists(st.tuples(st.sampled_from(["W1", "W10", "W2", "A", "é"]), st.integers(1, 4)), max_size=12))
def test_the_attendance_check_finds_a_repeated_day_with_or_without_its_hash_table(rows):
    """A run's timesheet (ascending by worker and day) skips the group_by; any other frame takes it:
    both say the same about a worker-day given twice."""
    from payroll.leave.inputs import check_attendance_frame

    frame = pl.DataFrame({"worker_id": [w for w, _ in rows], "date": [dt.date(2026, 6, d) for _, d in rows]},
                         schema={"worker_id": pl.Utf8, "date": pl.Date}).with_columns(
        pl.lit(True).alias("scheduled"), pl.lit(True).alias("attended"), pl.lit(False).alias("counted_as_attended"))
    repeated = len(set(rows)) < len(rows)
    for f in (frame, frame.sort("worker_id", "date")):
        if repeated:
            with pytest.raises(InputError, match="행이 두 개입니다"):
                check_attendance_frame(f)
        else:
            assert check_attendance_frame(f).equals(f)


def test_the_last_read_of_an_export_hands_it_over_and_keeps_nothing():
    from payroll.attendance import guarded

    path = SMALL / "daily_utf8.csv"
    guarded._CACHE.clear()
    first = guarded.read_untrusted(path)
    assert guarded.read_untrusted(path) is first  # a second check of the month reads it once
    assert guarded.read_untrusted(path, keep=False) is first and not guarded._CACHE  # a run's build: the last read
    again = guarded.read_untrusted(path, keep=False)
    assert again is not first and again.frame.equals(first.frame) and not guarded._CACHE


def test_a_welfare_record_of_a_worker_the_run_did_not_keep_stops_its_record(tmp_path):
    """The run keeps the roster of the welfare workers alone; a record made during the compute for
    any other worker is a change of the records, refused as every other change is."""
    from payroll.roster import Roster
    from payroll.runs.batch import _mark_welfare_paid, _WelfareRoster
    from payroll.store import open_store
    from payroll.welfare.models import InsuranceEnrolment

    store = open_store(str(tmp_path / "p.db"))
    with store.session() as s:
        s.add(InsuranceEnrolment(enrolment_id="GI-00001", worker_id="T00007", plan="fixed", start=dt.date(2026, 1, 1), created_at=dt.datetime(2026, 11, 2)))
        s.flush()
        kept = _WelfareRoster(frozenset({"P00001"}), Roster(workers={}, contracts=()))
        with pytest.raises(InputError, match="복리후생 기록이 바뀌었습니다"):
            _mark_welfare_paid(s, "2026-11", dt.date(2026, 12, 10), kept, None, [{"worker_id": "P00001"}], None)
    store.dispose()


@given(st.lists(st.tuples(st.sampled_from(["W1", "W2", "W3"]), st.integers(0, 40), st.one_of(st.none(), st.integers(0, 40))), max_size=6),
       st.lists(st.tuples(st.sampled_from(["W1", "W2", "W3", "W4"]), st.integers(0, 45)), max_size=15))
def test_a_day_in_a_contract_is_found_by_the_as_of_join_as_by_every_pair(contracts, days):
    """The check's contract test: an as-of join when a worker's contracts are apart, every pair when
    they overlap — both as a person would count it."""
    from payroll.attendance.checks import _in_contract

    base = dt.date(2026, 6, 1)
    cs = [(w, base + dt.timedelta(a), None if b is None else base + dt.timedelta(a + b)) for w, a, b in contracts]
    frame = pl.DataFrame({"worker_id": [w for w, _, _ in cs], "start": [a for _, a, _ in cs], "end": [b for _, _, b in cs]},
                         schema={"worker_id": pl.Utf8, "start": pl.Date, "end": pl.Date})
    ds = pl.DataFrame({"worker_id": [w for w, _ in days], "date": [base + dt.timedelta(d) for _, d in days]}, schema={"worker_id": pl.Utf8, "date": pl.Date})
    expected = [any(w == cw and a <= d and (b is None or d <= b) for cw, a, b in cs) for w, d in ds.iter_rows()]
    assert _in_contract(ds, frame).to_list() == expected


def test_the_checks_short_row_names_say_the_files_rows_when_asked():
    """During the check a row is ``key:line``; shifts_named gives ``path:line``, each a row the check counted as used."""
    from payroll.attendance.checks import check_files

    staff = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    result = check_files([SMALL / n for n in EXPORTS], staff, SMALL / "corrections.csv", month=(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    named = result.shifts_named().get_column("refs").explode()
    assert {p for p, _ in (r.rsplit(":", 1) for r in named)} <= {str(SMALL / n) for n in (*EXPORTS, "corrections.csv")}
    used = {f"{s}:{n}" for s, n in result.rows.filter("used").select("source", "line").iter_rows()}
    from_exports = [r for r in named if not r.startswith(str(SMALL / "corrections.csv"))]
    assert from_exports and set(from_exports) <= used
    kept = [r for r in result.shifts.get_column("refs").explode() if not r.startswith(str(SMALL / "corrections.csv"))]
    assert len(kept) == len(from_exports) and not any(r.startswith(str(SMALL)) for r in kept)  # an export's rows: keys, until asked


def _same_check(a, b) -> None:
    for part in ("shifts", "exceptions", "corrections", "rows", "absences"):
        assert getattr(a, part).equals(getattr(b, part)), part
    assert (a.files, a.notes, a.row_files) == (b.files, b.notes, b.row_files)


def test_exports_paired_once_and_corrected_twice_are_two_whole_checks():
    """A run with ``scheduled`` decisions checks its month twice with other corrections: it reads and
    pairs the exports once (check_exports) and applies each set of corrections to that (with_corrections)."""
    from payroll.attendance.checks import CORR_SCHEMA, check_exports_of_files, check_files, with_corrections

    staff = load_roster(SMALL / "roster.csv", SMALL / "contracts.csv")
    month, weeks = (dt.date(2026, 6, 1), dt.date(2026, 6, 30)), monthly.week_span(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    paths = [SMALL / n for n in EXPORTS]
    part = check_exports_of_files(paths, staff, None, 5, month, weeks)
    first = with_corrections(part, SMALL / "corrections.csv", month)
    _same_check(first, check_files(paths, staff, SMALL / "corrections.csv", None, 5, month, weeks))
    open_days = first.open_errors.filter(pl.col("date").is_not_null() & pl.col("worker_id").is_not_null()).select("worker_id", "date").unique().sort("worker_id", "date")
    assert open_days.height  # the sample month has open errors for a decision to settle
    extra = open_days.with_columns(
        pl.lit(900, dtype=pl.Int64).alias("line"), pl.col("date").dt.combine(dt.time(9)).alias("in_ts"), pl.col("date").dt.combine(dt.time(18)).alias("out_ts"),
        pl.lit("근무표대로 (결정)").alias("reason"), pl.lit(str(SMALL / "decisions.csv")).alias("source"),
    ).select(list(CORR_SCHEMA)).cast(CORR_SCHEMA)
    second = with_corrections(part, SMALL / "corrections.csv", month, extra)
    _same_check(second, check_files(paths, staff, SMALL / "corrections.csv", None, 5, month, weeks, extra_corrections=extra))
    assert second.open_errors.height < first.open_errors.height
    _same_check(with_corrections(part, SMALL / "corrections.csv", month), first)  # the part is not changed by being corrected
