"""중도퇴사자·연말정산 settlement, computed by hand from the statute (소득세법 §47, §50–§52, §55,
§59, §59의2, §59의4, decision D10), to the won."""

import datetime as dt

import polars as pl
import pytest

from payroll.case import InputError
from payroll.settlement import Claims, YearToDate, input_frame, leaver_carried_columns, parse_claims, settle, settle_frame
from payroll.settlement.claims import DependantIn


def ytd(total, pension, premiums, paid=0, local_paid=0, wid="W1"):
    # premiums are split arbitrarily over the three §52① premiums; only their sum matters
    return YearToDate(wid, 2026, total, national_pension=pension, health_insurance=premiums - premiums // 5,
                      long_term_care=premiums // 5 // 2, employment_insurance=premiums // 5 - premiums // 5 // 2,
                      income_tax=paid, local_income_tax=local_paid)


def test_d10_example_low_pay_standard_path_wins():
    # 2,000만 = 10 months × 2,000,000. 국민연금 4.75% × 2,000,000 = 95,000 × 10 = 950,000.
    # 건강 3.595% = 71,900; 장기요양 floor10(71,900 × 0.9448/7.19) = 9,440; 고용 0.9% = 18,000
    # → premiums (71,900 + 9,440 + 18,000) × 10 = 993,400 (= 2,000만 × 4.967%).
    # 근로소득공제 §47: 750만 + (2,000만 − 1,500만) × 15% = 8,250,000 → 근로소득금액 11,750,000
    # − 본인 1,500,000 − 연금 950,000 = 9,300,000
    # 표준: 산출 9,300,000 × 6% = 558,000; 근로세액공제 55% = 306,900 (한도 74만); − 130,000 → 121,100
    # 보험료: 과세표준 9,300,000 − 993,400 = 8,306,600; 산출 498,396; 공제 floor(274,117.8) = 274,117
    #   → 224,279. The lower one: 121,100 (표준).
    s = settle(ytd(20_000_000, 950_000, 993_400))
    assert (s.row["std_determined_tax"], s.row["itm_determined_tax"]) == (121_100, 224_279)
    assert s.path == "standard" and s.determined_tax == 121_100
    assert s.determined_local_tax == 12_110


def test_d10_example_middle_pay_premiums_path_wins():
    # 5,000만 = 10 × 5,000,000: 연금 237,500 × 10 = 2,375,000; premiums 5,000만 × 4.967% = 2,483,500.
    # 근로소득공제: 1,200만 + (5,000만 − 4,500만) × 5% = 12,250,000 → 37,750,000 − 1,500,000 − 2,375,000 = 33,875,000
    # 표준: 산출 840,000 + (33,875,000 − 14,000,000) × 15% = 3,821,250; 근로세액공제 715,000 + 30% × 2,521,250
    #   = 1,471,375 → 한도 74만 − (5,000만 − 3,300만) × 8/1000 = 604,000 → 66만 하한 = 660,000;
    #   3,821,250 − 660,000 − 130,000 = 3,031,250
    # 보험료: 과세표준 31,391,500; 산출 840,000 + 17,391,500 × 15% = 3,448,725; − 660,000 = 2,788,725 (wins)
    s = settle(ytd(50_000_000, 2_375_000, 2_483_500, paid=3_000_000, local_paid=300_000))
    assert (s.row["std_determined_tax"], s.row["itm_determined_tax"]) == (3_031_250, 2_788_725)
    assert s.path == "premiums" and s.determined_tax == 2_788_725
    # 차감: 2,788,725 − 3,000,000 = −211,275 → 10원 미만 절사 toward zero: −211,270
    # 지방: floor(2,788,725 × 10%) = 278,872 − 300,000 = −21,128 → −21,120
    assert (s.income_tax, s.local_income_tax) == (-211_270, -21_120)


def test_high_pay_no_claims():
    # 9,000만, 연금 2,475,000 (capped base), premiums 3,500,000, withheld 8,000,000 / 800,000.
    # 근로소득공제: 1,200만 + 4,500만 × 5% = 14,250,000 → 근로소득금액 75,750,000
    # 표준: 75,750,000 − 1,500,000 − 2,475,000 = 71,775,000; 산출 6,240,000 + 21,775,000 × 24% = 11,466,000
    #   근로세액공제 715,000 + (11,466,000 − 1,300,000) × 30% = 3,764,800; 한도 66만 − (9,000만 − 7,000만)/2 < 50만 → 500,000
    #   결정 11,466,000 − 500,000 − 130,000 = 10,836,000
    # 보험료: 71,775,000 − 3,500,000 = 68,275,000; 산출 6,240,000 + 18,275,000 × 24% = 10,626,000; − 500,000 = 10,126,000
    s = settle(ytd(90_000_000, 2_475_000, 3_500_000, paid=8_000_000, local_paid=800_000))
    assert (s.row["std_determined_tax"], s.row["itm_determined_tax"]) == (10_836_000, 10_126_000)
    assert s.determined_tax == 10_126_000
    assert (s.income_tax, s.local_income_tax) == (2_126_000, 212_600)


def test_low_pay_with_claims_children_and_insurance():
    # 3,000만, 연금 1,425,000, premiums 1,490,100, withheld 600,000 / 60,000. 신고서: 배우자 (소득 없음),
    # 자녀 2 (2015년생 11세, 2020년생 6세 — 자녀세액공제는 9세 이상 in 2026: 1명), 보장성 1,200,000.
    # 근로소득공제 750만 + 1,500만 × 15% = 9,750,000 → 20,250,000; 인적공제 4 × 1,500,000 = 6,000,000
    # 연금 1,425,000 → 12,825,000
    # 보험료 경로: − 1,490,100 = 11,334,900; 산출 × 6% = 680,094; 근로세액공제 floor(374,051.7) = 374,051
    #   자녀 1명 250,000; 보장성 min(1,200,000, 100만) × 12% = 120,000 → 680,094 − 744,051 < 0 → 0
    # 표준 경로: 산출 769,500; 근로 floor(423,225) = 423,225; 자녀 250,000; 표준 130,000 → 0 too. Tie → 표준.
    claims = Claims("W1", 2026, dependants=(
        DependantIn(relationship="spouse", birth_date=dt.date(1988, 5, 1)),
        DependantIn(relationship="descendant", birth_date=dt.date(2015, 3, 1)),
        DependantIn(relationship="descendant", birth_date=dt.date(2020, 3, 1)),
    ), insurance_premiums=1_200_000)
    s = settle(ytd(30_000_000, 1_425_000, 1_490_100, paid=600_000, local_paid=60_000), claims)
    assert s.row["basic_deduction"] == 6_000_000 and s.row["child_tax_credit"] == 250_000
    assert s.row["credit_insurance"] == 120_000  # before §61
    assert s.row["itm_cr_insurance"] == 680_094 - 374_051 - 250_000  # taken within the 산출세액 left (§61①)
    assert (s.row["std_determined_tax"], s.row["itm_determined_tax"]) == (0, 0)
    assert s.path == "standard"
    assert (s.income_tax, s.local_income_tax) == (-600_000, -60_000)


def test_middle_pay_with_claims_itemised():
    # 5,000만 as above, 신고서: 70세 어머니 (직계존속, 경로우대), 자녀 1 (2012년생 14세), 보장성 500,000.
    # 인적: 기본 3 × 1,500,000 = 4,500,000 + 경로 1,000,000 = 5,500,000
    # 37,750,000 − 5,500,000 − 2,375,000 = 29,875,000; − premiums 2,483,500 = 27,391,500
    # 산출 840,000 + 13,391,500 × 15% = 2,848,725; 근로세액공제 한도 660,000; 자녀 250,000; 보장성 60,000
    # → 2,848,725 − 970,000 = 1,878,725. 표준: 29,875,000 → 산출 3,221,250 − 660,000 − 250,000 − 130,000 = 2,181,250.
    claims = Claims("W1", 2026, dependants=(
        DependantIn(relationship="ascendant", birth_date=dt.date(1955, 1, 1)),
        DependantIn(relationship="descendant", birth_date=dt.date(2012, 6, 1)),
    ), insurance_premiums=500_000)
    s = settle(ytd(50_000_000, 2_375_000, 2_483_500, paid=2_000_000, local_paid=200_000), claims)
    assert s.row["additional_deduction"] == 1_000_000
    assert (s.row["std_determined_tax"], s.row["itm_determined_tax"]) == (2_181_250, 1_878_725)
    assert s.determined_tax == 1_878_725
    # 1,878,725 − 2,000,000 = −121,275 → −121,270; 지방 187,872 − 200,000 = −12,128 → −12,120
    assert (s.income_tax, s.local_income_tax) == (-121_270, -12_120)


def test_high_pay_with_claims_standard_forced():
    # 9,000만, 배우자 + 자녀 3명 (10·12·15세: all ≥ 9) → 자녀세액공제 55만 + 40만 = 950,000; itemise = standard.
    # 인적 5 × 1,500,000 = 7,500,000; 75,750,000 − 7,500,000 − 2,475,000 = 65,775,000
    # 산출 6,240,000 + 15,775,000 × 24% = 10,026,000; − 500,000 − 950,000 − 130,000 = 8,446,000
    kids = tuple(DependantIn(relationship="descendant", birth_date=dt.date(y, 1, 1)) for y in (2016, 2014, 2011))
    claims = Claims("W1", 2026, dependants=(DependantIn(relationship="spouse", birth_date=dt.date(1980, 1, 1)),) + kids, itemise="standard")
    s = settle(ytd(90_000_000, 2_475_000, 3_500_000, paid=8_000_000, local_paid=800_000), claims)
    assert s.row["child_tax_credit"] == 950_000 and s.path == "standard"
    assert s.determined_tax == 8_446_000
    assert (s.income_tax, s.local_income_tax) == (446_000, 44_600)


def test_ineligible_dependants_are_not_deducted():
    # a spouse with 소득금액 2,000,000 (> 100만) and a 25-year-old child: neither is a 기본공제대상자
    claims = Claims("W1", 2026, dependants=(
        DependantIn(relationship="spouse", birth_date=dt.date(1980, 1, 1), income=2_000_000),
        DependantIn(relationship="descendant", birth_date=dt.date(2001, 1, 1)),
        DependantIn(relationship="spouse", birth_date=dt.date(1980, 1, 1), income=4_000_000, wage_only=True),
    ))
    s = settle(ytd(30_000_000, 1_425_000, 1_490_100), claims)
    assert s.row["dependants_basic"] == 1  # only the wage-only spouse under 500만 counts
    assert s.row["child_tax_credit"] == 0


@pytest.mark.parametrize("path, expected", [("standard", 121_100), ("premiums", 224_279), ("better_of", 121_100)])
def test_switch_paths(path, expected):
    assert settle(ytd(20_000_000, 950_000, 993_400), no_claim_path=path).determined_tax == expected


def test_literal_137_3_path():
    # §137③ literally: 11,750,000 − 1,500,000 = 10,250,000; 산출 615,000; 근로 338,250; 표준 130,000 → 146,750
    s = settle(ytd(20_000_000, 950_000, 993_400), no_claim_path="literal_137_3")
    assert s.path == "literal_137_3" and s.determined_tax == 146_750


def test_tie_goes_to_standard_and_small_amount_not_collected():
    # 총급여 0: both paths 0 → 표준. Withheld 0; nothing due.
    s = settle(ytd(0, 0, 0))
    assert s.path == "standard" and s.income_tax == 0
    # additional tax under 1,000원 is not collected (§86 1호): 121,100 − 120,200 = 900 → 0, local too
    s = settle(ytd(20_000_000, 950_000, 993_400, paid=120_200, local_paid=12_020))
    assert s.income_tax == 0 and s.local_income_tax == 0 and s.row["small_amount_exempt"]


def test_trace_lists_both_paths_with_references():
    s = settle(ytd(20_000_000, 950_000, 993_400))
    steps = {t["step"]: t for t in s.trace}
    assert steps["settlement.std_determined_tax"]["value"] == 121_100
    assert steps["settlement.itm_determined_tax"]["value"] == 224_279
    assert "§59의4⑨1" in steps["settlement.std_determined_tax"]["reference"]
    assert steps["settlement.applied_cr_standard"]["value"] == 130_000
    assert "§47" in steps["settlement.earned_income_deduction"]["reference"]
    assert all(set(t) == {"step", "value", "reference", "note"} for t in s.trace)
    assert all(isinstance(t["value"], int) for t in s.trace)


def test_vectorised_frame_matches_single_worker():
    rows = [ytd(20_000_000 + i * 1_000_000, 950_000 + i * 47_500, 993_400 + i * 49_670, paid=i * 10_000, wid=f"W{i}") for i in range(50)]
    frame = settle_frame(input_frame(rows))
    for i in (0, 17, 49):
        assert frame.row(i, named=True)["settlement_income_tax"] == settle(rows[i]).income_tax
    assert frame.height == 50 and frame.get_column("worker_id").to_list() == [f"W{i}" for i in range(50)]


def test_carried_columns():
    cols = leaver_carried_columns(ytd(50_000_000, 2_375_000, 2_483_500, paid=3_000_000, local_paid=300_000))
    assert cols == {"settlement_income_tax": -211_270, "settlement_local_income_tax": -21_120}


def test_claims_errors_name_the_field():
    with pytest.raises(InputError, match=r"claims.json: dependants\[0\]\.relationship"):
        parse_claims('{"worker_id": "W1", "year": 2026, "dependants": [{"relationship": "cousin", "birth_date": "2000-01-01"}]}', "claims.json")
    with pytest.raises(InputError, match="알 수 없는 필드입니다"):
        parse_claims('{"worker_id": "W1", "year": 2026, "pets": 2}', "claims.json")
    with pytest.raises(InputError, match="올바른 JSON이 아닙니다"):
        parse_claims("{", "claims.json")
