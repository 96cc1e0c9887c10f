"""The month's attendance exceptions workbook: its frames appended by columns against row by row, and a floor.

    python benchmarks/exceptions_workbook.py [--rounds 7] [--json]

1. Generates the district's 1,165 workers of June 2026 (``samples.generate``; not timed), checks
   the five exports as the run does (roster, corrections, the month) and builds the workbook's
   sheets (:func:`payroll.attendance.report._sheets`: 요약, 오류·경고, 참고, about 8,000 rows of 12
   columns).
2. Each round, in alternation, in this process:
   - **by columns**: :func:`payroll.attendance.xlsx.xlsx_bytes` as the run calls it (a frame's rows
     by ``SheetCells.append_frame``);
   - **row by row**: the same with each frame's rows given to ``SheetCells.append`` one at a
     time, as ``xlsx_bytes`` did before (the same bytes: checked);
   - **floor**: the finished workbook's entries written into a zip again, deflated as
     ``xlsx_bytes`` deflates them — what any writer of these bytes has to do besides building the
     cells.
3. Prints the medians, the ratios to the floor and the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def month_sheets(tmp: Path) -> dict:
    from samples.generate import write_set

    from payroll.attendance.checks import check_files
    from payroll.attendance.report import _sheets
    from payroll.roster import load_roster
    from payroll.runs.demo import EXPORTS

    write_set(tmp, "2026-06", small=False)
    staff = load_roster(tmp / "roster.csv", tmp / "contracts.csv")
    result = check_files([tmp / n for n in EXPORTS], staff, tmp / "corrections.csv", month=(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    return _sheets(result.exceptions, staff, tmp)


def row_by_row(sheets: dict) -> bytes:
    """``xlsx_bytes`` with every frame appended one row at a time (as before append_frame)."""
    from payroll.attendance.xlsx import xlsx_bytes
    from payroll.documents.xlsx import SheetCells

    by_columns = SheetCells.append_frame

    def append_rows(cells, frame, styles=None):
        for values in frame.iter_rows():
            cells.append(values, styles)

    SheetCells.append_frame = append_rows
    try:
        return xlsx_bytes(sheets)
    finally:
        SheetCells.append_frame = by_columns


def rezipped(data: bytes) -> bytes:
    """The floor: the workbook's entries, already built, deflated into a zip again."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from payroll.attendance.xlsx import xlsx_bytes

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        sheets = month_sheets(Path(tmp))
    rows = sum(v.height for v in sheets.values() if hasattr(v, "height"))
    made = xlsx_bytes(sheets)
    if row_by_row(sheets) != made:
        raise SystemExit("by columns and row by row wrote different bytes")
    entries = zipfile.ZipFile(io.BytesIO(made)).infolist()
    times: dict[str, list[float]] = {"by columns": [], "row by row": [], "floor": []}  # float ok: durations
    kinds = (("by columns", lambda: xlsx_bytes(sheets)), ("row by row", lambda: row_by_row(sheets)), ("floor", lambda: rezipped(made)))
    for k in range(max(1, args.rounds)):
        for name, fn in (kinds if k % 2 == 0 else kinds[::-1]):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    medians = {name: statistics.median(v) for name, v in times.items()}
    report = {"rows": rows, "entries": len(entries), "medians_s": medians, "ratio_to_floor": {n: medians[n] / medians["floor"] for n in medians},
              "load_before": load_before, "load_after": os.getloadavg()[0]}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"attendance exceptions workbook, {rows:,} frame rows, {args.rounds} alternating rounds (load {load_before:.2f} → {report['load_after']:.2f})")
    for name, m in medians.items():
        print(f"  {name:<11} {m * 1000:7.1f} ms  ({report['ratio_to_floor'][name]:.2f}× the floor)")


if __name__ == "__main__":
    main()
