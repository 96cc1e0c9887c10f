"""Each reader on each encoding and format; vendor profiles; unreadable files → InputError / exit 2."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from click.testing import CliRunner

from payroll.attendance.readers import read_export
from payroll.attendance.xlsx import xlsx_bytes
from payroll.case import InputError
from payroll.cli import cli

DAILY_ROWS = [["T001", "김민서", "2026-06-01", "08:55", "18:02"], ["T002", "이수영", "2026-06-01", "21:58", "06:03"]]
KOREAN_HEADER = ["사번", "성명", "일자", "출근시각", "퇴근시각"]


def _csv(header, rows, sep=",") -> str:
    return "\r\n".join(sep.join(r) for r in [header, *rows]) + "\r\n"


def _check_daily(export, fmt):
    assert export.format == fmt
    assert export.shape == "daily"
    f = export.frame
    assert f.get_column("worker_id").to_list() == ["T001", "T002"]
    assert f.get_column("name").to_list() == ["김민서", "이수영"]
    assert f.get_column("date").to_list() == [dt.date(2026, 6, 1)] * 2
    assert f.get_column("in_min").to_list() == [8 * 60 + 55, 21 * 60 + 58]
    assert f.get_column("out_min").to_list() == [18 * 60 + 2, 6 * 60 + 3]
    assert f.get_column("line").to_list() == [2, 3]


@pytest.mark.parametrize(
    "encoding,prefix,fmt",
    [("utf-8", b"", "csv-utf-8"), ("utf-8", b"\xef\xbb\xbf", "csv-utf-8-sig"), ("cp949", b"", "csv-cp949"), ("euc-kr", b"", "csv-cp949")],
)
def test_daily_csv_each_encoding_detected_by_content(tmp_path, encoding, prefix, fmt):
    path = tmp_path / "export.xlsx"  # a misleading extension: content decides
    path.write_bytes(prefix + _csv(KOREAN_HEADER, DAILY_ROWS).encode(encoding))
    _check_daily(read_export(path), fmt)


def test_tab_separated_daily(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text(_csv(KOREAN_HEADER, DAILY_ROWS, "\t"), encoding="utf-8")
    _check_daily(read_export(path), "csv-utf-8")


def test_daily_xlsx_with_time_cells(tmp_path):
    rows = [
        ["T001", "김민서", dt.date(2026, 6, 1), dt.time(8, 55), dt.time(18, 2)],
        ["T002", "이수영", dt.datetime(2026, 6, 1), dt.time(21, 58), dt.time(6, 3)],
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(xlsx_bytes({"s": [KOREAN_HEADER, *rows]}))
    _check_daily(read_export(path), "xlsx")


def test_daily_xls_legacy(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("근태")
    for j, h in enumerate(KOREAN_HEADER):
        ws.write(0, j, h)
    tstyle = xlwt.easyxf(num_format_str="hh:mm")
    dstyle = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for i, r in enumerate(DAILY_ROWS, start=1):
        ws.write(i, 0, r[0])
        ws.write(i, 1, r[1])
        ws.write(i, 2, dt.date.fromisoformat(r[2]), dstyle)
        for j in (3, 4):
            h, m = r[j].split(":")
            ws.write(i, j, dt.time(int(h), int(m)), tstyle)
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "export.dat"
    path.write_bytes(buf.getvalue())
    _check_daily(read_export(path), "xls")


def test_numeric_worker_ids_from_a_spreadsheet(tmp_path):
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx_bytes({"s": [KOREAN_HEADER, [20260001, "김", "2026-06-01", "09:00", "18:00"]]}))
    assert read_export(path).frame.get_column("worker_id").to_list() == ["20260001"]


PUNCH_A = ["사원번호", "이름", "인증일시", "단말기명", "인증구분"]
PUNCH_A_ROWS = [["T001", "김민서", "2026-06-01 08:55:10", "정문", "출근"], ["T001", "김민서", "2026-06-01 18:02:59", "정문", "퇴근"], ["T001", "김민서", "2026-06-02 08:50:00", "정문", ""]]


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_punch_log_vendor_a(tmp_path, encoding):
    path = tmp_path / "p.csv"
    path.write_bytes(_csv(PUNCH_A, PUNCH_A_ROWS).encode(encoding))
    e = read_export(path)
    assert (e.profile, e.shape) == ("generic-ko-terminal", "punch")  # formerly vendor_a
    assert e.frame.get_column("ts").to_list() == [dt.datetime(2026, 6, 1, 8, 55), dt.datetime(2026, 6, 1, 18, 2), dt.datetime(2026, 6, 2, 8, 50)]
    assert e.frame.get_column("direction").to_list() == ["in", "out", None]
    assert e.frame.get_column("device").to_list() == ["정문"] * 3


def test_punch_log_vendor_b_xlsx_separate_date_and_time(tmp_path):
    header = ["User ID", "User Name", "Date", "Time", "Terminal", "State"]
    rows = [["T001", "Kim", dt.date(2026, 6, 1), dt.time(8, 55), "G1", "C/In"], ["T001", "Kim", dt.date(2026, 6, 1), dt.time(18, 2), "G1", "C/Out"]]
    path = tmp_path / "p.xlsx"
    path.write_bytes(xlsx_bytes({"Log": [header, *rows]}))
    e = read_export(path)
    assert (e.profile, e.shape, e.format) == ("generic-en-access", "punch", "xlsx")  # formerly vendor_b
    assert e.frame.get_column("ts").to_list() == [dt.datetime(2026, 6, 1, 8, 55), dt.datetime(2026, 6, 1, 18, 2)]
    assert e.frame.get_column("direction").to_list() == ["in", "out"]


def test_generic_profile_and_explicit_profile(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(_csv(["worker_id", "timestamp", "direction"], [["T1", "2026-06-01 09:00", "in"]]), encoding="utf-8")
    assert read_export(path).profile == "generic"
    with pytest.raises(InputError, match="머리글 행이 프로필 .generic-en-access. 맞지 않습니다"):  # the old name is an alias
        read_export(path, profile="vendor_b")
    with pytest.raises(InputError, match="알 수 없는 근태 프로필"):
        read_export(path, profile="nope")


def test_a_new_vendor_needs_only_a_toml_in_the_installations_profile_folder(tmp_path, monkeypatch):
    """The installation's own folder beside the database (``<db dir>/payroll-installation/profiles``) is
    searched first; the bundled rules are not replaced."""
    monkeypatch.delenv("PAYROLL_PROFILES", raising=False)
    monkeypatch.setenv("PAYROLL_DB", str(tmp_path / "payroll.db"))
    (tmp_path / "payroll-installation" / "profiles").mkdir(parents=True)
    (tmp_path / "payroll-installation" / "profiles" / "vendor_c.toml").write_text(
        'name = "vendor_c"\n[daily]\nworker_id = ["EMP"]\ndate = ["DAY"]\nin = ["ON"]\nout = ["OFF"]\n', encoding="utf-8"
    )
    path = tmp_path / "c.csv"
    path.write_text(_csv(["EMP", "DAY", "ON", "OFF"], [["T1", "2026.06.01", "0900", "1800"]]), encoding="utf-8")
    e = read_export(path)
    assert (e.profile, e.shape) == ("vendor_c", "daily")
    assert e.frame.row(0, named=True)["in_min"] == 540 and e.frame.row(0, named=True)["out_min"] == 1080
    # the same file read with the profile given as a path
    assert read_export(path, profile=str(tmp_path / "payroll-installation" / "profiles" / "vendor_c.toml")).profile == "vendor_c"


def test_malformed_cells_are_kept_for_the_report(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(_csv(KOREAN_HEADER, [["T1", "김", "2026-06-31", "09:00", "18:00"], ["T1", "김", "2026-06-02", "아홉시", "18:00"]]), encoding="utf-8")
    f = read_export(path).frame
    assert f.get_column("date").to_list() == [None, dt.date(2026, 6, 2)]
    assert f.get_column("in_min").to_list() == [540, None]
    assert f.height == 2


# --- unreadable ------------------------------------------------------------------------------


def _random_bytes(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_are_input_errors(tmp_path, seed):
    path = tmp_path / f"r{seed}.csv"
    path.write_bytes(_random_bytes(2000, seed))
    with pytest.raises(InputError) as err:
        read_export(path)
    assert str(path) in str(err.value)


def test_truncated_files_are_input_errors(tmp_path):
    good = _csv(KOREAN_HEADER, DAILY_ROWS).encode("utf-8")
    cut = tmp_path / "cut.csv"
    cut.write_bytes(good[: good.rindex(b",")])  # ends in the middle of the last row
    with pytest.raises(InputError, match="잘렸나요"):
        read_export(cut)
    xl = xlsx_bytes({"s": [KOREAN_HEADER, *DAILY_ROWS]})
    cutx = tmp_path / "cut.xlsx"
    cutx.write_bytes(xl[: len(xl) // 2])
    with pytest.raises(InputError, match="cut.xlsx: XLSX로 읽을 수 없습니다"):
        read_export(cutx)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + "사번".encode()[:-1])
    with pytest.raises(InputError, match="bom.csv"):
        read_export(bom)


def test_empty_and_headerless_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.csv: 빈 파일입니다"):
        read_export(empty)
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="other.csv: 머리글 행이 .* 맞지 않습니다"):
        read_export(other)


@pytest.mark.parametrize("kind", ["random", "truncated_xlsx", "missing"])
def test_cli_exit_code_2_with_one_clear_line(tmp_path, kind):
    path = tmp_path / "in.xlsx"
    if kind == "random":
        path.write_bytes(_random_bytes(5000, 99))
    elif kind == "truncated_xlsx":
        xl = xlsx_bytes({"s": [KOREAN_HEADER, *DAILY_ROWS]})
        path.write_bytes(xl[:300])
    result = CliRunner().invoke(cli, ["attendance", "check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("오류: ") and str(path) in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _xlsx_by_openpyxl_append(sheets: dict) -> bytes:
    """The report workbook as openpyxl writes it with ``append`` (xlsx_bytes before SheetCells), each
    cell set as payroll.security.cells sets it (text stays text: =1+1 and #N/A are strings)."""
    import polars as pl
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from payroll.attendance.xlsx import _cell, normalise_zip
    from payroll.security.cells import put_value

    def cell(ws, value):
        c = WriteOnlyCell(ws)
        put_value(c, value)
        return c

    wb = Workbook(write_only=True)
    for title, content in sheets.items():
        ws = wb.create_sheet(title=title[:31])
        rows = [list(content.columns), *content.iter_rows()] if isinstance(content, pl.DataFrame) else content
        for row in rows:
            ws.append([cell(ws, _cell(v)) for v in row])
    wb.properties.creator = "payroll"
    wb.properties.created = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def test_xlsx_bytes_are_what_openpyxl_append_writes():
    import polars as pl

    exceptions = pl.DataFrame({
        "source": ["근태/daily.csv", "a&b <c>"], "line": [3, None], "worker_id": ["W001", " W002 "],
        "date": [dt.date(2026, 6, 1), None], "detail": ["=1+1", ""], "hours": [1.5, float("nan")], "ok": [True, False],
        "days": [[1, 2], []],
    })
    sheets = {
        "요약": [["항목", "값"], [], ["근무일", 21], ["시각", dt.time(9, 5)], ["일시", dt.datetime(2026, 6, 1, 9)], [None, "#N/A"]],
        "예외": exceptions,
        "a very long sheet title that is cut at 31": [["x"]],
    }
    assert xlsx_bytes(sheets) == _xlsx_by_openpyxl_append(sheets)
