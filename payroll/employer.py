"""The employer's settings: one file, ``employer.toml`` in the inputs directory, read by every document.

The payslips, the register, the 근로계약서, the certificates and the withholding receipts all take
the employer from here, so the name and the 임금지급일 printed on a contract are the ones the
payslip prints. The file is an input like any other: a run stores it by hash, so a replay prints
the same employer. Keys (Korean in the messages, English in the file)::

    name = "서울특별시 ○○구청"                 # 사업장명 (required)
    business_number = "123-83-00019"          # 사업자등록번호 (required; the check digit is verified)
    representative = "○○구청장 홍길동"        # 대표자 (required)
    address = "서울특별시 ○○구 ○○로 1"         # 소재지 (required)
    pay_day = 10                              # 임금지급일: day of the month, 1–31 (31 = 말일) (required)
    pay_month = "next"                        # "next": a month's pay is paid in the next month (전월분); "same": 당월분
    phone = "02-000-0000"                     # 전화 (optional)
    pay_method = "근로자 명의 예금통장에 입금"   # 지급방법 (optional)
    issuer_department = "총무과"               # 발급 부서 (optional)
    seal_image = "seal.png"                   # 직인 image, PNG, beside this file (optional)

    [withholding_agent]                       # 원천징수의무자, when it is not the employer itself (optional)
    name = "…"; business_number = "…"; representative = "…"; address = "…"

A pay day on a Saturday, Sunday or paid public holiday moves to the working day before it
("휴일의 경우는 전일 지급", as the 표준근로계약서 says).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from payroll.case import InputError

FILE_NAME = "employer.toml"
REQUIRED = {"name": "사업장명", "business_number": "사업자등록번호", "representative": "대표자", "address": "소재지", "pay_day": "임금지급일"}
OPTIONAL = {"pay_month": "지급월", "phone": "전화", "pay_method": "지급방법", "issuer_department": "발급 부서", "seal_image": "직인 이미지",
            "withholding_agent": "원천징수의무자"}
AGENT_KEYS = {"name": "명칭", "business_number": "사업자등록번호", "representative": "대표자", "address": "소재지"}
PAY_MONTHS = {"next": "전월분", "same": "당월분"}
MAX_SEAL_BYTES = 512 * 1024
MAX_SEAL_PIXELS = 2000
_BUSINESS_NUMBER = re.compile(r"^(\d{3})-?(\d{2})-?(\d{5})$")
_CHECK_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


@dataclass(frozen=True)
class WithholdingAgent:
    """원천징수의무자 (소득세법 §127): who withholds and files; the employer unless said otherwise."""

    name: str
    business_number: str
    representative: str
    address: str


@dataclass(frozen=True)
class Employer:
    name: str
    business_number: str
    representative: str
    address: str
    pay_day: int
    pay_month: str = "next"
    phone: str = ""
    pay_method: str = "근로자 명의 예금통장에 입금"
    issuer_department: str = ""
    seal_png: bytes | None = None
    withholding_agent: WithholdingAgent | None = None

    @property
    def agent(self) -> WithholdingAgent:
        return self.withholding_agent or WithholdingAgent(self.name, self.business_number, self.representative, self.address)

    def pay_day_text(self) -> str:
        """The 임금지급일 as a contract states it: "매월 10일 (전월분)"."""
        day = "말일" if self.pay_day == 31 else f"{self.pay_day}일"
        return f"매월 {day} ({PAY_MONTHS[self.pay_month]})"

    def pay_date_for(self, month: str, law=None) -> dt.date:
        """The pay date of ``month`` (YYYY-MM): the pay day of that month or the next, moved back over
        Saturdays, Sundays and paid public holidays."""
        from payroll.holidays import is_paid_holiday

        year, mon = int(month[:4]), int(month[5:7])
        if self.pay_month == "next":
            year, mon = year + (mon == 12), mon % 12 + 1
        day = dt.date(year, mon, min(self.pay_day, calendar.monthrange(year, mon)[1]))
        while day.weekday() >= 5 or is_paid_holiday(day, law):
            day -= dt.timedelta(days=1)
        return day

    def payslip_block(self) -> dict[str, str]:
        """What a payslip prints of the employer (plain strings: the payslip processes receive it)."""
        out = {"name": self.name, "business_number": self.business_number, "address": self.address, "representative": self.representative}
        if self.phone:
            out["contact"] = self.phone
        return out


def business_number_ok(text: str) -> bool:
    """사업자등록번호 check digit (국세청 검증 방식): weights 1,3,7,1,3,7,1,3,5, plus ⌊9th digit × 5 ÷ 10⌋."""
    m = _BUSINESS_NUMBER.match(text.strip())
    if not m:
        return False
    digits = [int(c) for c in "".join(m.groups())]
    total = sum(d * w for d, w in zip(digits, _CHECK_WEIGHTS)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10 == digits[9]


def _business_number(value: object, where: str) -> str:
    text = str(value).strip()
    m = _BUSINESS_NUMBER.match(text)
    if not m:
        raise InputError(f"{where}: 사업자등록번호는 000-00-00000 형식이어야 합니다: {text!r}")
    if not business_number_ok(text):
        raise InputError(f"{where}: 사업자등록번호 {text}의 검증 숫자가 맞지 않습니다 (오타인지 확인하세요)")
    return "-".join(m.groups())


def _text(raw: dict, key: str, label: str, where: Path, required: bool, prefix: str = "") -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise InputError(f"{where}: {prefix}{key} ({label}): 문자열이어야 합니다")
    if required and not value.strip():
        raise InputError(f"{where}: {prefix}{key} ({label}): 필수 항목입니다")
    return value.strip()


def _seal(value: object, where: Path) -> bytes:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: seal_image (직인 이미지): 파일 이름이어야 합니다")
    name = value.strip()
    if "/" in name or "\\" in name or name.startswith("."):
        raise InputError(f"{where}: seal_image (직인 이미지): {FILE_NAME}와 같은 폴더의 파일 이름만 씁니다: {name!r}")
    path = where.parent / name
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(f"{where}: seal_image (직인 이미지): {path} 파일이 없습니다") from None
    return check_seal(data, f"{where}: seal_image (직인 이미지): {name}")


def check_seal(data: bytes, where: str) -> bytes:
    """The 직인 image: a PNG that opens, at most 512 KiB and 2000 pixels a side (``where`` names it)."""
    if len(data) > MAX_SEAL_BYTES:
        raise InputError(f"{where}: {MAX_SEAL_BYTES // 1024} KiB보다 큽니다")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InputError(f"{where}: PNG 이미지가 아닙니다")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            img.verify()
    except Exception:  # noqa: BLE001 - any decoder failure is a bad image
        raise InputError(f"{where}: 이미지로 읽을 수 없습니다") from None
    if max(width, height) > MAX_SEAL_PIXELS:
        raise InputError(f"{where}: {MAX_SEAL_PIXELS}픽셀보다 큽니다 ({width}×{height})")
    return data


def _agent(value: object, where: Path) -> WithholdingAgent:
    if not isinstance(value, dict):
        raise InputError(f"{where}: [withholding_agent] (원천징수의무자): 표(table)여야 합니다")
    unknown = sorted(set(value) - set(AGENT_KEYS))
    if unknown:
        raise InputError(f"{where}: withholding_agent.{unknown[0]}: 모르는 항목입니다 (쓸 수 있는 항목: {', '.join(AGENT_KEYS)})")
    fields = {k: _text(value, k, f"원천징수의무자 {label}", where, True, "withholding_agent.") for k, label in AGENT_KEYS.items()}
    fields["business_number"] = _business_number(fields["business_number"], f"{where}: withholding_agent.business_number")
    return WithholdingAgent(**fields)


def parse_employer(raw: dict, where: Path) -> Employer:
    """Validate the parsed TOML of ``where``; every problem names the key."""
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise InputError(f"{where}: {unknown[0]}: 모르는 항목입니다 (쓸 수 있는 항목: {', '.join([*REQUIRED, *OPTIONAL])})")
    missing = [f"{k} ({label})" for k, label in REQUIRED.items() if k not in raw or raw[k] in ("", None)]
    if missing:
        raise InputError(f"{where}: 필수 항목이 없습니다: {', '.join(missing)}")
    texts = {k: _text(raw, k, label, where, True) for k, label in REQUIRED.items() if k not in ("pay_day", "business_number")}
    pay_day = raw["pay_day"]
    if isinstance(pay_day, bool) or not isinstance(pay_day, int) or not 1 <= pay_day <= 31:
        raise InputError(f"{where}: pay_day (임금지급일): 1부터 31까지의 날 수여야 합니다 (31은 말일): {pay_day!r}")
    pay_month = raw.get("pay_month", "next")
    if pay_month not in PAY_MONTHS:
        raise InputError(f"{where}: pay_month (지급월): \"next\" (다음 달에 지급) 또는 \"same\" (그달에 지급): {pay_month!r}")
    optional = {k: _text(raw, k, OPTIONAL[k], where, False) for k in ("phone", "pay_method", "issuer_department") if k in raw}
    return Employer(
        **texts, business_number=_business_number(raw["business_number"], f"{where}: business_number"), pay_day=pay_day, pay_month=pay_month,
        **optional, seal_png=_seal(raw["seal_image"], where) if "seal_image" in raw else None,
        withholding_agent=_agent(raw["withholding_agent"], where) if "withholding_agent" in raw else None,
    )


def load_employer(path: str | Path) -> Employer:
    """Read and validate ``employer.toml`` (exit code 2 with the key named when it is wrong)."""
    from payroll.csvfile import read_toml

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: 사업장 설정 파일이 없습니다 (이름, 사업자등록번호, 대표자, 소재지, 임금지급일; docs/runs.md)")
    return parse_employer(read_toml(path), path)


def employer_in(directory: str | Path) -> Employer:
    """The settings of an inputs directory (``DIR/employer.toml``)."""
    return load_employer(Path(directory) / FILE_NAME)


ENV = "PAYROLL_EMPLOYER"  # a path to the employer.toml of this installation


def find_employer(session=None) -> Employer:
    """The employer's settings where a command has no inputs directory of its own (year-end, filings,
    the CLI's HR documents): ``$PAYROLL_EMPLOYER``, else ``./inputs/employer.toml``, else
    ``./employer.toml``, else — given the store's ``session`` — the settings the latest run stored
    with its inputs (what the payslips of that run printed)."""
    import os

    named = os.environ.get(ENV)
    if named:
        return load_employer(named)
    for place in (Path("inputs") / FILE_NAME, Path(FILE_NAME)):
        if place.is_file():
            return load_employer(place)
    if session is not None:
        stored = _stored_employer(session)
        if stored is not None:
            return stored
    raise InputError(f"사업장 설정 파일이 없습니다: ./inputs/{FILE_NAME} 또는 ./{FILE_NAME}을 두거나 {ENV}로 그 경로를 주세요 (docs/documents-hr.md)")


def _stored_employer(session) -> Employer | None:
    """The employer.toml (and 직인) the latest run stored with its inputs."""
    import json
    import tempfile

    from sqlmodel import select

    from payroll.runs.inputs import blob_bytes
    from payroll.store.models import Run

    run = session.exec(select(Run).order_by(Run.created_at.desc(), Run.run_id.desc())).first()
    if run is None:
        return None
    entries = {e["role"]: e for e in json.loads(run.inputs_manifest) if e["role"] in ("employer", "seal")}
    if "employer" not in entries:
        return None
    with tempfile.TemporaryDirectory(prefix="payroll-employer-") as tmp:
        for role, entry in entries.items():
            data = blob_bytes(session, entry["sha256"])
            if data is None:
                return None
            (Path(tmp) / Path(entry["name"]).name).write_bytes(data)
        return load_employer(Path(tmp) / Path(entries["employer"]["name"]).name)
