"""The settlement and 퇴직소득세 figures checked line by line against 소득세법 (legalize-kr/legalize-kr
kr/소득세법/법률.md, 공포 2026-09-08) and its 부칙 <제21548호, 2026.4.21>, to the won."""

import datetime as dt

import polars as pl
import pytest

from payroll import law as law_module
from payroll.settlement import Claims, YearToDate, settle
from hypothesis import given, settings, strategies as st

from payroll.settlement.brackets import bracket_amount, limit_amount, limit_expr, limit_rows, service_rows, service_years_deduction
from payroll.settlement.claims import DependantIn

ON_2026 = law_module.current().on(dt.date(2026, 12, 31))


@pytest.mark.parametrize("total_pay, limit", [
    # §59② 1호: 총급여 3,300만원 이하 → 74만원
    (20_000_000, 740_000), (33_000_000, 740_000),
    # 2호: 74만원 − (총급여 − 3,300만원) × 8/1000, 66만원 하한.
    # 4,000만: 740,000 − 7,000,000 × 8/1000 = 740,000 − 56,000 = 684,000
    (40_000_000, 684_000),
    # 4,300만: 740,000 − 80,000 = 660,000 (the floor reached exactly); 7,000만: 740,000 − 296,000 < 66만 → 660,000
    (43_000_000, 660_000), (70_000_000, 660_000),
    # 3호: 66만원 − (총급여 − 7,000만원) × 1/2, 50만원 하한. 7,010만: 660,000 − 50,000 = 610,000; 7,000만 + 1원:
    # 660,000 − 0.5 = 659,999.5 → 원 미만 절사 once, at the end → 659,999
    (70_100_000, 610_000), (70_000_001, 659_999), (100_000_000, 500_000), (120_000_000, 500_000),
    # 2호 with a fraction: 3,300만 + 1원 → 740,000 − 0.008 = 739,999.992 → 739,999 (truncating the product first gave 740,000);
    # 3,300만 + 125원 → 740,000 − 1 = 739,999 exactly; + 126원 → 739,998.992 → 739,998
    (33_000_001, 739_999), (33_000_124, 739_999), (33_000_125, 739_999), (33_000_126, 739_998),
    (41_250_001, 674_000 - 1),  # 740,000 − 66,000.008 = 673,999.992 → 673,999
    # 4호: 50만원 − (총급여 − 1.2억) × 1/2, 20만원 하한. 1억2,020만: 500,000 − 100,000 = 400,000; 1.3억 → 200,000
    (120_200_000, 400_000), (130_000_000, 200_000),
])
def test_earned_income_tax_credit_limit_bands(total_pay, limit):
    rows = limit_rows(ON_2026["year_end.earned_income_tax_credit_limit"])
    got = pl.DataFrame({"x": [total_pay]}).select(limit_expr(pl.col("x"), rows)).item()
    assert got == limit


@given(st.integers(min_value=0, max_value=200_000_000))
@settings(max_examples=400, deadline=None)
def test_earned_income_tax_credit_limit_is_the_exact_amount_truncated_once(total_pay):
    # the vectorised limit equals floor(max(하한, 기준 − (총급여 − 하한) × 율)) computed with exact fractions
    rows = limit_rows(ON_2026["year_end.earned_income_tax_credit_limit"])
    got = pl.DataFrame({"x": [total_pay]}).select(limit_expr(pl.col("x"), rows)).item()
    assert got == limit_amount(total_pay, rows)


def test_earned_income_tax_credit_and_standard_credit_figures():
    # §59①: 산출세액 130만원 이하 55%; 초과 71만5천원 + 초과분 30%
    rows = ON_2026["year_end.earned_income_tax_credit"]
    assert bracket_amount(1_300_000, rows) == 715_000
    assert bracket_amount(2_300_000, rows) == 715_000 + 300_000
    assert bracket_amount(1_001, rows) == 550  # 550.55 → 원 미만 절사
    # §59의4⑨1: 연 13만원 (개정 2025.12.23, 법률 제21221호)
    assert ON_2026["year_end.standard_tax_credit"] == 130_000
    assert "§59의4⑨1" in ON_2026.citation("year_end.standard_tax_credit").article
    # §59의2①: 25만 / 55만 / 55만 + 2명 초과 1명당 40만; ③: 출산·입양 30만 / 50만 / 70만
    assert [ON_2026[f"year_end.child_tax_credit_{k}"] for k in ("one", "two", "each_extra")] == [250_000, 550_000, 400_000]
    assert [ON_2026[f"year_end.birth_credit_{k}"] for k in ("first", "second", "third")] == [300_000, 500_000, 700_000]


def _kids_credit(year: int, *birth_years: int) -> int:
    claims = Claims("W1", year, dependants=tuple(DependantIn(relationship="descendant", birth_date=dt.date(b, 6, 1)) for b in birth_years))
    return settle(YearToDate("W1", year, 60_000_000, national_pension=2_000_000), claims).row["child_tax_credit"]


def test_child_age_2026_is_9_with_the_2017_cohort_excluded():
    # 부칙 <제21548호> 제2조②1: 2026년 과세기간분은 9세 이상 (age = 2026 − birth year, §53⑤).
    # 제2조③: 2017년생에게는 제2항을 적용하지 아니함 → §59의2① 개정규정의 13세 이상: a 2017-born child (9 in 2026) is out.
    assert _kids_credit(2026, 2016) == 250_000  # 10세
    assert _kids_credit(2026, 2017) == 0  # 9세 but 2017년생: 13세 이상 applies
    assert _kids_credit(2026, 2018) == 0  # 8세 < 9
    assert _kids_credit(2026, 2016, 2017, 2010) == 550_000  # two eligible
    assert _kids_credit(2026, 2006) == 250_000 and _kids_credit(2026, 2005) == 0  # 20세 이하 (기본공제대상자, §50①3나)
    c = ON_2026.citation("year_end.child_tax_credit_min_age")
    assert c.promulgation.startswith("법률 제21548호") and "제2조②1" in c.article
    assert "제2조③" in ON_2026.citation("year_end.child_tax_credit_cohort_min_age").article


def test_child_age_2025_is_8_and_the_2017_cohort_counts():
    # 2025: §59의2① (법률 제19933호) 8세 이상; no cohort exception — a 2017-born child is 8 and counts
    assert _kids_credit(2025, 2017) == 250_000
    assert _kids_credit(2025, 2018) == 0


def test_single_parent_needs_a_descendant_or_adopted_child_not_a_foster_child():
    # §51①6: 배우자가 없는 사람으로서 기본공제대상자인 "직계비속 또는 입양자"가 있는 경우 연 100만원.
    # A 위탁아동 is a 기본공제대상자 of its own kind (§50①3마), neither: 본인 150만 + 위탁아동 150만 = 300만, no 한부모.
    def settled(relationship: str):
        claims = Claims("W1", 2026, dependants=(DependantIn(relationship=relationship, birth_date=dt.date(2015, 1, 1)),), single_parent=True)
        return settle(YearToDate("W1", 2026, 30_000_000, national_pension=1_425_000), claims)

    foster, child = settled("foster"), settled("descendant")
    assert (foster.row["personal_deduction"], foster.row["single_parent"]) == (3_000_000, False)
    assert (child.row["personal_deduction"], child.row["single_parent"]) == (4_000_000, True)
    # 표준 path: 20,250,000 − 3,000,000 − 1,425,000 = 15,825,000 → 840,000 + 15% × 1,825,000 = 1,113,750;
    # − 근로소득세액공제 612,562 (55%, under 74만) − 자녀 250,000 (a 위탁아동 counts: §59의2①) − 표준 130,000 = 121,188
    assert (foster.determined_tax, foster.row["settlement_income_tax"], foster.row["settlement_local_income_tax"]) == (121_188, 121_180, 12_110)
    assert [i.code for i in foster.issues] == ["single_parent_not_eligible"]


def test_pension_is_cut_before_the_premiums_when_deductions_exceed_income():
    # §51의3③: 인적 + 연금 + 특별소득공제 > 종합소득금액 → the excess is 연금보험료공제 not taken.
    # 총급여 6,000,000: 근로소득공제 3,500,000 + 1,000,000 × 40% = 3,900,000 → 2,100,000; − 본인 1,500,000 = 600,000.
    # Premiums 300,000 first (§52①), then the pension 400,000 limited to 300,000 → 과세표준 0.
    y = YearToDate("W1", 2026, 6_000_000, national_pension=400_000, health_insurance=200_000, long_term_care=26_000, employment_insurance=74_000)
    s = settle(y, no_claim_path="premiums")
    assert s.row["earned_income"] == 2_100_000
    assert (s.row["itm_insurance_deduction"], s.row["itm_pension_deduction"], s.row["itm_tax_base"]) == (300_000, 300_000, 0)
    # the 표준 path has no premiums: the pension alone, limited to 600,000 → 400,000; base 200,000
    assert (s.row["std_pension_deduction"], s.row["std_tax_base"]) == (400_000, 200_000)


def test_rounding_won_then_ten_won_toward_zero():
    # 결정세액 in whole won (each product truncated); 차감징수세액 drops the part under 10원 toward zero
    # (국고금관리법 §47①), for a refund too; 지방소득세 10% of the 결정세액, truncated to the won.
    s = settle(YearToDate("W1", 2026, 20_000_000, national_pension=950_000, health_insurance=794_720, long_term_care=99_340,
                          employment_insurance=99_340, income_tax=100_005, local_income_tax=10_001))
    assert s.determined_tax == 121_100 and s.determined_local_tax == 12_110
    assert (s.income_tax, s.local_income_tax) == (21_090, 2_100)  # 21,095 → 21,090; 2,109 → 2,100
    c = law_module.current().on(dt.date(2026, 12, 31)).citation("year_end.settlement_rounding_unit")
    assert c.law == "국고금관리법" and c.article.startswith("§47①")


def test_retirement_tables_by_hand():
    on = law_module.current().on(dt.date(2026, 6, 30))
    rows = service_rows(on["retirement.service_years_deduction"])
    # §48①1: 5년 이하 100만 × n; 5–10: 500만 + 200만 × (n − 5); 10–20: 1,500만 + 250만 × (n − 10); 20 초과: 4,000만 + 300만 × (n − 20)
    assert [service_years_deduction(n, rows) for n in (1, 5, 6, 10, 12, 20, 22)] == [
        1_000_000, 5_000_000, 7_000_000, 15_000_000, 20_000_000, 40_000_000, 46_000_000]
    conv = on["retirement.converted_pay_deduction"]
    # §48①2: 800만 이하 100%; 800만 + 60%; 4,520만 + 55%; 6,170만 + 45%; 1억5,170만 + 35% — continuous at every edge
    assert [bracket_amount(x, conv) for x in (5_000_000, 8_000_000, 70_000_000, 100_000_000, 300_000_000, 400_000_000)] == [
        5_000_000, 8_000_000, 45_200_000, 61_700_000, 151_700_000, 186_700_000]
    assert bracket_amount(8_000_001, conv) == 8_000_000  # 0.6원 → 원 미만 절사
