"""`payroll attendance check`, `timesheet` and `detect`: the fingerprint exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from payroll.errors import InputError


def _roster(roster: str | None, contracts: str | None):
    from payroll.roster import load_roster

    if (roster is None) != (contracts is None):
        raise InputError("--roster와 --contracts는 함께 주어야 합니다")
    return load_roster(Path(roster), Path(contracts)) if roster else None


DB_HELP = "데이터베이스 (설치 폴더의 프로필 위치: SQLite 파일 옆 profiles/; 기본 $PAYROLL_DB, 없으면 ./payroll.db)"


def _profiles(db: str | None):
    from payroll.attendance.profile_files import catalog, installation_dir

    return catalog(installation_dir(db))


@click.group("attendance")
def attendance_group() -> None:
    """지문인식 출퇴근 기록: 검사와 근무상황부."""


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--roster", type=click.Path(dir_okay=False), help="roster.csv (명부): 모르는 사번과 계약 기간을 검사")
@click.option("--contracts", type=click.Path(dir_okay=False), help="contracts.csv (근로계약)")
@click.option("--corrections", type=click.Path(dir_okay=False), help="보정 파일 CSV: worker_id,date,in,out,reason")
@click.option("--profile", help="기기 프로필: 이름, 별칭 또는 TOML 파일 경로 (기본: 설치 폴더의 프로필, 다음 내장 프로필 중 파일에 맞는 것)")
@click.option("--month", help="YYYY-MM: 이 달 밖의 근무일은 other_month로 보고")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="보고서 XLSX 경로")
@click.option("--limit", type=int, default=200, show_default=True, help="화면에 보일 미해결 예외 수")
@click.option("--db", help=DB_HELP)
def check_command(files, roster, contracts, corrections, profile, month, out, limit, db):
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
    result = check_files([Path(f) for f in files], r, Path(corrections) if corrections else None, profile, dup, bounds, profiles=_profiles(db))
    click.echo(render_text(result, limit))
    if out:
        write_report(result, out, r)
        click.echo(f"보고서: {out}")
    sys.exit(0 if result.clean else 1)


@click.command("timesheet")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--month", required=True, help="급여 달 YYYY-MM")
@click.option("--pay-date", "pay_date", required=True, help="지급일 YYYY-MM-DD")
@click.option("--roster", required=True, type=click.Path(dir_okay=False), help="roster.csv (명부)")
@click.option("--contracts", required=True, type=click.Path(dir_okay=False), help="contracts.csv (근로계약)")
@click.option("--corrections", type=click.Path(dir_okay=False), help="보정 파일 CSV: worker_id,date,in,out,reason")
@click.option("--leave", type=click.Path(dir_okay=False), help="휴가 CSV: worker_id,date,kind,minutes")
@click.option("--overtime", type=click.Path(dir_okay=False), help="연장근로 승인 CSV: worker_id,date,start,end,reason")
@click.option("--profile", help="기기 프로필: 이름, 별칭 또는 TOML 파일 경로")
@click.option("--worker", "worker_ids", multiple=True, help="이 근로자만 (여러 번 가능)")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="근무상황부 XLSX를 쓸 폴더")
@click.option("--db", help=DB_HELP)
def timesheet_command(files, month, pay_date, roster, contracts, corrections, leave, overtime, profile, worker_ids, out_dir, db):
    """근무상황부와 그달 지급항목 (시간 → 임금)."""
    from payroll.cli import parse_date
    from payroll.money import won
    from payroll.pay_items import current as catalogue
    from payroll.timesheet.monthly import MonthInputs, build_month_detail
    from payroll.timesheet.sheet import write_worker_sheets

    r = _roster(roster, contracts)
    if db is not None:  # the law with the figures entered beside that database (payroll rules announce --db)
        from payroll import installation

        installation.activate_for_database(db)
    inputs = MonthInputs(
        month=month, pay_date=parse_date(pay_date, "--pay-date"), roster=r, attendance=tuple(Path(f) for f in files),
        corrections=Path(corrections) if corrections else None, leave=Path(leave) if leave else None,
        overtime=Path(overtime) if overtime else None, profile=profile, profiles=_profiles(db),
    )
    detail = build_month_detail(inputs)
    build = detail.build
    ids = list(worker_ids) or build.workers.get_column("worker_id").to_list()
    unknown = [w for w in ids if w not in set(build.workers.get_column("worker_id").to_list())]
    if unknown:
        raise InputError(f"--worker: {month}에 계약이 없는 근로자: {', '.join(unknown)}")
    cat = catalogue()
    for wid in ids if worker_ids else []:
        w = build.workers.filter(build.workers["worker_id"] == wid).row(0, named=True)
        click.echo(f"{wid} {w['name']} ({w['pay_type']}, 계약 {w['contract_id']})")
        for it in build.items.filter(build.items["row"] == w["row"]).iter_rows(named=True):
            click.echo(f"  {cat.label(it['code']):<12} {won(it['amount']):>12}원  {it['method']}")
    total = int(build.items.get_column("amount").sum() or 0)
    open_errors = build.exceptions.filter((build.exceptions["severity"] == "error") & build.exceptions["resolved_by"].is_null()).height
    click.echo(f"{month}: 근로자 {build.workers.height}명, 지급 항목 {build.items.height}줄, 합계 {won(total)}원; 미해결 근태 오류 {open_errors}건; 경고 {len(build.warnings)}건")
    for text in build.warnings[:50]:
        click.echo(f"  경고: {text}")
    if out_dir:
        paths = write_worker_sheets(detail, out_dir, ids)
        click.echo(f"근무상황부: {out_dir}에 파일 {len(paths)}개")
    if open_errors:  # the pay lines stand only once every error is settled (a correction, or an answer)
        click.echo(f"미해결 근태 오류 {open_errors}건: `payroll attendance check`로 목록을 보세요", err=True)
        sys.exit(1)


@click.command("detect")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="제안할 프로필 이름 (기본: 파일 이름)")
@click.option("--save", is_flag=True, help="설치 폴더의 프로필 폴더에 NAME.toml로 저장")
@click.option("--db", help=DB_HELP)
def detect_command(file, name, save, db):
    """내보내기 파일을 살펴 프로필(TOML)을 제안: 인코딩, 구분자, 제목 행, 날짜·시각 형식, 열의 뜻."""
    from payroll.attendance.guarded import propose_untrusted
    from payroll.attendance.profile_files import installation_dir

    path = Path(file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
    proposal = propose_untrusted(raw, path, name, _profiles(db))  # a spreadsheet is read apart, under the limits
    if proposal.fits is not None:
        click.echo(f"# {path}: {proposal.notes[0]} — 새 프로필이 필요 없음 (--profile {proposal.fits})")
        return
    e = proposal.export
    click.echo(proposal.toml, nl=False)
    click.echo(f"# 이 프로필로 읽은 행 {e.frame.height}, 기록이 아닌 행 {e.skipped.height}, 해석하지 못한 행 {e.errors.height}")
    if save:
        import re

        stem = re.search(r'^name = "([^"]+)"', proposal.toml, re.M).group(1)  # type: ignore[union-attr]
        folder = installation_dir(db)
        target = folder / f"{stem}.toml"
        if target.exists():
            raise InputError(f"{target}: 같은 이름의 프로필이 이미 있습니다 (--name으로 다른 이름을 주세요)")
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(proposal.toml, encoding="utf-8")
        click.echo(f"# 저장함: {target} (--profile {stem}로 씁니다)")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (check_command, timesheet_command, detect_command):
        command.callback = guarded(command.callback)
        attendance_group.add_command(command)
    cli.add_command(attendance_group)
