"""The month in a real browser: clerk, approver, auditor, login throttling; screenshots in test-artifacts/.

The scenarios share one console (module scope) and run in file order: the clerk's month is the
one the approver closes and the auditor replays.
"""

from __future__ import annotations

import io
import zipfile

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

from pathlib import Path

from test_web_fixtures import PASSWORDS
from test_web_month_data import MONTH, PAY_DATE, employer_toml

LEAVER = "T00025"  # the sample month's leaver (settlement and 퇴직금)
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "small"  # the bundled sample month (June 2026)
EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")  # five devices, three vendors
FIX = ("T00035", "2026-06-09", "08:50", "18:00")  # a 퇴근 missing from the sample exports

pytestmark = pytest.mark.browser

FONT_CHECK = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'PayrollKR');
  return {loaded: faces.filter(f => f.status === 'loaded').length, check: document.fonts.check('16px PayrollKR', '급여 한글')};
}"""


def _login(page, url, role, password=None):
    page.goto(f"{url}/login")
    page.fill("#name", role)
    page.fill("#password", password or PASSWORDS[role])
    page.click("button[type=submit]")


def _assert_hangul_renders(page):
    fonts = page.evaluate(FONT_CHECK)
    assert fonts["loaded"] >= 1 and fonts["check"], fonts


def _shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"console-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def files(console):
    d = console["tmp"] / "upload"
    d.mkdir()
    (d / "employer.toml").write_bytes(employer_toml())  # the samples name no employer
    uploads = [("roster", SAMPLES / "roster.csv"), ("contracts", SAMPLES / "contracts.csv"), ("employer", d / "employer.toml")]
    uploads += [("attendance", SAMPLES / n) for n in EXPORTS]
    uploads += [(k, SAMPLES / f"{k}.csv") for k in ("leave", "overtime", "corrections")]
    # the leaver's pay before the first run here: her settlement and 퇴직금 (docs/runs.md)
    uploads += [("ytd", SAMPLES / "ytd.csv"), ("wages", SAMPLES / "wages.csv")]
    return uploads


@pytest.fixture(scope="module")
def state():
    return {}


def test_clerk_does_the_month(console, browser, files, artifacts, state):
    url = console["url"]
    ctx = browser.new_context(accept_downloads=True, locale="ko-KR")
    page = ctx.new_page()
    page.goto(f"{url}/months")
    assert page.url.endswith("/login")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "login")
    _login(page, url, "clerk")
    assert page.url.endswith("/months")
    page.fill("#month", MONTH)
    page.click("#open-month button")
    assert page.url.endswith(f"/months/{MONTH}")
    for kind, path in files:
        page.select_option("#kind", kind)
        page.set_input_files("#file", str(path))
        page.click("#upload-form button")
        assert page.locator(".msg.ok").inner_text().startswith(f"{path.name}: 올렸습니다"), page.content()[:500]
    # a bad file: the importer's message, not a stack trace
    page.select_option("#kind", "corrections")
    page.set_input_files("#file", files={"name": "bad.csv", "mimeType": "text/csv", "buffer": b"who,when\nW001,x\n"})
    page.click("#upload-form button")
    err = page.locator(".msg.error").inner_text()
    assert "lacks column" in err and "Traceback" not in page.content()

    # the exceptions table, filtered with htmx, and the fix
    wid, day, t_in, t_out = FIX
    codes = page.locator("#exceptions-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert {"unknown_worker", "malformed_time", "missing_out", "missing_in"} <= set(codes)
    page.select_option("#f-code", "missing_out")
    expect(page.locator("#exceptions-table tbody tr:not([data-code=missing_out])")).to_have_count(0)  # htmx swapped the table
    page.fill("#f-worker", wid)
    page.dispatch_event("#f-worker", "change")
    expect(page.locator("#exceptions-table tbody tr").filter(has_not_text=wid)).to_have_count(0)
    assert page.locator("#exceptions-table tbody tr").count() == 2
    _assert_hangul_renders(page)
    _shot(page, artifacts, "month-exceptions")
    row = page.locator("#exceptions-table tbody tr", has_text=day).first
    row.locator("input[name=time_in]").fill(t_in)
    row.locator("input[name=time_out]").fill(t_out)
    row.locator("input[name=reason]").fill("퇴근 타각 누락")
    row.locator("button").click()
    assert "정정했습니다" in page.locator(".msg.ok").inner_text()
    fixed = page.locator("#exceptions-table tbody tr[data-code=missing_out]", has_text=day).first.inner_text()
    assert wid in fixed and "정정됨" in fixed

    # the run, watched by htmx polling
    page.fill("#pay_date", PAY_DATE)
    page.click("#run-form button")
    page.wait_for_selector("#job-done, #job-error", timeout=120_000)
    assert page.locator("#job-error").count() == 0, page.inner_text("#job-error")
    assert "완료: 40명" in page.inner_text("#job-done")
    _shot(page, artifacts, "run-done")
    page.click("#open-run")
    run_id = page.url.rsplit("/", 1)[-1]
    state["run_id"] = run_id
    assert page.locator("#departments tbody tr").count() >= 2
    workers = page.locator("#workers tbody tr").count()
    assert workers == 40
    _assert_hangul_renders(page)
    register = page.content()
    assert "not computed" not in register, "the leaver's settlement and 퇴직금 need the uploaded ytd.csv and wages.csv"
    assert "근로소득 중도퇴사 (A02)" in register and "퇴직소득 (A20)" in register
    _shot(page, artifacts, "register")

    # one worker: 계산방법 and articles; the payslip in the page and downloaded
    first = page.locator("#workers tbody tr td a").first
    wid = first.inner_text()
    first.click()
    assert "근거 조문" in page.content()
    _shot(page, artifacts, "worker")
    src = page.locator("iframe.pdf").get_attribute("src")
    pdf = page.request.get(f"{url}{src}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    with page.expect_download() as dl:
        page.click("#payslip-download")
    assert dl.value.suggested_filename == f"payslip-{MONTH}-{wid}.pdf"
    page.goto(f"{url}/runs/{run_id}")
    with page.expect_download() as dl:
        page.click("#zip-link")
    data = open(dl.value.path(), "rb").read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == workers and f"payslip-{MONTH}-{wid}.pdf" in names

    # documents, leave and welfare pages
    page.goto(f"{url}/workers/{wid}")
    assert page.locator("#contracts li").count() >= 1 and page.locator("#leave-ledger").count() == 1
    _assert_hangul_renders(page)
    _shot(page, artifacts, "worker-documents")
    # the leaver's withholding receipts, drawn from the run
    page.goto(f"{url}/workers/{LEAVER}")
    links = page.locator("#receipts a")
    assert links.count() == 2, page.content()[:500]
    for i in range(2):
        pdf = page.request.get(f"{url}{links.nth(i).get_attribute('href')}")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF"), pdf.text()[:300]
    _shot(page, artifacts, "leaver-documents")
    page.goto(f"{url}/welfare?year=2026")
    assert "남은 예산" in page.inner_text("#fertility")
    _shot(page, artifacts, "welfare")
    ctx.close()


def test_clerk_finds_a_worker_and_reads_the_page(console, browser, artifacts, state):
    """/workers: typing narrows the list (htmx), the status filter too; the worker page has the contracts
    (the earlier one as well), every payslip by month with its download, the year to date, 연차 in days
    and hours."""
    url = console["url"]
    ctx = browser.new_context(accept_downloads=True, locale="ko-KR")
    page = ctx.new_page()
    _login(page, url, "clerk")
    page.goto(f"{url}/workers")
    total = page.locator("#roster tbody tr").count()
    assert total == 40, total
    page.fill("#q", "T0002")
    expect(page.locator("#roster tbody tr")).to_have_count(10)  # T00020 … T00029, swapped in while typing
    page.fill("#q", "청소")  # a department
    expect(page.locator("#roster tbody tr").filter(has_not_text="청소")).to_have_count(0)
    page.fill("#q", "")
    page.select_option("#status", "left")
    page.fill("#as_of", "2026-07-15")
    page.dispatch_event("#as_of", "change")
    expect(page.locator("#roster tbody tr").filter(has_not_text="퇴직")).to_have_count(0)
    left = page.locator("#roster tbody tr td:first-child a").all_inner_texts()
    assert LEAVER in left, left
    _assert_hangul_renders(page)
    _shot(page, artifacts, "workers-search")
    page.click(f"#roster a:text('{LEAVER}')")
    assert page.url.endswith(f"/workers/{LEAVER}")
    page.goto(f"{url}/workers/{LEAVER}?as_of=2026-06-30")  # the year and the 연차 as of the month's end, whatever today is
    assert page.locator("#contracts li").count() == 2  # renewed: the 2025 contract is kept
    slip = page.locator("#payslips tbody tr", has_text=MONTH)
    assert slip.count() == 1 and "지급분" in slip.inner_text()
    with page.expect_download() as dl:
        slip.locator("a").click()
    assert dl.value.suggested_filename == f"payslip-{MONTH}-{LEAVER}.pdf"
    assert "2026년 누계 (1개월, 지급분)" in page.content()
    balance = page.inner_text("#leave-balance")
    assert "일" in balance and "시간" in balance and "분)" not in balance, balance
    _shot(page, artifacts, "worker-page")
    ctx.close()


def test_approver_closes_and_clerk_rerun_is_refused(console, browser, artifacts, state):
    url = console["url"]
    ctx = browser.new_context(locale="ko-KR")
    page = ctx.new_page()
    _login(page, url, "approver")
    page.goto(f"{url}/months/{MONTH}")
    assert page.locator("#run-form").count() == 0  # approvers do not run
    page.click("#close-form button")
    assert "마감했습니다" in page.locator(".msg.ok").inner_text()
    _shot(page, artifacts, "closed")
    ctx.close()

    ctx = browser.new_context(locale="ko-KR")
    page = ctx.new_page()
    _login(page, url, "clerk")
    page.goto(f"{url}/months/{MONTH}")
    assert page.locator("#close-form").count() == 0
    page.fill("#pay_date", PAY_DATE)
    page.click("#run-form button")
    assert "마감되었습니다" in page.locator(".msg.error").inner_text()
    page.goto(f"{url}/months")
    assert "마감" in page.inner_text("#months")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "months")
    ctx.close()


def test_auditor_replays_identical_but_cannot_run(console, browser, artifacts, state):
    url = console["url"]
    run_id = state["run_id"]
    ctx = browser.new_context(locale="ko-KR")
    page = ctx.new_page()
    _login(page, url, "auditor")
    page.goto(f"{url}/months/{MONTH}")
    assert page.locator("#run-form").count() == 0 and page.locator("#upload-form").count() == 0
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"{url}/months/{MONTH}/run", form={"pay_date": PAY_DATE, "csrf_token": csrf})
    assert refused.status == 403
    page.goto(f"{url}/runs/{run_id}")
    page.click("#replay-form button")
    page.wait_for_selector("#replay-result, #job-error", timeout=120_000)
    assert page.locator("#job-error").count() == 0, page.inner_text("#job-error")
    assert page.inner_text("#replay-result").startswith("identical")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "replay")
    page.goto(f"{url}/audit")
    log = page.inner_text("table")
    for action in ("login", "upload", "run.regular", "month.close", "payslip_download", "payslip_zip", "run.replay"):
        assert action in log, action
    _shot(page, artifacts, "audit")
    ctx.close()


def test_failed_logins_slow_down_and_the_approver_clears_them(console, browser, artifacts):
    from payroll.record import users
    from payroll.security import throttle

    url = console["url"]
    store = console["app"].state.store
    with store.session() as s:
        users.add_user(s, "locktest", "clerk", "right-password-1", clock=users.utc_now)
        now = users.utc_now()
        for _ in range(10):  # ten failures in a row: the next attempt waits 64 s
            throttle.failed(s, "locktest", "", now)
    ctx = browser.new_context(locale="ko-KR")
    page = ctx.new_page()
    _login(page, url, "locktest", "right-password-1")
    assert page.url.endswith("/login") and "기다려야" in page.locator(".msg.error").inner_text()
    _assert_hangul_renders(page)
    _shot(page, artifacts, "throttled")
    other = browser.new_context(locale="ko-KR")
    approver = other.new_page()
    _login(approver, url, "approver")
    approver.goto(f"{url}/accounts")
    approver.locator("form[action='/accounts/locktest/unlock'] button").click()
    expect(approver.locator(".msg.info")).to_contain_text("제한을 풀었습니다")
    _login(page, url, "locktest", "right-password-1")
    expect(page.locator("nav")).to_contain_text("월별 현황")
    assert not page.url.endswith("/login")
    other.close()
    ctx.close()
