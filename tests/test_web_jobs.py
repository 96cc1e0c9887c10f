"""Long work in the console: each job works in a process of its own at a lower CPU priority, its
progress is kept in the store, so its page can be left and found again (the month's page lists
it), and a job whose process ended is shown as interrupted or failed, never as running."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from payroll.web.job_process import JOB_NICENESS
from payroll.web.jobs import Jobs
from test_web_fixtures import FrozenClock, make_store


def _wait_for(path: Path, limit: float = 120) -> str:  # float ok: seconds
    deadline = time.monotonic() + limit
    while not (path.exists() and path.read_text()):  # created, then written: wait for its text
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path.read_text()


# The jobs' bodies: module-level, as the console's are, since the job's process imports them by name.

def gated_work(store, report, gate: str) -> dict:
    report("payslips", 3, 40)
    Path(gate + ".reached").write_text(str(os.getpid()))
    _wait_for(Path(gate))
    report("payslips", 40, 40)
    return {"run_id": "2026-06-0000abcd", "workers": 40, "pid": os.getpid(), "nice": os.nice(0)}


def failing_work(store, report) -> None:
    from payroll.case import InputError

    report("inputs", 0, 0)
    raise InputError("roster.csv 3행 worker_id: 비어 있습니다 (주민등록번호 900101-1234568)")


def broken_work(store, report) -> None:
    raise ZeroDivisionError("a bug")


def refused_work(store, report) -> None:
    import datetime as dt

    from payroll.runs.prechecks import Finding, RunRefused

    finding = Finding("attendance", "missing_out", "퇴근 기록 없음", "출근 08:50만 있음", "T00035", "안은훈", "총무과", dt.date(2026, 6, 9), "a.csv:104")
    raise RunRefused("2026-06", [finding])


def test_a_job_works_in_another_process_at_lower_priority_and_its_progress_survives_leaving_the_page(tmp_path):
    store = make_store(tmp_path)
    clock = FrozenClock()
    jobs = Jobs(store, clock)
    gate = tmp_path / "gate"
    job = jobs.start("run", "2026-06", "clerk", gated_work, str(gate))
    child_pid = int(_wait_for(Path(f"{gate}.reached")))
    assert child_pid != os.getpid() and jobs.process_of(job.id) == child_pid
    deadline = time.monotonic() + 30
    while jobs.get(job.id).done != 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    seen = Jobs(store, clock).get(job.id)  # another console on the same store (its process does not run the job)
    assert seen.state == "interrupted"
    now = jobs.get(job.id)
    assert now.state == "running" and (now.stage, now.done, now.total, now.percent) == ("payslips", 3, 40, 7) and now.stage_label == "임금명세서 작성"
    assert [j.id for j in jobs.of_target("2026-06")] == [job.id]
    gate.write_text("go")
    done = jobs.wait(job.id)
    assert done.state == "done" and done.done == 40 and done.finished is not None
    assert {k: done.result[k] for k in ("run_id", "workers")} == {"run_id": "2026-06-0000abcd", "workers": 40}
    assert done.result["pid"] == child_pid and done.result["nice"] == min(19, os.nice(0) + JOB_NICENESS)
    assert Jobs(store, clock).get(job.id).result["workers"] == 40  # a console started later finds it as it was
    store.dispose()


def test_a_failing_job_shows_its_message_masked_and_a_bug_only_a_plain_line(tmp_path):
    store = make_store(tmp_path)
    jobs = Jobs(store, FrozenClock())
    failed = jobs.wait(jobs.start("import", "2026-06", "clerk", failing_work).id)
    assert failed.state == "failed" and failed.error.startswith("roster.csv 3행 worker_id: 비어 있습니다")
    assert "1234568" not in failed.error  # the RRN masked, as everywhere else
    broken = jobs.wait(jobs.start("import", "2026-06", "clerk", broken_work).id)
    assert broken.state == "failed" and broken.error == "처리 중 오류가 발생했습니다. 관리자에게 문의하세요."
    store.dispose()


def test_a_killed_job_process_is_shown_failed_and_frees_its_month(tmp_path):
    store = make_store(tmp_path)
    jobs = Jobs(store, FrozenClock())
    gate = tmp_path / "gate"
    job = jobs.start("run", "2026-06", "clerk", gated_work, str(gate))
    os.kill(int(_wait_for(Path(f"{gate}.reached"))), signal.SIGKILL)
    view = jobs.wait(job.id)
    deadline = time.monotonic() + 30
    while view.state == "interrupted" or jobs.process_of(job.id) is not None:  # the watcher records the end
        assert time.monotonic() < deadline
        time.sleep(0.05)
        view = jobs.get(job.id)
    assert view.state == "failed" and "SIGKILL" in view.error and "다시 시작" in view.error
    again = jobs.wait(jobs.start("run", "2026-06", "clerk", refused_work).id)  # the month is free again
    assert again.state == "refused"
    store.dispose()


def test_a_job_left_running_by_an_ended_process_is_marked_interrupted(tmp_path):
    store = make_store(tmp_path)
    gate = tmp_path / "gate"
    first = Jobs(store, FrozenClock())
    job = first.start("import", "2026-06", "clerk", gated_work, str(gate))
    second = Jobs(store, FrozenClock())  # the console restarted while the job was running
    assert second.interrupt_stale() == 1
    view = second.get(job.id)
    assert view.state == "interrupted" and "다시 시작" in view.error
    second.start_thread("import", "2026-06", "clerk", lambda report: {"files": []})  # the month is free again
    gate.write_text("go")
    first.wait(job.id)
    store.dispose()


def test_a_refused_run_keeps_its_findings_for_the_page(tmp_path):
    store = make_store(tmp_path)
    jobs = Jobs(store, FrozenClock())
    view = jobs.wait(jobs.start("run", "2026-06", "clerk", refused_work).id)
    assert view.state == "refused" and view.error.startswith("2026-06: 계산하지 않았습니다")
    assert view.result["findings"][0]["worker_id"] == "T00035" and view.result["findings"][0]["date"] == "2026-06-09"
    store.dispose()


def test_a_thread_job_reports_the_same_way(tmp_path):
    store = make_store(tmp_path)
    jobs = Jobs(store, FrozenClock())
    gate = threading.Event()

    def work(report):
        report("documents", 1, 2)
        gate.wait(30)
        return {"sent": 2}

    job = jobs.start_thread("mail", "2026-06", "approver", work)
    assert jobs.process_of(job.id) is None
    gate.set()
    assert jobs.wait(job.id).result == {"sent": 2}
    store.dispose()
