"""Long work in the background: a month's run, a replay, an import of files, a document batch each in
a process of its own at a lower CPU priority (:mod:`payroll.web.job_process`), the payslips' mail
in a thread (it waits on the mail server, not on the processor).

The job calls the same function the CLI calls (``payroll.runs.batch.execute_run``,
``payroll.runs.audit.replay`` …) and reports where it is — a stage, and done of total — into the
store's ``console_job`` table. The job's page reads that row (htmx polls it), so the clerk can leave
the page and come back, from the month's page or the link, and see it going or finished. A job
whose process ended (the console was restarted, or the job's process was killed) is shown as
interrupted or failed, never as still running.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.web.job_process import Report, job_process, perform, update_job
from payroll.web.models import ConsoleJob

log = logging.getLogger("payroll.web.jobs")

KIND_LABELS = {"run": "급여 계산", "correction": "정정 실행", "replay": "재현 검증", "import": "자료 올리기", "documents": "문서 일괄 발급", "mail": "임금명세서 전자우편"}
STAGE_LABELS = {
    "start": "시작", "inputs": "입력 확인", "compute": "근태 확인·계산", "payslips": "임금명세서 작성", "record": "기록",
    "files": "파일 읽기", "check": "근태 확인", "documents": "문서 작성", "replay": "다시 계산·대조",
}
STATE_LABELS = {"running": "진행 중", "done": "완료", "failed": "실패", "refused": "거부됨", "interrupted": "중단됨"}


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    target: str
    actor: str
    state: str
    stage: str
    done: int
    total: int
    started: dt.datetime
    finished: dt.datetime | None
    result: Any
    error: str | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def percent(self) -> int | None:
        return None if not self.total else min(100, self.done * 100 // self.total)

    @property
    def month(self) -> str | None:
        """The month the job belongs to (its target, or the run id's month)."""
        return self.target[:7] if len(self.target) >= 7 and self.target[4] == "-" else None


def _view(row: ConsoleJob) -> JobView:
    result = json.loads(row.result_json) if row.result_json else None
    return JobView(row.id, row.kind, row.target, row.actor, row.state, row.stage, row.done, row.total, row.started_at, row.finished_at, result, row.error)


#: the job processes of this server: ended when it exits (multiprocessing would otherwise wait for them)
_CHILDREN: set = set()


@atexit.register
def _end_children() -> None:
    for child in list(_CHILDREN):
        if child.is_alive():
            child.kill()


class Jobs:
    def __init__(self, store, clock: Callable[[], dt.datetime]):
        self.store = store
        self.clock = clock
        self._lock = threading.Lock()
        self._live: dict[str, Any] = {}  # jobs working for this process: their child process (None: a thread)

    def interrupt_stale(self) -> int:
        """Mark jobs left running by an ended process as interrupted (the console calls it when it starts)."""
        with Session(self.store.engine) as db:
            rows = db.exec(select(ConsoleJob).where(ConsoleJob.state == "running")).all()
            for row in rows:
                if row.id not in self._live:
                    row.state, row.finished_at = "interrupted", self.clock()
                    row.error = "콘솔이 다시 시작되어 작업이 끝나지 못했습니다. 다시 시작하세요."
                    db.add(row)
            db.commit()
            return len(rows)

    def get(self, job_id: str) -> JobView | None:
        with Session(self.store.engine) as db:
            row = db.get(ConsoleJob, job_id)
            if row is None:
                return None
            view = _view(row)
        if view.state == "running" and view.id not in self._live:
            return dataclasses.replace(view, state="interrupted", error="이 작업을 실행하던 콘솔 프로세스가 끝났습니다. 다시 시작하세요.")
        return view

    def process_of(self, job_id: str) -> int | None:
        """The id of the process a running job works in (None: finished, or a thread of this one)."""
        child = self._live.get(job_id)
        return child.pid if child is not None else None

    def of_target(self, prefix: str, limit: int = 5) -> list[JobView]:
        """The latest jobs of a month (their target is the month or one of its run ids), newest first."""
        with Session(self.store.engine) as db:
            rows = db.exec(select(ConsoleJob).where(ConsoleJob.target.startswith(prefix)).order_by(ConsoleJob.started_at.desc(), ConsoleJob.id.desc()).limit(limit)).all()
        return [self.get(r.id) for r in rows]

    def _claim(self, kind: str, target: str, actor: str) -> str:
        """A new running row for ``target``; refused while another job of it works for this process."""
        with Session(self.store.engine) as db:
            busy = db.exec(select(ConsoleJob).where(ConsoleJob.target == target, ConsoleJob.state == "running")).all()
            busy = [b for b in busy if b.id in self._live]
            if busy:
                raise InputError(f"{target}: 이미 진행 중인 작업이 있습니다 ({KIND_LABELS.get(busy[0].kind, busy[0].kind)}, {busy[0].actor})")
            row = ConsoleJob(id=secrets.token_urlsafe(12)[:16], kind=kind, target=target, actor=actor, state="running", stage="start", started_at=self.clock())
            db.add(row)
            db.commit()
            return row.id

    def start(self, kind: str, target: str, actor: str, fn: Callable[..., Any], *args: Any) -> JobView:
        """Start ``fn(store, report, *args)`` in a process of its own (:mod:`payroll.web.job_process`).

        ``fn`` is a module-level function and ``args`` plain values (the child imports the one and
        unpickles the others); the child opens the store by its URL. Refused while another job of
        ``target`` runs.
        """
        from payroll.security.sandbox import caller_settings, process_context

        with self._lock:
            job_id = self._claim(kind, target, actor)
            child = process_context().Process(target=job_process, name=f"payroll-{kind}-{target}"[:60],
                                              args=(self.store.url, job_id, fn, args, self.clock, os.getpid(), caller_settings()))
            try:
                child.start()
            except BaseException:
                update_job(self.store.engine, job_id, state="failed", error="작업 프로세스를 시작하지 못했습니다. 관리자에게 문의하세요.", finished_at=self.clock())
                raise
            self._live[job_id] = child
            _CHILDREN.add(child)
        threading.Thread(target=self._watch, args=(job_id, child), name=f"payroll-watch-{job_id}", daemon=True).start()
        return self.get(job_id)

    def _watch(self, job_id: str, child) -> None:
        """When the job's process ends: a job it left running (killed, out of memory) failed, said so."""
        from payroll.security.sandbox import ending

        child.join()
        try:
            with Session(self.store.engine) as db:
                row = db.get(ConsoleJob, job_id)
                if row is not None and row.state == "running":
                    row.state, row.finished_at = "failed", self.clock()
                    row.error = f"작업 프로세스가 끝까지 마치지 못하고 끝났습니다 ({ending(child.exitcode)}). 기록되지 않은 결과는 남지 않습니다; 다시 시작하세요."
                    db.add(row)
                    db.commit()
        except Exception:  # noqa: BLE001 - the page then shows it interrupted
            log.warning("job %s: its end not recorded", job_id, exc_info=True)
        finally:
            self._live.pop(job_id, None)
            _CHILDREN.discard(child)
            child.close()

    def start_thread(self, kind: str, target: str, actor: str, work: Callable[[Report], Any]) -> JobView:
        """Start ``work(report)`` in a thread of this process: for work that waits rather than computes (mail)."""
        with self._lock:
            job_id = self._claim(kind, target, actor)
            self._live[job_id] = None
        threading.Thread(target=self._in_thread, args=(job_id, work), name=f"payroll-{kind}-{target}", daemon=True).start()
        return self.get(job_id)

    def _in_thread(self, job_id: str, work: Callable[[Report], Any]) -> None:
        try:
            perform(self.store.engine, self.clock, job_id, work)
        finally:
            self._live.pop(job_id, None)

    def wait(self, job_id: str, timeout: float = 600) -> JobView:  # float ok: seconds, not money
        """For tests and scripts: block until the job ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or job.state != "running":
                return job
            time.sleep(0.05)
        raise TimeoutError(job_id)
