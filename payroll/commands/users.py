"""`payroll user add|list|disable|unlock`: the console's accounts (``payroll serve`` is the console's own, payroll/web/command.py)."""

from __future__ import annotations

import sys

import click

from payroll.errors import InputError

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 payroll.db)"


def _read_password(password_file: str | None, confirm: bool = True) -> str:
    """The password from ``--password-file`` (first line) or standard input; never from an argument."""
    if password_file is not None:
        try:
            with open(password_file, encoding="utf-8") as fh:
                line = fh.readline()
        except OSError as exc:
            raise InputError(f"--password-file {password_file}: 읽을 수 없습니다 ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise InputError(f"--password-file {password_file}: UTF-8 텍스트가 아닙니다") from None
        return line.rstrip("\r\n")
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=confirm)
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


@click.group("user")
def user_group() -> None:
    """콘솔 사용자 관리 (clerk 담당자 · approver 승인자 · auditor 감사자 · worker 근로자 본인)."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["clerk", "approver", "auditor", "worker"]), help="역할 (worker: 근로자 본인)")
@click.option("--worker", "worker_id", help="worker 계정의 근로자 사번 (그 근로자의 서류만 봄)")
@click.option("--password-file", type=click.Path(dir_okay=False), help="비밀번호가 첫 줄에 있는 파일 (없으면 표준입력)")
@click.option("--db", "db_url", help=DB_HELP)
def user_add(name, role, worker_id, password_file, db_url):
    """사용자 추가. 비밀번호는 표준입력이나 --password-file로만 받습니다. 근로자 계정은 처음 로그인할 때 비밀번호를 바꿉니다."""
    from payroll.record import users
    from payroll.store import open_store

    password = _read_password(password_file)
    store = open_store(db_url)
    with store.session() as s:
        view = users.add_user(s, name, role, password, worker_id=worker_id)
    click.echo(f"추가함: {view.name} ({view.role})")


@user_group.command("list")
@click.option("--db", "db_url", help=DB_HELP)
def user_list(db_url):
    """사용자 목록."""
    from payroll.record import users
    from payroll.store import open_store

    from payroll.security import throttle

    store = open_store(db_url)
    now = users.utc_now()  # clock ok: how long a delay still runs, shown to the operator
    with store.session() as s:
        rows = [(u, throttle.state(s, u.name, now)) for u in users.list_users(s)]
    for u, (failures, wait) in rows:
        state = "비활성" if u.disabled else f"활성, 로그인 실패 {failures}회, {wait}초 뒤 다시 시도 가능" if failures else "활성"
        click.echo(f"{u.name:<24} {u.role:<9} {state}")


@user_group.command("disable")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
def user_disable(name, db_url):
    """사용자 비활성화 (열린 세션도 즉시 종료)."""
    from payroll.record import users
    from payroll.store import open_store

    store = open_store(db_url)
    with store.session() as s:
        users.disable_user(s, name)
    click.echo(f"비활성화함: {name}")


@user_group.command("unlock")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
def user_unlock(name, db_url):
    """로그인 실패로 늘어난 대기 시간을 없앤다 (승인자는 콘솔의 사용자 화면에서도 할 수 있다)."""
    from payroll.record import users
    from payroll.store import open_store

    store = open_store(db_url)
    with store.session() as s:
        users.unlock_user(s, name)
    click.echo(f"대기 시간을 없앰: {name}")


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (user_add, user_list, user_disable, user_unlock):
        command.callback = guarded(command.callback)
    cli.add_command(user_group)
