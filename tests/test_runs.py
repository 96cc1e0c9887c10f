"""The monthly run: replay byte for byte, diff, month lock, correction with 소급분, atomicity, totals."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from payroll.runs import audit, batch
from payroll.runs.audit import diff_runs, explain, replay
from payroll.runs.batch import MonthClosed, execute_run
from payroll.runs.months import close_month
from payroll.store import open_store
from payroll.store.models import InputBlob, Run
from test_runs_support import ITEMS, MONTH, NEXT, ROSTER, approve_correction, fake_build, write_inputs, write_items

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def inputs(tmp_path):
    return write_inputs(tmp_path / "inputs")


def _run(store, inputs, tmp_path, month=MONTH, **kw):
    if kw.get("correction"):
        approve_correction(store, month)
    return execute_run(store, month, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1, **kw)


def test_run_then_replay_identical_and_same_hash(store, inputs, tmp_path):
    first = _run(store, inputs, tmp_path)
    assert first["workers"] == len(ROSTER)
    out = Path(first["out_dir"])
    assert sorted(p.name for p in (out / "payslips").iterdir()) == [f"{r[0]}.pdf" for r in ROSTER]
    assert (out / "register.xlsx").is_file() and (out / "bank_transfer.csv").is_file() and (out / "filings" / "withholding.csv").is_file()
    report = replay(store, first["run_id"], build=fake_build, jobs=1)
    assert report.identical, report.problems
    assert report.outputs_checked == len(ROSTER) + 6
    second = _run(store, inputs, tmp_path)
    assert second["run_id"] != first["run_id"]
    assert second["run_hash"] == first["run_hash"]
    # the inputs were stored once (reused by hash)
    with store.session() as s:
        assert s.exec(sa.select(sa.func.count()).select_from(InputBlob)).scalar_one() == 5  # roster, contracts, employer, items, run.toml


def test_changed_input_replay_fails_and_diff_names_it(store, inputs, tmp_path):
    first = _run(store, inputs, tmp_path)
    changed = [(w, c, a + 100_000 if (w, c) == ("W002", "base_pay") else a, m, n) for w, c, a, m, n in ITEMS]
    write_items(inputs, MONTH, changed)
    second = _run(store, inputs, tmp_path)
    d = diff_runs(store, first["run_id"], second["run_id"])
    assert any("attendance/items.csv" in line and "바뀜" in line for line in d["inputs"])
    assert any(line.startswith("W002: 기본급 (base_pay): 2,156,880 → 2,256,880 (+100,000)") for line in d["workers"]), d["workers"]
    assert any(line.startswith("W002: 실지급액 (net_pay)") for line in d["workers"])
    assert not any(line.startswith("W001") for line in d["workers"])
    # the stored input of the first run is altered: replay fails and names the input and the outputs
    run = store.session
    with run() as s:
        entry = next(e for e in json.loads(s.get(Run, first["run_id"]).inputs_manifest) if e["role"] == "attendance")
        blob = s.get(InputBlob, entry["sha256"])
        blob.content = (inputs / MONTH / "attendance" / "items.csv").read_bytes()
        s.add(blob)
    report = replay(store, first["run_id"], build=fake_build, jobs=1)
    assert not report.identical
    assert any("items.csv" in p and "더 이상 맞지 않습니다" in p for p in report.problems)
    assert any(p.startswith("산출물 payslips/W002.pdf: 바이트가 다릅니다") for p in report.problems)
    assert any(p.startswith("결과 W002: 기본급") for p in report.problems)
    assert not any("W001.pdf" in p for p in report.problems)


def test_tampered_output_on_disk_fails_replay(store, inputs, tmp_path):
    first = _run(store, inputs, tmp_path)
    (Path(first["out_dir"]) / "bank_transfer.csv").write_bytes(b"worker_id,net_pay\r\nW001,99999999\r\n")
    report = replay(store, first["run_id"], build=fake_build, jobs=1)
    assert not report.identical
    assert report.problems == [f"산출물 bank_transfer.csv ({first['out_dir']}): 디스크의 파일이 기록된 sha256과 다릅니다"]


def test_closed_month_refuses_a_plain_rerun(store, inputs, tmp_path):
    first = _run(store, inputs, tmp_path)
    lock = close_month(store, MONTH, "approver")
    assert lock["run_id"] == first["run_id"]
    with pytest.raises(MonthClosed, match=r"2026-05은\(는\) 마감되었습니다 .* --correction"):
        _run(store, inputs, tmp_path)
    with pytest.raises(Exception, match="이미 마감"):
        close_month(store, MONTH, "approver")


def test_cli_refuses_closed_month_with_exit_2(tmp_path, inputs, monkeypatch):
    from payroll.cli import cli

    monkeypatch.setattr(batch, "build_from_files", fake_build)
    monkeypatch.setattr(audit, "build_from_files", fake_build)
    monkeypatch.setenv("PAYROLL_JOBS", "1")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    common = ["--inputs", str(inputs), "--out", str(tmp_path / "out"), "--db", db]
    res = runner.invoke(cli, ["run", MONTH, *common, "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert {"run_id", "workers", "net_pay_total", "out_dir"} <= set(summary)
    assert summary["workers"] == len(ROSTER)
    res = runner.invoke(cli, ["replay", summary["run_id"], "--db", db])
    assert res.exit_code == 0 and "identical" in res.output
    res = runner.invoke(cli, ["explain", summary["run_id"], "W001", "--db", db])
    assert res.exit_code == 0 and "국민연금" in res.output and "income_tax.income_tax" in res.output
    assert runner.invoke(cli, ["close", MONTH, "--db", db, "--by", "approver"]).exit_code == 0
    res = runner.invoke(cli, ["run", MONTH, *common])
    assert res.exit_code == 2
    assert "2026-05은(는) 마감되었습니다" in res.output and "--correction" in res.output and "Traceback" not in res.output


def test_correction_carries_signed_retro_lines_into_next_open_month(store, inputs, tmp_path):
    first = _run(store, inputs, tmp_path)
    close_month(store, MONTH, "approver")
    corrected = []
    for w, c, a, m, n in ITEMS:
        if (w, c) == ("W002", "base_pay"):
            a += 120_000  # underpaid in May
        if (w, c) == ("W003", "night_pay"):
            a -= 30_000  # overpaid in May
        corrected.append((w, c, a, m, n))
    write_items(inputs, MONTH, corrected)
    corr = _run(store, inputs, tmp_path, correction=True)
    assert corr["kind"] == "correction" and corr["corrects_run_id"] == first["run_id"]
    assert corr["retro_lines"] == 2 and corr["retro_pay_month"] == NEXT
    with store.session() as s:
        runs = s.exec(sa.select(Run.run_id, Run.kind)).all()
    assert {tuple(r) for r in runs} == {(first["run_id"], "regular"), (corr["run_id"], "correction")}  # both stay on record
    # June picks the lines up as labelled retroactive_pay items
    write_inputs(inputs, NEXT)
    june = _run(store, inputs, tmp_path, month=NEXT)
    assert june["retro_paid_lines"] == 2 and june["retro_lines"] == 0  # pays two, makes none
    (w2,) = explain(store, june["run_id"], "W002")
    (w3,) = explain(store, june["run_id"], "W003")
    retro2 = [i for i in w2["items"] if i["code"] == "retroactive_pay"]
    retro3 = [i for i in w3["items"] if i["code"] == "retroactive_pay"]
    assert [i["amount"] for i in retro2] == [120_000]
    assert [i["amount"] for i in retro3] == [-30_000]
    assert "2026-05분 기본급 소급분" in retro2[0]["method"] and "2,156,880원 → 2,276,880원" in retro2[0]["method"]
    assert "2026-05분 야간근로수당 소급분 (환수)" in retro3[0]["method"]
    assert retro2[0]["label"] == "소급분"
    (w1,) = explain(store, june["run_id"], "W001")
    assert not [i for i in w1["items"] if i["code"] == "retroactive_pay"]
    pdf = PdfReader(str(Path(june["out_dir"]) / "payslips" / "W002.pdf"))
    assert "소급분" in "".join(p.extract_text() for p in pdf.pages)
    assert replay(store, june["run_id"], build=fake_build, jobs=1).identical
    # a run of June made before the correction would not close: the lines must be paid
    close_month(store, NEXT, "approver")
    assert replay(store, corr["run_id"], build=fake_build, jobs=1).identical


def test_close_refuses_run_without_pending_retro_lines(store, inputs, tmp_path):
    write_inputs(inputs, NEXT)
    june_before = _run(store, inputs, tmp_path, month=NEXT)
    _run(store, inputs, tmp_path)
    close_month(store, MONTH, "approver")
    write_items(inputs, MONTH, [(w, c, a + 10_000 if (w, c) == ("W001", "base_pay") else a, m, n) for w, c, a, m, n in ITEMS])
    _run(store, inputs, tmp_path, correction=True)
    with pytest.raises(Exception, match="지급할 소급분"):
        close_month(store, NEXT, "approver", run_id=june_before["run_id"])


KILL_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from payroll.store import open_store
from payroll.runs.batch import execute_run
from test_runs_support import fake_build
execute_run(open_store({db!r}), {month!r}, inputs_dir=Path({inputs!r}), out_root=Path({out!r}), build=fake_build)
"""


def test_killed_run_leaves_nothing_visible_and_rerun_completes(tmp_path, inputs):
    db = str(tmp_path / "kill.db")
    out = tmp_path / "out"
    script = KILL_SCRIPT.format(tests=str(TESTS), db=db, month=MONTH, inputs=str(inputs), out=str(out))
    env = {**os.environ, "PAYROLL_RUN_KILL_AFTER": "3", "PAYROLL_JOBS": "1"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr  # SIGKILL after 3 payslips
    store = open_store(db)
    with store.session() as s:
        assert s.exec(sa.select(sa.func.count()).select_from(Run)).scalar_one() == 0
    visible = [p.name for p in (out / MONTH).iterdir() if not p.name.startswith(".")]
    assert visible == []
    partial = [p for p in (out / MONTH).iterdir() if p.name.startswith(".partial-")]
    assert len(partial) == 1 and len(list((partial[0] / "payslips").iterdir())) == 3
    env.pop("PAYROLL_RUN_KILL_AFTER")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with store.session() as s:
        (run,) = s.exec(sa.select(Run)).scalars().all()
    assert [p.name for p in (out / MONTH).iterdir()] == [run.run_id]  # the stale scratch directory is gone
    assert replay(store, run.run_id, build=fake_build, jobs=1).identical


def _register_totals(path: Path) -> dict[str, int]:
    ws = load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if "실지급액" in r)
    total = next(r for r in rows if any(isinstance(c, str) and c.strip().startswith("합계") for c in r[:3]))
    return {h: v for h, v in zip(header, total) if isinstance(h, str)}


def test_register_totals_equal_sum_of_payslips(store, inputs, tmp_path):
    run = _run(store, inputs, tmp_path)
    out = Path(run["out_dir"])
    totals = _register_totals(out / "register.xlsx")
    nets = []
    for wid, *_ in ROSTER:
        (res,) = explain(store, run["run_id"], wid)
        net, gross = int(res["row"]["net_pay"]), int(res["row"]["gross_pay"])
        text = "".join(p.extract_text() for p in PdfReader(str(out / "payslips" / f"{wid}.pdf")).pages)
        assert f"{net:,}" in text and f"{gross:,}" in text
        nets.append((net, gross))
    assert totals["실지급액"] == sum(n for n, _ in nets) == run["net_pay_total"]
    assert totals["임금 총액"] == sum(g for _, g in nets) == run["gross_pay_total"]
    bank = list(csv.DictReader(io.StringIO((out / "bank_transfer.csv").read_text(encoding="utf-8-sig"))))
    assert sum(int(r["net_pay"]) for r in bank) == run["net_pay_total"]


def test_withholding_lines_equal_sums_of_worker_taxes(store, inputs, tmp_path):
    run = _run(store, inputs, tmp_path)
    lines = {r["code"]: r for r in csv.DictReader(io.StringIO((Path(run["out_dir"]) / "filings" / "withholding.csv").read_text(encoding="utf-8-sig")))}
    results = [explain(store, run["run_id"], w[0])[0]["row"] for w in ROSTER]
    daily = [r for r in results if r["income_type"] == "daily"]
    regular = [r for r in results if r["income_type"] != "daily"]
    assert daily and regular
    assert int(lines["A01"]["income_tax"]) == sum(r["income_tax"] for r in regular)
    assert int(lines["A01"]["persons"]) == len(regular)
    assert int(lines["A03"]["income_tax"]) == sum(r["income_tax"] for r in daily)
    assert int(lines["A03"]["persons"]) == len(daily)
    assert int(lines["A10"]["income_tax"]) == sum(r["income_tax"] for r in results)
    assert int(lines["A10"]["local_income_tax"]) == sum(r["local_income_tax"] for r in results)


def test_payslip_has_the_mandatory_items(store, inputs, tmp_path):
    run = _run(store, inputs, tmp_path)
    text = "".join(p.extract_text() for p in PdfReader(str(Path(run["out_dir"]) / "payslips" / "W001.pdf")).pages)
    for needle in ("김민준", "W001", "1980", "임금지급일", "기본급", "연장근로수당", "국민연금", "소득세", "실지급액", "연장", "야간", "휴일"):
        assert needle in text, needle
    assert "209시간" in text  # the 계산방법 of an hour-based item


def test_unknown_run_and_worker_are_clear_errors(store, inputs, tmp_path):
    from payroll.case import InputError

    run = _run(store, inputs, tmp_path)
    with pytest.raises(InputError, match="실행 .*이\\(가\\) 없습니다"):
        replay(store, "2026-05-nope", build=fake_build)
    with pytest.raises(InputError, match="근로자 'W999'이\\(가\\) 없습니다"):
        explain(store, run["run_id"], "W999")
    with pytest.raises(InputError, match="마감되지 않았습니다"):
        _run(store, inputs, tmp_path, correction=True)
    with pytest.raises(InputError, match="마감되지 않았습니다"):  # without an approval too
        execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1, correction=True)
