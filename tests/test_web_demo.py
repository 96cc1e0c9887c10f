"""The console on `payroll demo`'s folder: the demo users log in to `payroll serve --db DIR/payroll.db`;
a leaver's withholding receipts drawn from the stored runs (and refused when they would differ from
what the run paid); the optional files (ytd.csv, leave_opening.csv …) uploaded in the browser and
read by the pages; IPv6 Host headers."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from pypdf import PdfReader
from sqlmodel import select

from payroll.money import won
from payroll.runs.result_reads import dictionary_of, read_results
from payroll.store.models import AuditLog, Run, WorkerResult
from test_web_fixtures import FrozenClock, csrf_from, login

LEAVER = "T00025"  # the sample month's leaver: renewed contract since 2025-01-01, leaves in 2026-06 (settlement and 퇴직금)
DAILY_LEAVER = "T00011"  # an 일용 worker whose contract ends in 2026-06


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    from payroll.runs.demo import run_demo

    out = tmp_path_factory.mktemp("demo") / "payroll-demo"
    run_demo(out)
    return out


def _demo_users(demo_dir) -> dict[str, str]:
    lines = (demo_dir / "demo-users.txt").read_text(encoding="utf-8").splitlines()
    return {name: password for name, _role, password in (ln.split("\t") for ln in lines if ln and not ln.startswith("#"))}


@pytest.fixture
def demo(demo_dir, tmp_path):
    """A private copy of the demo folder, opened as `payroll serve --db DIR/payroll.db` opens it."""
    from fastapi.testclient import TestClient

    from payroll.web.app import create_app

    here = tmp_path / "demo"
    shutil.copytree(demo_dir, here)
    app = create_app(f"sqlite:///{here / 'payroll.db'}", clock=FrozenClock())
    clients = []

    def client(user: str):
        c = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, follow_redirects=False)
        c.__enter__()
        clients.append(c)
        assert login(c, user, _demo_users(here)[user]).status_code == 303, f"{user} cannot log in"
        c.csrf = csrf_from(c.get("/months").text)
        return c

    yield app, here, client
    for c in clients:
        c.__exit__(None, None, None)
    app.state.store.dispose()


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def _stored(app, worker_id: str) -> tuple[dict, list[dict]]:
    with app.state.store.session() as db:
        run = db.exec(select(Run).where(Run.month == "2026-06")).one()
        doc = read_results(db, run.run_id, worker_id)[0]
    return doc["row"], doc["items"]


def test_payroll_serve_on_the_demo_folder_admits_the_demo_users(demo_dir, tmp_path):
    """`payroll serve --db DIR/payroll.db` as the demo prints it: each demo user logs in over HTTP and
    sees the demo's month; the data folder defaults to the DB's folder, so the run is there."""
    import http.cookiejar
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.parse
    import urllib.request

    here = tmp_path / "demo"
    shutil.copytree(demo_dir, here)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PAYROLL_DB": ""}
    proc = subprocess.Popen([sys.executable, "-m", "payroll", "serve", "--db", str(here / "payroll.db"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90  # a loaded CI machine starts the server slowly; a crash ends the wait at once
        while True:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode())
                if time.monotonic() > deadline:
                    raise AssertionError("payroll serve did not answer within 90 s")
                time.sleep(0.1)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **kw):
                return None

        users = _demo_users(here)
        assert set(users) == {"demo-clerk", "demo-approver", "demo-auditor"}
        for name, password in users.items():
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
            token = csrf_from(opener.open(f"{base}/login", timeout=5).read().decode())
            body = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token}).encode()
            try:
                opener.open(f"{base}/login", data=body, timeout=5)
                raise AssertionError("login did not redirect")
            except urllib.error.HTTPError as exc:
                assert exc.code == 303 and exc.headers["location"] == "/months", f"{name}: {exc.code}"
            months = opener.open(f"{base}/months", timeout=5).read().decode()
            assert "2026-06" in months and "계산됨" in months, name
            assert re.search(r"\d{1,3}(,\d{3})+", months), "amounts with thousands separators"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_leavers_withholding_receipts_come_from_the_stored_runs(demo):
    app, here, client = demo
    auditor = client("demo-auditor")
    page = auditor.get(f"/workers/{LEAVER}").text
    assert f"/workers/{LEAVER}/withholding/2026.pdf" in page and f"/workers/{LEAVER}/severance/2026.pdf" in page
    row, items = _stored(app, LEAVER)

    r = auditor.get(f"/workers/{LEAVER}/withholding/2026.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="withholding-{LEAVER}-2026.pdf"' in r.headers["content-disposition"]
    text = _pdf_text(r.content)
    assert "근로소득원천징수영수증" in text
    due = int(row["settlement_income_tax"])
    assert due != 0 and won(abs(due)) in text  # the 차감징수세액 the last payslip carried

    r = auditor.get(f"/workers/{LEAVER}/severance/2026.pdf")
    assert r.status_code == 200, r.text
    text = _pdf_text(r.content)
    paid = sum(int(it["amount"]) for it in items if it["code"] == "severance_pay")
    assert "퇴직소득원천징수영수증" in text and paid > 0 and won(paid) in text
    assert won(int(row["retirement_income_tax"])) in text
    with app.state.store.session() as db:
        targets = [a.target for a in db.exec(select(AuditLog).where(AuditLog.action == "document_view")).all()]
    assert f"withholding/{LEAVER}/2026" in targets and f"severance/{LEAVER}/2026" in targets


def test_the_cli_and_the_console_give_the_same_receipt_bytes(demo, tmp_path):
    """One function behind both doors (payroll.record.papers): the same 원천징수영수증, byte for byte."""
    from click.testing import CliRunner

    from payroll.cli import cli
    from test_web_fixtures import START

    app, here, client = demo
    console = client("demo-clerk").get(f"/workers/{LEAVER}/withholding/2026.pdf")
    assert console.status_code == 200
    res = CliRunner().invoke(cli, ["doc", "withholding", LEAVER, "--db", str(here / "payroll.db"), "--out", str(tmp_path / "cli"),
                                   "--date", START.date().isoformat()])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cli" / f"withholding-{LEAVER}-2026.pdf").read_bytes() == console.content


def test_receipts_come_from_what_the_run_read_and_are_refused_when_the_stored_run_disagrees(demo):
    app, here, client = demo
    clerk = client("demo-clerk")
    before = clerk.get(f"/workers/{LEAVER}/withholding/2026.pdf").content
    # an opening balance entered after the run changes the record, not what that run read
    ytd = (here / "imports" / "ytd.csv").read_text(encoding="utf-8")
    header, line = ytd.splitlines()[:2]
    cells = line.split(",")
    cells[header.split(",").index("income_tax")] = str(int(cells[header.split(",").index("income_tax")]) + 10_000)
    r = clerk.post("/record/import", data={"kind": "opening", "csrf_token": clerk.csrf}, files={"file": ("ytd.csv", (header + "\n" + ",".join(cells) + "\n").encode(), "text/csv")})
    assert r.status_code == 200 and "1행을 기록했습니다" in r.text, r.text
    assert clerk.get(f"/workers/{LEAVER}/withholding/2026.pdf").content == before
    # a stored result that no longer matches the settlement: refused, never issued
    with app.state.store.session() as db:
        stored = db.exec(select(WorkerResult).where(WorkerResult.worker_id == LEAVER)).one()
        stored_columns = [spec[0] for spec in dictionary_of(db, stored.run_id).columns if spec[1] != "c"]  # the row's values, in order
        doc = json.loads(stored.result_json)
        doc["row"][stored_columns.index("settlement_income_tax")] += 10
        stored.result_json = json.dumps(doc, ensure_ascii=False)
        db.add(stored)
    r = clerk.get(f"/workers/{LEAVER}/withholding/2026.pdf")
    assert r.status_code == 400 and "원천징수한 금액" in r.text and "다릅니다" in r.text and "Traceback" not in r.text


def test_no_settlement_receipt_for_a_daily_worker_and_none_before_the_month_is_run(demo):
    app, here, client = demo
    clerk = client("demo-clerk")
    assert "withholding/2026.pdf" not in clerk.get(f"/workers/{DAILY_LEAVER}").text
    r = clerk.get(f"/workers/{DAILY_LEAVER}/withholding/2026.pdf")
    assert r.status_code == 400 and "일용근로소득" in r.text
    # T00007's contract ends 2026-12-31: no receipt until that month is run
    assert "원천징수영수증 (PDF)" not in clerk.get("/workers/T00007").text
    r = clerk.get("/workers/T00007/withholding/2026.pdf")
    assert r.status_code == 400 and "2026-12 실행이 아직 없습니다" in r.text
    assert clerk.get(f"/workers/{LEAVER}/withholding/20x6.pdf").status_code == 404


ROW = re.compile(r'<tr data-code="([^"]+)" data-state="[^"]*" data-worker="([^"]*)">.*?<td>(?:\d{4}-\d{2}-\d{2}|—)</td>', re.S)
DATE = re.compile(r'<td>(\d{4}-\d{2}-\d{2}|—)</td>')


def _exception_rows(html: str) -> list[tuple[str, str, str]]:
    """(code, worker, date) of each row of the errors-and-warnings table and of the folded notes."""
    rows = []
    for chunk in re.split(r"(?=<tr data-code=)", html)[1:]:
        code = re.match(r'<tr data-code="([^"]+)"', chunk).group(1)
        worker = re.search(r'<span class="id">([^<]*)</span>', chunk).group(1)
        date = DATE.search(chunk).group(1)
        rows.append((code, worker, date))
    return rows


def test_the_demo_months_exceptions_filter_by_reason_worker_and_date(demo):
    app, here, client = demo
    auditor = client("demo-auditor")
    every = _exception_rows(auditor.get("/months/2026-06/exceptions").text)
    assert len(every) >= 3 and len({r[0] for r in every}) >= 2, "the sample month has exceptions of several reasons"
    code, worker, date = next(r for r in every if r[1] != "—" and r[2] != "—")
    for params, keep in (({"code": code}, lambda r: r[0] == code), ({"worker": worker}, lambda r: worker in r[1]),
                         ({"date": date}, lambda r: r[2] == date), ({"code": code, "worker": worker, "date": date},
                                                                      lambda r: (r[0], r[1], r[2]) == (code, worker, date))):
        shown = _exception_rows(auditor.get("/months/2026-06/exceptions", params=params, headers={"HX-Request": "true"}).text)
        assert shown and shown == [r for r in every if keep(r)], params
    assert _exception_rows(auditor.get("/months/2026-06/exceptions", params={"date": "2026-05-01"}).text) == []


def _upload(c, kind, name, data):
    """One file through the import job; its page once the job has ended."""
    r = c.post("/months/2026-06/uploads", data={"kind": kind, "csrf_token": c.csrf}, files=[("files", (name, data, "text/csv"))])
    if r.status_code != 303:
        return r
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    c.app.state.jobs.wait(job_id)
    return c.get(f"/jobs/{job_id}")


def _import(c, name, data):
    return c.post("/record/import", data={"kind": "opening", "csrf_token": c.csrf}, files={"file": (name, data, "text/csv")})


def test_opening_balances_imported_in_the_console_and_a_bad_file_gets_the_importers_message(demo):
    app, here, client = demo
    clerk = client("demo-clerk")
    r = _import(clerk, "연간.csv", b"worker_id,year,total_pay\nP00001,2025,1000\n")
    assert r.status_code == 400 and "없는 열" in r.text and "연간.csv" in r.text
    r = _import(clerk, "연간.pdf", b"%PDF-1.4")
    assert r.status_code == 400 and "CSV 또는 XLSX" in r.text
    good = b"worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax\nP00001,2025,30000000,1200000,1350000,1063500,137700,270000,900000,90000\n"
    r = _import(clerk, "ytd-2025.csv", good)
    assert r.status_code == 200 and "연초부터의 급여·세액 1행을 기록했습니다" in r.text, r.text
    with app.state.store.session() as db:
        from payroll.record.opening import opening_pay

        assert opening_pay(db, "P00001", 2025).income_tax == 900_000
    # the approver reads the record but imports nothing
    approver = client("demo-approver")
    assert _import(approver, "ytd.csv", good).status_code == 403


def test_the_ledger_page_reads_the_opening_balances(demo):
    app, here, client = demo
    clerk = client("demo-clerk")
    before = clerk.get(f"/workers/{LEAVER}?as_of=2026-06-30").text
    assert "이월 잔여" not in before
    r = _import(clerk, "이월.csv", f"worker_id,as_of,minutes,note\n{LEAVER},2025-12-31,2400,2025 연차관리대장 이월\n".encode())
    assert r.status_code == 200, r.text
    after = clerk.get(f"/workers/{LEAVER}?as_of=2026-06-30").text
    # where a row comes from is named as the clerk knows it, never a server path
    assert "2026-06 휴가 기록" in after and str(here) not in after and "/tmp" not in after
    assert "이월 잔여" in after and "연차 이월 기록" in after and "2025 연차관리대장 이월" in after
    assert "시간" in after and "잔여 <strong>" in after  # days and hours, not minutes
    r = _import(clerk, "이월.csv", b"worker_id,as_of,minutes,note\nNOBODY,2025-12-31,2400,\n")
    assert r.status_code == 400 and "이월.csv" in r.text and "Traceback" not in r.text


def test_ipv6_host_headers_match_the_allowed_names(tmp_path):
    from fastapi.testclient import TestClient

    from payroll.web.app import create_app, host_patterns
    from test_web_fixtures import make_store

    assert host_patterns(["::1", "127.0.0.1", "Localhost", "[0:0::1]", "fe80::A", "*.example.org"]) == ["*.example.org", "127.0.0.1", "[::1]", "[fe80::a]", "localhost"]
    store = make_store(tmp_path)
    app = create_app(store=store, data_dir=tmp_path / "data", allowed_hosts=["::1", "localhost", "127.0.0.1"])
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        for host in ("[::1]:8000", "[::1]", "127.0.0.1:8000", "localhost"):
            assert c.get("/login", headers={"host": host}).status_code == 200, host
        for host in ("evil.example:8000", "[::2]:8000", "::1"):
            assert c.get("/login", headers={"host": host}).status_code == 400, host
    store.dispose()
