"""`payroll tax`, `payroll calc`, `payroll rules`: the calculation core."""

from __future__ import annotations

import datetime as dt

import click

from payroll import law as law_module
from payroll import withholding
from payroll.errors import InputError, dumps
from payroll.law import RuleError
from payroll.money import won


def _today() -> dt.date:
    return dt.date.today()


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

    pay_date = parse_date(date_text, "--date") or _today()
    if daily_wage is not None or days is not None:
        if wage is not None or family is not None:
            raise InputError("--daily-wage/--days and --wage/--family are separate modes; give one")
        if daily_wage is None or days is None:
            raise InputError("--daily-wage and --days go together")
        if daily_wage < 0:
            raise InputError("--daily-wage: must be ≥ 0")
        if days < 1:
            raise InputError("--days: must be ≥ 1")
        row = withholding.daily(daily_wage, days, pay_date)
        basis = f"일용근로자 일급 {won(daily_wage)}원 × {days}일"
    else:
        if wage is None or family is None:
            raise InputError("--wage and --family are required (or --daily-wage and --days)")
        if wage < 0:
            raise InputError("--wage: must be ≥ 0")
        if family < 1:
            raise InputError("--family: must be at least 1 (본인 included)")
        if children < 0:
            raise InputError("--children: must be ≥ 0")
        if children > family - 1:
            raise InputError(f"--children: {children} children must be counted in --family {family} (본인 included)")
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
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def calc_command(case_file, as_json):
    """한 근로자의 한 달: 지급액 → 4대보험 → 소득세 → 실지급액."""
    from payroll.case import load_case_file
    from payroll.result import calculate, render_table

    case = load_case_file(case_file)
    result = calculate(case)
    click.echo(dumps(result) if as_json else render_table(case, result))


@click.command("rules")
@click.option("--date", "date_text", help="기준일 YYYY-MM-DD (기본: 오늘)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def rules_command(date_text, as_json):
    """그날 시행 중인 모든 규칙과 근거."""
    from payroll.cli import parse_date
    from payroll.trace import _fmt

    day = parse_date(date_text, "--date") or _today()
    law = law_module.current()
    on = law.on(day)
    rows = []
    for param, period in sorted(on.items(), key=lambda pp: pp[0].name):
        value = period.value
        shown = won(value) if param.unit == "won" else _fmt(value)
        rows.append({"name": param.name, "label": param.label, "source": param.source, "value": shown, "from": period.start.isoformat(), "to": period.end.isoformat(), "reference": str(period.citation)})
    switches = [{"name": s.name, "decision": s.decision, "value": s.value, "default": s.default, "choices": list(s.choices)} for s in law.switches.values()]
    if not rows:
        raise RuleError(f"no rule is in force on {day.isoformat()}")
    if as_json:
        click.echo(dumps({"date": day.isoformat(), "rules_hash": law.content_hash, "parameters": rows, "switches": switches}))
        return
    click.echo(f"규칙 기준일 {day.isoformat()} — rules hash {law.content_hash[:16]}")
    for r in rows:
        click.echo(f"{r['name']:<52} {r['value']:>16}  {r['label']}")
        click.echo(f"{'':<52} {'':>16}  ↳ {r['reference']} [{r['from']}…{r['to']}]")
    click.echo("switches (decisions.md):")
    for s in switches:
        click.echo(f"  {s['name']} = {s['value']} ({s['decision']}; choices: {', '.join(s['choices'])})")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (tax_command, calc_command, rules_command):
        command.callback = guarded(command.callback)
        cli.add_command(command)
