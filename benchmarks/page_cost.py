"""One payslip page against one floor page: CPU time per page in one process, in alternating rounds.

    python benchmarks/page_cost.py [--rounds 3] [--json]

``full_month.py`` times the pages over the run's processes, beside everything else of the month;
this script times the page alone, so that the two kinds of page compare without the pool, the
load of the other processes or the month's serial work:

1. Generates the district's 1,165 workers of June 2026 (``samples.generate``), runs the month
   once (``payroll run``, not timed) and reads its stored results back from the record, expanded
   as a payslip process expands them.
2. In this process, warmed as the run's payslip server is (:mod:`payroll.runs.payslip_worker`,
   ``benchmarks/floor_page.py``), each round renders every worker's payslip
   (:func:`payroll.documents.payslip.payslip_pdf`) and as many floor pages, then the next round
   in the other order; CPU time (``time.process_time``), so that other work on the machine
   slows the figure less than it slows a wall clock.
3. Prints the median CPU milliseconds per page of both, their ratio and the load average.
Target (issue 20): the payslip page cheaper than the 7–10 ms of CPU it cost when the issue was
filed; the ratio to the floor page says how far it is from a page of the same text drawn bare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def stored_results(tmp: Path) -> tuple[list[dict], dict]:
    """The June 2026 run's stored results, expanded, and the employer block its payslips print."""
    from samples.generate import write_set

    from payroll.runs.batch import execute_run
    from payroll.runs.demo import stage_samples
    from payroll.runs.month_state import load_results
    from payroll.employer import load_employer
    from payroll.store import open_store

    write_set(tmp / "generated", "2026-06", small=False)
    inputs = stage_samples(tmp / "inputs", tmp / "generated")
    store = open_store(str(tmp / "payroll.db"))
    try:
        summary = execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp / "runs", actor="bench")
        with store.session() as s:
            results = load_results(s, summary["run_id"])
    finally:
        store.dispose()
    return results, load_employer(inputs / "employer.toml").payslip_block()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import floor_page  # warms the floor's faces, as its process server does

    import payroll.runs.payslip_worker  # noqa: F401  (warms the payslip's, as the run's server does)
    from payroll.documents.payslip import payslip_pdf

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="payroll-pages-") as tmp:
        results, employer = stored_results(Path(tmp))
    n = len(results)

    def payslips() -> None:
        for r in results:
            payslip_pdf(r["row"], r["items"], r["trace"], employer)

    def floors() -> None:
        for i in range(n):
            floor_page.floor_pdf(i)

    times: dict[str, list[float]] = {"payslip": [], "floor": []}  # float ok: seconds
    for k in range(max(1, args.rounds)):
        for name, fn in ((("payslip", payslips), ("floor", floors)) if k % 2 == 0 else (("floor", floors), ("payslip", payslips))):
            t0 = time.process_time()
            fn()
            times[name].append(time.process_time() - t0)
    ms = {name: statistics.median(t) / n * 1000 for name, t in times.items()}  # float ok: milliseconds
    result = {"pages": n, "rounds": len(times["floor"]), "payslip_ms": round(ms["payslip"], 2), "floor_ms": round(ms["floor"], 2),
              "ratio": round(ms["payslip"] / ms["floor"], 2), "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2)}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{n:,} pages, {result['rounds']} alternating rounds, CPU time in one process; load average {result['load_avg_before']} before, "
          f"{result['load_avg_after']} after")
    print(f"  payslip page (the run's stored results)   {result['payslip_ms']:>6.2f} ms")
    print(f"  floor page (benchmarks/floor_page.py)     {result['floor_ms']:>6.2f} ms")
    print(f"  ratio payslip / floor                     {result['ratio']:>6.2f}  (1 = as cheap as the floor page)")
    print(f"  payslip page under the 7 ms the issue measured: {'yes' if result['payslip_ms'] < 7 else 'no'}")


if __name__ == "__main__":
    main()
