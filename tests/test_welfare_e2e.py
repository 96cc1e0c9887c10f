"""Both welfare programmes end to end on the bundled samples, the way an HR clerk uses them.

`payroll demo` builds the database, the inputs and the June run; then, through the command line
only: two group-insurance enrolments whose premiums pass 70만원 in the year, two fertility
applications (one capped at the proven cost), the November run with its attendance, and what the
clerk and an auditor look at afterwards — the payslip PDFs, `payroll explain`, the reports and
`payroll replay`.

The November attendance is the contracts' schedule (every scheduled day worked, 공휴일 off), so the
pay of the month is the contract's; the figures asserted are worked from the rules, not copied from
a run.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from payroll import law as law_module
from payroll.cli import cli
from payroll.holidays import holidays_between
from payroll.welfare import group_insurance as gi
from payroll.withholding import monthly

MONTH, PAY_DATE = "2026-11", dt.date(2026, 12, 10)


def scheduled_attendance(inputs: Path, month: str) -> Path:
    """A generic daily export (worker_id,name,date,in,out) with every scheduled day of the month worked, and
    of the week before it (an export holds those days: they decide the 주휴 of a week ending in the month)."""
    y, m = int(month[:4]), int(month[5:])
    first, last = dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    off = holidays_between(first - dt.timedelta(days=7), last, None)
    imports = inputs.parent / "imports"  # the files the demo imported into the record
    names = {r["worker_id"]: r["name"] for r in csv.DictReader(open(imports / "roster.csv", encoding="utf-8"))}
    rows = []
    for c in csv.DictReader(open(imports / "contracts.csv", encoding="utf-8")):
        start = dt.date.fromisoformat(c["start"])
        end = dt.date.fromisoformat(c["end"]) if c["end"] else last
        day = first - dt.timedelta(days=7)
        while day <= last:
            if start <= day <= end and str(day.isoweekday()) in c["work_days"] and day not in off:
                rows.append([c["worker_id"], names[c["worker_id"]], day.isoformat(), c["start_time"], c["end_time"]])
            day += dt.timedelta(days=1)
    path = inputs / month / "attendance" / "daily.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["worker_id", "name", "date", "in", "out"])
        w.writerows(rows)
    return path


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (args, result.exit_code, result.output, result.stderr)
    return result


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def june_explained(month_run: dict, worker: str) -> dict:
    """The worker in the demo's own June run (before any welfare entry)."""
    (june_run,) = [p.name for p in (month_run["root"] / "demo" / "runs" / "2026-06").iterdir() if not p.name.startswith(".")]
    return json.loads(invoke("explain", june_run, worker, "--db", month_run["db"], "--json").output)[0]


def items_of(explained: dict, code: str) -> list[dict]:
    return [i for i in explained["items"] if i["code"] == code]


def step(explained: dict, name: str):
    (value,) = [t["value"] for t in explained["trace"] if t["step"] == name]
    return value


@pytest.fixture(scope="module")
def month_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("welfare-e2e")
    demo = json.loads(invoke("demo", "--out", str(root / "demo"), "--json").output)
    db, inputs = demo["db"], Path(demo["inputs_dir"])
    base = ["--db", db]  # the workers and contracts: the demo's record

    # 단체보험: T00007 (기간제, a 2026 contract of 12 months) in both plans from January — 실손형
    # 420,000 billed in January, 정액형 312,000 billed 26,000 a month: 706,000 by November
    enrolled = [invoke("welfare", "insurance", "enrol", *base, "--worker", "T00007", "--plan", plan, "--start", "2026-01-01").output for plan in ("indemnity", "fixed")]
    # 난임: P00004 (born 1972-09-05, 54 on the treatment date) and P00001 (born 1991-11-21, 34), whose
    # proven cost 300,000 is below the programme's 500,000
    applied = [
        invoke("welfare", "fertility", "apply", *base, "--worker", "P00004", "--treatment-date", "2026-11-02", "--cost", "1,200,000",
               "--evidence", "영수증 N-2611-01", "--submitted-at", "2026-11-05T09:00", "--json").output,
        invoke("welfare", "fertility", "apply", *base, "--worker", "P00001", "--treatment-date", "2026-11-03", "--cost", "300000",
               "--evidence", "영수증 N-2611-02", "--submitted-at", "2026-11-05T10:00", "--json").output,
    ]
    decided = json.loads(invoke("welfare", "fertility", "decide", *base, "--year", "2026", "--json").output)

    (inputs / MONTH).mkdir()
    (inputs / MONTH / "run.toml").write_text(f"pay_date = {PAY_DATE.isoformat()}\n", encoding="utf-8")
    scheduled_attendance(inputs, MONTH)
    run = json.loads(invoke("run", MONTH, "--inputs", str(inputs), "--out", str(root / "runs"), "--db", db, "--json").output)
    explained = {
        w: json.loads(invoke("explain", run["run_id"], w, "--db", db, "--json").output)[0] for w in ("T00007", "P00004", "P00001", "P00006")
    }
    return {"root": root, "db": db, "inputs": inputs, "base": base, "run": run, "explained": explained,
            "enrolled": enrolled, "applied": [json.loads(a)[0] for a in applied], "decided": decided}


def test_the_clerks_entries_are_decided_as_the_programme_says(month_run):
    assert "실손형 (indemnity)" in month_run["enrolled"][0] and "치아치료비" in month_run["enrolled"][1]
    first, second = month_run["applied"]
    assert (first["status"], first["age"], first["amount"]) == ("approved", 54, 1_000_000)
    assert (second["status"], second["age"], second["amount"]) == ("approved", 34, 300_000)  # min(500,000, cost)
    assert month_run["decided"]["budget"]["2026"] == {"budget": 20_000_000, "used": 1_300_000, "remaining": 18_700_000}


def test_the_premium_excess_is_taxed_in_the_month_the_yearly_total_passes_the_limit(month_run):
    law = law_module.current()
    limit = int(law.on(PAY_DATE)[gi.LIMIT_PARAM])
    plans = gi.plans_on(law, dt.date(2026, 11, 1))
    total = plans["indemnity"].premium_yearly + 11 * plans["fixed"].premium_yearly // 12
    excess = total - limit
    assert (limit, total, excess) == (700_000, 706_000, 6_000)
    t7 = month_run["explained"]["T00007"]
    (item,) = items_of(t7, gi.TAXABLE_CODE)
    assert item["amount"] == excess
    # the trace carries the yearly running total and the limit
    assert f"2026년 누계 {total:,}원 (이달 26,000원)" in item["method"] and "비과세 한도 700,000원" in item["method"]
    assert "이전 과세 0원 → 이달 과세 6,000원" in item["method"]
    shown = invoke("explain", month_run["run"]["run_id"], "T00007", "--db", month_run["db"]).output
    assert f"누계 {total:,}원" in shown and "§17의4" in shown

    # taxable pay rose by the excess; income tax is the 간이세액표 on the larger 월급여액 (whether the
    # 6,000원 crosses a table row depends on the month's hours); net pay falls only by the extra deductions
    taxable = step(t7, "classify_pay.taxable_pay")
    assert step(t7, "classify_pay.noncash_pay") == excess
    with_excess = monthly(taxable, family=4, children=1, pay_date=PAY_DATE)
    without = monthly(taxable - excess, family=4, children=1, pay_date=PAY_DATE)
    assert step(t7, "income_tax.income_tax") == with_excess["income_tax"] >= without["income_tax"]
    assert step(t7, "income_tax.local_income_tax") == with_excess["local_income_tax"]
    assert step(t7, "totals.net_pay") == step(t7, "classify_pay.gross_pay") - excess - step(t7, "totals.deductions_total")

    # 4대보험 보수: the excess is taxable, hence 보수. 고용보험 is charged on the month's 보수, so it
    # includes the excess; 국민연금·건강보험 are charged on the declared 보수월액 (decision D11), which
    # the month's excess does not change (it enters the year's 보수총액 for the 정산 instead)
    assert step(t7, "employment_insurance.ei_base") == taxable
    june = june_explained(month_run, "T00007")  # the same contract and declared base, no welfare
    for base in ("health_insurance.hi_base", "national_pension.np_base"):
        assert step(t7, base) == step(june, base) < taxable - excess

    # a worker not enrolled has no such item
    assert items_of(month_run["explained"]["P00006"], gi.TAXABLE_CODE) == []


def test_fertility_support_is_taxable_pay_of_the_next_run(month_run):
    for worker, amount, family, children in (("P00004", 1_000_000, 2, 1), ("P00001", 300_000, 1, 0)):
        e = month_run["explained"][worker]
        (item,) = items_of(e, "fertility_support")
        assert item["amount"] == amount and "난임 시술비 지원" in item["method"]
        taxable = step(e, "classify_pay.taxable_pay")
        with_support = monthly(taxable, family=family, children=children, pay_date=PAY_DATE)["income_tax"]
        without = monthly(taxable - amount, family=family, children=children, pay_date=PAY_DATE)["income_tax"]
        assert step(e, "income_tax.income_tax") == with_support > without
        assert step(e, "employment_insurance.ei_base") == taxable  # 보수 for 고용보험 in the month paid
        assert step(e, "totals.net_pay") == step(e, "classify_pay.gross_pay") - step(e, "totals.deductions_total")  # paid in cash
    # the June run (no welfare) had the same monthly pay for P00004: the support is the whole rise
    june_e = june_explained(month_run, "P00004")
    assert step(month_run["explained"]["P00004"], "classify_pay.taxable_pay") - step(june_e, "classify_pay.taxable_pay") == 1_000_000


def test_the_payslips_show_both_programmes(month_run):
    slips = Path(month_run["run"]["out_dir"]) / "payslips"
    t7 = pdf_text(slips / "T00007.pdf")
    assert "단체보험료 과세분" in t7 and "현금" in t7 and "누계 706,000원" in t7
    assert "현금으로 지급하지 않는 과세분" in t7 and "6,000" in t7
    p4 = pdf_text(slips / "P00004.pdf")
    assert "난임 시술비 지원금" in p4 and "1,000,000" in p4 and "만 54세" in p4
    p1 = pdf_text(slips / "P00001.pdf")
    assert "난임 시술비 지원금" in p1 and "증빙 비용 300,000원 한도" in p1
    assert "단체보험료" not in pdf_text(slips / "P00006.pdf")


def test_the_reports_after_the_run(month_run):
    base = month_run["base"]
    ins = json.loads(invoke("welfare", "insurance", "report", *base, "--year", "2026", "--json").output)
    assert {(r["plan"], r["department"], r["workers"]) for r in ins["enrolled_by_plan_and_department"]} == {("fixed", "안전총괄과", 1), ("indemnity", "안전총괄과", 1)}
    assert ins["premium_cost_total"] == 732_000
    (t7,) = ins["taxable_excess_by_worker"]
    assert (t7["worker_id"], t7["premium"], t7["taxable"], t7["taxed_in_runs"]) == ("T00007", 732_000, 32_000, 6_000)
    months = {r["month"]: r for r in ins["taxable_excess_by_month"]}
    assert (months["2026-11"]["taxable"], months["2026-11"]["paid_in_run"]) == (6_000, True)
    assert (months["2026-12"]["taxable"], months["2026-12"]["paid_in_run"]) == (26_000, False)
    fer = json.loads(invoke("welfare", "fertility", "report", *base, "--year", "2026", "--json").output)
    assert (fer["budget"], fer["used"], fer["remaining"]) == (20_000_000, 1_300_000, 18_700_000)
    assert {(r["application_id"], r["paid_month"]) for r in fer["approved"]} == {("F2026-0001", MONTH), ("F2026-0002", MONTH)}
    assert fer["waitlist"] == [] and fer["paid"] == 1_300_000
    # the same reports as workbooks, byte-identical when written twice
    from openpyxl import load_workbook

    paths = []
    for n in (1, 2):
        paths.append(month_run["root"] / f"insurance-{n}.xlsx")
        invoke("welfare", "insurance", "report", *base, "--year", "2026", "--xlsx", str(paths[-1]))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    wb = load_workbook(paths[0])
    assert wb.sheetnames == ["요약", "가입자", "보험료", "과세초과(근로자)", "과세초과(월)", "보장종료"]
    assert list(wb["과세초과(근로자)"].iter_rows(min_row=2, values_only=True)) == [("T00007", "안전총괄과", 732_000, 32_000, 6_000)]
    fer_xlsx = month_run["root"] / "fertility.xlsx"
    text = invoke("welfare", "fertility", "report", *base, "--year", "2026", "--xlsx", str(fer_xlsx)).output
    assert "[2026-11 급여 지급]" in text and "잔액 18,700,000원" in text
    approved = list(load_workbook(fer_xlsx)["승인"].iter_rows(values_only=True))
    assert approved[0][-1] == "지급 월" and {(r[0], r[7], r[-1]) for r in approved[1:]} == {("F2026-0001", 1_000_000, MONTH), ("F2026-0002", 300_000, MONTH)}


def test_a_paid_support_cannot_be_cancelled_and_the_run_replays_identically(month_run):
    r = CliRunner().invoke(cli, ["welfare", "fertility", "cancel", *month_run["base"], "F2026-0001", "--at", "2026-12-11T09:00"])
    assert r.exit_code == 2 and "2026-11 실행에서 이미 지급했습니다" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    replayed = CliRunner().invoke(cli, ["replay", month_run["run"]["run_id"], "--db", month_run["db"], "--json"])
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.output)["identical"] is True


def test_a_figure_announced_beside_a_database_is_read_by_the_welfare_commands_of_that_database(tmp_path, monkeypatch):
    """`payroll rules announce … --db X` writes beside X; `payroll welfare … --db X` refused the 2027 figures it had
    entered (the law was loaded before the database was opened) — found by an outside audit."""
    monkeypatch.delenv("PAYROLL_HOME", raising=False)
    monkeypatch.delenv("PAYROLL_DB", raising=False)
    db = str(tmp_path / "w.db")
    small = Path(__file__).resolve().parents[1] / "samples" / "small"
    files = ["--roster", str(small / "roster.csv"), "--contracts", str(small / "contracts.csv"), "--db", db]
    for key, value in (("fertility.budget_yearly", "1,200,000"), ("fertility.amount_below_threshold", "500,000"),
                       ("fertility.amount_from_threshold", "1,000,000"), ("fertility.age_threshold", "40")):
        res = CliRunner().invoke(cli, ["rules", "announce", key, "--from", "2027-01-01", "--to", "2027-12-31", "--value", value,
                                       "--source", "구 복지 예산 (시험)", "--db", db])
        assert res.exit_code == 0 or "규칙에 이미" in res.output + (res.stderr or ""), res.output
    # a process of its own, as a clerk's next command is (this one has the database's installation active already)
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "payroll", "welfare", "fertility", "apply", *files, "--worker", "P00001", "--treatment-date", "2027-01-20",
                          "--cost", "300000", "--evidence", "영수증 1", "--submitted-at", "2027-01-21T09:00"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "F2027-" in res.stdout and "300,000원" in res.stdout
