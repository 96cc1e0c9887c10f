"""Each exception code, corrections, the row accounting, and the `attendance check` exit codes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll.attendance.checks import SEVERITY, check, check_files
from payroll.attendance.readers import read_export
from payroll.case import InputError
from payroll.cli import cli
from tests.test_attendance_support import contract, roster, worker, write_daily, write_punches

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


@pytest.fixture
def staff():
    return roster(
        (worker("A"), contract("A")),
        (worker("N"), contract("N", begin="22:00", finish="06:00")),
        (worker("E"), contract("E", end="2026-06-19")),
    )


def codes(result, **where):
    f = result.exceptions
    for k, v in where.items():
        f = f.filter(pl.col(k) == v)
    return sorted(f.get_column("code").to_list())


def assert_all_rows_accounted(result):
    rows = result.rows
    assert rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0


def test_each_exception_code_from_a_daily_sheet(tmp_path, staff):
    path = write_daily(tmp_path / "d.csv", [
        ("A", "2026-06-01", "08:55", "18:00"),   # 2 clean
        ("A", "2026-06-02", "", "18:00"),        # 3 missing_in
        ("A", "2026-06-04", "09:00", ""),        # 4 missing_out
        ("A", "2026-06-05", "09:00", "09:00"),   # 5 single_punch
        ("A", "2026-06-08", "09:00", "18:00"),   # 6 used
        ("A", "2026-06-08", "12:00", "13:00"),   # 7 overlap
        ("Z", "2026-06-08", "09:00", "18:00"),   # 8 unknown_worker
        ("A", "2026-06-09", "9:7O", "18:00"),    # 9 malformed_time
        ("E", "2026-06-22", "09:00", "18:00"),   # 10 outside_contract
        ("N", "2026-06-01", "22:00", "06:00"),   # 11 crosses_midnight (info, used)
        ("A", "2026-07-01", "09:00", "18:00"),   # 12 other_month (info)
        ("A", "2026-06-10", "", ""),             # 13 no punches: an absence, used
    ])
    r = check([read_export(path)], staff, month=JUNE)
    by_line = {line: codes(r, line=line) for line in range(2, 14)}
    assert by_line == {
        2: [], 3: ["missing_in"], 4: ["missing_out"], 5: ["single_punch"], 6: [], 7: ["overlap"], 8: ["unknown_worker"],
        9: ["malformed_time"], 10: ["outside_contract"], 11: ["crosses_midnight"], 12: ["other_month"], 13: [],
    }
    assert_all_rows_accounted(r)
    used = dict(zip(r.rows.get_column("line").to_list(), r.rows.get_column("used").to_list()))
    assert used[2] and used[6] and used[11] and used[13] and not used[7] and not used[3]
    night = r.shifts.filter(pl.col("worker_id") == "N").row(0, named=True)
    assert (night["in_ts"], night["out_ts"]) == (dt.datetime(2026, 6, 1, 22), dt.datetime(2026, 6, 2, 6))
    assert not r.clean
    # E's only row is after the contract ended: no record in June for a worker under contract — a warning
    assert codes(r, worker_id="E") == ["no_record", "outside_contract"]
    assert set(r.exceptions.get_column("severity").unique()) <= {"error", "warning", "info"}


def test_each_exception_code_from_a_punch_log(tmp_path, staff):
    path = write_punches(tmp_path / "p.csv", [
        ("A", "2026-06-01 08:55", "in"), ("A", "2026-06-01 08:57", "in"), ("A", "2026-06-01 18:01", "out"),  # duplicate
        ("A", "2026-06-02 08:50", "in"),                                                                  # missing_out
        ("A", "2026-06-04 18:10", "out"),                                                                 # missing_in
        ("A", "2026-06-05 09:00", ""),                                                                    # single_punch
        ("A", "2026-06-08 08:50", ""), ("A", "2026-06-08 12:00", ""), ("A", "2026-06-08 18:00", ""),       # middle punch unpaired
        ("N", "2026-06-01 21:55", ""), ("N", "2026-06-02 06:04", ""),                                     # night shift, one day
        ("N", "2026-06-01 05:58", ""),                                                                    # tail of 05-31's shift
        ("X", "2026-06-01 09:00", ""),                                                                    # unknown
        ("A", "2026-06-09 25:00", ""),                                                                    # malformed
    ])
    r = check([read_export(path)], staff, dup_window=5, month=JUNE)
    assert codes(r, line=3) == ["duplicate"]
    assert codes(r, line=5) == ["missing_out"]
    assert codes(r, line=6) == ["missing_in"]
    assert codes(r, line=7) == ["single_punch"]
    assert codes(r, line=9) == ["single_punch"] and codes(r, line=8) == [] and codes(r, line=10) == []
    assert codes(r, line=11) == ["crosses_midnight"] and codes(r, line=12) == ["crosses_midnight"]
    assert codes(r, line=13) == ["other_month"]
    assert codes(r, line=14) == ["unknown_worker"]
    assert codes(r, line=15) == ["malformed_time"]
    assert_all_rows_accounted(r)
    a = r.shifts.filter(pl.col("worker_id") == "A").sort("in_ts")
    assert a.select("in_ts", "out_ts").rows() == [
        (dt.datetime(2026, 6, 1, 8, 55), dt.datetime(2026, 6, 1, 18, 1)),
        (dt.datetime(2026, 6, 8, 8, 50), dt.datetime(2026, 6, 8, 18, 0)),
    ]
    n = r.shifts.filter(pl.col("worker_id") == "N").row(0, named=True)
    assert n["date"] == dt.date(2026, 6, 1) and n["out_ts"] == dt.datetime(2026, 6, 2, 6, 4)


def test_corrections_resolve_and_are_recorded(tmp_path, staff):
    d = write_daily(tmp_path / "d.csv", [("A", "2026-06-02", "", "18:00"), ("A", "2026-06-03", "09:00", "18:00")])
    corr = tmp_path / "c.csv"
    corr.write_text("worker_id,date,in,out,reason\nA,2026-06-02,09:00,18:00,출근 미타각 확인\nA,2026-06-03,,,선거일 근무 아님\n", encoding="utf-8")
    r = check([read_export(d)], staff, corrections=corr, month=JUNE)
    assert r.clean
    exc = r.exceptions.row(0, named=True)
    assert exc["code"] == "missing_in" and exc["resolved_by"].endswith(":2 (출근 미타각 확인)")
    assert r.corrections.height == 2
    shifts = r.shifts.select("date", "in_ts", "origin").rows()
    assert shifts == [(dt.date(2026, 6, 2), dt.datetime(2026, 6, 2, 9), "correction")]  # 06-03 removed


def test_a_correction_may_give_only_one_side(tmp_path, staff):
    """출근 only or 퇴근 only: the other side comes from the day's own record (a lone punch, a daily row's
    one time, or the day's shift); a 퇴근 not after the 출근 ends the next day."""
    d = write_daily(tmp_path / "d.csv", [
        ("A", "2026-06-02", "", "18:03"),        # missing_in: give 출근 only
        ("A", "2026-06-04", "08:50", ""),        # missing_out: give 퇴근 only
        ("A", "2026-06-05", "10:30", "18:00"),   # a late 출근 corrected (the shift's 퇴근 kept)
        ("N", "2026-06-01", "21:46", ""),        # night shift, 퇴근 given the next morning
    ])
    corr = tmp_path / "c.csv"
    corr.write_text("worker_id,date,in,out,reason\nA,2026-06-02,09:00,,출근 미타각\nA,2026-06-04,,18:00,퇴근 미타각\n"
                    "A,2026-06-05,09:00,,지문 오류\nN,2026-06-01,,06:00,퇴근 미타각\n", encoding="utf-8")
    r = check([read_export(d)], staff, corrections=corr, month=JUNE)
    assert r.clean
    got = r.shifts.sort("worker_id", "date").select("worker_id", "date", "in_ts", "out_ts").rows()
    assert got == [
        ("A", dt.date(2026, 6, 2), dt.datetime(2026, 6, 2, 9), dt.datetime(2026, 6, 2, 18, 3)),
        ("A", dt.date(2026, 6, 4), dt.datetime(2026, 6, 4, 8, 50), dt.datetime(2026, 6, 4, 18)),
        ("A", dt.date(2026, 6, 5), dt.datetime(2026, 6, 5, 9), dt.datetime(2026, 6, 5, 18)),
        ("N", dt.date(2026, 6, 1), dt.datetime(2026, 6, 1, 21, 46), dt.datetime(2026, 6, 2, 6)),
    ]


def test_a_one_sided_correction_needs_the_other_side_in_the_record(tmp_path, staff):
    d = write_daily(tmp_path / "d.csv", [("A", "2026-06-02", "09:00", "18:00")])
    corr = tmp_path / "c.csv"
    corr.write_text("worker_id,date,in,out,reason\nA,2026-06-03,09:00,,출근만\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c.csv: 2행: 퇴근\(out\): 비어 있고 A의 2026-06-03 기록에도"):
        check([read_export(d)], staff, corrections=corr, month=JUNE)


@pytest.mark.parametrize("body,match", [
    ("worker_id,date,in,out,reason\nA,2026-06-02,09:00,18:00,\n", r"2행: 사유\(reason\): 정정 사유를 적으세요"),
    ("worker_id,date,in,out,reason\nQ,2026-06-02,09:00,18:00,x\n", r"2행: 사번\(worker_id\): Q은\(는\) 명부에 없습니다"),
    ("worker_id,date,in,out,reason\nE,2026-06-29,09:00,18:00,x\n", r"2행: 일자\(date\): 2026-06-29은\(는\) E의 어느 계약"),
    ("worker_id,date,in,out,reason\nA,2026-06-31,09:00,18:00,x\n", r"2행: 일자\(date\): 날짜\(YYYY-MM-DD\)가 아닙니다"),
    ("worker_id,date,in,out,reason\nA,2026-06-02,25:70,18:00,x\n", r"2행: 출근\(in\): 시각\(HH:MM\)이 아닙니다: '25:70'"),
    ("worker_id,date,in,out\nA,2026-06-02,09:00,18:00\n", "근태 정정 파일에 열이 없습니다: 'reason'"),
])
def test_bad_corrections_are_input_errors(tmp_path, staff, body, match):
    """Korean messages naming the row and the field."""
    d = write_daily(tmp_path / "d.csv", [("A", "2026-06-02", "09:00", "18:00")])
    corr = tmp_path / "c.csv"
    corr.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        check([read_export(d)], staff, corrections=corr)


def test_cli_exit_codes_and_xlsx(tmp_path):
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("worker_id,name,birth_date,department,employment\nA,가,1980-01-01,총무과,fixed_term\n", encoding="utf-8")
    contracts_csv = tmp_path / "contracts.csv"
    contracts_csv.write_text("contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes\nC1,A,2026-01-01,2026-12-31,hourly,12121,12345,09:00,18:00,60\n", encoding="utf-8")
    clean = write_daily(tmp_path / "clean.csv", [("A", "2026-06-01", "09:00", "18:00")], encoding="cp949")
    dirty = write_daily(tmp_path / "dirty.csv", [("A", "2026-06-01", "09:00", ""), ("B", "2026-06-01", "09:00", "18:00")])
    runner = CliRunner()
    base = ["attendance", "check", "--roster", str(roster_csv), "--contracts", str(contracts_csv)]
    ok = runner.invoke(cli, [*base, str(clean)])
    assert ok.exit_code == 0, ok.output + ok.stderr
    assert "깨끗함: 미해결 오류 없음" in ok.output
    out = tmp_path / "report.xlsx"
    bad = runner.invoke(cli, [*base, str(dirty), "--out", str(out)])
    assert bad.exit_code == 1
    assert "missing_out" in bad.output and "unknown_worker" in bad.output
    import fastexcel

    book = fastexcel.read_excel(out.read_bytes())
    assert book.sheet_names == ["요약", "오류·경고", "참고", "보정", "근무"]
    errors = book.load_sheet("오류·경고").to_polars()
    assert errors.columns[:6] == ["구분", "처리", "사유", "부서", "사번", "성명"]
    assert errors.get_column("구분").to_list() == ["오류", "오류"] and set(errors.get_column("사유")) == {"퇴근 기록 없음", "명부에 없는 사번 (또는 사번 없음)"}
    assert errors.row(0, named=True)["부서"] == "(명부에 없음)" or errors.row(1, named=True)["부서"] == "(명부에 없음)"
    first = out.read_bytes()
    again = runner.invoke(cli, [*base, str(dirty), "--out", str(out)])
    assert again.exit_code == 1 and out.read_bytes() == first  # same inputs, same bytes
    only_rows = runner.invoke(cli, ["attendance", "check", str(dirty)])
    assert only_rows.exit_code == 1  # without a roster: missing_out still found, unknown ids not
    assert "unknown_worker" not in only_rows.output


# --- properties ----------------------------------------------------------------------------------

punch = st.tuples(st.integers(0, 9), st.integers(0, 1439), st.sampled_from(["", "in", "out"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(punch, min_size=0, max_size=40), st.integers(0, 10))
def test_every_punch_row_is_used_or_reported(tmp_path, punches, dup_window):
    staff = roster((worker("A"), contract("A")), (worker("N"), contract("N", begin="22:00", finish="06:00")))
    rows = []
    for i, (day, minute, direction) in enumerate(punches):
        ts = dt.datetime(2026, 6, 1) + dt.timedelta(days=day, minutes=minute)
        rows.append(("" if i % 7 == 6 else "A" if i % 3 else "N", ts.strftime("%Y-%m-%d %H:%M"), direction))  # some ids empty
    path = write_punches(tmp_path / "p.csv", rows)
    r = check([read_export(path)], staff, dup_window=dup_window, month=JUNE)
    # a row with an empty id is an error naming it, never dropped
    assert set(r.exceptions.filter(pl.col("code") == "unknown_worker").get_column("line")) == {i + 2 for i, row in enumerate(rows) if not row[0]}
    assert r.rows.height == len(rows)
    assert_all_rows_accounted(r)
    # a row not used is reported with a code that explains why it was not used
    unused = r.rows.filter(~pl.col("used")).select("line")
    why = r.exceptions.filter(pl.col("code").is_in(["duplicate", "single_punch", "missing_in", "missing_out", "overlap", "other_month", "malformed_time", "unknown_worker",
                                                      "outside_contract", "direction_mismatch"])).select("line")
    assert set(unused.get_column("line").to_list()) <= set(why.get_column("line").to_list())
    assert (r.shifts.get_column("out_ts") >= r.shifts.get_column("in_ts")).all()
    # a shift never spans more than one business day
    assert ((r.shifts.get_column("out_ts") - r.shifts.get_column("in_ts")).dt.total_minutes() < 1440).all()
    assert set(r.exceptions.get_column("code").unique()) <= set(SEVERITY)


def test_sample_small_set_every_row_accounted():
    from pathlib import Path

    from payroll.roster import load_roster

    here = Path(__file__).resolve().parent.parent / "samples" / "small"
    staff = load_roster(here / "roster.csv", here / "contracts.csv")
    files = [here / n for n in ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")]
    r = check_files(files, staff, here / "corrections.csv", month=JUNE)
    assert_all_rows_accounted(r)
    assert {f[1] for f in r.files} == {"csv-utf-8", "csv-utf-8-sig", "csv-cp949", "xlsx", "xls"}
    assert r.rows.height == sum(f[4] for f in r.files)
    found = set(r.exceptions.get_column("code").unique())
    assert {"unknown_worker", "malformed_time", "missing_in", "missing_out", "overlap", "outside_contract", "duplicate", "crosses_midnight", "other_month"} <= found


def test_the_report_puts_errors_first_then_warnings_and_folds_the_notes():
    """Open errors, then the corrected or decided ones, then warnings; the informational notes on a sheet
    of their own. Counts by kind in report order; Korean headers."""
    import io as _io

    import openpyxl

    from payroll.attendance.report import COUNT_HEADERS, counts, exceptions_workbook, ordered

    rows = [  # source, line, worker_id, date, code, detail, severity, label, resolved_by
        ("a.csv", 9, "A", dt.date(2026, 6, 3), "duplicate", "d", "info", "중복 타각", None),
        ("a.csv", 5, "B", dt.date(2026, 6, 2), "late_punch", "w", "warning", "늦은 타각", None),
        ("a.csv", 4, "A", dt.date(2026, 6, 2), "missing_out", "x", "error", "퇴근 기록 없음", "c.csv:2 (확인)"),
        ("a.csv", 3, "B", dt.date(2026, 6, 1), "missing_in", "y", "error", "출근 기록 없음", None),
        ("a.csv", 2, "A", dt.date(2026, 6, 1), "missing_out", "z", "error", "퇴근 기록 없음", "2026-06/decisions.csv:2 (지급 보류: 확인 중)"),
    ]
    frame = pl.DataFrame(rows, schema={"source": pl.Utf8, "line": pl.Int64, "worker_id": pl.Utf8, "date": pl.Date, "code": pl.Utf8, "detail": pl.Utf8,
                                       "severity": pl.Utf8, "label": pl.Utf8, "resolved_by": pl.Utf8}, orient="row")
    got = ordered(frame).select("severity_label", "state", "line").rows()
    assert got == [("오류", "미해결", 3), ("오류", "결정됨", 2), ("오류", "정정됨", 4), ("경고", "—", 5), ("참고", "—", 9)]
    assert [r[2] for r in counts(frame)] == ["missing_in", "missing_out", "late_punch", "duplicate"]
    book = openpyxl.load_workbook(_io.BytesIO(exceptions_workbook(frame)))
    assert book.sheetnames == ["요약", "오류·경고", "참고"]
    assert [c.value for c in book["요약"][1]] == list(COUNT_HEADERS)
    main = [r for r in book["오류·경고"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in main] == ["오류", "오류", "오류", "경고"] and book["참고"].max_row == 2


# --- real exports misread without a word (an outside audit of vendor-like files) -------------------


def test_a_pair_the_device_labels_in_in_or_out_out_is_reported_not_paid(tmp_path):
    """A double 출근 beyond the duplicate window and a forgotten 퇴근 paired as an 08:52–08:59 shift; two
    퇴근s as a 17:58–18:07 one; 12-hour times without 오전/오후 (06:07 퇴근 before 08:52 출근): each was
    paid a few minutes with a clean check. A pair that is not 출근 → 퇴근 is an error naming its rows."""
    path = tmp_path / "terminal.csv"
    path.write_text("사원번호,이름,인증일시,단말기명,인증구분\n"
                    "A,김민서,2026-06-01 08:52:13,단말기1,출근\nA,김민서,2026-06-01 08:59:40,단말기1,출근\n"
                    "A,김민서,2026-06-03 17:58:00,단말기1,퇴근\nA,김민서,2026-06-03 18:07:00,단말기1,퇴근\n"
                    "A,김민서,2026-06-04 06:07:41,단말기1,퇴근\nA,김민서,2026-06-04 08:52:13,단말기1,출근\n"
                    "A,김민서,2026-06-05 08:52:13,단말기1,출근\nA,김민서,2026-06-05 18:02:00,단말기1,퇴근\n", encoding="utf-8")
    r = check([read_export(path)], roster((worker("A"), contract("A"))), month=JUNE)
    assert sorted(r.exceptions.filter(pl.col("code") == "direction_mismatch").get_column("line").to_list()) == [2, 3, 4, 5, 6, 7]
    assert r.shifts.get_column("date").to_list() == [dt.date(2026, 6, 5)]
    assert SEVERITY["direction_mismatch"] == "error"


def test_a_day_workers_row_whose_out_is_before_its_in_is_an_error(tmp_path):
    """Swapped 출근·퇴근 keys (18:07, 08:52) were read as a shift to the next morning and paid nothing."""
    path = tmp_path / "daily.csv"
    path.write_text("사번,성명,일자,출근시간,퇴근시간\nA,김민서,2026-06-01,18:07,08:52\nA,김민서,2026-06-02,08:58,18:31\n", encoding="utf-8")
    r = check([read_export(path)], roster((worker("A"), contract("A"))), month=JUNE)
    assert r.exceptions.filter(pl.col("code") == "out_before_in").get_column("line").to_list() == [2]
    assert r.shifts.get_column("date").to_list() == [dt.date(2026, 6, 2)]
    # a night worker's row is its shift into the next morning, as before
    night = tmp_path / "night.csv"
    night.write_text("사번,성명,일자,출근시간,퇴근시간\nN,박야간,2026-06-01,21:52,06:03\n", encoding="utf-8")
    r = check([read_export(night)], roster((worker("N"), contract("N", begin="22:00", finish="06:00"))), month=JUNE)
    assert r.exceptions.filter(pl.col("code") == "out_before_in").height == 0 and r.shifts.height == 1


def test_dates_that_cannot_tell_day_first_from_month_first_are_an_error_when_they_leave_the_month(tmp_path):
    """01/12/2026 … 12/12/2026 (a 일/월 file of December's first twelve days): read month-first, every row
    fell in another month and the check said clean. Such rows are now ``date_order`` errors with no day."""
    path = tmp_path / "dmy.csv"
    path.write_text("사번,성명,일자,출근시간,퇴근시간\n" + "".join(f"A,김민서,{d:02d}/12/2026,09:00,18:00\n" for d in range(1, 13)), encoding="utf-8")
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    staff = roster((worker("A"), contract("A")))
    r = check([read_export(path)], staff, month=december)
    wrong = r.exceptions.filter(pl.col("code") == "date_order")
    assert wrong.height == 11 and wrong.get_column("date").null_count() == 11 and SEVERITY["date_order"] == "error"  # 12/12 is 12 December either way
    # a file whose values decide the order (13/12/2026) reads day-first and is clean
    path.write_text("사번,성명,일자,출근시간,퇴근시간\n" + "".join(f"A,김민서,{d:02d}/12/2026,09:00,18:00\n" for d in range(1, 16)), encoding="utf-8")
    r = check([read_export(path)], staff, month=december)
    assert r.exceptions.filter(pl.col("code") == "date_order").height == 0 and r.shifts.height == 15


def test_an_export_with_no_record_of_the_month_is_an_error_and_a_worker_without_one_a_warning(tmp_path, staff):
    """An export of headers only (or of another month) passed as clean and would have paid every hourly worker
    nothing (an outside audit of vendor files). No worker of the month with a record: an error each; some
    without: a warning each (a month of leave is in leave.csv, not in the exports)."""
    empty = write_daily(tmp_path / "empty.csv", [])
    r = check([read_export(empty)], staff, month=JUNE)
    assert sorted(codes(r)) == ["no_records"] * 3 and not r.clean
    some = write_daily(tmp_path / "some.csv", [("A", "2026-06-01", "09:00", "18:00")])
    r = check([read_export(some)], staff, month=JUNE)
    assert sorted(r.exceptions.filter(pl.col("code") == "no_record").get_column("worker_id").to_list()) == ["E", "N"] and r.clean


def test_a_24_hour_contracts_shifts_are_errors_for_the_corrections_file(tmp_path):
    """격일제 09:00–09:00: its daily row 08:50 / 09:05 was read as a 15-minute shift and paid so under a clean
    check (an outside audit of vendor files). Such a worker's shifts are errors (day_long_shift), not used; the
    corrections file gives each shift with its next-day 퇴근."""
    staff = roster((worker("G"), contract("G", begin="09:00", finish="09:00", brk=180)), (worker("A"), contract("A")))
    path = write_daily(tmp_path / "d.csv", [("G", "2026-06-02", "08:50", "09:05"), ("A", "2026-06-02", "09:00", "18:00")])
    r = check([read_export(path)], staff, month=JUNE)
    assert codes(r, worker_id="G") == ["day_long_shift", "no_record"] and SEVERITY["day_long_shift"] == "error"
    assert r.shifts.get_column("worker_id").to_list() == ["A"]
    fix = tmp_path / "corrections.csv"
    fix.write_text("worker_id,date,in,out,reason\nG,2026-06-02,08:50,33:05,격일제 (다음 날 09:05 퇴근)\n", encoding="utf-8")
    fixed = check([read_export(path)], staff, corrections=fix, month=JUNE)
    g = fixed.shifts.filter(pl.col("worker_id") == "G").row(0, named=True)
    assert fixed.clean and (g["in_ts"], g["out_ts"]) == (dt.datetime(2026, 6, 2, 8, 50), dt.datetime(2026, 6, 3, 9, 5))
