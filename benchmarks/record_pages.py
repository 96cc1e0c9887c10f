"""The worker page and the worker search with a district's record: 1,165 workers and 12 stored months.

    python benchmarks/record_pages.py [--requests 60] [--db URL] [--keep DIR]

Builds a fresh SQLite store (or the PostgreSQL database of ``--db``): the full generated roster and
contracts (``samples.generate``, 1,165 workers) imported through the change sets, and 12 stored
months (2025-07 … 2026-06), each a run with one stored result per worker — the result rows are the
demo's real results (row, items, trace) copied per worker, so a stored month has its real size.
Then it asks the console (FastAPI test client, a logged-in clerk) for worker pages of random
workers and for searches (by name, 사번, 부서, 사업, with and without a status filter), and prints
p50 and p95 of each. Target (issue 18): p95 < 200 ms for both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _months(last: str, n: int) -> list[str]:
    y, m = int(last[:4]), int(last[5:7])
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return sorted(out)


def build(url: str | None, tmp: Path) -> tuple[object, list[str]]:
    from sqlalchemy import insert

    from payroll.record import changes, files
    from payroll.record.models import SINCE_ALWAYS
    from payroll.runs.demo import run_demo
    from payroll.store import open_store
    from payroll.store.db import now
    from payroll.store.models import MonthLock, Run, WorkerResult
    from samples.generate import write_set

    t = time.perf_counter()
    demo = run_demo(tmp / "demo")
    template = open_store(demo["db"])
    with template.session() as s:
        results = [json.loads(r.result_json) for r in s.exec(__import__("sqlmodel").select(WorkerResult)).all()]
    template.dispose()
    write_set(tmp / "full", small=False)
    store = open_store(url or str(tmp / "bench.db"))
    with store.session() as s:
        workers = files.read_roster_file(tmp / "full" / "roster.csv")
        changes.apply(s, changes.roster_changes(s, workers, SINCE_ALWAYS, "roster.csv"), "bench", "benchmark")
        contracts = files.read_contracts_file(tmp / "full" / "contracts.csv")
        changes.apply(s, changes.contract_changes(s, contracts, SINCE_ALWAYS, "contracts.csv"), "bench", "benchmark")
    ids = sorted(w.worker_id for w in workers)
    print(f"record: {len(ids):,} workers, {len(contracts):,} contracts imported ({time.perf_counter() - t:.1f} s with the demo)")
    t = time.perf_counter()
    months = _months("2026-06", 12)
    for k, month in enumerate(months):
        run_id = f"{month}-bench{k:03d}"
        rows = []
        for i, wid in enumerate(ids):
            r = json.loads(json.dumps(results[i % len(results)]))
            r["row"].update(worker_id=wid, month=month, row=i)
            rows.append({"run_id": run_id, "row": i, "worker_id": wid, "gross_pay": int(r["row"]["gross_pay"]), "taxable_pay": int(r["row"]["taxable_pay"]),
                         "deductions_total": int(r["row"]["deductions_total"]), "income_tax": int(r["row"]["income_tax"]),
                         "local_income_tax": int(r["row"]["local_income_tax"]), "net_pay": int(r["row"]["net_pay"]), "result_json": json.dumps(r, ensure_ascii=False)})
        manifest = {f"payslips/{wid}.pdf": "0" * 64 for wid in ids}
        with store.session() as s:
            s.add(Run(run_id=run_id, month=month, pay_date=dt.date.fromisoformat(f"{month}-25"), kind="regular", rules_hash="bench", code_version="bench",
                      inputs_manifest="[]", outputs_manifest=json.dumps(manifest), warnings="[]", run_hash="bench", workers=len(ids),
                      gross_pay_total=sum(r["gross_pay"] for r in rows), deductions_total=0, net_pay_total=sum(r["net_pay"] for r in rows),
                      out_dir=str(tmp), created_at=now(), created_by="bench"))
            s.flush()
            s.execute(insert(WorkerResult.__table__), rows)
            if k < 11:
                s.add(MonthLock(month=month, run_id=run_id, closed_at=now(), closed_by="bench"))
    print(f"stored: {len(months)} months × {len(ids):,} results ({time.perf_counter() - t:.1f} s)")
    return store, ids


def measure(client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)  # float ok: milliseconds of a timing
        if r.status_code != 200:
            raise SystemExit(f"{url}: {r.status_code} {r.text[:300]}")
    return times


def report(name: str, times: list[float]) -> None:
    q = statistics.quantiles(times, n=20)
    print(f"{name:<14} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms  p95 {q[18]:7.1f} ms  max {max(times):7.1f} ms  "
          f"{'OK' if q[18] < 200 else 'OVER the 200 ms target'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--db", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--keep", help="build the SQLite store in DIR once and reuse it on the next call (DIR/bench.db)")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    sys.path.insert(0, str(ROOT / "tests"))
    from test_web_fixtures import FrozenClock, login

    from payroll.record.users import add_user
    from payroll.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp:
        if args.keep and (Path(args.keep) / "bench.db").is_file():
            from sqlalchemy import select as core_select

            from payroll.record.models import RecordWorker
            from payroll.store import open_store

            store = open_store(str(Path(args.keep) / "bench.db"))
            with store.session() as s:
                ids = sorted(s.execute(core_select(RecordWorker.worker_id)).scalars())
        else:
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
            store, ids = build(args.db, Path(args.keep) if args.keep else Path(tmp))
        clock = FrozenClock(dt.datetime(2026, 7, 15))
        from sqlmodel import select

        from payroll.record.models import ConsoleUser

        with store.session() as s:
            if s.exec(select(ConsoleUser).where(ConsoleUser.name == "bench-clerk")).first() is None:
                add_user(s, "bench-clerk", "clerk", "bench-pass-1234", clock=clock)
        client = TestClient(create_app(store=store, clock=clock, data_dir=Path(tmp) / "data"), base_url="http://127.0.0.1", follow_redirects=False)
        login(client, "bench-clerk", "bench-pass-1234")
        rng = random.Random(18)
        client.get(f"/workers/{ids[0]}")  # warm the templates and the rules
        client.get("/workers?q=x")
        report("worker page", measure(client, [f"/workers/{rng.choice(ids)}" for _ in range(args.requests)]))
        terms = ["김", "T0", "P001", "청소", "과", "사업", "환경", "민원", "", "9"]
        statuses = ["", "employed", "leaving", "left"]
        report("search", measure(client, [f"/workers/table?q={rng.choice(terms)}&status={rng.choice(statuses)}" for _ in range(args.requests)]))
        report("search page", measure(client, [f"/workers?q={rng.choice(terms)}" for _ in range(max(10, args.requests // 3))]))
        store.dispose()


if __name__ == "__main__":
    main()
