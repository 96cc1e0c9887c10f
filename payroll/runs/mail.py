"""Payslips by e-mail after the month is closed: each one a PDF that opens with the worker's birth date.

The installation configures its SMTP server in a TOML file named by ``--smtp FILE`` or
``$PAYROLL_SMTP`` (never in the repository)::

    host = "mail.example.go.kr"
    port = 587
    security = "starttls"        # starttls | ssl | none
    username = "payroll"         # optional
    password_file = "/etc/payroll/smtp-password"   # optional; the password itself is never in this file
    sender = "급여담당 <payroll@example.go.kr>"

The payslip is drawn again from the closing run's stored result (the same function as the run's
payslip) and encrypted with ReportLab's standard encryption; its password is the birth date as
six digits (YYMMDD), told in the message body. Every attempt is logged in
``record_payslip_deliveries``: ``sent``, ``failed`` (no address, or the server could not be
reached) or ``bounced`` (the server refused the address). A worker already sent for the run is not
sent again; a failed or bounced one is tried again on the next call.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.record.models import PayslipDelivery
from payroll.store.db import Store, now
from payroll.runs.result_reads import read_results
from payroll.store.models import MonthLock, Run

SMTP_ENV = "PAYROLL_SMTP"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = None


def load_smtp(path: str | Path | None = None) -> SmtpConfig:
    where = path or os.environ.get(SMTP_ENV)
    if not where:
        raise InputError(f"SMTP 서버 설정이 없습니다: --smtp FILE을 주거나 {SMTP_ENV}를 설정하세요 (docs/web.md)")
    try:
        with open(where, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{where}: SMTP 설정을 읽을 수 없습니다: {exc}") from None
    unknown = set(doc) - {"host", "port", "security", "username", "password_file", "sender"}
    if unknown or not isinstance(doc.get("host"), str) or not isinstance(doc.get("sender"), str):
        raise InputError(f"{where}: host와 sender가 필요합니다 (쓸 수 있는 키: host, port, security, username, password_file, sender)")
    security = doc.get("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise InputError(f"{where}: security: starttls, ssl, none 중 하나여야 합니다")
    password = None
    if doc.get("password_file"):
        try:
            password = Path(doc["password_file"]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"{where}: password_file: 읽을 수 없습니다 ({exc.strerror})") from None
    return SmtpConfig(doc["host"], int(doc.get("port", 465 if security == "ssl" else 587)), security, doc["sender"], doc.get("username"), password)


def _connect(cfg: SmtpConfig) -> smtplib.SMTP:
    if cfg.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS)
        if cfg.security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if cfg.username:
        server.login(cfg.username, cfg.password or "")
    return server


def birth_password(birth_date) -> str:
    return birth_date.strftime("%y%m%d")


def _employer(session: Session, run: Run) -> dict:
    from payroll.runs.inputs import blob_bytes

    entry = next((e for e in json.loads(run.inputs_manifest) if e["role"] == "employer"), None)
    if entry is None:
        raise InputError(f"실행 {run.run_id}: 입력에 employer.toml이 없습니다")
    return {k: str(v) for k, v in tomllib.loads(blob_bytes(session, entry["sha256"]).decode("utf-8")).items()}


def _message(cfg: SmtpConfig, to: str, month: str, name: str, employer: str, pdf: bytes) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg.sender, to, f"[{employer}] {month} 임금명세서"
    msg.set_content(f"{name}님,\n\n{month} 임금명세서를 보내 드립니다 (근로기준법 §48②).\n"
                    f"첨부한 PDF는 생년월일 6자리(예: 900101)로 열립니다.\n\n{employer}\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"임금명세서-{month}.pdf")
    return msg


def send_payslips(store: Store, month: str, actor: str, cfg: SmtpConfig) -> dict[str, int]:
    """E-mail the closing run's payslips of a closed ``month``; returns the counts by status."""
    from payroll.documents.payslip import payslip_pdf
    from payroll.record.people import month_bounds, roster_as_of

    with store.session() as s:
        lock = s.get(MonthLock, month)
        if lock is None:
            raise InputError(f"{month}은(는) 마감되지 않았습니다: 임금명세서는 승인자가 달을 마감한 뒤 전자우편으로 보냅니다")
        run = s.get(Run, lock.run_id)
        employer = _employer(s, run)
        done = set(s.exec(select(PayslipDelivery.worker_id).where(PayslipDelivery.run_id == run.run_id, PayslipDelivery.status == "sent")).all())
        results = read_results(s, run.run_id)
        roster = roster_as_of(s, month_bounds(month)[1], sorted({r["row"]["worker_id"] for r in results}))
    counts = {"sent": 0, "failed": 0, "bounced": 0, "skipped": 0}
    log: list[PayslipDelivery] = []
    server = None
    try:
        for result in results:
            row = result["row"]
            wid = str(row["worker_id"])
            if wid in done:
                counts["skipped"] += 1
                continue
            w = roster.workers.get(wid)
            address = (w.email if w else "") or ""
            status, detail = "sent", ""
            if not address:
                status, detail = "failed", "전자우편 주소가 기록에 없습니다"
            else:
                pdf = payslip_pdf(row, result["items"], result["trace"], employer, password=birth_password(w.birth_date))
                try:
                    server = server or _connect(cfg)
                    server.send_message(_message(cfg, address, month, w.name, employer.get("name", ""), pdf))
                except smtplib.SMTPRecipientsRefused as exc:
                    status, detail = "bounced", "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}" for code, text in exc.recipients.values())
                except (smtplib.SMTPException, OSError) as exc:
                    status, detail = "failed", f"{type(exc).__name__}: {exc}"[:300]
                    server = None
            counts[status] += 1
            log.append(PayslipDelivery(month=month, run_id=run.run_id, worker_id=wid, address=address, status=status, detail=detail, at=now(), by=actor))
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
        with store.session() as s:
            s.add_all(log)
            store.audit(actor, "payslips.mail", month, {"run_id": run.run_id, **counts}, session=s)
    return counts


def deliveries(session: Session, month: str) -> list[PayslipDelivery]:
    return list(session.exec(select(PayslipDelivery).where(PayslipDelivery.month == month).order_by(PayslipDelivery.at.desc(), PayslipDelivery.id.desc())).all())
