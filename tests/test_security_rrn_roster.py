"""A roster that carries full 주민등록번호: each is kept encrypted per worker for the filings, the record
and the input store keep only masks, the original file is sealed — by ``payroll import roster``, by
the console's record import and by its month upload; the filings write the full number only with
``--with-rrn``, and ``payroll key rotate`` keeps the numbers readable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from payroll.cli import cli
from payroll.security.models import SealedInput
from payroll.runs.inputs import blob_content
from payroll.store import crypto, open_store
from payroll.store.models import InputBlob, PersonalData
from test_runs_support import ROSTER
from test_security_rrn import key_file, rrn  # noqa: F401 - the fixture

#: W004 (daily) and W006 (regular) hold 외국인등록번호 (seventh digit 6 and 5): the filings say 외국인 for them
FOREIGN = {"W004": "6", "W006": "5"}
NUMBERS = {wid: rrn(birth[2:4] + birth[5:7] + birth[8:10], FOREIGN.get(wid, "1" if birth < "2000" else "3"), f"{i:05d}")
           for i, (wid, _name, birth, *_rest) in enumerate(ROSTER, start=11)}
MONTH = "2026-06"  # the half-year's 간이지급명세서 is in its filing pack


def _clear_forms() -> list[bytes]:
    return [form.encode() for n in NUMBERS.values() for form in (n, n.replace("-", ""))]


def _roster_with_numbers(header_rrn: str = "rrn_masked") -> bytes:
    """The support roster with each worker's full number in its 주민등록번호 column."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["worker_id", "name", "birth_date", "department", "employment", "income_type", "family", "children_8_20", "first_hire_date", "bank", "account", header_rrn])
    for wid, name, birth, dept, emp, inc, fam, kids, bank, acct in ROSTER:
        w.writerow([wid, name, birth, dept, emp, inc, fam, kids, "2020-01-01", bank, acct, NUMBERS[wid]])
    return out.getvalue().encode("utf-8")


def _readable_bytes(folder: Path) -> bytes:
    """Every file under ``folder`` as a reader would see it: a zip's (XLSX's) members, a PDF's text."""
    parts = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        parts.append(data)
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                parts += [zf.read(n) for n in zf.namelist()]
        elif data.startswith(b"%PDF"):
            parts.append("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).encode())
    return b"\n".join(parts)


def _database_bytes(db_file: Path) -> bytes:
    """The database's files, and the stored inputs unpacked (they are kept zlib-packed, which hides text)."""
    with open_store(f"sqlite:///{db_file}").session() as s:
        inputs = [blob_content(b) for b in s.exec(select(InputBlob)).all()]
    return b"".join([*(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*")), *inputs])


def _decrypted(store, key: bytes) -> dict[str, str]:
    with store.session() as s:
        return {p.worker_id: crypto.decrypt(p.rrn_cipher, key) for p in s.exec(select(PersonalData)).all()}


def test_cli_import_keeps_each_full_number_encrypted_and_the_filing_writes_it_only_with_the_key(tmp_path, key_file, monkeypatch):  # noqa: F811
    """Before: `payroll import roster` masked the numbers and kept nothing else — no PersonalData, no
    sealed original — so the filings could only write masks."""
    from payroll.filings.config import load_filing_config
    from payroll.filings.pack import monthly_pack
    from payroll.runs.batch import execute_run
    from payroll.store import keys, open_store
    from test_runs_support import fake_build, write_inputs

    db_file = tmp_path / "p.db"
    db = f"sqlite:///{db_file}"
    inputs = write_inputs(tmp_path / "inputs", MONTH, pay_date=dt.date(2026, 6, 25))
    hr = tmp_path / "hr"
    hr.mkdir()
    (hr / "명부.csv").write_bytes(_roster_with_numbers())
    runner = CliRunner()
    res = runner.invoke(cli, ["import", "roster", str(hr / "명부.csv"), "--yes", "--db", db, "--by", "clerk"])
    assert res.exit_code == 0, res.output
    assert "근로자 6명의 주민등록번호를 암호화해 보관" in res.output and not any(c.decode() in res.output for c in _clear_forms())
    res = runner.invoke(cli, ["import", "contracts", str(inputs / "contracts.csv"), "--yes", "--db", db, "--by", "clerk"])
    assert res.exit_code == 0, res.output
    store = open_store(db)
    key = crypto.read_key_file(key_file)
    assert _decrypted(store, key) == {wid: n.replace("-", "") for wid, n in NUMBERS.items()}
    with store.session() as s:
        assert {p.worker_id: p.masked for p in s.exec(select(PersonalData)).all()} == {wid: n[:8] + "******" for wid, n in NUMBERS.items()}
        sealed = s.exec(select(SealedInput)).all()
        assert [crypto.decrypt_bytes(x.cipher, key) for x in sealed] == [(hr / "명부.csv").read_bytes()]  # the original, sealed as the console does
        assert any(NUMBERS["W001"][:8].encode() + b"******" in blob_content(b) for b in s.exec(select(InputBlob)).all())  # the masked copy
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    with store.session() as s:
        cfg = load_filing_config(session=s)
        with_rrn, _ = monthly_pack(s, MONTH, cfg, dt.date(2026, 7, 10), with_rrn=True)
        plain, _ = monthly_pack(s, MONTH, cfg, dt.date(2026, 7, 10), with_rrn=False)
    (simplified,) = [name for name in with_rrn if re.search(r"간이지급명세서-.*/[^/]+$", name) and not name.endswith((".txt", ".xlsx"))]
    regular = [r[0] for r in ROSTER if r[5] == "regular"]  # the daily worker is in 근로내용확인신고 instead
    for wid in regular:
        assert NUMBERS[wid].replace("-", "").encode() in with_rrn[simplified]
        assert NUMBERS[wid].replace("-", "").encode() not in plain[simplified]
    assert b"*" * 6 in plain[simplified]
    # 내·외국인 from the seventh digit, full or masked (filing-layouts.md §2.4 C9: 1 = 내국인, 9 = 외국인)
    from payroll.filings.fixed import decode, load_layout
    from payroll.filings.simplified import LAYOUT

    for pack in (with_rrn, plain):
        codes = {c["C07"]: c["C09"] for c in (decode(load_layout(LAYOUT), r)[1] for r in pack[simplified].split(b"\r\n") if r[:1] == b"C")}
        assert codes == {name: 9 if wid in FOREIGN else 1 for wid, name, *_ in ROSTER if wid in regular}
    # 근로내용확인신고 (§1.3 D 국적코드: 100 = 대한민국; a foreigner's from the code sheet, with E 체류자격): left to fill in, so not [제출용]
    (daily,) = [name for name in with_rrn if "근로내용확인신고" in name]
    book = load_workbook(io.BytesIO(with_rrn[daily]))
    (row,) = list(book["서식"].iter_rows(min_row=2, values_only=True))
    assert row[1] == "최수아" and row[3] is None and book["안내"]["A1"].value.startswith("[사전 점검용]")
    assert any("외국인 근로자 최수아" in str(c.value) for c in book["안내"]["A"])
    # nowhere in clear: the database file, the input store, the run's outputs
    assert not any(c in _database_bytes(db_file) for c in _clear_forms())
    assert not any(c in _readable_bytes(Path(summary["out_dir"])) for c in _clear_forms())
    # rotated, the numbers stay readable under the new key only
    new_file = tmp_path / "new.key"
    crypto.new_key_file(new_file)
    assert keys.rotate(store, crypto.read_key_file(new_file), "tester")["personal"] == 6
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(new_file))
    assert _decrypted(store, crypto.read_key_file(new_file)) == {wid: n.replace("-", "") for wid, n in NUMBERS.items()}
    with store.session() as s:
        again, _ = monthly_pack(s, MONTH, load_filing_config(session=s), dt.date(2026, 7, 10), with_rrn=True)
    assert again[simplified] == with_rrn[simplified]
    store.dispose()


def test_without_a_key_the_cli_import_keeps_the_masks_and_says_so(tmp_path, monkeypatch):
    from payroll.store import open_store

    monkeypatch.delenv("PAYROLL_KEY", raising=False)
    monkeypatch.delenv("PAYROLL_KEY_FILE", raising=False)
    (tmp_path / "명부.csv").write_bytes(_roster_with_numbers())
    db = f"sqlite:///{tmp_path / 'p.db'}"
    res = CliRunner().invoke(cli, ["import", "roster", str(tmp_path / "명부.csv"), "--yes", "--db", db])
    assert res.exit_code == 0 and "암호화 키가 없어 근로자 6명의 주민등록번호는 가린 번호만 보관" in res.output
    store = open_store(db)
    with store.session() as s:
        assert s.exec(select(PersonalData)).all() == [] and s.exec(select(SealedInput)).all() == []
    assert not any(c in _database_bytes(tmp_path / "p.db") for c in _clear_forms())
    store.dispose()


def test_two_different_numbers_in_one_row_are_refused_naming_the_row(tmp_path, key_file):  # noqa: F811
    from payroll.store import open_store

    text = _roster_with_numbers().decode().splitlines()
    # W002's row: no number in its 주민등록번호 column, two different ones in its name: whose is whose cannot be told
    text[2] = text[2].replace("," + NUMBERS["W002"], ",").replace(ROSTER[1][1], f"{ROSTER[1][1]} {NUMBERS['W002']} {NUMBERS['W003']}")
    (tmp_path / "명부.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'p.db'}"
    res = CliRunner().invoke(cli, ["import", "roster", str(tmp_path / "명부.csv"), "--yes", "--db", db])
    assert res.exit_code == 2 and "3행" in res.output and "Traceback" not in res.output
    assert not any(c.decode() in res.output for c in _clear_forms())
    store = open_store(db)
    with store.session() as s:
        assert s.exec(select(PersonalData)).all() == []  # nothing half-written
    store.dispose()


@pytest.mark.parametrize("route", ["month upload", "record import"])
def test_a_console_roster_keeps_each_full_number_encrypted_and_none_in_clear(tmp_path, key_file, route):  # noqa: F811
    """Before: the console masked the file and sealed it, but kept no worker's number for the filings."""
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store, upload_file

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    data = _roster_with_numbers("주민등록번호(가림)" if route == "record import" else "rrn_masked")
    if route == "record import":
        data = data.decode().replace("worker_id,name,birth_date,department,employment,income_type,family,children_8_20,first_hire_date,bank,account",
                                     "사번,성명,생년월일,부서,고용형태,소득구분,공제대상가족,8~20세 자녀,최초입사일,은행,계좌번호", 1).encode()
    with make_client(store, clock, tmp_path) as c:
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        if route == "month upload":
            r = upload_file(c, MONTH, "roster", "명부.csv", data, token)
            assert r.status_code == 200 and 'data-ok="yes"' in r.text and "6명의 주민등록번호를 암호화해 보관" in r.text
        else:
            r = c.post("/record/import", data={"kind": "roster", "csrf_token": token}, files={"file": ("명부.csv", data, "text/csv")})
            assert r.status_code == 200, r.text[:500]
            digest = re.search(r'name="sha256" value="([0-9a-f]{64})"', r.text).group(1)
            with store.session() as s:
                assert s.exec(select(PersonalData)).all() == []  # a preview applies nothing
            r = c.post("/record/import/confirm", data={"kind": "roster", "sha256": digest, "name": "명부.csv", "suffix": ".csv", "effective": "", "reason": "",
                                                       "csrf_token": token})
            assert r.status_code == 200 and "6명의 주민등록번호를 암호화해 보관" in r.text, r.text[:500]
        assert not any(x.decode() in r.text for x in _clear_forms())
    assert _decrypted(store, crypto.read_key_file(key_file)) == {wid: n.replace("-", "") for wid, n in NUMBERS.items()}
    assert not any(x in _database_bytes(tmp_path / "console.db") for x in _clear_forms())
    assert not any(x in _readable_bytes(tmp_path / "data") for x in _clear_forms())
    store.dispose()
