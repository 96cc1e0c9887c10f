"""HR documents: every required field is in the PDF text (pypdf), bytes are stable, registers work."""

import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from payroll.cli import cli
from payroll.documents import career, resignation
from payroll.documents.contract import contract_data, contract_pdf
from payroll.employer import load_employer
from payroll.documents.retirement_receipt import retirement_pdf
from payroll.documents.withholding_receipt import withholding_pdf
from payroll.roster import load_roster
from payroll.settlement import YearToDate, settle
from payroll.severance import compute_severance

SAMPLE_EMPLOYER = Path(__file__).resolve().parents[1] / "samples" / "small" / "employer.toml"

ISSUED = dt.date(2026, 10, 15)  # frozen: tests never read today's date

ROSTER = """worker_id,name,birth_date,department,job,employment,income_type,family,rrn_masked
W1,김하나,1985-04-02,환경과,환경미화,fixed_term,regular,1,850402-2******
W2,이두리,1990-07-07,복지정책과,상담,fixed_term,regular,1,
D1,박일용,1970-01-01,공원녹지과,조경,fixed_term,daily,1,
"""
CONTRACTS = """contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes,workplace,duties,meal_allowance,pay_grade
C1,W1,2024-03-01,2024-12-31,monthly,2500000,12345,09:00,18:00,60,○○구청 환경과,가로 청소,200000,기간제 1
C2,W1,2025-03-01,2026-02-28,monthly,2600000,12345,09:00,18:00,60,○○구청 환경과,가로 청소,200000,기간제 1
C3,W2,2026-01-02,2026-12-31,hourly,10320,135,09:00,14:00,60,○○구청 복지정책과,전화 상담,0,
C4,D1,2026-05-01,2026-05-31,daily,120000,12345,08:00,17:00,60,○○공원,조경 보조,0,
"""


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "contracts.csv").write_text(CONTRACTS, encoding="utf-8")
    for name in ("employer.toml", "seal.png"):  # the employer's settings sit beside the roster (the inputs layout)
        (tmp_path / name).write_bytes((SAMPLE_EMPLOYER.parent / name).read_bytes())
    return tmp_path


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def has_all(text: str, *needles: str) -> None:
    missing = [n for n in needles if n.replace(" ", "") not in text]
    assert not missing, f"missing in PDF text: {missing}"


def test_contract_full_time_and_part_time(files):
    r = load_roster(files / "roster.csv", files / "contracts.csv")
    office = load_employer(SAMPLE_EMPLOYER)
    w1, c2 = r.workers["W1"], r.contracts_of("W1")[1]
    pdf = contract_pdf(w1, c2, office)
    has_all(text_of(pdf), "기간제근로자표준근로계약서", "근로계약기간", "2025년3월1일", "2026년2월28일", "근무장소", "○○구청환경과",
            "업무의내용", "가로청소", "소정근로시간", "09:00", "18:00", "휴게시간60분", "근무일/휴일", "매주5일", "주휴일", "일요일",
            "임금", "월급", "2,600,000원", "식대200,000원", "임금지급일", "매월10일(전월분)", "지급방법", "예금통장",
            "연차유급휴가", "사회보험적용여부", "고용보험", "산재보험", "국민연금", "건강보험", "근로계약서교부",
            office.name.replace(" ", ""), office.representative.replace(" ", ""), "김하나", "(서명)")
    assert pdf == contract_pdf(w1, c2, office)  # byte-stable
    w2, c3 = r.workers["W2"], r.contracts_of("W2")[0]
    part = contract_pdf(w2, c3, office)
    has_all(text_of(part), "단시간근로자표준근로계약서", "근로일별근로시간", "월", "수", "금", "4시간", "시급", "10,320원")
    d = contract_data(w2, c3, office)
    assert d["part_time"] and d["social_insurance"]["건강보험"] is False  # 12 h a week
    # §18③: under 15 h a week §55 and §60 do not apply — the contract promised 주휴일 and 연차 (an outside audit)
    assert d["weekly_holiday"].startswith("없음") and "제18조제3항" in d["annual_leave"] and "적용하지 아니함" in d["annual_leave"]
    has_all(text_of(part), "주휴일없음", "제60조(연차유급휴가)를적용하지아니함")
    assert contract_data(w1, c2, office)["annual_leave"] == "근로기준법 제60조에서 정하는 바에 따라 부여함"
    # an open-ended contract (공무직) fills the form without a term, not the 기간제 one
    open_ended = c2.model_copy(update={"end": None})
    assert contract_data(w1, open_ended, office)["form"] == "표준근로계약서 (기간의 정함이 없는 경우)"


def test_resignation_records_leaving_date(files, tmp_path):
    r = load_roster(files / "roster.csv", files / "contracts.csv")
    office = load_employer(SAMPLE_EMPLOYER)
    w, c = r.workers["W2"], r.contracts_of("W2")[0]
    res = resignation.validate(w, c, dt.date(2026, 9, 30), "학업", ISSUED)
    pdf = resignation.resignation_pdf(w, c, res, office)
    has_all(text_of(pdf), "중도포기서", "이두리", "C3", "2026년9월30일", "학업", "제출일", "2026년10월15일", "(서명또는인)", "귀하")
    resignation.record(tmp_path / "data", res)
    assert resignation.leaving_date(tmp_path / "data", "W2") == dt.date(2026, 9, 30)
    from payroll.case import InputError

    with pytest.raises(InputError, match="이미 기록되어 있습니다"):
        resignation.record(tmp_path / "data", res)
    with pytest.raises(InputError, match="계약 종료일 2026-12-31보다 앞서지 않습니다"):
        resignation.validate(w, c, dt.date(2026, 12, 31), "x", ISSUED)


def test_career_two_contracts_with_a_gap(files, tmp_path):
    # C1 2024-03-01 … 2024-12-31 = 10 months (306 days); gap 2025-01-01 … 02-28;
    # C2 2025-03-01 … 2026-02-28 = 1 year (365 days). Total 1년 10개월 0일, 671 days — the gap excluded.
    r = load_roster(files / "roster.csv", files / "contracts.csv")
    office = load_employer(SAMPLE_EMPLOYER)
    cs = r.contracts_of("W1")
    data = career.career_data(r.workers["W1"], cs, office, ISSUED, "2026-0001")
    assert [(p["years"], p["months"], p["day_part"], p["days"]) for p in data["periods"]] == [(0, 10, 0, 306), (1, 0, 0, 365)]
    assert data["total"] == {"years": 1, "months": 10, "days": 0, "calendar_days": 671}
    number = career.next_issue_number(tmp_path, ISSUED)
    assert number == "2026-0001"
    career.record_issue(tmp_path, number, "W1", ISSUED, "제출용")
    assert career.next_issue_number(tmp_path, ISSUED) == "2026-0002"
    pdf = career.career_pdf(r.workers["W1"], cs, office, ISSUED, number, "제출용")
    has_all(text_of(pdf), "경력증명서", "발급번호제2026-0001호", "김하나", "환경과", "2024-03-01~2024-12-31", "2025-03-01~2026-02-28",
            "1년10개월0일", "671", "가로청소", "2026년10월15일", "(직인)", office.name.replace(" ", ""))


def test_withholding_receipt_sections(files):
    r = load_roster(files / "roster.csv", files / "contracts.csv")
    office = load_employer(SAMPLE_EMPLOYER)
    s = settle(YearToDate("W1", 2026, 50_000_000, non_taxable=2_400_000, national_pension=2_375_000, health_insurance=1_797_500,
                          long_term_care=236_000, employment_insurance=450_000, income_tax=3_000_000, local_income_tax=300_000))
    pdf = withholding_pdf(r.workers["W1"], s, office, (dt.date(2026, 1, 1), dt.date(2026, 10, 31)), ISSUED)
    t = text_of(pdf)
    has_all(t, "근로소득원천징수영수증", "별지제24호서식(1)", "징수의무자", "소득자", "850402-2******", "Ⅰ.근무처별소득명세", "50,000,000",
            "Ⅱ.비과세및감면소득명세", "2,400,000", "Ⅲ.세액명세", "결정세액", "기납부세액", "차감징수세액", "2,788,725", "278,872",
            "3,000,000", "-211,270", "-21,120", "정산명세", "근로소득공제", "12,250,000", "표준세액공제", "과세표준")
    assert "8504021" not in t  # never the full 주민등록번호


def test_retirement_receipt(files):
    r = load_roster(files / "roster.csv", files / "contracts.csv")
    s = compute_severance("W1", r.contracts_of("W1"), dt.date(2026, 2, 28), {"2025-12": 2_800_000, "2026-01": 2_800_000, "2026-02": 2_800_000})
    assert s.eligible and s.service_start == dt.date(2025, 3, 1)  # the 2024 contract is cut off by the gap
    pdf = retirement_pdf(r.workers["W1"], s, load_employer(SAMPLE_EMPLOYER), ISSUED)
    has_all(text_of(pdf), "퇴직소득원천징수영수증", "근속연수", "퇴직급여", f"{s.severance_pay:,}", "근속연수공제", "환산급여",
            "환산급여별공제", "퇴직소득과세표준", "차감원천징수세액", f"{s.retirement_income_tax:,}", f"{s.retirement_local_income_tax:,}")


def test_pdf_bytes_identical_in_a_fresh_process(files):
    code = textwrap.dedent(f"""
        import sys, hashlib, datetime as dt
        from payroll.roster import load_roster
        from payroll.documents import career
        from payroll.employer import load_employer
        r = load_roster(r"{files / 'roster.csv'}", r"{files / 'contracts.csv'}")
        pdf = career.career_pdf(r.workers["W1"], r.contracts_of("W1"), load_employer(r"{SAMPLE_EMPLOYER}"), dt.date(2026, 10, 15), "2026-0001")
        sys.stdout.write(hashlib.sha256(pdf).hexdigest())
    """)
    a = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    b = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert a == b and len(a) == 64


def test_cli_documents_and_settle(files, tmp_path):
    runner = CliRunner()
    db = ["--db", str(tmp_path / "p.db")]
    for kind in ("roster", "contracts"):  # the files are an import into the record
        res = runner.invoke(cli, ["import", kind, str(files / f"{kind}.csv"), "--yes", *db])
        assert res.exit_code == 0, res.output
    base = [*db, "--out", str(tmp_path / "out"), "--date", "2026-10-15", "--employer", str(files / "employer.toml")]
    res = runner.invoke(cli, ["doc", "contract", "--all", *base])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "out").glob("contract-*.pdf")) == ["contract-C1.pdf", "contract-C2.pdf", "contract-C3.pdf", "contract-C4.pdf"]
    res = runner.invoke(cli, ["doc", "resignation", "W2", *base, "--last-day", "2026-09-30", "--reason", "학업"])
    assert res.exit_code == 0, res.output
    ytd = tmp_path / "ytd.csv"
    ytd.write_text("worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax,leaving_date\n"
                   "W2,2026,20000000,0,950000,719000,94400,180000,300000,30000,2026-09-30\n", encoding="utf-8")
    res = runner.invoke(cli, ["settle", "W2", "--ytd", str(ytd), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["path"] == "standard" and out["figures"]["settlement_income_tax"] == 121_100 - 300_000
    # the receipt comes from the leaving month's stored run: none before September is run
    res = runner.invoke(cli, ["doc", "withholding", "W2", *base])
    assert res.exit_code == 2 and "2026-09 실행이 아직 없습니다" in res.output
    res = runner.invoke(cli, ["doc", "career", "W1", *base])
    assert res.exit_code == 0, res.output
    career = json.loads(next((tmp_path / "out").glob("career-W1-2026-0001.json")).read_text(encoding="utf-8"))
    assert [p["contract_id"] for p in career["periods"]] == ["C1", "C2"]  # every contract, the earlier one too
    res = runner.invoke(cli, ["doc", "daily", "D1", *base, "--month", "2026-05"])
    assert res.exit_code == 2 and "2026-05의 급여 실행이 없습니다" in res.output


def test_cli_bad_input_is_one_line_exit_2(files, tmp_path):
    bad = tmp_path / "ytd.csv"
    bad.write_text("worker_id,year,total_pay\nW1,2026,abc\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["settle", "W1", "--ytd", str(bad)])
    assert res.exit_code == 2
    assert "ytd.csv: 1행: 없는 열: " in res.output


def test_a_ytd_leaving_date_before_the_hire_date_is_an_input_error(files, tmp_path):
    # W2 is hired 2026-01-02: a leaving date of 2025-12-31 would draw a receipt whose 근무기간 runs backwards
    ytd = files / "ytd.csv"
    ytd.write_text("worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax,leaving_date\n"
                   "W2,2025,1000000,0,0,0,0,0,0,0,2025-12-31\n", encoding="utf-8")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "p.db")]
    for kind in ("roster", "contracts"):
        assert runner.invoke(cli, ["import", kind, str(files / f"{kind}.csv"), "--yes", *db]).exit_code == 0
    res = runner.invoke(cli, ["import", "opening", str(ytd), *db])  # the opening balance is refused: nothing is recorded
    assert res.exit_code == 2 and "leaving_date: 2025-12-31이(가) 입사일 2026-01-02보다 앞섭니다" in res.output
    res = runner.invoke(cli, ["settle", "W2", "--ytd", str(ytd)])  # the roster beside the ytd file dates the hire
    assert res.exit_code == 2 and "leaving_date: 2025-12-31이(가) 입사일 2026-01-02보다 앞섭니다" in res.output
    assert not (tmp_path / "out").exists()
