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
    assert set(r.exceptions.get_column("severity").unique()) <= {"error", "info"}


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


@pytest.mark.parametrize("body,match", [
    ("worker_id,date,in,out,reason\nA,2026-06-02,09:00,,x\n", "give both times"),
    ("worker_id,date,in,out,reason\nA,2026-06-02,09:00,18:00,\n", "reason: required"),
    ("worker_id,date,in,out,reason\nQ,2026-06-02,09:00,18:00,x\n", "not in the roster"),
    ("worker_id,date,in,out,reason\nE,2026-06-29,09:00,18:00,x\n", "outside every contract"),
    ("worker_id,date,in,out,reason\nA,2026-06-31,09:00,18:00,x\n", "row 2: date"),
    ("worker_id,date,in,out\nA,2026-06-02,09:00,18:00\n", "lacks column"),
])
def test_bad_corrections_are_input_errors(tmp_path, staff, body, match):
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
    assert "clean: no open exceptions" in ok.output
    out = tmp_path / "report.xlsx"
    bad = runner.invoke(cli, [*base, str(dirty), "--out", str(out)])
    assert bad.exit_code == 1
    assert "missing_out" in bad.output and "unknown_worker" in bad.output
    import fastexcel

    sheets = fastexcel.read_excel(out.read_bytes()).sheet_names
    assert sheets == ["요약", "예외", "보정", "근무"]
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
    why = r.exceptions.filter(pl.col("code").is_in(["duplicate", "single_punch", "missing_in", "missing_out", "overlap", "other_month", "malformed_time", "unknown_worker", "outside_contract"])).select("line")
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
