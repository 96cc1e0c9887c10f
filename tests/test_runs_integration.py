"""The monthly run pays the area modules without extra steps: 연차수당 from the leave ledger, the
welfare items, a leaver's settlement (중도퇴사자 연말정산) and 퇴직금 with its tax; and it still
replays byte for byte.

The build is the test stand-in of tests/test_runs_support.py (roster and contracts are real;
the month's pay items come from attendance/items.csv), so the figures below are worked by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from payroll import law as law_module
from payroll.roster import load_roster
from payroll.runs.audit import replay
from payroll.runs.batch import execute_run, load_results
from payroll.settlement import YearToDate, leaver_carried_columns
from payroll.store import open_store
from payroll.store.models import Run
from payroll.welfare import service as welfare
from payroll.welfare.models import WelfarePayment
from test_runs_support import EMPLOYER, ITEMS, fake_build, write_inputs, write_items

RATE = 10_320
DAY_PAY = 8 * RATE  # 82,560: 1일 통상임금 of a 40-hour hourly worker

WORKERS = [
    # worker_id, name, birth_date, department, employment, first_hire_date, contracts [(start, end)]
    ("K1", "김계속", "1980-03-15", "총무과", "public_service", "2026-01-01", [("2026-01-01", "")]),
    ("L1", "이퇴직", "1985-07-01", "환경과", "fixed_term", "2023-03-01",
     [("2023-03-01", "2024-02-29"), ("2024-03-01", "2025-02-28"), ("2025-03-01", "2026-05-31")]),
    ("S1", "박단기", "1995-11-30", "복지과", "fixed_term", "2026-01-01", [("2026-01-01", "2026-05-15")]),
]
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def _items(month: str) -> list[tuple]:
    rows = [("K1", "base_pay", 2_500_000, "209시간 × 11,962원", 12540)]
    rows += [("L1", "base_pay", 2_156_880, f"209시간 × {RATE:,}원", 12540), ("L1", "overtime_pay", 1_500_000, "96.9시간 × 15,480원", 5814)]
    rows += [("S1", "base_pay", 1_000_000 if month == "2026-05" else 2_156_880, f"시간 × {RATE:,}원", 12540)]
    return rows


def _write(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["worker_id", "name", "birth_date", "department", "employment", "income_type", "family", "children_8_20", "first_hire_date", "bank", "account"])
        for wid, name, birth, dept, emp, hired, _ in WORKERS:
            w.writerow([wid, name, birth, dept, emp, "regular", 1, 0, hired, "국민은행", f"000-{wid}"])
    with open(root / "contracts.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["contract_id", "worker_id", "start", "end", "pay_type", "wage", "work_days", "start_time", "end_time", "break_minutes"])
        for wid, *_, contracts in WORKERS:
            for i, (start, end) in enumerate(contracts, start=1):
                w.writerow([f"{wid}-{i}", wid, start, end, "hourly", RATE, "12345", "09:00", "18:00", 60])
    (root / "employer.toml").write_text(EMPLOYER, encoding="utf-8")
    for month in MONTHS:
        write_items(root, month, _items(month))
        y, m = int(month[:4]), int(month[5:])
        (root / month / "run.toml").write_text(f"pay_date = {dt.date(y + (m == 12), m % 12 + 1, 10).isoformat()}\n", encoding="utf-8")
    # two days of 연차 in February: the ledger of May must still know them
    (root / "2026-02" / "leave.csv").write_text("worker_id,date,kind,minutes\nL1,2026-02-10,연차,\nL1,2026-02-11,연차,\n", encoding="utf-8")
    return root


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "p.db"))
    yield s
    s.dispose()


def _run(store, inputs, tmp_path, month, **kw):
    return execute_run(store, month, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1, **kw)


def _result(store, run_id: str, wid: str) -> dict:
    with store.session() as s:
        return next(r for r in load_results(s, run_id) if r["row"]["worker_id"] == wid)


def _amounts(result: dict, code: str) -> list[int]:
    return [int(i["amount"]) for i in result["items"] if i["code"] == code]


def _pdf_text(summary: dict, wid: str) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(Path(summary["out_dir"]) / "payslips" / f"{wid}.pdf")).pages)


def test_a_leavers_last_run_pays_leave_settlement_and_severance(store, tmp_path):
    inputs = _write(tmp_path / "inputs")
    runs = {m: _run(store, inputs, tmp_path, m) for m in MONTHS}
    may = runs["2026-05"]

    # 연차: L1's year-2 grant (15 days, use period to 2026-02-28) lapses without 사용촉진; the two
    # days taken in February came out of it, so March pays 13 days (근로기준법 §60⑦, §61)
    mar = _result(store, runs["2026-03"]["run_id"], "L1")
    assert _amounts(mar, "annual_leave_pay") == [13 * DAY_PAY]
    # May: the 16 days granted on 2026-03-01 (15 + 1 for 3 years, §60④) are paid on leaving (§36)
    l1 = _result(store, may["run_id"], "L1")
    assert _amounts(l1, "annual_leave_pay") == [16 * DAY_PAY]
    # S1 (2026-01-01 … 05-15): 4 fully attended months of the first year → 4 days on leaving (§60②)
    s1 = _result(store, may["run_id"], "S1")
    assert _amounts(s1, "annual_leave_pay") == [4 * DAY_PAY]

    # 퇴직금 of L1: 3 years 3 months of renewed contracts. 평균임금: the 3 months before the 퇴직일
    # 2026-06-01 (92 days) at 3,656,880 a month, plus 3/12 of the 연차수당 of March (the 연차수당 paid
    # because of leaving is not 평균임금) = (10,970,640 + 268,320) ÷ 92, above the 통상임금 82,560.
    # 퇴직금 = 11,238,960 ÷ 92 × 30 × 1,188 ÷ 365 = 11,928,425.7 → 11,928,425
    assert _amounts(l1, "severance_pay") == [11_928_425]
    # 퇴직소득세: 근속연수 4 → 공제 4,000,000; 환산급여 (11,928,425 − 4,000,000) × 12 ÷ 4 = 23,785,275;
    # 환산급여공제 8,000,000 + 60% × 15,785,275 = 17,471,165; 과세표준 6,314,110 × 6% = 378,846;
    # ÷ 12 × 4 = 126,282 → 126,280; 지방소득세 12,620
    row = l1["row"]
    assert (row["retirement_income_tax"], row["retirement_local_income_tax"]) == (126_280, 12_620)
    assert row["separate_pay"] == 11_928_425 and row["taxable_pay"] == 3_656_880 + 16 * DAY_PAY
    # S1 served less than a year: no 퇴직금
    assert _amounts(s1, "severance_pay") == [] and s1["row"]["retirement_income_tax"] == 0

    # settlement: year to date from the five runs as stored (this month's own row included)
    law = law_module.current()
    for wid, res in (("L1", l1), ("S1", s1)):
        rows = [_result(store, runs[m]["run_id"], wid)["row"] for m in MONTHS]
        tot = lambda c: sum(int(r[c]) for r in rows)  # noqa: E731
        ytd = YearToDate(wid, 2026, total_pay=tot("taxable_pay"), non_taxable=tot("non_taxable_pay"), national_pension=tot("national_pension"),
                         health_insurance=tot("health_insurance"), long_term_care=tot("long_term_care"),
                         employment_insurance=tot("employment_insurance"), income_tax=tot("income_tax"), local_income_tax=tot("local_income_tax"),
                         birth_date=dt.date.fromisoformat(res["row"]["birth_date"]))
        want = leaver_carried_columns(ytd, None, law)
        got = {k: res["row"][k] for k in want}
        assert got == want and want["settlement_income_tax"] != 0, (wid, got)
        assert res["row"]["ytd_gross_pay"] == ytd.total_pay + ytd.non_taxable
        assert res["row"]["deductions_total"] == sum(int(res["row"][c]) for c in (
            "national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax",
            "settlement_income_tax", "settlement_local_income_tax", "retirement_income_tax", "retirement_local_income_tax"))
        assert any(t["step"] == "settlement.settlement_income_tax" for t in res["trace"])
    assert any(t["step"] == "severance.severance_pay" for t in l1["trace"])
    # the worker who stays has no settlement and no 퇴직금
    k1 = _result(store, may["run_id"], "K1")
    assert k1["row"]["settlement_income_tax"] == 0 and _amounts(k1, "severance_pay") == [] and _amounts(k1, "annual_leave_pay") == []
    assert not [w for w in may["warnings"] if "not computed" in w], may["warnings"]
    assert not [w for w in may["warnings"] if "14일이 지남" in w], may["warnings"]  # paid within §9①'s 14 days

    # the last payslip shows every line
    text = _pdf_text(may, "L1")
    for label in ("연차수당", "퇴직금", "퇴직소득세", "퇴직소득 지방소득세", "중도퇴사 정산 소득세", "중도퇴사 정산 지방소득세", "11,928,425", "126,280"):
        assert label in text, label
    assert "연차수당" in _pdf_text(may, "S1") and "퇴직금" not in _pdf_text(may, "S1")

    # the withholding summary files L1 and S1 under A02 (중도퇴사) with the year's pay and the settlement, and A20
    lines = {l["code"]: l for l in json.loads((Path(may["out_dir"]) / "filings" / "filings.json").read_text(encoding="utf-8"))["withholding"]}
    assert lines["A02"]["persons"] == 2 and lines["A20"]["income_tax"] == 126_280
    assert lines["A02"]["total_paid"] == l1["row"]["ytd_gross_pay"] + s1["row"]["ytd_gross_pay"]

    # replay is byte-identical, and the same month again gives the same run hash
    report = replay(store, may["run_id"], build=fake_build, jobs=1)
    assert report.identical, report.problems
    assert _run(store, inputs, tmp_path, "2026-05")["run_hash"] == may["run_hash"]
    with store.session() as s:
        roles = {e["role"] for e in json.loads(s.get(Run, may["run_id"]).inputs_manifest)}
    assert {"history", "leave_history"} <= roles


def test_leaver_without_earlier_pay_is_a_warning_until_ytd_is_given(store, tmp_path):
    inputs = _write(tmp_path / "inputs")
    first = _run(store, inputs, tmp_path, "2026-05")
    assert any(w.startswith("S1 leaves on 2026-05-15: no stored pay for 2026-01, 2026-02, 2026-03, 2026-04") and "ytd.csv" in w for w in first["warnings"])
    assert any(w.startswith("L1 leaves on 2026-05-31: 퇴직금 not computed") and "wages.csv" in w for w in first["warnings"])
    s1 = _result(store, first["run_id"], "S1")
    assert s1["row"]["settlement_income_tax"] == 0
    # the pay of January–April from the previous system: the settlement and the 퇴직금 are computed
    (inputs / "ytd.csv").write_text(
        "worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax\n"
        "S1,2026,8627520,0,409800,310040,40740,77640,115440,11520\n"
        "L1,2026,14627520,0,694840,525880,69080,131640,1091240,109120\n", encoding="utf-8")
    (inputs / "wages.csv").write_text("worker_id,month,wages\nL1,2026-03,3656880\nL1,2026-04,3656880\n", encoding="utf-8")
    second = _run(store, inputs, tmp_path, "2026-05")
    assert not [w for w in second["warnings"] if "not computed" in w], second["warnings"]
    s1 = _result(store, second["run_id"], "S1")
    row = s1["row"]
    ytd = YearToDate("S1", 2026, total_pay=8_627_520 + row["taxable_pay"], national_pension=409_800 + row["national_pension"],
                     health_insurance=310_040 + row["health_insurance"], long_term_care=40_740 + row["long_term_care"],
                     employment_insurance=77_640 + row["employment_insurance"], income_tax=115_440 + row["income_tax"],
                     local_income_tax=11_520 + row["local_income_tax"], birth_date=dt.date(1995, 11, 30))
    assert row["settlement_income_tax"] == leaver_carried_columns(ytd)["settlement_income_tax"] != 0
    # without March's lapse pay in the database, the 평균임금 has no 3/12 addition: 10,970,640 ÷ 92 × 30 × 1,188 ÷ 365
    assert _amounts(_result(store, second["run_id"], "L1"), "severance_pay") == [10_970_640 * 30 * 1188 // (92 * 365)]
    assert replay(store, second["run_id"], build=fake_build, jobs=1).identical


def test_group_insurance_excess_and_fertility_support_are_paid_and_taxed(store, tmp_path):
    month = "2026-11"
    inputs = write_inputs(tmp_path / "inputs", month=month, pay_date=dt.date(2026, 12, 10))
    roster = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    law = law_module.current()
    with store.session() as s:
        # 실손형 420,000 (billed in January) + 정액형 312,000 (26,000 a month): the year's total passes
        # 700,000 in November — 420,000 + 11 × 26,000 = 706,000 → 6,000 taxable (소득세법 시행령 §17의4)
        welfare.enrol(s, law, roster, "W001", "indemnity", dt.date(2026, 1, 1))
        welfare.enrol(s, law, roster, "W001", "fixed", dt.date(2026, 1, 1))
        # W002 is 34 on the treatment date: 500,000, below the proven cost
        welfare.apply(s, law, roster, "W002", dt.date(2026, 11, 2), 800_000, "영수증 2026-117", dt.datetime(2026, 11, 3, 9))
    nov = _run(store, inputs, tmp_path, month)
    w1, w2 = _result(store, nov["run_id"], "W001"), _result(store, nov["run_id"], "W002")
    assert _amounts(w1, "group_insurance_taxable") == [6_000]
    assert _amounts(w2, "fertility_support") == [500_000]
    # taxable pay includes them; the non-cash premium excess is not paid out
    assert w1["row"]["taxable_pay"] == 2_500_000 + 179_430 + 6_000  # base + overtime (meal 200,000 is non-taxable) + excess
    assert w2["row"]["taxable_pay"] == 2_156_880 + 500_000 and w2["row"]["gross_pay"] == 2_156_880 + 140_000 + 500_000
    assert w1["row"]["net_pay"] == w1["row"]["gross_pay"] - 6_000 - w1["row"]["deductions_total"]
    # the same month without the welfare items: more tax with them, so the items reached the tax steps
    plain = tmp_path / "plain.db"
    other = open_store(str(plain))
    base_run = execute_run(other, month, inputs_dir=inputs, out_root=tmp_path / "out2", build=fake_build, jobs=1)
    other_w2 = _result(other, base_run["run_id"], "W002")
    other.dispose()
    assert w2["row"]["income_tax"] > other_w2["row"]["income_tax"]
    assert "단체보험료 과세분" in _pdf_text(nov, "W001") and "6,000" in _pdf_text(nov, "W001")
    assert "난임 시술비 지원금" in _pdf_text(nov, "W002") and "500,000" in _pdf_text(nov, "W002")
    # marked paid with the run; running the month again pays the same, not twice
    with store.session() as s:
        paid = s.exec(WelfarePayment.__table__.select()).all()
    assert sorted((p.worker_id, p.code, p.month, p.amount) for p in paid) == [("W001", "group_insurance_taxable", month, 6_000), ("W002", "fertility_support", month, 500_000)]
    again = _run(store, inputs, tmp_path, month)
    assert again["run_hash"] == nov["run_hash"]
    with store.session() as s:
        assert len(s.exec(WelfarePayment.__table__.select()).all()) == 2
    assert replay(store, nov["run_id"], build=fake_build, jobs=1).identical
    # December: the fertility support is not paid again; the premium excess is December's 26,000
    write_items(inputs, "2026-12", ITEMS)
    (inputs / "2026-12" / "run.toml").write_text("pay_date = 2026-12-24\n", encoding="utf-8")
    dec = _run(store, inputs, tmp_path, "2026-12")
    assert _amounts(_result(store, dec["run_id"], "W001"), "group_insurance_taxable") == [26_000]
    assert _amounts(_result(store, dec["run_id"], "W002"), "fertility_support") == []


def test_attendance_exceptions_are_a_run_output(tmp_path, monkeypatch):
    """The real build (samples): its exceptions report is an output with its hash, and replays."""
    from click.testing import CliRunner

    from payroll.cli import cli

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["demo", "--out", "demo", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    path = Path(summary["out_dir"]) / "attendance" / "exceptions.xlsx"
    assert path.is_file()
    with open_store(summary["db"]).session() as s:
        manifest = json.loads(s.get(Run, summary["run_id"]).outputs_manifest)
    assert "attendance/exceptions.xlsx" in manifest
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == ["요약", "오류·경고", "참고"]
    ws = book["오류·경고"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["구분", "처리", "사유"] and "파일" in header
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    sources = {r["파일"] for r in rows}
    assert sources and all(s.startswith("2026-06/attendance/") for s in sources), sources
    # every error of the demo month is corrected or decided (the run refuses otherwise); decided ones name the decision
    assert {r["처리"] for r in rows} <= {"정정됨", "결정됨"} and "결정됨" in {r["처리"] for r in rows}
    assert any(r["처리 내역"].startswith("2026-06/decisions.csv:") for r in rows if r["처리"] == "결정됨")
    # the demo's leaver T00025 is paid the 연차 of the months she served (first year, §60②)
    res = runner.invoke(cli, ["explain", summary["run_id"], "T00025", "--db", summary["db"], "--json"])
    assert res.exit_code == 0 and "annual_leave_pay" in res.output
