"""Long work (a month's run, a replay) in a background thread, watched by htmx polling.

The job calls the same function the CLI calls (``payroll.runs.batch.execute_run``,
``payroll.runs.audit.replay``); its state lives in memory and its outcome in the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from payroll.case import InputError
from payroll.law import RuleError
from payroll.record.audit import mask_rrn

log = logging.getLogger("payroll.web.jobs")


@dataclass
class Job:
    id: str
    kind: str  # run | correction | replay
    target: str  # month or run id
    actor: str
    started: dt.datetime
    state: str = "running"  # running | done | failed
    finished: dt.datetime | None = None
    result: Any = None
    error: str | None = None
    progress_dir: Path | None = None  # where the run renders its payslips (counted for progress)

    def progress(self) -> int | None:
        """Payslips rendered so far (the run's scratch directory), if known."""
        if self.progress_dir is None or not self.progress_dir.is_dir():
            return None
        return sum(1 for p in self.progress_dir.glob(".partial-*/payslips/*.pdf"))


class Jobs:
    def __init__(self, clock: Callable[[], dt.datetime]):
        self.clock = clock
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, kind: str, target: str, actor: str, fn: Callable[[], Any], progress_dir: Path | None = None) -> Job:
        with self._lock:
            busy = next((j for j in self._jobs.values() if j.target == target and j.state == "running"), None)
            if busy is not None:
                raise InputError(f"{target}: 이미 진행 중인 작업이 있습니다 ({busy.kind}, {busy.actor})")
            job = Job(id=secrets.token_urlsafe(12), kind=kind, target=target, actor=actor, started=self.clock(), progress_dir=progress_dir)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, fn), name=f"payroll-{kind}-{target}", daemon=True).start()
        return job

    def _run(self, job: Job, fn: Callable[[], Any]) -> None:
        try:
            job.result = fn()
            job.state = "done"
        except (InputError, RuleError) as exc:
            job.error = mask_rrn(str(exc))
            job.state = "failed"
        except Exception as exc:  # shown as one line; the traceback goes to the server log only
            log.error("job %s %s failed", job.kind, job.target, exc_info=exc)
            job.error = "처리 중 오류가 발생했습니다. 관리자에게 문의하세요."
            job.state = "failed"
        finally:
            job.finished = self.clock()

    def wait(self, job_id: str, timeout: float = 600) -> Job:  # float ok: layout points or seconds, not money
        """For tests and scripts: block until the job ends."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or job.state != "running":
                return job
            time.sleep(0.05)
        raise TimeoutError(job_id)
