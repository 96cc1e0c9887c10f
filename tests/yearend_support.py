"""Support for the year-end tests (no tests here): a year of stored runs, and rules that reach 2027.

The 2026 settlement is paid with the February 2027 run. The 2027 rules are the lead's issue 14 and
are not on this branch yet, so :func:`rules_into_2027` copies the rules and lets every 2026 value run
on to 2027-12-31 — only so the February–April 2027 runs can be computed in a test; no figure of a
2027 month is asserted against the law.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from payroll.runs.batch import execute_run
from test_runs_support import ITEMS, fake_build, write_inputs, write_items

YEAR_MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def rules_into_2027(tmp: Path) -> Path:
    src = Path(__file__).resolve().parent.parent / "rules"
    dst = tmp / "rules-2027"
    if not dst.exists():
        shutil.copytree(src, dst)
        for p in dst.rglob("*.toml"):
            p.write_text(re.sub(r"^to = 2026-12-31", "to = 2027-12-31", p.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    return dst


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
    return execute_run(store, month, inputs_dir=root, out_root=out, build=fake_build, jobs=1)
