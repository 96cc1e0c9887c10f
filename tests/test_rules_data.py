"""The rules as data: every parameter cited, dated, checked, and covering every month without gap or overlap."""

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from payroll import law as law_module
from payroll.law import RuleError, load

COVERAGE_START = dt.date(2025, 1, 1)
#: the walk reaches through the next year: a parameter either covers it, or says why not (D14)
COVERAGE_END = dt.date(2027, 12, 31)


def months(start, end):
    d = start
    while d <= end:
        yield d
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_every_parameter_covers_every_month_exactly_once(law):
    """From 2025-01 (or its first value) to its last value, every month exactly once, no gap."""
    problems = []
    for p in law.parameters.values():
        if not p.periods:
            continue
        start = max(COVERAGE_START, p.periods[0].start.replace(day=1))
        end = min(COVERAGE_END, p.periods[-1].end)
        for first in months(start, end):
            last = min((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), end)
            for day in (max(first, p.periods[0].start), last):
                hits = [q for q in p.periods if q.covers(day)]
                if len(hits) != 1:
                    problems.append((p.name, day, len(hits)))
        for a, b in zip(p.periods, p.periods[1:]):
            if (b.start - a.end).days != 1:
                problems.append((p.name, "gap", a.end, b.start))
    assert problems == []


def test_an_introduced_parameter_starts_on_its_introduction_day(law):
    introduced = [p for p in law.parameters.values() if p.introduced is not None]
    assert introduced, "the 2026 신고서 sections introduce parameters"
    for p in introduced:
        assert p.periods[0].start == p.introduced, p.name


def test_nothing_expires_silently(law):
    """A value that stops before the end of next year is a figure a 고시 announces (missing until
    entered, D14), or a rule the law ended on purpose (end_reason): never a forgotten date."""
    silent = [p.name for p in law.parameters.values()
              if p.periods and p.periods[-1].end < COVERAGE_END and not p.announce and not p.end_reason]
    assert silent == []
    for p in law.parameters.values():
        if p.announce and p.periods:
            assert p.periods[-1].end != law_module.OPEN_END, p.name


def test_every_value_has_a_structured_citation_and_a_checked_date(law):
    for p in law.parameters.values():
        assert p.last_checked >= dt.date(2026, 1, 1), p.name
        for period in p.periods:
            c = period.citation
            assert c.law and c.article and c.promulgation and c.effective, p.name


def test_statute_and_employer_policy_are_separate(law):
    assert law.parameter("living_wage.hourly").source == "employer"
    assert law.parameter("industrial_accident.business_rate").source == "employer"
    assert law.parameter("minimum_wage.hourly").source == "statute"


def test_published_figures(law):
    on26, on25 = law.on(dt.date(2026, 6, 1)), law.on(dt.date(2025, 6, 1))
    assert on26["minimum_wage.hourly"] == 10_320 and on25["minimum_wage.hourly"] == 10_030
    assert on26["living_wage.hourly"] == 12_121
    assert str(on26["national_pension.employee_rate"]) == "19/400"  # 4.75%
    assert str(on26["health_insurance.employee_rate"]) == "719/20000"  # 3.595%
    assert on26["non_taxable.meal_monthly"] == 200_000


def _rules_with(tmp_path, statute_toml: str):
    """A rules directory holding one statute file (and an empty employer folder)."""
    (tmp_path / "statute").mkdir()
    (tmp_path / "employer").mkdir()
    (tmp_path / "statute" / "x.toml").write_text(statute_toml, encoding="utf-8")
    return tmp_path


def test_overlapping_periods_are_rejected(tmp_path):
    rules = _rules_with(tmp_path, """
[p]
label = "p"
unit = "won"
last_checked = 2026-11-25
[[p.values]]
from = 2025-01-01
to = 2025-12-31
value = 1
ref = { law = "L", article = "A", promulgation = "P", effective = 2025-01-01 }
[[p.values]]
from = 2025-06-01
to = 2026-12-31
value = 2
ref = { law = "L", article = "A", promulgation = "P", effective = 2025-06-01 }
""")
    with pytest.raises(RuleError, match="기간이 겹칩니다"):
        load(rules)


def test_float_rates_are_rejected(tmp_path):
    rules = _rules_with(tmp_path, """
[r]
label = "r"
unit = "rate"
last_checked = 2026-11-25
[[r.values]]
from = 2025-01-01
to = 2026-12-31
value = 0.0475
ref = { law = "L", article = "A", promulgation = "P", effective = 2025-01-01 }
""")
    with pytest.raises(RuleError, match="소수 문자열"):
        load(rules)


def test_switches_follow_the_decisions(law):
    expected = {
        "long_term_care.method": "per_party",
        "long_term_care.ratio": "statute",
        "employment_insurance.rounding": "floor10",
        "insurance.base": "declared",
        "settlement.no_claim_path": "better_of",
    }
    for name, value in expected.items():
        assert law.switches[name].default == value == law.switches[name].value


def test_switch_alternatives_change_the_result(monkeypatch):
    from payroll.engine.pipeline import compute
    from payroll.engine.step import Context
    from payroll import pay_items
    from payroll.case import case_frames
    from tests.helpers import case

    frames = case_frames([case(pay=5_000_000, month="2026-11", pay_date="2026-11-10")])
    default_hash = load().content_hash  # before the switch is set: alone, this test is the first to load the law
    monkeypatch.setenv("PAYROLL_SWITCH_LONG_TERM_CARE_RATIO", "exact")
    exact_law = load()
    row = compute(*frames, Context(exact_law, pay_items.current())).row(0, named=True)
    assert row["long_term_care"] == 23_620  # the exact ratio keeps the pre-2026-11 result
    assert exact_law.content_hash != default_hash
    monkeypatch.setenv("PAYROLL_SWITCH_EMPLOYMENT_INSURANCE_ROUNDING", "floor1")
    frames = case_frames([case(pay=2_156_881)])
    row = compute(*frames, Context(load(), pay_items.current())).row(0, named=True)
    assert row["employment_insurance"] == 2_156_881 * 9 // 1000  # 19,411 (floor to 1원)


def test_a_worker_leaving_on_new_years_eve_can_be_paid_severance():
    # The 퇴직일 of a contract ending 2026-12-31 is 2027-01-01: the 퇴직소득 rules must reach it.
    import datetime as dt

    from payroll.roster import Contract
    from payroll.severance.calc import compute_severance

    contract = Contract(contract_id="C1", worker_id="W1", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), pay_type="hourly",
                        wage=12_121, work_days="12345", start_time=dt.time(9), end_time=dt.time(18), break_minutes=60)
    wages = {f"2026-{m:02d}": 2_533_289 for m in range(1, 13)}
    result = compute_severance("W1", [contract], dt.date(2026, 12, 31), wages)
    assert result.severance_pay > 0 and result.retirement_income_tax >= 0


#: periods that begin before the citation's 시행일, and why the law reaches back to them
CITED_LATER = {
    "long_term_care.ratio_to_health": "부칙 제3조: from the premium of the month that holds 2026-11-27 (decision D1)",
    "year_end.child_tax_credit_min_age": "부칙 <제21548호> 제2조: the whole 2026 과세기간",
    "year_end.child_tax_credit_cohort_min_age": "부칙 <제21548호> 제2조③: the whole 2026 과세기간",
    "year_end_claims.comprehensive_limit": "부칙 <제21612호> 제3조: the 연말정산 of 2026 income",
    "timesheet.temporary_holidays": "a 임시공휴일 is designated during the year it belongs to",
}


def test_a_period_cites_the_law_in_force_when_it_begins():
    """A value dated from 2025 cites what was in force in 2025, not a later Act that kept it
    (the 2025 산재 rates cited the 2026 고시, the 2025 보육수당 limit and 표준세액공제 a 2025-12 Act)."""
    later = {}
    for p in load().parameters.values():
        for period in p.periods:
            effective = period.citation.effective
            if effective is not None and effective > period.start:
                later.setdefault(p.name, []).append((period.start, effective))
    assert set(later) == set(CITED_LATER), later
    accident = load().parameter("industrial_accident.business_rate")
    assert all("2026년도" not in q.citation.promulgation for q in accident.periods if q.start.year == 2025)
