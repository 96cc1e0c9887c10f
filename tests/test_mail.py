"""Payslips by e-mail after the month is closed, against a local SMTP server (aiosmtpd), not a mock."""

from __future__ import annotations

import email
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from payroll.case import InputError
from payroll.runs.batch import execute_run
from payroll.runs.mail import SmtpConfig, deliveries, load_smtp, send_payslips
from payroll.runs.months import close_month
from test_runs_support import MONTH, fake_build, write_inputs

BOUNCING = "nobody@bounce.test"


class Mailbox:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == BOUNCING:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, SmtpConfig("127.0.0.1", port, "none", "급여담당 <payroll@example.go.kr>")
    controller.stop()


def _inputs_with_addresses(tmp_path):
    root = write_inputs(tmp_path / "inputs")
    text = (root / "roster.csv").read_text(encoding="utf-8").splitlines()
    emails = {"W001": "w1@example.org", "W002": BOUNCING, "W003": "w3@example.org"}
    out = [text[0] + ",email"] + [line + "," + emails.get(line.split(",")[0], "") for line in text[1:]]
    (root / "roster.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


def test_closed_months_payslips_go_out_encrypted_with_the_birth_date_and_every_outcome_is_logged(store, tmp_path, smtp):
    box, cfg = smtp
    inputs = _inputs_with_addresses(tmp_path)
    run = execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    with pytest.raises(InputError, match="마감되지 않았습니다"):
        send_payslips(store, MONTH, "approver", cfg)
    close_month(store, MONTH, "approver")
    counts = send_payslips(store, MONTH, "approver", cfg)
    assert counts == {"sent": 2, "failed": 3, "bounced": 1, "skipped": 0}
    assert sorted(to for to, _ in box.messages) == [["w1@example.org"], ["w3@example.org"]]
    to, raw = next(m for m in box.messages if m[0] == ["w1@example.org"])
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == f"[○○구청 (시험)] {MONTH} 임금명세서"
    pdf = next(p for p in msg.iter_attachments()).get_content()
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted
    assert not reader.decrypt("000000")
    assert reader.decrypt("800315")  # W001 was born 1980-03-15
    text = reader.pages[0].extract_text().replace(" ", "")
    assert "임금명세서" in text and "김민준" in text
    with store.session() as s:
        log = {d.worker_id: (d.status, d.detail) for d in deliveries(s, MONTH)}
    assert log["W001"][0] == log["W003"][0] == "sent"
    assert log["W002"][0] == "bounced" and "550" in log["W002"][1]
    assert log["W004"] == ("failed", "전자우편 주소가 기록에 없습니다")
    # a second call sends nobody twice; the bounced and failed are tried again
    again = send_payslips(store, MONTH, "approver", cfg)
    assert again["skipped"] == 2 and again["sent"] == 0 and len(box.messages) == 2
    assert run["workers"] == 6


def test_an_unreachable_server_is_a_failure_per_worker_not_a_crash(store, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    inputs = _inputs_with_addresses(tmp_path)
    execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)
    close_month(store, MONTH, "approver")
    counts = send_payslips(store, MONTH, "approver", SmtpConfig("127.0.0.1", port, "none", "payroll@example.go.kr"))
    assert counts["sent"] == 0 and counts["failed"] == 6
    with store.session() as s:
        assert all(d.status == "failed" for d in deliveries(s, MONTH))


def test_smtp_settings_file(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n", encoding="utf-8")
    cfg = tmp_path / "smtp.toml"
    cfg.write_text(f'host = "mail.example.go.kr"\nport = 587\nsecurity = "starttls"\nusername = "payroll"\npassword_file = "{secret}"\nsender = "payroll@example.go.kr"\n', encoding="utf-8")
    got = load_smtp(cfg)
    assert (got.host, got.port, got.security, got.username, got.password) == ("mail.example.go.kr", 587, "starttls", "payroll", "s3cret")
    cfg.write_text('host = "x"\npassword = "in the file"\nsender = "a@b"\n', encoding="utf-8")
    with pytest.raises(InputError, match="쓸 수 있는 키"):
        load_smtp(cfg)
