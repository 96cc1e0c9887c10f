"""The 소득·세액공제신고서 XLSX template: it round-trips, and every bad cell is named (file, sheet, row, field)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from payroll.case import InputError
from payroll.yearend.template import SHEETS, read_declarations, template_bytes

ISSUED = dt.date(2027, 1, 5)


def _book(rows: dict[str, list[list]]) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes(2026, [("W001", "김하나"), ("W002", "이둘")], ISSUED)))
    for sheet, values in rows.items():
        ws = wb[sheet]
        for r, row in enumerate(values, start=2):
            for c, v in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_has_a_sheet_per_section_korean_headers_and_no_formula():
    data = template_bytes(2026, [("W001", "김하나")], ISSUED)
    assert data == template_bytes(2026, [("W001", "김하나")], ISSUED)  # deterministic bytes
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["안내"] + [s.name for s in SHEETS]
    assert [c.value for c in wb["보험료"][1]] == ["사번 *", "대상자", "구분 *", "금액 *"]
    assert wb["본인"]["A2"].value == "W001" and wb["본인"]["B2"].value == "김하나"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))


def test_round_trip_of_every_section():
    data = _book({
        "본인": [["W001", "김하나", "N", "Y", "N", None, "자동", dt.datetime(2027, 1, 10)], ["W002", "이둘", None, None, None, None, None, None]],
        "부양가족": [["W001", "김아들", "직계비속·입양자", "2018-03-01", 0, None, "N", "Y", None, "180301-3******"],
                 ["W001", "김어머니", "직계존속", dt.datetime(1950, 5, 5), 0, None, "Y", "Y", None, None]],
        "보험료": [["W001", None, "보장성", 800_000]],
        "의료비": [["W001", "김어머니", "일반", "N", 3_000_000, 500_000]],
        "교육비": [["W001", "김아들", "초중고", 1_200_000]],
        "기부금": [["W001", "정치자금", 100_000]],
        "신용카드등": [["W001", None, 10_000_000, 3_000_000, 1_000_000, 0, 500_000, 400_000]],
        "연금계좌": [["W001", "연금저축", 3_000_000]],
        "월세": [["W001", "박임대", "서울", "2026-01-01", "2026-12-31", 6_000_000, "Y"]],
    })
    claims, submitted = read_declarations(data, "신고서.xlsx", 2026)
    assert [c.worker_id for c in claims] == ["W001"]  # W002 listed without 제출일: not filed
    assert submitted == {"W001": dt.date(2027, 1, 10)}
    c = claims[0]
    assert c.single_parent is True and c.woman is False
    assert [d.name for d in c.dependants] == ["김아들", "김어머니"]
    assert c.dependants[1].disabled and c.dependants[0].rrn_masked == "180301-3******"
    assert c.insurance[0].person == "본인" and c.insurance[0].amount == 800_000
    assert c.medical[0].reimbursed == 500_000 and c.medical[0].person == "김어머니"
    assert c.education[0].kind == "school" and c.donations[0].kind == "political"
    assert c.cards[0].credit == 10_000_000 and c.cards[0].transit == 400_000
    assert c.pension_accounts[0].kind == "savings" and c.rent[0].homeless_head is True


def test_every_bad_cell_is_named_and_nothing_is_read():
    data = _book({
        "본인": [["W001", "김하나", "Q", None, None, None, "자동", "2027-01-10"]],
        "보험료": [["W001", None, "저축성", "12만"]],
        "의료비": [["W001", None, "일반", None, 10.5, None]],
        "부양가족": [["W001", "김아들", "직계비속·입양자", "2018-13-01", None, None, None, None, None, None]],
    })
    with pytest.raises(InputError) as e:
        read_declarations(data, "신고서.xlsx", 2026)
    text = str(e.value)
    assert "신고서.xlsx: 본인 시트 2행 '부녀자': Y 또는 N이 아님" in text
    assert "보험료 시트 2행 '구분': 목록에 없는 값 '저축성'" in text
    assert "보험료 시트 2행 '금액': 정수가 아님" in text
    assert "의료비 시트 2행 '금액': 원 단위 정수가 아님" in text
    assert "부양가족 시트 2행 '생년월일': 날짜(YYYY-MM-DD)가 아님" in text
    assert text.startswith("5건의 입력 오류")


def test_full_resident_number_is_refused():
    data = _book({"본인": [["W001", "김하나", None, None, None, None, None, "2027-01-10"]],
                  "부양가족": [["W001", "김아들", "직계비속·입양자", "2018-03-01", None, None, None, None, None, "180301-3123456"]]})
    with pytest.raises(InputError) as e:
        read_declarations(data, "f.xlsx", 2026)
    assert "부양가족 시트 2행 '주민등록번호(뒤 6자리 가림)'" in str(e.value) and "180301-3123456" not in str(e.value)


def test_rows_of_a_worker_without_a_declaration_are_errors():
    data = _book({"본인": [["W001", "김하나", None, None, None, None, None, None]], "보험료": [["W001", None, "보장성", 1000], ["W009", None, "보장성", 1000]]})
    with pytest.raises(InputError) as e:
        read_declarations(data, "f.xlsx", 2026)
    assert "본인 시트 2행 '제출일'" in str(e.value) and "보험료 시트 3행 '사번': W009" in str(e.value)


def test_model_rules_point_at_the_row():
    data = _book({"본인": [["W001", "김하나", None, None, None, None, None, "2027-01-10"]],
                  "의료비": [["W001", None, "일반", None, 100, 200]]})
    with pytest.raises(InputError) as e:
        read_declarations(data, "f.xlsx", 2026)
    assert "의료비 시트 2행" in str(e.value) and "실손보험금" in str(e.value)


def test_not_a_workbook_and_wrong_headers():
    with pytest.raises(InputError, match="XLSX 파일이 아님"):
        read_declarations(b"hello", "f.xlsx", 2026)
    wb = load_workbook(io.BytesIO(template_bytes(2026, [], ISSUED)))
    wb["보험료"]["B1"] = "누구"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InputError, match="보험료 시트 1행 머리글"):
        read_declarations(out.getvalue(), "f.xlsx", 2026)


def test_a_donation_the_program_does_not_compute_is_refused_at_import():
    data = _book({"본인": [["W001", "김하나", None, None, None, None, None, "2027-01-10"]], "기부금": [["W001", "고향사랑", 100_000]]})
    with pytest.raises(InputError) as e:
        read_declarations(data, "f.xlsx", 2026)
    assert "본인 시트 2행 '사번'" in str(e.value) and "고향사랑기부금" in str(e.value) and "수기로 정산" in str(e.value)


def test_the_declaration_printout_shows_what_was_submitted():
    import datetime as dt

    from pypdf import PdfReader

    from payroll.documents.deduction_declaration import declaration_data, declaration_pdf
    from payroll.documents.office import load_office
    from payroll.roster import Worker
    from payroll.settlement.declaration import ClaimsIn

    w = Worker(worker_id="W001", name="김하나", birth_date=dt.date(1980, 3, 15), department="총무과", employment="public_service",
               income_type="regular", family=1, children_8_20=0, rrn_masked="800315-2******")
    c = ClaimsIn.model_validate({"worker_id": "W001", "year": 2026, "woman": True,
                                 "dependants": [{"name": "김아들", "relationship": "descendant", "birth_date": "2018-03-01", "rrn_masked": "180301-3******"}],
                                 "medical": [{"person": "김아들", "amount": 1_234_000}], "cards": [{"credit": 9_876_000}],
                                 "rent": [{"amount": 6_000_000, "homeless_head": True, "landlord": "박임대"}]})
    meta = {"version": 2, "submitted_on": dt.date(2027, 1, 10), "source": "xlsx", "source_name": "신고서.xlsx", "source_sha256": "ab" * 32,
            "recorded_by": "clerk", "recorded_at": dt.datetime(2027, 1, 11, 9, 0)}
    pdf = declaration_pdf(w, c, load_office(), meta, ISSUED)
    assert pdf == declaration_pdf(w, c, load_office(), meta, ISSUED)  # same data, same bytes
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    for needle in ("근로소득자소득·세액공제신고서", "2026년귀속", "800315-2******", "김아들", "180301-3******", "1,234,000", "9,876,000", "6,000,000",
                   "박임대", "신고서.xlsx", "판(version)", "보험료", "교육비", "기부금", "신고내용없음"):
        assert needle in text, needle
    d = declaration_data(w, c, load_office(), meta, ISSUED)
    assert d["submission"]["version"] == 2 and d["self"]["woman"] is True and d["medical"][0]["kind"] == "일반"
