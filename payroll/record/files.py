"""Reading a roster or contracts file for the import: CSV (UTF-8 or CP949) or XLSX, Korean or English headers.

Every row is checked; every bad row is named with file, row and field (in Korean), all of them at
once, and nothing is taken from a file that has one. An XLSX is measured against ``rules/limits.toml``
and read in a child process under a memory limit (:mod:`payroll.security.sandbox`), its first sheet,
at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns, cell values only — a formula's cached
value, never the formula. A 주민등록번호 in any cell is masked as it is read (CSV and XLSX). The blank templates (:func:`template_bytes`) carry the Korean headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from pydantic import BaseModel, ValidationError

from payroll.case import InputError
from payroll.csvfile import decode_text, read_text
from payroll.field_errors import describe
from payroll.roster import Contract, Worker
from payroll.security.rrn import masked

MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_ERRORS_SHOWN = 50

#: Korean header → field (the templates' headers); English field names are accepted as they are
ROSTER_HEADERS = {
    "사번": "worker_id", "성명": "name", "생년월일": "birth_date", "부서": "department", "직종": "job", "고용형태": "employment", "소득구분": "income_type",
    "공제대상가족": "family", "8~20세 자녀": "children_8_20", "6세 이하 자녀": "children_under_6", "원천징수비율": "withholding_ratio",
    "최초입사일": "first_hire_date", "보수월액": "insurance_base", "기준소득월액": "pension_base", "은행": "bank", "계좌번호": "account",
    "주민등록번호(가림)": "rrn_masked", "전자우편": "email",
}
CONTRACT_HEADERS = {
    "계약번호": "contract_id", "사번": "worker_id", "시작일": "start", "종료일": "end", "임금형태": "pay_type", "임금": "wage", "근무요일": "work_days",
    "시업": "start_time", "종업": "end_time", "휴게(분)": "break_minutes", "휴게 시작": "break_start", "근무장소": "workplace", "업무": "duties", "식대": "meal_allowance",
    "보수등급": "pay_grade", "사업": "business",
}
#: Korean cell values accepted for the coded columns
VALUE_WORDS = {
    "employment": {"공무직": "public_service", "기간제": "fixed_term", "기간제근로자": "fixed_term"},
    "income_type": {"상용": "regular", "일반": "regular", "일용": "daily"},
    "pay_type": {"시급": "hourly", "일급": "daily", "월급": "monthly"},
}
REQUIRED = {"roster": ("worker_id", "name", "birth_date", "department", "employment"),
            "contracts": ("contract_id", "worker_id", "start", "pay_type", "wage", "work_days", "start_time", "end_time")}


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) and value.year > 1900 else value.strftime("%H:%M")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()[:10] if isinstance(value, dt.date) else value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():  # float ok: a spreadsheet's number cell, made whole
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet's rows as text, read in a child process under the limits of ``rules/limits.toml``
    (:func:`payroll.security.sandbox.run_untrusted`: measured first, a reader crash is an error message)."""
    from payroll.security.sandbox import run_untrusted

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
    return run_untrusted(_xlsx_rows_of, raw, str(path), str(path))


def _xlsx_rows_of(raw: bytes, path: str, mask: bool = True) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InputError(f"{path}: XLSX 파일을 읽을 수 없습니다 ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for k, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)):
            if k > MAX_ROWS:
                raise InputError(f"{path}: 행이 너무 많습니다 (최대 {MAX_ROWS:,}행)")
            cells = [masked(_cell_text(v)) if mask else _cell_text(v) for v in row]  # a 주민등록번호 in any cell is masked before anything reads it
            while cells and cells[-1] == "":
                cells.pop()
            rows.append(cells)
        return rows
    finally:
        wb.close()


def table_rows(path: Path) -> list[list[str]]:
    """The file's rows as text cells (header first): CSV in UTF-8/CP949 or XLSX."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise InputError(f"{path}: CSV 또는 XLSX 파일이어야 합니다")
    rows = _csv_cells(read_text(path), path)
    if len(rows) > MAX_ROWS + 1:
        raise InputError(f"{path}: 행이 너무 많습니다 (최대 {MAX_ROWS:,}행)")
    return rows


def _csv_cells(text: str, source: str | Path) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"{source}: {reader.line_num}행: CSV 행이 아닙니다 ({exc})") from None
    return [[c.strip() for c in r] for r in rows]


def _header(path: Path, raw: list[str], words: dict[str, str], kind: str) -> list[str | None]:
    fields = set(words.values())
    out: list[str | None] = []
    for h in raw:
        h = h.strip().lstrip("\ufeff")
        name = words.get(h, h if h in fields else None)
        if h and name is None:
            raise InputError(f"{path}: 1행: 알 수 없는 열 {h!r} (열 이름: {', '.join(words)})")
        if name is not None and name in out:
            raise InputError(f"{path}: 1행: 열 {h!r}이(가) 두 번 있습니다")
        out.append(name)
    missing = [k for k, v in words.items() if v in REQUIRED[kind] and v not in out]
    if missing:
        raise InputError(f"{path}: 1행: 필요한 열이 없습니다: {', '.join(missing)}")
    return out


def _label(field: str, words: dict[str, str]) -> str:
    return next((k for k, v in words.items() if v == field), field)


def _parse(path: Path, kind: str, model: type[BaseModel]) -> list:
    words = ROSTER_HEADERS if kind == "roster" else CONTRACT_HEADERS
    rows = table_rows(path)
    if not rows or not any(rows[0]):
        raise InputError(f"{path}: 빈 파일입니다 (머리글 행이 없습니다)")
    header = _header(path, rows[0], words, kind)
    out, errors, seen = [], [], {}
    key = "worker_id" if kind == "roster" else "contract_id"
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            errors.append(f"{path}: {line}행: 머리글보다 칸이 많습니다")
            continue
        values = {f: c for f, c in zip(header, cells) if f is not None and c != ""}
        for f, mapping in VALUE_WORDS.items():
            if f in values:
                values[f] = mapping.get(values[f], values[f])
        try:
            item = model.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else ""
                msg = describe(err)
                if err["type"] == "literal_error":
                    allowed = [k for k, v in VALUE_WORDS.get(field, {}).items()] or [str(x) for x in err.get("ctx", {}).get("expected", "").split(" or ")]
                    msg = f"허용 값이 아닙니다 ({', '.join(allowed)})"
                errors.append(f"{path}: {line}행: {_label(field, words) if field else '(행)'}: {msg}")
            continue
        ident = getattr(item, key)
        if ident in seen:
            errors.append(f"{path}: {line}행: {_label(key, words)}: {ident!r}이(가) {seen[ident]}행에도 있습니다")
            continue
        seen[ident] = line
        out.append(item)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n… 외 {len(errors) - len(shown)}건" if len(errors) > len(shown) else ""
        bad_rows = len({e.split("행:", 1)[0] for e in errors})
        raise InputError(f"{bad_rows}개 행에 오류가 있어 아무것도 가져오지 않았습니다:\n" + "\n".join(shown) + more)
    return out


def read_roster_file(path: Path) -> list[Worker]:
    return _parse(Path(path), "roster", Worker)


def read_contracts_file(path: Path) -> list[Contract]:
    return _parse(Path(path), "contracts", Contract)


def _raw_rows(raw: bytes, suffix: str, source: str) -> list[list[str]]:
    """The rows of a file already read by :func:`table_rows`, its 주민등록번호 as they are."""
    from payroll.security.sandbox import run_untrusted

    if suffix == ".xlsx":
        return run_untrusted(_xlsx_rows_of, raw, source, source, False)
    return _csv_cells(decode_text(raw, source), source)


def roster_rrns(raw: bytes, suffix: str, source: str) -> dict[str, str]:
    """The full 주민등록번호 a roster file's bytes carry, by worker id — for
    :func:`payroll.store.personal.keep_rrns` to encrypt at once; read in memory (an XLSX in its
    child process, as :func:`table_rows` reads it), never shown, never written as they are.

    A row's number is the one in its 주민등록번호 column (``rrn_masked``), else the one found in any
    other cell; two different numbers in one row are an error naming the row (which is the
    worker's cannot be told). Rows without a valid worker id are left to the roster's own reader.
    """
    from payroll.security.identifiers import WORKER_ID
    from payroll.security.rrn import found_rrns, masked as masked_text

    rows = _raw_rows(raw, suffix, source)
    if not rows:
        return {}
    header = [ROSTER_HEADERS.get(h.strip().lstrip("\ufeff"), h.strip().lstrip("\ufeff")) for h in rows[0]]
    if "worker_id" not in header:
        return {}
    id_at = header.index("worker_id")
    rrn_at = header.index("rrn_masked") if "rrn_masked" in header else None
    out: dict[str, str] = {}
    for line, cells in enumerate(rows[1:], start=2):
        wid = cells[id_at].strip() if id_at < len(cells) else ""
        if not WORKER_ID.valid(wid):
            continue
        numbers = found_rrns(cells[rrn_at]) if rrn_at is not None and rrn_at < len(cells) else []
        numbers = numbers or sorted({n for c in cells for n in found_rrns(c)})
        if len(set(numbers)) > 1:
            raise InputError(f"{source}: {line}행: 서로 다른 주민등록번호가 {len(set(numbers))}개 있습니다 "
                             f"({', '.join(masked_text(n) for n in sorted(set(numbers)))}); 한 행에는 그 근로자의 번호 하나만 두세요")
        if numbers:
            out[wid] = numbers[0]
    return out


def template_bytes(kind: str, fmt: str = "xlsx") -> bytes:
    """A blank import template: the Korean headers, no rows (``payroll import template``)."""
    words = {"roster": list(ROSTER_HEADERS), "contracts": list(CONTRACT_HEADERS), "budgets": ["사업", "연도", "예산"]}[kind]
    if fmt == "csv":
        return ("\ufeff" + ",".join(words) + "\r\n").encode("utf-8")
    from payroll.attendance.xlsx import xlsx_bytes

    return xlsx_bytes({{"roster": "근로자 명부", "contracts": "근로계약", "budgets": "사업 예산"}[kind]: [words]})
