"""The employer's filing details, read from rules/employer/filing.toml (employer data, not statute)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path

from payroll.case import InputError
from payroll.documents.office import Office, load_office, read_employer_toml


@dataclass(frozen=True)
class FilingConfig:
    office: Office
    tax_office_code: str = "000"
    hometax_id: str = ""
    submitter_kind: int = 2
    tax_agent_number: str = ""
    program_code: str = "9000"
    contact_department: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    corporate_number: str = ""
    workplace_number: str = ""
    insurance_kind_default: int = 5
    occupation_code: str = ""
    leaving_reason_daily: int = 1

    @property
    def business_number(self) -> str:
        """사업자등록번호, digits only (10)."""
        return re.sub(r"\D", "", self.office.business_number)

    def placeholders(self) -> list[str]:
        """What is still a placeholder: the files are pre-checks until these are real."""
        out = []
        if set(self.tax_office_code) <= {"0"}:
            out.append("세무서코드 (tax_office_code)")
        if not self.hometax_id:
            out.append("홈택스 ID (hometax_id)")
        if "00000" in self.business_number or len(self.business_number) != 10:
            out.append("사업자등록번호 (employer.toml business_number)")
        if not self.contact_name:
            out.append("담당자 성명 (contact_name)")
        return out


def load_filing_config(rules_dir: Path | None = None, session=None, office: Office | None = None) -> FilingConfig:
    """rules/employer/filing.toml with the employer's settings (employer.toml: ./inputs/, ./, or — with the
    store's ``session`` — the settings the latest run stored; payroll.employer.find_employer)."""
    path, raw = read_employer_toml("filing.toml", rules_dir)
    known = {f.name for f in fields(FilingConfig)} - {"office"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"{path}: 알 수 없는 키: {', '.join(unknown)}")
    checks = {"tax_office_code": r"\d{3}", "program_code": r"\d{4}", "corporate_number": r"(\d{13})?", "workplace_number": r"(\d{11})?",
              "occupation_code": r"(\d{3})?"}
    for key, pattern in checks.items():
        if key in raw and not re.fullmatch(pattern, str(raw[key])):
            raise InputError(f"{path}: {key}: {raw[key]!r}이(가) 형식 {pattern}에 맞지 않습니다")
    if raw.get("submitter_kind", 2) not in (1, 2, 3) or raw.get("insurance_kind_default", 5) not in (1, 3, 5):
        raise InputError(f"{path}: submitter_kind는 1/2/3, insurance_kind_default는 1/3/5여야 합니다")
    return FilingConfig(office=office or load_office(rules_dir, session=session), **raw)
