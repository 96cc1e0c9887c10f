"""`payroll leave ledger|report|notices`: the 연차 ledger, the month's report, the §61 notices.

Inputs (defaults in the data directory ``--data-dir``, env ``PAYROLL_DATA``, else ``./data``):
  --roster roster.csv, --contracts contracts.csv, --leave leave.csv (optional if missing),
  --attendance-summary FILE (optional; without it scheduled days not on unpaid leave count as
  attended, and the output says so), --register leave_notices.csv (the notice register),
  --opening leave_opening.csv (optional: unused 연차 carried in on a date; the ledger starts there).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from payroll.errors import InputError, dumps

DATA_ENV = "PAYROLL_DATA"


def _data_dir(value: str | None) -> Path:
    return Path(value or os.environ.get(DATA_ENV) or "data")


def input_options(fn):
    options = [
        click.option("--data-dir", help=f"입력 폴더 (기본: ${DATA_ENV} 또는 ./data)"),
        click.option("--roster", "roster_path", help="roster.csv (기본: DATA/roster.csv)"),
        click.option("--contracts", "contracts_path", help="contracts.csv (기본: DATA/contracts.csv)"),
        click.option("--leave", "leave_path", help="휴가 파일 worker_id,date,kind,minutes (기본: DATA/leave.csv, 없으면 휴가 없음)"),
        click.option("--attendance-summary", "attendance_path", help="일별 출근 요약 worker_id,date,scheduled,attended,counted_as_attended"),
        click.option("--register", "register_path", help="사용촉진 기록부 CSV (기본: DATA/leave_notices.csv)"),
        click.option("--opening", "opening_path", help="이월 잔여 worker_id,as_of,minutes,note (기본: DATA/leave_opening.csv, 없으면 이월 없음)"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


class Inputs:
    def __init__(self, data_dir, roster_path, contracts_path, leave_path, attendance_path, register_path, opening_path=None):
        from payroll.leave.inputs import load_attendance, load_leave, load_opening, load_register
        from payroll.roster import load_roster

        base = _data_dir(data_dir)
        self.roster = load_roster(Path(roster_path or base / "roster.csv"), Path(contracts_path or base / "contracts.csv"))
        leave = Path(leave_path) if leave_path else base / "leave.csv"
        if leave_path and not leave.exists():
            raise InputError(f"{leave}: 읽을 수 없습니다 (파일이 없습니다)")
        self.leave = load_leave(leave if leave.exists() else None, self.roster)
        self.attendance = load_attendance(Path(attendance_path)) if attendance_path else None
        self.register_path = Path(register_path) if register_path else base / "leave_notices.csv"
        self.notices = load_register(self.register_path)
        opening = Path(opening_path) if opening_path else base / "leave_opening.csv"
        if opening_path and not opening.exists():
            raise InputError(f"{opening}: 읽을 수 없습니다 (파일이 없습니다)")
        self.opening = load_opening(opening if opening.exists() else None, self.roster)
        from payroll import law as law_module

        self.law = law_module.current()

    def ledgers(self, as_of: dt.date, workers: list[str] | None = None):
        from payroll.leave.roster_ledgers import build_ledgers

        return build_ledgers(self.roster, self.leave, as_of, attendance=self.attendance, notices=self.notices, law=self.law, workers=workers,
                             opening=self.opening)


def _month(value: str) -> str:
    from payroll.security.identifiers import check_month

    return check_month(value)  # it names the report file


@click.group("leave")
def leave_group() -> None:
    """연차 유급휴가: 원장, 월 보고서, 사용촉진 통지."""


@leave_group.command("ledger")
@click.argument("worker_id")
@click.option("--as-of", "as_of_text", help="기준일 YYYY-MM-DD (기본: 오늘)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
@input_options
def ledger_command(worker_id, as_of_text, as_json, **paths):
    """한 근로자의 연차 원장 (발생·사용·수당·소멸, 근거 조문)."""
    from payroll.cli import parse_date
    from payroll.commands.core import today
    from payroll.leave.report import ledger_json, render_ledger_text

    as_of = parse_date(as_of_text, "--as-of") or today()
    inputs = Inputs(**paths)
    if worker_id not in inputs.roster.workers:
        raise InputError(f"WORKER_ID: {worker_id!r}은(는) 명부(roster.csv)에 없습니다")
    ledgers = inputs.ledgers(as_of, [worker_id])
    if worker_id not in ledgers:
        raise InputError(f"WORKER_ID: {worker_id!r}의 계약이 contracts.csv에 없습니다")
    data = ledger_json(ledgers[worker_id], inputs.roster, inputs.law, inputs.notices)
    click.echo(dumps(data) if as_json else render_ledger_text(data))


@leave_group.command("report")
@click.argument("month")
@click.option("--out", "out_dir", default=".", show_default=True, help="출력 폴더")
@input_options
def report_command(month, out_dir, **paths):
    """월 연차 보고서 XLSX: 발생, 사용, 잔여, 3개월 내 소멸, 사용촉진 대상."""
    from payroll.leave.pay import month_bounds
    from payroll.leave.report import month_report

    _, last = month_bounds(_month(month))
    inputs = Inputs(**paths)
    ledgers = inputs.ledgers(last)
    data = month_report(ledgers, inputs.roster, month, inputs.law, inputs.notices)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from payroll.security.identifiers import contained

    target = contained(out, f"leave-report-{month}.xlsx")
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    exceptions = sum(len(l.exceptions) for l in ledgers.values())
    click.echo(f"{target} (근로자 {len(ledgers)}명, 예외 {exceptions}건)")


@leave_group.command("notices")
@click.option("--due", "due_text", required=True, help="통지일 YYYY-MM-DD: 이날 창이 열려 있는 사용촉진을 만듭니다")
@click.option("--out", "out_dir", required=True, help="PDF 출력 폴더")
@click.option("--employer", default="사용자", show_default=True, help="통지서의 사용자 명칭")
@click.option("--no-record", is_flag=True, help="기록부에 통지일을 남기지 않음 (미리보기)")
@input_options
def notices_command(due_text, out_dir, employer, no_record, **paths):
    """사용촉진 통지서 PDF (§61 1차·2차, 1년 미만 단축 기한 포함)와 기록부 기록."""
    from payroll.cli import parse_date
    from payroll.documents.leave_notice import LeaveNoticeData, render_notice
    from payroll.leave.inputs import Notice, append_register
    from payroll.leave.amounts import leave_day_minutes
    from payroll.leave.notices import designate_days, notices_for

    day = parse_date(due_text, "--due")
    inputs = Inputs(**paths)
    ledgers = inputs.ledgers(day)
    documents: list[tuple[str, bytes]] = []
    records: list[Notice] = []
    for wid in sorted(ledgers):
        ledger = ledgers[wid]
        worker = inputs.roster.workers[wid]
        for due in notices_for(ledger, day, inputs.law, inputs.notices):
            if due.status != "due":
                continue
            contract = inputs.roster.contract_on(wid, day) or inputs.roster.contracts_of(wid)[-1]
            second = due.stage in ("second", "second_late")
            reply = inputs.law.on(day)["annual_leave.promotion_reply_days"]
            data = LeaveNoticeData(
                worker_id=wid, name=worker.name, department=worker.department, stage=due.stage, stage_label=due.label,
                notice_date=day, period_end=due.period_end, reply_by=None if second else day + dt.timedelta(days=reply),
                minutes=due.minutes, day_minutes=leave_day_minutes(contract, inputs.law, day), article=due.article, employer=employer,
                designated=tuple(designate_days(ledger, due, inputs.leave, inputs.law)) if second else (),
            )
            documents.append((f"leave-notice-{wid}-{due.period_end.isoformat()}-{due.stage}.pdf", render_notice(data)))
            records.append(Notice(wid, due.period_end, due.stage, day, due.minutes))
    out = Path(out_dir)
    from payroll.security.identifiers import contained

    out.mkdir(parents=True, exist_ok=True)
    for name, pdf in documents:  # every document first; the register only after all are written
        target = contained(out, name)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(pdf)
        tmp.replace(target)
    if records and not no_record:
        append_register(inputs.register_path, records)
    click.echo(f"통지서 {len(documents)}건: {out}" + ("" if no_record or not records else f"; 기록부에 기록: {inputs.register_path}"))
    for name, _ in documents:
        click.echo(f"  {name}")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in leave_group.commands.values():
        command.callback = guarded(command.callback)
    cli.add_command(leave_group)
