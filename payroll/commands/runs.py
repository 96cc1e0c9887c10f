"""`payroll run`, `close`, `replay`, `diff`, `explain`, `demo`, `key`, `rrn`: the monthly batch and its audit."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click

from payroll.cli import self_command
from payroll.errors import InputError, dumps
from payroll.money import won

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 ./payroll.db)"


def _actor(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in a container
        return "cli"


def _store(db: str | None):
    from payroll.store import open_store

    return open_store(db)


def _print_summary(summary: dict) -> None:
    kind = "정정 실행" if summary["kind"] == "correction" else "실행"
    click.echo(f"{kind} {summary['run_id']} — {summary['month']} (지급일 {summary['pay_date']})")
    if summary.get("corrects_run_id"):
        click.echo(f"  정정 대상         {summary['corrects_run_id']}")
    click.echo(f"  인원              {summary['workers']:>14,}명")
    click.echo(f"  임금 총액         {won(summary['gross_pay_total']):>14}원")
    click.echo(f"  공제 합계         {won(summary['deductions_total']):>14}원")
    click.echo(f"  실지급액 합계     {won(summary['net_pay_total']):>14}원")
    held = summary.get("held") or []
    if held:
        click.echo(f"  지급 보류         {len(held):>14}명 (이체하지 않음, 위 합계에서 제외)")
        for h in held:
            click.echo(f"    {h['worker_id']} {h['name']}: {won(h['net_pay'])}원 — {h['note']}")
    click.echo(f"  실행 해시         {summary['run_hash']}")
    click.echo(f"  출력              {summary['out_dir']}  (파일 {summary['outputs']}개; 임금명세서 {Path(summary['out_dir']) / 'payslips'})")
    if summary.get("retro_lines"):
        click.echo(f"  소급분            {summary['retro_lines']}건을 {summary['retro_pay_month']}에 지급 (코드 retroactive_pay)")
    if summary.get("retro_paid_lines"):
        click.echo(f"  지급한 소급분      {summary['retro_paid_lines']}건 (정정·잠정 정산분, 코드 retroactive_pay)")
    for f in summary.get("provisional", []):
        click.echo(f"  잠정             {f['key']} ({f['label']}) = {f['value']}: {f['needed']} 고시 전, 직전 수치 ({f['basis']})")
    for f in summary.get("unconfirmed", []):
        click.echo(f"  고시 확인 전      {f['key']} ({f['label']}) = {f['value']} — {f['article']}")
    for line in summary.get("provisional_settled", []):
        click.echo(f"  잠정분 정산       {line}")
    for w in summary.get("warnings", []):
        click.echo(f"경고: {w}", err=True)
    for w in summary.get("budget_warnings", []):
        click.echo(f"경고: {w}", err=True)


def _refused(exc, as_json: bool) -> None:
    """A refused run: the list on stderr (or JSON on stdout) and exit code 1."""
    if as_json:
        click.echo(dumps({"refused": True, "month": exc.month, "findings": [f.as_dict() for f in exc.findings]}))
    click.echo(str(exc), err=True)
    sys.exit(1)


@click.command("run")
@click.argument("month")
@click.option("--pay-date", "pay_date_text", help="지급일 YYYY-MM-DD (기본: INPUTS/MONTH/run.toml의 pay_date, 없으면 employer.toml의 임금지급일)")
@click.option("--inputs", "inputs_dir", default="inputs", show_default=True, type=click.Path(file_okay=False), help="입력 폴더 (docs/runs.md 참고)")
@click.option("--out", "out_dir", default="runs", show_default=True, type=click.Path(file_okay=False), help="산출물은 OUT/MONTH/RUN_ID/에")
@click.option("--correction", is_flag=True, help="마감된 달의 승인된 정정 실행 (소급분은 다음 열린 달에 지급)")
@click.option("--provisional", is_flag=True, help="잠정 지급: 고시되지 않은 수치는 직전 수치로 (decision D14); 모든 산출물에 그렇게 적힘")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="실행자 (감사 기록; 기본: 로그인 이름)")
@click.option("--json", "as_json", is_flag=True, help="JSON 객체 하나를 출력 (진행 표시 없음)")
def run_command(month, pay_date_text, inputs_dir, out_dir, correction, provisional, db, by, as_json):
    """한 달 급여 일괄 계산: 입력 → 계산 → 임금명세서·급여대장·이체·신고 자료 → 기록.

    미해결 근태 오류가 있으면 계산하지 않고 근로자와 오류를 나열한 뒤 종료 코드 1로 끝난다
    (각 오류를 MONTH/corrections.csv로 정정하거나 MONTH/decisions.csv로 근로자별로 결정)."""
    from payroll.cli import parse_date
    from payroll.runs.batch import RunRefused, execute_run

    store = _store(db)
    try:
        summary = execute_run(
            store, month, inputs_dir=Path(inputs_dir), out_root=Path(out_dir), pay_date=parse_date(pay_date_text, "--pay-date"),
            correction=correction, actor=_actor(by), progress=not as_json and sys.stderr.isatty(), provisional=provisional,
        )
    except RunRefused as exc:
        _refused(exc, as_json)
    if as_json:
        click.echo(dumps(summary))
    else:
        _print_summary(summary)


@click.command("close")
@click.argument("month")
@click.option("--run", "run_id", help="이 실행으로 마감 (기본: 그 달의 마지막 정기 실행)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="마감하는 사람 (기본: 로그인 이름)")
@click.option("--yes", "confirmed", is_flag=True, help="지급 보류된 근로자가 있어도 확인 없이 마감")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def close_command(month, run_id, db, by, confirmed, as_json):
    """월 마감: 이후 그 달은 정정 실행(--correction)으로만 바뀐다. 보류된 근로자가 있으면 보여 주고 확인을 받는다."""
    from payroll.runs.months import close_month, held_on_close

    store = _store(db)
    target, held = held_on_close(store, month, run_id)
    if held and not confirmed:
        click.echo(f"{month} 마감할 실행 {target}에 지급 보류 {len(held)}명이 있습니다 (이체하지 않음):", err=True)
        for h in held:
            click.echo(f"  {h['worker_id']} {h['name']}: {won(h['net_pay'])}원 — {h['note']}", err=True)
        if not sys.stdin.isatty() or not click.confirm("확인했으며 이대로 마감합니까?", err=True):
            click.echo("마감하지 않았습니다 (확인했다면 --yes로 다시 실행).", err=True)
            sys.exit(1)
    result = close_month(store, month, _actor(by), target)
    if as_json:
        click.echo(dumps(result))
    else:
        click.echo(f"{month} 마감: 실행 {result['run_id']}, {result['closed_by']} ({result['closed_at']} UTC)")


@click.command("mail")
@click.argument("month")
@click.option("--smtp", "smtp_file", type=click.Path(dir_okay=False), help="SMTP 설정 TOML (기본: $PAYROLL_SMTP; docs/web.md)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="보내는 사람 (감사 기록; 기본: 로그인 이름)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def mail_command(month, smtp_file, db, by, as_json):
    """마감한 달의 임금명세서를 전자우편으로 (PDF, 생년월일 6자리로 열림). 보낸 근로자는 다시 보내지 않는다."""
    from payroll.runs.mail import load_smtp, send_payslips

    counts = send_payslips(_store(db), month, _actor(by), load_smtp(smtp_file))
    if as_json:
        click.echo(dumps(counts))
    else:
        click.echo(f"{month}: 보냄 {counts['sent']}, 실패 {counts['failed']}, 반송 {counts['bounced']}, 이미 보냄 {counts['skipped']}")


@click.command("replay")
@click.argument("run_id")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def replay_command(run_id, db, as_json):
    """저장된 입력·규칙으로 다시 계산하고 모든 산출물을 바이트 단위로 대조 (동일: 0, 다름: 1)."""
    from payroll.runs.audit import replay

    report = replay(_store(db), run_id, progress=not as_json and sys.stderr.isatty())
    if as_json:
        click.echo(dumps(report.as_dict()))
    else:
        for n in report.notes:
            click.echo(f"참고: {n}")
        if report.identical:
            click.echo(f"실행 {run_id}: 동일함 (identical) — 산출물 {report.outputs_checked}개가 바이트 단위로, 근로자별 결과가 모두 같습니다")
        else:
            click.echo(f"실행 {run_id}: 다름 (DIFFERS) — 차이 {len(report.problems)}건")
            for p in report.problems:
                click.echo(f"  {p}")
    sys.exit(0 if report.identical else 1)


@click.command("diff")
@click.argument("run_a")
@click.argument("run_b")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def diff_command(run_a, run_b, db, as_json):
    """두 run 비교: 입력 파일, 근로자별·항목별 금액."""
    from payroll.runs.audit import diff_runs

    d = diff_runs(_store(db), run_a, run_b)
    if as_json:
        click.echo(dumps(d))
        return
    click.echo(f"{run_a} → {run_b}" + (" (실행 해시 같음)" if d["same_hash"] else ""))
    for line in d["inputs"] + d["other"]:
        click.echo(f"  {line}")
    if not d["workers"]:
        click.echo("  금액이 다른 근로자 없음")
    for line in d["workers"]:
        click.echo(f"  {line}")


@click.command("explain")
@click.argument("run_id")
@click.argument("worker_id")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def explain_command(run_id, worker_id, db, as_json):
    """한 근로자의 계산 과정 (trace): 항목, 단계, 근거 조문."""
    from payroll.runs.audit import explain

    results = explain(_store(db), run_id, worker_id)
    if as_json:
        click.echo(dumps([{"worker_id": worker_id, "items": r["items"], "trace": r["trace"]} for r in results]))
        return
    for r in results:
        row = r["row"]
        click.echo(f"{row['worker_id']} {row.get('name') or ''} — {row['month']} (지급일 {row['pay_date']}), 실행 {run_id}")
        click.echo("지급 항목")
        for it in r["items"]:
            method = f"  [{it['method']}]" if it.get("method") else ""
            click.echo(f"  {it['label']:<24}{won(int(it['amount'])):>14}원{method}")
        click.echo("계산 과정")
        for t in r["trace"]:
            value = t["value"]
            shown = won(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)
            click.echo(f"  {t['step']:<48}{shown:>14}  {t['note']}")
            click.echo(f"  {'':<48}{'':>14}  ↳ {t['reference']}")


@click.command("demo")
@click.option("--out", "out_dir", default="payroll-demo", show_default=True, type=click.Path(file_okay=False), help="데모 폴더 (데이터베이스, 입력, 산출물)")
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def demo_command(out_dir, as_json):
    """번들 표본으로 한 달을 새 내장 DB에서 처음부터 끝까지 실행하고 임금명세서 위치를 알려 준다."""
    from payroll.runs.demo import run_demo

    summary = run_demo(Path(out_dir), progress=not as_json and sys.stderr.isatty())
    if as_json:  # stdout holds the JSON document alone (it pipes into a JSON reader); the next commands are in it
        next_commands = [line.strip() for line in demo_hints(summary) if line.startswith("  ")]
        click.echo(dumps({**summary, "next_commands": next_commands}))
        return
    _print_summary(summary)
    click.echo(f"데이터베이스: {summary['db']}")
    click.echo(f"임금명세서: {summary['payslips']} (PDF {summary['workers']}개)")
    for line in demo_hints(summary):
        click.echo(line)


def demo_hints(summary: dict) -> list[str]:
    """What to try next, each command on a line of its own, typed as a fresh shell needs it (the full
    path of this payroll, quoted paths): a line that starts with two spaces can be pasted as it is."""
    import shlex

    me = self_command()
    db = shlex.quote(summary["db"])
    samples = shlex.quote(str(Path(summary["db"]).parent / "samples"))
    users = ", ".join(summary["console_users"].values())
    return [
        "",
        "다음 명령 (한 줄씩 그대로 붙여 넣으세요):",
        f"  {me} replay {summary['run_id']} --db {db}",
        f"  {me} explain {summary['run_id']} T00025 --db {db}",
        f"  {me} samples --out {samples}",
        f"  {me} run 2026-06 --inputs {samples} --out {shlex.quote(str(Path(summary['db']).parent / 'sample-runs'))} --db {db}",
        f"  {me} serve --db {db}",
        f"콘솔: 위 serve 명령 뒤 http://127.0.0.1:8000/ 에서 {users}로 로그인 (비밀번호: {summary['users_file']})",
        f"입력 폴더 (payroll run --inputs로 읽는 모양): {summary['inputs_dir']}",
        f"payroll 명령: {me} --help",
    ]


@click.command("samples")
@click.option("--out", "out_dir", default="inputs", show_default=True, type=click.Path(file_okay=False), help="쓸 입력 폴더")
@click.option("--full", is_flag=True, help="번들 소표본 대신 생성된 한 달 전체 (1,165명)")
def samples_command(out_dir, full):
    """표본 입력 폴더를 쓴다: payroll run 2026-06 --inputs DIR 이 그대로 읽는 모양 (employer.toml 포함)."""
    import tempfile

    from payroll.runs.demo import MONTH, SAMPLES, generated_samples, stage_samples

    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"--out {out}: 비어 있지 않은 폴더입니다; 새 폴더나 빈 폴더를 주세요")
    if full:
        with tempfile.TemporaryDirectory(prefix="payroll-samples-") as tmp:
            stage_samples(out, generated_samples(Path(tmp)))
    else:
        stage_samples(out, SAMPLES)
    me = self_command()
    import shlex

    click.echo(f"{out}: {MONTH} 입력 폴더 (근로자 명부, 근로계약, 사업장 설정, 근태 기록, 정정, 근태 결정)")
    click.echo("다음 명령:")
    click.echo(f"  {me} run {MONTH} --inputs {shlex.quote(str(out))}")


@click.group("key")
def key_group():
    """암호화 키 (주민등록번호 보관용)."""


@key_group.command("new")
@click.argument("path", type=click.Path(dir_okay=False))
def key_new(path):
    """새 키 파일을 만든다 (mode 0600). PAYROLL_KEY_FILE로 가리킨다; 저장소에 넣지 말 것."""
    from payroll.store.crypto import new_key_file

    kid = new_key_file(Path(path))
    click.echo(f"키 {kid}를 {path}에 썼습니다; export PAYROLL_KEY_FILE={os.path.abspath(path)}")


@key_group.command("rotate")
@click.option("--new", "new_file", required=True, type=click.Path(dir_okay=False), help="새 키 파일 (payroll key new FILE로 만든 것)")
@click.option("--db", help=DB_HELP)
@click.option("--by", help="키를 바꾸는 사람 (기본: 로그인 이름)")
def key_rotate(new_file, db, by):
    """모든 암호화 자료(주민등록번호, 봉인된 입력 원본)를 지금 키(PAYROLL_KEY_FILE)에서 새 키로 다시 암호화한다."""
    from payroll.store import crypto, keys

    new_key = crypto.read_key_file(Path(new_file))
    result = keys.rotate(_store(db), new_key, _actor(by))
    click.echo(f"키 {result['from']} → {result['to']}: 주민등록번호 {result['personal']}건, 봉인된 입력 {result['sealed_inputs']}건을 다시 암호화했습니다; "
               f"이제 export PAYROLL_KEY_FILE={os.path.abspath(new_file)}")


@click.group("correction")
def correction_group():
    """마감된 달의 정정 실행: 승인자(approver)의 승인 기록 (콘솔의 정정 승인과 같은 기록)."""


@correction_group.command("approve")
@click.argument("month")
@click.option("--approver", required=True, help="승인자 (approver 역할의 콘솔 사용자)")
@click.option("--reason", required=True, help="정정 사유 (감사 기록에 남음)")
@click.option("--password-file", type=click.Path(dir_okay=False), help="승인자 비밀번호가 첫 줄에 있는 파일 (없으면 표준입력)")
@click.option("--db", help=DB_HELP)
def correction_approve(month, approver, reason, password_file, db):
    """승인자가 비밀번호로 확인하고 정정 실행 한 번을 승인한다; 그다음 payroll run MONTH --correction."""
    from sqlmodel import Session

    from payroll.record import users
    from payroll.commands.users import _read_password
    from payroll.runs.approvals import record_approval
    from payroll.security.identifiers import check_month

    check_month(month)
    store = _store(db)
    password = _read_password(password_file, confirm=False)
    with Session(store.engine, expire_on_commit=False) as s:
        try:
            users.authenticate(s, approver, password, source="cli")
        except users.LoginRefused as exc:
            raise InputError(f"--approver {approver}: {users.REFUSAL_MESSAGES[exc.reason]}") from None
    approval = record_approval(store, month, approver, reason)
    click.echo(f"{month}: 정정 실행 1회 승인됨 (승인 {approval.id}, {approver}); 이제 payroll run {month} --correction")


@click.group("rrn")
def rrn_group():
    """주민등록번호: 암호화해 보관하고 가린 형태로만 보인다."""


@rrn_group.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option("--db", help=DB_HELP)
@click.option("--by", help="가져오는 사람 (기본: 로그인 이름)")
def rrn_import(csv_file, db, by):
    """CSV (worker_id, rrn) → 암호화된 개인정보 표."""
    from payroll.store.personal import import_rrn_csv

    n = import_rrn_csv(_store(db), Path(csv_file), _actor(by))
    click.echo(f"주민등록번호 {n}건을 암호화해 저장했습니다")


@rrn_group.command("show")
@click.argument("worker_id")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON 출력")
def rrn_show(worker_id, db, as_json):
    """가린 번호와 생년월일 (원문은 보이지 않는다)."""
    from payroll.store.personal import shown

    got = shown(_store(db), worker_id)
    if got is None:
        raise InputError(f"근로자 {worker_id!r}의 주민등록번호가 저장되어 있지 않습니다")
    masked, birth = got
    click.echo(dumps({"worker_id": worker_id, "masked": masked, "birth_date": birth.isoformat()}) if as_json else f"{worker_id}: {masked} (생년월일 {birth.isoformat()})")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (run_command, close_command, mail_command, replay_command, diff_command, explain_command, demo_command, samples_command):
        command.callback = guarded(command.callback)
        cli.add_command(command)
    for group in (key_group, rrn_group, correction_group):
        for sub in group.commands.values():
            sub.callback = guarded(sub.callback)
        cli.add_command(group)
