"""주민등록번호 anywhere in the inputs: found (with the check digit), masked everywhere, the original only encrypted."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pypdf import PdfReader
from sqlmodel import select

from payroll.case import InputError
from payroll.security.rrn import is_rrn, mask_bytes, mask_text
from payroll.store import crypto


def rrn(front: str = "900101", sex: str = "1", body: str = "23456") -> str:
    """A number with a valid check digit (주민등록번호; a 외국인등록번호 for sex 5–8)."""
    digits = front + sex + body
    total = sum(int(d) * w for d, w in zip(digits, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)))
    check = (11 - total % 11) % 10
    if sex in "5678":
        check = (check + 2) % 10
    return f"{front}-{sex}{body}{check}"


GOOD = rrn()
FOREIGN = rrn("850615", "5", "12345")
CHILD = rrn("030303", "4", "98765")


def test_the_pattern_needs_a_date_and_the_check_digit():
    for number in (GOOD, FOREIGN, CHILD):
        front, rest = number.split("-")
        assert is_rrn(front, rest[0], rest[1:]), number
    wrong_check = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)
    assert mask_text(f"a {wrong_check} b") == (f"a {wrong_check} b", 0)
    assert mask_text("계좌 1002-123-456789, 전화 010-1234-5678, 991332-1234567") [1] == 0  # no date 99-13-32
    text, n = mask_text(f"홍길동({GOOD}) {GOOD.replace('-', '')} {FOREIGN}")
    assert n == 3 and text == f"홍길동({GOOD[:8]}******) {GOOD.replace('-', '')[:7]}****** {FOREIGN[:8]}******"


def test_every_kind_of_input_file_is_masked_in_place():
    from openpyxl import Workbook, load_workbook

    for encoding in ("utf-8", "utf-8-sig", "cp949", "utf-16"):
        data = f"사번,성명,주민번호\nW001,김민준,{GOOD}\n".encode(encoding)
        out, n = mask_bytes(data)
        assert n == 1 and len(out) == len(data) and out.decode(encoding) == data.decode(encoding).replace(GOOD, GOOD[:8] + "******")
    wb = Workbook()
    wb.active.append(["사번", "주민번호", "성명"])
    wb.active.append(["W001", GOOD, f"김민준 {CHILD}"])
    buf = io.BytesIO()
    wb.save(buf)
    out, n = mask_bytes(buf.getvalue())
    assert n == 2
    row = [c.value for c in load_workbook(io.BytesIO(out)).active[2]]
    assert row == ["W001", GOOD[:8] + "******", f"김민준 {CHILD[:8]}******"]
    import xlrd
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("s")
    for j, value in enumerate(["W001", GOOD, "김민준"]):
        sheet.write(0, j, value)
    xls = io.BytesIO()
    book.save(xls)
    out, n = mask_bytes(xls.getvalue())
    assert n == 1 and len(out) == len(xls.getvalue())
    assert xlrd.open_workbook(file_contents=out).sheet_by_index(0).row_values(0) == ["W001", GOOD[:8] + "******", "김민준"]


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "payroll.key"
    crypto.new_key_file(path)
    monkeypatch.delenv("PAYROLL_KEY", raising=False)
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(path))
    return path


def _rrn_inputs(tmp_path):
    from test_runs_support import MONTH, write_inputs

    inputs = write_inputs(tmp_path / "inputs")
    roster = inputs / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("김민준", f"김민준 {GOOD}"), encoding="utf-8")
    items = inputs / MONTH / "attendance" / "items.csv"
    lines = items.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",주민번호"] + [line + f",{CHILD}" for line in lines[1:]]  # a column nobody expected
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return inputs


def test_a_run_never_stores_or_prints_a_clear_number_and_keeps_the_original_encrypted(store, tmp_path, key_file):
    """Before: the roster's name field and the export's RRN column were stored in clear in input_blobs
    and the name reached the payslip PDF."""
    from payroll.runs.audit import replay
    from payroll.runs.batch import execute_run
    from payroll.security.models import SealedInput
    from payroll.runs.inputs import blob_content
    from payroll.store.models import InputBlob
    from test_runs_support import MONTH, fake_build

    inputs = _rrn_inputs(tmp_path)
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    clear = [GOOD.encode(), GOOD.replace("-", "").encode(), CHILD.encode()]
    with store.session() as s:
        blobs = [blob_content(b) for b in s.exec(select(InputBlob)).all()]
        sealed = s.exec(select(SealedInput)).all()
    assert blobs and not any(c in b for b in blobs for c in clear)
    assert any(GOOD[:8].encode() + b"******" in b for b in blobs)
    with store.engine.connect() as c:
        dumped = repr([c.exec_driver_sql(f"SELECT * FROM {t}").fetchall() for t in ("runs", "worker_results", "audit_log", "sealed_inputs")])
    assert not any(c.decode() in dumped for c in clear)
    text = "".join(p.extract_text() for p in PdfReader(str(Path(summary["out_dir"]) / "payslips" / "W001.pdf")).pages)
    assert GOOD not in text and f"{GOOD[:8]}******" in text
    assert any("roster.csv: 주민등록번호 1개" in w for w in summary["warnings"])
    key = crypto.read_key_file(key_file)
    originals = {crypto.decrypt_bytes(x.cipher, key) for x in sealed}
    assert (inputs / "roster.csv").read_bytes() in originals and (inputs / MONTH / "attendance" / "items.csv").read_bytes() in originals
    assert replay(store, summary["run_id"], build=fake_build, jobs=1).identical  # the replay reads the same masked copies


def test_without_a_key_the_number_is_masked_and_the_original_not_kept(store, tmp_path, monkeypatch):
    from payroll.runs.batch import execute_run
    from payroll.security.models import SealedInput
    from test_runs_support import MONTH, fake_build

    monkeypatch.delenv("PAYROLL_KEY", raising=False)
    monkeypatch.delenv("PAYROLL_KEY_FILE", raising=False)
    summary = execute_run(store, MONTH, inputs_dir=_rrn_inputs(tmp_path), out_root=tmp_path / "out", build=fake_build, jobs=1)
    assert any("원본은 보관하지 않음" in w for w in summary["warnings"])
    with store.session() as s:
        assert s.exec(select(SealedInput)).all() == []


def test_a_key_file_others_can_read_is_refused_with_the_fix(key_file):
    os.chmod(key_file, 0o644)
    with pytest.raises(InputError, match=f"chmod 600 {key_file}"):
        crypto.load_key()
    os.chmod(key_file, 0o600)
    assert crypto.load_key()


def test_a_second_key_is_refused_and_rotate_re_encrypts_everything(store, tmp_path, key_file, monkeypatch):
    from payroll.runs.batch import execute_run
    from payroll.security.models import SealedInput
    from payroll.store import keys
    from payroll.store.models import PersonalData
    from payroll.store.personal import put_rrn, verify_rrn
    from test_runs_support import MONTH, fake_build

    put_rrn(store, "W002", rrn("920202", "2", "11111"), actor="tester")
    execute_run(store, MONTH, inputs_dir=_rrn_inputs(tmp_path), out_root=tmp_path / "out", build=fake_build, jobs=1)
    other = tmp_path / "other.key"
    crypto.new_key_file(other)
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(other))
    with pytest.raises(InputError, match="잠겨 있는데"):  # never silently a second key
        put_rrn(store, "W003", rrn("930303", "1", "22222"), actor="tester")
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(key_file))
    result = keys.rotate(store, crypto.read_key_file(other), "tester")
    assert result["personal"] == 2 and result["sealed_inputs"] == 2  # W002 put; W001 from the roster the run imported
    with pytest.raises(InputError, match="잠겨 있는데"):
        verify_rrn(store, "W002", rrn("920202", "2", "11111"))
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(other))
    assert verify_rrn(store, "W002", rrn("920202", "2", "11111"))
    new_key = crypto.read_key_file(other)
    with store.session() as s:
        assert {x.key_id for x in s.exec(select(SealedInput)).all()} | {p.key_id for p in s.exec(select(PersonalData)).all()} == {crypto.key_id(new_key)}
        assert all(crypto.decrypt_bytes(x.cipher, new_key) for x in s.exec(select(SealedInput)).all())


def test_key_rotate_command(tmp_path, key_file, monkeypatch):
    from click.testing import CliRunner

    from payroll.cli import cli

    db = str(tmp_path / "k.db")
    runner = CliRunner()
    (tmp_path / "rrn.csv").write_text(f"worker_id,rrn\nW001,{GOOD}\n", encoding="utf-8")
    assert runner.invoke(cli, ["rrn", "import", str(tmp_path / "rrn.csv"), "--db", db]).exit_code == 0
    new = tmp_path / "new.key"
    assert runner.invoke(cli, ["key", "new", str(new)]).exit_code == 0
    res = runner.invoke(cli, ["key", "rotate", "--new", str(new), "--db", db])
    assert res.exit_code == 0 and "주민등록번호 1건" in res.output and str(new) in res.output
    res = runner.invoke(cli, ["rrn", "import", str(tmp_path / "rrn.csv"), "--db", db])  # the old key no longer opens the store
    assert res.exit_code == 2 and "payroll key rotate" in res.output


def test_a_console_upload_is_stored_and_shown_masked(tmp_path, key_file):
    from payroll.runs.inputs import blob_content
    from payroll.store.models import InputBlob
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store, upload_file
    from test_web_month_data import MONTH, attendance_csv, contracts_csv, roster_csv

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    with make_client(store, clock, tmp_path) as c:
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        for kind, data in (("roster", roster_csv()), ("contracts", contracts_csv())):
            assert 'data-ok="yes"' in upload_file(c, MONTH, kind, f"{kind}.csv", data, token).text
        text = attendance_csv().decode("utf-8").splitlines()
        export = "\n".join([text[0] + ",주민번호"] + [line + f",{GOOD}" for line in text[1:]]) + "\n"
        r = upload_file(c, MONTH, "attendance", "근태.csv", export.encode(), token)
        assert r.status_code == 200 and 'data-ok="yes"' in r.text and "주민등록번호" in r.text and GOOD not in r.text
        assert GOOD not in c.get(f"/months/{MONTH}").text
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "data" / "inputs").rglob("*") if p.is_file())
    assert GOOD.encode() not in on_disk and GOOD[:8].encode() + b"******" in on_disk
    with store.session() as s:
        assert not any(GOOD.encode() in blob_content(b) for b in s.exec(select(InputBlob)).all())
    store.dispose()


def test_a_foreign_registration_number_is_known_by_its_seventh_digit_even_masked():
    from payroll.security.rrn import is_foreign_number

    assert is_foreign_number("760203-6123454") and is_foreign_number("760203-6******") and is_foreign_number("8805155******")
    assert not is_foreign_number("920701-2345678") and not is_foreign_number("9207012******") and not is_foreign_number("")
