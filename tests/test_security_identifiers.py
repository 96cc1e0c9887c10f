"""Identifiers that become file names are checked where they enter, and every built path stays in its folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from payroll.case import InputError
from payroll.security.identifiers import MONTH, RUN_ID, WORKER_ID, UnsafePath, check_month, contained
from test_runs_support import MONTH as RUN_MONTH
from test_runs_support import write_inputs

EVIL = "../../escaped/W001"


def _poison(root: Path, old: str = "W001", new: str = EVIL) -> None:
    for path in [root / "roster.csv", root / "contracts.csv", *root.glob(f"{RUN_MONTH}/attendance/*.csv")]:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_worker_id_with_a_path_is_an_input_error_naming_file_row_and_field(tmp_path, monkeypatch):
    """Before: the run wrote payslips/<id>.pdf outside its folder, or ended in exit 3 "internal error"."""
    from payroll.cli import cli
    from payroll.runs import batch
    from test_runs_support import fake_build

    monkeypatch.setattr(batch, "build_from_files", fake_build)
    inputs = write_inputs(tmp_path / "inputs")
    _poison(inputs)
    out = tmp_path / "deep" / "er" / "out"
    res = CliRunner().invoke(cli, ["run", RUN_MONTH, "--inputs", str(inputs), "--out", str(out), "--db", str(tmp_path / "p.db"), "--json"])
    assert res.exit_code == 2, res.output
    assert f"{inputs / 'roster.csv'}: 2행: worker_id: '../../escaped/W001'" in res.output
    assert "internal error" not in res.output and "Traceback" not in res.output
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize("value", ["../x", "W 1", "W1/..", ".hidden", "W1\n", "", "a" * 41, "W1.pdf", "사번1", "W1\\x"])
def test_worker_id_pattern_refuses(value):
    assert not WORKER_ID.valid(value)
    with pytest.raises(InputError, match="worker_id"):
        WORKER_ID.check(value, "roster.csv: row 2")


@pytest.mark.parametrize("value", ["W001", "P00001", "99999", "EMP-2026_01"])
def test_worker_id_pattern_accepts(value):
    assert WORKER_ID.check(value) == value


def test_month_and_run_id_are_whole_matches():
    for bad in ("2026-06\n", "2026-13", "2026-06/..", " 2026-06", "2026-6"):
        assert not MONTH.valid(bad)
        with pytest.raises(InputError, match="MONTH"):
            check_month(bad)
    assert check_month("2026-06") == "2026-06"
    assert RUN_ID.valid("2026-06-1a2b3c4d")
    assert not RUN_ID.valid("2026-06-1a2b3c4d/../x") and not RUN_ID.valid("2026-06-1A2B3C4D")


def test_contained_refuses_every_way_out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    assert contained(folder, "payslips/W001.pdf") == (folder / "payslips" / "W001.pdf").resolve()
    for bad in ("../x.pdf", "payslips/../../x.pdf", "/etc/passwd", "", ".", "a/\0b"):
        with pytest.raises(UnsafePath):
            contained(folder, bad)
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        contained(folder, "link/x.pdf")


def test_the_renderer_refuses_a_name_outside_its_folder_even_when_the_import_was_bypassed(tmp_path):
    """The second guard: a worker id that reached the renderer without the roster's check is still no path."""
    from payroll.runs.outputs import _render_chunk

    target = tmp_path / "run" / "partial"
    (target / "payslips").mkdir(parents=True)
    with pytest.raises(UnsafePath):
        _render_chunk(lambda *a: b"%PDF", {}, str(target), [("payslips/../../../x.pdf", ({}, [], []))])
    assert not list(tmp_path.rglob("x.pdf"))


def test_replay_restores_no_input_outside_its_scratch_folder(tmp_path):
    """A tampered manifest name (../x) is refused, never written."""
    from payroll.runs.inputs import restore
    from payroll.store import open_store

    store = open_store(str(tmp_path / "s.db"))
    from payroll.runs.inputs import store_blob

    with store.session() as s:
        sha = store_blob(s, b"x")
        with pytest.raises(UnsafePath):
            restore(s, [{"role": "roster", "name": "../../planted.csv", "sha256": sha, "size": 1}], tmp_path / "scratch")
    assert not (tmp_path / "planted.csv").exists()


def test_the_console_refuses_a_roster_with_a_path_in_a_worker_id(tmp_path):
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store, upload_file
    from test_web_month_data import MONTH as WEB_MONTH
    from test_web_month_data import roster_csv

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    with make_client(store, clock, tmp_path) as c:
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        text = roster_csv().decode("utf-8")
        first_id = text.splitlines()[1].split(",")[0]
        evil = text.replace(first_id, "../../" + first_id, 1).encode("utf-8")
        r = upload_file(c, WEB_MONTH, "roster", "roster.csv", evil, token)
        assert r.status_code == 200 and 'data-ok="no"' in r.text and "사번에 쓸 수 없는 값" in r.text
    assert not (tmp_path / "data" / "inputs" / "roster.csv").exists()
    store.dispose()
