"""The 2026 신고서 sections, worked by hand from the statute (소득세법 and 조세특례제한법 as read in
legalize-kr/legalize-kr, 2026-09 공포본), each case with its article, to the won."""

import datetime as dt

import pytest

from payroll.case import InputError
from payroll.settlement import Claims, YearToDate, settle
from payroll.settlement.declaration import (
    CardIn, DependantIn, DonationIn, EducationIn, HousingIn, InsuranceIn, MedicalIn, PensionAccountIn, RentIn,
)


def ytd(total, pension=0, premiums=0, paid=0, year=2026, birth=None):
    return YearToDate("W1", year, total, national_pension=pension, health_insurance=premiums, income_tax=paid, birth_date=birth)


def run(total, **claims):
    return settle(ytd(total), Claims("W1", 2026, **claims))


PARENT = DependantIn(name="어머니", relationship="ascendant", birth_date=dt.date(1966, 5, 1), basic=False)  # 60세, listed only
CHILD = DependantIn(name="자녀", relationship="descendant", birth_date=dt.date(2006, 3, 1))  # 20세: 기본공제대상자


def test_medical_threshold_is_taken_from_the_general_first():
    # §59의4②: 총급여 3,000만 → 문턱 3% = 900,000.
    # 1호 일반 (60세 어머니: 기본공제 미신청이어도 의료비는 나이·소득 제한 없음) 2,000,000 → 1,100,000 초과분.
    # 2호 본인 300,000 (일반이 문턱을 넘었으므로 전액). 15% × 1,400,000 = 210,000.
    s = run(30_000_000, dependants=(PARENT,), medical=(MedicalIn(person="어머니", amount=2_000_000), MedicalIn(amount=300_000)))
    assert s.row["medical_base"] == 1_400_000 and s.row["credit_medical"] == 210_000


def test_medical_shortfall_moves_to_the_special_then_infertility():
    # 문턱 900,000; 일반 500,000 → 미달 400,000 은 2호에서 뺌 (②2 단서): 본인 1,000,000 → 600,000.
    # 난임 2,000,000 (②4, 30%): 1~3호 합계가 문턱 이상이므로 전액. 의료비 실손 수령 200,000 은 의료비에서 뺌:
    # 본인 1,200,000 − 200,000 = 1,000,000. Credit 15% × 600,000 + 30% × 2,000,000 = 90,000 + 600,000 = 690,000.
    s = run(30_000_000, dependants=(PARENT,), medical=(
        MedicalIn(person="어머니", amount=500_000), MedicalIn(amount=1_200_000, reimbursed=200_000),
        MedicalIn(kind="infertility", amount=2_000_000)))
    assert s.row["credit_medical"] == 690_000
    # 일반 alone over 700만 initial limit: 총급여 1억 → 문턱 3,000,000; 일반 12,000,000 → 9,000,000 → 한도 7,000,000 → 1,050,000
    s = run(100_000_000, dependants=(PARENT,), medical=(MedicalIn(person="어머니", amount=12_000_000),))
    assert s.row["credit_medical"] == 1_050_000


def test_medical_for_65_or_6_is_not_limited():
    # ②2다: 과세기간 종료일 현재 65세 이상 (1961년생: 2026 − 1961 = 65); ②2나: 개시일 현재 6세 이하 (2020-01-01 이후 출생)
    old = DependantIn(name="아버지", relationship="ascendant", birth_date=dt.date(1961, 12, 31))
    baby = DependantIn(name="아기", relationship="descendant", birth_date=dt.date(2020, 1, 1))
    seven = DependantIn(name="형", relationship="descendant", birth_date=dt.date(2019, 12, 31))
    # 총급여 1억: 문턱 3,000,000. 아버지 9,000,000 + 아기 1,000,000 = 특정 10,000,000 (한도 없음); 형 (6세 넘음) 일반 0 → 미달 3,000,000
    # → 7,000,000 × 15% = 1,050,000; with 형 4,000,000 일반: 일반 1,000,000 초과분 + 특정 10,000,000 → 11,000,000 × 15% = 1,650,000
    s = run(100_000_000, dependants=(old, baby, seven), medical=(MedicalIn(person="아버지", amount=9_000_000), MedicalIn(person="아기", amount=1_000_000)))
    assert s.row["credit_medical"] == 1_050_000
    s = run(100_000_000, dependants=(old, baby, seven), medical=(MedicalIn(person="아버지", amount=9_000_000), MedicalIn(person="아기", amount=1_000_000),
                                                               MedicalIn(person="형", amount=4_000_000)))
    assert s.row["credit_medical"] == 1_650_000


def test_education_limits_per_person():
    # §59의4③1: 대학생 1명당 900만, 초중고 300만; ③2 본인 한도 없음. 15%.
    younger = DependantIn(name="막내", relationship="descendant", birth_date=dt.date(2012, 1, 1))
    s = run(60_000_000, dependants=(CHILD, younger), education=(
        EducationIn(person="자녀", kind="university", amount=12_000_000), EducationIn(person="막내", kind="school", amount=2_000_000),
        EducationIn(person="막내", kind="school", amount=1_500_000), EducationIn(kind="self", amount=4_000_000)))
    assert s.row["education_base"] == 9_000_000 + 3_000_000 + 4_000_000
    assert s.row["credit_education"] == 2_400_000
    assert {i.code for i in s.issues} == {"education_over_limit"}
    # a parent (직계존속) is not in ③1: refused with an issue, not counted
    s = run(60_000_000, dependants=(PARENT,), education=(EducationIn(person="어머니", kind="university", amount=1_000_000),))
    assert s.row["education_base"] == 0 and [i.code for i in s.issues] == ["education_not_eligible"]


def test_donations_limits_and_rates():
    # §59의4④: 총급여 4,000만 → 근로소득금액 4,000만 − (750만 + 2,500만 × 15%) = 28,750,000 = 소득금액.
    # 특례 2,000,000 (≤ 소득금액). 일반 한도 (종교 있음, ④2가): (28,750,000 − 2,000,000) = 26,750,000 × 10% = 2,675,000
    #   + min(26,750,000 × 20% = 5,350,000, 종교 외 1,000,000) = 3,675,000; 일반 합계 1,000,000 + 3,000,000 = 4,000,000 → 3,675,000
    # 공제대상 2,000,000 + 3,675,000 = 5,675,000 × 15% = 851,250
    s = run(40_000_000, donations=(DonationIn(kind="special", amount=2_000_000), DonationIn(kind="general", amount=1_000_000),
                                   DonationIn(kind="religious", amount=3_000_000)))
    assert (s.row["donation_general_allowed"], s.row["donation_religious_allowed"]) == (1_000_000, 2_675_000)
    assert s.row["credit_donation"] == 851_250
    # 1천만 초과분 30%: 특례 12,000,000 → 10,000,000 × 15% + 2,000,000 × 30% = 2,100,000
    s = run(40_000_000, donations=(DonationIn(kind="special", amount=12_000_000),))
    assert s.row["credit_donation"] == 2_100_000


def test_political_donations():
    # 조특법 §76①: 10만원까지 110분의 100; 초과분 15%. 300,000 → 90,909.09… + 30,000 → 120,909 (원 미만 절사 once)
    s = run(40_000_000, donations=(DonationIn(kind="political", amount=300_000),))
    assert s.row["credit_political"] == 120_909
    # the 표준 path keeps it (not a §59의4 credit): a worker with nothing else itemised still gets it
    assert s.path == "standard" and s.row["std_cr_political"] == 120_909


def test_refused_donation_kinds_say_why():
    with pytest.raises(InputError, match="고향사랑"):
        run(40_000_000, donations=(DonationIn(kind="hometown", amount=100_000),))


def test_credit_card_deduction_within_the_basic_limit():
    # 조특법 §126의2: 총급여 4,000만 → 최저사용금액 25% = 10,000,000.
    # 신용 15,000,000 ≥ 최저 → ⑥가: 10,000,000 × 15% = 1,500,000 을 뺌.
    # ②: 시장 1,000,000 × 40% + 교통 500,000 × 40% + 문화 200,000 × 30% + 직불·현금 3,000,000 × 30% + 신용 × 15%
    #   = 400,000 + 200,000 + 60,000 + 900,000 + 2,250,000 = 3,810,000 − 1,500,000 = 2,310,000 (≤ 300만)
    s = run(40_000_000, cards=(CardIn(credit=15_000_000, debit=2_000_000, cash_receipt=1_000_000, culture=200_000, market=1_000_000, transit=500_000),))
    assert s.row["card_deduction_raw"] == 2_310_000 and s.row["card_deduction"] == 2_310_000


def test_credit_card_child_limit_and_extra_limit_2026():
    # 총급여 5,000만 → 최저 12,500,000; 자녀등 1명 (⑩1: 350만); 신용 20,000,000 ≥ 최저 → 뺄 금액 1,875,000.
    # ②: 시장 5,000,000 × 40% = 2,000,000; 교통 3,000,000 × 40% = 1,200,000; 직불 10,000,000 × 30% = 3,000,000;
    #   신용 20,000,000 × 15% = 3,000,000 → 9,200,000 − 1,875,000 = 7,325,000.
    # ⑪: 초과 3,825,000 와 min(시장·교통 공제액 3,200,000, 300만 (7천만 이하)) 중 작은 3,000,000 을 더함 → 6,500,000
    s = run(50_000_000, dependants=(CHILD,), cards=(CardIn(credit=20_000_000, debit=10_000_000, market=5_000_000, transit=3_000_000),))
    assert (s.row["card_deduction_raw"], s.row["card_base_limit"], s.row["card_deduction"]) == (7_325_000, 3_500_000, 6_500_000)


def test_credit_card_below_the_threshold_is_nothing():
    s = run(40_000_000, cards=(CardIn(credit=5_000_000, market=4_000_000),))  # 9,000,000 < 10,000,000
    assert s.row["card_deduction"] == 0


def test_pension_account_credit():
    # §59의3①: 연금저축 7,000,000 → 6,000,000; + 퇴직연금 3,000,000 = 9,000,000 (한도); 총급여 5,500만 이하 → 15%
    s = run(50_000_000, pension_accounts=(PensionAccountIn(kind="savings", amount=7_000_000), PensionAccountIn(kind="retirement", amount=3_000_000)))
    assert (s.row["pension_base"], s.row["credit_pension_account"]) == (9_000_000, 1_350_000)
    s = run(60_000_000, pension_accounts=(PensionAccountIn(kind="savings", amount=1_000_000),))
    assert s.row["credit_pension_account"] == 120_000  # 12% above 5,500만


def test_monthly_rent_credit():
    # 조특법 §95의2①: 총급여 4,000만 (≤ 5,500만), 근로소득금액 28,750,000 (≤ 4,500만) → 17%; 월세 12,000,000 → 10,000,000
    s = run(40_000_000, rent=(RentIn(amount=12_000_000, homeless_head=True),))
    assert s.row["credit_rent"] == 1_700_000
    # 총급여 6,000만 → 15%; 9,000만 (> 8,000만) → none
    assert run(60_000_000, rent=(RentIn(amount=6_000_000, homeless_head=True),)).row["credit_rent"] == 900_000
    assert run(90_000_000, rent=(RentIn(amount=6_000_000, homeless_head=True),)).row["credit_rent"] == 0
    # without the 무주택 세대주 statement: left out, with an issue
    s = run(40_000_000, rent=(RentIn(amount=6_000_000, homeless_head=False),))
    assert s.row["credit_rent"] == 0 and [i.code for i in s.issues] == ["rent_not_eligible"]


def test_housing_limits():
    # §52④: 임차 원리금 5,000,000 × 40% = 2,000,000; 조특법 §87②: 청약 3,000,000 × 40% = 1,200,000 → 합계 3,200,000 ≤ 400만.
    # §52⑤ 단서: 장기주택저당 이자 10,000,000, 15년 이상 기타 한도 800만 − 3,200,000 = 4,800,000.
    s = run(60_000_000, itemise="itemised", housing=(
        HousingIn(kind="lease_lender", amount=5_000_000, eligible=True), HousingIn(kind="subscription", amount=3_000_000, eligible=True),
        HousingIn(kind="mortgage", amount=10_000_000, category="other_15y", eligible=True)))
    assert s.row["itm_housing_deduction"] == 2_000_000 + 4_800_000 and s.row["itm_subscription_deduction"] == 1_200_000
    # the 표준 path has no §52 주택자금 but keeps the 청약 (조특법 소득공제)
    assert s.row["std_housing_deduction"] == 0 and s.row["std_subscription_deduction"] == 1_200_000
    # 임차 원리금 12,000,000 × 40% = 4,800,000 → 400만; 청약 gets nothing left
    s = run(60_000_000, itemise="itemised", housing=(HousingIn(kind="lease_lender", amount=12_000_000, eligible=True),
                                                      HousingIn(kind="subscription", amount=3_000_000, eligible=True)))
    assert (s.row["itm_housing_deduction"], s.row["itm_subscription_deduction"]) == (4_000_000, 0)


def test_comprehensive_limit():
    # 조특법 §132의2: §52④⑤ + §87② + §126의2 over 2,500만 → added back to the base (종합한도 초과액).
    # 총급여 6,000만, 자녀 2명: 장기주택저당 이자 25,000,000 (⑥1 한도 2,000만) → 20,000,000.
    # 신용카드: 최저 15,000,000; 신용 60,000,000 → 뺄 금액 2,250,000; 공제 시장 4,000,000 + 교통 2,000,000 + 신용 9,000,000
    #   − 2,250,000 = 12,750,000 → 기본한도 400만 (⑩1, 2명) + 추가 min(8,750,000, min(6,000,000, 300만)) = 7,000,000.
    # 20,000,000 + 7,000,000 − 25,000,000 = 2,000,000.
    kids = tuple(DependantIn(name=f"자녀{i}", relationship="descendant", birth_date=dt.date(2014 + i, 1, 1)) for i in range(2))
    s = run(60_000_000, itemise="itemised", dependants=kids, cards=(CardIn(credit=60_000_000, market=10_000_000, transit=5_000_000),),
            housing=(HousingIn(kind="mortgage", amount=25_000_000, category="fixed_and_non_deferred_15y", eligible=True),))
    assert (s.row["itm_housing_deduction"], s.row["itm_card_deduction"]) == (20_000_000, 7_000_000)
    assert s.row["itm_comprehensive_excess"] == 2_000_000


def test_marriage_credit():
    s = run(40_000_000, marriage_date=dt.date(2026, 10, 3))
    assert s.row["credit_marriage"] == 500_000
    with pytest.raises(Exception, match="혼인신고일"):
        Claims("W1", 2026, marriage_date=dt.date(2025, 10, 3)).model()


def test_insurance_for_a_person_who_is_not_a_dependant_is_refused():
    s = run(30_000_000, dependants=(PARENT,), insurance=(InsuranceIn(person="어머니", amount=500_000), InsuranceIn(amount=300_000)))
    assert s.row["insurance_base"] == 300_000 and [i.code for i in s.issues] == ["insurance_not_eligible"]


def test_2025_claims_beyond_what_its_rules_cover_are_refused():
    with pytest.raises(InputError, match="의료비"):
        settle(ytd(30_000_000, year=2025), Claims("W1", 2025, medical=(MedicalIn(amount=1_000_000),)))


def test_credits_stop_at_the_computed_tax_pension_account_last():
    # 총급여 2,000만 (D10 example: 산출 558,000 on the 표준 path, 근로 306,900, 표준 130,000 → 121,100 left);
    # 연금계좌 1,000,000 × 15% = 150,000 is taken only up to 121,100 (§61③: 연금계좌세액공제를 받지 아니한 것으로 봄)
    s = settle(YearToDate("W1", 2026, 20_000_000, national_pension=950_000), Claims("W1", 2026, itemise="standard",
                                                                                   pension_accounts=(PensionAccountIn(kind="savings", amount=1_000_000),)))
    assert s.row["credit_pension_account"] == 150_000
    assert s.row["applied_cr_pension_account"] == 121_100 and s.determined_tax == 0
