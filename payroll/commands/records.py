"""`payroll import roster|contracts|opening|budgets FILE` and `payroll import template KIND FILE`: getting data into the record.

A roster or contracts file is read whole (every bad row named), compared with the record and shown
as a change set — new hires, leavers, changed terms, workers missing from the file — then applied
only when confirmed (``--yes``, or answering the question on a terminal). Nothing is deleted because
a row is missing. Every change is effective from ``--effective`` (default: the first day after the
last closed month) and goes to the audit log with ``--by`` and ``--reason``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from payroll.errors import InputError, dumps

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 ./payroll.db)"
IMPORT_LABELS = {"roster": "근로자 명부", "contracts": "근로계약"}  # the audit reason of an import names what it is


def preview_lines(cs) -> list[str]:
    """The change set as terminal lines (the console shows the same sections as tables)."""
    lines = [f"{cs.source}: 변경 적용일 {cs.effective if cs.effective.year > 1900 else '처음부터'}"]
    lines.append("  " + ", ".join(f"{k} {v}" for k, v in cs.counts().items()))
    for w in cs.new_workers:
        lines.append(f"  + 신규 채용   {w.worker_id:<10} {w.name} ({w.department})")
    for c in cs.new_contracts:
        lines.append(f"  + 신규 계약   {c.contract_id:<10} {c.worker_id} {c.start} ~ {c.end or '기간의 정함 없음'} {c.business}")
    for wid, end in cs.leavers:
        lines.append(f"  - 퇴직 예정   {wid:<10} 마지막 근무일 {end}")
    for ch in cs.worker_changes + cs.contract_changes:
        lines.append(f"  ~ 변경       {ch.target:<10} {ch.label}: {_shown(ch.old)} → {_shown(ch.new)}")
    for wid in cs.missing:
        lines.append(f"  ? 파일에 없음 {wid:<10} (기록에 그대로 둡니다)")
    return lines


def _shown(v) -> str:
    return "—" if v is None or v == "" else str(v)


def _confirm(yes: bool, as_json: bool) -> bool:
    if yes:
        return True
    if as_json or sys.stdin is None or not sys.stdin.isatty():
        return False
    return click.confirm("적용할까요?", default=False)


@click.group("import")
def import_group():
    """기록으로 가져오기: 근로자 명부, 근로계약, 기초 자료, 사업 예산 (미리 보기 뒤 확인하면 적용)."""


def _change_set_command(kind: str):
    @click.argument("file", type=click.Path(dir_okay=False, exists=True))
    @click.option("--effective", "effective_text", help="변경 적용일 YYYY-MM-DD (기본: 마지막 마감 달의 다음 날)")
    @click.option("--reason", default="", help="변경 사유 (감사 기록)")
    @click.option("--yes", is_flag=True, help="미리 보기 뒤 묻지 않고 적용")
    @click.option("--db", help=DB_HELP)
    @click.option("--by", help="가져오는 사람 (기본: 로그인 이름)")
    @click.option("--json", "as_json", is_flag=True, help="JSON 출력")
    def command(file, effective_text, reason, yes, db, by, as_json):
        from payroll.cli import parse_date
        from payroll.commands.runs import _actor, _store
        from payroll.csvfile import read_bounded
        from payroll.record import changes, files
        from payroll.store import personal

        store = _store(db)
        path = Path(file)
        items = files.read_roster_file(path) if kind == "roster" else files.read_contracts_file(path)
        with store.session() as s:
            effective = parse_date(effective_text, "--effective") or changes.default_effective(s)
            cs = (changes.roster_changes(s, items, effective, path.name) if kind == "roster"
                  else changes.contract_changes(s, items, effective, path.name))
            if as_json:
                doc = {"source": cs.source, "effective": cs.effective.isoformat(), "counts": cs.counts(), "missing": cs.missing,
                       "new_workers": [w.worker_id for w in cs.new_workers], "new_contracts": [c.contract_id for c in cs.new_contracts],
                       "leavers": [[w, d.isoformat()] for w, d in cs.leavers],
                       "changes": [{"target": c.target, "field": c.field, "old": _shown(c.old), "new": _shown(c.new)} for c in cs.worker_changes + cs.contract_changes]}
            else:
                for line in preview_lines(cs):
                    click.echo(line)
            rrn_note = ""
            if cs.empty:
                applied = False
                message = "바뀌는 것이 없습니다"
            elif _confirm(yes, as_json):
                changes.apply(s, cs, _actor(by), reason or f"가져오기: {IMPORT_LABELS.get(kind, kind)} {path.name}")
                # the file's 주민등록번호: the record has the masks; the full numbers encrypted per worker, the original sealed
                rrn_note = personal.keep_imported_rrns(s, read_bounded(path), path.suffix.lower(), _actor(by), path.name, per_worker=kind == "roster")
                applied, message = True, "적용했습니다"
            else:
                s.rollback()
                applied, message = False, "적용하지 않았습니다 (미리 보기만; 적용하려면 --yes)"
        if as_json:
            click.echo(dumps({**doc, "applied": applied, "rrn": rrn_note}))
        else:
            click.echo(message + (f" — {rrn_note}" if rrn_note else ""))

    command.__doc__ = {"roster": "근로자 명부 (CSV UTF-8/CP949 또는 XLSX, 한글 머리글) → 변경 미리 보기 → 적용.",
                       "contracts": "근로계약 (CSV 또는 XLSX) → 변경 미리 보기 → 적용. 갱신은 새 계약입니다 (이전 근무 기간은 그대로)."}[kind]
    return import_group.command(kind)(command)


_change_set_command("roster")
_change_set_command("contracts")


@import_group.command("opening")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--reason", default="", help="사유 (감사 기록)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="가져오는 사람 (기본: 로그인 이름)")
def import_opening(file, reason, db, by):
    """기초 자료 (이 시스템 이전): ytd.csv 연초부터의 급여·세액, wages.csv 이전 달 임금, leave_opening.csv 연차 이월, leave_history.csv 이전 휴가."""
    from payroll.commands.runs import _actor, _store
    from payroll.record.opening import KIND_LABELS, import_opening as do_import
    from payroll.record.people import roster_as_of

    store = _store(db)
    with store.session() as s:
        kind, count = do_import(s, Path(file), roster_as_of(s, dt.date(9999, 12, 31)), _actor(by), reason)
    click.echo(f"{Path(file).name}: {KIND_LABELS[kind]} {count}행을 기록했습니다")


@import_group.command("budgets")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--db", help=DB_HELP)
@click.option("--by", help="가져오는 사람 (기본: 로그인 이름)")
def import_budgets(file, db, by):
    """사업별 인건비 예산 (CSV 또는 XLSX: 사업, 연도, 예산)."""
    from payroll.commands.runs import _actor, _store
    from payroll.record.budgets import import_budgets as do_import

    store = _store(db)
    with store.session() as s:
        count = do_import(s, Path(file), _actor(by))
    click.echo(f"{Path(file).name}: 사업 예산 {count}건을 기록했습니다")


@import_group.command("template")
@click.argument("kind", type=click.Choice(["roster", "contracts", "budgets"]))
@click.argument("file", type=click.Path(dir_okay=False))
def import_template(kind, file):
    """빈 양식 (한글 머리글): FILE이 .csv면 CSV, 아니면 XLSX."""
    from payroll.record.files import template_bytes

    path = Path(file)
    if path.exists():
        raise InputError(f"{path}: 이미 있습니다; 새 파일 이름을 주세요")
    path.write_bytes(template_bytes(kind, "csv" if path.suffix.lower() == ".csv" else "xlsx"))
    click.echo(f"{path}: 빈 양식을 만들었습니다")


@click.group("budget")
def budget_group():
    """사업별 인건비: 예산 대비 집행, 계약 잔여, 연간 예상."""


@budget_group.command("show")
@click.argument("year", type=int)
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def budget_show(year, db, as_json):
    """사업별 예산, 집행, 계약 잔여, 12월까지 예상, 잔액 (초과 예상은 경고)."""
    from payroll.commands.runs import _store
    from payroll.money import won
    from payroll.record.budgets import year_figures

    with _store(db).session() as s:
        figures = list(year_figures(s, year).values())
    if as_json:
        click.echo(dumps([{"business": b.business, "budget": b.budget, "pay": b.pay, "employer": b.employer, "severance": b.severance, "spent": b.spent,
                           "committed": b.committed, "forecast": b.forecast, "left": b.left, "overrun": b.overrun} for b in figures]))
        return
    click.echo(f"{'사업':<20}{'예산':>16}{'집행':>16}{'계약 잔여':>16}{'연간 예상':>16}{'잔액':>16}")
    for b in figures:
        shown = lambda v: "—" if v is None else won(v)  # noqa: E731
        click.echo(f"{b.business:<20}{shown(b.budget):>16}{won(b.spent):>16}{won(b.committed):>16}{won(b.forecast):>16}{shown(b.left):>16}{'  초과 예상' if b.overrun else ''}")


@budget_group.command("report")
@click.argument("year", type=int)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False), help="XLSX 파일")
@click.option("--db", help=DB_HELP)
def budget_report(year, out_file, db):
    """인건비 보고서 XLSX: 사업별 요약과 사업·월별 집행."""
    from payroll.commands.runs import _store
    from payroll.record.budgets import report_xlsx

    with _store(db).session() as s:
        data = report_xlsx(s, year)
    Path(out_file).write_bytes(data)
    click.echo(out_file)


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for group in (import_group, budget_group):
        for sub in group.commands.values():
            sub.callback = guarded(sub.callback)
        cli.add_command(group)
