"""The ledger's inputs besides the roster: the leave file, the attendance summary, the notice register.

leave.csv (the timesheet's leave file; the timesheet reads the same file for the month's hours)
    worker_id, date, kind, minutes
    kind: 연차 | 반차 | 병가 | 공가 | 무급; minutes empty = the worker's scheduled day
    (for 반차: half of it). The ledger uses 연차 and 반차; 무급 full days are absences when no
    attendance summary is given.

attendance summary (``--attendance-summary``; the timesheet's per worker-day rows)
    worker_id, date, scheduled, attended, counted_as_attended   (booleans: true/false, 1/0)
    counted_as_attended: a day §60⑥ counts as attended (업무상 부상·질병 휴업, 출산전후휴가,
    육아휴직, …); the timesheet decides which.

notice register (data/leave_notices.csv; appended by ``payroll leave notices``)
    worker_id, period_end, stage, notice_date, minutes
    stage: first | second | first_late | second_late (§61①/② 1호, 2호 and their 단서)

opening balances (data/leave_opening.csv; optional, for workers whose 연차 history lies in an
earlier system or before the rules' coverage)
    worker_id, as_of, minutes, note
    minutes: the worker's unused 연차 at the end of ``as_of`` (every grant, use and lapse dated on
    or before it is in the figure); the ledger starts the next day. One row per worker; note is free
    text shown in the ledger (e.g. "2025년 연차관리대장 이월").

Every row is validated; an error names the file, the row (line number, header = 1) and the field,
and nothing is applied.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.leave.units import check_use
from payroll.roster import Contract, Roster
from payroll.security.cells import csv_writer

LEAVE_KINDS = ("연차", "반차", "병가", "공가", "무급")
ANNUAL_KINDS = ("연차", "반차")
STAGES = ("first", "second", "first_late", "second_late")
LEAVE_COLUMNS = ("worker_id", "date", "kind", "minutes")
ATTENDANCE_COLUMNS = ("worker_id", "date", "scheduled", "attended", "counted_as_attended")
REGISTER_COLUMNS = ("worker_id", "period_end", "stage", "notice_date", "minutes")
OPENING_COLUMNS = ("worker_id", "as_of", "minutes")  # and an optional ``note``

LEAVE_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "kind": pl.Utf8, "minutes": pl.Int64, "source_row": pl.Int64}
ATTENDANCE_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "scheduled": pl.Boolean, "attended": pl.Boolean, "counted_as_attended": pl.Boolean}


def _read_text(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp949")
        except UnicodeDecodeError:
            raise InputError(f"{path}: UTF-8이나 CP949 텍스트가 아닙니다") from None


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_read_text(path)))
    if not reader.fieldnames:
        raise InputError(f"{path}: 빈 파일입니다 (머리글 행 없음)")
    header = [h.strip() for h in reader.fieldnames]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}: 1행: 없는 열: {', '.join(missing)}")
    out = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(f"{path}: {line}행: 머리글보다 칸이 많습니다")
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not any(cleaned.values()):
            continue  # a blank line
        out.append((line, cleaned))
    return out


def _date(path: Path, line: int, field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{path}: {line}행: {field}: 날짜(YYYY-MM-DD)가 아닙니다: {text!r}") from None


def _bool(path: Path, line: int, field: str, text: str) -> bool:
    low = text.lower()
    if low in ("true", "1", "yes", "y"):
        return True
    if low in ("false", "0", "no", "n"):
        return False
    raise InputError(f"{path}: {line}행: {field}: 참/거짓(true/false)이 아닙니다: {text!r}")


@dataclass(frozen=True)
class LeaveDay:
    worker_id: str
    date: dt.date
    kind: str
    minutes: int  # resolved: an empty cell is the scheduled day (반차: half of it)
    source: str
    line: int


def _resolve_minutes(kind: str, given: int | None, contract: Contract) -> int:
    if given is not None:
        return given
    return contract.daily_minutes // 2 if kind == "반차" else contract.daily_minutes


def load_leave(path: Path | None, roster: Roster, law: Law | None = None) -> list[LeaveDay]:
    """Read and check the leave file against the roster; raise on the first bad row, apply nothing."""
    if path is None:
        return []
    law = law or law_module.current()
    path = Path(path)
    days: list[LeaveDay] = []
    for line, row in _rows(path, LEAVE_COLUMNS):
        wid = row["worker_id"]
        if not wid:
            raise InputError(f"{path}: {line}행: worker_id: 비어 있습니다")
        if wid not in roster.workers:
            raise InputError(f"{path}: {line}행: worker_id: {wid!r}은(는) 명부(roster)에 없습니다")
        day = _date(path, line, "date", row["date"])
        kind = row["kind"]
        if kind not in LEAVE_KINDS:
            raise InputError(f"{path}: {line}행: kind: 알 수 없는 휴가 종류 {kind!r} (쓸 수 있는 값: {', '.join(LEAVE_KINDS)})")
        given: int | None = None
        if row["minutes"]:
            try:
                given = int(row["minutes"])
            except ValueError:
                raise InputError(f"{path}: {line}행: minutes: 분 단위 정수가 아닙니다: {row['minutes']!r}") from None
            if given <= 0:
                raise InputError(f"{path}: {line}행: minutes: 0보다 커야 합니다 (비우면 그날 소정근로시간)")
        contract = roster.contract_on(wid, day)
        if contract is None:
            raise InputError(f"{path}: {line}행: date: {day.isoformat()}은(는) 근로자 {wid}의 어느 계약 기간에도 들지 않습니다")
        if day.isoweekday() not in contract.weekdays:
            raise InputError(f"{path}: {line}행: date: {day.isoformat()}은(는) 계약 {contract.contract_id}의 소정근로일이 아닙니다 (work_days {contract.work_days})")
        minutes = _resolve_minutes(kind, given, contract)
        if minutes > contract.daily_minutes:
            raise InputError(f"{path}: {line}행: minutes: {minutes}분이 계약 {contract.contract_id}의 1일 소정근로시간({contract.daily_minutes}분)보다 깁니다")
        check_use(kind, given, contract.daily_minutes, day, law, f"{path}: {line}행")
        days.append(LeaveDay(wid, day, kind, minutes, str(path), line))
    # overlapping leave: one worker-day may hold several part-day rows, never more than the day
    by_day: dict[tuple[str, dt.date], list[LeaveDay]] = {}
    for d in days:
        by_day.setdefault((d.worker_id, d.date), []).append(d)
    for (wid, day), group in by_day.items():
        if len(group) < 2:
            continue
        contract = roster.contract_on(wid, day)
        assert contract is not None
        total = sum(d.minutes for d in group)
        if total > contract.daily_minutes or any(d.minutes == contract.daily_minutes for d in group):
            first, second = group[0], group[1]
            raise InputError(
                f"{path}: {second.line}행: date: 근로자 {wid}의 {day.isoformat()} 휴가가 {first.line}행과 겹칩니다 "
                f"(합계 {total}분, 1일 소정근로시간 {contract.daily_minutes}분)"
            )
    days.sort(key=lambda d: (d.worker_id, d.date, d.line))
    return days


def load_attendance(path: Path | None) -> pl.DataFrame | None:
    """The per worker-day attendance summary from CSV, or None when not given."""
    if path is None:
        return None
    path = Path(path)
    records = []
    seen: set[tuple[str, dt.date]] = set()
    for line, row in _rows(path, ATTENDANCE_COLUMNS):
        wid = row["worker_id"]
        if not wid:
            raise InputError(f"{path}: {line}행: worker_id: 비어 있습니다")
        day = _date(path, line, "date", row["date"])
        if (wid, day) in seen:
            raise InputError(f"{path}: {line}행: date: 근로자 {wid}의 {day.isoformat()} 행이 두 개입니다")
        seen.add((wid, day))
        records.append((wid, day, *(_bool(path, line, f, row[f]) for f in ATTENDANCE_COLUMNS[2:])))
    return pl.DataFrame(records, schema=ATTENDANCE_SCHEMA, orient="row")


def from_timesheet_days(days: pl.DataFrame) -> pl.DataFrame:
    """The timesheet's per worker-day rows (payroll.timesheet.days.build_days) as the attendance summary.

    Its ``workday`` (a scheduled day that is not a paid holiday) inside the month built is the
    scheduled day; its ``attended`` (worked, or on paid leave) is attended. The timesheet does not
    yet mark the §60⑥ periods, so ``counted_as_attended`` is false until it does.
    """
    out = days.filter(pl.col("in_month")) if "in_month" in days.columns else days
    counted = pl.col("counted_as_attended") if "counted_as_attended" in days.columns else pl.lit(False)
    return out.select(pl.col("worker_id"), pl.col("date"), pl.col("workday").alias("scheduled"), pl.col("attended"), counted.alias("counted_as_attended"))


def _ascending_and_unique(frame: pl.DataFrame) -> bool:
    """Whether every row's (worker_id, date) is greater than the row's before it: then no two are the same."""
    wid, day = pl.col("worker_id"), pl.col("date")
    after = (wid > wid.shift()) | ((wid == wid.shift()) & (day > day.shift()))
    return bool(frame.select(after.fill_null(True).all()).item())


def check_attendance_frame(frame: pl.DataFrame, source: str = "attendance summary") -> pl.DataFrame:
    """Accept the summary frame, or the timesheet's day frame (``workday`` column), and return the
    five columns the ledger reads (extra columns ignored)."""
    if "counted_as_attended" not in frame.columns and "workday" in frame.columns:
        frame = from_timesheet_days(frame)
    missing = [c for c in ATTENDANCE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{source}: 없는 열: {', '.join(missing)}")
    out = frame.select(ATTENDANCE_COLUMNS).cast(ATTENDANCE_SCHEMA)
    nulls = out.null_count().row(0)
    for name, n in zip(ATTENDANCE_COLUMNS, nulls):
        if n:
            raise InputError(f"{source}: {name}: 빈 값 {n}개")
    if _ascending_and_unique(out):  # a run's timesheet is: no hash table over every worker-day (issue 20)
        return out
    dup = out.group_by("worker_id", "date").len().filter(pl.col("len") > 1)
    if dup.height:
        wid, day, _ = dup.sort("worker_id", "date").row(0)
        raise InputError(f"{source}: date: 근로자 {wid}의 {day.isoformat()} 행이 두 개입니다")
    return out


@dataclass(frozen=True)
class Notice:
    worker_id: str
    period_end: dt.date  # last day of the use period the notice is about
    stage: str
    notice_date: dt.date
    minutes: int | None


def load_register(path: Path | None) -> list[Notice]:
    if path is None or not Path(path).exists():
        return []
    path = Path(path)
    out = []
    keys: set[tuple[str, dt.date, str]] = set()
    for line, row in _rows(path, REGISTER_COLUMNS):
        wid = row["worker_id"]
        if not wid:
            raise InputError(f"{path}: {line}행: worker_id: 비어 있습니다")
        end = _date(path, line, "period_end", row["period_end"])
        stage = row["stage"]
        if stage not in STAGES:
            raise InputError(f"{path}: {line}행: stage: 알 수 없는 단계 {stage!r} (쓸 수 있는 값: {', '.join(STAGES)})")
        when = _date(path, line, "notice_date", row["notice_date"])
        minutes = None
        if row["minutes"]:
            try:
                minutes = int(row["minutes"])
            except ValueError:
                raise InputError(f"{path}: {line}행: minutes: 정수가 아닙니다: {row['minutes']!r}") from None
        key = (wid, end, stage)
        if key in keys:
            raise InputError(f"{path}: {line}행: stage: 근로자 {wid}의 {end.isoformat()}에 끝나는 기간의 {stage} 통지가 두 번 기록되어 있습니다")
        keys.add(key)
        out.append(Notice(wid, end, stage, when, minutes))
    return out


def append_register(path: Path, notices: list[Notice]) -> None:
    """Add notices to the register atomically (write the whole new file, then rename)."""
    path = Path(path)
    existing = load_register(path)
    keys = {(n.worker_id, n.period_end, n.stage) for n in existing}
    new = [n for n in notices if (n.worker_id, n.period_end, n.stage) not in keys]
    rows = existing + new
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for n in rows:
        writer.writerow([n.worker_id, n.period_end.isoformat(), n.stage, n.notice_date.isoformat(), "" if n.minutes is None else n.minutes])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)


@dataclass(frozen=True)
class Opening:
    """Unused 연차 carried into the ledger: the balance at the end of ``as_of``."""

    worker_id: str
    as_of: dt.date
    minutes: int
    note: str
    source: str
    line: int


def load_opening(path: Path | None, roster: Roster) -> list[Opening]:
    """Read the opening balances (worker_id, as_of, minutes, note); raise on the first bad row.

    Checked here: the worker is in the roster, the date and the whole non-negative minutes, one row
    per worker. That ``as_of`` lies in a service of the worker and within the rules' coverage is
    checked by the ledger (it knows the services)."""
    if path is None:
        return []
    path = Path(path)
    out: list[Opening] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, OPENING_COLUMNS):
        wid = row["worker_id"]
        if not wid:
            raise InputError(f"{path}: {line}행: worker_id: 비어 있습니다")
        if wid not in roster.workers:
            raise InputError(f"{path}: {line}행: worker_id: {wid!r}은(는) 명부(roster)에 없습니다")
        if wid in seen:
            raise InputError(f"{path}: {line}행: worker_id: 근로자 {wid}의 이월 잔여가 이미 있습니다 ({seen[wid]}행); 근로자마다 한 행만 주세요")
        seen[wid] = line
        day = _date(path, line, "as_of", row["as_of"])
        try:
            minutes = int(row["minutes"])
        except ValueError:
            raise InputError(f"{path}: {line}행: minutes: 분 단위 정수가 아닙니다: {row['minutes']!r}") from None
        if minutes < 0:
            raise InputError(f"{path}: {line}행: minutes: 0 이상이어야 합니다 (쓰지 않은 연차를 분으로; 통상 하루 = 480)")
        out.append(Opening(wid, day, minutes, row.get("note", ""), str(path), line))
    return out
