"""How the whole month grows with the head count: 1,165 and 20,000 workers, the same kind of inputs.

    python benchmarks/growth.py [--sizes 1165,20000] [--rounds 3] [--jobs N] [--json]

For each size, benchmarks/month_inputs.py writes the month (roster, contracts, one daily sheet with
every scheduled day; a seeded generator, not timed) and ``payroll run`` runs it in a fresh process
on a fresh SQLite file, exactly as benchmarks/full_month.py times a month (``--month-only``). The
sizes run in alternation for ``--rounds`` rounds (the first run of a cold machine is not the
small size's alone). Prints, per size, the median wall time and time per worker, the ratio of the
largest size's time per worker to the smallest's (1.0 = linear), the run's main-process peak RSS
(the highest of the rounds) and what it adds per worker, the database's size and the stored result
per worker, and the load average.
Targets (issue 20): linear in time from 1,165 to 20,000; under 20 KiB of main-process memory per
worker (20,000 workers in under 600 MB); stored results under 2 KB a worker.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import month_inputs  # noqa: E402


def run(size: int, tmp: Path, jobs: int) -> dict:
    inputs = month_inputs.write(tmp / f"inputs-{size}", size)
    out = subprocess.run([sys.executable, str(HERE / "full_month.py"), "--month-only", str(inputs), "--out", str(tmp / f"month-{size}"), "--jobs", str(jobs)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1165,20000")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the sizes in alternation (the median time, the highest memory)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()[0]
    runs: dict[int, list[dict]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory(prefix="payroll-growth-") as tmp:
        for k in range(max(1, args.rounds)):
            for size in sizes:
                r = run(size, Path(tmp) / f"round-{k}", args.jobs)
                r["load_avg_1min"] = os.getloadavg()[0]  # float ok: the machine's load
                runs[size].append(r)
                if not args.json:
                    print(f"  round {k + 1}: {r['workers']:>7,} workers  {r['total_s']:>8.2f} s  main peak RSS {r['main_peak_rss_mib']:>5.0f} MiB"
                          f"  (load {r['load_avg_1min']:.2f})", flush=True)
    rows = []
    for size in sizes:
        rs = runs[size]
        median = sorted(rs, key=lambda r: r["total_s"])[len(rs) // 2]
        rows.append({
            "workers": median["workers"], "total_s": round(median["total_s"], 2), "ms_per_worker": round(median["total_s"] * 1000 / median["workers"], 2),
            "seconds_each_round": [round(r["total_s"], 2) for r in rs],
            "phases_s": {k: round(v, 2) for k, v in median["phases_s"].items()}, "main_peak_rss_mib": round(max(r["main_peak_rss_mib"] for r in rs)),
            "db_mib": round(median["db_bytes"] / 2**20, 2), "stored_bytes_per_worker": round(median["stored_result_bytes"] / median["workers"]),
            "load_avg_1min": round(max(r["load_avg_1min"] for r in rs), 2),
        })
        if not args.json:
            x = rows[-1]
            print(f"{x['workers']:>7,} workers  median {x['total_s']:>8.2f} s  {x['ms_per_worker']:>6.2f} ms/worker  main peak RSS {x['main_peak_rss_mib']:>5} MiB  "
                  f"database {x['db_mib']:.2f} MiB  stored {x['stored_bytes_per_worker']:,} B/worker  (load up to {x['load_avg_1min']})", flush=True)
    small, large = rows[0], rows[-1]
    summary = {
        "sizes": rows, "load_avg_before": round(load_before, 2),  # float ok
        "time_per_worker_ratio": round(large["ms_per_worker"] / small["ms_per_worker"], 2),
        "rss_kib_per_added_worker": round((large["main_peak_rss_mib"] - small["main_peak_rss_mib"]) * 1024 / max(1, large["workers"] - small["workers"]), 1),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    print(f"time per worker at {large['workers']:,} ÷ at {small['workers']:,}: {summary['time_per_worker_ratio']} (1.0 = linear); "
          f"main-process memory {summary['rss_kib_per_added_worker']} KiB per added worker (target < 20)")
    for row in rows:
        print(f"  {row['workers']:,}: " + ", ".join(f"{k.strip()} {v} s" for k, v in row["phases_s"].items()))


if __name__ == "__main__":
    main()
