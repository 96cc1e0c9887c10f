"""The record's imports and the writers built on the record go through the same guards as a run.

Roster, contracts and budgets files (CLI ``payroll import`` and the console's 기록 가져오기) are
measured and read in a child process, their identifiers checked, any 주민등록번호 masked before it
reaches the record or the input store (the console's copy sealed under the key); the 연말정산
신고서 template writes a name from the record as text.
"""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from payroll.cli import cli
from payroll.record import changes, files
from payroll.record.models import SINCE_ALWAYS
from test_security_rrn import GOOD, key_file  # noqa: F401 - the fixture
from test_security_spreadsheets import far_cell_xlsx, zip_bomb_xlsx

HEADER = ["사번", "성명", "생년월일", "부서", "고용형태", "주민등록번호(가림)"]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_cli_import_of_a_hostile_workbook_is_a_clear_error(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "p.db")
    for name, data, limit in (("far.xlsx", far_cell_xlsx(), "max_extent_cells"), ("bomb.xlsx", zip_bomb_xlsx(64), "max_")):
        path = tmp_path / name
        path.write_bytes(data)
        res = runner.invoke(cli, ["import", "roster", str(path), "--db", db, "--yes"])
        assert res.exit_code == 2, res.output
        assert name in res.output and limit in res.output and "Traceback" not in res.output


def test_a_path_in_a_worker_id_is_named_by_file_row_and_field(tmp_path):
    path = tmp_path / "명부.xlsx"
    path.write_bytes(_xlsx([HEADER, ["W1", "김하나", "1985-04-02", "환경과", "기간제"], ["../../x", "이두리", "1990-07-07", "복지정책과", "공무직"]]))
    res = CliRunner().invoke(cli, ["import", "roster", str(path), "--db", str(tmp_path / "p.db"), "--yes"])
    assert res.exit_code == 2 and "명부.xlsx: 3행: 사번: '../../x': 사번에 쓸 수 없는 값입니다" in res.output, res.output


def test_an_imported_contract_id_is_strict_and_the_records_own_parts_are_allowed(store, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("사번,성명,생년월일,부서,고용형태\nW1,김하나,1985-04-02,환경과,기간제\n", encoding="utf-8")
    contracts = tmp_path / "c.csv"
    contracts.write_text("계약번호,사번,시작일,임금형태,임금,근무요일,시업,종업\nC1~20260101,W1,2026-01-01,시급,10320,12345,09:00,18:00\n", encoding="utf-8")
    with store.session() as s:
        changes.apply(s, changes.roster_changes(s, files.read_roster_file(roster), SINCE_ALWAYS, "r.csv"), "clerk", "t")
        try:
            changes.contract_changes(s, files.read_contracts_file(contracts), SINCE_ALWAYS, "c.csv")
        except Exception as exc:  # noqa: BLE001 - the message is what is checked
            assert "c.csv: contract_id: 'C1~20260101': 계약 번호에 쓸 수 없는 값입니다" in str(exc)
        else:
            raise AssertionError("a contract id shaped like a part of a contract was imported")


def test_a_full_number_in_any_cell_never_reaches_the_record(store, tmp_path):
    path = tmp_path / "명부.xlsx"
    path.write_bytes(_xlsx([HEADER, ["W1", f"김하나 {GOOD}", "1985-04-02", "환경과", "기간제", GOOD]]))
    workers = files.read_roster_file(path)
    assert workers[0].name == f"김하나 {GOOD[:8]}******" and workers[0].rrn_masked == GOOD[:8] + "******"
    with store.session() as s:
        changes.apply(s, changes.roster_changes(s, workers, SINCE_ALWAYS, path.name), "clerk", "t")
    digits = GOOD.replace("-", "")
    with store.engine.connect() as conn:
        for table in sa.inspect(store.engine).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                text = " ".join(str(v) for v in row)
                assert GOOD not in text and digits not in text, table


def test_the_console_import_keeps_no_clear_number_and_refuses_a_hostile_workbook(tmp_path, key_file):  # noqa: F811
    from sqlmodel import select

    from payroll.security.models import SealedInput
    from payroll.runs.inputs import blob_content
    from payroll.store.models import InputBlob
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    roster = f"사번,성명,생년월일,부서,고용형태,주민등록번호(가림)\nW1,김하나,1985-04-02,환경과,기간제,{GOOD}\n".encode()
    with make_client(store, clock, tmp_path) as c:
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        for name, data in (("far.xlsx", far_cell_xlsx()), ("bomb.xlsx", zip_bomb_xlsx(64))):
            r = c.post("/record/import", data={"kind": "roster", "csrf_token": token}, files={"file": (name, data, "application/octet-stream")})
            assert r.status_code == 400 and name in r.text and "max_" in r.text, r.text[:300]
        r = c.post("/record/import", data={"kind": "roster", "csrf_token": token}, files={"file": ("명부.csv", roster, "text/csv")})
        assert r.status_code == 200 and GOOD not in r.text
        assert c.get("/months").status_code == 200  # still serving
    with store.session() as s:
        blobs = s.exec(select(InputBlob)).all()
        assert blobs and not any(GOOD.encode() in blob_content(b) for b in blobs)
        assert len(s.exec(select(SealedInput)).all()) == 1  # the original, encrypted
    store.dispose()


def test_the_yearend_template_writes_a_name_as_text():
    import datetime as dt

    from payroll.yearend.template import template_bytes

    data = template_bytes(2026, [("W1", '=HYPERLINK("http://x","급여")')], dt.date(2027, 1, 5))
    ws = load_workbook(io.BytesIO(data))["본인"]
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK") and ws["B2"].quotePrefix


def test_reading_a_small_csv_is_bounded(tmp_path, monkeypatch):
    import dataclasses

    from payroll.case import InputError
    from payroll.csvfile import read_text
    from payroll.security import limits as limits_module

    small = dataclasses.replace(limits_module.current(), max_file_bytes=100)
    monkeypatch.setattr(limits_module, "current", lambda rules_dir=None: small)
    path = Path(tmp_path / "big.csv")
    path.write_text("worker_id,name\n" + "W1,x\n" * 50, encoding="utf-8")
    try:
        read_text(path)
    except InputError as exc:
        assert "big.csv" in str(exc) and "max_file_bytes" in str(exc)
    else:
        raise AssertionError("a file above max_file_bytes was read")
