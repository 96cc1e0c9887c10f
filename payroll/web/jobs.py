"""Long work (a month's run, a replay, an import of files, a document batch) in a background thread.

The job calls the same function the CLI calls (``payroll.runs.batch.execute_run``,
``payroll.runs.audit.replay`` …) and reports where it is — a stage, and done of total — into the
store's ``console_job`` table. The job's page reads that row (htmx polls it), so the clerk can leave
the page and come back, from the month's page or the link, and see it going or finished. A job
whose process ended (the console was restarted) is shown as interrupted, never as still running.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.law import RuleError
from payroll.record.audit import mask_rrn
from payroll.web.models import ConsoleJob

log = logging.getLogger("payroll.web.jobs")

Report = Callable[[str, int, int], None]  # (stage, done, total)
KIND_LABELS = {"run": "급여 계산", "correction": "정정 실행", "replay": "재현 검증", "import": "자료 올리기", "documents": "문서 일괄 발급", "mail": "임금명세서 전자우편"}
STAGE_LABELS = {
    "start": "시작", "inputs": "입력 확인", "compute": "근태 확인·계산", "payslips": "임금명세서 작성", "record": "기록",
    "files": "파일 읽기", "check": "근태 확인", "documents": "문서 작성", "replay": "다시 계산·대조",
}
STATE_LABELS = {"running": "진행 중", "done": "완료", "failed": "실패", "refused": "거부됨", "interrupted": "중단됨"}
REPORT_EVERY = 0.3  # seconds between progress writes (a stage change is always written)


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


class Jobs:
    def __init__(self, store, clock: Callable[[], dt.datetime]):
        self.store = store
        self.clock = clock
        self._lock = threading.Lock()
        self._live: set[str] = set()  # jobs with a thread in this process

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

    def of_target(self, prefix: str, limit: int = 5) -> list[JobView]:
        """The latest jobs of a month (their target is the month or one of its run ids), newest first."""
        with Session(self.store.engine) as db:
            rows = db.exec(select(ConsoleJob).where(ConsoleJob.target.startswith(prefix)).order_by(ConsoleJob.started_at.desc(), ConsoleJob.id.desc()).limit(limit)).all()
        return [self.get(r.id) for r in rows]

    def start(self, kind: str, target: str, actor: str, fn: Callable[[Report], Any]) -> JobView:
        """Start ``fn(report)`` in a thread; refused while another job of ``target`` runs."""
        with self._lock:
            with Session(self.store.engine) as db:
                busy = db.exec(select(ConsoleJob).where(ConsoleJob.target == target, ConsoleJob.state == "running")).all()
                busy = [b for b in busy if b.id in self._live]
                if busy:
                    raise InputError(f"{target}: 이미 진행 중인 작업이 있습니다 ({KIND_LABELS.get(busy[0].kind, busy[0].kind)}, {busy[0].actor})")
                row = ConsoleJob(id=secrets.token_urlsafe(12)[:16], kind=kind, target=target, actor=actor, state="running", stage="start", started_at=self.clock())
                db.add(row)
                db.commit()
                job_id = row.id
            self._live.add(job_id)
        threading.Thread(target=self._run, args=(job_id, fn), name=f"payroll-{kind}-{target}", daemon=True).start()
        return self.get(job_id)

    def _update(self, job_id: str, **fields) -> None:
        with Session(self.store.engine) as db:
            row = db.get(ConsoleJob, job_id)
            for k, v in fields.items():
                setattr(row, k, v)
            db.add(row)
            db.commit()

    def _run(self, job_id: str, fn: Callable[[Report], Any]) -> None:
        last = {"stage": "start", "at": 0.0}

        def report(stage: str, done: int = 0, total: int = 0) -> None:
            now = time.monotonic()
            if stage == last["stage"] and now - last["at"] < REPORT_EVERY and done != total:
                return
            last.update(stage=stage, at=now)
            try:
                self._update(job_id, stage=stage, done=done, total=total)
            except Exception:  # noqa: BLE001 - progress is best effort; the job goes on
                log.warning("job %s: progress not recorded", job_id, exc_info=True)

        from payroll.runs.prechecks import RunRefused

        try:
            result = fn(report)
            self._update(job_id, state="done", result_json=json.dumps(result, ensure_ascii=False, default=str), finished_at=self.clock())
        except RunRefused as exc:
            findings = [f.as_dict() for f in exc.findings]
            self._update(job_id, state="refused", result_json=json.dumps({"findings": findings}, ensure_ascii=False),
                         error=mask_rrn(str(exc).splitlines()[0]), finished_at=self.clock())
        except (InputError, RuleError) as exc:
            self._update(job_id, state="failed", error=mask_rrn(str(exc)), finished_at=self.clock())
        except Exception as exc:  # shown as one line; the traceback goes to the server log only
            log.error("job %s failed", job_id, exc_info=exc)
            self._update(job_id, state="failed", error="처리 중 오류가 발생했습니다. 관리자에게 문의하세요.", finished_at=self.clock())
        finally:
            self._live.discard(job_id)

    def wait(self, job_id: str, timeout: float = 600) -> JobView:  # float ok: seconds, not money
        """For tests and scripts: block until the job ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or job.state != "running":
                return job
            time.sleep(0.05)
        raise TimeoutError(job_id)
