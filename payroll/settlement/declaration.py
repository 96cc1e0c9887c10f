"""The 근로소득자 소득·세액공제신고서 (소득세법 §140) as validated data: one model per section.

The same models serve the JSON claims file of a leaver's settlement, the XLSX template of the
year-end (payroll.yearend.template) and the console form; what a worker submitted is stored as the
model's JSON (payroll.yearend.records), so a settlement is always recomputed from these fields.

A section row that concerns a person names the person in ``person``: ``본인`` (the worker) or the
``name`` of one of the worker's dependants. The relationship, birth date and disability of that
person come from the dependant row, so the eligibility tests (기본공제대상자, 65세 이상, 6세 이하,
장애인) are made once, by the settlement, from the dated facts.

Amounts are whole won, ≥ 0. Codes are the English keys below; the template shows their Korean
labels (``LABELS``) and accepts either.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SELF = "본인"

Relationship = Literal["spouse", "ascendant", "descendant", "sibling", "foster", "recipient"]
RELATIONSHIPS: dict[str, str] = {
    "spouse": "배우자", "ascendant": "직계존속", "descendant": "직계비속·입양자", "sibling": "형제자매",
    "foster": "위탁아동", "recipient": "기초생활수급자",
}


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DependantIn(_Row):
    """부양가족: 기본공제 (§50), 추가공제 (§51), 자녀·출산입양 세액공제 (§59의2)."""

    name: str = ""
    relationship: Relationship
    birth_date: dt.date
    income: int = Field(default=0, ge=0)  # 소득금액 of the year (총급여 when wage_only)
    wage_only: bool = False
    disabled: bool = False
    basic: bool = True  # 기본공제를 신청함 (False: listed only, e.g. for 의료비 of a parent over the income limit)
    birth_order: int = Field(default=0, ge=0, le=20)  # 이 해에 출산·입양한 자녀의 순서 (1 첫째, 2 둘째, 3 이상), 0 = 해당 없음
    rrn_masked: str = ""  # 900101-1****** only: the 중복공제 check and the printout name the person by it

    @field_validator("rrn_masked")
    @classmethod
    def _masked_only(cls, v: str) -> str:
        v = v.strip()
        if v and not re.fullmatch(r"\d{6}-\d\*{6}", v):
            raise ValueError("주민등록번호는 뒤 6자리를 가려 적으세요 (예: 900101-1******); 전체 번호는 기록하지 않음")
        return v


class InsuranceIn(_Row):
    person: str = SELF
    kind: Literal["general", "disabled"] = "general"  # 보장성 / 장애인전용보장성 (§59의4①2·1)
    amount: int = Field(ge=0)


class MedicalIn(_Row):
    person: str = SELF
    kind: Literal["general", "premature", "infertility"] = "general"  # 일반 / 미숙아·선천성이상아 (②3) / 난임시술 (②4)
    severe: bool = False  # 중증질환자·희귀난치성질환자·결핵환자 (§59의4②2마)
    amount: int = Field(ge=0)
    reimbursed: int = Field(default=0, ge=0)  # 실손의료보험금 수령액: 의료비에서 뺌

    @model_validator(mode="after")
    def _net(self) -> "MedicalIn":
        if self.reimbursed > self.amount:
            raise ValueError(f"실손보험금 {self.reimbursed:,}원이 의료비 {self.amount:,}원보다 큼")
        return self


class EducationIn(_Row):
    person: str = SELF
    kind: Literal["preschool", "school", "university", "self", "disabled"]  # 취학 전 / 초중고 / 대학 / 본인 / 장애인 특수교육
    amount: int = Field(ge=0)


class DonationIn(_Row):
    kind: Literal["political", "special", "general", "religious", "hometown", "esop"]
    amount: int = Field(ge=0)


class CardIn(_Row):
    """신용카드 등 사용금액 (조특법 §126의2), one row per person (본인·배우자·직계존비속)."""

    person: str = SELF
    credit: int = Field(default=0, ge=0)  # 신용카드
    debit: int = Field(default=0, ge=0)  # 직불·선불카드
    cash_receipt: int = Field(default=0, ge=0)  # 현금영수증
    culture: int = Field(default=0, ge=0)  # 도서·신문·공연·박물관·미술관·영화상영관·체육시설
    market: int = Field(default=0, ge=0)  # 전통시장
    transit: int = Field(default=0, ge=0)  # 대중교통


class PensionAccountIn(_Row):
    kind: Literal["savings", "retirement"]  # 연금저축 / 퇴직연금 (IRP·DC 추가납입)
    amount: int = Field(ge=0)


class RentIn(_Row):
    """월세액 (조특법 §95의2): the worker states the 무주택 세대주 condition (시행령 요건은 증빙으로 확인)."""

    landlord: str = ""
    address: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    amount: int = Field(ge=0)  # 이 해에 지급한 월세액
    homeless_head: bool  # 과세기간 종료일 현재 무주택 세대의 세대주 (또는 공제받지 않는 세대주의 구성원)


MORTGAGE_CATEGORIES = ("fixed_and_non_deferred_15y", "fixed_or_non_deferred_15y", "other_15y", "fixed_or_non_deferred_10y")


class HousingIn(_Row):
    """주택자금 (§52④⑤⑥) and 주택청약종합저축 (조특법 §87②)."""

    kind: Literal["lease_lender", "lease_private", "mortgage", "subscription"]
    amount: int = Field(ge=0)  # 원리금 상환액 / 이자 상환액 / 납입액
    category: Literal["fixed_and_non_deferred_15y", "fixed_or_non_deferred_15y", "other_15y", "fixed_or_non_deferred_10y"] | None = None
    eligible: bool  # 요건 확인 (무주택·1주택 세대주, 국민주택규모, 기준시가 6억원 이하 등 — 증빙으로 확인함)

    @model_validator(mode="after")
    def _category(self) -> "HousingIn":
        if self.kind == "mortgage" and self.category is None:
            raise ValueError("장기주택저당차입금은 구분(상환기간·고정금리·비거치식)이 필요함")
        if self.kind != "mortgage" and self.category is not None:
            raise ValueError("구분은 장기주택저당차입금에만 적음")
        return self


Itemise = Literal["auto", "itemised", "standard"]


class ClaimsIn(BaseModel):
    """One worker's 신고서 for one tax year."""

    model_config = ConfigDict(extra="forbid")

    worker_id: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    dependants: list[DependantIn] = []
    self_disabled: bool = False
    woman: bool = False
    single_parent: bool = False
    insurance_premiums: int = Field(default=0, ge=0)  # 본인 보장성 (older JSON form; same as an ``insurance`` row)
    disabled_insurance_premiums: int = Field(default=0, ge=0)
    births: list[int] = []  # 출산·입양 순서 (older JSON form; same as ``birth_order`` of a dependant)
    itemise: Itemise = "auto"
    insurance: list[InsuranceIn] = []
    medical: list[MedicalIn] = []
    education: list[EducationIn] = []
    donations: list[DonationIn] = []
    cards: list[CardIn] = []
    pension_accounts: list[PensionAccountIn] = []
    rent: list[RentIn] = []
    housing: list[HousingIn] = []
    marriage_date: dt.date | None = None  # 혼인신고일 (조특법 §92)
    head_of_household: bool | None = None  # 세대주 여부 (지급명세서 C15; not a deduction); None = not stated

    @model_validator(mode="after")
    def _people(self) -> "ClaimsIn":
        names = [d.name for d in self.dependants]
        named = [n for n in names if n]
        if len(set(named)) != len(named):
            dup = next(n for n in named if named.count(n) > 1)
            raise ValueError(f"부양가족 이름 {dup!r}이 두 번 있음 (같은 이름이면 구별되게 적으세요)")
        if SELF in named:
            raise ValueError(f"부양가족 이름으로 {SELF!r}은 쓸 수 없음")
        for section in ("insurance", "medical", "education", "cards"):
            for i, row in enumerate(getattr(self, section)):
                if row.person != SELF and row.person not in named:
                    raise ValueError(f"{section}[{i}]: 대상자 {row.person!r}은 본인도 부양가족도 아님")
        for j, order in enumerate(self.births):
            if order < 1:
                raise ValueError(f"births[{j}]: 출산·입양 순서는 1 이상이어야 합니다 (받은 값 {order})")
        if self.marriage_date is not None and self.marriage_date.year != self.year:
            raise ValueError(f"혼인신고일 {self.marriage_date}이 {self.year}년이 아님 (조특법 §92: 혼인신고를 한 날이 속하는 과세기간)")
        return self


#: the sections a settlement year has to support when they are not empty (rules year_end_claims.claim_sections)
SECTION_OF_FIELD = {
    "dependants": "dependants", "self_disabled": "dependants", "woman": "dependants", "single_parent": "dependants",
    "insurance_premiums": "insurance", "disabled_insurance_premiums": "insurance", "insurance": "insurance",
    "births": "births", "medical": "medical", "education": "education", "donations": "donations", "cards": "cards",
    "pension_accounts": "pension_accounts", "rent": "rent", "housing": "housing", "marriage_date": "marriage",
}
SECTION_LABELS = {
    "dependants": "인적공제", "insurance": "보험료", "births": "출산·입양", "medical": "의료비", "education": "교육비",
    "donations": "기부금", "cards": "신용카드 등", "pension_accounts": "연금계좌", "rent": "월세", "housing": "주택자금",
    "marriage": "혼인세액공제",
}


def used_sections(c: "ClaimsIn") -> set[str]:
    """The 신고서 sections this claim fills in (a section left empty or False is not used)."""
    out = set()
    for field, section in SECTION_OF_FIELD.items():
        value = getattr(c, field)
        if value not in (None, False, 0, [], ()):
            out.add(section)
    if any(d.birth_order for d in c.dependants):
        out.add("births")
    return out
