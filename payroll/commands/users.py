"""`payroll user add|list|disable|unlock` and `payroll serve`: the HR console and its accounts."""

from __future__ import annotations

import sys

import click

from payroll.case import InputError

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 payroll.db)"


def _read_password(password_file: str | None, confirm: bool = True) -> str:
    """The password from ``--password-file`` (first line) or standard input; never from an argument."""
    if password_file is not None:
        try:
            with open(password_file, encoding="utf-8") as fh:
                line = fh.readline()
        except OSError as exc:
            raise InputError(f"--password-file {password_file}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"--password-file {password_file}: not UTF-8 text") from None
        return line.rstrip("\r\n")
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=confirm)
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


@click.group("user")
def user_group() -> None:
    """콘솔 사용자 관리 (clerk 담당자 · approver 승인자 · auditor 감사자)."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["clerk", "approver", "auditor"]), help="역할")
@click.option("--password-file", type=click.Path(dir_okay=False), help="비밀번호가 첫 줄에 있는 파일 (없으면 표준입력)")
@click.option("--db", "db_url", help=DB_HELP)
def user_add(name, role, password_file, db_url):
    """사용자 추가. 비밀번호는 표준입력이나 --password-file로만 받습니다."""
    from payroll import users
    from payroll.web.db import open_db

    password = _read_password(password_file)
    store = open_db(db_url)
    with store.session() as s:
        view = users.add_user(s, name, role, password)
    click.echo(f"added {view.name} ({view.role})")


@user_group.command("list")
@click.option("--db", "db_url", help=DB_HELP)
def user_list(db_url):
    """사용자 목록."""
    from payroll import users
    from payroll.web.db import open_db

    from payroll.security import throttle

    store = open_db(db_url)
    now = users.utc_now()  # clock ok: how long a delay still runs, shown to the operator
    with store.session() as s:
        rows = [(u, throttle.state(s, u.name, now)) for u in users.list_users(s)]
    for u, (failures, wait) in rows:
        state = "disabled" if u.disabled else f"active, {failures} failed login(s), next attempt in {wait}s" if failures else "active"
        click.echo(f"{u.name:<24} {u.role:<9} {state}")


@user_group.command("disable")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
def user_disable(name, db_url):
    """사용자 비활성화 (열린 세션도 즉시 종료)."""
    from payroll import users
    from payroll.web.db import open_db

    store = open_db(db_url)
    with store.session() as s:
        users.disable_user(s, name)
    click.echo(f"disabled {name}")


@user_group.command("unlock")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
def user_unlock(name, db_url):
    """로그인 실패로 늘어난 대기 시간을 없앤다 (승인자는 콘솔의 사용자 화면에서도 할 수 있다)."""
    from payroll import users
    from payroll.web.db import open_db

    store = open_db(db_url)
    with store.session() as s:
        users.unlock_user(s, name)
    click.echo(f"unlocked {name}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="주소 (기본은 이 컴퓨터에서만 접속)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="포트")
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--data-dir", type=click.Path(file_okay=False), help="작업 폴더: DIR/inputs, DIR/runs, DIR/documents (기본: SQLite DB가 있는 폴더, 아니면 현재 폴더)")
@click.option("--inputs", "inputs_dir", type=click.Path(file_okay=False), help="입력 폴더 (payroll run --inputs와 같은 구조; 기본: DATA-DIR/inputs)")
@click.option("--secure-cookies", is_flag=True, help="HTTPS 뒤에서 실행할 때: 쿠키에 Secure 속성")
@click.option("--allowed-host", "allowed_hosts", multiple=True, help="받아들일 Host 이름 (여러 번; 기본: --host와 localhost, 127.0.0.1, ::1)")
def serve_command(host, port, db_url, data_dir, inputs_dir, secure_cookies, allowed_hosts):
    """HR 콘솔(웹)을 실행합니다."""
    import uvicorn

    from payroll.web.app import create_app

    hosts = list(allowed_hosts) or [host, "localhost", "127.0.0.1", "::1"]  # IPv6 names are bracketed by create_app
    app = create_app(db_url=db_url, data_dir=data_dir, inputs_dir=inputs_dir, secure_cookies=secure_cookies, allowed_hosts=hosts)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other machines can reach the console; use HTTPS (--secure-cookies) in front of it", err=True)
    click.echo(f"HR 콘솔: http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl+C로 종료)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    for command in (user_add, user_list, user_disable, user_unlock, serve_command):
        command.callback = guarded(command.callback)
    cli.add_command(user_group)
    cli.add_command(serve_command)
