"""The month in a real browser: clerk, approver, auditor, lock-out; screenshots in test-artifacts/.

The scenarios share one console (module scope) and run in file order: the clerk's month is the
one the approver closes and the auditor replays.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from test_web_fixtures import PASSWORDS
from test_web_month_data import BROKEN_DAY, MONTH, PAY_DATE, attendance_csv, contracts_csv, employer_toml, roster_csv

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
    out = {}
    for kind, name, data in (("roster", "roster.csv", roster_csv()), ("contracts", "contracts.csv", contracts_csv()),
                             ("employer", "employer.toml", employer_toml()), ("attendance", "지문인식_2026-06.csv", attendance_csv())):
        (d / name).write_bytes(data)
        out[kind] = d / name
    return out


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
    for kind in ("roster", "contracts", "employer", "attendance"):
        page.select_option("#kind", kind)
        page.set_input_files("#file", str(files[kind]))
        page.click("#upload-form button")
        assert page.locator(".msg.ok").inner_text().endswith(")"), page.content()[:500]
    # a bad file: the importer's message, not a stack trace
    page.select_option("#kind", "corrections")
    page.set_input_files("#file", files={"name": "bad.csv", "mimeType": "text/csv", "buffer": b"who,when\nW001,x\n"})
    page.click("#upload-form button")
    err = page.locator(".msg.error").inner_text()
    assert "lacks column" in err and "Traceback" not in page.content()

    # the exceptions table, filtered with htmx, and the fix
    rows = page.locator("#exceptions-table tbody tr[data-code=missing_out]")
    assert rows.count() == 1 and BROKEN_DAY in rows.first.inner_text()
    page.select_option("#f-code", "missing_out")
    page.wait_for_function("document.querySelectorAll('#exceptions-table tbody tr').length === 1")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "month-exceptions")
    row = page.locator("#exceptions-table tbody tr[data-code=missing_out]").first
    row.locator("input[name=time_in]").fill("09:00")
    row.locator("input[name=time_out]").fill("18:00")
    row.locator("input[name=reason]").fill("퇴근 타각 누락")
    row.locator("button").click()
    assert "정정했습니다" in page.locator(".msg.ok").inner_text()
    assert "정정됨" in page.locator("#exceptions-table tbody tr[data-code=missing_out]").first.inner_text()

    # the run, watched by htmx polling
    page.fill("#pay_date", PAY_DATE)
    page.click("#run-form button")
    page.wait_for_selector("#job-done", timeout=120_000)
    assert "완료: 3명" in page.inner_text("#job-done")
    _shot(page, artifacts, "run-done")
    page.click("#open-run")
    run_id = page.url.rsplit("/", 1)[-1]
    state["run_id"] = run_id
    assert "총무과" in page.inner_text("#departments") and "환경과" in page.inner_text("#departments")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "register")

    # one worker: 계산방법 and articles; the payslip in the page and downloaded
    page.click("#workers a[href$='/workers/W001']")
    assert "근거 조문" in page.content()
    _shot(page, artifacts, "worker")
    pdf = page.request.get(f"{url}/runs/{run_id}/payslips/W001.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    with page.expect_download() as dl:
        page.click("#payslip-download")
    assert dl.value.suggested_filename == f"payslip-{MONTH}-W001.pdf"
    page.goto(f"{url}/runs/{run_id}")
    with page.expect_download() as dl:
        page.click("#zip-link")
    data = open(dl.value.path(), "rb").read()
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [f"payslip-{MONTH}-W00{i}.pdf" for i in (1, 2, 3)]
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
    page.wait_for_selector("#replay-result", timeout=120_000)
    assert page.inner_text("#replay-result").startswith("identical")
    _assert_hangul_renders(page)
    _shot(page, artifacts, "replay")
    page.goto(f"{url}/audit")
    log = page.inner_text("table")
    for action in ("login", "upload", "run.regular", "month.close", "payslip_download", "payslip_zip", "run.replay"):
        assert action in log, action
    _shot(page, artifacts, "audit")
    ctx.close()


def test_five_wrong_passwords_lock_the_account(console, browser, artifacts):
    from payroll import users

    url = console["url"]
    store = console["app"].state.store
    with store.session() as s:
        users.add_user(s, "locktest", "clerk", "right-password-1", clock=users.utc_now)
    ctx = browser.new_context(locale="ko-KR")
    page = ctx.new_page()
    for i in range(5):
        _login(page, url, "locktest", f"wrong-password-{i}")
    assert "잠겼습니다" in page.locator(".msg.error").inner_text()
    _login(page, url, "locktest", "right-password-1")
    assert page.url.endswith("/login") and "잠겼습니다" in page.locator(".msg.error").inner_text()
    _assert_hangul_renders(page)
    _shot(page, artifacts, "locked")
    ctx.close()
