"""The whole month for 1,165 generated workers, and the bare ReportLab floor beside it.

    python benchmarks/full_month.py [--workers 1165] [--jobs N] [--json]

1. Generates the inputs with the project's generator (``samples.generate``: the district's 1,165
   workers, June 2026, five exports in several formats, leave, overtime, corrections; not timed)
   and lays them out as ``payroll run`` reads them. ``--simple`` uses benchmarks/month_inputs.py
   (one clean daily sheet) instead.
2. ``payroll run`` in-process on a fresh SQLite file: import (inputs stored by hash) → timesheets
   (``build_month``) → compute (one vectorised pass) → payslip PDFs over all cores → register,
   bank CSV, filings → one run record. Prints the wall time of each phase and the total.
3. The floor: 1,165 bare one-page ReportLab PDFs of the same page size with the same embedded
   Korean font and about as much text, over the same number of processes.
Peak RSS is the largest of this process and its children. Target (issue 4): the whole job within
1.5× of the floor.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import month_inputs  # noqa: E402


def _bare_chunk(indices: list[int]) -> int:
    import io

    import reportlab.rl_config

    reportlab.rl_config.invariant = 1
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from payroll.documents.fonts import register_fonts

    regular, bold = register_fonts()
    size = 0
    for i in indices:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4)
        c.setFont(bold, 16)
        c.drawString(60, 800, f"임금명세서 2026년 6월분 — E{i:05d}")
        c.setFont(regular, 9)
        for line in range(60):
            c.drawString(60, 770 - line * 11, f"항목 {line:02d} 기본급 10,320원 × 168시간 과세 1,733,760 국민연금 기준소득월액 × 4.75% {i * 31 + line:,}")
        c.showPage()
        c.save()
        size += len(buf.getvalue())
    return size


def bare_floor(n: int, jobs: int) -> tuple[float, int]:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["payroll.documents.fonts"])
    chunks = [list(range(i, min(i + 24, n))) for i in range(0, n, 24)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        size = sum(pool.map(_bare_chunk, chunks))
    return time.perf_counter() - t0, size  # float ok: durations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1165, help="with --simple only (the generator's set is 1,165)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--simple", action="store_true", help="one clean daily sheet (benchmarks/month_inputs.py) instead of samples.generate")
    args = ap.parse_args()

    from payroll.documents.fonts import register_fonts
    from payroll.runs import batch, outputs
    from payroll.store import open_store

    register_fonts()  # build/cache the font instances outside the timings
    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t  # float ok: durations
        return wrapper

    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp:
        tmp = Path(tmp)
        if args.simple:
            inputs = month_inputs.write(tmp / "inputs", args.workers)
        else:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from samples.generate import write_set

            from payroll.runs.demo import stage_samples

            write_set(tmp / "generated", "2026-06", small=False)
            inputs = stage_samples(tmp / "inputs", tmp / "generated")
        os.environ["PAYROLL_JOBS"] = str(args.jobs)
        batch.build_from_files = timed("timesheets (build_month)", batch.build_from_files)
        batch.compute = timed("compute (vectorised)", batch.compute)
        batch.trace_of = timed("traces", batch.trace_of)
        outputs.render_payslips = timed(f"payslip PDFs ({args.jobs} processes)", outputs.render_payslips)
        outputs.month_documents = timed("register, bank CSV, filings", outputs.month_documents)
        batch.default_renderers = lambda: outputs.Renderers(payslip=__import__("payroll.documents.payslip", fromlist=["x"]).payslip_pdf, others=outputs.month_documents)
        batch._record = timed("run record (DB)", batch._record)
        t0 = time.perf_counter()
        store = open_store(str(tmp / "bench.db"))
        summary = batch.execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp / "out", actor="bench")
        total = time.perf_counter() - t0  # float ok
        pdf_bytes = sum(p.stat().st_size for p in (Path(summary["out_dir"]) / "payslips").iterdir())
        floor, floor_bytes = bare_floor(summary["workers"], args.jobs)
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    result = {
        "workers": summary["workers"], "jobs": args.jobs, "total_s": round(total, 2), "phases_s": {k: round(v, 3) for k, v in phases.items()},
        "bare_floor_s": round(floor, 2), "ratio_to_floor": round(total / floor, 2), "peak_rss_mib": round(rss / 2**20, 1),
        "payslip_kib_avg": round(pdf_bytes / summary["workers"] / 1024, 1), "bare_kib_avg": round(floor_bytes / summary["workers"] / 1024, 1),
        "net_pay_total": summary["net_pay_total"],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"full month, {result['workers']:,} workers, {args.jobs} processes for PDFs")
    for k, v in result["phases_s"].items():
        print(f"  {k:<34}{v:>8.2f} s")
    print(f"  {'whole job (wall)':<34}{result['total_s']:>8.2f} s   peak RSS {result['peak_rss_mib']:.0f} MiB")
    print(f"  {'bare ReportLab floor':<34}{result['bare_floor_s']:>8.2f} s   ({result['workers']:,} one-page PDFs)")
    print(f"  ratio whole job / floor            {result['ratio_to_floor']:>8.2f}  (target ≤ 1.5)")
    print(f"  payslip {result['payslip_kib_avg']} KiB avg; bare page {result['bare_kib_avg']} KiB avg")


if __name__ == "__main__":
    main()
