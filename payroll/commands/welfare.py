"""`payroll welfare insurance enrol|plans|report` and `payroll welfare fertility apply|decide|cancel|report`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from payroll.csvfile import read_rows

from payroll.errors import InputError, dumps
from payroll.money import won


def _law(db: str | None = None):
    """The law in force, with the figures HR entered beside ``db`` (``payroll rules announce --db`` writes
    them in that database's installation folder; the database itself is not opened or made)."""
    from payroll import installation
    from payroll import law as law_module

    if db is not None:
        installation.activate_for_database(db)
    return law_module.current()


def _roster(roster_csv: str | None, contracts_csv: str | None, db: str | None = None):
    """The workers and contracts: the record (``--db``), or ``--roster`` and ``--contracts`` files when given."""
    from payroll.roster import load_roster

    if (roster_csv is None) != (contracts_csv is None):
        raise InputError("--roster와 --contracts는 함께 주어야 합니다 (둘 다 없으면 --db의 기록)")
    if roster_csv is not None:
        return load_roster(Path(roster_csv), Path(contracts_csv))
    from payroll.record.people import roster_as_of

    with _store(db).session() as s:
        roster = roster_as_of(s, dt.date(9999, 12, 31))
    if not roster.workers:
        raise InputError("기록에 근로자가 아직 없습니다: payroll import roster FILE (또는 --roster와 --contracts를 주세요)")
    return roster


def _store(db: str | None):
    from payroll.store import open_store

    return open_store(db)


def _date(value: str | None, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: 날짜(YYYY-MM-DD)가 아닙니다: {value!r}") from None


def _datetime(value: str | None, where: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        out = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: 날짜·시각(YYYY-MM-DDTHH:MM[:SS])이 아닙니다: {value!r}") from None
    if out.tzinfo is not None:
        raise InputError(f"{where}: 시간대 없이 현지 시각으로 주세요: {value!r}")
    return out


def _int(value: str, where: str) -> int:
    try:
        return int(value.replace(",", ""))
    except ValueError:
        raise InputError(f"{where}: 원 단위 정수가 아닙니다: {value!r}") from None


roster_options = [
    click.option("--roster", "roster_csv", type=click.Path(dir_okay=False), help="roster.csv (기본: --db의 기록)"),
    click.option("--contracts", "contracts_csv", type=click.Path(dir_okay=False), help="contracts.csv (--roster와 함께)"),
]
db_option = click.option("--db", help="데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 payroll.db)")


def with_roster(fn):
    for opt in reversed(roster_options):
        fn = opt(fn)
    return fn


@click.group("welfare")
def welfare_group() -> None:
    """복리후생: 단체보험 선택보장, 난임 시술비 지원."""


@welfare_group.group("insurance")
def insurance_group() -> None:
    """단체보험 선택보장: 가입, 플랜, 보고서."""


@welfare_group.group("fertility")
def fertility_group() -> None:
    """난임 시술비 지원: 신청, 결정, 취소, 보고서."""


# --- insurance -------------------------------------------------------------------------------


@insurance_group.command("enrol")
@with_roster
@db_option
@click.option("--worker", "worker_id", help="근로자 사번 worker_id")
@click.option("--plan", help="플랜 코드 (`payroll welfare insurance plans` 참고)")
@click.option("--start", "start_text", help="보장 시작일 YYYY-MM-DD")
@click.option("--end", "end_text", help="보장 종료일 YYYY-MM-DD (기본: 고용이 끝날 때)")
@click.option("--id", "enrolment_id", help="가입 번호 (기본 GI-00001, …)")
@click.option("--file", "file_path", type=click.Path(dir_okay=False), help="CSV 파일: worker_id, plan, start[, end, enrolment_id]")
def insurance_enrol(roster_csv, contracts_csv, db, worker_id, plan, start_text, end_text, enrolment_id, file_path):
    """단체보험 가입 등록 (한 명 또는 CSV 파일)."""
    from payroll.welfare import service

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    if file_path:
        if worker_id or plan or start_text or end_text or enrolment_id:
            raise InputError("--file과 --worker/--plan/--start/--end/--id는 서로 다른 방식입니다; 하나만 주세요")
        rows = [
            (f"{file_path}: {line}행", r["worker_id"], r["plan"], _date(r["start"], f"{file_path}: {line}행: start"), _date(r.get("end"), f"{file_path}: {line}행: end"), r.get("enrolment_id") or None)
            for line, r in read_rows(file_path, ("worker_id", "plan", "start"), ("end", "enrolment_id"))
        ]
    else:
        if not (worker_id and plan and start_text):
            raise InputError("--worker, --plan, --start가 필요합니다 (또는 --file)")
        rows = [("", worker_id, plan, _date(start_text, "--start"), _date(end_text, "--end"), enrolment_id)]
    store = _store(db)
    with store.session() as s:
        for where, wid, pl_code, start, end, eid in rows:
            if start is None:
                raise InputError(f"{where}: start: 값이 없습니다")
            try:
                e, p = service.enrol(s, law, roster, wid, pl_code, start, end, eid)
            except InputError as exc:
                raise InputError(f"{where}: {exc}" if where else str(exc)) from None
            store.audit("cli", "welfare.insurance.enrol", e.enrolment_id, {"worker_id": wid, "plan": pl_code, "start": start.isoformat(), "end": end.isoformat() if end else None}, session=s)
            click.echo(f"{e.enrolment_id} {wid} {p.label} ({p.code}) {start}…{end or '계약 종료'}: 연 보험료 {won(p.premium_yearly)}원, {p.billing} 청구, 보장 {', '.join(p.covers)}")


@insurance_group.command("plans")
@click.option("--date", "date_text", required=True, help="기준일 YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def insurance_plans(date_text, as_json):
    """그날 제공되는 단체보험 플랜."""
    from payroll.welfare import group_insurance as gi

    day = _date(date_text, "--date")
    plans = gi.plans_on(_law(), day)
    rows = [{"plan": p.code, "label": p.label, "covers": list(p.covers), "premium_yearly": p.premium_yearly, "billing": p.billing, "employment": list(p.employment), "min_contract_months": p.min_contract_months} for p in plans.values()]
    if as_json:
        click.echo(dumps({"date": day.isoformat(), "plans": rows}))
        return
    for r in rows:
        click.echo(f"{r['plan']:<10} {r['label']}  연 {won(r['premium_yearly'])}원 ({r['billing']})  대상 {', '.join(r['employment'])}, 계약 {r['min_contract_months']}개월 이상")
        click.echo(f"{'':<10} 보장: {', '.join(r['covers'])}")


@insurance_group.command("report")
@with_roster
@db_option
@click.option("--year", type=int, required=True, help="연도")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="보고서를 XLSX 파일로도 씀")
def insurance_report(roster_csv, contracts_csv, db, year, as_json, xlsx_path):
    """가입자 (플랜·부서별), 연간 보험료, 근로자별 과세 초과분."""
    from payroll.welfare import service
    from payroll.welfare.report_files import insurance_report_xlsx

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    with _store(db).session() as s:
        report = service.insurance_report(law, roster, service.enrolments(s), year, service.payments(s))
    if xlsx_path:
        _write(xlsx_path, insurance_report_xlsx(report))
    if as_json:
        click.echo(dumps(report))
        return
    click.echo(f"단체보험 {year}년 — 비과세 한도 연 {won(report['non_taxable_limit'])}원 (소득세법 시행령 §17의4)")
    click.echo("가입자 (플랜·부서별)")
    for r in report["enrolled_by_plan_and_department"]:
        click.echo(f"  {r['plan_label']:<8} {r['department']:<16} {r['workers']:>5}명")
    click.echo("연간 보험료 (사용자 부담)")
    for r in report["premium_cost"]:
        click.echo(f"  {r['plan_label']:<8} {r['workers']:>5}명 {won(r['premium']):>16}원")
    click.echo(f"  {'합계':<14} {won(report['premium_cost_total']):>16}원")
    click.echo("과세 초과분 (근로자별)")
    for r in report["taxable_excess_by_worker"]:
        click.echo(f"  {r['worker_id']:<12} {r['department'] or '':<10} 보험료 {won(r['premium']):>12}원  과세 {won(r['taxable']):>10}원  (급여 반영 {won(r['taxed_in_runs'])}원)")
    for r in report["taxable_excess_by_month"]:
        state = "급여 반영" if r["paid_in_run"] else "예정"
        click.echo(f"    {r['worker_id']} {r['month']} [{state}]: {r['method']}")
    for r in report["cover_notes"]:
        click.echo(f"  ※ {r['enrolment_id']} {r['worker_id']} {r['plan']}: {r['note']}")


# --- fertility -------------------------------------------------------------------------------


@fertility_group.command("apply")
@with_roster
@db_option
@click.option("--worker", "worker_id", help="근로자 사번 worker_id")
@click.option("--treatment-date", "treatment_text", help="시술일 YYYY-MM-DD")
@click.option("--cost", "cost_text", help="증빙된 시술비 (원)")
@click.option("--evidence", help="증빙 참조 (영수증 번호 등)")
@click.option("--submitted-at", "submitted_text", help="신청 일시 YYYY-MM-DDTHH:MM")
@click.option("--id", "application_id", help="신청 번호 (기본 F<연도>-<순번>)")
@click.option("--file", "file_path", type=click.Path(dir_okay=False), help="CSV 파일: worker_id, treatment_date, cost, evidence, submitted_at[, application_id]")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def fertility_apply(roster_csv, contracts_csv, db, worker_id, treatment_text, cost_text, evidence, submitted_text, application_id, file_path, as_json):
    """난임 시술비 신청 등록 → 신청 순서대로 승인 또는 대기 (예산 소진 시 대기)."""
    from payroll.welfare import service
    from payroll.welfare.fertility import WAITLISTED

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    if file_path:
        if any(v is not None for v in (worker_id, treatment_text, cost_text, evidence, submitted_text, application_id)):
            raise InputError("--file과 한 건 신청 옵션은 서로 다른 방식입니다; 하나만 주세요")
        rows = []
        for line, r in read_rows(file_path, ("worker_id", "treatment_date", "cost", "evidence", "submitted_at"), ("application_id",)):
            where = f"{file_path}: {line}행"
            rows.append((where, r["worker_id"], _date(r["treatment_date"], f"{where}: treatment_date"), _int(r["cost"], f"{where}: cost"), r["evidence"], _datetime(r["submitted_at"], f"{where}: submitted_at"), r.get("application_id") or None))
        rows.sort(key=lambda x: x[5] or dt.datetime.min)  # submission order; stable for ties (file order)
    else:
        missing = [o for o, v in (("--worker", worker_id), ("--treatment-date", treatment_text), ("--cost", cost_text), ("--evidence", evidence), ("--submitted-at", submitted_text)) if v is None]
        if missing:
            raise InputError(f"{', '.join(missing)}이(가) 필요합니다 (또는 --file)")
        rows = [("", worker_id, _date(treatment_text, "--treatment-date"), _int(cost_text, "--cost"), evidence, _datetime(submitted_text, "--submitted-at"), application_id)]
    store = _store(db)
    decisions = []
    with store.session() as s:
        for where, wid, tdate, cost, ev, sub, aid in rows:
            if tdate is None or sub is None:
                raise InputError(f"{where}: treatment_date와 submitted_at이 필요합니다")
            d = service.apply(s, law, roster, wid, tdate, cost, ev, sub, aid, where)
            store.audit("cli", "welfare.fertility.apply", d.application_id, {"status": d.status, "amount": d.amount}, session=s)
            decisions.append(d)
    if as_json:
        click.echo(dumps([service.decision_row(d) for d in decisions]))
    else:
        for d in decisions:
            click.echo(service.describe(d))
    for d in decisions:
        if d.status == WAITLISTED:
            click.echo(f"예산 소진: {d.application_id} 대기 — {d.reason}", err=True)


@fertility_group.command("decide")
@with_roster
@db_option
@click.option("--applications", "apps_file", type=click.Path(dir_okay=False), help="데이터베이스 없이 신청 CSV를 결정")
@click.option("--cancellations", "cancels_file", type=click.Path(dir_okay=False), help="--applications와 함께: 취소 CSV application_id, cancelled_at[, reason]")
@click.option("--year", type=int, help="이 지원 연도만")
@click.option("--as-of", "as_of_text", help="이 일시까지의 기록만 재생")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def fertility_decide(roster_csv, contracts_csv, db, apps_file, cancels_file, year, as_of_text, as_json):
    """신청·취소를 신청 순서대로 재생한 결정 (결정은 입력의 순수 함수)."""
    from payroll.welfare import fertility as fx
    from payroll.welfare import service

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    as_of = _datetime(as_of_text, "--as-of")
    if apps_file:
        apps, seen = [], set()
        for line, r in read_rows(apps_file, ("worker_id", "treatment_date", "cost", "evidence", "submitted_at"), ("application_id",)):
            where = f"{apps_file}: {line}행"
            a = fx.Application(
                r.get("application_id") or f"row{line}", r["worker_id"], _date(r["treatment_date"], f"{where}: treatment_date"), _int(r["cost"], f"{where}: cost"),
                r["evidence"], _datetime(r["submitted_at"], f"{where}: submitted_at"),
            )
            if a.application_id in seen:
                raise InputError(f"{where}: application_id: {a.application_id!r}이(가) 두 번 있습니다")
            if a.cost < 0:
                raise InputError(f"{where}: cost: 0 이상이어야 합니다 (받은 값 {a.cost})")
            if a.worker_id not in roster.workers:
                raise InputError(f"{where}: worker_id: {a.worker_id!r}은(는) 명부(roster)에 없습니다")
            seen.add(a.application_id)
            apps.append(a)
        cancels = []
        if cancels_file:
            for line, r in read_rows(cancels_file, ("application_id", "cancelled_at"), ("reason",)):
                cancels.append(fx.Cancellation(r["application_id"], _datetime(r["cancelled_at"], f"{cancels_file}: {line}행: cancelled_at"), r.get("reason", "")))
        led = service.replay(law, roster, apps, cancels, as_of)
    else:
        if cancels_file:
            raise InputError("--cancellations는 --applications와 함께 씁니다")
        with _store(db).session() as s:
            led = service.ledger(s, law, roster, as_of)
    rows = [d for d in led.decisions.values() if year is None or d.year == year]
    if as_json:
        years = sorted({d.year for d in rows})
        click.echo(dumps({"decisions": [service.decision_row(d) for d in rows], "budget": {str(y): {"budget": led.budget.get(y, 0), "used": led.used.get(y, 0), "remaining": led.remaining(y)} for y in years}}))
        return
    for d in rows:
        click.echo(service.describe(d))
    for y in sorted({d.year for d in rows}):
        click.echo(f"{y}년 예산 {won(led.budget.get(y, 0))}원, 승인 {won(led.used.get(y, 0))}원, 잔액 {won(led.remaining(y))}원")


@fertility_group.command("cancel")
@with_roster
@db_option
@click.argument("application_id")
@click.option("--at", "at_text", required=True, help="취소 일시 YYYY-MM-DDTHH:MM")
@click.option("--reason", default="", help="취소 사유")
def fertility_cancel(roster_csv, contracts_csv, db, application_id, at_text, reason):
    """승인 또는 대기 중인 신청 취소: 예산을 돌려받고 대기자 중 먼저 신청한 순서로 승인."""
    from payroll.welfare import service

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    store = _store(db)
    with store.session() as s:
        result = service.cancel(s, law, roster, application_id, _datetime(at_text, "--at"), reason)
        store.audit("cli", "welfare.fertility.cancel", application_id, {"promoted": [d.application_id for d in result.promoted]}, session=s)
    click.echo(service.describe(result.cancelled))
    for d in result.promoted:
        click.echo(f"대기 → 승인: {service.describe(d)}")


@fertility_group.command("report")
@with_roster
@db_option
@click.option("--year", type=int, required=True, help="연도")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="보고서를 XLSX 파일로도 씀")
def fertility_report(roster_csv, contracts_csv, db, year, as_json, xlsx_path):
    """예산 사용액·잔액, 승인 목록 (지급 월), 대기 목록."""
    from payroll.welfare import service
    from payroll.welfare.report_files import fertility_report_xlsx

    roster = _roster(roster_csv, contracts_csv, db)
    law = _law(db)
    with _store(db).session() as s:
        report = service.fertility_report(law, service.ledger(s, law, roster), year, service.payments(s))
    if xlsx_path:
        _write(xlsx_path, fertility_report_xlsx(report))
    if as_json:
        click.echo(dumps(report))
        return
    click.echo(f"난임 시술비 지원 {year}년: 예산 {won(report['budget'])}원, 승인 {won(report['used'])}원 (지급 완료 {won(report['paid'])}원), 잔액 {won(report['remaining'])}원")
    for title, key in (("승인", "approved"), ("대기 (신청 순)", "waitlist"), ("반려", "rejected"), ("취소", "cancelled")):
        click.echo(f"{title} {len(report[key])}건")
        for r in report[key]:
            amount = f" {won(r['amount'])}원" if key in ("approved", "waitlist") else ""
            paid = (f" [{r['paid_month']} 급여 지급]" if r["paid_month"] else " [다음 급여에 지급 예정]") if key == "approved" else ""
            click.echo(f"  {r['application_id']} {r['worker_id']} 시술일 {r['treatment_date']} 신청 {r['submitted_at']}{amount}{paid} — {r['reason']}")


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError(f"--xlsx {path}: 쓸 수 없습니다 ({exc.strerror})") from None


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for group in (insurance_group, fertility_group):
        for command in group.commands.values():
            command.callback = guarded(command.callback)
    cli.add_command(welfare_group)
