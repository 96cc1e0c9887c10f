"""The console's 연말정산 and 신고 자료 pages: the 신고서 (upload, form), 분납, the settlement, receipts, packs."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from test_web_fixtures import add_users, login, make_client, make_store, PASSWORDS, FrozenClock, session_csrf
from yearend_support import YEAR_MONTHS, run, write_year


@pytest.fixture
def env(tmp_path, monkeypatch):
    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    root = write_year(tmp_path / "inputs")
    for m in YEAR_MONTHS:
        run(store, root, tmp_path / "out", m)
    with make_client(store, clock, tmp_path) as c:
        yield c
    store.dispose()


def test_declarations_settlement_and_receipts_in_the_console(env):
    c = env
    assert login(c, "clerk", PASSWORDS["clerk"]).status_code in (302, 303)
    token = session_csrf(c)
    page = c.get("/yearend?year=2026")
    assert page.status_code == 200 and "아직 정산하지 않았습니다" in page.text
    tpl = c.get("/yearend/2026/template.xlsx")
    assert tpl.status_code == 200
    wb = load_workbook(io.BytesIO(tpl.content))
    assert [r[0] for r in wb["본인"].iter_rows(min_row=2, values_only=True)] == ["W001", "W002", "W003", "W005", "W006"]  # W004 일용
    # fill W001's 신고서 in the template and upload it
    wb["본인"]["H2"] = "2027-01-10"
    wb["보험료"].append(["W001", None, "보장성", 900_000])
    out = io.BytesIO()
    wb.save(out)
    res = c.post("/yearend/2026/declarations", data={"csrf_token": token}, files={"file": ("신고서.xlsx", out.getvalue(), "application/octet-stream")})
    assert res.status_code == 200 and "신고서 1건을 기록했습니다" in res.text
    # a bad cell: nothing recorded, the row and field named
    wb["보험료"].append(["W001", None, "보장성", "많이"])
    bad = io.BytesIO()
    wb.save(bad)
    res = c.post("/yearend/2026/declarations", data={"csrf_token": token}, files={"file": ("신고서.xlsx", bad.getvalue(), "application/octet-stream")})
    assert res.status_code == 400 and "보험료 시트 3행 &#39;금액&#39;" in res.text or "보험료 시트 3행 '금액'" in res.text
    # the form for one worker; a full 주민등록번호 never appears
    res = c.post("/yearend/2026/declaration", data={"csrf_token": token, "worker_id": "W002", "dep1_name": "이아들", "dep1_relationship": "descendant",
                                                   "dep1_birth": "2018-04-04", "card_credit": "12,000,000", "submitted_on": "2027-01-12"})
    assert res.status_code == 200 and "W002: 신고서를 기록했습니다" in res.text
    res = c.post("/yearend/2026/declaration", data={"csrf_token": token, "worker_id": "W003", "medical": "십만"})
    assert res.status_code == 400 and "의료비" in res.text
    res = c.post("/yearend/2026/spread", data={"csrf_token": token, "worker_id": "W005", "choice": "spread"})
    assert res.status_code == 200 and "분납" in res.text
    res = c.post("/yearend/2026/settle", data={"csrf_token": token})
    assert res.status_code == 200 and "5명 정산" in res.text and "W002" in res.text
    pdf = c.get("/yearend/2026/receipts/W002.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = c.get("/yearend/2026/receipts/W002.xlsx")
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "document"
    assert c.get("/yearend/2026/receipts/W004.pdf").status_code == 400  # 일용: not settled, said so

    res = c.post("/filings", data={"csrf_token": token, "period": "2026"})
    assert res.status_code == 200 and "지급명세서" in res.text
    listing = c.get("/filings?period=2026")
    assert "README.txt" in listing.text and "C0008300.000" in listing.text
    readme = c.get("/filings/2026/file", params={"name": "README.txt"})
    assert readme.status_code == 200 and "사전 점검용" in readme.text
    assert c.get("/filings/2026/file", params={"name": "../../console.db"}).status_code == 404
    assert c.post("/filings", data={"csrf_token": token, "period": "20x6"}).status_code == 400


def test_an_auditor_sees_but_cannot_change(env):
    c = env
    login(c, "auditor", PASSWORDS["auditor"])
    assert c.get("/yearend?year=2026").status_code == 200
    token = session_csrf(c)
    assert c.post("/yearend/2026/settle", data={"csrf_token": token}).status_code == 403
