"""HR documents as data: the XLSX twin of every document's JSON (same values, same bytes twice), the
원천징수영수증's form fields (별지 제24호서식(1)) in the PDF text and the JSON, and `payroll doc` /
`payroll settle` as a user runs them after `payroll demo` (the record and the stored June run)."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from payroll.cli import cli
from payroll.documents.data_xlsx import data_workbook, read_back
from payroll.employer import load_employer
from payroll.documents.withholding_receipt import withholding_data, withholding_pdf
from payroll.roster import load_roster
from payroll.settlement import YearToDate, settle

SAMPLE_EMPLOYER = Path(__file__).resolve().parents[1] / "samples" / "small" / "employer.toml"

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "small"
ROSTER = """worker_id,name,birth_date,department,job,employment,income_type,family,rrn_masked
W1,김하나,1985-04-02,환경과,환경미화,fixed_term,regular,1,850402-2******
D1,박일용,1970-01-01,공원녹지과,조경,fixed_term,daily,1,
"""
CONTRACTS = """contract_id,worker_id,start,end,pay_type,wage,work_days,start_time,end_time,break_minutes,workplace,duties,meal_allowance,pay_grade
C1,W1,2024-03-01,2024-12-31,monthly,2500000,12345,09:00,18:00,60,○○구청 환경과,가로 청소,200000,기간제 1
C2,W1,2025-03-01,2026-09-30,monthly,2600000,12345,09:00,18:00,60,○○구청 환경과,가로 청소,200000,기간제 1
C4,D1,2026-05-01,2026-05-31,daily,120000,12345,08:00,17:00,60,○○공원,조경 보조,0,
"""
YTD = ("worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax\n"
       "W1,2026,50000000,2400000,2375000,1797500,236000,450000,3000000,300000\n")
WAGES = "worker_id,month,wages\nW1,2026-06,2800000\nW1,2026-07,2800000\nW1,2026-08,2800000\nW1,2026-09,2800000\n"
DAILY = "worker_id,month,work_days,taxable_pay,non_taxable,income_tax,local_income_tax\nD1,2026-05,20,2400000,0,0,0\n"


def text_of(pdf: bytes) -> str:
    import io

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def flat(d, prefix=""):
    """JSON scalars as {path: value}, lists of objects as sheets (the data_xlsx layout)."""
    out = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(flat(v, key) if v else {key: None})
        elif isinstance(v, list):
            if v and all(isinstance(x, dict) for x in v):
                out[key] = f"sheet:{key}"
            elif not v:
                out[key] = None
            else:
                out.update({f"{key}[{i}]": x for i, x in enumerate(v)})
        else:
            out[key] = None if v == "" else v  # an empty text is an empty cell
    return out


@pytest.fixture()
def inputs(tmp_path):
    d = tmp_path / "inputs"
    d.mkdir()
    for name, text in (("roster.csv", ROSTER), ("contracts.csv", CONTRACTS), ("ytd.csv", YTD), ("wages.csv", WAGES), ("daily.csv", DAILY)):
        (d / name).write_text(text, encoding="utf-8")
    for name in ("employer.toml", "seal.png"):
        (d / name).write_bytes((SAMPLE_EMPLOYER.parent / name).read_bytes())
    return d


@pytest.fixture(scope="module")
def demo_once(tmp_path_factory):
    from payroll.runs.demo import run_demo

    out = tmp_path_factory.mktemp("docs-demo") / "demo"
    run_demo(out)
    return out


@pytest.fixture()
def demo(demo_once, tmp_path):
    """A private copy of the demo folder (documents register into its database)."""
    here = tmp_path / "demo"
    shutil.copytree(demo_once, here)
    return here


def run_all_kinds(db: Path, out: Path) -> None:
    """Every kind from the record and the stored run: nothing but the database."""
    runner = CliRunner()
    base = ["--out", str(out), "--db", str(db), "--date", "2026-07-15"]
    for args in (["contract", "T00025"], ["resignation", "P00004", "--last-day", "2026-07-31", "--reason", "학업"], ["career", "T00025"],
                 ["withholding", "T00025"], ["severance", "T00025"], ["daily", "T00011", "--month", "2026-06"]):
        res = runner.invoke(cli, ["doc", *args, *base])
        assert res.exit_code == 0, (args, res.output)


def test_every_document_has_an_xlsx_twin_of_its_json(demo, tmp_path):
    out = tmp_path / "out"
    run_all_kinds(demo / "payroll.db", out)
    stems = sorted(p.stem for p in out.glob("*.json"))
    assert [s.split("-")[0] for s in stems] == ["career", "contract", "contract", "daily", "resignation", "severance", "withholding"]
    for stem in stems:
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        book = read_back((out / f"{stem}.xlsx").read_bytes())
        assert book["document"] == flat(data), stem
        for key, value in flat(data).items():  # every list of objects is its own sheet, row for row
            if isinstance(value, str) and value.startswith("sheet:"):
                rows = book[value.removeprefix("sheet:")]
                assert len(rows) == len(data[key])
                assert [r[next(iter(data[key][0]))] for r in rows] == [x[next(iter(x))] for x in data[key]]
    # the severance trace and the career periods are such sheets
    assert "trace" in read_back((out / "severance-T00025.xlsx").read_bytes())
    assert len(read_back(next(out.glob("career-*.xlsx")).read_bytes())["periods"]) == 2


def test_xlsx_bytes_are_the_same_on_a_second_run(demo_once, tmp_path):
    for k in "ab":
        shutil.copytree(demo_once, tmp_path / f"demo_{k}")
        run_all_kinds(tmp_path / f"demo_{k}" / "payroll.db", tmp_path / k)
    names = sorted(p.name for p in (tmp_path / "a").glob("*.xlsx"))
    assert len(names) == 7
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # the stamp is the document's own date, never the clock: another issue date gives other bytes
    d = {"document": "x", "issued_on": "2026-10-15", "amount": 1}
    assert data_workbook(d, dt.date(2026, 10, 15)) == data_workbook(d, dt.date(2026, 10, 15)) != data_workbook(d, dt.date(2026, 10, 16))


def test_withholding_receipt_has_every_form_field(inputs):
    # 별지 제24호서식(1): Ⅰ 근무처별 소득명세 (주(현)/종(전), 근무기간, 감면기간, 급여, 상여, 인정상여 … 계),
    # Ⅱ 비과세 및 감면소득 명세, Ⅲ 세액명세 (결정세액, 기납부세액 종(전)/주(현), 납부특례세액, 차감징수세액 ×
    # 소득세/지방소득세/농어촌특별세), 정산명세 (총급여 … 결정세액), 실효세율.
    r = load_roster(inputs / "roster.csv", inputs / "contracts.csv")
    s = settle(YearToDate("W1", 2026, 50_000_000, non_taxable=2_400_000, national_pension=2_375_000, health_insurance=1_797_500,
                          long_term_care=236_000, employment_insurance=450_000, income_tax=3_000_000, local_income_tax=300_000))
    period = (dt.date(2026, 1, 1), dt.date(2026, 9, 30))
    d = withholding_data(r.workers["W1"], s, load_employer(SAMPLE_EMPLOYER), period, dt.date(2026, 10, 15))
    t = text_of(withholding_pdf(r.workers["W1"], s, load_employer(SAMPLE_EMPLOYER), period, dt.date(2026, 10, 15)))
    labels = ["Ⅰ.근무처별소득명세", "주(현)", "종(전)", "근무기간", "감면기간", "급여", "상여", "인정상여", "Ⅱ.비과세및감면소득명세", "비과세소득계",
              "감면소득계", "Ⅲ.세액명세", "결정세액", "기납부세액종(전)근무지", "기납부세액주(현)근무지", "납부특례세액", "차감징수세액", "소득세",
              "지방소득세", "농어촌특별세", "실효세율", "정산명세", "총급여", "근로소득공제", "근로소득금액", "기본공제—본인", "기본공제—배우자",
              "기본공제—부양가족", "추가공제—경로우대", "추가공제—장애인", "추가공제—부녀자", "추가공제—한부모가족", "연금보험료공제—국민연금보험료",
              "특별소득공제—건강보험료(노인장기요양보험료포함)", "특별소득공제—고용보험료", "특별소득공제—주택임차차입금원리금상환액(대출기관)",
              "특별소득공제—장기주택저당차입금이자상환액", "특별소득공제계", "차감소득금액", "그밖의소득공제—신용카드등사용액", "그밖의소득공제계",
              "소득공제종합한도초과액", "종합소득과세표준", "산출세액", "세액감면계", "세액공제—근로소득", "세액공제—자녀(공제대상자녀)",
              "세액공제—자녀(출산·입양)", "연금계좌—퇴직연금", "연금계좌—연금저축", "특별세액공제—보장성보험료", "특별세액공제—의료비",
              "특별세액공제—교육비", "기부금—정치자금(10만원이하)", "기부금—특례기부금", "기부금—일반기부금(종교단체)", "특별세액공제계",
              "표준세액공제", "월세액세액공제", "혼인세액공제", "세액공제계", "인원", "공제대상금액", "인적공제명세", "계산근거"]
    assert [x for x in labels if x not in t] == []
    st = d["settlement"]
    # the premiums path (D10 example at 5,000만): 건강 1,797,500 + 장기요양 236,000 = 2,033,500; 고용 450,000
    assert (st["insurance_deduction_health"], st["insurance_deduction_employment"]) == (2_033_500, 450_000)
    assert (st["basic_deduction_self"], st["basic_deduction_dependants"]) == (1_500_000, 0)
    # 차감소득금액 = 37,750,000 − 1,500,000 − 2,375,000 − 2,483,500 = 31,391,500 = 과세표준 (no other deductions)
    assert st["income_after_deductions"] == st["tax_base"] == 31_391_500
    # 세액공제 계 = 3,448,725 − 2,788,725 = 660,000 (근로소득세액공제 한도); 실효세율 2,788,725 ÷ 50,000,000 = 5.5%
    assert st["tax_credits_total"] == 660_000 and st["effective_tax_rate"] == "5.5%"
    for needle in ("2,033,500", "450,000", "31,391,500", "660,000", "5.5%", "2,400,000", "2,788,725", "278,872", "-211,270", "-21,120"):
        assert needle in t, needle
    assert set(d["tax"]["income_tax"]) == {"determined", "paid_previous", "paid", "special_payment", "due"}
    assert set(d["workplace_income"]) >= {"kind", "period", "reduction_period", "pay", "bonus", "recognized_bonus", "total"}


def test_settle_finds_the_ytd_file_or_names_the_option_and_doc_names_the_record(inputs, tmp_path, monkeypatch):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("PAYROLL_DB", raising=False)
    res = runner.invoke(cli, ["doc", "contract", "W1"])
    assert res.exit_code == 2 and "근로자 'W1'이(가) 없습니다" in res.output
    res = runner.invoke(cli, ["settle", "W1"])
    assert res.exit_code == 2 and "--ytd FILE이 필요합니다" in res.output
    # from a directory with an inputs/ folder (the layout of docs/runs.md) nothing needs naming
    shutil.copytree(inputs, empty / "inputs")
    res = runner.invoke(cli, ["settle", "W1", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["figures"]["applied_determined_tax"] == 2_788_725


def test_doc_all_after_the_demo_needs_no_file(demo, tmp_path):
    """Every kind with --all straight after the demo: the applicable workers, from the database alone."""
    runner = CliRunner()
    base = ["--db", str(demo / "payroll.db"), "--out", str(tmp_path / "out"), "--date", "2026-07-15"]
    for kind in ("contract", "career", "withholding", "severance", "daily"):
        res = runner.invoke(cli, ["doc", kind, "--all", *base])
        assert res.exit_code == 0, (kind, res.output)
        assert "skipped" not in res.output, (kind, res.output)  # nothing it could not do
    out = tmp_path / "out"
    assert len(list(out.glob("contract-*.pdf"))) == 41 and len(list(out.glob("career-*.pdf"))) == 40
    # the June leavers: T00025's settlement and 퇴직금 from the stored run; the 일용 leavers' 지급명세
    assert sorted(p.name for p in out.glob("withholding-*.pdf")) == ["withholding-T00025-2026.pdf"]
    assert sorted(p.name for p in out.glob("severance-*.pdf")) == ["severance-T00025.pdf"]
    assert len(list(out.glob("daily-*-2026-06.pdf"))) == 3


def test_a_resignation_ends_the_contract_in_the_record(demo, tmp_path):
    from payroll.record import people
    from payroll.store import open_store

    runner = CliRunner()
    base = ["--db", str(demo / "payroll.db"), "--out", str(tmp_path / "out")]
    res = runner.invoke(cli, ["doc", "resignation", "P00004", *base, "--date", "2026-07-10", "--last-day", "2026-07-31", "--reason", "이사"])
    assert res.exit_code == 0, res.output
    store = open_store(str(demo / "payroll.db"))
    with store.session() as s:
        assert people.contracts_of(s, "P00004")[-1].end == dt.date(2026, 7, 31)
        assert "P00004" in people.roster_for_month(s, "2026-07").workers and "P00004" not in people.roster_for_month(s, "2026-08").workers
    store.dispose()
    res = runner.invoke(cli, ["doc", "resignation", "P00004", *base, "--date", "2026-07-10", "--last-day", "2026-07-20", "--reason", "이사"])
    assert res.exit_code == 2 and "이미 기록되어 있습니다" in res.output
    # its 퇴직금 comes with the July run: until then the document does not apply
    res = runner.invoke(cli, ["doc", "severance", "P00004", *base, "--date", "2026-08-01"])
    assert res.exit_code == 2 and "2026-07 실행이 아직 없습니다" in res.output


def test_samples_leaver_t00025(demo, tmp_path):
    """samples/small: T00025 was renewed (2025 contract, then 2026-01-01 … 2026-06-19) and leaves in June."""
    runner = CliRunner()
    base = ["--db", str(demo / "payroll.db"), "--out", str(tmp_path / "out"), "--date", "2026-07-01"]
    res = runner.invoke(cli, ["doc", "career", "T00025", *base])
    assert res.exit_code == 0, res.output
    career = json.loads(next((tmp_path / "out").glob("career-T00025-*.json")).read_text(encoding="utf-8"))
    # 365 days (2025) + 170 days (2026-01-01 … 06-19) = 535; 1년 + 5개월 19일
    assert [p["days"] for p in career["periods"]] == [365, 170]
    assert (career["total"]["years"], career["total"]["months"], career["total"]["days"], career["total"]["calendar_days"]) == (1, 5, 19, 535)
    res = runner.invoke(cli, ["doc", "withholding", "T00025", *base])
    assert res.exit_code == 0, res.output
    w = json.loads((tmp_path / "out" / "withholding-T00025-2026.json").read_text(encoding="utf-8"))
    assert w["workplace_income"]["period"] == ["2026-01-01", "2026-06-19"]
    # the 퇴직금 of the June run: the wages of 2026-03 … 05 imported as opening balances, June from the run
    res = runner.invoke(cli, ["doc", "severance", "T00025", *base])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["settle", "T00025", "--ytd", str(SAMPLES / "ytd.csv"), "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.output)
    # 12,666,445 − 근로소득공제 (350만 + 7,666,445 × 40% = 6,566,578) = 6,099,867; − 1,500,000 − 601,550 = 3,998,317 (표준)
    # 산출 239,899; 근로세액공제 131,944; 표준 130,000 → 0; refund of everything withheld
    assert s["figures"]["std_tax_base"] == 3_998_317 and s["figures"]["applied_determined_tax"] == 0
    assert (s["figures"]["settlement_income_tax"], s["figures"]["settlement_local_income_tax"]) == (-183_150, -18_300)


def test_the_demo_register_has_subtotals_by_business_and_the_budget_report_reads_the_run(demo, tmp_path):
    """The samples' contracts name the 사업 of each post: the June register subtotals them, and the 인건비
    report's spent equals the register's 임금 총액 + 사용자 부담 (no 퇴직금 is in the 임금 of the report)."""
    import io

    from openpyxl import load_workbook

    register = next((demo / "runs" / "2026-06").glob("*/register.xlsx"))
    rows = list(load_workbook(register)["사업별"].iter_rows(values_only=True))
    names = [r[0] for r in rows[1:-1]]
    assert "공무직 인건비" in names and "기간제 행정 지원" in names and "공공근로 사업" in names
    runner = CliRunner()
    res = runner.invoke(cli, ["budget", "report", "2026", "--out", str(tmp_path / "인건비.xlsx"), "--db", str(demo / "payroll.db")])
    assert res.exit_code == 0, res.output
    book = load_workbook(io.BytesIO((tmp_path / "인건비.xlsx").read_bytes()))
    monthly = {r[0]: r for r in list(book["2026 사업·월별"].iter_rows(values_only=True))[1:]}
    header = rows[0]
    # the register's 임금 총액 leaves the 퇴직금 out (its own column, 임금 외): 근로기준법 §2①5
    gross, employer = header.index("임금 총액"), header.index("사용자 부담 합계")
    severance = next((i for i, h in enumerate(header) if h.startswith("퇴직금")), None)
    assert severance is not None and severance > gross
    for r in rows[1:-1]:
        pay, emp, sev = monthly[r[0]][3], monthly[r[0]][4], monthly[r[0]][5]
        assert pay == r[gross] and sev == (r[severance] or 0) and emp == r[employer], r[0]
