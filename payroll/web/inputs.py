"""The console's inputs directory: uploads go where ``payroll run MONTH --inputs DIR`` reads them.

Layout (see :mod:`payroll.runs.inputs`)::

    DIR/roster.csv, DIR/contracts.csv, DIR/employer.toml      common master data
    DIR/MONTH/attendance/<sha256[:16]>.<csv|xlsx|xls>         device exports (any number)
    DIR/MONTH/corrections.csv, leave.csv, overtime.csv        HR's small files (one each)
    DIR/MONTH/decisions.csv                                   the clerk's decisions on open attendance errors
    DIR/MONTH/run.toml                                        pay_date (written by the run form)

An upload is bounded in size (by the app) and in type (suffix and, for exports, the reader's own
sniffing), written to a scratch file, read with the same importer the CLI uses (a bad file is
refused with the importer's message and nothing changes), then stored in ``input_blobs`` by its
sha256, recorded in ``console_upload`` and moved into place under a name we choose — the
uploaded file name is kept only for display and never becomes a path.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from payroll.attendance.small_files import CORRECTION_FIELDS
from payroll.case import InputError
from payroll.runs.hashing import sha256_bytes
from payroll.runs.inputs import check_month
from payroll.record.audit import mask_rrn, record
from payroll.security.cells import csv_writer
from payroll.security.identifiers import contained
from payroll.security.rrn import mask_bytes
from payroll.security.spreadsheets import check_file
from payroll.store.personal import keep_imported_rrns
from payroll.web.cache import ComputedOnce, file_sha256
from payroll.web.models import ConsoleUpload



@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    suffixes: tuple[str, ...]
    target: str  # relative to the inputs dir; {month} and {digest} are filled in
    common: bool = False


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("attendance", "근태 기록 (지문인식기 내보내기)", (".csv", ".xlsx", ".xls", ".txt", ".dat"), "{month}/attendance/{digest}{suffix}"),
    Kind("corrections", "근태 정정 (출근·퇴근 정정)", (".csv",), "{month}/corrections.csv"),
    Kind("leave", "휴가", (".csv",), "{month}/leave.csv"),
    Kind("overtime", "연장근로 승인", (".csv",), "{month}/overtime.csv"),
    Kind("decisions", "근태 결정 (근로자별 처리)", (".csv",), "{month}/decisions.csv"),
    Kind("roster", "근로자 명부 (공통)", (".csv",), "roster.csv", common=True),
    Kind("contracts", "근로계약 (공통)", (".csv",), "contracts.csv", common=True),
    Kind("employer", "사업장 설정 (공통)", (".toml",), "employer.toml", common=True),
    Kind("seal", "직인 이미지 (공통)", (".png",), "seal.png", common=True),
    # the optional files of docs/runs.md that carry what happened before the first run in this system
    Kind("ytd", "연초부터의 급여·세액 (공통: 이 시스템 이전 달)", (".csv",), "ytd.csv", common=True),
    Kind("wages", "이전 달 임금 (공통: 퇴직금 평균임금)", (".csv",), "wages.csv", common=True),
    Kind("leave_opening", "연차 이월 잔여 (공통)", (".csv",), "leave_opening.csv", common=True),
    Kind("leave_history", "이전 휴가 사용 (공통)", (".csv",), "leave_history.csv", common=True),
    Kind("notices", "연차 사용촉진 기록부 (공통)", (".csv",), "leave_notices.csv", common=True),
    Kind("claims", "소득·세액공제신고서 (공통)", (".json",), "claims.json", common=True),
)}

STAGING_PREFIX = ".upload-"  # an upload being checked (a hidden file: no run or check reads it)
_SAFE_NAME = re.compile(r"[^0-9A-Za-z가-힣._ ()\-]+")


def display_name(filename: str | None) -> str:
    """The uploaded file's name for display: no directories, no odd characters, no 주민등록번호."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE_NAME.sub("_", mask_rrn(base)).strip(" .") or "upload"
    return base[:120]


#: the rosters read from roster.csv and contracts.csv, by the files' hashes (read-only objects, shared by the pages)
ROSTERS: ComputedOnce = ComputedOnce(size=8, errors=(InputError,))


def roster_of(root: Path, engine=None):
    """The workers and contracts the console checks uploads against: ``roster.csv`` and ``contracts.csv``
    uploaded in the inputs folder (the next run imports them; read once per version of the two files),
    else the record (every worker, every contract); None when there is neither."""
    from payroll.roster import load_roster

    r, c = root / "roster.csv", root / "contracts.csv"
    if r.is_file() and c.is_file():
        return ROSTERS.get((str(r.resolve()), file_sha256(r), file_sha256(c)), lambda: load_roster(r, c))
    if engine is None:
        return None
    from payroll.record import people

    key = _record_version(engine)
    if key not in _RECORD_ROSTER:
        with Session(engine) as db:
            _RECORD_ROSTER.clear()
            _RECORD_ROSTER[key] = people.roster_as_of(db, dt.date(9999, 12, 31))
    roster = _RECORD_ROSTER[key]
    return roster if roster.workers else None


_RECORD_ROSTER: dict[tuple, object] = {}


def _record_version(engine) -> tuple:
    """The record's version (:func:`payroll.record.audit.record_version`)."""
    from payroll.record.audit import record_version

    with Session(engine) as db:
        return (str(engine.url), record_version(db))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    y, m = (int(x) for x in month.split("-"))
    first = dt.date(y, m, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _validate(kind: str, path: Path, root: Path, month: str, engine=None) -> str:
    """Read the file with the importer the CLI uses; a one-line summary, or InputError."""
    if kind == "attendance":
        from payroll.attendance.guarded import read_untrusted

        export = read_untrusted(path)
        return f"{export.frame.height + export.skipped.height}행을 읽음"
    if kind == "decisions":
        from payroll.runs.decisions import load_decisions

        return f"결정 {len(load_decisions(path, roster_of(root, engine)))}건"
    if kind == "seal":
        from payroll.employer import check_seal

        check_seal(path.read_bytes(), "직인 이미지")
        return "직인 이미지 (employer.toml의 seal_image = \"seal.png\")"
    if kind == "corrections":
        from payroll.attendance.checks import load_corrections

        return f"정정 {load_corrections(path, roster_of(root, engine)).height}건"
    if kind in ("leave", "overtime"):
        roster = roster_of(root, engine)
        if roster is None:
            raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
        from payroll.timesheet.inputs import load_approvals, load_leave

        frame = load_leave(path, roster) if kind == "leave" else load_approvals(path, roster)
        return f"{frame.height}건"
    if kind in ("roster", "contracts"):
        from payroll.roster import load_contracts, load_roster, load_workers

        other = root / ("contracts.csv" if kind == "roster" else "roster.csv")
        if not other.is_file():  # every row checked now; the pair is checked together when it comes
            count = len(load_workers(path)) if kind == "roster" else len(load_contracts(path))
            return f"{'근로자' if kind == 'roster' else '계약'} {count}건; 짝이 되는 파일을 올리면 함께 검사합니다"
        roster = load_roster(path, other) if kind == "roster" else load_roster(other, path)
        return f"근로자 {len(roster.workers)}명, 계약 {len(roster.contracts)}건"
    if kind == "ytd":
        from payroll.settlement import load_ytd_csv

        return f"{len(load_ytd_csv(path))}행"
    if kind == "wages":
        from payroll.record.opening import load_wages_csv

        return f"근로자 {len(load_wages_csv(path))}명"
    if kind == "claims":
        from payroll.settlement import load_claims

        return f"신고서 {len(load_claims(path))}건"
    if kind == "notices":
        from payroll.leave.inputs import load_register

        return f"기록 {len(load_register(path))}건"
    if kind in ("leave_opening", "leave_history"):
        roster = roster_of(root, engine)
        if roster is None:
            raise InputError("근로자 명부(roster.csv)와 근로계약(contracts.csv)을 먼저 올리세요")
        from payroll.leave.inputs import load_leave, load_opening

        return f"{len(load_opening(path, roster) if kind == 'leave_opening' else load_leave(path, roster))}건"
    if kind == "employer":
        from payroll.employer import parse_employer

        import tomllib

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"employer.toml: TOML 형식이 아닙니다: {exc}") from None
        if "seal_image" in raw and not (root / "seal.png").is_file() and raw.get("seal_image") == "seal.png":
            raise InputError("employer.toml: seal_image (직인 이미지): 직인 이미지 seal.png를 먼저 올리세요")
        employer = parse_employer(raw, root / "employer.toml")
        return f"{employer.name}, 임금지급일 {employer.pay_day_text()}"
    raise InputError(f"알 수 없는 파일 종류입니다: {kind!r}")


def save_upload(db: Session, root: Path, month: str, kind: str, filename: str | None, data: bytes, *, actor: str, clock) -> tuple[ConsoleUpload, str]:
    """Validate and keep one uploaded file; returns its record and the importer's summary."""
    check_month(month)
    spec = KINDS.get(kind)
    if spec is None:
        raise InputError(f"파일 종류를 고르세요 ({', '.join(KINDS)})")
    shown = display_name(filename)
    suffix = Path(shown).suffix.lower()
    if suffix not in spec.suffixes:
        raise InputError(f"{shown}: {spec.label} 파일은 {', '.join(spec.suffixes)} 형식만 받습니다")
    if not data:
        raise InputError(f"{shown}: 빈 파일입니다")
    check_file(data, shown)  # size, and a spreadsheet's structure, before anything opens it
    original = data
    data, rrn_count = mask_bytes(data)  # what is kept, on disk and in the store: 주민등록번호 masked
    digest = sha256_bytes(data)
    relative = spec.target.format(month=month, digest=digest[:16], suffix=suffix)
    target = contained(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            summary = _validate(kind, Path(tmp), root, month, db.get_bind())
        except InputError as exc:  # the importer's message, about the name the clerk knows
            raise InputError(str(exc).replace(tmp, shown)) from None
        # the original sealed; a roster's full numbers also encrypted per worker (payroll.store.personal)
        kept = keep_imported_rrns(db, original, suffix, actor, shown, per_worker=kind == "roster")
        if kept:
            summary += "; " + kept
        row = ConsoleUpload(month=month, kind=kind, original_name=shown, stored_name=relative, sha256=digest, size=len(data), uploaded_by=actor, uploaded_at=clock())
        db.add(row)
        record(db, actor, "upload", f"{month}/{kind}", f"{shown} sha256={digest} size={len(data)} → {relative}", clock=clock)
        db.commit()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    db.refresh(row)
    return row, summary


def current_uploads(db: Session, root: Path, month: str) -> list[ConsoleUpload]:
    """The uploads of ``month`` (and the common files) that are in place now, newest first."""
    rows = db.exec(select(ConsoleUpload).where(ConsoleUpload.removed == False).order_by(ConsoleUpload.id.desc())).all()  # noqa: E712
    out, seen = [], set()
    for r in rows:
        if r.stored_name in seen:
            continue
        if not (r.month == month or KINDS[r.kind].common):
            continue
        if file_sha256(contained(root, r.stored_name)) != r.sha256:
            continue
        seen.add(r.stored_name)
        out.append(r)
    return out


def remove_attendance(db: Session, root: Path, month: str, upload_id: int, *, actor: str, clock) -> ConsoleUpload:
    """Take an attendance export out of the month (its blob and record stay)."""
    row = db.get(ConsoleUpload, upload_id)
    if row is None or row.month != month or row.kind != "attendance" or row.removed:
        raise InputError("그런 근태 파일이 없습니다")
    path = contained(root, row.stored_name)
    if path.is_file():
        path.unlink()
    row.removed = True
    db.add(row)
    record(db, actor, "upload_remove", f"{month}/attendance", f"{row.original_name} sha256={row.sha256}", clock=clock)
    db.commit()
    return row


CORRECTION_HEADER = tuple(CORRECTION_FIELDS)


def apply_correction(db: Session, root: Path, month: str, worker_id: str, day: str, time_in: str, time_out: str, reason: str, *, actor: str, clock) -> str:
    """Add (or replace) one line of the month's corrections.csv, checked by the same loader as an upload."""
    path = root / month / "corrections.csv"
    lines: list[dict[str, str]] = []
    if path.is_file():
        from payroll.attendance.checks import read_small_csv

        lines = [r for _, r in read_small_csv(path, CORRECTION_HEADER, "근태 정정")]
    lines = [r for r in lines if not (r["worker_id"] == worker_id and r["date"] == day)]
    lines.append({"worker_id": worker_id, "date": day, "in": time_in, "out": time_out, "reason": reason})
    buf = io.StringIO(newline="")
    w = csv_writer(buf, lineterminator="\n")
    w.writerow(CORRECTION_HEADER)
    for r in sorted(lines, key=lambda r: (r["worker_id"], r["date"])):
        w.writerow([r.get(c, "") for c in CORRECTION_HEADER])
    _, summary = save_upload(db, root, month, "corrections", "corrections.csv", buf.getvalue().encode("utf-8"), actor=actor, clock=clock)
    return summary


def apply_decision(db: Session, root: Path, month: str, worker_id: str, decision: str, reason: str, *, actor: str, clock) -> str:
    """Set (or, with ``decision`` empty, take back) one worker's decision in the month's decisions.csv."""
    from payroll.attendance.checks import read_small_csv
    from payroll.runs.decisions import COLUMNS, LABELS, decisions_csv

    if decision and decision not in LABELS:
        raise InputError("결정을 고르세요: 지급 보류, 소정근로시간대로 지급, 기록대로 지급")
    if decision and not reason:
        raise InputError(f"{worker_id}: 사유: 결정의 사유를 적으세요 (실행 기록과 임금명세서에 남습니다)")
    path = root / month / "decisions.csv"
    rows = [r for _, r in read_small_csv(path, COLUMNS, "근태 결정")] if path.is_file() else []
    rows = [(r["worker_id"], r["decision"], r["reason"]) for r in rows if r["worker_id"] != worker_id]
    if decision:
        rows.append((worker_id, decision, reason))
    _, summary = save_upload(db, root, month, "decisions", "decisions.csv", decisions_csv(rows), actor=actor, clock=clock)
    return summary
