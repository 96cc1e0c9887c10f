"""Start-up time of the command line: `payroll --help` and `payroll tax`, beside the bare interpreter.

    python benchmarks/startup.py [--runs 21] [--json]

Each command runs ``--runs`` times in a fresh process (the console script of this environment),
alternating with the floor — ``python -c pass`` in the same environment (interpreter and site
start-up, which every command pays) — and prints the medians and the load average. Target
(issue 20): both commands under 150 ms; neither imports polars, pydantic or ReportLab
(tests/test_cli_startup.py checks that, without timing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("payroll")
COMMANDS = {
    "payroll --help": [str(SCRIPT), "--help"],
    "payroll tax --wage 3000000 --family 2": [str(SCRIPT), "tax", "--wage", "3000000", "--family", "2", "--date", "2026-04-10"],
    "floor: python -c pass": [sys.executable, "-c", "pass"],
}


def wall(argv: list[str]) -> float:  # float ok: seconds
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}  # float ok: seconds
    for argv in COMMANDS.values():
        wall(argv)  # warm the file cache
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            times[name].append(wall(argv))
    result = {name: round(statistics.median(t) * 1000) for name, t in times.items()}
    result["load_avg_1min"] = round(os.getloadavg()[0], 2)  # float ok: the machine's load
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"medians of {args.runs} runs each (alternating), load average {result['load_avg_1min']}")
    for name in COMMANDS:
        print(f"  {name:<42}{result[name]:>6} ms" + ("" if name.startswith("floor") else "  (target < 150 ms)"))


if __name__ == "__main__":
    main()
