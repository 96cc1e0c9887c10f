"""`payroll filing MONTH|YEAR` (the filing pack) and `payroll filing check FILE` (validate a record file)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from payroll.errors import InputError
from payroll.commands.runs import DB_HELP, _actor, _store


class _PeriodOrCommand(click.Group):
    """``payroll filing 2026-05`` is ``payroll filing pack 2026-05``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0][:1].isdigit():
            args = ["pack", *args]
        return super().parse_args(ctx, args)


@click.group("filing", cls=_PeriodOrCommand)
def filing_group() -> None:
    """신고 자료: payroll filing MONTH (월) | YEAR (연) | check FILE."""


@filing_group.command("pack")
@click.argument("period")
@click.option("--out", "out_dir", default="runs", show_default=True, type=click.Path(file_okay=False), help="파일은 OUT/filing/PERIOD/에")
@click.option("--date", "date_text", help="제출(작성)일 YYYY-MM-DD (기본: 오늘)")
@click.option("--with-rrn", is_flag=True, help="암호화 보관된 주민등록번호 전체를 씀 (PAYROLL_KEY/PAYROLL_KEY_FILE 필요); 기본: 가림")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="만드는 사람 (감사 기록; 기본: 로그인 이름)")
def pack_command(period, out_dir, date_text, with_rrn, db, by):
    """월 (YYYY-MM): 원천징수이행상황신고서 값·근로내용확인신고·4대보험 취득/상실·간이지급명세서; 연 (YYYY): 지급명세서 레코드·건강보험 보수총액."""
    from payroll.cli import parse_date
    from payroll.filings.config import load_filing_config
    from payroll.filings.pack import monthly_pack, write_pack, yearly_pack

    issued = parse_date(date_text, "--date") or dt.date.today()  # clock ok: the files' date; --date sets it
    store = _store(db)
    with store.session() as s:
        cfg = load_filing_config(session=s)
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            files, readme = monthly_pack(s, period, cfg, issued, with_rrn=with_rrn)
        elif re.fullmatch(r"\d{4}", period):
            files, readme = yearly_pack(s, int(period), cfg, issued, with_rrn=with_rrn)
        else:
            raise InputError(f"PERIOD: YYYY-MM(월)이나 YYYY(연)가 아닙니다: {period!r}")
    target, sums = write_pack(Path(out_dir), period, files, readme)
    with store.session() as s:
        store.audit(_actor(by), "filing.pack", period, {"files": sums, "with_rrn": with_rrn}, session=s)
    for line in readme:
        click.echo(line)
    click.echo(f"썼습니다: {target} (파일 {len(sums)}개 + README.txt)")


@filing_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--db", help=DB_HELP + "; 저장소가 있으면 그해 연말정산 결과와 대조")
@click.option("--no-db", is_flag=True, help="파일만 점검 (길이, 코드, 합계)")
def check_command(file, db, no_db):
    """지급명세서 레코드 파일 점검: 길이 (CP949 바이트), 코드, 합계, 저장된 연말정산 결과와의 대조. 오류가 있으면 종료 코드 1."""
    from payroll.filings.check import batch_rows, check_annual
    from payroll.filings.fixed import split_records

    data = Path(file).read_bytes()
    if len(data) > 500 * 1024 * 1024:
        raise InputError(f"{file}: 지급명세서 파일로 보기에는 너무 큽니다")
    first = split_records(data[:4096])[:1]
    if not first or first[0][:1] != b"A" or first[0][1:3] != b"20":
        raise InputError(f"{file}: 근로소득 지급명세서 파일이 아닙니다 (첫 레코드가 자료구분 20의 A 레코드가 아님)")
    against = None
    if not no_db:
        year_text = first[0][190:194].decode("ascii", "replace")
        if not year_text.isdigit():
            raise InputError(f"{file}: A 레코드의 귀속연도 {year_text!r}이(가) 연도가 아닙니다")
        with _store(db).session() as s:
            against = batch_rows(s, int(year_text))
        if not against:
            click.echo(f"참고: 저장소에 {year_text}년 연말정산 결과가 없습니다 — 파일만 점검합니다", err=True)
            against = None
    rep = check_annual(data, str(file), against)
    click.echo(f"{file}: 레코드 {rep.records:,}개 ({', '.join(f'{k} {v:,}' for k, v in sorted(rep.counts.items()))})")
    for e in rep.errors:
        click.echo(f"오류: {e}")
    for w in rep.warnings[:50]:
        click.echo(f"경고: {w}")
    if len(rep.warnings) > 50:
        click.echo(f"경고: … {len(rep.warnings) - 50:,}건 더")
    click.echo("통과" + (" (저장된 연말정산 결과와 대조함)" if against else "") if rep.ok else f"오류 {len(rep.errors):,}건")
    if not rep.ok:
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in filing_group.commands.values():
        command.callback = guarded(command.callback)
    cli.add_command(filing_group)
