"""`payroll demo`: the whole monthly job on the bundled small samples, in a fresh embedded database.

The demo does what an installation does: it imports the people into the record (``payroll import
roster``, ``contracts``, ``opening``), runs the month from the record, and draws the leavers'
documents from the record and the stored run. The demo directory (``--out``, default
``./payroll-demo``) gets:

    payroll.db                 a fresh SQLite database (an old demo database there is replaced)
    imports/                   the files imported into the record (roster, contracts, opening balances)
    inputs/                    the month's own inputs as ``payroll run`` reads them (docs/runs.md)
    runs/2026-06/<run id>/     payslips/, register.xlsx, bank_transfer.csv, filings/
    documents/                 the leavers' 원천징수영수증 and 퇴직소득 원천징수영수증 (PDF, JSON, XLSX)
    demo-users.txt             the console's demo clerk, approver and auditor with random passwords (mode 0600)

The samples are ``samples/small`` (about 40 generated workers of every kind, June 2026, exports in
several formats and encodings), with a sample employer (``employer.toml``, its 직인 ``seal.png``)
and the clerk's decisions on the attendance errors the corrections leave open (``decisions.csv``).
``payroll samples --out DIR`` writes the same inputs directory alone.
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
PAY_DATE = dt.date(2026, 7, 10)  # employer.toml's pay day (10일, 전월분) for 2026-06
MONTH_END = dt.date(2026, 6, 30)
IMPORTS = ("roster.csv", "contracts.csv")
OPENING = ("ytd.csv", "wages.csv", "leave_opening.csv", "leave_history.csv")
EXPORTS = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")
MARKER = ".payroll-demo"
DEMO_USERS = (("demo-clerk", "clerk"), ("demo-approver", "approver"), ("demo-auditor", "auditor"))


def stage_samples(target: Path, samples: Path = SAMPLES, month: str = MONTH, pay_date: dt.date | None = None, *,
                  record_files: bool = True) -> Path:
    """Lay the bundled samples (or a generated set of ``month``) out as an inputs directory under ``target``
    (the layout of docs/runs.md: ``payroll run MONTH --inputs TARGET`` takes it as it is). The pay
    date is the employer's (``employer.toml``) unless ``pay_date`` is given (``MONTH/run.toml``);
    without ``record_files`` only the month's own inputs (the people are imported: :func:`import_samples`)."""
    if not (samples / "roster.csv").is_file():
        raise InputError(f"{samples}: 번들 표본이 없습니다 (python -m samples.generate --out {samples} --small)")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("employer.toml", "seal.png"):
        shutil.copyfile(samples / name, target / name)
    mdir = target / month
    (mdir / "attendance").mkdir(parents=True, exist_ok=True)
    for name in EXPORTS:
        if (samples / name).is_file():
            shutil.copyfile(samples / name, mdir / "attendance" / name)
    for name in ("corrections.csv", "leave.csv", "overtime.csv", "decisions.csv", "claims.json"):
        if (samples / name).is_file():
            shutil.copyfile(samples / name, mdir / name)
    if (samples / "leave_notices.csv").is_file():  # optional (docs/runs.md)
        shutil.copyfile(samples / "leave_notices.csv", target / "leave_notices.csv")
    if record_files:  # the old layout: the run imports them into the record first (payroll.runs.record_inputs)
        for name in IMPORTS + OPENING:
            if (samples / name).is_file():
                shutil.copyfile(samples / name, target / name)
    if pay_date is not None:
        (mdir / "run.toml").write_text(f"pay_date = {pay_date.isoformat()}\n", encoding="utf-8")
    return target


def generated_samples(target: Path, month: str = MONTH) -> Path:
    """The whole generated month (1,165 workers) written by ``samples/generate.py`` into ``target``."""
    import importlib.util

    script = SAMPLES.parent / "generate.py"
    if not script.is_file():
        raise InputError(f"{script}: 표본 생성기가 없습니다 (소스 폴더에서 설치하세요)")
    import sys

    spec = importlib.util.spec_from_file_location("payroll_samples_generate", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    module.write_set(target, month)
    return target


def run_demo(out: Path, progress: bool = False) -> dict:
    from payroll.runs.batch import execute_run
    from payroll.store import open_store

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"--out {out}: 이미 있고 데모 폴더가 아닙니다; 빈 폴더나 새 폴더를 주세요")
    for name in ("payroll.db", "imports", "inputs", "runs", "documents", "demo-users.txt", "samples", "sample-runs"):  # the last two: what its hints write
        p = out / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by `payroll demo`; the command replaces this directory's contents\n", encoding="utf-8")
    inputs = stage_samples(out / "inputs", record_files=False)
    db = (out / "payroll.db").resolve()
    store = open_store(str(db))
    imported = import_samples(store, out / "imports")
    summary = execute_run(store, MONTH, inputs_dir=inputs, out_root=out / "runs", actor="demo", progress=progress)
    summary["documents"] = [str(p) for p in leaver_documents(store, out / "documents")]
    summary["imported"] = imported
    users_file = create_demo_users(store, out / "demo-users.txt")
    store.dispose()
    summary["console_users"] = {role: name for name, role in DEMO_USERS}
    summary["users_file"] = str(users_file.resolve())
    summary["db"] = str(db)
    summary["inputs_dir"] = str(inputs.resolve())
    summary["payslips"] = str(Path(summary["out_dir"]) / "payslips")
    return summary


def import_samples(store, target: Path, samples: Path = SAMPLES) -> dict[str, int]:
    """``payroll import roster``, ``contracts`` and ``opening`` of the samples (copied to ``target``), confirmed."""
    from payroll.record import changes, files
    from payroll.record.models import SINCE_ALWAYS
    from payroll.record.opening import import_opening
    from payroll.record.people import roster_as_of

    target.mkdir(parents=True, exist_ok=True)
    for name in IMPORTS + OPENING:
        if (samples / name).is_file():
            shutil.copyfile(samples / name, target / name)
    counts: dict[str, int] = {}
    with store.session() as s:
        workers = files.read_roster_file(target / "roster.csv")
        changes.apply(s, changes.roster_changes(s, workers, SINCE_ALWAYS, "roster.csv"), "demo", "견본 자료: 근로자 명부")
        contracts = files.read_contracts_file(target / "contracts.csv")
        changes.apply(s, changes.contract_changes(s, contracts, SINCE_ALWAYS, "contracts.csv"), "demo", "견본 자료: 근로계약")
        counts.update(workers=len(workers), contracts=len(contracts))
        roster = roster_as_of(s, dt.date(MONTH_END.year, 12, 31))
        for name in OPENING:
            if (target / name).is_file():
                kind, n = import_opening(s, target / name, roster, "demo", "견본 자료: 기초 자료")
                counts[kind] = n
    return counts


def leaver_documents(store, target: Path) -> list[Path]:
    """The month's leavers' 원천징수영수증 and 퇴직소득 원천징수영수증, from the record and the stored run."""
    from payroll.documents.office import load_office
    from payroll.record import papers

    written: list[Path] = []
    with store.session() as s:
        office = load_office(session=s)  # the employer.toml the run stored
        for wid in papers.leavers(s, MONTH_END.year):
            for make in (papers.withholding_paper, papers.severance_paper):
                try:
                    paper = make(s, wid, MONTH_END.year, office, PAY_DATE)
                except InputError:
                    continue  # 일용 (no settlement), not eligible for 퇴직금, or leaving in a later month
                written += papers.write(target, paper)
    return written


def create_demo_users(store, path: Path) -> Path:
    """A clerk, an approver and an auditor for the console, with fresh random passwords kept in a
    file only the owner can read (never on a command line)."""
    from payroll.record.users import add_user

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
