"""The year-end settlement of everyone employed on 31 December, from a year of stored runs to the
lines of the February–April runs (소득세법 §137①④, §134②1).

The runs are the support month of six workers (tests/test_runs_support.py) paid the same each month;
W004 is 일용 (not settled, §140③). Figures asserted are sums of the stored runs or the D10 path of
payroll.settlement (worked by hand in test_settlement_statute / test_settlement_sections).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from payroll import law as law_module
from payroll.case import InputError
from payroll.runs.batch import load_results
from payroll.settlement import YearToDate, leaver_carried_columns
from payroll.settlement.declaration import ClaimsIn
from payroll.store import open_store
from payroll.yearend import records
from payroll.yearend.annual import compute_year_end, duplicate_dependants, record_batch
from payroll.yearend.installments import lines_for_month, split
from yearend_support import YEAR_MONTHS, run, write_year

NOW = dt.datetime(2027, 1, 20, 9, 0)
MOTHER = {"name": "김엄마", "relationship": "ascendant", "birth_date": "1950-01-01", "rrn_masked": "500101-2******"}


def test_split_is_in_multiples_of_ten_and_sums_back():
    assert split(1_000_000, 3) == [333_340, 333_330, 333_330]
    assert split(100_001, 3) == [33_341, 33_330, 33_330]
    assert split(-50_000, 3) == [-50_000, 0, 0]  # a refund is never spread
    for amount in (0, 7, 100_010, 123_456_789):
        parts = split(amount, 3)
        assert sum(parts) == amount and all(p % 10 == 0 for p in parts[1:])


def test_a_dependant_claimed_by_two_workers_is_named_for_both():
    a = ClaimsIn.model_validate({"worker_id": "A", "year": 2026, "dependants": [MOTHER]})
    b = ClaimsIn.model_validate({"worker_id": "B", "year": 2026, "dependants": [MOTHER]})
    c = ClaimsIn.model_validate({"worker_id": "C", "year": 2026, "dependants": [{**MOTHER, "rrn_masked": "500101-1******"}]})  # another person
    d = ClaimsIn.model_validate({"worker_id": "D", "year": 2026, "dependants": [{**MOTHER, "basic": False}]})  # listed, not claimed
    out = duplicate_dependants({"A": a, "B": b, "D": d})
    assert [(e["worker_id"], e["code"]) for e in out] == [("A", "dependant_claimed_twice"), ("B", "dependant_claimed_twice")]
    assert "B" in out[0]["message"] and "§50③" in out[0]["message"]
    assert duplicate_dependants({"A": a, "C": c}) == []


def _save(store, claims: list[dict], submitted=dt.date(2027, 1, 15)) -> None:
    with store.session() as s:
        records.save_declarations(s, [ClaimsIn.model_validate(c) for c in claims], submitted_on=submitted, source="test", source_name="신고서.xlsx",
                                  source_sha256="0" * 64, actor="tester", now=NOW)


def test_declarations_are_versioned_and_the_latest_counts(store):
    _save(store, [{"worker_id": "W001", "year": 2026, "woman": True}])
    _save(store, [{"worker_id": "W001", "year": 2026, "woman": False, "dependants": [MOTHER]}], submitted=dt.date(2027, 1, 16))
    with store.session() as s:
        latest = records.latest_declarations(s, 2026)
        history = records.declaration_history(s, "W001", 2026)
        records.set_installment(s, "W001", 2026, True, "tester", NOW)
        records.set_installment(s, "W001", 2026, False, "tester", NOW)
    assert latest["W001"].version == 2 and latest["W001"].claims().dependants[0].name == "김엄마"
    assert [h.version for h in history] == [1, 2] and history[0].submitted_on == dt.date(2027, 1, 15)
    with store.session() as s:
        assert records.installment_choices(s, 2026) == {"W001": False}


def _ytd_from_runs(store, runs: dict[str, dict], wid: str) -> YearToDate:
    with store.session() as s:
        rows = [next(r["row"] for r in load_results(s, runs[m]["run_id"]) if r["row"]["worker_id"] == wid) for m in YEAR_MONTHS]
    tot = lambda c: sum(int(r[c]) for r in rows)  # noqa: E731
    return YearToDate(wid, 2026, total_pay=tot("taxable_pay"), non_taxable=tot("non_taxable_pay"), national_pension=tot("national_pension"),
                      health_insurance=tot("health_insurance"), long_term_care=tot("long_term_care"), employment_insurance=tot("employment_insurance"),
                      income_tax=tot("income_tax"), local_income_tax=tot("local_income_tax"), birth_date=dt.date.fromisoformat(rows[0]["birth_date"]))


@pytest.fixture
def year(tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "p.db"))
    root = write_year(tmp_path / "inputs")
    runs = {m: run(store, root, tmp_path / "out", m) for m in YEAR_MONTHS}
    yield store, root, runs, tmp_path / "out"
    store.dispose()


def test_the_year_end_settles_who_stays_and_the_february_run_pays_it(year):
    store, root, runs, out = year
    _save(store, [
        {"worker_id": "W001", "year": 2026, "dependants": [MOTHER, {"name": "김아들", "relationship": "descendant", "birth_date": "2015-05-05"}],
         "insurance": [{"amount": 1_200_000}], "medical": [{"person": "김엄마", "amount": 3_000_000}], "cards": [{"credit": 20_000_000, "transit": 1_000_000}]},
        {"worker_id": "W002", "year": 2026, "dependants": [MOTHER]},
        {"worker_id": "W004", "year": 2026, "woman": True},  # 일용: not settled
    ])
    _save(store, [{"worker_id": "W006", "year": 2026, "donations": [{"kind": "esop", "amount": 50_000}]}])  # refused: W006 is not settled
    with store.session() as s:
        records.set_installment(s, "W005", 2026, True, "tester", NOW)
        records.set_installment(s, "W002", 2026, True, "tester", NOW)
        ye = compute_year_end(s, 2026)

    settled = ye.frame.get_column("worker_id").to_list()
    assert settled == ["W001", "W002", "W003", "W005"] and ye.not_settled == ["W006"]
    assert ye.summary["employed_on_dec_31"] == 6 and ye.summary["daily_not_settled"] == 1 and ye.summary["months_without_run"] == []
    codes = {(e["worker_id"], e["code"]) for e in ye.exceptions}
    assert {("W003", "no_declaration"), ("W005", "no_declaration"), ("W006", "declaration_refused")} <= codes
    assert {("W001", "dependant_claimed_twice"), ("W002", "dependant_claimed_twice"), ("W004", "declaration_not_settled")} <= codes
    assert ("W001", "no_declaration") not in codes

    rows = {r["worker_id"]: r for r in ye.frame.to_dicts()}
    # 기납부세액 is what the twelve stored runs withheld; a worker with no 신고서 is the D10 (leaver) path exactly
    for wid in ("W003", "W005"):
        ytd = _ytd_from_runs(store, runs, wid)
        assert rows[wid]["income_tax_paid"] == ytd.income_tax and rows[wid]["total_pay"] == ytd.total_pay
        want = leaver_carried_columns(ytd, None, law_module.current())
        assert {k: rows[wid][k] for k in want} == want
    # W001's 신고서 counts: two dependants (one 경로우대), the card deduction; the 결정세액 is not above the no-신고서 path
    w1 = rows["W001"]
    assert w1["claims_filed"] and w1["dependants_basic"] == 2 and w1["elderly_count"] == 1 and w1["card_deduction"] > 0
    assert w1["applied_determined_tax"] <= leaver_carried_columns(_ytd_from_runs(store, runs, "W001"), None, law_module.current())["settlement_income_tax"] + w1["income_tax_paid"]
    assert ye.traces["W001"] and all(step["reference"] for step in ye.traces["W001"])

    # 분납 (§137④): W005's additional tax is over 10만원; W002's is a refund — the request is refused and said so
    assert rows["W005"]["settlement_income_tax"] > 100_000 and ye.spread["W005"] is True
    assert ye.spread["W002"] is False and ("W002", "installment_not_allowed") in codes

    batch = record_batch(store, ye, "tester")
    feb = run(store, root, out, "2027-02")
    with store.session() as s:
        paid = {r["row"]["worker_id"]: r["row"] for r in load_results(s, feb["run_id"])}
        _, march = lines_for_month(s, "2027-03")
        _, april = lines_for_month(s, "2027-04")
        _, may = lines_for_month(s, "2027-05")
    parts = split(rows["W005"]["settlement_income_tax"], 3)
    for wid, r in rows.items():
        want = parts[0] if wid == "W005" else r["settlement_income_tax"]
        assert paid[wid]["year_end_income_tax"] == want, wid
    assert paid["W004"]["year_end_income_tax"] == 0 and paid["W006"]["year_end_income_tax"] == 0
    assert [(x["worker_id"], x["income_tax"]) for x in march] == [("W005", parts[1])] and [x["income_tax"] for x in april] == [parts[2]]
    assert may == []

    lines = {line["code"]: line for line in json.loads((Path(feb["out_dir"]) / "filings" / "filings.json").read_text(encoding="utf-8"))["withholding"]}
    total = sum(r["settlement_income_tax"] for r in rows.values())
    assert lines["A04"]["persons"] == 4 and lines["A04"]["income_tax"] == total
    assert lines["A04"]["total_paid"] == sum(r["total_pay"] + r["non_taxable"] for r in rows.values())
    assert lines["A05"]["income_tax"] == parts[1] + parts[2] and lines["A06"]["income_tax"] == total - parts[1] - parts[2]
    assert lines["A10"]["income_tax"] == sum(lines[c]["income_tax"] for c in ("A01", "A02", "A03", "A06"))
    assert batch.startswith("YE2026-")


def _opening_file(path: Path) -> Path:
    """ytd.csv: the same 2026 opening figures for each settled support worker (W004 is 일용)."""
    path.write_text("worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax\n"
                    + "".join(f"{w},2026,25000000,0,1000000,800000,100000,200000,300000,30000\n" for w in ("W001", "W002", "W003", "W005", "W006")),
                    encoding="utf-8")
    return path


def test_a_worker_with_months_missing_is_not_settled_until_the_opening_figures_give_them(tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "p.db"))
    root = write_year(tmp_path / "inputs", months=["2026-11", "2026-12"])
    for m in ("2026-11", "2026-12"):
        run(store, root, tmp_path / "out", m)
    with store.session() as s:
        ye = compute_year_end(s, 2026)
    assert ye.frame.height == 0 and ye.summary["not_settled"] == 5
    assert {e["code"] for e in ye.exceptions} == {"pay_months_missing"} and "2026-01" in ye.exceptions[0]["message"]
    ytd = _opening_file(tmp_path / "ytd.csv")
    with store.session() as s:
        ye = compute_year_end(s, 2026, opening_ytd=ytd)
    assert ye.frame.height == 5
    w = ye.frame.filter(ye.frame["worker_id"] == "W002").to_dicts()[0]
    with store.session() as s:
        assert w["income_tax_paid"] == 300_000 + sum(r["row"]["income_tax"] for m in ("2026-11", "2026-12")
                                                     for r in load_results(s, _run_of(s, m)) if r["row"]["worker_id"] == "W002")
    with store.session() as s:  # the same figures kept in the record (payroll import opening) instead of a file
        from payroll.record import people
        from payroll.record.opening import import_opening

        import_opening(s, ytd, people.roster_as_of(s, dt.date(2026, 12, 31)), "clerk")
    with store.session() as s:
        from_record = compute_year_end(s, 2026)
    assert from_record.frame.height == 5 and from_record.inputs_sha256 != ye.inputs_sha256
    assert from_record.frame.filter(from_record.frame["worker_id"] == "W002").to_dicts()[0]["income_tax_paid"] == w["income_tax_paid"]
    store.dispose()


def test_an_opening_balance_stands_for_the_months_before_the_first_run_not_for_a_gap_after_it(tmp_path):
    """ytd.csv gives the pay before this system's first run; a month missing after it is a gap in the stored
    pay, and the year is not settled on part of it (an outside audit: any opening row switched the check off)."""
    store = open_store(str(tmp_path / "p.db"))
    root = write_year(tmp_path / "inputs", months=["2026-10", "2026-12"])
    for m in ("2026-10", "2026-12"):
        run(store, root, tmp_path / "out", m)
    ytd = _opening_file(tmp_path / "ytd.csv")
    with store.session() as s:
        ye = compute_year_end(s, 2026, opening_ytd=ytd)
    assert ye.frame.height == 0 and ye.summary["not_settled"] == 5
    messages = [e["message"] for e in ye.exceptions if e["code"] == "pay_months_missing"]
    assert len(messages) == 5 and all(m.startswith("2026-11 ") and "첫 run 이전 달만" in m for m in messages)
    store.dispose()


def _run_of(session, month: str) -> str:
    from payroll.runs.history import paid_runs

    return paid_runs(session, [month])[month].run_id


def test_no_december_run_is_a_clear_error(store):
    with store.session() as s, pytest.raises(InputError, match="2026-12"):
        compute_year_end(s, 2026)


def test_the_stored_year_reads_the_same_on_sqlite_and_postgresql(store, tmp_path):
    """The database picks the row and items out of each result text (json_extract / ->): the year's sums
    are the sums of the stored rows, on both databases."""
    from payroll.yearend.stored import stored_year

    root = write_year(tmp_path / "inputs", months=["2026-11", "2026-12"])
    runs = [run(store, root, tmp_path / "out", m) for m in ("2026-11", "2026-12")]
    with store.session() as s:
        year = stored_year(s, 2026)
        rows = [r["row"] for x in runs for r in load_results(s, x["run_id"])]
    got = {r["worker_id"]: r for r in year.workers.to_dicts()}
    for wid in {r["worker_id"] for r in rows}:
        mine = [r for r in rows if r["worker_id"] == wid]
        for col in ("taxable_pay", "non_taxable_pay", "income_tax", "health_insurance", "national_pension"):
            assert got[wid][col] == sum(int(r[col]) for r in mine), (wid, col)
        assert got[wid]["months_paid"] == ["2026-11", "2026-12"]
    assert got["W001"]["nt_P01"] == 2 * 200_000 and got["W005"]["nt_Q01"] == 2 * 200_000  # 식대 and 보육수당 within their monthly limits
