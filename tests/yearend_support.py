"""Support for the year-end tests (no tests here): a year of stored runs.

The 2026 settlement is paid with the February 2027 run. Some figures of 2027 wait for their 고시
(decision D14: the month is refused unless run provisionally), so a 2027 month runs here with
``provisional=True`` — no figure of a 2027 month other than the 연말정산 lines is asserted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from payroll.runs.batch import execute_run
from test_runs_support import ITEMS, fake_build, write_inputs, write_items

YEAR_MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def write_year(root: Path, months=YEAR_MONTHS, items=ITEMS) -> Path:
    """Inputs for ``months`` (the support roster of six workers, the same pay every month, paid on the 25th)."""
    write_inputs(root, months[0], items, dt.date.fromisoformat(f"{months[0]}-25"))
    for month in months[1:]:
        write_items(root, month, items)
        (root / month / "run.toml").write_text(f"pay_date = {month}-25\n", encoding="utf-8")
    return root


def run(store, root: Path, out: Path, month: str) -> dict:
    if not (root / month).exists():
        write_items(root, month, ITEMS)
        (root / month / "run.toml").write_text(f"pay_date = {month}-25\n", encoding="utf-8")
    return execute_run(store, month, inputs_dir=root, out_root=out, build=fake_build, jobs=1, provisional=month >= "2027-01")
