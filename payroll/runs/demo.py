"""`payroll demo`: the whole monthly job on the bundled small samples, in a fresh embedded database.

The demo directory (``--out``, default ``./payroll-demo``) gets:

    payroll.db                 a fresh SQLite database (an old demo database there is replaced)
    inputs/                    the samples laid out as ``payroll run`` reads them (docs/runs.md)
    runs/2026-06/<run id>/     payslips/, register.xlsx, bank_transfer.csv, filings/
    demo-users.txt             the console's demo clerk, approver and auditor with random passwords (mode 0600)

The samples are ``samples/small`` (about 40 generated workers of every kind, June 2026, exports in
several formats and encodings); the employer on the payslips is a sample name.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

from payroll.case import InputError

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples" / "small"
MONTH = "2026-06"
PAY_DATE = dt.date(2026, 7, 10)
EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")
EMPLOYER = 'name = "○○구청 (견본)"\naddress = "서울특별시 ○○구 (견본 자료)"\n'
MARKER = ".payroll-demo"
DEMO_USERS = (("demo-clerk", "clerk"), ("demo-approver", "approver"), ("demo-auditor", "auditor"))


def stage_samples(target: Path, samples: Path = SAMPLES, month: str = MONTH, pay_date: dt.date = PAY_DATE) -> Path:
    """Lay the bundled samples (or a generated set of ``month``) out as an inputs directory under ``target``."""
    if not (samples / "roster.csv").is_file():
        raise InputError(f"{samples}: the bundled samples are missing (python -m samples.generate --out {samples} --small)")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("roster.csv", "contracts.csv"):
        shutil.copyfile(samples / name, target / name)
    (target / "employer.toml").write_text(EMPLOYER, encoding="utf-8")
    mdir = target / month
    (mdir / "attendance").mkdir(parents=True, exist_ok=True)
    for name in EXPORTS:
        if (samples / name).is_file():
            shutil.copyfile(samples / name, mdir / "attendance" / name)
    for name in ("corrections.csv", "leave.csv", "overtime.csv", "claims.json"):
        if (samples / name).is_file():
            shutil.copyfile(samples / name, mdir / name)
    for name in ("leave_notices.csv", "leave_history.csv", "leave_opening.csv", "ytd.csv", "wages.csv"):  # optional (docs/runs.md)
        if (samples / name).is_file():
            shutil.copyfile(samples / name, target / name)
    (mdir / "run.toml").write_text(f"pay_date = {pay_date.isoformat()}\n", encoding="utf-8")
    return target


def run_demo(out: Path, progress: bool = False) -> dict:
    from payroll.runs.batch import execute_run
    from payroll.store import open_store

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"--out {out}: exists and is not a demo directory; choose an empty or new directory")
    for name in ("payroll.db", "inputs", "runs", "demo-users.txt"):
        p = out / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by `payroll demo`; the command replaces this directory's contents\n", encoding="utf-8")
    inputs = stage_samples(out / "inputs")
    db = (out / "payroll.db").resolve()
    store = open_store(str(db))
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=out / "runs", actor="demo", progress=progress)
    users_file = create_demo_users(store, out / "demo-users.txt")
    store.dispose()
    summary["console_users"] = {role: name for name, role in DEMO_USERS}
    summary["users_file"] = str(users_file.resolve())
    summary["db"] = str(db)
    summary["inputs_dir"] = str(inputs.resolve())
    summary["payslips"] = str(Path(summary["out_dir"]) / "payslips")
    return summary


def create_demo_users(store, path: Path) -> Path:
    """A clerk, an approver and an auditor for the console, with fresh random passwords kept in a
    file only the owner can read (never on a command line)."""
    from payroll.users import add_user

    lines = []
    with store.session() as session:
        for name, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            add_user(session, name, role, password, actor="demo")
            lines.append(f"{name}\t{role}\t{password}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# user\trole\tpassword (payroll demo; the console: payroll serve --db <this folder>/payroll.db)\n")
        fh.write("\n".join(lines) + "\n")
    return path
