"""The whole month for 1,165 generated workers, and a fair PDF floor beside it, in alternating rounds.

    python benchmarks/full_month.py [--rounds 5] [--jobs N] [--json] [--simple --workers N]

1. Generates the inputs once with the project's generator (``samples.generate``: the district's
   1,165 workers, June 2026, five exports in several formats, leave, overtime, corrections; not
   timed) and lays them out as ``payroll run`` reads them. ``--simple`` uses
   benchmarks/month_inputs.py (one clean daily sheet of ``--workers`` workers) instead.
2. Each round, in alternation, two fresh processes:
   - **the month**: ``payroll run`` of the month on a fresh SQLite file — import (inputs stored by
     hash) → timesheets → compute → stored results → payslip PDFs over ``--jobs`` processes →
     register, bank CSV, filings (in the main process while the pool renders) → one run record.
     Wall time of the whole and of each phase, peak RSS, the database's size.
   - **the floor**: as many one-page PDFs with a typical payslip's text (benchmarks/floor_page.py)
     — the same A4 page, fonts and glyph mix, embedded with the payslips' font-subset technique —
     rendered, written and hashed in chunks of 24 by the same number of processes, forked from a
     server that preloaded the renderer and warmed the font as the run's server does. Timed from
     the pool's start (the run's server warms while the month computes).
3. Reports each round's ratio month ÷ floor, their median, the medians of both, the load average
   before and after. Target (issue 20): the month within 1.3× of the floor (median ratio).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import month_inputs  # noqa: E402

CHUNK = 24  # pages per task, as the run's payslip pool sends at most


# --- the month, in its own process ----------------------------------------------------------------


def month_here(inputs: Path, out: Path, jobs: int) -> dict:
    from payroll.runs import batch, outputs
    from payroll.runs import computed as computed_module
    from payroll.runs import results as results_module
    from payroll.store import open_store

    os.environ["PAYROLL_JOBS"] = str(jobs)
    phases: dict[str, float] = {}  # float ok: durations

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t  # float ok
        return wrapper

    for mod, name, label in ((batch, "build_from_files", "timesheets (build_month)"), (computed_module, "compute", "compute (vectorised)"),
                             (results_module, "encode", "stored results (trace, texts)"),
                             (outputs, "render_payslips", f"payslips + month files ({jobs} processes)"),
                             (outputs, "month_documents", "  of which register, bank CSV, filings (main process)"),
                             (batch, "_record", "run record (DB)")):
        phases[label] = 0.0
        setattr(mod, name, timed(label, getattr(mod, name)))
    from payroll.documents.payslip import payslip_pdf

    renderers = outputs.Renderers(payslip=payslip_pdf, others=outputs.month_documents)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "payroll.db"
    t0 = time.perf_counter()
    store = open_store(str(db))
    summary = batch.execute_run(store, "2026-06", inputs_dir=inputs, out_root=out / "runs", actor="bench", renderers=renderers)
    total = time.perf_counter() - t0  # float ok
    store.dispose()
    payslips = list((Path(summary["out_dir"]) / "payslips").iterdir())
    import sqlite3

    con = sqlite3.connect(db)
    stored = con.execute("select coalesce(sum(length(cast(result_json as blob))), 0), count(*) from worker_results").fetchone()
    dictionary = con.execute("select coalesce(sum(length(cast(content as blob))), 0) from run_dictionaries").fetchone()[0]
    blobs = con.execute("select coalesce(sum(size), 0) from input_blobs").fetchone()[0]
    con.close()
    return {
        "total_s": total, "phases_s": phases, "workers": summary["workers"], "net_pay_total": summary["net_pay_total"],
        "payslip_bytes": sum(p.stat().st_size for p in payslips), "db_bytes": db.stat().st_size, "stored_result_bytes": stored[0],
        "dictionary_bytes": dictionary, "input_blob_bytes": blobs,
        "main_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # float ok
    }


# --- the floor, in its own process ----------------------------------------------------------------


def floor_here(n: int, out: Path, jobs: int) -> dict:
    import floor_page  # noqa: F401  (warm here too: the parent is not timed)

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["floor_page"])
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:  # the server is up and warm before the clock starts
        pool.submit(floor_page.noop).result()
    out.mkdir(parents=True, exist_ok=True)
    chunks = [list(range(i, min(i + CHUNK, n))) for i in range(0, n, CHUNK)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        done = [r for part in pool.map(floor_page.render_chunk, [str(out)] * len(chunks), chunks) for r in part]
    seconds = time.perf_counter() - t0  # float ok
    return {"seconds": seconds, "pages": len(done), "bytes": sum(r[2] for r in done)}


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="rounds of month then floor (at least 5 for the median the README quotes)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--simple", action="store_true", help="one clean daily sheet (benchmarks/month_inputs.py) instead of samples.generate")
    ap.add_argument("--workers", type=int, default=1165, help="with --simple only (the generator's set is 1,165)")
    ap.add_argument("--month-only", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--floor-only", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.month_only:
        print(json.dumps(month_here(args.month_only, args.out, args.jobs)))
        return
    if args.floor_only:
        print(json.dumps(floor_here(args.floor_only, args.out, args.jobs)))
        return

    from payroll.documents.fonts import register_fonts

    register_fonts()  # build the font cache outside the timings
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp:
        tmp = Path(tmp)
        if args.simple:
            inputs = month_inputs.write(tmp / "inputs", args.workers)
        else:
            from samples.generate import write_set

            from payroll.runs.demo import stage_samples

            write_set(tmp / "generated", "2026-06", small=False)
            inputs = stage_samples(tmp / "inputs", tmp / "generated")
        rounds = []
        for k in range(max(1, args.rounds)):
            month = _child(["--month-only", str(inputs), "--out", str(tmp / f"month-{k}"), "--jobs", str(args.jobs)])
            floor = _child(["--floor-only", str(month["workers"]), "--out", str(tmp / f"floor-{k}"), "--jobs", str(args.jobs)])
            rounds.append((month, floor))
            if not args.json:
                print(f"  round {k + 1}: month {month['total_s']:.2f} s, floor {floor['seconds']:.2f} s, ratio {month['total_s'] / floor['seconds']:.2f}"
                      f"  (load {os.getloadavg()[0]:.2f})", flush=True)
    ratios = [m["total_s"] / f["seconds"] for m, f in rounds]
    median_round = sorted(rounds, key=lambda r: r[0]["total_s"])[len(rounds) // 2][0]
    workers = rounds[0][0]["workers"]
    result = {
        "workers": workers, "jobs": args.jobs, "rounds": len(rounds),
        "month_median_s": round(statistics.median(m["total_s"] for m, _ in rounds), 2), "month_best_s": round(min(m["total_s"] for m, _ in rounds), 2),
        "floor_median_s": round(statistics.median(f["seconds"] for _, f in rounds), 2), "floor_best_s": round(min(f["seconds"] for _, f in rounds), 2),
        "ratio_median": round(statistics.median(ratios), 2), "ratios": [round(r, 2) for r in ratios],
        "phases_s_of_median_month": {k: round(v, 3) for k, v in median_round["phases_s"].items()},
        "payslip_kib_avg": round(median_round["payslip_bytes"] / workers / 1024, 1), "floor_kib_avg": round(rounds[0][1]["bytes"] / workers / 1024, 1),
        "db_mib": round(median_round["db_bytes"] / 2**20, 2), "stored_result_bytes_per_worker": round(median_round["stored_result_bytes"] / workers),
        "dictionary_kib": round(median_round["dictionary_bytes"] / 1024, 1), "input_blob_mib": round(median_round["input_blob_bytes"] / 2**20, 2),
        "main_peak_rss_mib": round(max(m["main_peak_rss_mib"] for m, _ in rounds)),
        "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),  # float ok: the machine's load
        "net_pay_total": rounds[0][0]["net_pay_total"],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"full month, {workers:,} workers, {args.jobs} processes for PDFs, {len(rounds)} alternating rounds; "
          f"load average {result['load_avg_before']} before, {result['load_avg_after']} after")
    for k, v in result["phases_s_of_median_month"].items():
        print(f"  {k:<54}{v:>8.2f} s")
    print(f"  {'whole month (wall), median / best':<54}{result['month_median_s']:>8.2f} s / {result['month_best_s']:.2f} s")
    print(f"  {'floor: same pages, same embedding and processes':<54}{result['floor_median_s']:>8.2f} s / {result['floor_best_s']:.2f} s")
    print(f"  {'ratio month / floor, median of the rounds':<54}{result['ratio_median']:>8.2f}  (rounds: {', '.join(map(str, result['ratios']))}; target ≤ 1.3)")
    print(f"  payslip {result['payslip_kib_avg']} KiB avg, floor page {result['floor_kib_avg']} KiB avg; database {result['db_mib']} MiB "
          f"(stored results {result['stored_result_bytes_per_worker']:,} B/worker + dictionary {result['dictionary_kib']} KiB; input files {result['input_blob_mib']} MiB)")
    print(f"  peak RSS of the run's main process {result['main_peak_rss_mib']} MiB")


if __name__ == "__main__":
    main()
