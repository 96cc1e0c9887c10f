"""`payroll serve`: the HR console. The console registers its own command (payroll/cli.py reads it),
so ``payroll/commands`` never imports the console and the console never imports the commands."""

from __future__ import annotations

import click

DB_HELP = "데이터베이스 URL 또는 SQLite 파일 (기본: $PAYROLL_DB, 없으면 payroll.db)"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="주소 (기본은 이 컴퓨터에서만 접속)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="포트")
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--data-dir", type=click.Path(file_okay=False), help="작업 폴더: DIR/inputs, DIR/runs, DIR/documents (기본: SQLite DB가 있는 폴더, 아니면 현재 폴더)")
@click.option("--inputs", "inputs_dir", type=click.Path(file_okay=False), help="입력 폴더 (payroll run --inputs와 같은 구조; 기본: DATA-DIR/inputs)")
@click.option("--secure-cookies", is_flag=True, help="HTTPS 뒤에서 실행할 때: 쿠키에 Secure 속성")
@click.option("--allowed-host", "allowed_hosts", multiple=True, help="받아들일 Host 이름 (여러 번; 기본: --host와 localhost, 127.0.0.1, ::1)")
@click.option("--smtp", "smtp_file", type=click.Path(dir_okay=False), help="전자우편 설정 TOML (기본: $PAYROLL_SMTP): 마감하면 임금명세서를 보냄")
def serve_command(host, port, db_url, data_dir, inputs_dir, secure_cookies, allowed_hosts, smtp_file):
    """HR 콘솔(웹)을 실행합니다."""
    import uvicorn

    from payroll.web.app import create_app

    hosts = list(allowed_hosts) or [host, "localhost", "127.0.0.1", "::1"]  # IPv6 names are bracketed by create_app
    import os

    from payroll.runs.mail import SMTP_ENV, load_smtp

    smtp = load_smtp(smtp_file) if smtp_file or os.environ.get(SMTP_ENV) else None
    app = create_app(db_url=db_url, data_dir=data_dir, inputs_dir=inputs_dir, secure_cookies=secure_cookies, allowed_hosts=hosts, smtp=smtp)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"경고: {host}에서 받습니다: 다른 컴퓨터가 콘솔에 접속할 수 있습니다; 앞에 HTTPS를 두세요 (--secure-cookies)", err=True)
    click.echo(f"HR 콘솔: http://{'[' + host + ']' if ':' in host else host}:{port}/  (Ctrl+C로 종료)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def register(cli: click.Group) -> None:
    from payroll.cli import guarded

    serve_command.callback = guarded(serve_command.callback)
    cli.add_command(serve_command)
