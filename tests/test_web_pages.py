"""The console's pages over a real month: uploads, exceptions, corrections, run, payslips, close, replay."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from sqlmodel import select

from payroll.store.models import AuditLog
from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_store, role_clients, upload_file
from test_web_month_data import BROKEN_DAY, MONTH, PAY_DATE, attendance_csv, contracts_csv, employer_toml, roster_csv


@pytest.fixture
def env(tmp_path):
    for store, clients in role_clients(tmp_path, ("clerk", "approver", "auditor")):
        yield store, clients


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One month uploaded, corrected and run, shared by the tests that read its pages and outputs and
    change nothing another of them reads (a run costs seconds; each of those tests made its own)."""
    for store, clients in role_clients(tmp_path_factory.mktemp("ran"), ("clerk", "auditor")):
        clerk = clients["clerk"]
        upload_month(clerk)
        fix_month(clerk)
        job, _ = run_month(clerk)
        yield store, clients, job


def upload(c, kind, name, data, month=MONTH):
    """Send one file; an import is a job: the job's page once it has ended (each file: 읽음 or 거부)."""
    return upload_file(c, month, kind, name, data, c.csrf)


def upload_month(c):
    for kind, name, data in (("roster", "명부.csv", roster_csv()), ("contracts", "계약.csv", contracts_csv()), ("employer", "employer.toml", employer_toml()),
                             ("attendance", "지문인식_6월.csv", attendance_csv())):
        r = upload(c, kind, name, data)
        assert r.status_code == 200, r.text
        assert 'data-ok="yes"' in r.text and "읽음" in r.text, r.text[-2000:]


def fix_month(c, month=MONTH):
    """W002's missing 퇴근 corrected (the 퇴근 alone: the 출근 comes from the day's record)."""
    r = c.post(f"/months/{month}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "", "time_out": "18:00", "reason": "퇴근 타각 누락",
                                                     "csrf_token": c.csrf})
    assert r.status_code == 200 and "정정했습니다" in r.text, r.text[-3000:]


def run_month(c, month=MONTH):
    r = c.post(f"/months/{month}/run", data={"pay_date": PAY_DATE, "csrf_token": c.csrf})
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    job = c.app.state.jobs.wait(job_id)
    page = c.get(f"/jobs/{job_id}")
    return job, page


def test_uploads_are_kept_by_hash_and_bad_files_show_the_importer_message(env, tmp_path):
    store, c = env
    clerk = c["clerk"]
    upload_month(clerk)
    page = clerk.get(f"/months/{MONTH}").text
    assert "지문인식_6월.csv" in page
    stored = list((tmp_path / "data" / "inputs" / MONTH / "attendance").iterdir())
    assert len(stored) == 1 and stored[0].name.endswith(".csv") and "지문" not in stored[0].name  # our name, not the upload's
    r = upload(clerk, "attendance", "../../etc/passwd.csv", b"no,header,that,matches\n1,2,3,4\n")
    assert 'data-ok="no"' in r.text and "passwd.csv" in r.text and "Traceback" not in r.text
    assert not (tmp_path / "etc").exists()
    r = upload(clerk, "attendance", "export.pdf", b"%PDF-1.4")
    assert 'data-ok="no"' in r.text and ".csv, .xlsx, .xls" in r.text
    r = upload(clerk, "corrections", "c.csv", b"worker_id,date,in,out,reason\nW999,2026-06-10,09:00,18:00,x\n")
    assert 'data-ok="no"' in r.text and "사번(worker_id): W999은(는) 명부에 없습니다" in r.text
    with store.session() as s:
        ups = s.exec(select(AuditLog).where(AuditLog.action == "upload")).all()
    assert len(ups) == 4 and all("sha256=" in u.detail for u in ups)


def test_body_size_is_bounded(tmp_path):
    from fastapi.testclient import TestClient

    from payroll.web.app import create_app

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    with TestClient(create_app(store=store, clock=clock, data_dir=tmp_path / "d", max_body_bytes=10_000), base_url="http://127.0.0.1", follow_redirects=False) as c:
        login(c, "clerk", PASSWORDS["clerk"])
        c.csrf = csrf_from(c.get("/months").text)
        r = c.post("/months/2026-06/uploads", data={"kind": "attendance", "csrf_token": c.csrf}, files=[("files", ("big.csv", b"x" * 20_000, "text/csv"))])
        assert r.status_code == 413


def test_exceptions_filter_and_correction(env):
    store, c = env
    clerk = c["clerk"]
    upload_month(clerk)
    page = clerk.get(f"/months/{MONTH}").text
    assert "퇴근 기록 없음" in page and BROKEN_DAY in page
    part = clerk.get(f"/months/{MONTH}/exceptions", params={"code": "missing_out", "worker": "W002"}, headers={"HX-Request": "true"}).text
    assert part.startswith('<div id="exceptions">') and part.count('<tr data-code="missing_out"') == 1
    none = clerk.get(f"/months/{MONTH}/exceptions", params={"worker": "W001", "code": "missing_out"}).text
    assert '<tr data-code="missing_out"' not in none
    assert '<tr data-code="missing_out"' in clerk.get(f"/months/{MONTH}/exceptions", params={"department": "총무과"}).text  # W002's
    assert '<tr data-code="missing_out"' not in clerk.get(f"/months/{MONTH}/exceptions", params={"department": "환경과"}).text
    # the preview shows the day before and after, and saves nothing
    r = clerk.post(f"/months/{MONTH}/corrections/preview", data={"worker_id": "W002", "date": BROKEN_DAY, "time_out": "18:00", "reason": "퇴근 타각 누락",
                                                                 "csrf_token": clerk.csrf}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "정정 후" in r.text and "09:00" in r.text and "18:00" in r.text and "8시간" in r.text, r.text
    assert '<tr data-code="missing_out" data-state="미해결"' in clerk.get(f"/months/{MONTH}").text
    r = clerk.post(f"/months/{MONTH}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "09:00", "time_out": "18:00", "reason": "퇴근 타각 누락", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "정정했습니다" in r.text
    assert 'data-state="정정됨"' in r.text
    r = clerk.post(f"/months/{MONTH}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "9시", "time_out": "18:00", "reason": "x", "csrf_token": clerk.csrf})
    assert r.status_code == 400 and "출근(in): 시각(HH:MM)이 아닙니다: '9시'" in html.unescape(r.text)


def test_run_register_worker_payslips_close_and_replay(env):
    store, c = env
    clerk, approver, auditor = c["clerk"], c["approver"], c["auditor"]
    upload_month(clerk)
    fix_month(clerk)
    job, page = run_month(clerk)
    assert job.state == "done", job.error
    run_id = job.result["run_id"]
    assert "완료: 3명" in page.text
    months = clerk.get("/months").text
    assert MONTH in months and f"{job.result['net_pay_total']:,}" in months
    run = clerk.get(f"/runs/{run_id}").text
    assert "총무과" in run and "환경과" in run and f"{job.result['gross_pay_total']:,}" in run
    w = clerk.get(f"/runs/{run_id}/workers/W001").text
    assert "계산방법" in w and "근거 조문" in w and "국민연금법" in w
    pdf = clerk.get(f"/runs/{run_id}/payslips/W001.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "inline" in pdf.headers["content-disposition"]
    dl = clerk.get(f"/runs/{run_id}/payslips/W001.pdf", params={"download": 1})
    assert dl.headers["content-disposition"] == f'attachment; filename="payslip-{MONTH}-W001.pdf"'
    assert clerk.get(f"/runs/{run_id}/payslips/..%2F..%2Fregister.pdf").status_code == 404
    z = clerk.get(f"/runs/{run_id}/payslips.zip")
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert names == [f"payslip-{MONTH}-W00{i}.pdf" for i in (1, 2, 3)]
    assert clerk.get(f"/runs/{run_id}/payslips.zip").content == z.content  # same run, same bytes

    # the clerk cannot close; the approver closes; the clerk's re-run is refused
    assert clerk.post(f"/months/{MONTH}/close", data={"csrf_token": clerk.csrf, "confirm": "yes"}).status_code == 403
    assert clerk.get(f"/months/{MONTH}/close").status_code == 403
    confirm = approver.get(f"/months/{MONTH}/close").text
    assert run_id in confirm and "지급 보류 0명" in confirm and 'name="confirm"' in confirm
    r = approver.post(f"/months/{MONTH}/close", data={"csrf_token": approver.csrf, "run_id": run_id})
    assert r.status_code == 400 and "확인했다고 표시하세요" in r.text  # no explicit confirmation: not closed
    r = approver.post(f"/months/{MONTH}/close", data={"csrf_token": approver.csrf, "run_id": run_id, "confirm": "yes"})
    assert r.status_code == 200 and "마감했습니다" in r.text
    r = clerk.post(f"/months/{MONTH}/run", data={"pay_date": PAY_DATE, "csrf_token": clerk.csrf})
    assert r.status_code == 400 and "마감되었습니다" in r.text

    # the auditor cannot run, but replays: identical
    assert auditor.post(f"/months/{MONTH}/run", data={"pay_date": PAY_DATE, "csrf_token": auditor.csrf}).status_code == 403
    r = auditor.post(f"/runs/{run_id}/replay", data={"csrf_token": auditor.csrf})
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    rep = auditor.app.state.jobs.wait(job_id)
    assert rep.state == "done" and rep.result["identical"], rep.result
    assert "동일함" in auditor.get(f"/jobs/{job_id}").text
    d = auditor.get("/diff", params={"a": run_id, "b": run_id}).text
    assert "동일함" in d

    log = auditor.get("/audit").text
    for action in ("login", "upload", "run.regular", "month.close", "payslip_download", "payslip_zip", "run.replay"):
        assert f"<code>{action}</code>" in log, action

    # the approver approves a correction run of the closed month
    r = approver.post(f"/months/{MONTH}/correction", data={"csrf_token": approver.csrf})
    assert r.status_code == 303
    corr = approver.app.state.jobs.wait(r.headers["location"].rsplit("/", 1)[-1])
    assert corr.state == "done", corr.error
    assert corr.result["kind"] == "correction"
    assert "정정" in clerk.get("/months").text


def test_no_full_resident_number_on_pages(ran):
    store, c, job = ran
    clerk = c["clerk"]
    texts = [clerk.get(u).text for u in ("/months", f"/months/{MONTH}", f"/runs/{job.result['run_id']}", f"/runs/{job.result['run_id']}/workers/W001")]
    for t in texts:
        assert not re.search(r"(?<![\w-])\d{6}-?[1-8]\d{6}(?![\w-])", t)  # not inside a random token


def test_run_outputs_filings_and_documents_welfare_leave_pages(ran):
    store, c, job = ran
    clerk, auditor = c["clerk"], c["auditor"]
    run_id = job.result["run_id"]
    run = clerk.get(f"/runs/{run_id}").text
    assert "filings/withholding.csv" in run and "근로소득 간이세액 (A01)" in run and 'id="filings-insurance"' in run
    f = clerk.get(f"/runs/{run_id}/file", params={"name": "filings/withholding.csv"})
    assert f.status_code == 200 and f.headers["content-disposition"] == f'attachment; filename="{MONTH}-filings-withholding.csv"'
    assert clerk.get(f"/runs/{run_id}/file", params={"name": "../../../etc/passwd"}).status_code == 404
    assert clerk.get(f"/runs/{run_id}/file", params={"name": "/etc/passwd"}).status_code == 404

    # workers: contracts (근로계약서), 경력증명서 issue, 연차 ledger
    assert "김민준" in clerk.get("/workers").text
    w = clerk.get("/workers/W001")
    assert w.status_code == 200 and "C001" in w.text and 'id="leave-ledger"' in w.text and "msg error" not in w.text, w.text[:500]
    pdf = clerk.get("/workers/W001/contracts/C001.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert clerk.get("/workers/W001/contracts/C999.pdf").status_code == 404
    r = clerk.post("/workers/W001/career", data={"purpose": "제출용", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.headers["content-disposition"].startswith('attachment; filename="career-W001-')
    assert auditor.post("/workers/W001/career", data={"purpose": "x", "csrf_token": auditor.csrf}).status_code == 403
    assert "career-form" not in auditor.get("/workers/W001").text

    lr = clerk.get(f"/leave/{MONTH}/report.xlsx")
    assert lr.status_code == 200 and lr.content[:2] == b"PK" and lr.headers["content-disposition"] == f'attachment; filename="leave-report-{MONTH}.xlsx"'

    # welfare: fertility budget and waitlist, group insurance
    wf = clerk.get("/welfare", params={"year": 2026})
    assert wf.status_code == 200 and "남은 예산" in wf.text
    r = clerk.post("/welfare/fertility", data={"worker_id": "W002", "treatment_date": "2026-05-20", "cost": "1,500,000", "evidence": "R-1", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "F2026-0001 W002 시술일 2026-05-20: 승인 500,000원" in r.text
    assert "19,500,000원" in clerk.get("/welfare", params={"year": 2026}).text  # the budget left
    r = clerk.post("/welfare/insurance", data={"worker_id": "W002", "plan": "nope", "start": "2026-05-20", "csrf_token": clerk.csrf})
    assert r.status_code == 400 and "제공되지 않습니다" in r.text
    r = clerk.post("/welfare/insurance", data={"worker_id": "W002", "plan": "fixed", "start": "2026-06-01", "csrf_token": clerk.csrf})
    assert r.status_code == 200 and "GI-00001: W002" in r.text, r.text[-2000:]
    r = clerk.post("/welfare/fertility", data={"worker_id": "W002", "treatment_date": "not-a-date", "cost": "1", "csrf_token": clerk.csrf})
    assert r.status_code == 400 and "시술일" in r.text
    with store.session() as s:
        actions = {a.action for a in s.exec(select(AuditLog)).all()}
    assert {"output_download", "document_view", "document_issue"} <= actions


def test_months_at_a_glance_counts_open_exceptions(env):
    store, c = env
    clerk = c["clerk"]
    upload_month(clerk)
    row = re.search(rf'<a href="/months/{MONTH}">{MONTH}</a>.*?</tr>', clerk.get("/months").text, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[-1] == "1"  # W002's missing 퇴근
    clerk.post(f"/months/{MONTH}/corrections", data={"worker_id": "W002", "date": BROKEN_DAY, "time_in": "09:00", "time_out": "18:00", "reason": "누락", "csrf_token": clerk.csrf})
    row = re.search(rf'<a href="/months/{MONTH}">{MONTH}</a>.*?</tr>', clerk.get("/months").text, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[-1] == "0"


def test_payroll_serve_binds_loopback_and_serves_the_login_page(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from payroll.cli import main; main()", "serve", "--port", str(port), "--db", str(tmp_path / "s.db")],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read() if proc.poll() is not None else "serve did not start")
                time.sleep(0.2)
        assert "로그인" in body
        rebound = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"Host": f"evil.example:{port}"})
        try:
            urllib.request.urlopen(rebound, timeout=5)
            raise AssertionError("a foreign Host header was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout if __import__("shutil").which("ss") else f"127.0.0.1:{port}"
        assert f"127.0.0.1:{port}" in listening and f"0.0.0.0:{port}" not in listening
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_resident_number_in_a_bad_file_is_masked_on_the_page_and_in_the_log(env):
    store, c = env
    clerk = c["clerk"]
    upload_month(clerk)
    r = upload(clerk, "corrections", "c.csv", "worker_id,date,in,out,reason\n900101-1234567,2026-06-10,09:00,18:00,x\n".encode())
    assert 'data-ok="no"' in r.text and "900101-1******" in r.text and "1234567" not in r.text
    r = upload(clerk, "leave", "900101-1234567.csv", b"nope\n")
    assert "1234567" not in r.text
    with store.session() as s:
        assert all("1234567" not in (a.target + a.detail) for a in s.exec(select(AuditLog)).all())


def test_a_run_that_cannot_start_shows_the_runs_message_without_server_paths(env, tmp_path):
    store, c = env
    clerk = c["clerk"]
    for kind, name, data in (("roster", "r.csv", roster_csv()), ("contracts", "c.csv", contracts_csv()), ("attendance", "a.csv", attendance_csv())):
        assert upload(clerk, kind, name, data).status_code == 200
    assert 'id="employer-missing"' in clerk.get(f"/months/{MONTH}").text
    fix_month(clerk)
    job, page = run_month(clerk)
    assert job.state == "failed" and "employer.toml: 사업장 설정 파일이 없습니다" in job.error
    assert str(tmp_path) not in page.text and 'id="job-error"' in page.text and "Traceback" not in page.text
