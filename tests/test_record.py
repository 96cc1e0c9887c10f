"""The record: imports as change sets, effective dates, closed months, the audit log (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from payroll.case import InputError
from payroll.cli import cli
from payroll.record import changes, files, people
from payroll.record.models import SINCE_ALWAYS
from payroll.store.models import AuditLog, MonthLock

ROSTER = """사번,성명,생년월일,부서,직종,고용형태,소득구분,공제대상가족,8~20세 자녀,원천징수비율,은행,계좌번호,전자우편
W1,김하나,1985-04-02,환경과,환경미화,기간제,상용,3,1,100,국민은행,123-45,w1@example.org
W2,이두리,1990-07-07,복지정책과,상담,공무직,상용,1,0,80,신한은행,110-22,
"""
CONTRACTS = """계약번호,사번,시작일,종료일,임금형태,임금,근무요일,시업,종업,휴게(분),근무장소,업무,식대,보수등급,사업
C1,W1,2025-03-01,2026-02-28,월급,2600000,12345,09:00,18:00,60,○○구청,가로 청소,200000,기간제 1,가로환경 정비
C2,W2,2024-01-01,,시급,10320,12345,09:00,18:00,60,○○구청,상담,0,,복지 상담
"""


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def _load(store, tmp_path, effective=SINCE_ALWAYS):
    with store.session() as s:
        ws = files.read_roster_file(_write(tmp_path, "roster.csv", ROSTER))
        changes.apply(s, changes.roster_changes(s, ws, effective, "roster.csv"), "clerk", "첫 가져오기")
        cs = files.read_contracts_file(_write(tmp_path, "contracts.csv", CONTRACTS))
        changes.apply(s, changes.contract_changes(s, cs, effective, "contracts.csv"), "clerk", "첫 가져오기")


def test_korean_headers_and_values_make_workers_and_contracts(store, tmp_path):
    _load(store, tmp_path)
    with store.session() as s:
        w1 = people.worker_as_of(s, "W1", dt.date(2026, 1, 1))
        assert (w1.employment, w1.income_type, w1.family, w1.children_8_20, w1.email) == ("fixed_term", "regular", 3, 1, "w1@example.org")
        assert people.worker_as_of(s, "W2", dt.date(2026, 1, 1)).withholding_ratio == 80
        c1 = people.contracts_of(s, "W1")[0]
        assert (c1.pay_type, c1.wage, c1.business, c1.end) == ("monthly", 2_600_000, "가로환경 정비", dt.date(2026, 2, 28))


def test_a_cp949_csv_and_an_xlsx_read_the_same(tmp_path):
    from payroll.attendance.xlsx import xlsx_bytes
    import csv
    import io

    utf8 = files.read_roster_file(_write(tmp_path, "a.csv", ROSTER))
    cp949 = files.read_roster_file(_write(tmp_path, "b.csv", ROSTER, encoding="cp949"))
    rows = list(csv.reader(io.StringIO(ROSTER)))
    (tmp_path / "c.xlsx").write_bytes(xlsx_bytes({"명부": rows}))
    assert utf8 == cp949 == files.read_roster_file(tmp_path / "c.xlsx")


def test_every_bad_row_is_named_with_file_row_and_field_in_korean(tmp_path):
    bad = ROSTER + "W3,,1990-13-01,환경과,,임시직,상용,1,0,100,,,\nW1,중복,1990-01-01,환경과,,기간제,상용,1,0,100,,,\n"
    with pytest.raises(InputError) as err:
        files.read_roster_file(_write(tmp_path, "roster.csv", bad))
    text = str(err.value)
    assert "2개 행에 오류" in text and "아무것도 가져오지 않았습니다" in text
    assert "roster.csv: 4행: 성명: 값이 없습니다" in text
    assert "roster.csv: 4행: 생년월일: 날짜(YYYY-MM-DD)가 아닙니다" in text
    assert "roster.csv: 4행: 고용형태: 허용 값이 아닙니다" in text
    assert "roster.csv: 5행: 사번: 'W1'이(가) 2행에도 있습니다" in text
    with pytest.raises(InputError, match="1행: 알 수 없는 열 '주소'"):
        files.read_roster_file(_write(tmp_path, "r2.csv", "사번,성명,생년월일,부서,고용형태,주소\n"))


def test_the_change_set_names_hires_leavers_changes_and_the_missing_and_deletes_nothing(store, tmp_path):
    _load(store, tmp_path)
    roster = ROSTER.replace("환경과,환경미화", "청소행정과,환경미화").replace("W2,이두리,1990-07-07,복지정책과,상담,공무직,상용,1,0,80,신한은행,110-22,\n", "")
    roster += "W3,박새봄,2000-02-02,공원녹지과,조경,기간제,일용,1,0,100,,,\n"
    with store.session() as s:
        cs = changes.roster_changes(s, files.read_roster_file(_write(tmp_path, "r.csv", roster)), dt.date(2026, 1, 1), "r.csv")
        assert [w.worker_id for w in cs.new_workers] == ["W3"]
        assert [(c.target, c.field, c.old, c.new) for c in cs.worker_changes] == [("W1", "department", "환경과", "청소행정과")]
        assert cs.missing == ["W2"]
        contracts = CONTRACTS.replace("2025-03-01,2026-02-28", "2025-03-01,2025-12-31")
        cc = changes.contract_changes(s, files.read_contracts_file(_write(tmp_path, "c.csv", contracts)), dt.date(2025, 11, 1), "c.csv")
        assert cc.leavers == [("W1", dt.date(2025, 12, 31))]
        assert [(c.target, c.field) for c in cc.contract_changes] == [("C1", "end")]
        changes.apply(s, cs, "clerk", "부서 이동")
    with store.session() as s:
        assert people.worker_as_of(s, "W2", dt.date(2026, 6, 1)) is not None  # missing from the file, still on record
        assert people.worker_as_of(s, "W1", dt.date(2025, 12, 31)).department == "환경과"  # before the change
        assert people.worker_as_of(s, "W1", dt.date(2026, 1, 1)).department == "청소행정과"
        log = s.exec(sa.select(AuditLog.actor, AuditLog.action, AuditLog.target, AuditLog.detail).where(AuditLog.action == "record.worker_change")).all()
    assert [(a, t) for a, _, t, _ in log] == [("clerk", "W1")] and "부서 환경과 → 청소행정과" in log[0][3] and "부서 이동" in log[0][3]


def test_a_change_never_reaches_a_closed_month(store, tmp_path):
    from payroll.store.db import now
    from payroll.store.models import Run

    _load(store, tmp_path)
    with store.session() as s:  # June is closed
        s.add(Run(run_id="r1", month="2026-06", pay_date=dt.date(2026, 7, 10), kind="regular", rules_hash="x", code_version="x", inputs_manifest="[]",
                  outputs_manifest="{}", warnings="[]", run_hash="x", workers=0, gross_pay_total=0, deductions_total=0, net_pay_total=0, out_dir="",
                  created_at=now(), created_by="t"))
        s.flush()
        s.add(MonthLock(month="2026-06", run_id="r1", closed_at=now(), closed_by="approver"))
    changed = files.read_roster_file(_write(tmp_path, "r.csv", ROSTER.replace("국민은행,123-45", "농협,999-1")))
    with store.session() as s:
        assert changes.default_effective(s) == dt.date(2026, 7, 1)
        with pytest.raises(InputError, match="2026-06은\\(는\\) 마감된 달입니다"):
            changes.apply(s, changes.roster_changes(s, changed, dt.date(2026, 6, 15), "r.csv"), "clerk", "")
    with store.session() as s:
        changes.apply(s, changes.roster_changes(s, changed, dt.date(2026, 7, 1), "r.csv"), "clerk", "계좌 변경")
    with store.session() as s:
        assert people.worker_as_of(s, "W1", dt.date(2026, 6, 30)).bank == "국민은행"
        assert people.worker_as_of(s, "W1", dt.date(2026, 7, 1)).bank == "농협"
        ended = files.read_contracts_file(_write(tmp_path, "c.csv", CONTRACTS.replace("2024-01-01,,", "2024-01-01,2026-06-20,")))
        with pytest.raises(InputError, match="마감된 달"):
            changes.apply(s, changes.contract_changes(s, ended, dt.date(2026, 7, 1), "c.csv"), "clerk", "")


def test_changed_terms_are_a_new_version_and_the_month_before_keeps_the_old_terms(store, tmp_path):
    _load(store, tmp_path)
    raised = files.read_contracts_file(_write(tmp_path, "c.csv", CONTRACTS.replace("시급,10320", "시급,11000")))
    with store.session() as s:
        changes.apply(s, changes.contract_changes(s, raised, dt.date(2026, 7, 1), "c.csv"), "clerk", "생활임금")
    with store.session() as s:
        june, july = people.roster_for_month(s, "2026-06"), people.roster_for_month(s, "2026-07")
        assert [(c.contract_id, c.wage, c.end) for c in june.contracts_of("W2")] == [("C2", 10320, dt.date(2026, 6, 30)), ("C2~20260701", 11000, None)]
        assert july.contract_on("W2", dt.date(2026, 7, 15)).wage == 11000
        assert june.contract_on("W2", dt.date(2026, 6, 15)).wage == 10320
        assert people.contracts_of(s, "W2")[0].wage == 11000  # the whole contract, its latest terms
        assert "W1" not in june.workers  # C1 ended in February


def test_cli_import_previews_and_applies_only_when_confirmed(tmp_path):
    db = str(tmp_path / "p.db")
    roster = _write(tmp_path, "명부.csv", ROSTER)
    runner = CliRunner()
    res = runner.invoke(cli, ["import", "roster", str(roster), "--db", db])
    assert res.exit_code == 0, res.output
    assert "+ 신규 채용   W1" in res.output and "적용하지 않았습니다" in res.output
    res = runner.invoke(cli, ["import", "roster", str(roster), "--db", db, "--yes", "--by", "김주무관", "--reason", "최초 등록"])
    assert res.exit_code == 0 and "적용했습니다" in res.output, res.output
    res = runner.invoke(cli, ["import", "contracts", str(_write(tmp_path, "계약.csv", CONTRACTS)), "--db", db, "--yes"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["import", "roster", str(roster), "--db", db])
    assert "바뀌는 것이 없습니다" in res.output
    res = runner.invoke(cli, ["import", "roster", str(_write(tmp_path, "bad.csv", "사번,성명\nW9,x\n")), "--db", db])
    assert res.exit_code == 2 and "bad.csv: 1행: 필요한 열이 없습니다: 생년월일" in res.output and "Traceback" not in res.output
    res = runner.invoke(cli, ["import", "template", "roster", str(tmp_path / "양식.xlsx")])
    assert res.exit_code == 0 and files.table_rows(tmp_path / "양식.xlsx") == [list(files.ROSTER_HEADERS)]


def test_opening_balances_are_told_apart_by_header_and_need_the_worker(store, tmp_path):
    from payroll.record.opening import opening_files

    _load(store, tmp_path)
    ytd = _write(tmp_path, "ytd.csv", "worker_id,year,total_pay,non_taxable,national_pension,health_insurance,long_term_care,employment_insurance,income_tax,local_income_tax\n"
                                      "W2,2026,12000000,0,540000,430000,55000,108000,150000,15000\n")
    wages = _write(tmp_path, "wages.csv", "worker_id,month,wages\nW2,2026-03,2100000\nW2,2026-04,2150000\n")
    with store.session() as s:
        from payroll.record.opening import import_opening

        roster = people.roster_as_of(s, dt.date(2026, 12, 31))
        assert import_opening(s, ytd, roster, "clerk") == ("ytd", 1)
        assert import_opening(s, wages, roster, "clerk") == ("wages", 2)
        with pytest.raises(InputError, match="기록에 없는 근로자: W9"):
            import_opening(s, _write(tmp_path, "w2.csv", "worker_id,month,wages\nW9,2026-03,1\n"), roster, "clerk")
    with store.session() as s:
        got = {role: data.decode() for role, _, data in opening_files(s, people.roster_for_month(s, "2026-06"))}
    assert got["opening_ytd"].splitlines()[1] == "W2,2026,12000000,0,540000,430000,55000,108000,150000,15000"
    assert got["opening_wages"].splitlines()[1:] == ["W2,2026-03,2100000", "W2,2026-04,2150000"]


def test_a_run_reads_the_record_and_its_replay_ignores_later_changes(store, tmp_path):
    """The old files are imported, the run reads the record as of its month and stores what it read;
    a change of the record afterwards changes the next run, never the replay of this one."""
    from payroll.runs.audit import replay
    from payroll.runs.batch import execute_run
    from test_runs_support import MONTH, fake_build, write_inputs

    inputs = write_inputs(tmp_path / "inputs")
    first = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1, actor="김주무관")
    with store.session() as s:
        assert people.worker_as_of(s, "W001", dt.date(2026, 5, 31)).name == "김민준"  # imported from roster.csv
        actions = {a for a, in s.exec(sa.select(AuditLog.action).where(AuditLog.actor == "김주무관")).all()}
    assert {"record.hire", "record.contract_add", "run.regular"} <= actions
    (inputs / "roster.csv").unlink()
    (inputs / "contracts.csv").unlink()
    with store.session() as s:
        moved = people.worker_as_of(s, "W002", dt.date(2026, 6, 1)).model_copy(update={"family": 3, "children_8_20": 2})
        changes.apply(s, changes.roster_changes(s, [moved], dt.date(2026, 5, 1), "console"), "clerk", "부양가족 신고")
    report = replay(store, first["run_id"], build=fake_build, jobs=1)
    assert report.identical, report.problems
    second = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)  # from the record alone
    assert second["run_hash"] != first["run_hash"]
    with store.session() as s:
        from payroll.runs.batch import load_results

        w2 = next(r["row"] for r in load_results(s, second["run_id"]) if r["row"]["worker_id"] == "W002")
    assert (w2["family"], w2["children_8_20"]) == (3, 2)


def test_a_contracts_break_start_goes_through_the_record_into_the_runs_snapshot(store, tmp_path):
    from payroll.roster import load_roster
    from payroll.runs.record_inputs import roster_bytes

    _load(store, tmp_path)
    night = CONTRACTS.replace("휴게(분),근무장소", "휴게(분),휴게 시작,근무장소").replace("60,○○구청,가로", "60,12:00,○○구청,가로").replace("60,○○구청,상담", "60,,○○구청,상담")
    with store.session() as s:
        cs = files.read_contracts_file(_write(tmp_path, "c.csv", night))
        changes.apply(s, changes.contract_changes(s, cs, SINCE_ALWAYS, "c.csv"), "clerk", "휴게 시각")
    with store.session() as s:
        roster = people.roster_for_month(s, "2026-01")
    assert roster.contract_on("W1", dt.date(2026, 1, 5)).break_start == dt.time(12, 0)
    assert roster.contract_on("W2", dt.date(2026, 1, 5)).break_start is None
    r, c = roster_bytes(roster)
    (tmp_path / "r.csv").write_bytes(r)
    (tmp_path / "k.csv").write_bytes(c)
    back = load_roster(tmp_path / "r.csv", tmp_path / "k.csv")  # the snapshot reads back as the same roster
    assert back.contracts == roster.contracts
    assert back.workers == {k: w.model_copy(update={"email": ""}) for k, w in roster.workers.items()}  # pay does not read e-mail addresses


def test_the_worker_list_is_read_again_after_a_change_of_the_record_and_not_after_a_view(store, tmp_path, monkeypatch):
    from payroll.record import directory
    from payroll.record.audit import record as audit_record
    from payroll.record.registers import record_resignation

    _load(store, tmp_path)
    reads = []
    plain = directory._directory
    monkeypatch.setattr(directory, "_directory", lambda s, day: reads.append(day) or plain(s, day))
    day = dt.date(2026, 1, 5)
    with store.session() as s:
        assert [r.status for r in directory.search(s, day, "W1")] == ["employed"]
    with store.session() as s:  # a page view or a download writes an audit row of another action: the rows are kept
        audit_record(s, "auditor", "payslip_view", "run/W1", clock=lambda: dt.datetime(2026, 1, 5, 9))
    with store.session() as s:
        assert len(directory.search(s, day)) == 2 and len(reads) == 1
    with store.session() as s:  # a change of the record: read again, and the list shows it
        record_resignation(s, "W1", "C1", dt.date(2026, 1, 20), "개인 사정", dt.date(2026, 1, 2), "clerk")
    with store.session() as s:
        assert [r.status for r in directory.search(s, day, "W1")] == ["leaving"]
    assert len(reads) == 2
