"""The inputs of a month: where they are found, how they are stored (by hash) and given back.

Layout of an inputs directory (``payroll run MONTH --inputs DIR``, default ``./inputs``)::

    DIR/
      roster.csv              optional: workers to import into the record first (payroll.runs.record_inputs);
                              DIR/MONTH/roster.csv overrides it
      contracts.csv           optional: contracts to import with it; DIR/MONTH/contracts.csv overrides it
      employer.toml           the employer's settings, read by every document (payroll/employer.py):
                              name, business_number, representative, address, pay_day (required), …
      seal.png                optional: the 직인 image employer.toml names (seal_image)
      MONTH/                  e.g. 2026-06/
        attendance/           one or more device exports (*.csv, *.xlsx, *.xls), any names
        corrections.csv       optional: attendance corrections
        leave.csv             optional: leave taken
        overtime.csv          optional: approved overtime
        run.toml              optional: pay_date = 2026-07-10 (default: employer.toml's pay day), profile = "<attendance profile>"
        decisions.csv         optional: per worker, what to do with the attendance errors left open
                              (payroll.runs.decisions: hold, scheduled, as_punched, with a reason)
        claims.json           optional: 소득·세액공제신고서 claims for a leaver's settlement (payroll.settlement.claims)
      leave_notices.csv       optional: the 사용촉진 notice register (payroll.leave.inputs); MONTH/ overrides it;
                              when absent here, DATA/leave_notices.csv ($PAYROLL_DATA, else ./data) is used if present
      leave_history.csv       optional: 연차 taken before the first run in this system (format of leave.csv)
      leave_opening.csv       optional: 연차 opening balances (payroll.leave.inputs; worker_id, as_of, minutes, note)
      resignations.csv        optional: the 중도포기서 register (payroll doc resignation): each ends its contract early
      ytd.csv                 optional: year-to-date pay before the first run in this system (payroll.settlement.claims)
      wages.csv               optional: worker_id, month, wages of months before the first run (평균임금 of a 퇴직금)
      claims.json             optional: as MONTH/claims.json, for every month

Files the run writes itself (from the database, stored and hashed like the others so a replay sees
the same): ``_payroll/roster.csv`` and ``_payroll/contracts.csv`` (the record as of the month),
``_payroll/ytd.csv``, ``_payroll/wages.csv``, ``_payroll/leave_opening.csv`` (the record's opening
balances of the month's workers), ``_payroll/adjustments.json`` (소급분 lines due), ``_payroll/welfare.json`` (the month's
welfare pay items), ``_payroll/history.json`` (the leavers' stored pay of the 12 months before),
``_payroll/leave_history.csv`` (연차 taken in the months already run),
``_payroll/leave_notices.csv`` (the notice register from the data directory),
``_payroll/installation_rules.toml`` (the figures HR entered, :mod:`payroll.announced`),
``_payroll/profiles/*`` (the installation's attendance profiles and device-user tables) and, in
February–April, ``_payroll/yearend.json`` (the 연말정산 lines of the previous year's latest year-end batch).

Every file is stored once in ``input_blobs`` under the sha256 of its bytes; a run's inputs
manifest lists (role, name relative to DIR, sha256, size). A replay writes the blobs back under
the same relative names in a scratch directory and builds the month from there.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from payroll.case import InputError
from payroll.runs.hashing import sha256_bytes, sha256_file
from payroll.security.identifiers import check_month, contained  # noqa: F401  (check_month: callers import it from here)
from payroll.store.db import now
from payroll.store.models import InputBlob

ATTENDANCE_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt", ".dat")  # .txt/.dat: device logs (attlog.dat, fixed-width records)
OPTIONAL_FILES = ("corrections", "leave", "overtime", "decisions")
EMPLOYER_FILE = "employer.toml"
ADJUSTMENTS_NAME = "_payroll/adjustments.json"  # the 소급분 lines a run carries (written by the run, not by HR)
WELFARE_NAME = "_payroll/welfare.json"  # the month's welfare pay items (payroll.welfare.service)
HISTORY_NAME = "_payroll/history.json"  # the leavers' figures from the stored runs of the 12 months before
LEAVE_HISTORY_NAME = "_payroll/leave_history.csv"  # 연차 taken in earlier months (from their runs' leave files)
NOTICES_NAME = "_payroll/leave_notices.csv"  # the notice register of the data directory
YEAREND_NAME = "_payroll/yearend.json"  # the 연말정산 lines due this month (February–April; payroll.yearend.installments)
INSTALLATION_RULES_NAME = "_payroll/installation_rules.toml"  # the figures HR entered (payroll.announced), as the run read them
INSTALLATION_PROFILES_DIR = "_payroll/profiles"  # the installation's attendance profiles and device-user tables, as the run read them
#: optional files looked up in DIR/MONTH/ first, then in DIR/ (role, file name)
SHARED_OPTIONAL = (("notices", "leave_notices.csv"), ("claims", "claims.json"), ("opening_ytd", "ytd.csv"), ("opening_wages", "wages.csv"),
                   ("opening_leave", "leave_history.csv"), ("leave_opening", "leave_opening.csv"),
                   ("resignations", "resignations.csv"))


@dataclass(frozen=True)
class StagedInputs:
    """The month's input files, as paths (the original ones, or a replay's restored copies)."""

    month: str
    pay_date: dt.date
    root: Path
    roster: Path
    contracts: Path
    attendance: tuple[Path, ...]
    corrections: Path | None = None
    leave: Path | None = None
    overtime: Path | None = None
    profile: str | None = None
    adjustments: Path | None = None
    employer: Path | None = None
    seal: Path | None = None
    decisions: Path | None = None
    notices: Path | None = None
    claims: Path | None = None
    opening_ytd: Path | None = None
    opening_wages: Path | None = None
    opening_leave: Path | None = None
    leave_opening: Path | None = None
    resignations: Path | None = None
    welfare: Path | None = None
    history: Path | None = None
    leave_history: Path | None = None
    yearend: Path | None = None
    installation_rules: Path | None = None
    #: the folder of the installation's attendance profiles as the run read them (a replay restores it)
    profiles_dir: Path | None = None
    manifest: tuple[dict, ...] = field(default=(), compare=False)


def _config(path: Path) -> dict:
    from payroll.csvfile import read_toml

    doc = read_toml(path)
    unknown = set(doc) - {"pay_date", "profile"}
    if unknown:
        raise InputError(f"{path}: 알 수 없는 키 {sorted(unknown)[0]!r} (쓸 수 있는 키: pay_date, profile)")
    if "pay_date" in doc and not (isinstance(doc["pay_date"], dt.date) and not isinstance(doc["pay_date"], dt.datetime)):
        raise InputError(f"{path}: pay_date: 2026-07-10 같은 TOML 날짜여야 합니다")
    if "profile" in doc and not isinstance(doc["profile"], str):
        raise InputError(f"{path}: profile: 문자열이어야 합니다")
    return doc


def collect(root: Path, month: str) -> list[tuple[str, Path]]:
    """(role, path) of every input file of ``month`` under ``root``, in a fixed order."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"--inputs: {root}은(는) 폴더가 아닙니다")
    mdir = root / month
    if not mdir.is_dir():
        raise InputError(f"{mdir}: {month}의 입력이 없습니다 ({root}/{month}/attendance/…에 두세요)")
    files: list[tuple[str, Path]] = []
    for role in ("roster", "contracts"):  # optional: an import into the record (payroll.runs.record_inputs)
        p = mdir / f"{role}.csv"
        p = p if p.is_file() else root / f"{role}.csv"
        if p.is_file():
            files.append((role, p))
    p = root / EMPLOYER_FILE
    if not p.is_file():
        raise InputError(f"{p}: 사업장 설정 파일이 없습니다: 이름, 사업자등록번호, 대표자, 소재지, 임금지급일을 적으세요 (docs/runs.md)")
    files.append(("employer", p))
    seal = _seal_file(p)
    if seal is not None:
        files.append(("seal", seal))
    adir = mdir / "attendance"
    # a hidden file (an upload being checked, ``.upload-…``; an editor's lock file) is not an export
    attendance = sorted(p for p in adir.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ATTENDANCE_SUFFIXES) if adir.is_dir() else []
    if not attendance:
        raise InputError(f"{adir}: 근태 기록 파일이 없습니다 (*.csv, *.xlsx, *.xls)")
    files += [("attendance", p) for p in attendance]
    for role in OPTIONAL_FILES:
        p = mdir / f"{role}.csv"
        if p.is_file():
            files.append((role, p))
    if (mdir / "run.toml").is_file():
        files.append(("config", mdir / "run.toml"))
    for role, name in SHARED_OPTIONAL:
        p = mdir / name
        p = p if p.is_file() else root / name
        if p.is_file():
            files.append((role, p))
    return files


def _seal_file(employer_toml: Path) -> Path | None:
    """The 직인 image ``employer.toml`` names (an input: the documents that print it are outputs)."""
    from payroll.csvfile import read_toml

    try:
        name = read_toml(employer_toml).get("seal_image")
    except InputError:
        return None  # the employer's own validation names the problem
    if isinstance(name, str) and name and "/" not in name and "\\" not in name and not name.startswith("."):
        p = employer_toml.parent / name
        return p if p.is_file() else None
    return None


def pay_date_of(root: Path, month: str, given: dt.date | None, employer=None) -> dt.date:
    """The run's pay date: ``--pay-date``, else ``pay_date`` in ``MONTH/run.toml``, else the employer's pay day."""
    if given is not None:
        return given
    cfg_path = Path(root) / month / "run.toml"
    if cfg_path.is_file():
        cfg = _config(cfg_path)
        if "pay_date" in cfg:
            return cfg["pay_date"]
    if employer is not None:
        return employer.pay_date_for(month)
    raise InputError(f"{month}의 지급일이 없습니다: --pay-date YYYY-MM-DD, {cfg_path}의 pay_date, 또는 employer.toml의 pay_day를 주세요")


def stage(root: Path, month: str, pay_date: dt.date, files: list[tuple[str, Path]], manifest: list[dict] = ()) -> StagedInputs:
    by_role: dict[str, list[Path]] = {}
    for role, p in files:
        by_role.setdefault(role, []).append(p)
    profile = None
    if "config" in by_role:
        profile = _config(by_role["config"][0]).get("profile")
    one = lambda role: by_role[role][0] if role in by_role else None  # noqa: E731
    return StagedInputs(
        month=month, pay_date=pay_date, root=Path(root), roster=by_role["roster"][0], contracts=by_role["contracts"][0],
        attendance=tuple(by_role.get("attendance", ())), corrections=one("corrections"), leave=one("leave"), overtime=one("overtime"),
        profile=profile, adjustments=one("adjustments"), employer=one("employer"), seal=one("seal"), decisions=one("decisions"), notices=one("notices"), claims=one("claims"),
        opening_ytd=one("opening_ytd"), opening_wages=one("opening_wages"), opening_leave=one("opening_leave"), leave_opening=one("leave_opening"), resignations=one("resignations"), welfare=one("welfare"),
        history=one("history"), leave_history=one("leave_history"), installation_rules=one("installation_rules"), yearend=one("yearend"),
        profiles_dir=one("installation_profile").parent if "installation_profile" in by_role else None, manifest=tuple(manifest),
    )


def installation_profile_files() -> list[tuple[str, str, bytes]]:
    """The installation's attendance profiles and device-user tables, as (role, name, bytes) inputs:
    a replay reads the exports with the profiles the run had, whatever was edited since."""
    from payroll.attendance.profile_files import installation_dir

    folder = installation_dir()
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".toml", ".csv"))
    return [("installation_profile", f"{INSTALLATION_PROFILES_DIR}/{p.name}", p.read_bytes()) for p in files]


#: zlib's level for stored inputs: fixed, so that the same file is stored as the same bytes everywhere
PACK_LEVEL = 6


def store_blob(session: Session, data: bytes) -> str:
    """Put ``data`` in ``input_blobs`` unless its hash is there already (reuse); return the hash.
    The bytes are kept packed (zlib) when that makes them smaller; the hash is of the bytes themselves."""
    digest = sha256_bytes(data)
    if session.get(InputBlob, digest) is None:
        packed = zlib.compress(data, PACK_LEVEL)
        smaller = len(packed) < len(data)
        session.add(InputBlob(sha256=digest, size=len(data), content=packed if smaller else data, encoding="zlib" if smaller else None, created_at=now()))
        session.flush()
    return digest


def blob_content(blob: InputBlob) -> bytes:
    """A stored input's bytes as they were put in (unpacked, never past the size it was stored with)."""
    data = bytes(blob.content)
    if blob.encoding is None:
        return data
    if blob.encoding != "zlib":
        raise InputError(f"저장된 입력 {blob.sha256[:12]}…: 알 수 없는 저장 방식 {blob.encoding!r}")
    try:
        unpacker = zlib.decompressobj()
        out = unpacker.decompress(data, blob.size + 1)
    except zlib.error:
        raise InputError(f"저장된 입력 {blob.sha256[:12]}…: 압축된 내용을 풀 수 없습니다 (저장 뒤에 바뀜)") from None
    if len(out) != blob.size or not unpacker.eof:
        raise InputError(f"저장된 입력 {blob.sha256[:12]}…: 내용의 크기가 기록({blob.size:,} 바이트)과 다릅니다 (저장 뒤에 바뀜)")
    return out


@dataclass
class Imported:
    """The month's files as stored: the manifest, the stored bytes by sha256, and what was masked."""

    manifest: list[dict]
    contents: dict[str, bytes]
    notes: list[str]


def import_files(session: Session, root: Path, files: list[tuple[str, Path]], extra: list[tuple[str, str, bytes]] = ()) -> Imported:
    """Store each file by hash; the manifest [{role, name, sha256, size}] (names relative to ``root``).

    What is stored — and what the run then reads, as a replay will — is the file with every
    주민등록번호 masked (:mod:`payroll.security.rrn`); the manifest says how many were
    (``rrn_masked``) and the original is sealed under the store's key when one is configured.
    """
    from payroll.security import rrn
    from payroll.security.spreadsheets import check_file

    manifest, contents, notes = [], {}, []
    entries = []
    for role, path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
        entries.append((role, path.resolve().relative_to(Path(root).resolve()).as_posix(), data, path))
    entries += [(role, name, data, None) for role, name, data in extra]
    for role, name, data, path in entries:
        if path is not None:
            check_file(data, str(path))  # a spreadsheet is measured before it is opened to be masked
        digest, stored, count, sealed = rrn.keep_masked(session, data)
        entry = {"role": role, "name": name, "sha256": digest, "size": len(stored)}
        if count:
            entry["rrn_masked"] = count
            notes.append(f"{name}: {rrn.kept_note(count, sealed)}")
        manifest.append(entry)
        contents[entry["sha256"]] = stored
    return Imported(manifest, contents, notes)


def write_staged(into: Path, imported: Imported) -> list[tuple[str, Path]]:
    """The stored files written under ``into`` by their names: what a run reads (a replay restores the same)."""
    files = []
    for entry in imported.manifest:
        target = contained(into, entry["name"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(imported.contents[entry["sha256"]])
        files.append((entry["role"], target))
    return files


def restore(session: Session, manifest: list[dict], into: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """Write each blob of ``manifest`` under ``into``; return (role, path) pairs and problems found."""
    files, problems = [], []
    for entry in manifest:
        blob = session.get(InputBlob, entry["sha256"])
        if blob is None:
            problems.append(f"입력 {entry['name']}: 저장소에 내용 {entry['sha256'][:12]}…이(가) 없습니다")
            continue
        try:
            data = blob_content(blob)
        except InputError as exc:  # changed behind the record: replay goes on with what is stored, and says so
            problems.append(f"입력 {entry['name']} ({entry['role']}): {exc}")
            data = bytes(blob.content)
        if sha256_bytes(data) != entry["sha256"]:
            problems.append(f"입력 {entry['name']} ({entry['role']}): 저장된 내용이 sha256 {entry['sha256'][:12]}…과 더 이상 맞지 않습니다 (실행 뒤에 바뀜)")
        target = contained(into, entry["name"])  # a name from the record: never a path out of the scratch folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files.append((entry["role"], target))
    return files, problems


def blob_bytes(session: Session, sha: str) -> bytes | None:
    blob = session.exec(select(InputBlob).where(InputBlob.sha256 == sha)).first()
    return blob_content(blob) if blob else None


def load_month_roster(roster: Path, contracts: Path, resignations: Path | None = None):
    """The roster a run uses: roster.csv and contracts.csv, with every 중도포기서 recorded in
    resignations.csv (the register ``payroll doc resignation`` keeps) ending its contract on the last
    working day — so the timesheet, the leaver's settlement, 연차수당 and 퇴직금 follow it."""
    paths = (Path(roster), Path(contracts), Path(resignations) if resignations is not None else None)
    try:
        key = tuple((str(p), sha256_file(p)) if p is not None else None for p in paths)
    except OSError:
        key = None  # a missing file: let the loader name it
    if key is not None and key in _ROSTERS:
        return _ROSTERS[key]
    loaded = _load_month_roster(*paths)
    if key is not None:
        _ROSTERS.clear()  # only the latest: a run asks for the same roster several times in a row
        _ROSTERS[key] = loaded
    return loaded


#: the last roster loaded, by its files' paths and contents (Worker and Contract are frozen models,
#: so sharing one Roster between the parts of a run is safe)
_ROSTERS: dict[tuple, object] = {}


def _load_month_roster(roster: Path, contracts: Path, resignations: Path | None):
    from payroll.documents.resignation import read_register_file
    from payroll.roster import load_roster, with_resignations

    base = load_roster(roster, contracts)
    if resignations is None:
        return base
    recorded = [(r.worker_id, r.contract_id, r.last_working_day) for r in read_register_file(resignations)]
    return with_resignations(base, recorded, source=str(resignations))
