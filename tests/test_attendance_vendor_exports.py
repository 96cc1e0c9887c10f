"""What real 근태관리 exports look like: header spellings, title and totals rows, merged cells,
several sheets, date and time spellings, ids, encodings and separators."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from click.testing import CliRunner

from payroll.attendance.checks import check
from payroll.attendance.readers import parse_clocks, parse_dates, read_export
from payroll.attendance.xlsx import xlsx_bytes
from payroll.case import InputError
from payroll.cli import cli

D1 = dt.date(2026, 6, 1)


def _write(path, lines, encoding="utf-8", sep=",", newline="\r\n"):
    path.write_bytes((newline.join(sep.join(r) for r in lines) + newline).encode(encoding))
    return path


# --- header spellings -----------------------------------------------------------------------


@pytest.mark.parametrize("wid,name,day,cin,cout", [
    ("사번", "성명", "일자", "출근", "퇴근"),
    ("사원번호", "이름", "근무일자", "출근시간", "퇴근시간"),
    ("직원번호", "사원명", "날짜", "출근시각", "퇴근시각"),
    ("개인번호", "성명", "출근일자", "출근기록", "퇴근기록"),
    ("ID", "이름", "일자", "최초출근", "최종퇴근"),
    ("사용자ID", "사용자명", "일자", "출근 시간", "퇴근 시간"),
    (" 사 번 ", "성 명 ", "일 자", "출근시간(HH:MM)", "퇴근시간 "),
    ("ＩＤ", "성명", "일자", "출근", "퇴근"),  # full-width
    ("\ufeff사번", "성명", "일자", "출근", "퇴근"),  # a BOM left inside the first cell
])
def test_daily_header_variants(tmp_path, wid, name, day, cin, cout):
    path = _write(tmp_path / "d.csv", [[wid, name, day, cin, cout, "부서", "직급", "비고"], ["T001", "김민서", "2026-06-01", "08:55", "18:02", "총무과", "주무관", ""]])
    e = read_export(path)
    assert e.shape == "daily"  # generic, or vendor_a where its names fit
    assert e.frame.select("worker_id", "date", "in_min", "out_min").row(0) == ("T001", D1, 535, 1082)


@pytest.mark.parametrize("ts,dirh,values", [
    ("인증일시", "인증구분", ("출근", "퇴근")),
    ("출입일시", "출입구분", ("입실", "퇴실")),
    ("발생일시", "상태", ("IN", "OUT")),
])
def test_punch_header_variants(tmp_path, ts, dirh, values):
    path = _write(tmp_path / "p.csv", [["사용자ID", "이름", ts, "장치명", dirh], ["7", "김", "2026-06-01 08:55:10", "정문", values[0]], ["7", "김", "2026-06-01 18:02:00", "정문", values[1]]])
    e = read_export(path)
    assert e.shape == "punch"
    assert e.frame.get_column("direction").to_list() == ["in", "out"]
    assert e.frame.get_column("device").to_list() == ["정문", "정문"]
    assert e.frame.get_column("ts").to_list() == [dt.datetime(2026, 6, 1, 8, 55), dt.datetime(2026, 6, 1, 18, 2)]


def test_title_rows_blank_rows_and_a_totals_row_are_reported_not_used(tmp_path):
    path = _write(tmp_path / "d.csv", [
        ["근태 현황"], [""], ["조회기간 : 2026-06-01 ~ 2026-06-30", "", ""], ["출력일시: 2026-07-01 09:00"], [],
        ["사번", "성명", "부서", "일자", "출근시간", "퇴근시간", "비고"],
        ["T001", "김민서", "총무과", "2026-06-01", "08:55", "18:02", ""],
        ["T001", "김민서", "총무과", "2026-06-02", "-", "-", "연차"],
        ["사번", "성명", "부서", "일자", "출근시간", "퇴근시간", "비고"],  # repeated at a page break
        ["T002", "이수영", "시설과", "2026-06-01", "21:58", "+1 06:03", ""],
        ["합계", "", "", "", "", "", "2명"],
        ["출력자: 홍길동"],
    ], encoding="cp949")
    e = read_export(path)
    assert e.format == "csv-cp949" and e.header_line == 6
    assert e.frame.get_column("line").to_list() == [7, 8, 10]
    assert e.frame.get_column("in_min").to_list() == [535, None, 1318]
    assert e.frame.get_column("out_min").to_list() == [1082, None, 1440 + 363]
    assert e.skipped.get_column("line").to_list() == [9, 11, 12]
    r = check([e], dup_window=5)
    rows = dict(zip(r.rows.get_column("line").to_list(), zip(r.rows.get_column("used").to_list(), r.rows.get_column("reported").to_list(), strict=True), strict=True))
    assert rows == {7: (True, False), 8: (True, False), 9: (False, True), 10: (True, True), 11: (False, True), 12: (False, True)}
    not_data = r.exceptions.filter(pl.col("code") == "not_data")
    assert not_data.get_column("line").to_list() == [9, 11, 12] and set(not_data.get_column("severity")) == {"info"}
    night = r.shifts.filter(pl.col("worker_id") == "T002").row(0, named=True)
    assert night["out_ts"] == dt.datetime(2026, 6, 2, 6, 3)
    assert r.clean


def test_a_row_that_only_looks_like_a_label_is_a_record(tmp_path):
    # "계약직" starts with the label "계" but is a word; such a row is data (here: an unknown id)
    path = _write(tmp_path / "d.csv", [["사번", "성명", "일자", "출근", "퇴근"], ["계약직1", "김", "2026-06-01", "09:00", "18:00"]])
    e = read_export(path)
    assert e.frame.height == 1 and e.skipped.height == 0


# --- dates and times ------------------------------------------------------------------------


def _dates(values, day_first=False):
    return parse_dates(pl.Series(values, dtype=pl.Utf8), day_first).to_list()


def _clocks(values):
    return parse_clocks(pl.Series(values, dtype=pl.Utf8)).rows()


def test_date_spellings():
    values = ["2026-06-01", "2026.06.01", "2026/06/01", "20260601", "2026-06-01 (월)", "2026-06-01(월)", "2026. 6. 1.",
              "2026년 6월 1일", "2026년 6월 1일 월요일", "26.06.01", "2026-6-1", "46174", "46174.0", "2026-06-01 00:00:00", "06/01/2026",
              "２０２６－０６－０１", "2026-06-01 (Mon)", "2026-06-01 08:55:10"]
    assert _dates(values) == [D1] * len(values)
    assert _dates(["2026-06-31", "2026-13-01", "", "어제", "06/31/2026"]) == [None] * 5
    # 06/01/2026 is month first; a column with 25/06/2026 is day first
    assert _dates(["06/01/2026"]) == [D1]
    assert _dates(["01/06/2026"], day_first=True) == [D1]


def test_time_spellings():
    cases = {
        "9:05": 545, "09:05": 545, "09:05:33": 545, "0905": 545, "905": 545, "오전 9:05": 545, "오후 6:10": 1090,
        "오후 12:30": 750, "오전 12:10": 10, "9:05 AM": 545, "6:10 PM": 1090, "PM 6:10": 1090, "18시05분": 1085, "18시 5분": 1085,
        "18시": 1080, "0.378472222": 545, "0.75": 1080, "1899-12-30 09:05:00": 545, "1899-12-31 09:05:33": 545,
        "24:10": 1450, "+1 06:00": 1800, "06:00(+1)": 1800, "익일 06:00": 1800, "1900-01-01 06:00:00": 1800, "1.25": 1800,
        "１８：０５": 1085,
    }
    got = _clocks(list(cases))
    assert [m for _, m in got] == list(cases.values())
    assert all(d is None for d, _ in got)
    # a full date-time keeps its date for the caller; nonsense is null
    assert _clocks(["2026-06-02 06:03", "46175.25"]) == [(dt.date(2026, 6, 2), 363), (dt.date(2026, 6, 2), 360)]
    assert [m for _, m in _clocks(["25:70", "9시반", "오후 25:00", "abc", ""])] == [None] * 5


def test_daily_out_on_the_next_date_and_a_separate_out_date_column(tmp_path):
    path = _write(tmp_path / "d.csv", [
        ["사번", "출근일자", "출근시간", "퇴근일자", "퇴근시간"],
        ["N1", "2026-06-01", "22:00", "2026-06-02", "06:00"],
        ["N1", "2026-06-03", "2026-06-03 22:00", "", "2026-06-04 06:05"],
        ["N1", "2026-06-05", "22:00", "2026-06-09", "06:00"],  # four days later: not a time of this row
    ])
    f = read_export(path).frame
    assert f.get_column("in_min").to_list() == [1320, 1320, 1320]
    assert f.get_column("out_min").to_list() == [1800, 1805, None]


def test_punch_timestamps_and_date_plus_time(tmp_path):
    path = _write(tmp_path / "p.csv", [
        ["사번", "인증일시", "인증구분"],
        ["1", "2026/06/01 오전 8:55:10", "출근"], ["1", "2026.06.01 18:02", "퇴근"], ["1", "20260602085510", "출근"],
        ["1", "2026-06-02T18:00:00", "퇴근"], ["1", "46175.75", "퇴근"], ["1", "2026-06-03 25:00", "출근"],
    ])
    f = read_export(path).frame
    assert f.get_column("ts").to_list() == [
        dt.datetime(2026, 6, 1, 8, 55), dt.datetime(2026, 6, 1, 18, 2), dt.datetime(2026, 6, 2, 8, 55),
        dt.datetime(2026, 6, 2, 18, 0), dt.datetime(2026, 6, 2, 18, 0), None,
    ]
    path = _write(tmp_path / "q.csv", [["사원번호", "날짜", "시간", "구분"], ["1", "2026-06-01 (월)", "오후 6:10", "OUT"], ["1", "06/02/2026", "08:55:00", "IN"]])
    assert read_export(path).frame.get_column("ts").to_list() == [dt.datetime(2026, 6, 1, 18, 10), dt.datetime(2026, 6, 2, 8, 55)]


def test_failed_authentications_are_reported_not_paired(tmp_path):
    path = _write(tmp_path / "p.csv", [["사번", "인증일시", "인증구분"], ["1", "2026-06-01 08:55", "출근"], ["1", "2026-06-01 12:00", "인증 실패"], ["1", "2026-06-01 18:00", "퇴근"]])
    e = read_export(path)
    assert e.frame.get_column("line").to_list() == [2, 4] and e.skipped.get_column("line").to_list() == [3]


# --- ids ------------------------------------------------------------------------------------


def test_ids_keep_leading_zeros_and_lose_a_float_tail(tmp_path):
    path = _write(tmp_path / "d.csv", [["사번", "일자", "출근", "퇴근"], ["00123", "2026-06-01", "9:00", "18:00"], ["123.0", "2026-06-01", "9:00", "18:00"], ["'00042", "2026-06-01", "9:00", "18:00"]])
    assert read_export(path).frame.get_column("worker_id").to_list() == ["00123", "123", "00042"]
    xl = tmp_path / "d.xlsx"
    xl.write_bytes(xlsx_bytes({"s": [["사번", "일자", "출근", "퇴근"], ["00123", D1, dt.time(9), dt.time(18)], [123, D1, dt.time(9), dt.time(18)]]}))
    assert read_export(xl).frame.get_column("worker_id").to_list() == ["00123", "123"]


# --- encodings and separators ---------------------------------------------------------------

LINES = [["사번", "성명", "일자", "출근시각", "퇴근시각"], ["T001", "김, 민서", "2026-06-01", "08:55", "18:02"]]


@pytest.mark.parametrize("encoding,bom,sep,fmt", [
    ("utf-16-le", b"\xff\xfe", "\t", "csv-utf-16"),
    ("utf-16-be", b"\xfe\xff", "\t", "csv-utf-16"),
    ("utf-16-le", b"", "\t", "csv-utf-16"),
    ("cp949", b"", ";", "csv-cp949"),
    ("utf-8", b"\xef\xbb\xbf", "|", "csv-utf-8-sig"),
    ("utf-8", b"", ",", "csv-utf-8"),
])
def test_encodings_and_separators(tmp_path, encoding, bom, sep, fmt):
    quoted = [[f'"{c}"' for c in row] for row in LINES]  # every field quoted, one holding a comma
    path = tmp_path / "e.txt"
    path.write_bytes(bom + ("\r\n".join(sep.join(r) for r in quoted) + "\r\n").encode(encoding))
    e = read_export(path)
    assert e.format == fmt
    assert e.frame.select("worker_id", "name", "in_min").row(0) == ("T001", "김, 민서", 535)


def test_a_row_with_more_values_than_the_header_names_its_line(tmp_path):
    path = _write(tmp_path / "d.csv", [["사번", "일자", "출근", "퇴근"], ["T1", "2026-06-01", "09:00", "18:00"], ["T1", "2026-06-02", "09:00", "18:00", "x"]])
    with pytest.raises(InputError, match=r"d\.csv: 3행: 칸이 5개인데 머리글은 4개입니다"):
        read_export(path)


def test_a_header_naming_a_used_column_twice_is_refused(tmp_path):
    path = _write(tmp_path / "d.csv", [["사번", "일자", "출근", "퇴근", "출근"], ["T1", "2026-06-01", "09:00", "18:00", "09:01"]])
    with pytest.raises(InputError, match="머리글에 열 '출근'이\\(가\\) 두 번 있습니다"):
        read_export(path)
    ok = _write(tmp_path / "ok.csv", [["사번", "일자", "출근", "퇴근", "비고", "비고"], ["T1", "2026-06-01", "09:00", "18:00", "", ""]])
    assert read_export(ok).frame.height == 1


# --- workbooks ------------------------------------------------------------------------------


def test_xlsx_title_rows_merged_cells_two_row_header_and_totals(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "요약"
    ws.append(["6월 근태 요약"])
    ws2 = wb.create_sheet("근태현황")
    ws2["A1"] = "근태 현황"
    ws2.merge_cells("A1:F1")
    ws2["A2"] = "조회기간: 2026-06-01 ~ 2026-06-30"
    ws2.append([])
    ws2.append(["사번", "성명", "일자", "근무시간", None, "비고"])      # row 4
    ws2.append([None, None, None, "출근", "퇴근", None])              # row 5
    ws2.merge_cells("D4:E4")
    ws2.append(["00123", "김민서", D1, dt.time(8, 55), dt.time(18, 2), None])                    # row 6
    ws2.append([None, None, dt.date(2026, 6, 2), "오전 8:50", dt.datetime(2026, 6, 2, 18, 5), None])  # row 7
    ws2.merge_cells("A6:A7")
    ws2.merge_cells("B6:B7")
    ws2.append(["합계", None, None, None, None, "2일"])                # row 8
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "export.xlsx"
    path.write_bytes(buf.getvalue())
    e = read_export(path)
    assert (e.format, e.sheet, e.header_line, e.shape) == ("xlsx", "'근태현황'", 5, "daily")
    f = e.frame
    assert f.get_column("line").to_list() == [6, 7]
    assert f.get_column("worker_id").to_list() == ["00123", "00123"]
    assert f.get_column("name").to_list() == ["김민서", "김민서"]
    assert f.get_column("in_min").to_list() == [535, 530] and f.get_column("out_min").to_list() == [1082, 1085]
    assert e.skipped.get_column("line").to_list() == [8]
    assert e.notes == ("시트 '요약': 머리글이 어느 프로필에도 맞지 않아 읽지 않음",)
    r = check([e], dup_window=5)
    assert r.rows.height == 3 and r.rows.filter(~pl.col("used") & ~pl.col("reported")).height == 0
    assert any("시트 '근태현황' 머리글 5행" in n for n in r.notes)


def test_xlsx_sheets_of_the_same_layout_are_all_read(tmp_path):
    header = ["사번", "일자", "출근", "퇴근"]
    path = tmp_path / "w.xlsx"
    path.write_bytes(xlsx_bytes({"총무과": [header, ["T1", D1, dt.time(9), dt.time(18)]], "시설과": [header, ["T2", D1, dt.time(9), dt.time(18)]],
                                 "원시기록": [["사번", "인증일시"], ["T1", dt.datetime(2026, 6, 1, 9)]]}))
    e = read_export(path)
    assert e.frame.get_column("source").to_list() == [f"{path}[총무과]", f"{path}[시설과]"]
    assert e.notes == ("시트 '원시기록': generic-ko-terminal punch에 맞지만 읽지 않음 (이 통합문서는 generic daily로 읽음)",)


def test_xlsx_excel_serials_and_time_fractions_in_general_cells(tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx_bytes({"s": [["사번", "일자", "출근", "퇴근"], ["T1", 46174, 0.3784722222, 0.75], ["T1", 46175, "09:05", "24:10"]]}))
    f = read_export(path).frame
    assert f.get_column("date").to_list() == [D1, dt.date(2026, 6, 2)]
    assert f.get_column("in_min").to_list() == [545, 545] and f.get_column("out_min").to_list() == [1080, 1450]


def test_xls_with_title_rows_and_merged_ids(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("근태")
    ws.write_merge(0, 0, 0, 3, "근태 현황")
    ws.write(2, 0, "사원번호")
    ws.write(2, 1, "근무일자")
    ws.write(2, 2, "출근시간")
    ws.write(2, 3, "퇴근시간")
    ws.write_merge(3, 4, 0, 0, "00042")
    tstyle = xlwt.easyxf(num_format_str="hh:mm")
    for i, day in enumerate((1, 2)):
        ws.write(3 + i, 1, f"2026-06-0{day}")
        ws.write(3 + i, 2, dt.time(9, 0), tstyle)
        ws.write(3 + i, 3, dt.time(18, 0), tstyle)
    ws.write(5, 0, "합계")
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "old.xls"
    path.write_bytes(buf.getvalue())
    e = read_export(path)
    assert (e.format, e.header_line) == ("xls", 3)
    assert e.frame.get_column("line").to_list() == [4, 5]
    assert e.frame.get_column("worker_id").to_list() == ["00042", "00042"]
    assert e.frame.get_column("in_min").to_list() == [540, 540]
    assert e.skipped.get_column("line").to_list() == [6]


def test_a_workbook_without_a_fitting_sheet_names_its_sheets(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx_bytes({"가": [["a", "b"], [1, 2]], "나": [["c"]]}))
    with pytest.raises(InputError, match=r"x\.xlsx: 머리글 행이 어느 근태 프로필.*'가', '나'"):
        read_export(path)


def test_cli_reads_a_messy_export_and_keeps_its_exit_codes(tmp_path):
    clean = _write(tmp_path / "d.csv", [["근태 현황"], ["사번", "일자", "출근", "퇴근"], ["T1", "2026-06-01", "오전 9:00", "오후 6:00"], ["합계", "", "", ""]], encoding="cp949")
    result = CliRunner().invoke(cli, ["attendance", "check", str(clean)])
    assert result.exit_code == 0, result.output
    assert "not_data" in result.output and "머리글 2행" in result.output
    bad = _write(tmp_path / "b.csv", [["사번", "일자", "출근", "퇴근"], ["T1", "2026-06-01", "9시반", "18:00"]])
    assert CliRunner().invoke(cli, ["attendance", "check", str(bad)]).exit_code == 1
    broken = _write(tmp_path / "x.csv", [["사번", "일자", "출근", "퇴근"], ["T1", "2026-06-01", "09:00", "18:00", "oops"]])
    result = CliRunner().invoke(cli, ["attendance", "check", str(broken)])
    assert result.exit_code == 2 and "x.csv: 2행: 칸이 5개인데 머리글은 4개" in result.stderr


def test_a_status_column_named_like_the_time_does_not_shadow_it(tmp_path):
    path = _write(tmp_path / "d.csv", [["사번", "일자", "출근", "출근시간", "퇴근", "퇴근시간"], ["T1", "2026-06-01", "지각", "09:12", "정상", "18:00"]])
    assert read_export(path).frame.select("in_min", "out_min").row(0) == (552, 1080)


@pytest.mark.parametrize("header,row,shape", [
    ("번호,날짜,시간,단말기ID,사용자ID,이름,모드,인증결과", "1,2026-06-01,08:52:13,1,A,김민서,출근,성공", "punch"),  # a NITGEN-style log
    ("날짜,사용자 ID,이름,부서,출근,퇴근", "2026-06-01,A,김민서,총무과,08:52,18:07", "daily"),  # a BioStar 2 T&A daily report
])
def test_a_header_is_read_by_the_profile_that_takes_the_most_of_its_columns(tmp_path, header, row, shape):
    """The BioStar 2 event-log profile fits any header with 날짜 and a user id (날짜 as a timestamp): it was
    tried first (alphabetical) and left 시간 / 출근·퇴근 unread, so every row was a malformed time. Of the
    profiles that fit, the one that reads the most columns is taken (an outside audit of vendor files)."""
    path = tmp_path / "export.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    export = read_export(path)
    assert export.profile == "generic" and export.shape == shape
    if shape == "daily":
        assert export.frame.select("in_min", "out_min").row(0) == (8 * 60 + 52, 18 * 60 + 7)
    else:
        assert export.frame.get_column("ts").to_list() == [dt.datetime(2026, 6, 1, 8, 52)]
