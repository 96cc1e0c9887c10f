"""The store: migrations (upgrade heads over every area's branch), INTEGER money, encrypted 주민등록번호."""

from __future__ import annotations


import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from payroll.case import InputError
from payroll.store import crypto, database_url, open_store
from payroll.store.db import version_locations
import payroll.record.models  # noqa: F401 - the record's tables are checked with the store's
from payroll.store.models import BASE_REVISION, SQLModel
from payroll.store.personal import import_rrn_csv, put_rrn, shown, verify_rrn

def test_database_url_choice(monkeypatch):
    monkeypatch.delenv("PAYROLL_DB", raising=False)
    assert database_url() == "sqlite:///payroll.db"
    monkeypatch.setenv("PAYROLL_DB", "/data/x.db")
    assert database_url() == "sqlite:////data/x.db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_migrated_schema_matches_models(store):
    insp = sa.inspect(store.engine)
    tables = set(insp.get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        if table.name.startswith("welfare_"):
            continue
        assert table.name in tables, table.name
        have = {c["name"]: c for c in insp.get_columns(table.name)}
        for col in table.columns:
            assert col.name in have, f"{table.name}.{col.name} is in the model but not in the migrated schema"
    # money is whole won in integer columns, never a float or a Decimal
    for name in ("gross_pay", "net_pay", "income_tax", "deductions_total"):
        t = {c["name"]: c["type"] for c in insp.get_columns("worker_results")}[name]
        assert isinstance(t, sa.Integer), (name, t)
    assert isinstance({c["name"]: c["type"] for c in insp.get_columns("runs")}["net_pay_total"], sa.Integer)


def test_upgrade_heads_is_idempotent_and_runs_every_branch(store):
    from alembic.script import ScriptDirectory

    from payroll.store.db import alembic_config, migrate

    with store.engine.connect() as c:
        before = {r[0] for r in c.exec_driver_sql("SELECT version_num FROM alembic_version")}
    migrate(store.engine)  # a second time: nothing to do, no error
    with store.engine.connect() as c:
        versions = {r[0] for r in c.exec_driver_sql("SELECT version_num FROM alembic_version")}
    assert versions == before
    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    # every head is applied: either recorded itself or an ancestor/dependency of a recorded revision
    applied = {r.revision for r in script.revision_map.iterate_revisions(tuple(versions), "base", select_for_downgrade=True)}
    assert heads <= applied | versions, heads - applied - versions
    assert BASE_REVISION in applied | versions
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"runs", "worker_results", "input_blobs", "month_locks", "retro_items", "audit_log", "personal_data"} <= tables
    assert str(version_locations()[0]).endswith("store/migrations/versions")


def test_rrn_is_encrypted_and_only_shown_masked(store, monkeypatch, tmp_path):
    key_file = tmp_path / "key"
    crypto.new_key_file(key_file)
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    monkeypatch.delenv("PAYROLL_KEY", raising=False)
    monkeypatch.setenv("PAYROLL_KEY_FILE", str(key_file))
    rec = put_rrn(store, "W001", "900101-1234567", actor="tester")
    assert rec.masked == "900101-1******"
    with store.engine.connect() as c:
        raw = c.exec_driver_sql("SELECT * FROM personal_data").fetchall()
    dumped = repr(raw)
    assert "1234567" not in dumped and "9001011234567" not in dumped
    assert shown(store, "W001") == ("900101-1******", __import__("datetime").date(1990, 1, 1))
    assert verify_rrn(store, "W001", "900101-1234567")
    assert not verify_rrn(store, "W001", "900101-2234567")
    monkeypatch.setenv("PAYROLL_KEY", Fernet.generate_key().decode())
    with pytest.raises(InputError, match="키 [0-9a-f]{16}로 잠겨 있는데 주어진 키는 [0-9a-f]{16}입니다"):  # another key: refused before use
        verify_rrn(store, "W001", "900101-1234567")


def test_rrn_import_validates_before_storing(store, monkeypatch, tmp_path):
    monkeypatch.setenv("PAYROLL_KEY", Fernet.generate_key().decode())
    good = tmp_path / "rrn.csv"
    good.write_text("worker_id,rrn\nW001,0103154123456\nW002,851231-2345678\n", encoding="utf-8")
    assert import_rrn_csv(store, good, "tester") == 2
    assert shown(store, "W001")[1].isoformat() == "2001-03-15"
    bad = tmp_path / "bad.csv"
    bad.write_text("worker_id,rrn\nW003,900101-1234567\nW004,901301-1234567\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_rrn_csv(store, bad, "tester")
    assert "3행" in str(exc.value) and "901301" not in str(exc.value)
    assert shown(store, "W003") is None  # nothing stored from a file with a bad row


def test_no_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("PAYROLL_KEY", raising=False)
    monkeypatch.delenv("PAYROLL_KEY_FILE", raising=False)
    with pytest.raises(InputError, match="PAYROLL_KEY_FILE"):
        crypto.load_key()
    monkeypatch.setenv("PAYROLL_KEY", "not-a-key")
    with pytest.raises(InputError, match="Fernet 키가 아닙니다"):
        crypto.load_key()


def test_bad_database_is_one_line(tmp_path):
    with pytest.raises(InputError, match="폴더 .*이\\(가\\) 없습니다"):
        open_store(str(tmp_path / "nope" / "x.db"))
