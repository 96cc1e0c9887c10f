"""Long work in the console: its progress is kept in the store, so its page can be left and found again
(the month's page lists it), and a job whose process ended is shown as interrupted, never as running."""

from __future__ import annotations

import threading

from payroll.web.jobs import Jobs
from test_web_fixtures import FrozenClock, make_store


def test_progress_and_result_survive_leaving_the_page_and_a_restart(tmp_path):
    store = make_store(tmp_path)
    clock = FrozenClock()
    jobs = Jobs(store, clock)
    gate, reported = threading.Event(), threading.Event()

    def work(report):
        report("payslips", 3, 40)
        reported.set()
        gate.wait(30)
        report("payslips", 40, 40)
        return {"run_id": "2026-06-0000abcd", "workers": 40}

    job = jobs.start("run", "2026-06", "clerk", work)
    assert reported.wait(30)
    seen = Jobs(store, clock).get(job.id)  # another reader of the same store (the page, after leaving it)
    assert seen.state == "interrupted"  # not this process's thread: a restarted console would show it so
    now = jobs.get(job.id)
    assert now.state == "running" and (now.stage, now.done, now.total, now.percent) == ("payslips", 3, 40, 7) and now.stage_label == "임금명세서 작성"
    assert [j.id for j in jobs.of_target("2026-06")] == [job.id]
    gate.set()
    done = jobs.wait(job.id)
    assert done.state == "done" and done.result == {"run_id": "2026-06-0000abcd", "workers": 40} and done.done == 40
    # a console started later finds the finished job as it was
    assert Jobs(store, clock).get(job.id).result["workers"] == 40
    store.dispose()


def test_a_job_left_running_by_an_ended_process_is_marked_interrupted(tmp_path):
    store = make_store(tmp_path)
    gate = threading.Event()
    first = Jobs(store, FrozenClock())
    job = first.start("import", "2026-06", "clerk", lambda report: gate.wait(30))
    second = Jobs(store, FrozenClock())  # the console restarted while the job was running
    assert second.interrupt_stale() == 1
    view = second.get(job.id)
    assert view.state == "interrupted" and "다시 시작" in view.error
    second.start("import", "2026-06", "clerk", lambda report: {"files": []})  # the month is free again
    gate.set()
    store.dispose()


def test_a_refused_run_keeps_its_findings_for_the_page(tmp_path):
    import datetime as dt

    from payroll.runs.prechecks import Finding, RunRefused

    store = make_store(tmp_path)
    jobs = Jobs(store, FrozenClock())
    finding = Finding("attendance", "missing_out", "퇴근 기록 없음", "출근 08:50만 있음", "T00035", "안은훈", "총무과", dt.date(2026, 6, 9), "a.csv:104")

    def refuse(report):
        raise RunRefused("2026-06", [finding])

    view = jobs.wait(jobs.start("run", "2026-06", "clerk", refuse).id)
    assert view.state == "refused" and view.error.startswith("2026-06: 계산하지 않았습니다")
    assert view.result["findings"][0]["worker_id"] == "T00035" and view.result["findings"][0]["date"] == "2026-06-09"
    store.dispose()
