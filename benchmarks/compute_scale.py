"""Compute only (no documents): 10k, 100k and 1,000,000 synthetic worker-months.

    python benchmarks/compute_scale.py [--sizes 10000,100000,1000000]

Each size runs in its own process so its peak RSS is its own. The frame is built with polars
(no Python loop per worker): a mix of regular monthly pay, part-timers, daily workers, children,
withholding ratios, meal and childcare allowances, overtime. Prints wall time of
``payroll.engine.pipeline.compute`` (one vectorised pass) and the process's peak RSS.
Targets (issue 4): 1,000,000 in under 10 s and under 4 GB.
"""

from __future__ import annotations

import argparse
import json
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


def one(n: int) -> dict:
    from payroll.engine.pipeline import compute, default_context

    ctx = default_context()
    w, items = frames(n)
    compute(w.head(100), items.filter(items["row"] < 100), ctx)  # warm the rule and table caches
    t0 = time.perf_counter()
    out = compute(w, items, ctx)
    wall = time.perf_counter() - t0  # float ok: a duration, not money
    assert out.height == n and out.get_column("net_pay").null_count() == 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"worker_months": n, "compute_s": round(wall, 3), "peak_rss_mib": round(rss / 2**20, 1), "net_pay_total": int(out.get_column("net_pay").sum())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if not args.json:
            r = rows[-1]
            print(f"{r['worker_months']:>10,} worker-months  compute {r['compute_s']:>7.3f} s  peak RSS {r['peak_rss_mib']:>8.1f} MiB", flush=True)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
