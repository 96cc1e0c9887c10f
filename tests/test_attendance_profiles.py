"""One test per layout family, each on a file laid out as the vendor documents its export
(tests/fixtures/attendance, built by its make.py): headerless by position (ZKTeco 1_attlog.dat),
fixed-width records, a header export with compound ids and event kinds (Suprema BioStar 2), a
day-matrix report with varying titles and the data on a later sheet (ZKTeco 근태 report XLS/XLSX),
a daily report with the night shift's 퇴근 on the next row; a device-user table in the installation's
profile folder; names as a fallback; and no row silently dropped."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from payroll.attendance.checks import check
from payroll.attendance.profile_files import catalog
from payroll.attendance.readers import read_export
from payroll.case import InputError
from payroll.cli import cli
from payroll.law import default_rules_dir
from tests.fixtures.attendance.make import FILES
from tests.test_attendance_support import contract, roster, worker

FIX = Path(__file__).resolve().parent / "fixtures" / "attendance"
JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
D = dt.datetime


def day_and_night(ids=("T001", "T002", "T105")):
    a, b, n = ids
    return roster((worker(a), contract(a)), (worker(b), contract(b)), (worker(n, job="CCTV관제"), contract(n, begin="22:00", finish="06:00")))


def shifts_of(r, wid):
    return [(s["in_ts"], s["out_ts"]) for s in r.shifts.filter(pl.col("worker_id") == wid).sort("in_ts").iter_rows(named=True)]


def codes_at(r, line):
    return sorted(r.exceptions.filter(pl.col("line") == line).get_column("code").to_list())


def install(tmp_path, monkeypatch, *profiles: tuple[str, str]) -> Path:
    """An installation folder beside a database, with the device-user table and the given profile files."""
    folder = tmp_path / "payroll-installation" / "profiles"
    folder.mkdir(parents=True)
    shutil.copy(FIX / "device_users.csv", folder / "device_users.csv")
    for name, text in profiles:
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.delenv("PAYROLL_PROFILES", raising=False)
    monkeypatch.setenv("PAYROLL_DB", str(tmp_path / "payroll.db"))
    return folder


def test_the_fixtures_are_the_builders_output(tmp_path):
    from tests.fixtures.attendance.make import build

    build(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (FIX / name).read_bytes(), name


def test_zkteco_attlog_headerless_by_position_with_the_installations_device_user_table(tmp_path, monkeypatch):
    """1_attlog.dat: PIN · date-time · device · state · verify · workcode, tab separated, no header. The site's
    copy of the bundled profile maps device user numbers to worker ids (device_users.csv beside it)."""
    site = (default_rules_dir() / "attendance" / "zkteco-attlog.toml").read_text(encoding="utf-8")
    site = site.replace('name = "zkteco-attlog"', 'name = "zkteco-attlog-site"').replace('aliases = ["attlog", "zkteco-attlog-dat"]', "")
    install(tmp_path, monkeypatch, ("zkteco-attlog-site.toml", site + '\n[ids]\nmap = "device_users.csv"\n'))
    # without a name the file is recognised by its layout: the installation's profile first …
    assert read_export(FIX / "1_attlog.dat").profile == "zkteco-attlog-site"
    # … and without it, the bundled one (device numbers as they are)
    plain = read_export(FIX / "1_attlog.dat", profiles=catalog(tmp_path / "elsewhere"))
    assert (plain.profile, plain.shape, plain.header_line) == ("zkteco-attlog", "punch", 0)
    assert plain.frame.get_column("worker_id").unique().sort().to_list() == ["1", "105", "2"]
    e = read_export(FIX / "1_attlog.dat", profile="zkteco-attlog-site")
    assert e.frame.get_column("worker_id").unique().sort().to_list() == ["T001", "T002", "T105"]
    assert e.frame.filter(pl.col("line") == 2).row(0, named=True)["direction"] == "out"  # state 2: break-out
    r = check([e], day_and_night(), month=JUNE)
    # the break-out/break-in pair splits the day: the lunch hour is not a shift
    assert shifts_of(r, "T001") == [(D(2026, 6, 1, 8, 52), D(2026, 6, 1, 12, 1)), (D(2026, 6, 1, 12, 58), D(2026, 6, 1, 18, 4)), (D(2026, 6, 2, 8, 55), D(2026, 6, 2, 18))]
    assert shifts_of(r, "T105") == [(D(2026, 6, 1, 21, 51), D(2026, 6, 2, 6, 2))]
    # line 10 has state 7, which the layout does not name: an error naming the row, not a guess
    assert codes_at(r, 10) == ["unexplained_row"] and "'7'" in r.exceptions.filter(pl.col("line") == 10).get_column("detail").item()
    assert codes_at(r, 9) == ["missing_out"]
    assert r.rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0 and r.rows.height == 12


def test_a_device_user_missing_from_the_table_is_an_error_naming_it(tmp_path, monkeypatch):
    site = (default_rules_dir() / "attendance" / "zkteco-attlog.toml").read_text(encoding="utf-8").replace('name = "zkteco-attlog"', 'name = "site"').replace('aliases = ["attlog", "zkteco-attlog-dat"]', "")
    folder = install(tmp_path, monkeypatch, ("site.toml", site + '\n[ids]\nmap = "device_users.csv"\n'))
    (folder / "device_users.csv").write_text("device_user,worker_id\n1,T001\n2,T002\n", encoding="utf-8")
    r = check([read_export(FIX / "1_attlog.dat", profile="site")], day_and_night(), month=JUNE)
    unknown = r.exceptions.filter((pl.col("code") == "unknown_worker"))
    assert unknown.get_column("line").to_list() == [11, 12]
    assert unknown.get_column("detail").to_list() == ["단말기 사용자 105: 대응표(device_users.csv)에 없음"] * 2


def test_zkteco_push_attlog_by_name(tmp_path):
    path = tmp_path / "attlog.txt"
    path.write_text("1\t2026-06-01 08:52:10\t0\t1\t0\n1\t2026-06-01 18:04:31\t1\t1\t0\n", encoding="ascii")
    e = read_export(path, profile="zkteco-push-attlog")
    assert e.frame.get_column("direction").to_list() == ["in", "out"]


def test_fixed_width_records(tmp_path):
    """``2026040108454510107``-style records: date [1–8], time [9–14], direction [15], device [16–17], worker [18–19]."""
    e = read_export(FIX / "fixed19.txt")
    assert (e.profile, e.shape) == ("generic-fixed-width", "punch")
    first = e.frame.row(0, named=True)
    assert (first["worker_id"], first["ts"], first["direction"], first["device"]) == ("01", D(2026, 6, 1, 8, 45), "in", "01")
    r = check([e], day_and_night(("01", "02", "03")), month=JUNE)
    assert shifts_of(r, "01") == [(D(2026, 6, 1, 8, 45), D(2026, 6, 1, 18, 2)), (D(2026, 6, 2, 8, 50), D(2026, 6, 2, 18))]
    assert codes_at(r, 5) == ["unexplained_row"]  # 18 characters: not a record of this layout
    # the spans come from the profile alone: a site whose worker field is wider writes its own
    other = tmp_path / "wide.toml"
    other.write_text('name = "wide"\n[layout]\nkind = "fixed"\n[punch]\ndate = [1, 8]\ntime = [9, 12]\nworker_id = [13, 18]\n', encoding="utf-8")
    rec = tmp_path / "wide.txt"
    rec.write_text("202606010845T00001\n202606011802T00001\n", encoding="ascii")
    w = read_export(rec, profile=str(other))
    assert w.frame.select("worker_id", "ts").rows() == [("T00001", D(2026, 6, 1, 8, 45)), ("T00001", D(2026, 6, 1, 18, 2))]


def test_suprema_biostar2_event_log_compound_user_cells_and_event_kinds():
    """BioStar 2 Event Log CSV: the user written "105(박서준)", only authentication successes are punches, the TNA
    key (F1/F2) gives the direction, a door event and a failure are not records, an unknown event is an error."""
    e = read_export(FIX / "biostar2_events.csv")
    assert (e.profile, e.format) == ("suprema-biostar2-csv", "csv-utf-8-sig")
    assert e.frame.filter(pl.col("line") == 8).select("worker_id", "name", "direction").row(0) == ("105", "박서준", "in")
    r = check([e], day_and_night(("1", "2", "105")), month=JUNE)
    assert shifts_of(r, "2") == [(D(2026, 6, 1, 8, 53), D(2026, 6, 1, 18, 11))]
    assert shifts_of(r, "105") == [(D(2026, 6, 1, 21, 51), D(2026, 6, 2, 6, 2))]
    assert codes_at(r, 3) == ["not_data"] and codes_at(r, 4) == ["not_data"]  # Door opened; authentication failed
    assert codes_at(r, 10) == ["unexplained_row"]  # Firmware upgraded: neither a punch nor a known non-record
    assert r.rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0


@pytest.mark.parametrize("name,sheet", [("zkteco_report.xls", "'考勤记录'"), ("zkteco_report_ko.xlsx", "'출퇴근 기록'")])
def test_zkteco_report_day_matrix_on_a_later_sheet(name, sheet):
    """The report: title 考 勤 记 录 表 (or 출 퇴 근 기 록 표), period, the day numbers across, two rows a worker;
    the shift and summary sheets before it are listed, not read. Several punches to a cell, with or without a
    separator; a night shift's 06:02 in the next day's column ends the evening's shift."""
    e = read_export(FIX / name)
    assert (e.profile, e.shape, e.sheet) == ("zkteco-report-xls", "punch", sheet)
    assert all("not the report" in n for n in e.notes) and e.notes
    r = check([e], day_and_night(("1", "2", "105")), month=JUNE)
    assert shifts_of(r, "1") == [(D(2026, 6, 1, 8, 52), D(2026, 6, 1, 18, 4)), (D(2026, 6, 2, 8, 55), D(2026, 6, 2, 18)),
                                 (D(2026, 6, 3, 8, 58), D(2026, 6, 3, 12, 1)), (D(2026, 6, 3, 12, 58), D(2026, 6, 3, 18, 10))]
    assert shifts_of(r, "105") == [(D(2026, 6, 1, 21, 51), D(2026, 6, 2, 6, 2)), (D(2026, 6, 2, 21, 49), D(2026, 6, 3, 6, 5))]
    lone = r.exceptions.filter((pl.col("worker_id") == "2") & (pl.col("code") == "single_punch"))
    assert lone.get_column("date").to_list() == [dt.date(2026, 6, 2)]
    assert "'결근'" in r.exceptions.filter((pl.col("code") == "not_data")).get_column("detail").item()


def test_a_night_shift_whose_out_sits_on_the_next_days_row_is_one_shift():
    """A daily report of each calendar day's first and last punch: 21:51 on 06-01's row, 06:02 (and the next
    evening's 21:49) on 06-02's. For a worker whose contract crosses midnight those are one shift each, not a
    missing 퇴근 and a missing 출근."""
    r = check([read_export(FIX / "night_daily.csv")], day_and_night(), month=JUNE)
    assert shifts_of(r, "T105") == [(D(2026, 6, 1, 21, 51), D(2026, 6, 2, 6, 2)), (D(2026, 6, 2, 21, 49), D(2026, 6, 3, 6, 5))]
    # the day worker of the roster is not in this file: a warning, not an error
    assert set(r.exceptions.get_column("code")) == {"crosses_midnight", "no_record"}
    assert r.exceptions.filter(pl.col("code") == "no_record").get_column("worker_id").to_list() != ["T105"]
    assert r.clean and r.rows.filter(~pl.col("used")).height == 0


def test_names_as_a_fallback_with_a_warning(tmp_path):
    """A row without an id is matched by the roster's only worker of that name (a warning naming the row); a name
    two workers share, or one not in the roster, leaves the row an error naming it."""
    staff = roster((worker("T001").model_copy(update={"name": "정하늘"}), contract("T001")), (worker("T002").model_copy(update={"name": "김민서"}), contract("T002")),
                   (worker("T003").model_copy(update={"name": "이수영"}), contract("T003")), (worker("T004").model_copy(update={"name": "이수영"}), contract("T004")))
    path = tmp_path / "d.csv"
    path.write_text("사번,성명,일자,출근,퇴근\n,정하늘,2026-06-01,09:00,18:00\n,홍길동,2026-06-01,09:00,18:00\n,,2026-06-02,09:00,18:00\n,이수영,2026-06-02,09:00,18:00\n", encoding="utf-8")
    r = check([read_export(path)], staff, month=JUNE)
    assert codes_at(r, 2) == ["matched_by_name"] and r.exceptions.filter(pl.col("line") == 2).get_column("severity").item() == "warning"
    assert shifts_of(r, "T001") == [(D(2026, 6, 1, 9), D(2026, 6, 1, 18))]
    details = dict(zip(r.exceptions.get_column("line"), r.exceptions.get_column("detail")))
    assert codes_at(r, 3) == ["unknown_worker"] and details[3] == "사번 없음 (성명 홍길동)"
    assert codes_at(r, 4) == ["unknown_worker"] and details[4] == "사번 없음"
    assert codes_at(r, 5) == ["unknown_worker"] and details[5] == "사번 없음 (성명 이수영)"  # two workers of that name
    # a file with names and no id column at all is read by names
    names_only = tmp_path / "n.csv"
    names_only.write_text("성명,일자,출근,퇴근\n김민서,2026-06-01,09:00,18:00\n", encoding="utf-8")
    r = check([read_export(names_only)], staff, month=JUNE)
    assert shifts_of(r, "T002") == [(D(2026, 6, 1, 9), D(2026, 6, 1, 18))] and codes_at(r, 2) == ["matched_by_name"]


def test_the_cli_exits_non_zero_while_errors_remain_open(tmp_path):
    """An empty worker id is an error naming the row: `payroll attendance check` exits 1 and `timesheet` too."""
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("worker_id,name,birth_date,department,employment\nT001,정하늘,1980-01-01,총무과,fixed_term\n", encoding="utf-8")
    contracts_csv = tmp_path / "contracts.csv"
    contracts_csv.write_text("contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes\n"
                             "C1,T001,2026-01-01,2026-12-31,hourly,12121,12345,09:00,18:00,60\n", encoding="utf-8")
    daily = tmp_path / "d.csv"
    daily.write_text("사번,성명,일자,출근,퇴근\nT001,정하늘,2026-06-01,09:00,18:00\n,,2026-06-02,09:00,18:00\n", encoding="utf-8")
    base = ["--roster", str(roster_csv), "--contracts", str(contracts_csv)]
    res = CliRunner().invoke(cli, ["attendance", "check", str(daily), *base, "--month", "2026-06"])
    assert res.exit_code == 1 and f"{daily}:3" in res.output and "unknown_worker" in res.output
    res = CliRunner().invoke(cli, ["attendance", "timesheet", str(daily), *base, "--month", "2026-06", "--pay-date", "2026-07-10"])
    assert res.exit_code == 1 and "미해결 근태 오류 1건" in res.output


def test_profile_names_aliases_and_paths(tmp_path):
    cat = catalog(tmp_path / "none")
    assert cat.get("vendor_a").name == "generic-ko-terminal" and cat.get("biostar2").name == "suprema-biostar2-csv"
    with pytest.raises(InputError, match="알 수 없는 근태 프로필 'nope'.*있는 프로필: .*zkteco-attlog"):
        cat.get("nope")
    with pytest.raises(InputError, match="missing.toml.*없습니다"):
        cat.get(str(tmp_path / "missing.toml"))


@pytest.mark.parametrize("toml,message", [
    ('name = "x"\n[layout]\nkind = "position"\n[punch]\nworker_id = "사번"\ntimestamp = 2\n', "위치\\(position\\) 모양에서는 열 번호가 필요합니다"),
    ('name = "x"\n[layout]\nkind = "fixed"\n[punch]\nworker_id = [3, 1]\ntimestamp = [1, 2]\n', "글자 위치가 필요합니다"),
    ('name = "x"\n[layout]\nkind = "sideways"\n', "layout.kind"),
    ('name = "x"\n[punch]\nworker_id = ["a"]\ntimestamp = ["b"]\n[punch.direction_patterns]\nin = "("\n', "올바른 정규식이 아닙니다"),
    ('name = "x"\n[punch]\nworker_id = ["a"]\ntimestamp = ["b"]\n[ids]\npattern = "(\\\\d+)"\n', "이름이 id인 그룹이 필요합니다"),
    ('name = "x"\n[layout]\nkind = "position"\n[punch]\nworker_id = 1\n', "x.toml: 없는 열: date, time"),
])
def test_a_profile_mistake_names_the_file_and_key(tmp_path, toml, message):
    from payroll.attendance.profile_files import load_profile
    from payroll.law import RuleError

    path = tmp_path / "x.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_profile(path)


@pytest.mark.parametrize("table,message", [
    ("user,worker\n1,T001\n", "파일에 열이 없습니다"),
    ("device_user,worker_id\n1,T001\n1,T002\n", "3행: 기기 사용자 1이\\(가\\) 두 번 연결되어 있습니다"),
    ("device_user,worker_id\n1,\n", "2행: device_user와 worker_id가 모두 필요합니다"),
])
def test_a_bad_device_user_table_is_an_input_error_naming_the_row(tmp_path, table, message):
    from payroll.attendance.readers.ids import load_device_users

    path = tmp_path / "device_users.csv"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_device_users(path)


def test_a_device_user_table_per_device(tmp_path):
    from payroll.attendance.readers.ids import load_device_users, mapped_ids

    path = tmp_path / "device_users.csv"
    path.write_text("device,device_user,worker_id\n1,7,T001\n2,7,T002\n,9,T009\n", encoding="utf-8")
    table = load_device_users(path)
    got = mapped_ids(table, pl.Series(["7", "7", "9", "5"]), pl.Series(["1", "2", "3", "1"]))
    assert got.to_list() == ["T001", "T002", "T009", None]


def test_a_space_separated_log_and_direction_by_pattern(tmp_path):
    """Runs of blanks between fields (the date and time then are two columns), and a direction written in
    words the profile names by pattern: 출근(지문), 퇴근 - 카드 …; a word it does not name is an error."""
    profile = tmp_path / "site.toml"
    profile.write_text('name = "site"\n[layout]\nkind = "position"\ndelimiter = "space"\n[punch]\nworker_id = 1\ndate = 2\ntime = 3\n'
                       'direction = 4\nunknown_direction = "error"\n[punch.direction_patterns]\nin = "^출근"\nout = "^퇴근"\n', encoding="utf-8")
    log = tmp_path / "log.txt"
    log.write_text("   7  2026-06-01  08:55:03  출근(지문)\n   7  2026-06-01  18:02:41  퇴근-카드\n   7  2026-06-02  08:50:00  외출\n", encoding="utf-8")
    e = read_export(log, profile=str(profile))
    assert e.frame.select("worker_id", "ts", "direction").rows() == [("7", D(2026, 6, 1, 8, 55), "in"), ("7", D(2026, 6, 1, 18, 2), "out")]
    assert e.errors.get_column("line").to_list() == [3] and "'외출'" in e.errors.get_column("detail").item()
