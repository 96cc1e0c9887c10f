"""`payroll tax`, `payroll calc`, `payroll rules`: the calculation core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from payroll.errors import InputError, RuleError, dumps
from payroll.money import won


def today() -> dt.date:
    """The default of a command's --date when the user gives none (the only place a command reads the date)."""
    return dt.date.today()  # clock ok: a CLI default the user can override


@click.command("tax")
@click.option("--wage", type=int, help="월급여액 (원, 비과세 제외)")
@click.option("--family", type=int, help="공제대상가족 수 (본인 포함, 1 이상)")
@click.option("--children", type=int, default=0, show_default=True, help="8세 이상 20세 이하 자녀 수")
@click.option("--ratio", type=click.Choice(["80", "100", "120"]), default="100", show_default=True, help="원천징수 비율 (%)")
@click.option("--date", "date_text", help="지급일 YYYY-MM-DD (기본: 오늘)")
@click.option("--daily-wage", type=int, help="일용근로자 일급 (원)")
@click.option("--days", type=int, help="일용근로자 함께 지급하는 일수")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def tax_command(wage, family, children, ratio, date_text, daily_wage, days, as_json):
    """근로소득 원천징수세액 (간이세액표 또는 일용근로자)."""
    from payroll.cli import parse_date

    pay_date = parse_date(date_text, "--date") or today()
    if daily_wage is not None or days is not None:
        if wage is not None or family is not None:
            raise InputError("--daily-wage/--days와 --wage/--family는 서로 다른 방식입니다; 하나만 주세요")
        if daily_wage is None or days is None:
            raise InputError("--daily-wage와 --days는 함께 주어야 합니다")
        if daily_wage < 0:
            raise InputError("--daily-wage: 0 이상이어야 합니다")
        if days < 1:
            raise InputError("--days: 1 이상이어야 합니다")
        from payroll import withholding

        row = withholding.daily(daily_wage, days, pay_date)
        basis = f"일용근로자 일급 {won(daily_wage)}원 × {days}일"
    else:
        if wage is None or family is None:
            raise InputError("--wage와 --family가 필요합니다 (또는 --daily-wage와 --days)")
        if wage < 0:
            raise InputError("--wage: 0 이상이어야 합니다")
        if family < 1:
            raise InputError("--family: 1 이상이어야 합니다 (본인 포함)")
        if children < 0:
            raise InputError("--children: 0 이상이어야 합니다")
        if children > family - 1:
            raise InputError(f"--children: 자녀 {children}명은 --family {family}명 안에 세어야 합니다 (본인 포함)")
        from payroll import withholding

        row = withholding.monthly(wage, family, children, int(ratio), pay_date)
        basis = f"월급여액 {won(wage)}원, 가족 {family}명, 자녀 {children}명, {ratio}%"
    result = {"income_tax": row["income_tax"], "local_income_tax": row["local_income_tax"]}
    if as_json:
        click.echo(dumps(result))
    else:
        click.echo(f"{basis} (지급일 {pay_date.isoformat()})")
        click.echo(f"소득세      {won(result['income_tax']):>12}원")
        click.echo(f"지방소득세  {won(result['local_income_tax']):>12}원")


@click.command("calc")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--provisional", is_flag=True, help="잠정: 고시되지 않은 수치는 직전 수치로 (decision D14)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def calc_command(case_file, provisional, as_json):
    """한 근로자의 한 달: 지급액 → 4대보험 → 소득세 → 실지급액."""
    from payroll.case import load_case_file
    from payroll.result import calculate, render_table

    case = load_case_file(case_file)
    result = calculate(case, provisional=provisional)
    click.echo(dumps(result) if as_json else render_table(case, result))


DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 ./payroll.db); 입력한 고시 수치는 그 설치 폴더에 있습니다"


@click.group("rules", invoke_without_command=True)
@click.option("--date", "date_text", help="기준일 YYYY-MM-DD (기본: 오늘)")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
@click.pass_context
def rules_command(ctx, date_text, db, as_json):
    """그날 시행 중인 모든 규칙과 근거 (check / announce / confirm: 고시 수치의 상태와 입력)."""
    if ctx.invoked_subcommand is not None:
        return
    from payroll.cli import parse_date
    from payroll.trace import _fmt

    day = parse_date(date_text, "--date") or today()
    if db:
        _open(db)
    from payroll import law as law_module

    law = law_module.current()
    on = law.on(day)
    rows = []
    for param, period in sorted(on.items(), key=lambda pp: pp[0].name):
        value = period.value
        shown = won(value) if param.unit == "won" else _fmt(value)
        rows.append({"name": param.name, "label": param.label, "source": param.source, "value": shown, "from": period.start.isoformat(),
                     "to": "…" if period.open_ended else period.end.isoformat(), "state": param.state_on(day), "reference": str(period.citation)})
    switches = [{"name": s.name, "decision": s.decision, "value": s.value, "default": s.default, "choices": list(s.choices)} for s in law.switches.values()]
    if not rows:
        raise RuleError(f"{day.isoformat()}에 시행 중인 규칙이 없습니다")
    missing = [p.name for p in law.parameters.values() if p.state_on(day) == "missing"]
    if as_json:
        click.echo(dumps({"date": day.isoformat(), "rules_hash": law.content_hash, "parameters": rows, "missing": missing, "switches": switches}))
        return
    click.echo(f"규칙 기준일 {day.isoformat()} — 규칙 해시 {law.content_hash[:16]}")
    for r in rows:
        mark = {"unconfirmed": "  [고시 확인 전]", "announced": "  [설치본 입력]"}.get(r["state"], "")
        click.echo(f"{r['name']:<52} {r['value']:>16}  {r['label']}{mark}")
        click.echo(f"{'':<52} {'':>16}  ↳ {r['reference']} [{r['from']}…{r['to']}]")
    for name in missing:
        click.echo(f"{name:<52} {'미고시':>16}  {law.parameter(name).label} — payroll rules check {day:%Y-%m}")
    click.echo("선택 사항 (decisions.md):")
    for s in switches:
        click.echo(f"  {s['name']} = {s['value']} ({s['decision']}; 고를 수 있는 값: {', '.join(s['choices'])})")


def _open(db):
    from payroll.store import open_store

    return open_store(db)


@rules_command.command("check")
@click.argument("month")
@click.option("--pay-date", "pay_date_text", help="지급일 YYYY-MM-DD (원천징수 수치의 기준일; 기본: 입력 폴더의 MONTH/run.toml 또는 employer.toml의 임금지급일)")
@click.option("--inputs", "inputs_dir", type=click.Path(file_okay=False, path_type=Path), default="inputs", show_default=True,
              help="지급일을 읽을 입력 폴더 (payroll run 과 같은 폴더)")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def rules_check_command(month, pay_date_text, inputs_dir, db, as_json):
    """그 달에 필요한 모든 수치와 상태: 시행 중, 설치본 입력, 고시 확인 전, 미고시 (exit 1: 미고시가 있음).

    보험료·임금·사업장 수치는 그 달의 날짜로, 원천징수 (간이세액표, 비과세 한도)는 지급일로 본다:
    12월분을 1월에 지급하면 보험료는 12월 것, 세액표는 1월에 시행 중인 것."""
    import sys

    from payroll.cli import parse_date
    from payroll.runs.figures import STATE_LABELS, expected_pay_date, month_states
    from payroll.runs.inputs import check_month

    check_month(month)
    _open(db)
    from payroll import law as law_module

    pay_date = parse_date(pay_date_text, "--pay-date") or expected_pay_date(inputs_dir, month)
    states = month_states(law_module.current(), month, pay_date)
    missing = [r for r in states if r.state == "missing"]
    if as_json:
        click.echo(dumps({"month": month, "pay_date": pay_date.isoformat() if pay_date else None, "missing": len(missing),
                          "figures": [r.as_dict() for r in states]}))
    else:
        counts = {}
        for r in states:
            counts[r.state] = counts.get(r.state, 0) + 1
        paid = f"지급일 {pay_date.isoformat()}" if pay_date else "지급일 모름 (--pay-date): 원천징수 수치도 그 달의 날짜로 봄"
        click.echo(f"{month} ({paid}): " + ", ".join(f"{STATE_LABELS[k]} {v}" for k, v in counts.items()))
        for r in states:
            if r.state == "in_force":
                continue
            click.echo(f"[{STATE_LABELS[r.state]}] {r.key} — {r.label}: {r.value} ({r.period})")
            click.echo(f"    {r.reference}")
            if r.command:
                click.echo(f"    → {r.command}")
        if missing:
            click.echo(f"{len(missing)}건 미고시: 입력하기 전에는 {month} 정기 run이 거부됩니다 (--provisional 로 잠정 지급 가능).")
    sys.exit(1 if missing else 0)


@rules_command.command("announce")
@click.argument("key")
@click.option("--from", "start_text", required=True, help="적용 시작일 YYYY-MM-DD")
@click.option("--to", "end_text", help="적용 종료일 YYYY-MM-DD (생략: 개정 전까지)")
@click.option("--value", "value_text", required=True, help="값: 원 (12,500), 요율 (0.0359 또는 3.59%), 표 (TOML)")
@click.option("--source", required=True, help="근거 고시·문서 (예: \"보건복지부 고시 제2026-…호\")")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="입력자 (감사 기록; 기본: 로그인 이름)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def rules_announce_command(key, start_text, end_text, value_text, source, db, by, as_json):
    """고시된 수치를 설치본 규칙에 입력 (검증·감사 기록; 잠정 run이 있으면 그 목록과 정산 방법)."""
    from payroll.cli import parse_date
    from payroll.commands.runs import _actor
    from payroll.runs.figures import announce

    start = parse_date(start_text, "--from")
    end = parse_date(end_text, "--to")
    result = announce(_open(db), key, start, end, value_text, source, _actor(by))
    if as_json:
        click.echo(dumps(result))
        return
    click.echo(f"입력: {result['key']} ({result['label']}) = {result['value']}, {result['from']}…{result['to'] or ''} — {result['source']}")
    click.echo(f"  {result['file']} (규칙 해시 {result['rules_hash'][:16]})")
    for a in result["affected"]:
        click.echo(f"  잠정 run {a['run_id']} ({a['month']}): {a['next_step']}")


@rules_command.command("confirm")
@click.argument("key")
@click.option("--year", type=int, required=True, help="확인한 연도")
@click.option("--source", required=True, help="확인 근거 (개정 없음을 확인한 고시·보도자료)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="입력자 (감사 기록; 기본: 로그인 이름)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def rules_confirm_command(key, year, source, db, by, as_json):
    """개정 전까지 적용하는 요율을 그 해에 대해 확인 (이후 run은 '고시 확인 전'이라 하지 않음)."""
    from payroll.commands.runs import _actor
    from payroll.runs.figures import confirm

    result = confirm(_open(db), key, year, source, _actor(by))
    if as_json:
        click.echo(dumps(result))
        return
    click.echo(f"확인: {result['key']} ({result['label']}) {result['year']}년 — {result['source']} (확인 범위 …{result['confirmed_to']})")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (tax_command, calc_command, rules_command, rules_check_command, rules_announce_command, rules_confirm_command):
        command.callback = guarded(command.callback)
    for command in (tax_command, calc_command, rules_command):
        cli.add_command(command)
