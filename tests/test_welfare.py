"""Welfare: fertility decisions (pure), group-insurance premiums and the 70만원 limit, engine effect."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import case
from payroll import law as law_module
from payroll.case import InputError, case_frames
from payroll.engine.pipeline import compute, default_context
from payroll.roster import load_roster
from payroll.welfare import fertility as fx
from payroll.welfare import group_insurance as gi
from payroll.welfare.service import compute_pay_items

D = dt.date.fromisoformat
T = dt.datetime.fromisoformat
RULES = Path(law_module.default_rules_dir())

ROSTER = """worker_id,name,birth_date,department,job,employment,family
W1,김하나,1990-05-10,환경과,환경미화,public_service,1
W2,이둘,1986-03-10,복지과,상담,fixed_term,1
W3,박셋,1985-03-02,복지과,상담,fixed_term,1
W4,최넷,1970-01-01,민원과,안내,fixed_term,1
"""
CONTRACTS = """contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes
C1,W1,2020-01-01,,monthly,2500000,12345,09:00,18:00,60
C2,W2,2025-07-01,2026-06-30,monthly,2300000,12345,09:00,18:00,60
C3,W3,2026-01-01,2026-03-31,monthly,2300000,12345,09:00,18:00,60
C4,W3,2026-04-01,2026-12-31,monthly,2300000,12345,09:00,18:00,60
C5,W4,2026-01-01,2026-04-30,monthly,2300000,12345,09:00,18:00,60
"""


@pytest.fixture()
def roster(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(CONTRACTS, encoding="utf-8")
    return load_roster(tmp_path / "roster.csv", tmp_path / "contracts.csv")


def rules_with(tmp_path: Path, file: str, replacements: list[tuple[str, str]]):
    """A copy of the repository's rules with text replaced in one file (each must match once)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return law_module.load(target)


# --- fertility: the pure decision function ---------------------------------------------------


def prog(budget: int):
    return lambda day: fx.Programme(day.year, budget, 500_000, 1_000_000, 40, "taxable")


def always(age: int = 30):
    return lambda a: (None, age)


def app(i: int, cost: int = 2_000_000, worker: str | None = None, day: str = "2026-03-02", at: str | None = None) -> fx.Application:
    return fx.Application(f"A{i}", worker or f"W{i}", D(day), cost, f"R-{i}", T(at or f"2026-03-10T09:{i:02d}"))


def test_budget_exhaustion_waitlists_and_a_cancellation_promotes_the_first_waitlisted():
    apps = [app(1), app(2), app(3), app(4)]
    led = fx.decide(apps, [], prog(1_000_000), always())
    assert [led.decisions[f"A{i}"].status for i in range(1, 5)] == ["approved", "approved", "waitlisted", "waitlisted"]
    assert "예산 부족: 잔액 0원 < 지원액 500,000원" in led.decisions["A3"].reason
    assert led.remaining(2026) == 0
    led = fx.decide(apps, [fx.Cancellation("A2", T("2026-03-11T10:00"), "취소")], prog(1_000_000), always())
    assert led.decisions["A2"].status == "cancelled"
    assert led.decisions["A3"].status == "approved"  # the first waitlisted, not A4
    assert led.decisions["A3"].decided_at == T("2026-03-11T10:00")
    assert "A2 취소" in led.decisions["A3"].reason
    assert led.decisions["A4"].status == "waitlisted"
    assert led.used[2026] == 1_000_000


def test_no_partial_approval_and_a_smaller_later_application_may_fit():
    # budget 1.5M: A1 1M approved, A2 1M waitlisted (0.5M left), A3 0.5M approved (fits)
    ages = {"W1": 45, "W2": 45, "W3": 30}
    elig = lambda a: (None, ages[a.worker_id])  # noqa: E731
    apps = [app(1), app(2), app(3)]
    led = fx.decide(apps, [], prog(1_500_000), elig)
    assert [led.decisions[k].status for k in ("A1", "A2", "A3")] == ["approved", "waitlisted", "approved"]
    assert led.decisions["A2"].amount == 1_000_000  # the amount it waits for, never cut to the remaining 500,000
    # cancelling the 0.5M approval returns 0.5M: A2 (1M) still does not fit
    led = fx.decide(apps, [fx.Cancellation("A3", T("2026-03-12T09:00"))], prog(1_500_000), elig)
    assert led.decisions["A2"].status == "waitlisted" and led.remaining(2026) == 500_000
    # cancelling the 1M approval as well: A2 is promoted
    led = fx.decide(apps, [fx.Cancellation("A3", T("2026-03-12T09:00")), fx.Cancellation("A1", T("2026-03-13T09:00"))], prog(1_500_000), elig)
    assert led.decisions["A2"].status == "approved" and led.used[2026] == 1_000_000


def test_age_39_against_40_on_the_treatment_date(roster, law):
    # W2 is born 1986-03-10: 39 on 2026-03-09, 40 on 2026-03-10 (the birthday counts)
    apps = [app(1, worker="W2", day="2026-03-09"), app(2, worker="W2", day="2026-03-10")]
    led = fx.decide(apps, [], fx.law_programme(law), fx.roster_eligibility(roster))
    assert (led.decisions["A1"].age, led.decisions["A1"].amount) == (39, 500_000)
    assert (led.decisions["A2"].age, led.decisions["A2"].amount) == (40, 1_000_000)


def test_support_never_exceeds_the_proven_cost(roster, law):
    apps = [app(1, cost=320_000, worker="W3"), app(2, cost=0, worker="W1"), app(3, cost=500_000, worker="W1", day="2026-03-03")]
    led = fx.decide(apps, [], fx.law_programme(law), fx.roster_eligibility(roster))
    assert led.decisions["A1"].amount == 320_000 and led.decisions["A1"].status == "approved"  # 40세: 1,000,000 capped
    assert "증빙 비용 320,000원 한도" in led.decisions["A1"].reason
    assert led.decisions["A2"].status == "rejected" and led.decisions["A2"].amount == 0
    assert led.decisions["A3"].amount == 500_000  # cost exactly the amount


def test_eligibility_and_programme_year(roster, law):
    apps = [
        app(1, worker="W4", day="2026-05-04", at="2026-05-06T09:00"),  # W4's contract ended 2026-04-30
        app(2, worker="W1", day="2026-12-20", at="2027-01-04T09:00"),  # claimed after the programme year
        app(3, worker="W1", day="2026-06-01", at="2026-05-30T09:00"),  # submitted before the treatment
        app(4, worker="W9", day="2026-06-01", at="2026-06-02T09:00"),  # not in the roster
    ]
    led = fx.decide(apps, [], fx.law_programme(law), fx.roster_eligibility(roster))
    assert {k: d.status for k, d in led.decisions.items()} == {"A1": "rejected", "A2": "rejected", "A3": "rejected", "A4": "rejected"}
    assert "시술일 " in led.decisions["A1"].reason and "재직하지 않았습니다" in led.decisions["A1"].reason
    assert "지원 연도 2026 밖의 신청입니다" in led.decisions["A2"].reason
    assert "시술일" in led.decisions["A3"].reason and "보다 앞섭니다" in led.decisions["A3"].reason
    assert led.used[2026] == 0


def test_the_yearly_budgets_come_from_the_rules(law):
    def many(year: int, n: int):
        return [fx.Application(f"A{i}", f"W{i}", D(f"{year}-02-02"), 1_000_000, "R", T(f"{year}-02-03T09:00") + dt.timedelta(minutes=i)) for i in range(n)]

    elig = always(45)
    led25 = fx.decide(many(2025, 11), [], fx.law_programme(law), elig)
    led26 = fx.decide(many(2026, 21), [], fx.law_programme(law), elig)
    assert len(led25.of_status("approved")) == 10 and len(led25.of_status("waitlisted")) == 1
    assert len(led26.of_status("approved")) == 20 and led26.decisions["A20"].status == "waitlisted"
    assert (led25.budget[2025], led26.budget[2026]) == (10_000_000, 20_000_000)


def test_duplicate_and_invalid_cancellations():
    apps = [app(1, worker="W1"), app(2, worker="W1", at="2026-03-10T10:00")]
    led = fx.decide(apps, [], prog(10_000_000), always())
    assert led.decisions["A2"].status == "rejected" and "중복" in led.decisions["A2"].reason
    # after a cancellation the same treatment may be claimed again
    apps3 = apps[:1] + [app(3, worker="W1", at="2026-03-12T09:00")]
    led = fx.decide(apps3, [fx.Cancellation("A1", T("2026-03-11T09:00"))], prog(10_000_000), always())
    assert led.decisions["A3"].status == "approved"
    with pytest.raises(InputError, match="이미 취소 상태입니다; 취소할 것이 없습니다"):
        fx.decide(apps, [fx.Cancellation("A1", T("2026-03-11T09:00")), fx.Cancellation("A1", T("2026-03-11T10:00"))], prog(10_000_000), always())
    with pytest.raises(InputError, match="그런 신청이 없습니다"):
        fx.decide(apps, [fx.Cancellation("A1", T("2026-03-01T09:00"))], prog(10_000_000), always())


ops = st.lists(
    st.one_of(
        st.tuples(st.just("apply"), st.integers(min_value=0, max_value=1_200_000), st.integers(min_value=20, max_value=60)),
        st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=40), st.just(0)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops, budget=st.integers(min_value=0, max_value=5_000_000))
def test_property_approved_total_never_exceeds_the_budget(ops, budget):
    apps, cancels, ages, cancelled = [], [], {}, set()
    at = T("2026-02-01T09:00")
    for kind, x, age in ops:
        at += dt.timedelta(minutes=1)
        if kind == "apply":
            i = len(apps)
            ages[f"A{i}"] = age
            apps.append(fx.Application(f"A{i}", f"W{i}", D("2026-01-15"), x, "R", at))
        elif apps:
            target = f"A{x % len(apps)}"
            if target not in cancelled:
                cancelled.add(target)
                cancels.append(fx.Cancellation(target, at))
    elig = lambda a: (None, ages[a.application_id])  # noqa: E731
    try:
        led = fx.decide(apps, cancels, prog(budget), elig)
    except InputError as exc:  # only a cancellation of a rejected (cost 0) application is refused
        assert "이미 반려 상태입니다; 취소할 것이 없습니다" in str(exc)
        return
    approved = led.of_status("approved")
    total = sum(d.amount for d in approved)
    assert total <= budget
    assert total == led.used.get(2026, 0)
    # nothing waits that the remaining budget could pay (promotion is complete)
    assert all(w.amount > led.remaining(2026) for w in led.waitlist(2026))
    # support never exceeds cost or the programme amount
    assert all(0 < d.amount <= min(d.application.cost, 1_000_000) for d in approved)
    # deterministic: the same events decide the same way
    assert fx.decide(apps, cancels, prog(budget), elig) == led


@settings(max_examples=100, deadline=None)
@given(st.permutations(list(range(8))), st.integers(min_value=0, max_value=4_000_000))
def test_property_any_submission_order_stays_within_budget(order, budget):
    base = T("2026-04-01T09:00")
    apps = [fx.Application(f"A{k}", f"W{k}", D("2026-03-01"), 200_000 * (k + 1), "R", base + dt.timedelta(minutes=pos)) for pos, k in enumerate(order)]
    cancels = [fx.Cancellation(f"A{order[0]}", base + dt.timedelta(hours=1)), fx.Cancellation(f"A{order[3]}", base + dt.timedelta(hours=2))]
    led = fx.decide(apps, cancels, prog(budget), always(45))
    assert sum(d.amount for d in led.of_status("approved")) <= budget
    assert all(w.amount > led.remaining(2026) for w in led.waitlist(2026))


# --- group insurance -------------------------------------------------------------------------


def test_plans_are_dated_and_2026_adds_dental(law):
    p25, p26 = gi.plans_on(law, D("2025-06-01")), gi.plans_on(law, D("2026-06-01"))
    assert set(p25) == set(p26) == {"indemnity", "fixed"}
    assert "치아치료비" not in p25["fixed"].covers and "치아치료비" in p26["fixed"].covers
    assert p25["indemnity"].covers == p26["indemnity"].covers


def test_monthly_billing_sums_to_the_annual_premium_exactly(tmp_path, roster):
    law = rules_with(tmp_path, "employer/group_insurance.toml", [("value = 312_000", "value = 312_005")])
    p = gi.premiums(law, roster, [gi.Enrolment("E1", "W1", "fixed", D("2025-03-01"))], 2026)
    assert p.height == 12 and p["premium"].sum() == 312_005
    assert p["premium"].to_list()[:3] == [26_000, 26_000, 26_001]  # floor(P·k/12) − floor(P·(k−1)/12)


@pytest.mark.parametrize(("premium", "taxable"), [(699_999, 0), (700_000, 0), (700_001, 1)])
def test_premium_just_below_at_and_above_the_limit(tmp_path, roster, premium, taxable):
    law = rules_with(tmp_path, "employer/group_insurance.toml", [("value = 420_000", f"value = {premium}")])
    enrols = [gi.Enrolment("E1", "W1", "indemnity", D("2025-03-01"))]  # yearly billing: all in January
    items, _ = compute_pay_items("2026-01", D("2026-01-23"), roster, law, enrols, [], [], [])
    got = items.filter(pl.col("code") == "group_insurance_taxable")["amount"].sum()
    assert got == taxable
    if taxable:
        assert f"누계 {premium:,}원" in items["method"][0] and "비과세 한도 700,000원" in items["method"][0]


def test_the_excess_lands_in_the_month_the_running_total_crosses_the_limit(roster, law):
    # 2026: 실손형 420,000 in January + 정액형 26,000 a month: 706,000 in November, 732,000 in December
    enrols = [gi.Enrolment("E1", "W1", "indemnity", D("2025-03-01")), gi.Enrolment("E2", "W1", "fixed", D("2025-03-01"))]
    by_month = {}
    for m in range(1, 13):
        items, _ = compute_pay_items(f"2026-{m:02d}", D(f"2026-{m:02d}-20"), roster, law, enrols, [], [], [])
        by_month[m] = items["amount"].sum()
    assert by_month == {**{m: 0 for m in range(1, 11)}, 11: 6_000, 12: 26_000}
    items, _ = compute_pay_items("2026-12", D("2026-12-20"), roster, law, enrols, [], [], [])
    assert items.row(0, named=True)["method"].startswith("단체보험료(사용자 부담) 2026년 누계 732,000원 (이달 26,000원)")
    assert "이전 과세 6,000원 → 이달 과세 26,000원" in items["method"][0]
    # 2025 (396,000 + 240,000 = 636,000) stays under the limit
    assert sum(compute_pay_items(f"2025-{m:02d}", D(f"2025-{m:02d}-20"), roster, law, enrols, [], [], [])[0].height for m in range(1, 13)) == 0


def test_recorded_months_are_kept_and_the_running_total_uses_them(roster, law):
    enrols = [gi.Enrolment("E1", "W1", "indemnity", D("2025-03-01")), gi.Enrolment("E2", "W1", "fixed", D("2025-03-01"))]
    paid = [{"worker_id": "W1", "code": "group_insurance_taxable", "source": "group_insurance:W1:2026-11", "month": "2026-11", "amount": 6_000, "method": "recorded"}]
    nov, new_nov = compute_pay_items("2026-11", D("2026-11-20"), roster, law, enrols, [], [], paid)
    assert nov["amount"].to_list() == [6_000] and nov["method"].to_list() == ["recorded"] and new_nov == []
    dec, new_dec = compute_pay_items("2026-12", D("2026-12-20"), roster, law, enrols, [], [], paid)
    assert dec["amount"].to_list() == [26_000] and len(new_dec) == 1


def test_a_leavers_cover_ends_with_the_contract(roster, law):
    # W2: contract to 2026-06-30. 정액형 monthly: January–June only; 실손형 yearly: 6/12 billed in January
    enrols = [gi.Enrolment("E1", "W2", "fixed", D("2025-07-01")), gi.Enrolment("E2", "W2", "indemnity", D("2026-01-01"))]
    p = gi.premiums(law, roster, enrols, 2026)
    fixed = p.filter(pl.col("plan") == "fixed")
    assert fixed["month"].to_list() == [f"2026-{m:02d}" for m in range(1, 7)]
    assert fixed["premium"].sum() == 312_000 * 6 // 12
    indemnity = p.filter(pl.col("plan") == "indemnity")
    assert indemnity.select("month", "premium").rows() == [("2026-01", 210_000)]
    notes = gi.covers_frame(gi.enrolment_frame(enrols), roster)["cover_note"].to_list()
    assert notes == ["cover ends with the contract on 2026-06-30"] * 2
    # a renewal with no gap (W3: to 03-31, from 04-01) keeps the cover going
    p3 = gi.premiums(law, roster, [gi.Enrolment("E3", "W3", "fixed", D("2026-01-01"))], 2026)
    assert p3.height == 12


def test_enrolment_checks(tmp_path, roster, law):
    with pytest.raises(InputError, match="명부\\(roster\\)에 없습니다"):
        gi.check_enrolment(law, roster, gi.Enrolment("E", "W9", "fixed", D("2026-01-01")), [])
    with pytest.raises(InputError, match="재직하지 않습니다"):
        gi.check_enrolment(law, roster, gi.Enrolment("E", "W4", "fixed", D("2026-06-01")), [])
    with pytest.raises(InputError, match="6개월 이상의 계약이 필요합니다"):  # W4 employed 2026-01-01…04-30
        gi.check_enrolment(law, roster, gi.Enrolment("E", "W4", "indemnity", D("2026-01-01")), [])
    with pytest.raises(InputError, match="제공되지 않습니다"):
        gi.check_enrolment(law, roster, gi.Enrolment("E", "W1", "dental", D("2026-01-01")), [])
    first = gi.Enrolment("E1", "W1", "fixed", D("2026-01-01"))
    gi.check_enrolment(law, roster, first, [])
    with pytest.raises(InputError, match="가입 기간이 겹칩니다"):
        gi.check_enrolment(law, roster, gi.Enrolment("E2", "W1", "fixed", D("2026-06-01")), [first])
    strict = rules_with(tmp_path, "employer/group_insurance.toml", [('value = "public_service, fixed_term"\nref = { law = "단체보험 운영 지침 (복리후생)", article = "§2 (가입 대상)", promulgation = "2025년 단체보험 계약", effective = 2025-01-01 }\n\n[fixed_min', 'value = "public_service"\nref = { law = "단체보험 운영 지침 (복리후생)", article = "§2 (가입 대상)", promulgation = "2025년 단체보험 계약", effective = 2025-01-01 }\n\n[fixed_min')])
    with pytest.raises(InputError, match="근로자 W3의 고용 형태 fixed_term은\\(는\\) 가입 대상이 아닙니다"):
        gi.check_enrolment(strict, roster, gi.Enrolment("E", "W3", "fixed", D("2026-01-01")), [])


# --- through the engine ----------------------------------------------------------------------


def _run(items):
    c = case(month="2026-12", pay_date="2026-12-20", items=items)
    workers, frame = case_frames([c])
    return compute(workers, frame, default_context()).row(0, named=True)


def test_the_taxable_excess_raises_taxable_pay_and_income_tax_but_is_not_paid_out(roster, law):
    enrols = [gi.Enrolment("E1", "W1", "indemnity", D("2025-03-01")), gi.Enrolment("E2", "W1", "fixed", D("2025-03-01"))]
    welfare, _ = compute_pay_items("2026-12", D("2026-12-20"), roster, law, enrols, [], [], [])
    extra = [{"code": r["code"], "amount": r["amount"]} for r in welfare.to_dicts()]
    assert extra == [{"code": "group_insurance_taxable", "amount": 26_000}]
    without = _run([{"code": "base_pay", "amount": 2_500_000}])
    with_ = _run([{"code": "base_pay", "amount": 2_500_000}] + extra)
    assert with_["taxable_pay"] - without["taxable_pay"] == 26_000
    assert with_["income_tax"] > without["income_tax"]
    assert with_["employment_insurance"] > without["employment_insurance"]  # 보수 includes the taxable excess
    # non-cash: net pay falls by the extra deductions only
    assert with_["net_pay"] == without["net_pay"] - (with_["deductions_total"] - without["deductions_total"])


def test_fertility_support_is_taxable_pay_in_the_run(roster, law):
    apps = [fx.Application("F1", "W1", D("2026-11-02"), 700_000, "R-1", T("2026-11-05T09:00"))]
    welfare, new = compute_pay_items("2026-12", D("2026-12-20"), roster, law, [], apps, [], [])
    assert welfare.select("worker_id", "code", "amount").rows() == [("W1", "fertility_support", 500_000)]
    assert welfare["minutes"].to_list() == [None]
    assert [r["source"] for r in new] == ["fertility:F1"]
    without = _run([{"code": "base_pay", "amount": 2_500_000}])
    with_ = _run([{"code": "base_pay", "amount": 2_500_000}, {"code": "fertility_support", "amount": 500_000}])
    assert with_["taxable_pay"] - without["taxable_pay"] == 500_000
    assert with_["income_tax"] > without["income_tax"]
    assert with_["net_pay"] > without["net_pay"]  # cash: paid out
    # paid in December: January's run does not pay it again
    paid = [{**new[0], "month": "2026-12"}]
    again, new_again = compute_pay_items("2026-12", D("2026-12-20"), roster, law, [], apps, [], paid)
    assert again.height == 1 and new_again == []
    later, _ = compute_pay_items("2026-12", D("2026-12-21"), roster, law, [], apps, [], [{**new[0], "month": "2026-11"}])
    assert later.height == 0


def test_the_tax_treatment_is_set_in_the_rules(tmp_path, roster):
    law = rules_with(tmp_path, "employer/fertility.toml", [('value = "taxable"', 'value = "non_taxable"')])
    apps = [fx.Application("F1", "W1", D("2026-11-02"), 700_000, "R-1", T("2026-11-05T09:00"))]
    welfare, _ = compute_pay_items("2026-11", D("2026-11-20"), roster, law, [], apps, [], [])
    assert welfare["code"].to_list() == ["fertility_support_non_taxable"]


def test_approval_after_the_pay_date_waits_for_the_next_run(roster, law):
    apps = [fx.Application("F1", "W1", D("2026-11-02"), 700_000, "R-1", T("2026-11-25T09:00"))]
    nov, _ = compute_pay_items("2026-11", D("2026-11-20"), roster, law, [], apps, [], [])
    dec, _ = compute_pay_items("2026-12", D("2026-12-20"), roster, law, [], apps, [], [])
    assert nov.height == 0 and dec["amount"].to_list() == [500_000]
