"""`payroll attendance check` and `payroll attendance timesheet`: the fingerprint exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from payroll.errors import InputError


def _roster(roster: str | None, contracts: str | None):
    from payroll.roster import load_roster

    if (roster is None) != (contracts is None):
        raise InputError("--roster and --contracts go together")
    return load_roster(Path(roster), Path(contracts)) if roster else None


@click.group("attendance")
def attendance_group() -> None:
    """지문인식 출퇴근 기록: 검사와 근무상황부."""


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--roster", type=click.Path(dir_okay=False), help="roster.csv (명부): unknown ids and contract periods are checked")
@click.option("--contracts", type=click.Path(dir_okay=False), help="contracts.csv (근로계약)")
@click.option("--corrections", type=click.Path(dir_okay=False), help="보정 파일 CSV: worker_id,date,in,out,reason")
@click.option("--profile", help="기기 프로필 (rules/attendance/*.toml의 name; 기본: 헤더로 판별)")
@click.option("--month", help="YYYY-MM: 이 달 밖의 근무일은 other_month로 보고")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="보고서 XLSX 경로")
@click.option("--limit", type=int, default=200, show_default=True, help="화면에 보일 미해결 예외 수")
def check_command(files, roster, contracts, corrections, profile, month, out, limit):
    """출퇴근 기록 검사: 예외 보고 (exit 0 = 깨끗함, 1 = 미해결 예외, 2 = 읽을 수 없음)."""
    from payroll import law as law_module
    from payroll.attendance.checks import check_files
    from payroll.attendance.report import render_text, write_report

    r = _roster(roster, contracts)
    bounds = None
    dup = None
    if month:
        from payroll.timesheet.monthly import month_bounds

        bounds = month_bounds(month)
        dup = int(law_module.current().on(bounds[0])["timesheet.duplicate_window_minutes"])
    result = check_files([Path(f) for f in files], r, Path(corrections) if corrections else None, profile, dup, bounds)
    click.echo(render_text(result, limit))
    if out:
        write_report(result, out)
        click.echo(f"report: {out}")
    sys.exit(0 if result.clean else 1)


@click.command("timesheet")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--pay-date", "pay_date", required=True, help="지급일 YYYY-MM-DD")
@click.option("--roster", required=True, type=click.Path(dir_okay=False))
@click.option("--contracts", required=True, type=click.Path(dir_okay=False))
@click.option("--corrections", type=click.Path(dir_okay=False))
@click.option("--leave", type=click.Path(dir_okay=False), help="휴가 CSV: worker_id,date,kind,minutes")
@click.option("--overtime", type=click.Path(dir_okay=False), help="연장근로 승인 CSV: worker_id,date,start,end,reason")
@click.option("--profile")
@click.option("--worker", "worker_ids", multiple=True, help="이 근로자만 (여러 번 가능)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="근무상황부 XLSX를 쓸 폴더")
def timesheet_command(files, month, pay_date, roster, contracts, corrections, leave, overtime, profile, worker_ids, out_dir):
    """근무상황부와 그달 지급항목 (시간 → 임금)."""
    from payroll.cli import parse_date
    from payroll.money import won
    from payroll.pay_items import current as catalogue
    from payroll.timesheet.monthly import MonthInputs, build_month_detail
    from payroll.timesheet.sheet import write_worker_sheets

    r = _roster(roster, contracts)
    inputs = MonthInputs(
        month=month, pay_date=parse_date(pay_date, "--pay-date"), roster=r, attendance=tuple(Path(f) for f in files),
        corrections=Path(corrections) if corrections else None, leave=Path(leave) if leave else None,
        overtime=Path(overtime) if overtime else None, profile=profile,
    )
    detail = build_month_detail(inputs)
    build = detail.build
    ids = list(worker_ids) or build.workers.get_column("worker_id").to_list()
    unknown = [w for w in ids if w not in set(build.workers.get_column("worker_id").to_list())]
    if unknown:
        raise InputError(f"--worker: no contract in {month} for {', '.join(unknown)}")
    cat = catalogue()
    for wid in ids if worker_ids else []:
        w = build.workers.filter(build.workers["worker_id"] == wid).row(0, named=True)
        click.echo(f"{wid} {w['name']} ({w['pay_type']}, 계약 {w['contract_id']})")
        for it in build.items.filter(build.items["row"] == w["row"]).iter_rows(named=True):
            click.echo(f"  {cat.label(it['code']):<12} {won(it['amount']):>12}원  {it['method']}")
    total = int(build.items.get_column("amount").sum() or 0)
    open_errors = build.exceptions.filter((build.exceptions["severity"] == "error") & build.exceptions["resolved_by"].is_null()).height
    click.echo(f"{month}: {build.workers.height} workers, {build.items.height} pay lines, total {won(total)}원; open attendance exceptions {open_errors}; warnings {len(build.warnings)}")
    for text in build.warnings[:50]:
        click.echo(f"  warning: {text}")
    if out_dir:
        paths = write_worker_sheets(detail, out_dir, ids)
        click.echo(f"근무상황부: {len(paths)} files in {out_dir}")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (check_command, timesheet_command):
        command.callback = guarded(command.callback)
        attendance_group.add_command(command)
    cli.add_command(attendance_group)
