"""Properties of the settlement: a worker without a 신고서 is settled exactly as decision D10 says
(checked against a plain-integer oracle written apart from the engine), more deductions never raise
the 결정세액, and the credits never go past the 산출세액 (§61)."""

import dataclasses
import datetime as dt
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from payroll import law as law_module
from payroll.settlement import Claims, YearToDate, input_frame, settle_frame
from payroll.settlement.declaration import (
    CardIn, DependantIn, DonationIn, EducationIn, HousingIn, InsuranceIn, MedicalIn, PensionAccountIn, RentIn,
)

ON = law_module.current().on(dt.date(2026, 12, 31))


def _bracket(x: int, rows) -> int:
    out = 0
    for lower, base, r in rows:
        if x > lower:
            out = base + Fraction(x - lower) * r
    return int(out) if x > 0 else 0  # int() of a non-negative Fraction truncates


def _limit(total: int) -> int:
    out = 740_000
    for lower, base, r, floor in ON["year_end.earned_income_tax_credit_limit"]:
        if total > lower:
            exact = base - (total - lower) * Fraction(r)
            out = max(floor, exact.numerator // exact.denominator)
    return out


def d10_oracle(total: int, pension: int, premiums: int) -> int:
    """Decision D10 written out by hand: 근로소득공제, 본인 150만, 연금 (cut last), then either the premiums
    or 13만원, the lower 결정세액 (a tie: 표준)."""
    eid = min(_bracket(total, ON["year_end.earned_income_deduction"]), 20_000_000, max(total, 0))
    income = total - eid
    after = max(0, income - min(income, 1_500_000))

    def determined(premium_deduction: int, standard: int) -> int:
        ins = min(premiums, after) if premium_deduction else 0
        pen = min(pension, after - ins)
        base = max(0, after - ins - pen)
        tax = _bracket(base, ON["year_end.basic_rate"])
        eitc = min(_bracket(tax, ON["year_end.earned_income_tax_credit"]), _limit(total))
        return max(0, tax - eitc - standard)

    return min(determined(False, 130_000), determined(True, 0))


money = st.integers(min_value=0, max_value=150_000_000)


@given(cases=st.lists(st.tuples(money, st.integers(0, 60), st.integers(0, 80), st.integers(0, 20_000_000)), min_size=1, max_size=40))
@settings(max_examples=30, deadline=None)
def test_no_claims_is_the_d10_leaver_path(cases):
    ytds = [YearToDate("W", 2026, t, national_pension=t * pr // 1000, health_insurance=t * hr // 1000, income_tax=paid) for t, pr, hr, paid in cases]
    plain = _settled([(y, None) for y in ytds])
    empty = _settled([(y, Claims("W", 2026)) for y in ytds])  # a 신고서 with nothing in it: auto = the lower path
    for y, r, e in zip(ytds, plain, empty):
        assert r["applied_determined_tax"] == d10_oracle(y.total_pay, y.national_pension, y.health_insurance)
        assert e["applied_determined_tax"] == r["applied_determined_tax"]


dependant = st.builds(DependantIn, name=st.sampled_from(["가", "나", "다"]), relationship=st.sampled_from(["spouse", "ascendant", "descendant", "sibling"]),
                      birth_date=st.dates(dt.date(1930, 1, 1), dt.date(2026, 12, 31)), income=st.integers(0, 3_000_000), disabled=st.booleans())
small = st.integers(0, 15_000_000)


@st.composite
def claims(draw):
    deps = draw(st.lists(dependant, max_size=3, unique_by=lambda d: d.name))
    people = ["본인"] + [d.name for d in deps]
    person = st.sampled_from(people)
    return Claims(
        "W1", 2026, dependants=tuple(deps), woman=draw(st.booleans()),
        insurance=tuple(draw(st.lists(st.builds(InsuranceIn, person=person, amount=small), max_size=2))),
        medical=tuple(draw(st.lists(st.builds(MedicalIn, person=person, kind=st.sampled_from(["general", "premature", "infertility"]), amount=small), max_size=3))),
        education=tuple(draw(st.lists(st.builds(EducationIn, person=person, kind=st.sampled_from(["school", "university", "self"]), amount=small), max_size=2))),
        donations=tuple(draw(st.lists(st.builds(DonationIn, kind=st.sampled_from(["political", "special", "general", "religious"]), amount=small), max_size=3))),
        cards=tuple(draw(st.lists(st.builds(CardIn, person=person, credit=small, debit=small, culture=small, market=small, transit=small), max_size=2))),
        pension_accounts=tuple(draw(st.lists(st.builds(PensionAccountIn, kind=st.sampled_from(["savings", "retirement"]), amount=small), max_size=2))),
        rent=tuple(draw(st.lists(st.builds(RentIn, amount=small, homeless_head=st.just(True)), max_size=1))),
        housing=tuple(draw(st.lists(st.builds(HousingIn, kind=st.sampled_from(["lease_lender", "subscription"]), amount=small, eligible=st.just(True)), max_size=2))),
    )


def _more(c: Claims, section: str, extra) -> Claims:
    return dataclasses.replace(c, **{section: getattr(c, section) + (extra,)})


def _settled(pairs: list[tuple[YearToDate, Claims | None]]) -> list[dict]:
    """Many workers in one vectorised pass (each pair gets its own worker id)."""
    ytds, given_claims = [], {}
    for i, (y, c) in enumerate(pairs):
        wid = f"W{i:04d}"
        ytds.append(dataclasses.replace(y, worker_id=wid))
        if c is not None:
            given_claims[(wid, y.year)] = dataclasses.replace(c, worker_id=wid)
    return settle_frame(input_frame(ytds, given_claims)).to_dicts()


EXTRA = {"insurance": lambda a: InsuranceIn(amount=a), "medical": lambda a: MedicalIn(amount=a), "education": lambda a: EducationIn(kind="self", amount=a),
         "donations": lambda a: DonationIn(kind="special", amount=a), "cards": lambda a: CardIn(credit=a, market=a // 2),
         "pension_accounts": lambda a: PensionAccountIn(kind="savings", amount=a), "rent": lambda a: RentIn(amount=a, homeless_head=True),
         "housing": lambda a: HousingIn(kind="lease_lender", amount=a, eligible=True)}
case = st.tuples(st.integers(10_000_000, 120_000_000), claims(), st.sampled_from(sorted(EXTRA)), st.integers(1, 20_000_000))


@given(cases=st.lists(case, min_size=1, max_size=25))
@settings(max_examples=25, deadline=None)
def test_more_deductions_never_raise_the_determined_tax(cases):
    ytds = [YearToDate("W", 2026, t, national_pension=t * 45 // 1000, health_insurance=t * 40 // 1000) for t, _, _, _ in cases]
    before = _settled([(y, c) for y, (_, c, _, _) in zip(ytds, cases)])
    after = _settled([(y, _more(c, sec, EXTRA[sec](a))) for y, (_, c, sec, a) in zip(ytds, cases)])
    for b, a in zip(before, after):
        assert a["applied_determined_tax"] <= b["applied_determined_tax"]


@given(cases=st.lists(st.tuples(st.integers(0, 120_000_000), claims(), st.dates(dt.date(2006, 1, 1), dt.date(2026, 12, 31))), min_size=1, max_size=25))
@settings(max_examples=20, deadline=None)
def test_another_dependant_never_raises_the_determined_tax(cases):
    ytds = [YearToDate("W", 2026, t, national_pension=t * 45 // 1000) for t, _, _ in cases]
    before = _settled([(y, c) for y, (_, c, _) in zip(ytds, cases)])
    after = _settled([(y, _more(c, "dependants", DependantIn(name="새식구", relationship="descendant", birth_date=d)))
                      for y, (_, c, d) in zip(ytds, cases)])
    for b, a in zip(before, after):
        assert a["applied_determined_tax"] <= b["applied_determined_tax"]


@given(cases=st.lists(st.tuples(st.integers(0, 150_000_000), claims(), st.integers(0, 30_000_000)), min_size=1, max_size=25))
@settings(max_examples=20, deadline=None)
def test_credits_stay_within_the_computed_tax(cases):
    rows = _settled([(YearToDate("W", 2026, t, national_pension=t * 45 // 1000, income_tax=paid), c) for t, c, paid in cases])
    for r in rows:
        for p in ("std", "itm", "lit"):
            assert 0 <= r[f"{p}_credits_total"] <= r[f"{p}_computed_tax"]
            assert r[f"{p}_determined_tax"] == r[f"{p}_computed_tax"] - r[f"{p}_credits_total"]
            assert r[f"{p}_tax_base"] >= 0
        assert r["applied_determined_tax"] == min(r["std_determined_tax"], r["itm_determined_tax"])  # itemise = auto
