"""One employer, one set of settings: employer.toml validated (each key named), the pay date it gives,
and every document printing the same name and 임금지급일."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from payroll.case import InputError
from payroll.employer import business_number_ok, load_employer

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "small"
GOOD = 'name = "○○구청"\nbusiness_number = "305-83-00005"\nrepresentative = "○○구청장"\naddress = "서울특별시 ○○구"\npay_day = 10\n'


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "employer.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_business_number_check_digit():
    assert business_number_ok("305-83-00005") and business_number_ok("3058300005")
    assert not business_number_ok("305-83-00006") and not business_number_ok("000-00-00000x")


@pytest.mark.parametrize("text,message", [
    (GOOD.replace('name = "○○구청"\n', ""), "필수 항목이 없습니다: name (사업장명)"),
    (GOOD.replace("305-83-00005", "305-83-00006"), "business_number: 사업자등록번호 305-83-00006의 검증 숫자가 맞지 않습니다"),
    (GOOD.replace("305-83-00005", "30583"), "business_number: 사업자등록번호는 000-00-00000 형식이어야 합니다"),
    (GOOD.replace("pay_day = 10", "pay_day = 32"), "pay_day (임금지급일): 1부터 31까지"),
    (GOOD + 'pay_month = "last"\n', "pay_month (지급월)"),
    (GOOD + 'contact = "02"\n', "contact: 모르는 항목입니다"),
    (GOOD + 'seal_image = "seal.png"\n', "seal_image (직인 이미지): "),
    (GOOD + 'seal_image = "../seal.png"\n', "같은 폴더의 파일 이름만"),
    (GOOD + '[withholding_agent]\nname = "○○구청 세무과"\n', "withholding_agent"),
    ("name = [", "TOML 형식이 아닙니다"),
])
def test_a_wrong_setting_is_named(tmp_path, text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_employer(_write(tmp_path, text))


def test_the_seal_must_be_a_png(tmp_path):
    (tmp_path / "seal.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(InputError, match="PNG 이미지가 아닙니다"):
        load_employer(_write(tmp_path, GOOD + 'seal_image = "seal.png"\n'))
    shutil.copyfile(SAMPLES / "seal.png", tmp_path / "seal.png")
    assert load_employer(_write(tmp_path, GOOD + 'seal_image = "seal.png"\n')).seal_png.startswith(b"\x89PNG")


def test_the_pay_date_moves_back_over_weekends_and_holidays(tmp_path):
    e = load_employer(_write(tmp_path, GOOD))
    assert e.pay_date_for("2026-06") == dt.date(2026, 7, 10)  # a Friday
    assert e.pay_date_for("2026-09") == dt.date(2026, 10, 8)  # 10-10 is a Saturday, 10-09 한글날
    assert e.pay_date_for("2026-12") == dt.date(2027, 1, 8)  # 2027-01-10 is a Sunday
    same = load_employer(_write(tmp_path, GOOD.replace("pay_day = 10", "pay_day = 31") + 'pay_month = "same"\n'))
    assert same.pay_date_for("2026-02") == dt.date(2026, 2, 27) and same.pay_day_text() == "매월 말일 (당월분)"
    assert e.pay_day_text() == "매월 10일 (전월분)"
    assert e.agent.name == e.name and e.agent.business_number == e.business_number


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def test_the_contract_and_the_payslip_name_the_same_employer_and_pay_day(tmp_path):
    """The 근로계약서 states the 임금지급일 and the employer the payslips of the month print."""
    from payroll.documents.contract import contract_pdf
    from payroll.runs.batch import execute_run
    from payroll.runs.demo import stage_samples
    from payroll.roster import load_roster
    from payroll.store import open_store

    inputs = stage_samples(tmp_path / "inputs")
    employer = load_employer(inputs / "employer.toml")
    store = open_store(str(tmp_path / "p.db"))
    run = execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp_path / "runs", actor="test", jobs=1)
    store.dispose()
    slip = _text((Path(run["out_dir"]) / "payslips" / "P00001.pdf").read_bytes())
    roster = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    contract = _text(contract_pdf(roster.workers["P00001"], roster.contracts_of("P00001")[-1], employer))
    name = employer.name.replace(" ", "")
    assert f"사업장{name}" in slip and f"(사업주)사업체명{name}" in contract
    assert run["pay_date"] == employer.pay_date_for("2026-06").isoformat() == "2026-07-10"
    assert "임금지급일2026년7월10일" in slip and "임금지급일매월10일(전월분)" in contract
    assert employer.business_number in slip and employer.business_number in contract
