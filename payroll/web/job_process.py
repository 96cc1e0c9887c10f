"""A console job's own process: the heavy work of a run, a replay, an import or a document batch
away from the server's process, at a lower CPU priority.

In the server's process a run's compute held the interpreter lock and its payslip processes took
every core, so the pages slowed 1.5–10× while it worked (``benchmarks/console_during_run.py``).
Here the job runs in a child forked from the project's forkserver
(:func:`payroll.security.sandbox.process_context`, so no request thread or database connection is
copied), which first

- dies with the server (:func:`payroll.security.sandbox.die_with_parent`): a killed console leaves
  no job working on; the run's own order (record, then publish) and month lock make that kill
  leave either nothing or a recorded run the next start puts in place;
- takes the server's ``PAYROLL_*`` settings and installation, then lowers its CPU priority by
  :data:`JOB_NICENESS` — inherited by the payslip processes it starts (their forkserver is its own
  child), so the pages get the cores first and the run takes what is left;
- opens the store by its URL and reports its stage, done and total, then its end (result, refusal
  with findings, or the failure's one-line Korean message), into its ``console_job`` row: the
  job's page reads that row, as before.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from typing import Any, Callable

from sqlmodel import Session

from payroll.case import InputError
from payroll.law import RuleError
from payroll.record.audit import mask_rrn
from payroll.web.models import ConsoleJob

log = logging.getLogger("payroll.web.jobs")

Report = Callable[[str, int, int], None]  # (stage, done, total)
REPORT_EVERY = 0.3  # float ok: seconds between progress writes (a stage change is always written)
#: added to the server's niceness in a job's process (and so in its payslip processes): on a
#: machine of two cores the pages are served first and the run uses the time they leave
JOB_NICENESS = 10
FAILED = "처리 중 오류가 발생했습니다. 관리자에게 문의하세요."


def update_job(engine, job_id: str, **fields) -> None:
    with Session(engine) as db:
        row = db.get(ConsoleJob, job_id)
        for k, v in fields.items():
            setattr(row, k, v)
        db.add(row)
        db.commit()


def perform(engine, clock: Callable[[], dt.datetime], job_id: str, work: Callable[[Report], Any]) -> None:
    """Call ``work(report)`` and record its progress and its end in the job's row."""
    from payroll.runs.prechecks import RunRefused

    last = {"stage": "start", "at": 0.0}

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        if stage == last["stage"] and now - last["at"] < REPORT_EVERY and done != total:
            return
        last.update(stage=stage, at=now)
        try:
            update_job(engine, job_id, stage=stage, done=done, total=total)
        except Exception:  # noqa: BLE001 - progress is best effort; the job goes on
            log.warning("job %s: progress not recorded", job_id, exc_info=True)

    try:
        result = work(report)
        update_job(engine, job_id, state="done", result_json=json.dumps(result, ensure_ascii=False, default=str), finished_at=clock())
    except RunRefused as exc:
        findings = [f.as_dict() for f in exc.findings]
        update_job(engine, job_id, state="refused", result_json=json.dumps({"findings": findings}, ensure_ascii=False),
                   error=mask_rrn(str(exc).splitlines()[0]), finished_at=clock())
    except (InputError, RuleError) as exc:
        update_job(engine, job_id, state="failed", error=mask_rrn(str(exc)), finished_at=clock())
    except Exception as exc:  # shown as one line; the traceback goes to the server log only
        log.error("job %s failed", job_id, exc_info=exc)
        update_job(engine, job_id, state="failed", error=FAILED, finished_at=clock())


def job_process(store_url: str, job_id: str, fn: Callable, args: tuple, clock: Callable[[], dt.datetime], parent_pid: int, settings: tuple) -> None:
    """The child's body: ``fn(store, report, *args)`` on a store of its own (see the module docstring)."""
    from payroll.security.sandbox import die_with_parent, take_settings
    from payroll.store import open_store

    die_with_parent(parent_pid)
    take_settings(*settings)
    os.nice(JOB_NICENESS)
    store = open_store(store_url, migrate_schema=False)  # the server migrated it when it opened it
    try:
        perform(store.engine, clock, job_id, lambda report: fn(store, report, *args))
    finally:
        store.dispose()
