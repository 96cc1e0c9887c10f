"""The 소득·세액공제신고서 XLSX: a template with one sheet per section, and its reader.

Sheets (Korean headers in row 1, data from row 2; one row per worker in ``본인``, one row per
dependant, receipt, card holder, account … in the others; ``사번`` ties a row to its worker):

본인 · 부양가족 · 보험료 · 의료비 · 교육비 · 기부금 · 신용카드등 · 연금계좌 · 월세 · 주택자금

A worker files a 신고서 by having a row in ``본인``; rows of other sheets for a worker absent from
``본인`` are errors. Codes are the Korean labels of the drop-down lists (the English keys are accepted
too). Every cell is checked; all errors are reported at once, each with the file, sheet, row and
the field's Korean name, and nothing is recorded unless the whole file is valid.

The file is read under limits (size, sheets, rows), with ``read_only``/``data_only`` (a formula's
cached value, never the formula). The template this module writes has no formula in any cell.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from payroll.case import InputError
from payroll.field_errors import describe
from payroll.documents.xlsx import BOLD, CENTER, HEADER_FILL, stamp_for, workbook_bytes
from payroll.security.cells import set_cell
from payroll.settlement.declaration import ClaimsIn, RELATIONSHIPS, SELF

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 200

YN = {"Y": True, "N": False, "예": True, "아니오": False, "아니요": False, "O": True, "X": False, "TRUE": True, "FALSE": False, "1": True, "0": False}


def _codes(labels: dict[str, str]) -> dict[str, str]:
    """label → key (and key → key)."""
    return {**{v: k for k, v in labels.items()}, **{k: k for k in labels}}


ITEMISE = {"auto": "자동", "itemised": "항목별", "standard": "표준"}
INSURANCE = {"general": "보장성", "disabled": "장애인전용"}
MEDICAL = {"general": "일반", "premature": "미숙아·선천성이상아", "infertility": "난임시술"}
EDUCATION = {"preschool": "취학전", "school": "초중고", "university": "대학", "self": "본인", "disabled": "장애인특수교육"}
DONATION = {"political": "정치자금", "special": "특례", "general": "일반", "religious": "일반(종교단체)", "hometown": "고향사랑", "esop": "우리사주조합"}
PENSION = {"savings": "연금저축", "retirement": "퇴직연금"}
HOUSING = {"lease_lender": "주택임차차입금(대출기관)", "lease_private": "주택임차차입금(개인)", "mortgage": "장기주택저당차입금", "subscription": "주택청약종합저축"}
MORTGAGE = {"fixed_and_non_deferred_15y": "15년이상 고정금리+비거치", "fixed_or_non_deferred_15y": "15년이상 고정금리 또는 비거치",
            "other_15y": "15년이상 기타", "fixed_or_non_deferred_10y": "10년이상 고정금리 또는 비거치"}


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    kind: str  # text | id | money | date | yn | code | order
    required: bool = False
    codes: dict[str, str] | None = None  # key → label
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    section: str  # the ClaimsIn field, or "" for 본인
    columns: tuple[Col, ...]


ID = Col("사번", "worker_id", "id", True, width=10)
PERSON = Col("대상자", "person", "text", False, width=12)
SHEETS: tuple[Sheet, ...] = (
    Sheet("본인", "", (ID, Col("성명", "name", "text", width=10), Col("부녀자", "woman", "yn"), Col("한부모", "single_parent", "yn"),
                      Col("본인 장애인", "self_disabled", "yn"), Col("혼인신고일", "marriage_date", "date"),
                      Col("공제 방법", "itemise", "code", codes=ITEMISE), Col("제출일", "submitted_on", "date"), Col("세대주", "head_of_household", "yn"))),
    Sheet("부양가족", "dependants", (ID, Col("성명", "name", "text", True), Col("관계", "relationship", "code", True, RELATIONSHIPS, 16),
                                 Col("생년월일", "birth_date", "date", True), Col("소득금액", "income", "money"), Col("근로소득만", "wage_only", "yn"),
                                 Col("장애인", "disabled", "yn"), Col("기본공제", "basic", "yn"), Col("출산·입양 순서", "birth_order", "order"),
                                 Col("주민등록번호(뒤 6자리 가림)", "rrn_masked", "text", width=18))),
    Sheet("보험료", "insurance", (ID, PERSON, Col("구분", "kind", "code", True, INSURANCE), Col("금액", "amount", "money", True))),
    Sheet("의료비", "medical", (ID, PERSON, Col("구분", "kind", "code", True, MEDICAL, 18), Col("중증질환자 등", "severe", "yn"),
                             Col("금액", "amount", "money", True), Col("실손보험금", "reimbursed", "money"))),
    Sheet("교육비", "education", (ID, PERSON, Col("구분", "kind", "code", True, EDUCATION), Col("금액", "amount", "money", True))),
    Sheet("기부금", "donations", (ID, Col("구분", "kind", "code", True, DONATION, 16), Col("금액", "amount", "money", True))),
    Sheet("신용카드등", "cards", (ID, PERSON, Col("신용카드", "credit", "money"), Col("직불·선불카드", "debit", "money"), Col("현금영수증", "cash_receipt", "money"),
                              Col("도서·공연 등", "culture", "money"), Col("전통시장", "market", "money"), Col("대중교통", "transit", "money"))),
    Sheet("연금계좌", "pension_accounts", (ID, Col("구분", "kind", "code", True, PENSION), Col("납입액", "amount", "money", True))),
    Sheet("월세", "rent", (ID, Col("임대인", "landlord", "text"), Col("주소", "address", "text", width=30), Col("시작일", "start", "date"),
                         Col("종료일", "end", "date"), Col("지급한 월세액", "amount", "money", True), Col("무주택 세대주", "homeless_head", "yn", True))),
    Sheet("주택자금", "housing", (ID, Col("구분", "kind", "code", True, HOUSING, 24), Col("금액", "amount", "money", True),
                              Col("장기주택저당 구분", "category", "code", False, MORTGAGE, 28), Col("요건 확인", "eligible", "yn", True))),
)


def template_bytes(year: int, workers: list[tuple[str, str]], issued: dt.date) -> bytes:
    """An empty 신고서 workbook for ``year`` with the workers (사번, 성명) listed in ``본인``."""
    wb = Workbook()
    guide = wb.active
    guide.title = "안내"
    for i, line in enumerate(_guide(year), start=1):
        set_cell(guide, i, 1, line)
    guide.column_dimensions["A"].width = 120
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        for j, col in enumerate(sheet.columns, start=1):
            cell = set_cell(ws, 1, j, col.header + (" *" if col.required else ""))
            cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER
            ws.column_dimensions[cell.column_letter].width = col.width
            if col.kind in ("code", "yn"):
                values = list(col.codes.values()) if col.kind == "code" else ["Y", "N"]
                dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(f"{cell.column_letter}2:{cell.column_letter}{MAX_ROWS}")
            if col.kind in ("date",):
                for r in range(2, 3):
                    ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        if sheet.name == "본인":
            for i, (wid, name) in enumerate(workers, start=2):
                set_cell(ws, i, 1, wid)
                set_cell(ws, i, 2, name)  # a name from the record stays text (payroll.security.cells)
    return workbook_bytes(wb, stamp_for(issued))


def _guide(year: int) -> list[str]:
    return [
        f"{year}년 귀속 근로소득자 소득·세액공제신고서 (소득세법 §140) — 입력용 서식",
        "시트마다 1행은 머리글, 2행부터 자료입니다. * 표시 열은 필수입니다. '사번'으로 근로자를 연결합니다.",
        "신고서를 낸 근로자는 '본인' 시트의 자기 줄에 제출일을 적습니다 (제출일이 빈 줄은 미제출). 부녀자·한부모·장애인은 Y/N, 공제 방법: 자동·항목별·표준.",
        "'대상자'는 '본인' 또는 '부양가족' 시트에 적은 부양가족의 성명입니다 (같은 사번 안에서 성명이 겹치지 않게).",
        "금액은 원 단위 정수, 날짜는 YYYY-MM-DD, 구분은 목록의 값을 고릅니다. 주민등록번호는 뒤 6자리를 가려 적습니다 (예: 900101-1******).",
        "의료비: 구분 '일반'은 대상자의 나이·장애 여부로 한도 없는 의료비(본인·6세 이하·65세 이상·장애인·중증질환자 등)를 가려 계산합니다.",
        "기부금 '고향사랑'·'우리사주조합'은 이 프로그램에서 계산하지 않습니다 (조문 미확인) — 넣으면 그 근로자의 신고서가 거부됩니다.",
        "주택자금·월세는 요건(무주택 세대주, 국민주택규모, 기준시가 등)을 증빙으로 확인한 뒤 '요건 확인'·'무주택 세대주'를 Y로 적습니다.",
        "같은 근로자가 다시 내면 새 판으로 기록되고 연말정산은 가장 최근 판으로 합니다.",
    ]


class _Errors:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, sheet: str, row: int, field: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(f"{self.source}: {sheet} 시트 {row}행 '{field}': {message}")

    def raise_if_any(self) -> None:
        if self.items:
            more = f"\n… (처음 {MAX_ERRORS}건만 표시)" if len(self.items) >= MAX_ERRORS else ""
            raise InputError(f"{len(self.items)}건의 입력 오류 — 아무것도 기록하지 않았습니다:\n" + "\n".join(self.items) + more)


def _cell(col: Col, value: Any, year: int) -> tuple[Any, str | None]:
    """(parsed value, error message) of one cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ("빈 칸 (필수)" if col.required else None)
    if col.kind in ("text", "id"):
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():  # float ok: an id typed as a number
            text = str(int(value))
        if len(text) > 100:
            return None, "100자를 넘음"
        return text, None
    if col.kind in ("money", "order"):
        number = value
        if isinstance(value, str):
            t = value.replace(",", "").replace("원", "").strip()
            if not t.lstrip("-").isdigit():
                return None, f"정수가 아님: {value!r}"
            number = int(t)
        elif isinstance(value, float):  # float ok: a number cell from Excel
            if not value.is_integer():
                return None, f"원 단위 정수가 아님: {value}"
            number = int(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            return None, f"정수가 아님: {value!r}"
        if number < 0:
            return None, f"음수: {number:,}"
        if col.kind == "order" and number > 20:
            return None, f"출산·입양 순서가 너무 큼: {number}"
        if number > 10_000_000_000:
            return None, f"금액이 너무 큼: {number:,}"
        return number, None
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        try:
            return dt.date.fromisoformat(str(value).strip()[:10]), None
        except ValueError:
            return None, f"날짜(YYYY-MM-DD)가 아님: {value!r}"
    if col.kind == "yn":
        key = str(value).strip().upper() if not isinstance(value, bool) else ("TRUE" if value else "FALSE")
        if key not in YN:
            return None, f"Y 또는 N이 아님: {value!r}"
        return YN[key], None
    if col.kind == "code":
        codes = _codes(col.codes or {})
        text = str(value).strip()
        if text not in codes:
            return None, f"목록에 없는 값 {text!r} (가능: {', '.join((col.codes or {}).values())})"
        return codes[text], None
    raise AssertionError(col.kind)


def read_declarations(data: bytes, source: str, year: int) -> tuple[list[ClaimsIn], dict[str, dt.date | None]]:
    """(each worker's validated 신고서, worker → 제출일 given in 본인) from the workbook bytes: an untrusted
    spreadsheet, measured and read in a child process under the limits (:func:`payroll.security.sandbox.run_untrusted`)."""
    from payroll.security.sandbox import run_untrusted

    return run_untrusted(_read_declarations, data, source, source, year)


def _read_declarations(data: bytes, source: str, year: int) -> tuple[list[ClaimsIn], dict[str, dt.date | None]]:
    if len(data) > MAX_BYTES:
        raise InputError(f"{source}: 파일이 너무 큼 ({len(data) // 1024:,} KiB > {MAX_BYTES // 1024:,} KiB)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{source}: XLSX 파일이 아님")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file, said in one line
        raise InputError(f"{source}: XLSX를 읽을 수 없음 ({type(exc).__name__})") from None
    errors = _Errors(source)
    if len(wb.sheetnames) > 40:
        raise InputError(f"{source}: 시트가 너무 많음 ({len(wb.sheetnames)})")
    rows: dict[str, list[tuple[int, dict]]] = {}
    for sheet in SHEETS:
        if sheet.name not in wb.sheetnames:
            if sheet.name == "본인":
                raise InputError(f"{source}: '본인' 시트가 없음 (서식: payroll yearend template)")
            rows[sheet.name] = []
            continue
        ws = wb[sheet.name]
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").replace("*", "").strip() for h in next(it, ())]
        want = [c.header for c in sheet.columns]
        if header[: len(want)] != want:
            raise InputError(f"{source}: {sheet.name} 시트 1행 머리글이 서식과 다름: {header[:len(want)]} (서식: {want})")
        out = []
        for n, values in enumerate(it, start=2):
            if n > MAX_ROWS + 1:
                raise InputError(f"{source}: {sheet.name} 시트 행이 너무 많음 (> {MAX_ROWS:,})")
            values = list(values[: len(want)]) + [None] * (len(want) - len(values))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rec = {}
            for col, value in zip(sheet.columns, values):
                parsed, err = _cell(col, value, year)
                if err:
                    errors.add(sheet.name, n, col.header, err)
                elif parsed is not None:
                    rec[col.key] = parsed
            out.append((n, rec))
        rows[sheet.name] = out
    wb.close()
    errors.raise_if_any()
    return _assemble(rows, source, year, errors)


def _assemble(rows: dict[str, list[tuple[int, dict]]], source: str, year: int, errors: _Errors) -> tuple[list[ClaimsIn], dict[str, dt.date | None]]:
    people: dict[str, dict] = {}
    submitted: dict[str, dt.date | None] = {}
    others = {rec.get("worker_id") for sheet in SHEETS[1:] for _, rec in rows[sheet.name]}
    for n, rec in rows["본인"]:
        wid = rec["worker_id"]
        if wid in people:
            errors.add("본인", n, "사번", f"같은 사번 {wid}이(가) 두 번 있음")
            continue
        if rec.get("submitted_on") is None:
            if wid in others:
                errors.add("본인", n, "제출일", f"{wid}의 공제 자료가 있는데 제출일이 비어 있음 (제출일을 적은 근로자만 신고서를 낸 것으로 봄)")
            continue  # a listed worker who has not filed
        submitted[wid] = rec.pop("submitted_on")
        rec.pop("name", None)
        people[wid] = {"worker_id": wid, "year": year, **rec}
    for sheet in SHEETS[1:]:
        for n, rec in rows[sheet.name]:
            wid = rec.pop("worker_id", None)
            if wid is None:
                continue
            if wid not in people:
                errors.add(sheet.name, n, "사번", f"{wid}은(는) '본인' 시트에 없음 (신고서를 내는 근로자는 본인 시트에 한 줄)")
                continue
            if "person" in {c.key for c in sheet.columns} and not rec.get("person"):
                rec["person"] = SELF
            people[wid].setdefault(sheet.section, []).append((n, rec))
    errors.raise_if_any()
    out = []
    for wid, doc in people.items():
        plain = {k: ([r for _, r in v] if isinstance(v, list) else v) for k, v in doc.items()}
        try:
            out.append(ClaimsIn.model_validate(plain))
        except ValidationError as exc:
            for e in exc.errors()[:20]:
                loc = [str(x) for x in e["loc"]]
                where_sheet, where_row, field = "본인", 0, ".".join(loc)
                if loc and loc[0] in {s.section for s in SHEETS[1:]} and len(loc) > 1 and loc[1].isdigit():
                    sheet = next(s for s in SHEETS[1:] if s.section == loc[0])
                    where_sheet, where_row = sheet.name, doc[loc[0]][int(loc[1])][0]
                    field = next((c.header for c in sheet.columns if len(loc) > 2 and c.key == loc[2]), field)
                msg = describe(e, extra="알 수 없는 필드입니다")
                errors.add(where_sheet, where_row or 0, field, f"{msg} (사번 {wid})")
    from payroll import law as law_module
    from payroll.settlement.reduce import refusal

    law = law_module.current()
    for c in out:
        reason = refusal(c, year, law)
        if reason:
            errors.add("본인", dict((wid, n) for n, r in rows["본인"] for wid in [r.get("worker_id")]).get(c.worker_id, 0), "사번", reason)
    errors.raise_if_any()
    return out, submitted


def read_file(path: Path, year: int) -> tuple[list[ClaimsIn], dict[str, dt.date | None], bytes]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없음: {exc.strerror}") from None
    claims, submitted = read_declarations(data, str(path), year)
    return claims, submitted, data


def row_getter(kind: str) -> Callable[[Any], str]:
    """Key → Korean label for printouts (codes of one column)."""
    table = {"itemise": ITEMISE, "insurance": INSURANCE, "medical": MEDICAL, "education": EDUCATION, "donation": DONATION,
             "pension": PENSION, "housing": HOUSING, "mortgage": MORTGAGE, "relationship": RELATIONSHIPS}[kind]
    return lambda key: table.get(key, key) if key is not None else ""
