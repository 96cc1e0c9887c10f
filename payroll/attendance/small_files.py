"""HR's small CSV files beside the exports: the corrections file, and the reading of small strict CSVs
(leave, overtime approvals, decisions) with their clock and date cells. A correction may give only
the 출근 or only the 퇴근: the other side is taken from the day's own record. Messages name the row and
the field in Korean."""

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


def parse_clock(text: str, where: str, next_day: bool = False) -> int | None:
    """Minutes after midnight of HH:MM[:SS]; with ``next_day``, 24:00–47:59 too (the next day's time:
    33:05 is 09:05 the day after — a 퇴근 after a shift of a day or more)."""
    text = text.strip()
    if not text:
        return None
    plain = _PLAIN_CLOCK.fullmatch(text)  # the usual 09:05, without strptime's cost on every row of a file
    if plain and int(plain[1]) < (48 if next_day else 24) and int(plain[2]) < 60:
        return int(plain[1]) * 60 + int(plain[2])
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            t = dt.datetime.strptime(text, fmt).time()
            return t.hour * 60 + t.minute
        except ValueError:
            continue
    raise InputError(f"{where}: 시각(HH:MM)이 아닙니다: {text!r}")


def read_small_csv(path: Path, required: tuple[str, ...], what: str) -> list[tuple[int, dict[str, str]]]:
    """A small HR-made CSV (corrections, leave, overtime approvals, decisions): UTF-8/BOM or CP949, strict.
    ``what`` names the file in the messages (Korean: "근태 정정")."""
    from payroll.attendance.readers import decode_text

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다: {exc.strerror}") from None
    text, _ = decode_text(raw, str(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise InputError(f"{path}: {what} 파일이 비어 있습니다 (머리글 행이 없음)")
    header = [h.strip() for h in reader.fieldnames]
    missing = [c for c in required if c not in header]
    if missing:
        quoted = lambda names: ", ".join(repr(n) for n in names)  # noqa: E731 - column names as written in the file
        raise InputError(f"{path}: {what} 파일에 열이 없습니다: {quoted(missing)} (필요한 열: {quoted(required)}; 이 파일의 머리글: {quoted(header)})")
    rows = []
    for row in reader:
        if None in row:
            raise InputError(f"{path}: {reader.line_num}행: 머리글보다 칸이 많습니다")
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
        if not any(cleaned.values()):
            continue
        rows.append((reader.line_num, cleaned))
    return rows


def parse_iso_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}: 날짜(YYYY-MM-DD)가 아닙니다: {text!r}") from None


CORRECTION_FIELDS = {"worker_id": "사번", "date": "일자", "in": "출근", "out": "퇴근", "reason": "사유"}


def load_corrections(path: Path, roster: Roster | None) -> pl.DataFrame:
    """worker_id,date,in,out,reason. Both times empty: no work that day. Only one of them: that side
    is corrected and the other is taken from the day's own punches (see :func:`check`). Both, with
    out ≤ in: the shift ends the next day; an out of 24:00–47:59 is the next day's time whatever the in
    (33:05: 09:05 the day after, a 24-hour 격일제 shift). Messages name the row and the field (사번, 일자, 출근…)."""
    contract_on = roster.contract_on if roster is not None else None
    rows = []
    for line, r in read_small_csv(path, tuple(CORRECTION_FIELDS), "근태 정정"):
        where = f"{path}: {line}행"
        wid = r["worker_id"]
        if not wid:
            raise InputError(f"{where}: 사번(worker_id): 비어 있습니다")
        if roster is not None and wid not in roster.workers:
            raise InputError(f"{where}: 사번(worker_id): {wid}은(는) 명부에 없습니다")
        day = parse_iso_date(r["date"], f"{where}: 일자(date)")
        if contract_on is not None and contract_on(wid, day) is None:
            raise InputError(f"{where}: 일자(date): {day}은(는) {wid}의 어느 계약 기간에도 들지 않습니다")
        a, b = parse_clock(r["in"], f"{where}: 출근(in)"), parse_clock(r["out"], f"{where}: 퇴근(out)", next_day=True)
        if not r["reason"]:
            raise InputError(f"{where}: 사유(reason): 정정 사유를 적으세요 (정정은 기록에 남습니다)")
        base = dt.datetime.combine(day, dt.time())
        in_ts = base + dt.timedelta(minutes=a) if a is not None else None
        out_ts = base + dt.timedelta(minutes=b + (1440 if a is not None and b <= a else 0)) if b is not None else None
        if a is None and b is not None and b >= 1440:
            raise InputError(f"{where}: 퇴근(out): 다음 날 시각 {r['out']}에는 출근(in)도 적으세요")
        side = "both" if (a is None) == (b is None) else ("in" if a is not None else "out")
        rows.append((line, wid, day, in_ts, out_ts, r["reason"], str(path), side))
    frame = pl.DataFrame(rows, schema={**CORR_SCHEMA, "side": pl.Utf8}, orient="row")
    dup = frame.filter(pl.struct("worker_id", "date").is_duplicated())
    if dup.height:
        first = dup.row(0, named=True)
        raise InputError(f"{path}: {first['line']}행: {first['worker_id']}의 {first['date']} 정정이 두 번 있습니다 (하루에 한 줄)")
    return frame


def complete_one_sided(corr: pl.DataFrame, shifts: pl.DataFrame, punches: pl.DataFrame) -> pl.DataFrame:
    """Fill the missing side of a one-sided correction from the day's own record: its shifts and its
    lone punches (the earliest time for 출근, the latest for 퇴근). A 퇴근 not after the 출근 is the next
    day's. A side the record does not have either is an error naming the row."""
    partial = corr.filter(pl.col("side") != "both")
    if partial.height == 0:
        return corr.drop("side")
    known = pl.concat([
        punches.select("worker_id", "date", "ts"),
        shifts.select("worker_id", "date", pl.col("in_ts").alias("ts")),
        shifts.select("worker_id", "date", pl.col("out_ts").alias("ts")),
    ]).group_by("worker_id", "date").agg(pl.col("ts").min().alias("_first"), pl.col("ts").max().alias("_last"))
    partial = partial.join(known, on=["worker_id", "date"], how="left")
    filled = partial.with_columns(
        pl.when(pl.col("side") == "in").then(pl.col("in_ts")).otherwise(pl.col("_first")).alias("in_ts"),
        pl.when(pl.col("side") == "out").then(pl.col("out_ts")).otherwise(pl.col("_last")).alias("out_ts"),
    )
    filled = filled.with_columns(
        pl.when(pl.col("out_ts") <= pl.col("in_ts")).then(pl.col("out_ts") + pl.duration(days=1)).otherwise(pl.col("out_ts")).alias("out_ts")
    )
    bad = filled.filter(pl.col("in_ts").is_null() | pl.col("out_ts").is_null() | (pl.col("out_ts") - pl.col("in_ts") > pl.duration(hours=24)))
    if bad.height:
        r = bad.row(0, named=True)
        missing = "퇴근(out)" if r["side"] == "in" else "출근(in)"
        raise InputError(f"{r['source']}: {r['line']}행: {missing}: 비어 있고 {r['worker_id']}의 {r['date']} 기록에도 쓸 시각이 없습니다 — 출근과 퇴근을 모두 적으세요")
    return pl.concat([corr.filter(pl.col("side") == "both").drop("side"), filled.select(list(CORR_SCHEMA))]).sort("worker_id", "date")
