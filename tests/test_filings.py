"""The filing pack: fixed-width records counted in CP949 bytes, the 지급명세서 file and its check, the
monthly returns (조정환급, 근로내용확인신고), and the commands."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from payroll.case import InputError
from payroll.cli import cli
from payroll.filings.annual import annual_file
from payroll.filings.check import batch_rows, check_annual
from payroll.filings.config import load_filing_config
from payroll.filings.fixed import Field, Layout, decode, encode, load_layout, split_records
from payroll.filings.monthly import _netted
from payroll.store import open_store
from payroll.yearend.annual import compute_year_end, record_batch
from yearend_support import YEAR_MONTHS, run, write_year

SUBMITTED = dt.date(2027, 3, 2)


def _layout() -> Layout:
    fields = (Field("T001", 1, "X", "구분", 0), Field("T002", 10, "X", "성명", 1), Field("T003", 5, "9", "금액", 11))
    return Layout(name="t", records={"T": fields}, length=16)


def test_text_is_counted_in_cp949_bytes_and_cut_at_a_character():
    lay = _layout()
    rec = encode(lay, "T", {"T001": "T", "T002": "김민준", "T003": 42}, "t")
    assert len(rec) == 16 and rec[1:11] == "김민준".encode("cp949") + b"    " and rec[11:] == b"00042"
    cuts: list[str] = []
    rec = encode(lay, "T", {"T001": "T", "T002": "가나다라마바", "T003": 0}, "t", cuts)  # 12 bytes → 10: five syllables
    assert rec[1:11] == "가나다라마".encode("cp949") and cuts and "cut to 10 bytes" in cuts[0]
    assert decode(lay, rec) == ("T", {"T001": "T", "T002": "가나다라마", "T003": 0}, [])
    with pytest.raises(InputError, match="T003 .*: 음수 -1"):
        encode(lay, "T", {"T003": -1}, "t")
    with pytest.raises(InputError, match="T003 금액: 123456이\\(가\\) 5자리에 들어가지 않습니다"):
        encode(lay, "T", {"T003": 123456}, "t")
    with pytest.raises(ValueError, match="not in layout"):
        encode(lay, "T", {"T009": 1}, "t")
    kind, _, problems = decode(lay, b"T" + b"x" * 10 + b"12a45")
    assert problems and "5자리 숫자가 아닙니다" in problems[0]


def test_the_layouts_have_their_published_lengths():
    annual = load_layout("annual_2023")
    assert annual.length == 2010 and set(annual.records) == {"A", "B", "C", "E"}
    # positions of filing-layouts.md §3.2–3.4 (two implementations agree)
    assert annual.field("A", "A014").start == 190 and annual.field("B", "B012").start == 143 and annual.field("C", "C013").start == 60
    assert annual.field("C", "C026").start == 185 and annual.field("C", "C036").start == 295
    assert load_layout("simplified_2021").length == 190


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("filings")
    with pytest.MonkeyPatch.context() as mp:
        store = open_store(str(tmp / "p.db"))
        root = write_year(tmp / "inputs")
        for m in YEAR_MONTHS:
            run(store, root, tmp / "out", m)
        with store.session() as s:
            ye = compute_year_end(s, 2026)
        record_batch(store, ye, "tester")
        yield store, tmp, ye, mp
        store.dispose()


def test_the_annual_file_passes_its_check_and_a_changed_figure_does_not(year):
    store, tmp, ye, _ = year
    with store.session() as s:
        af = annual_file(s, 2026, load_filing_config(session=s), SUBMITTED)
        against = batch_rows(s, 2026)
    records = split_records(af.data)
    assert af.data.endswith(b"\r\n") and all(len(r) == 2010 for r in records)
    assert [r[:1] for r in records] == [b"A", b"B"] + [b"C", b"E"] * 5
    assert af.name == "C3058300.005" and af.masked == 5
    rep = check_annual(af.data, af.name, against)
    assert rep.ok, rep.errors
    assert len(rep.warnings) == 5 and "사전 점검만 가능" in rep.warnings[0]
    lay = load_layout("annual_2023")
    c = decode(lay, records[2])[1]
    w1 = ye.frame.filter(ye.frame["worker_id"] == "W001").to_dicts()[0]
    assert (c["C011"], c["C072"], c["C147A"], c["C150A"]) == ("김민준", w1["total_pay"], w1["applied_determined_tax"], w1["income_tax_paid"])
    assert c["C151A_1"] == (1 if w1["settlement_income_tax"] < 0 else 0) and c["C151A_2"] == abs(w1["settlement_income_tax"])
    # numeric fields are zero-padded digits (filing-layouts.md §3.2–3.4: A2, A4, A5, B2, B4 9(6), B17, C2, C7, C9, C12)
    b_field = lay.field("B", "B004")
    assert records[1][b_field.start:b_field.start + b_field.length] == b"000001"
    for kind, fid in (("A", "A002"), ("A", "A004"), ("A", "A005"), ("B", "B017"), ("C", "C007"), ("C", "C012")):
        assert lay.field(kind, fid).kind == "9", fid
    wrong_b = bytearray(records[1])
    wrong_b[b_field.start:b_field.start + b_field.length] = b"000002"
    rep = check_annual(b"".join(r + b"\r\n" for r in [records[0], bytes(wrong_b), *records[2:]]), "x")
    assert any("B004" in e for e in rep.errors)

    # one 총급여 changed by a digit: the C record's own sums, the B total and the batch all disagree
    f = lay.field("C", "C072")
    bad = bytearray(records[2])
    bad[f.start + f.length - 1] = ord("9") if bad[f.start + f.length - 1] != ord("9") else ord("8")
    changed = b"".join(r + b"\r\n" for r in [records[0], records[1], bytes(bad), *records[3:]])
    rep = check_annual(changed, "x", against)
    text = "\n".join(rep.errors)
    assert not rep.ok and "C074 근로소득금액" in text and "B012" in text and "총급여" in text
    # a record one byte short, a wrong 자료구분, an E record out of place
    rep = check_annual(b"".join(r + b"\r\n" for r in [records[0], records[1], records[2][:-1], *records[3:]]), "x")
    assert any("길이 2,009바이트" in e for e in rep.errors)
    rep = check_annual(b"".join(r + b"\r\n" for r in [records[0], records[1], records[3], *records[2:3], *records[4:]]), "x")
    assert any("해당 C 레코드 뒤에 있지 않습니다" in e for e in rep.errors)


def test_full_resident_numbers_only_with_the_key(year, tmp_path):
    store, tmp, ye, mp = year
    from payroll.filings.pack import rrn_source
    from payroll.store import crypto
    from payroll.store.personal import put_rrn

    key_file = tmp_path / "key"
    crypto.new_key_file(key_file) if hasattr(crypto, "new_key_file") else None
    if not key_file.exists():
        pytest.skip("no key helper")
    mp.setenv(crypto.KEY_FILE_ENV, str(key_file))
    put_rrn(store, "W002", "920701-2345678", "tester")
    put_rrn(store, "W003", "760203-6123454", "tester")  # a 외국인등록번호 (seventh digit 6)
    with store.session() as s:
        full, masked = rrn_source(s, True)
        af = annual_file(s, 2026, load_filing_config(session=s), SUBMITTED, full)
        plain = annual_file(s, 2026, load_filing_config(session=s), SUBMITTED, rrn_source(s, False)[0])
    assert b"9207012345678" in af.data and af.masked == 3 and b"9207012345678" not in plain.data
    assert masked("W002") == "920701-2******"
    # filing-layouts.md §3.4: C12 내·외국인 1 = 내국인, 9 = 외국인; the roster has no 국적, so C14 is left to fill in (and said so)
    lay = load_layout("annual_2023")
    by_number = {c["C013"]: c for c in (decode(lay, r)[1] for r in split_records(af.data) if r[:1] == b"C")}
    assert (by_number["7602036123454"]["C012"], by_number["7602036123454"]["C014"]) == (9, "")
    assert (by_number["9207012345678"]["C012"], by_number["9207012345678"]["C014"]) == (1, "KR")
    assert any("W003: 외국인등록번호" in n for n in af.notes)
    assert check_annual(af.data, af.name).ok
    mp.delenv(crypto.KEY_FILE_ENV)


def test_refunds_net_within_the_month_and_carry_to_the_next():
    lines = [{"code": "A01", "income_tax": 100_000, "local_income_tax": 10_000}, {"code": "A04", "income_tax": -500_000, "local_income_tax": -50_000},
             {"code": "A06", "income_tax": -500_000, "local_income_tax": -50_000},
             {"code": "A10", "income_tax": -400_000, "local_income_tax": -40_000}, {"code": "A20", "income_tax": 300_000, "local_income_tax": 30_000}]
    ret = _netted("2027-02", lines, 0, 0)
    r = ret["refund"]
    # A10 ⑥ −400,000 → ⑮ 일반환급 400,000; set against A20's 300,000 (⑨); ⑳ 100,000 carried
    assert (r["general"], r["adjustable"], r["applied"], r["next"]) == (400_000, 400_000, 300_000, 100_000)
    by = {x["code"]: x for x in ret["lines"]}
    assert by["A20"]["adjusted"] == 300_000 and by["A20"]["payable"] == 0 and by["A10"]["payable"] == 0 and ret["payable"] == 0
    nxt = _netted("2027-03", [{"code": "A01", "income_tax": 150_000, "local_income_tax": 15_000},
                              {"code": "A10", "income_tax": 150_000, "local_income_tax": 15_000}], r["next"], ret["refund_local"]["next"])
    assert nxt["refund"]["carried"] == 100_000 and nxt["payable"] == 50_000 and nxt["refund"]["next"] == 0


def test_filing_commands(year):
    store, tmp, ye, _ = year
    runner = CliRunner()
    db = str(tmp / "p.db")
    out = tmp / "packs"
    res = runner.invoke(cli, ["filing", "2026", "--db", db, "--out", str(out), "--date", "2027-03-02"])
    assert res.exit_code == 0, res.output
    folder = out / "filing" / "2026"
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "[사전 점검용] 지급명세서/C3058300.005" in readme and "암호화 모듈" in readme and "2023년 귀속" in readme and "통과" in readme
    note = (folder / "지급명세서" / "C3058300.005.txt").read_text(encoding="utf-8")
    assert note.startswith("[사전 점검용]") and "주민등록번호 5명 가림" in note
    res = runner.invoke(cli, ["filing", "check", str(folder / "지급명세서" / "C3058300.005"), "--db", db])
    assert res.exit_code == 0 and "통과 (저장된 연말정산 결과와 대조함)" in res.output, res.output
    broken = tmp / "broken"
    broken.write_bytes((folder / "지급명세서" / "C3058300.005").read_bytes()[:-3])
    res = runner.invoke(cli, ["filing", "check", str(broken), "--db", db])
    assert res.exit_code == 1 and "오류" in res.output
    res = runner.invoke(cli, ["filing", "check", str(folder / "README.txt")])
    assert res.exit_code == 2 and "근로소득 지급명세서 파일이 아닙니다" in res.output
    wb = load_workbook(folder / "건강보험-보수총액-2026.xlsx")
    assert wb.sheetnames[0] == "안내" and wb["안내"]["A1"].value.startswith("[사전 점검용]")
    rows = list(wb["보수총액"].iter_rows(min_row=2, values_only=True))
    insured = sorted({r["worker_id"] for r in ye.stored.months.filter(ye.stored.months["health_insurance"] > 0).to_dicts()})
    assert [r[0] for r in rows] == insured and "W001" in insured and all(r[4] == 12 for r in rows)

    res = runner.invoke(cli, ["filing", "2026-06", "--db", db, "--out", str(out), "--date", "2026-07-05"])
    assert res.exit_code == 0, res.output
    month = out / "filing" / "2026-06"
    wb = load_workbook(month / "원천징수이행상황신고서-2026-06.xlsx")
    rows = {r[0]: r for r in wb["원천징수이행상황"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) >= {"A01", "A02", "A03", "A10"} and rows["A10"][8] == rows["A10"][4]  # no refund: ⑩ = ⑥
    daily = load_workbook(month / "근로내용확인신고-2026-06.xlsx")
    assert daily.sheetnames == ["안내", "서식"] and daily["안내"]["A1"].value.startswith("[사전 점검용]")
    head = [c.value for c in daily["서식"][1]]
    assert len(head) == 54 and head[0] == "보험구분" and head[9] == "1일" and head[39] == "31일" and head[48] == "국세청일용근로소득신고여부" and head[53] == "지방소득세"
    half = month / "간이지급명세서-2026-01~2026-06" / "SC3058300.005"
    assert all(len(r) == 190 for r in split_records(half.read_bytes()))
    res = runner.invoke(cli, ["filing", "2026-13", "--db", db])
    assert res.exit_code == 2 and "PERIOD: YYYY-MM(월)이나 YYYY(연)가 아닙니다" in res.output


def test_yearend_command_json(year):
    store, tmp, ye, _ = year
    res = CliRunner().invoke(cli, ["yearend", "2026", "--db", str(tmp / "p.db"), "--out", str(tmp / "ye"), "--date", "2027-02-05", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["summary"]["settled"] == 5 and len(doc["workers"]) == 5 and doc["workers"][0]["trace"]
    folder = Path(doc["out_dir"])
    for wid in ("W001", "W002", "W003", "W005", "W006"):
        assert (folder / "receipts" / f"withholding-{wid}-2026.pdf").exists() and (folder / "receipts" / f"withholding-{wid}-2026.json").exists()
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert "exceptions.xlsx" in sums and "results.json" in sums and "receipts/withholding-W001-2026.pdf" in sums
    wb = load_workbook(folder / "원천징수영수증-2026.xlsx")
    rows = list(wb["정산명세"].iter_rows(values_only=True))
    assert rows[0][:2] == ("사번", "성명") and [r[0] for r in rows[1:]] == ["W001", "W002", "W003", "W005", "W006"]
    # one worker's receipt again from the stored batch: the same PDF bytes as the batch wrote
    res = CliRunner().invoke(cli, ["yearend", "receipt", "2026", "W002", "--db", str(tmp / "p.db"), "--out", str(tmp / "one"), "--date", "2027-02-05"])
    assert res.exit_code == 0, res.output
    assert (tmp / "one" / "withholding-W002-2026.pdf").read_bytes() == (folder / "receipts" / "withholding-W002-2026.pdf").read_bytes()
    assert load_workbook(tmp / "one" / "withholding-W002-2026.xlsx").sheetnames[0] == "document"


def test_the_demo_month_marks_the_days_of_its_daily_workers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["demo", "--out", "demo", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    month = summary.get("month") or Path(summary["out_dir"]).parent.name
    res = runner.invoke(cli, ["filing", month, "--db", summary["db"], "--out", str(tmp_path / "packs"), "--date", "2026-06-01"])
    assert res.exit_code == 0, res.output
    wb = load_workbook(io.BytesIO((tmp_path / "packs" / "filing" / month / f"근로내용확인신고-{month}.xlsx").read_bytes()))
    rows = list(wb["서식"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    for r in rows:
        marks = [v for v in r[9:40] if v is not None]
        assert marks and set(marks) == {1} and len(marks) == r[40] == r[42]  # 근로일수 = 보수지급기초일수 = days marked
        assert r[48] == "Y" and r[43] == r[50] and "*" in str(r[2])  # 국세청 칸; 주민등록번호 가림 without --with-rrn
    # 취득·상실: 일용근로자 are filed by the 근로내용확인신고 alone; every hire has its amounts (the run's 보수월액, decision D11)
    daily_names = {r[1] for r in rows}
    folder = tmp_path / "packs" / "filing" / month
    hired = list(load_workbook(folder / f"4대보험-취득-{month}.xlsx")["취득"].iter_rows(min_row=2, values_only=True))
    left = list(load_workbook(folder / f"4대보험-상실-{month}.xlsx")["서식"].iter_rows(min_row=2, values_only=True))
    assert hired and left and not daily_names & ({r[1] for r in hired} | {r[0] for r in left})
    assert all(isinstance(r[9], int) and r[9] > 0 and r[10] for r in hired)
    # the annual 지급명세서: the year-end batch, then the year's 중도퇴사자 as their leaving month settled them (소득세법 §164①),
    # C16 연말정산구분 2, the figures of their 원천징수영수증 (T00011–13 are 일용: their own 지급명세서)
    from payroll.filings.annual import leavers_not_filed

    store = open_store(summary["db"])
    with store.session() as s:
        assert leavers_not_filed(s, 2026, set()) == ["T00025"] and leavers_not_filed(s, 2026, {"T00025"}) == []
    store.dispose()
    assert runner.invoke(cli, ["yearend", "2026", "--db", summary["db"], "--out", str(tmp_path / "ye"), "--date", "2027-02-05"]).exit_code == 0
    res = runner.invoke(cli, ["filing", "2026", "--db", summary["db"], "--out", str(tmp_path / "packs"), "--date", "2027-02-20"])
    assert res.exit_code == 0 and "payroll filing check 결과: 통과" in res.output, res.output
    data = (tmp_path / "packs" / "filing" / "2026" / "지급명세서" / "C3058300.005").read_bytes()
    lay = load_layout("annual_2023")
    leavers = [v for v in (decode(lay, r)[1] for r in split_records(data) if r[:1] == b"C") if v["C016"] == "2"]
    assert [(v["C011"], v["C022"], v["C023"]) for v in leavers] == [("박영현", 20260101, 20260619)]
    res = runner.invoke(cli, ["doc", "withholding", "T00025", "--year", "2026", "--db", summary["db"], "--out", str(tmp_path / "w")])
    receipt = json.loads((tmp_path / "w" / "withholding-T00025-2026.json").read_text(encoding="utf-8"))
    assert res.exit_code == 0 and leavers[0]["C072"] == receipt["settlement"]["total_pay"] == 15_478_517, receipt.get("settlement")
    assert (leavers[0]["C147A"], leavers[0]["C150A"]) == (receipt["tax"]["income_tax"]["determined"], receipt["tax"]["income_tax"]["paid"]) == (23_492, 240_810)
    assert (leavers[0]["C151A_1"], leavers[0]["C151A_2"]) == (1, 217_310) and receipt["tax"]["income_tax"]["due"] == -217_310


def test_an_insurance_that_does_not_cover_a_worker_has_empty_columns():
    """A 60세 이상 hire has no 국민연금 (국민연금법 §8①) and acquires the others; a 일용근로자 is left out."""
    from types import SimpleNamespace

    from payroll.filings.pack import _movement_books

    def person(wid, name):
        return SimpleNamespace(worker_id=wid, name=name, insurance_base=None, rrn_masked="630101-1******")

    contract = SimpleNamespace(contract_id="C1", pay_type="hourly", wage=10_320, end=dt.date(2026, 12, 31))
    hires = [(person("W1", "노령자"), dt.date(2026, 6, 10), contract), (person("W2", "일용자"), dt.date(2026, 6, 10), contract)]
    insured = {"W1": {"daily": False, "np": False, "hi": True, "ei": True, "np_base": 1_500_000, "hi_base": 1_500_000},
               "W2": {"daily": True, "np": False, "hi": False, "ei": True, "np_base": None, "hi_base": None}}
    cfg = SimpleNamespace(placeholders=lambda: [])  # the books read only what is still a placeholder
    books = _movement_books(hires, [], "2026-06", None, cfg, lambda wid: None, lambda wid, m: m, dt.date(2026, 7, 5), insured)
    (row,) = list(load_workbook(io.BytesIO(books["4대보험-취득-2026-06.xlsx"]))["취득"].iter_rows(min_row=2, values_only=True))
    assert row[1] == "노령자" and row[3:5] == (None, None) and row[5:11] == (1_500_000, "20260610") * 3


def test_the_simplified_return_has_one_record_per_continuous_employment():
    """filing-layouts.md §2.4: "One C record per continuous employment period. A worker who leaves and is rehired
    within the half gets one C record per period" — a renewal the next day continues the same period."""
    from types import SimpleNamespace

    from payroll.filings.simplified import _span_of, merged_spans

    D = dt.date
    contract = lambda wid, start, end: SimpleNamespace(worker_id=wid, start=start, end=end)  # noqa: E731
    spans = merged_spans([contract("W1", D(2026, 1, 1), D(2026, 3, 31)), contract("W1", D(2026, 5, 1), None),
                          contract("W2", D(2025, 7, 1), D(2026, 2, 28)), contract("W2", D(2026, 3, 1), D(2026, 12, 31))])
    assert spans == {"W1": [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 5, 1), None)], "W2": [(D(2025, 7, 1), D(2026, 12, 31))]}
    assert [_span_of(spans["W1"], m)[0] for m in ("2026-01", "2026-03", "2026-04", "2026-05", "2026-06")] == [D(2026, 1, 1)] * 3 + [D(2026, 5, 1)] * 2


def test_december_paid_in_january_is_in_the_january_return_with_its_own_working_dates(tmp_path):
    """The first monthly 간이지급명세서 (pay from 2027-01-01, §164의3) carries December 2026's pay, paid on
    8 January: its 근무기간 starts in December, never after it ends (it was 20270101–20261231)."""
    from payroll.filings.simplified import simplified_file

    store = open_store(str(tmp_path / "p.db"))
    root = write_year(tmp_path / "inputs", months=["2026-12"])
    (root / "2026-12" / "run.toml").write_text("pay_date = 2027-01-08\n", encoding="utf-8")
    contracts = (root / "contracts.csv").read_text(encoding="utf-8").splitlines()
    contracts = [line.replace("2026-01-01,,", "2026-01-01,2026-12-31,") if line.startswith("C001,W001,") else line for line in contracts]
    (root / "contracts.csv").write_text("\n".join(contracts) + "\n", encoding="utf-8")  # W001 leaves on 31 December
    run(store, root, tmp_path / "out", "2026-12")
    with store.session() as s:
        sf = simplified_file(s, ("2027-01", "2027-01"), load_filing_config(session=s), dt.date(2027, 2, 5))
    lay = load_layout("simplified_2021")
    cs = {c["C07"]: (c["C12"], c["C13"]) for c in (decode(lay, r)[1] for r in split_records(sf.data) if r[:1] == b"C")}
    assert cs.pop("김민준") == ("20261201", "20261231")  # W001: the employment that ended, in the month the pay was earned
    assert cs and set(cs.values()) == {("20270101", "20270131")}  # the others go on: clipped to the period
    assert any("이 기간 전에 끝난 근무" in n for n in sf.notes)
    store.dispose()


def test_the_daily_workers_book_names_a_hire_at_65_and_warns_of_no_unknown_days(tmp_path):
    """근로내용확인신고: a worker hired at 65 or over has 고용안정·직능 (employer) but no 실업급여 (고용보험법 §10②):
    insured (the default 보험구분) and named, for the 보험료부과구분 the 공단's code sheet gives; a book whose rows all
    carry their days says nothing of unknown days (it did whenever the 직종코드 was blank) — an outside audit."""
    from types import SimpleNamespace

    from payroll.filings.pack import _daily_book

    cfg = SimpleNamespace(occupation_code="", placeholders=lambda: [], workplace_number="", insurance_kind_default=5, leaving_reason_daily=1,
                          office=SimpleNamespace(business_number="123-45-67890"))
    base = {"pay_date": dt.date(2026, 7, 10), "work_day_numbers": [1, 2, 3], "worked_minutes": 1440, "work_days": 3, "taxable_pay": 450_000,
            "non_taxable_pay": 0, "income_tax": 0, "local_income_tax": 0, "ei_stability_applies": True}
    rows = [{**base, "worker_id": "D1", "name": "일용갑", "ei_unemployment_applies": True, "employment_insurance": 4_050},
            {**base, "worker_id": "D2", "name": "일용을", "ei_unemployment_applies": False, "employment_insurance": 0}]
    data, _, ready = _daily_book(rows, "2026-06", cfg, lambda wid: None, lambda wid, m: "800101-1******", dt.date(2026, 7, 1))
    wb = load_workbook(io.BytesIO(data))
    kinds = [r[0] for r in wb["서식"].iter_rows(min_row=2, values_only=True)]
    notes = " ".join(str(c.value) for row in wb["안내"].iter_rows() for c in row if c.value)
    assert kinds == [5, 5] and not ready
    assert "65세 이후 고용 일용을" in notes and "근무일(1~31일 칸)을 모르는" not in notes
