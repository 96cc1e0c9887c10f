"""Every reader of an untrusted spreadsheet and every writer of a CSV or XLSX goes through the guards.

A static sweep of ``payroll/``: a raw ``csv.writer``, an openpyxl cell written with ``value=``, a
``ws.append`` or a spreadsheet reader (openpyxl, calamine, xlrd) outside ``payroll/security`` must be
one of the places listed here, each with the reason it is safe. A new writer or reader that does not
use :mod:`payroll.security.cells` or :mod:`payroll.security.sandbox` makes this test fail, so the
guard is added where the code is written, not found later in a register a clerk opened.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "payroll"

RAW_CALLS = {
    "csv writer": re.compile(r"(?<![\w.])csv\.(?:writer|DictWriter)\("),
    "openpyxl cell value": re.compile(r"\.cell\([^)\n]*\bvalue\s*="),
    "worksheet append": re.compile(r"(?<![\w.])ws\.append\("),
    "spreadsheet reader": re.compile(r"\bload_workbook\(|\bread_excel\(|\bopen_workbook\("),
}

#: (file, kind) → why it is safe
ALLOWED = {
    ("runs/record_inputs.py", "csv writer"): "the run's own snapshot of the record, read back by payroll.roster (never opened by a person); an apostrophe would change the names",
    ("record/opening.py", "csv writer"): "the run's own opening-balance files, read back by our readers (numbers and ids)",
    ("attendance/readers/sheets.py", "spreadsheet reader"): "reached only through payroll.attendance.guarded (measured, in a child process)",
    ("record/files.py", "spreadsheet reader"): "_xlsx_rows_of runs in run_untrusted's child process",
    ("yearend/template.py", "spreadsheet reader"): "_read_declarations runs in run_untrusted's child process",
    ("documents/data_xlsx.py", "spreadsheet reader"): "read_back reads a workbook this program wrote (tests)",
}


def _hits() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("security/"):
            continue
        text = path.read_text(encoding="utf-8")
        for kind, pattern in RAW_CALLS.items():
            if pattern.search(text):
                found.add((rel, kind))
    return found


def test_every_raw_reader_and_writer_is_a_known_safe_place():
    unknown = sorted(_hits() - set(ALLOWED))
    assert not unknown, ("CSV/XLSX written or a spreadsheet read without the guards (use payroll.security.cells / "
                         f"payroll.security.sandbox.run_untrusted, or list it here with the reason): {unknown}")


def test_the_list_has_no_stale_entries():
    assert not sorted(set(ALLOWED) - _hits())


@pytest.mark.parametrize("kind", sorted(RAW_CALLS))
def test_the_sweep_finds_what_it_looks_for(kind):
    samples = {"csv writer": "w = csv.writer(fh)", "openpyxl cell value": "ws.cell(row=1, column=2, value=name)",
               "worksheet append": "ws.append([name])", "spreadsheet reader": "wb = load_workbook(path)"}
    assert RAW_CALLS[kind].search(samples[kind])
