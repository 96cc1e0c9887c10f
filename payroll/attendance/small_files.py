"""HR's small CSV files beside the exports: the corrections file, and the reading of small strict CSVs
(leave, overtime approvals) with their clock and date cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import polars as pl

from payroll.attendance.codes import CORR_SCHEMA
from payroll.case import InputError
from payroll.roster import Roster


_PLAIN_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")


def parse_clock(text: str, where: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    plain = _PLAIN_CLOCK.fullmatch(text)  # the usual 09:05, without strptime's cost on every row of a file
    if plain and int(plain[1]) < 24 and int(plain[2]) < 60:
        return int(plain[1]) * 60 + int(plain[2])
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            t = dt.datetime.strptime(text, fmt).time()
            return t.hour * 60 + t.minute
        except ValueError:
            continue
    raise InputError(f"{where}: not a time (HH:MM): {text!r}")


def read_small_csv(path: Path, required: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
    """A small HR-made CSV (corrections, leave, overtime approvals): UTF-8/BOM or CP949, strict."""
    from payroll.attendance.readers import decode_text

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    text, _ = decode_text(raw, str(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise InputError(f"{path}: empty {what} file (no header row)")
    header = [h.strip() for h in reader.fieldnames]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}: {what} file lacks column(s) {', '.join(missing)} (header: {', '.join(header)})")
    rows = []
    for row in reader:
        if None in row:
            raise InputError(f"{path}: row {reader.line_num}: more cells than header columns")
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not any(cleaned.values()):
            continue
        rows.append((reader.line_num, cleaned))
    return rows


def parse_iso_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}: not a date (YYYY-MM-DD): {text!r}") from None


def load_corrections(path: Path, roster: Roster | None) -> pl.DataFrame:
    """worker_id,date,in,out,reason. in/out both empty = no work that day; out ≤ in = next day."""
    contract_on = roster.contract_on if roster is not None else None
    rows = []
    for line, r in read_small_csv(path, ("worker_id", "date", "in", "out", "reason"), "corrections"):
        where = f"{path}: row {line}"
        wid = r["worker_id"]
        if not wid:
            raise InputError(f"{where}: worker_id: required")
        if roster is not None and wid not in roster.workers:
            raise InputError(f"{where}: worker_id: {wid!r} is not in the roster")
        day = parse_iso_date(r["date"], f"{where}: date")
        if contract_on is not None and contract_on(wid, day) is None:
            raise InputError(f"{where}: date: {day} is outside every contract of worker {wid}")
        a, b = parse_clock(r["in"], f"{where}: in"), parse_clock(r["out"], f"{where}: out")
        if (a is None) != (b is None):
            raise InputError(f"{where}: in/out: give both times, or neither (no work that day)")
        if not r["reason"]:
            raise InputError(f"{where}: reason: required (the correction is recorded)")
        base = dt.datetime.combine(day, dt.time())
        in_ts = base + dt.timedelta(minutes=a) if a is not None else None
        out_ts = base + dt.timedelta(minutes=b + (1440 if b <= a else 0)) if a is not None else None
        rows.append((line, wid, day, in_ts, out_ts, r["reason"], str(path)))
    frame = pl.DataFrame(rows, schema=CORR_SCHEMA, orient="row")
    dup = frame.filter(pl.struct("worker_id", "date").is_duplicated())
    if dup.height:
        first = dup.row(0, named=True)
        raise InputError(f"{path}: row {first['line']}: worker {first['worker_id']} on {first['date']} is corrected twice")
    return frame
