"""The compute path of a run at 10k, 100k and 1,000,000 synthetic worker-months, beside the bare polars pass.

    python benchmarks/compute_scale.py [--sizes 10000,100000,1000000] [--rounds 3] [--json]

Each size runs in its own process so its peak RSS is its own. The frame is built with polars
(no Python loop per worker): a mix of regular monthly pay, part-timers, daily workers, children,
withholding ratios, meal and childcare allowances, overtime. In that process, alternating:

- the bare pass — ``payroll.engine.pipeline.compute`` alone (wages, eligibility, premiums, tax:
  one vectorised pass over the frame);
- the whole compute path a run takes (``payroll.runs.batch.compute_month`` after the build): the
  same pass, the pay items' labels, the trace as entry ids, every worker's stored result text and
  the run's dictionary (``payroll.runs.results``), and the sha256 the run hash covers — a slice of
  100,000 rows at a time, as a run of that size would.

Prints the median of each over the rounds (wall time, and the CPU time of the process — all its
threads — which says more than the wall time when other work shares the cores), the ratio of the
wall times (target ≤ 5×), the stored bytes per worker and the process's peak RSS. Targets (issue 20): 1,000,000 in under 5 s and 3 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def frames(n: int):
    import datetime as dt

    import polars as pl

    i = pl.int_range(0, n, eager=True).alias("row")
    w = pl.DataFrame({"row": i}).with_columns(
        pl.format("W{}", pl.col("row")).alias("worker_id"),
        pl.lit("2026-06").alias("month"),
        pl.lit(dt.date(2026, 7, 10)).alias("pay_date"),
        (pl.lit(dt.date(1960, 1, 1)) + pl.duration(days=(pl.col("row") * 7919) % 15000)).alias("birth_date"),
        (pl.lit(dt.date(2015, 1, 1)) + pl.duration(days=(pl.col("row") * 104729) % 4000)).alias("hire_date"),
        pl.when(pl.col("row") % 3 == 0).then(pl.lit("public_service")).otherwise(pl.lit("fixed_term")).alias("employment"),
        pl.when(pl.col("row") % 17 == 0).then(pl.lit("daily")).otherwise(pl.lit("regular")).alias("income_type"),
        (pl.col("row") % 5 + 1).alias("family"),
        ((pl.col("row") % 5) // 2).alias("children_8_20"),
        pl.when(pl.col("row") % 11 == 0).then(1).otherwise(None).cast(pl.Int64).alias("children_under_6"),
        pl.when(pl.col("row") % 13 == 0).then(80).when(pl.col("row") % 13 == 1).then(120).otherwise(100).alias("withholding_ratio"),
        pl.when(pl.col("row") % 7 == 0).then(104 * 60).otherwise(209 * 60).alias("monthly_minutes"),
        pl.lit(None, dtype=pl.Int64).alias("weekly_minutes"),
        pl.lit(None, dtype=pl.Int64).alias("insurance_base"),
        pl.when(pl.col("row") % 17 == 0).then(pl.col("row") % 20 + 1).otherwise(None).cast(pl.Int64).alias("work_days"),
        pl.lit(None, dtype=pl.List(pl.Int64)).alias("daily_wages"),
    )
    base = pl.DataFrame({"row": i}).with_columns(
        pl.lit("base_pay").alias("code"), (1_000_000 + (pl.col("row") * 7_777) % 4_000_000).alias("amount")
    )
    meal = pl.DataFrame({"row": i}).with_columns(pl.lit("meal").alias("code"), pl.lit(200_000).alias("amount"))
    overtime = base.filter(pl.col("row") % 4 == 0).with_columns(pl.lit("overtime_pay").alias("code"), (pl.col("row") % 300_000).alias("amount"))
    childcare = w.filter(pl.col("children_under_6").is_not_null()).select("row").with_columns(pl.lit("childcare_allowance").alias("code"), pl.lit(200_000).alias("amount"))
    parts = [p.with_columns(pl.col("amount").cast(pl.Int64)) for p in (base, meal, overtime, childcare)]
    items = pl.concat(parts)
    return w, items


def one(n: int, rounds: int) -> dict:
    import statistics

    from payroll.engine.pipeline import compute, default_context
    from payroll.engine.wages import item_labels
    from payroll.runs.results import Encoder, results_sha256

    ctx = default_context()
    w, items = frames(n)
    labelled = items.select("row", "code", "amount")

    def whole_path():
        out = compute(w, labelled, ctx)
        its = labelled.with_columns(item_labels(ctx.catalogue).alias("label"), pl.lit(None, dtype=pl.Utf8).alias("method"),
                                    pl.lit(None, dtype=pl.Int64).alias("minutes")).select("row", "code", "label", "amount", "method", "minutes")
        encoder = Encoder(out, its, ctx.law)
        size = 0

        def slices():
            nonlocal size
            for texts in encoder.slices():
                size += int(texts.str.len_bytes().sum())
                yield texts

        digest = results_sha256(encoder.dictionary.as_json(), slices())
        return out, digest, size, encoder.dictionary

    import polars as pl

    small = w.head(100), labelled.filter(pl.col("row") < 100)
    compute(*small, ctx)  # warm the rule and table caches
    bare_times, whole_times, bare_cpu, whole_cpu = [], [], [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        out = compute(w, labelled, ctx)
        bare_times.append(time.perf_counter() - t0)  # float ok: a duration, not money
        bare_cpu.append(time.process_time() - c0)  # float ok
        assert out.height == n and out.get_column("net_pay").null_count() == 0
        del out
        t0, c0 = time.perf_counter(), time.process_time()
        out, digest, size, dictionary = whole_path()
        whole_times.append(time.perf_counter() - t0)  # float ok: a duration
        whole_cpu.append(time.process_time() - c0)  # float ok
        net_total = int(out.get_column("net_pay").sum())
        del out
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    bare, whole = statistics.median(bare_times), statistics.median(whole_times)
    return {"worker_months": n, "rounds": rounds, "bare_s": round(bare, 3), "whole_s": round(whole, 3), "ratio": round(whole / bare, 2),
            "bare_cpu_s": round(statistics.median(bare_cpu), 3), "whole_cpu_s": round(statistics.median(whole_cpu), 3),
            "stored_bytes_per_worker": round(size / n), "dictionary_bytes": len(dictionary.as_json().encode()),
            "peak_rss_mib": round(rss / 2**20, 1), "net_pay_total": net_total, "results_sha256": digest[:16],
            "load_avg_1min": round(os.getloadavg()[0], 2)}  # float ok: the machine's load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=3, help="bare pass and whole path, alternating, this many times each (medians)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rounds)))
        return
    rows = []
    if not args.json:
        print(f"load average {os.getloadavg()[0]:.2f} (2 cores); medians of {args.rounds} alternating rounds", flush=True)
    for n in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--one", str(n), "--rounds", str(args.rounds)], capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if not args.json:
            r = rows[-1]
            print(f"{r['worker_months']:>10,} worker-months  whole path {r['whole_s']:>7.3f} s (CPU {r['whole_cpu_s']:.2f} s)  "
                  f"bare pass {r['bare_s']:>7.3f} s (CPU {r['bare_cpu_s']:.2f} s)  "
                  f"ratio {r['ratio']:>5.2f} (≤ 5)  stored {r['stored_bytes_per_worker']:,} B/worker  peak RSS {r['peak_rss_mib']:>8.1f} MiB  "
                  f"load {r['load_avg_1min']}", flush=True)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
