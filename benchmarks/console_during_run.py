"""The console's pages while a month's run executes in it: p50 and p95 idle and during the run.

    python benchmarks/console_during_run.py [--workers 1165] [--requests 40]

1. Generates June 2026 for ``--workers`` (``samples.generate``, the district's 1,165 by default; not
   timed), imports the roster and contracts into a fresh SQLite record and lays the month out as
   the console's inputs folder.
2. Opens the console (FastAPI test client, a logged-in clerk), views the month page once (its
   attendance check is then kept by input hash), and asks for the month list, the month page, the
   worker search and a worker page ``--requests`` times each: the idle figures.
3. Starts the month's run from the console (a background job in a process of its own at a lower
   CPU priority: timesheets, compute, payslip PDFs over all cores, the record) and asks for the
   same pages round and round until the job ends: the figures during the run, and how long the
   run took.

The load average (1 minute) is printed before the idle figures and at the end of the run: on a
shared machine it says what else was working.

What to look for (issue 15): the pages during the run keep p95 close to idle — the run works in
its own process at a lower priority (payroll.web.job_process), and no route holds the event loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
MONTH = "2026-06"


def _get(client, url: str) -> float:
    t = time.perf_counter()
    r = client.get(url)
    if r.status_code != 200:
        raise SystemExit(f"{url}: {r.status_code} {r.text[:300]}")
    return (time.perf_counter() - t) * 1000  # float ok: milliseconds of a timing


def _line(name: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=20, method="inclusive") if len(times) > 1 else times * 19
    return f"{name:<20} n={len(times):>4}  p50 {statistics.median(times):8.1f} ms  p95 {q[18]:8.1f} ms  max {max(times):8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1165, help="1165: the generated district; fewer: the small sample set")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from test_web_fixtures import FrozenClock, csrf_from, login

    from payroll.record.users import add_user
    from payroll.runs.demo import import_samples, stage_samples
    from payroll.store import open_store
    from payroll.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp_text:
        tmp = Path(tmp_text)
        if args.workers >= 1165:
            from samples.generate import write_set

            write_set(tmp / "generated", MONTH, small=False)
            source = tmp / "generated"
        else:
            source = ROOT / "samples" / "small"
        inputs = stage_samples(tmp / "inputs", source, record_files=False)
        store = open_store(str(tmp / "bench.db"))
        import_samples(store, tmp / "imports", source)
        clock = FrozenClock(dt.datetime(2026, 7, 10))
        with store.session() as s:
            add_user(s, "bench-clerk", "clerk", "bench-pass-1234", clock=clock)
        app = create_app(store=store, clock=clock, data_dir=tmp / "data", inputs_dir=inputs)
        with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
            login(client, "bench-clerk", "bench-pass-1234")
            with store.session() as s:
                from sqlmodel import select

                from payroll.record.models import RecordWorker

                ids = sorted(s.exec(select(RecordWorker.worker_id)).all())
            rng = random.Random(15)
            t = time.perf_counter()
            client.get(f"/months/{MONTH}")
            print(f"first month page (the attendance check of {len(ids):,} workers): {(time.perf_counter() - t) * 1000:.0f} ms")  # float ok: timing
            pages = {"month list": lambda: "/months", "month page": lambda: f"/months/{MONTH}", "worker search": lambda: "/workers?q=김",
                     "worker page": lambda: f"/workers/{rng.choice(ids)}"}
            print(f"load average before the idle figures: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
            idle = {name: [_get(client, url()) for _ in range(args.requests)] for name, url in pages.items()}
            token = csrf_from(client.get(f"/months/{MONTH}").text)
            t = time.perf_counter()
            r = client.post(f"/months/{MONTH}/run", data={"csrf_token": token, "pay_date": "2026-07-10"})
            if r.status_code != 303:
                raise SystemExit(f"the run did not start: {r.status_code} {r.text[:300]}")
            job = app.state.jobs.get(r.headers["location"].rsplit("/", 1)[-1])
            during: dict[str, list[float]] = {name: [] for name in pages}
            while job.state == "running":
                for name, url in pages.items():
                    during[name].append(_get(client, url()))
                job = app.state.jobs.get(job.id)
            took = time.perf_counter() - t
            load_after = os.getloadavg()[0]
            if job.state != "done":
                raise SystemExit(f"the run failed: {job.error}")
        store.dispose()
    print(f"the run: {len(ids):,} workers, {took:.1f} s (started from the console, a background job); load average at its end {load_after:.2f}")
    for name in pages:
        print(_line(f"{name} idle", idle[name]))
        if during[name]:
            print(_line(f"{name} during", during[name]))


if __name__ == "__main__":
    main()
