"""사업 and 인건비: spent from the paid runs, committed by the contracts, forecast, overrun warnings, the report."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from openpyxl import load_workbook

from payroll.record import budgets, changes
from payroll.record.models import SINCE_ALWAYS
from payroll.roster import load_roster
from payroll.runs.batch import execute_run
from test_runs_support import MONTH, fake_build, write_inputs


def _with_businesses(root):
    """W001–W003 in 가로환경 (contracts to the end of 2026), the others in 복지상담 (open-ended)."""
    lines = (root / "contracts.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",business"]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[1] in ("W001", "W002", "W003"):
            cells[3] = "2026-12-31"
            out.append(",".join(cells) + ",가로환경")
        else:
            out.append(",".join(cells) + ",복지상담")
    (root / "contracts.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


def test_spent_committed_forecast_and_the_overrun_warning(store, tmp_path):
    inputs = _with_businesses(write_inputs(tmp_path / "inputs"))
    with store.session() as s:
        budgets.set_budget(s, "가로환경", 2026, 10_000_000, "clerk")  # far too little for three posts to December
        budgets.set_budget(s, "복지상담", 2026, 500_000_000, "clerk")
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    roster = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    with store.session() as s:
        from payroll.runs.batch import load_results

        results = load_results(s, summary["run_id"])
        figures = budgets.year_figures(s, 2026)
    by_business: dict[str, tuple[int, int]] = {}
    for r in results:
        row = r["row"]
        b = roster.contracts_of(row["worker_id"])[0].business
        pay, employer = by_business.get(b, (0, 0))
        by_business[b] = (pay + int(row["gross_pay"]), employer + int(row["employer_total"]))
    street, welfare = figures["가로환경"], figures["복지상담"]
    assert (street.pay, street.employer, street.severance) == (*by_business["가로환경"], 0)
    assert (welfare.pay, welfare.employer) == by_business["복지상담"]
    # committed: May's cost of each worker for each month from June to December (the contracts run on),
    # and for the 가로환경 contracts that end on 2026-12-31 after a year, a 퇴직금 of 30 days' wages
    assert street.committed == 7 * (street.pay + street.employer) + street.pay
    assert welfare.committed == 7 * (welfare.pay + welfare.employer)
    assert street.forecast == street.spent + street.committed and street.left == 10_000_000 - street.forecast
    assert street.overrun and not welfare.overrun
    assert summary["budget_warnings"] == [w for w in summary["budget_warnings"] if "가로환경" in w] and len(summary["budget_warnings"]) == 1
    assert f"예산 {10_000_000:,}원" in summary["budget_warnings"][0]


def test_a_contract_not_yet_paid_is_costed_from_its_terms_and_the_report_has_both_sheets(store, tmp_path):
    from payroll.roster import Contract, Worker

    w = Worker(worker_id="N1", name="신규", birth_date=dt.date(1990, 1, 1), department="공원과", employment="fixed_term")
    c = Contract(contract_id="N1-1", worker_id="N1", start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31), pay_type="monthly", wage=2_400_000,
                 work_days="12345", start_time="09:00", end_time="18:00", break_minutes=60, meal_allowance=100_000, business="공원 정비")
    with store.session() as s:
        changes.apply(s, changes.roster_changes(s, [w], SINCE_ALWAYS, "t"), "clerk", "")
        changes.apply(s, changes.contract_changes(s, [c], SINCE_ALWAYS, "t"), "clerk", "")
        budgets.set_budget(s, "공원 정비", 2026, 4_000_000, "clerk")
    with store.session() as s:
        park = budgets.year_figures(s, 2026)["공원 정비"]
        data = budgets.report_xlsx(s, 2026)
    assert park.spent == 0 and park.committed == 2 * 2_500_000  # two whole months of 월급 + 식대, no run yet
    assert park.overrun and park.left == -1_000_000
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["2026 사업별", "2026 사업·월별"]
    rows = list(wb["2026 사업별"].iter_rows(values_only=True))
    assert rows[1][0] == "공원 정비" and rows[1][1] == 4_000_000 and rows[1][7] == 5_000_000 and rows[1][9] == "예"


def test_the_consoles_kept_warnings_follow_a_changed_budget_and_a_new_run(store, tmp_path):
    """The month page keeps the year's warnings (they sum every stored result of the year) until a
    budget, the record or the year's runs change: a stale warning is never shown."""
    from types import SimpleNamespace

    from payroll.web.services import budget_warnings

    app = SimpleNamespace(state=SimpleNamespace(store=store))
    inputs = _with_businesses(write_inputs(tmp_path / "inputs"))
    with store.session() as s:
        budgets.set_budget(s, "가로환경", 2026, 10_000_000, "clerk")
    assert budget_warnings(app, 2026) == []  # the record holds no contract yet (the run imports them): nothing spent or committed
    execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    with store.session() as s:
        expected = budgets.overrun_warnings(s, 2026)
    assert expected and budget_warnings(app, 2026) == expected  # a new run: read again
    with store.session() as s:
        budgets.set_budget(s, "가로환경", 2026, 900_000_000, "clerk")
    assert budget_warnings(app, 2026) == []  # a changed budget: read again


def test_a_year_without_budgets_warns_of_nothing_without_reading_its_runs(store, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the year's results were read")

    monkeypatch.setattr(budgets, "year_figures", no_reading)
    with store.session() as s:
        assert budgets.overrun_warnings(s, 2026) == []
        budgets.set_budget(s, "가로환경", 2027, 10_000_000, "clerk")  # another year's budget: still nothing to read for 2026
        assert budgets.overrun_warnings(s, 2026) == []
        budgets.set_budget(s, "가로환경", 2026, 10_000_000, "clerk")
        with pytest.raises(AssertionError, match="were read"):
            budgets.overrun_warnings(s, 2026)
