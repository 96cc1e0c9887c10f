"""The HR console with a 1,165-worker month and 12 stored months: p50/p95 of each page.

    python benchmarks/console.py [--months 12] [--requests 40] [--keep DIR] [--json]

1. Set-up (not timed): for each of the ``--months`` months up to 2026-12 the project's
   generator (``samples.generate``, 1,165 workers, five exports) writes the month and ``payroll
   run`` records it (in a database of its own, since the generator makes each month's roster
   apart; the run record is then copied into the console's SQLite database); the console's inputs
   folder gets every month's exports (DIR/MONTH/attendance) and the latest roster, contracts and
   employer.
2. ``payroll serve`` on that database, in its own process (uvicorn, as an office runs it).
3. Logged in as the auditor (who may see every page), each page is requested ``--requests`` times
   in turn; the first request of each page after the server started is reported apart (it reads
   the month's files and checks the attendance once — later views read the kept check).
4. While one slow request (the ZIP of the month's 1,165 payslips) is served, fast pages are asked
   for again: their times show that a fast request does not wait for a slow one.

Prints p50 and p95 per page and the load average. Target (issue 20): every page under 200 ms p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")
PASSWORD = "bench-auditor-pass-1234"
#: the record's tables, copied from the latest month's database (its run imported the roster files)
RECORD_TABLES = ("record_workers", "record_worker_versions", "record_contracts", "record_contract_terms", "record_resignations", "record_opening_pay",
                 "record_opening_wages", "record_opening_leave")
#: the last month the generator and the rules in this repository cover (2026, paid in the month)
LAST_MONTH = "2026-12"


def months_up_to(last: str, count: int) -> list[str]:
    y, m = (int(x) for x in last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def pay_date(month: str) -> dt.date:
    """Paid on the 25th of the month itself (the rules in this repository run to 2026-12-31)."""
    y, m = (int(x) for x in month.split("-"))
    return dt.date(y, m, 25)


def stage(generated: Path, target: Path, month: str, common: bool) -> None:
    """Lay a generated month out as `payroll run` reads it (docs/runs.md). Without ``common`` (an
    earlier month in the console's folder, checked against the latest roster) the exports alone:
    that month's corrections name contracts of its own roster."""
    (target / month / "attendance").mkdir(parents=True, exist_ok=True)
    for name in EXPORTS:
        shutil.copyfile(generated / name, target / month / "attendance" / name)
    for name in ("corrections.csv", "leave.csv", "overtime.csv", "decisions.csv") if common else ():
        shutil.copyfile(generated / name, target / month / name)
    (target / month / "run.toml").write_text(f"pay_date = {pay_date(month).isoformat()}\n", encoding="utf-8")
    if common:
        for name in ("roster.csv", "contracts.csv", "ytd.csv", "wages.csv"):
            shutil.copyfile(generated / name, target / name)
        (target / "employer.toml").write_text(  # every field a run needs (payroll/employer.py); paid in the month itself
            'name = "○○구청 (벤치마크)"\nbusiness_number = "305-83-00005"\nrepresentative = "○○구청장"\naddress = "서울특별시 ○○구"\n'
            'pay_day = 25\npay_month = "same"\n', encoding="utf-8")


def set_up(data: Path, months: list[str]) -> dict:
    """Each month generated and run on its own (the generator makes each month's roster apart, so the
    months do not chain), then its run record copied into the console's database."""
    import sqlite3

    from samples.generate import write_set

    from payroll.runs.batch import execute_run
    from payroll.store import open_store
    from payroll.record.users import add_user

    main_db = data / "payroll.db"
    open_store(str(main_db)).dispose()  # the schema
    console_inputs = data / "inputs"
    runs = {}
    for month in months:
        generated = data / "generated" / month
        write_set(generated, month, small=False)
        month_inputs = data / "month-inputs" / month
        stage(generated, month_inputs, month, common=True)  # the run's own folder: everything of its month
        month_db = data / "month-db" / f"{month}.db"
        month_db.parent.mkdir(parents=True, exist_ok=True)
        store = open_store(str(month_db))
        summary = execute_run(store, month, inputs_dir=month_inputs, out_root=data / "runs", actor="bench")
        store.dispose()
        db = sqlite3.connect(main_db)
        db.execute("ATTACH DATABASE ? AS m", (str(month_db),))
        db.execute("INSERT OR IGNORE INTO input_blobs SELECT * FROM m.input_blobs")
        db.execute("INSERT INTO runs SELECT * FROM m.runs")
        db.execute("INSERT INTO run_dictionaries SELECT * FROM m.run_dictionaries")
        columns = ", ".join(r[1] for r in db.execute("PRAGMA m.table_info(worker_results)") if r[1] != "id")
        db.execute(f"INSERT INTO worker_results ({columns}) SELECT {columns} FROM m.worker_results ORDER BY id")
        db.execute("INSERT INTO audit_log (at, actor, action, target, detail) SELECT at, actor, action, target, detail FROM m.audit_log")
        if month == months[-1]:  # the record (people, contracts) the console shows: the latest month's roster
            for table in RECORD_TABLES:
                db.execute(f"INSERT INTO {table} SELECT * FROM m.{table}")
        db.commit()
        db.close()
        runs[month] = summary
        stage(generated, console_inputs, month, common=(month == months[-1]))
        print(f"  set-up: {month} run {summary['run_id']} ({summary['workers']:,} workers)", file=sys.stderr, flush=True)
    store = open_store(str(main_db))
    with store.session() as s:
        add_user(s, "bench-auditor", "auditor", PASSWORD, actor="bench")
    store.dispose()
    return runs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PAYROLL_DB": ""}
    proc = subprocess.Popen([sys.executable, "-m", "payroll", "serve", "--db", str(data / "payroll.db"), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=data)
    import httpx

    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the console did not start")


def login(base: str):
    import re

    import httpx

    client = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"name": "bench-auditor", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.status_code
    return client


def timed(client, path: str) -> float:  # float ok: seconds
    t0 = time.perf_counter()
    r = client.get(path)
    elapsed = time.perf_counter() - t0
    if r.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {r.status_code}")
    return elapsed


def pct(values: list[float], q: float) -> float:  # float ok: seconds
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--keep", type=Path, help="build the data here and keep it (reused when it is there)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    months = months_up_to(LAST_MONTH, args.months)
    tmp = None
    if args.keep:
        data = args.keep
        data.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="payroll-console-bench-")
        data = Path(tmp.name)
    state = data / "bench.json"
    if state.is_file():
        runs = json.loads(state.read_text())
    else:
        runs = set_up(data, months)
        state.write_text(json.dumps(runs, ensure_ascii=False, default=str))
    latest = runs[months[-1]]
    worker = _a_worker(data, latest["run_id"])
    pages = {
        "/months": "/months",
        "month page": f"/months/{months[-1]}",
        "exceptions (filtered)": f"/months/{months[-1]}/exceptions?code=missing_out",
        "oldest month page": f"/months/{months[0]}",
        "run page (1,165 workers)": f"/runs/{latest['run_id']}",
        "a worker in a run": f"/runs/{latest['run_id']}/workers/{worker}",
        "a payslip PDF": f"/runs/{latest['run_id']}/payslips/{worker}.pdf",
        "workers": "/workers",
        "audit log": "/audit",
    }
    port = free_port()
    proc = serve(data, port)
    try:
        client = login(f"http://127.0.0.1:{port}")
        first = {name: timed(client, path) for name, path in pages.items()}
        times: dict[str, list[float]] = {name: [] for name in pages}  # float ok: seconds
        for _ in range(args.requests):
            for name, path in pages.items():
                times[name].append(timed(client, path))
        # fast pages while a slow request is being served
        slow_client = login(f"http://127.0.0.1:{port}")
        during: list[float] = []  # float ok
        slow_done = threading.Event()
        slow_time: list[float] = []  # float ok

        def slow() -> None:
            slow_time.append(timed(slow_client, f"/runs/{latest['run_id']}/payslips.zip"))
            slow_done.set()

        thread = threading.Thread(target=slow)
        thread.start()
        while not slow_done.is_set():
            during.append(timed(client, pages["a worker in a run"]))
        thread.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()
    ms = lambda s: round(s * 1000, 1)  # noqa: E731
    result = {
        "months": len(months), "workers": latest["workers"], "requests": args.requests, "load_avg_1min": round(os.getloadavg()[0], 2),  # float ok
        "pages": {name: {"p50_ms": ms(statistics.median(t)), "p95_ms": ms(pct(t, 0.95)), "first_ms": ms(first[name])} for name, t in times.items()},
        "during_slow": {"slow_ms": ms(slow_time[0]), "fast_requests": len(during), "fast_p50_ms": ms(statistics.median(during)) if during else None,
                        "fast_max_ms": ms(max(during)) if during else None},
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"console, {result['workers']:,} workers a month, {len(months)} stored months, {args.requests} requests a page; load average {result['load_avg_1min']}")
    print(f"  {'page':<28}{'p50':>9}{'p95':>9}{'first view':>12}")
    for name, r in result["pages"].items():
        print(f"  {name:<28}{r['p50_ms']:>7} ms{r['p95_ms']:>7} ms{r['first_ms']:>10} ms")
    d = result["during_slow"]
    print(f"  while the 1,165-payslip ZIP was served ({d['slow_ms']} ms): {d['fast_requests']} worker pages, p50 {d['fast_p50_ms']} ms, max {d['fast_max_ms']} ms")


def _a_worker(data: Path, run_id: str) -> str:
    import sqlite3

    db = sqlite3.connect(data / "payroll.db")
    try:
        return db.execute("select worker_id from worker_results where run_id = ? order by row limit 1 offset 100", (run_id,)).fetchone()[0]
    finally:
        db.close()


if __name__ == "__main__":
    main()
