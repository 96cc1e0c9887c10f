"""`payroll leave …`: ledger, report (deterministic XLSX), notices (deterministic PDFs + register), bad input → exit 2."""

import datetime as dt
import io
import json
import time

import openpyxl
import pytest
from click.testing import CliRunner

from payroll.cli import cli
from payroll.leave.inputs import load_register

ROSTER = """worker_id,name,birth_date,department,employment
A,김가나,1980-01-01,총무과,fixed_term
B,이다라,1985-05-05,민원과,fixed_term
"""
CONTRACTS = """contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes,meal_allowance
a1,A,2026-01-01,2026-12-31,hourly,10320,12345,09:00,18:00,60,0
b1,B,2025-01-01,2025-12-31,hourly,10320,12345,09:00,18:00,60,0
b2,B,2026-01-01,2026-12-31,hourly,10320,12345,09:00,18:00,60,0
"""
LEAVE = """worker_id,date,kind,minutes
A,2026-03-05,연차,
B,2026-02-02,반차,
"""


@pytest.fixture
def data(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(CONTRACTS, encoding="utf-8")
    (tmp_path / "leave.csv").write_text(LEAVE, encoding="utf-8")
    return tmp_path


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_ledger_json(data):
    r = run("leave", "ledger", "A", "--as-of", "2026-12-31", "--json", "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["totals_minutes"] == {"accrued": 5280, "used": 480, "paid_out": 4800, "lapsed": 0, "remaining": 0}
    assert "attendance summary not given" in out["attendance"]
    assert out["entries"][-1]["amount"] == 10 * 8 * 10_320


def test_ledger_text_shows_continuity_setting(data):
    r = run("leave", "ledger", "B", "--as-of", "2026-01-31", "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    assert "계속근로로 통산" in r.output and "사유:" in r.output and "2026-01 지급" in r.output


def test_report_is_deterministic(data, tmp_path):
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    assert run("leave", "report", "2026-10", "--out", str(out1), "--data-dir", str(data)).exit_code == 0
    time.sleep(1.1)
    assert run("leave", "report", "2026-10", "--out", str(out2), "--data-dir", str(data)).exit_code == 0
    b1, b2 = (o / "leave-report-2026-10.xlsx" for o in (out1, out2))
    assert b1.read_bytes() == b2.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(b1.read_bytes()))
    ws = wb["연차현황"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in ws[1]]
    a = dict(zip(header, rows["A"]))
    assert (a["발생 (시간)"], a["사용 (시간)"], a["잔여 (시간)"]) == (9 * 8, 8, 8 * 8)  # hours, never minutes
    assert a["잔여"] == "8일"
    assert "1차 사용촉진" in a["사용촉진 (이달)"]
    assert a["3개월 내 소멸 예정 (시간)"] == 8 * 8  # the first-year days end on 12-31
    assert not any("분" in str(h) for h in header)
    b = dict(zip(header, rows["B"]))
    assert "2026-07-01~2026-07-10 (missed)" in b["사용촉진 (이달)"]  # B's window was July


def test_notices_write_pdfs_and_record_them(data, tmp_path):
    out = tmp_path / "pdf"
    r = run("leave", "notices", "--due", "2026-10-02", "--out", str(out), "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["leave-notice-A-2026-12-31-first.pdf"]
    (n,) = load_register(data / "leave_notices.csv")
    assert (n.worker_id, n.stage, n.notice_date, n.minutes) == ("A", "first", dt.date(2026, 10, 2), 8 * 480)
    first = (out / "leave-notice-A-2026-12-31-first.pdf").read_bytes()
    # again on the same day: already recorded, nothing new
    r = run("leave", "notices", "--due", "2026-10-02", "--out", str(tmp_path / "again"), "--data-dir", str(data))
    assert "통지서 0건" in r.output
    # the second notice once the worker's 10 days have passed, designating dates; same bytes as a preview
    r = run("leave", "notices", "--due", "2026-11-16", "--out", str(tmp_path / "s1"), "--data-dir", str(data), "--no-record")
    r2 = run("leave", "notices", "--due", "2026-11-16", "--out", str(tmp_path / "s2"), "--data-dir", str(data))
    name = "leave-notice-A-2026-12-31-second.pdf"
    assert (tmp_path / "s1" / name).read_bytes() == (tmp_path / "s2" / name).read_bytes()
    assert len(load_register(data / "leave_notices.csv")) == 2
    assert first[:5] == b"%PDF-"


def test_a_recorded_procedure_spares_the_lapse_payment(data, tmp_path):
    # B's 15 days (granted 2026-01-01) are for a period ending 2026-12-31 with the contract: paid on leaving anyway;
    # B's first-year days lapsed 2025-12-31 unrecorded: paid in January
    r = run("leave", "ledger", "B", "--as-of", "2026-01-31", "--json", "--data-dir", str(data))
    entries = json.loads(r.output)["entries"]
    assert [e["reason"] for e in entries if e["kind"] == "payout"] == ["lapse"]
    (data / "leave_notices.csv").write_text(
        "worker_id,period_end,stage,notice_date,minutes\nB,2025-12-31,first,2025-10-01,\nB,2025-12-31,second,2025-11-20,\n"
        "B,2025-12-31,first_late,2025-12-01,\nB,2025-12-31,second_late,2025-12-12,\n", encoding="utf-8")
    r = run("leave", "ledger", "B", "--as-of", "2026-01-31", "--json", "--data-dir", str(data))
    entries = json.loads(r.output)["entries"]
    assert [e["kind"] for e in entries if e["kind"] in ("payout", "lapse")] == ["lapse"]


@pytest.mark.parametrize("body,message", [
    ("A,2027-02-01,연차,\n", "leave.csv: 2행: date: 2027-02-01은(는) 근로자 A의 어느 계약 기간에도 들지 않습니다"),
    ("A,2026-03-05,출장,\n", "leave.csv: 2행: kind: 알 수 없는 휴가 종류 '출장'"),
    ("A,2026-03-05,연차,\nA,2026-03-05,병가,\n", "leave.csv: 3행: date: 근로자 A의 2026-03-05 휴가가 2행과 겹칩니다"),
])
def test_bad_leave_file_exits_2_with_file_row_field(data, tmp_path, body, message):
    (data / "leave.csv").write_text("worker_id,date,kind,minutes\n" + body, encoding="utf-8")
    out = tmp_path / "pdf"
    r = run("leave", "notices", "--due", "2026-10-02", "--out", str(out), "--data-dir", str(data))
    assert r.exit_code == 2
    assert message in r.output and "Traceback" not in r.output
    assert not out.exists() and not (data / "leave_notices.csv").exists()  # nothing half-applied


def test_bad_register_and_attendance(data):
    (data / "leave_notices.csv").write_text("worker_id,period_end,stage,notice_date,minutes\nA,2026-12-31,third,2026-10-01,\n", encoding="utf-8")
    r = run("leave", "ledger", "A", "--as-of", "2026-10-05", "--data-dir", str(data))
    assert r.exit_code == 2 and "leave_notices.csv: 2행: stage: 알 수 없는 단계 'third'" in r.output
    (data / "leave_notices.csv").unlink()
    (data / "att.csv").write_text("worker_id,date,scheduled,attended,counted_as_attended\nA,2026-01-02,true,maybe,false\n", encoding="utf-8")
    r = run("leave", "ledger", "A", "--as-of", "2026-10-05", "--data-dir", str(data), "--attendance-summary", str(data / "att.csv"))
    assert r.exit_code == 2 and "att.csv: 2행: attended: 참/거짓(true/false)이 아닙니다" in r.output
