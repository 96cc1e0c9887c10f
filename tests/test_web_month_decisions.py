"""The clerk's month in the console without a browser: several exports in one upload, the run refused
while an error is open, a worker held, the run, the held worker on the pages and out of the bank
file, the approver's confirmed close, the employer's settings validated when the console starts."""

from __future__ import annotations

import csv
import io
import re

import pytest

from payroll.case import InputError
from test_web_fixtures import FrozenClock, make_store, role_clients
from test_web_month_data import BROKEN_DAY, MONTH, attendance_csv, contracts_csv, employer_toml, roster_csv


@pytest.fixture
def env(tmp_path):
    for store, clients in role_clients(tmp_path, ("clerk", "approver")):
        yield clients


def _post_files(c, kind, files):
    r = c.post(f"/months/{MONTH}/uploads", data={"kind": kind, "csrf_token": c.csrf}, files=[("files", f) for f in files])
    assert r.status_code == 303, r.text[-1500:]
    job = c.app.state.jobs.wait(r.headers["location"].rsplit("/", 1)[-1])
    assert job.state == "done", job.error
    return job


def _split_attendance() -> tuple[bytes, bytes]:
    """The month's daily sheet as two devices' exports (W001 on one, W002 and W003 on the other)."""
    lines = attendance_csv().decode().splitlines()
    head, body = lines[0], lines[1:]
    one = "\n".join([head] + [r for r in body if r.startswith("W001,")]) + "\n"
    two = "\n".join([head] + [r for r in body if not r.startswith("W001,")]) + "\n"
    return one.encode(), two.encode()


def test_the_clerks_month_held_worker_and_confirmed_close(env):
    clerk, approver = env["clerk"], env["approver"]
    for kind, name, data in (("roster", "명부.csv", roster_csv()), ("contracts", "계약.csv", contracts_csv()), ("employer", "employer.toml", employer_toml())):
        _post_files(clerk, kind, [(name, data, "text/csv")])
    one, two = _split_attendance()
    job = _post_files(clerk, "attendance", [("1층.csv", one, "text/csv"), ("2층.csv", two, "text/csv")])
    files = {f["name"]: f for f in job.result["files"]}
    assert set(files) == {"1층.csv", "2층.csv"} and all(f["ok"] for f in files.values())
    assert files["2층.csv"]["errors"] == 1 and files["1층.csv"]["errors"] == 0 and files["1층.csv"]["profile"] == "generic"
    assert files["1층.csv"]["rows"] + files["2층.csv"]["rows"] == attendance_csv().decode().count("\n") - 1
    page = clerk.get(f"/jobs/{job.id}").text
    assert page.count('data-ok="yes"') == 2 and "미해결" in page

    # refused while W002's missing 퇴근 is open: on the page, before a job starts
    r = clerk.post(f"/months/{MONTH}/run", data={"csrf_token": clerk.csrf})
    assert r.status_code == 409 and "미해결 근태 오류 1건 (근로자 1명)" in r.text
    assert 'id="open-W002"' in r.text and f"?worker=W002&amp;date={BROKEN_DAY}#exceptions" in r.text
    assert "2층.csv" in r.text  # the file as the clerk uploaded it

    # held, with a reason: the run goes, W002 is recorded, not paid
    r = clerk.post(f"/months/{MONTH}/decisions", data={"worker_id": "W002", "decision": "hold", "reason": "", "csrf_token": clerk.csrf})
    assert r.status_code == 400 and "사유" in r.text
    r = clerk.post(f"/months/{MONTH}/decisions", data={"worker_id": "W002", "decision": "hold", "reason": "6월 10일 확인 중", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "W002: 지급 보류 — 6월 10일 확인 중" in r.text and 'id="precheck-clean"' in r.text
    r = clerk.post(f"/months/{MONTH}/run", data={"csrf_token": clerk.csrf})
    assert r.status_code == 303
    job = clerk.app.state.jobs.wait(r.headers["location"].rsplit("/", 1)[-1])
    assert job.state == "done", job.error
    assert job.result["pay_date"] == "2026-07-10"  # the employer's pay day
    assert [h["worker_id"] for h in job.result["held"]] == ["W002"]
    run_id = job.result["run_id"]
    run = clerk.get(f"/runs/{run_id}").text
    assert 'id="run-held"' in run and "보류" in run
    departments = run[run.index('<table id="departments">'):run.index("</tbody>", run.index('<table id="departments">'))]
    assert sum(int(n) for n in re.findall(r'</td><td class="num">(\d+)</td>', departments)) == 2  # the totals are what is paid: W002 left out
    bank = clerk.get(f"/runs/{run_id}/file", params={"name": "bank_transfer.csv"}).content.decode("utf-8-sig")
    assert [r["worker_id"] for r in csv.DictReader(io.StringIO(bank))] == ["W001", "W003"]

    # the approver: what is held, then an explicit confirmation
    page = approver.get(f"/months/{MONTH}/close").text
    assert "지급 보류 1명" in page and "W002" in page and "6월 10일 확인 중" in page
    assert approver.post(f"/months/{MONTH}/close", data={"csrf_token": approver.csrf, "run_id": run_id}).status_code == 400
    r = approver.post(f"/months/{MONTH}/close", data={"csrf_token": approver.csrf, "run_id": run_id, "confirm": "yes"})
    assert r.status_code == 200 and "마감했습니다" in r.text


def test_the_console_refuses_to_start_on_wrong_employer_settings(tmp_path):
    from payroll.web.app import create_app

    store = make_store(tmp_path)
    inputs = tmp_path / "data" / "inputs"
    inputs.mkdir(parents=True)
    (inputs / "employer.toml").write_text('name = "○○구청"\nbusiness_number = "123-45-67890"\nrepresentative = "구청장"\naddress = "서울"\npay_day = 10\n', encoding="utf-8")
    with pytest.raises(InputError, match="사업자등록번호 123-45-67890의 검증 숫자가 맞지 않습니다"):
        create_app(store=store, data_dir=tmp_path / "data", clock=FrozenClock())
    store.dispose()
