"""Layouts without a header row: columns by position, fixed-width records, day-matrix reports.

Each turns the file into rows of cells in the order of the profile's fields (so the one
:func:`normalise` reads every layout), and names every row it cannot take apart — a record of the
wrong length, a line the ``record`` pattern rejects, a report row that is neither a worker nor times.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from payroll.attendance.profiles import Profile, norm_value
from payroll.attendance.readers.export import Table
from payroll.attendance.readers.text import sniff_delimiter

# times one after the other in a report cell, with or without a separator: "08:55\n18:02", "08:5518:02"
_CLOCK = re.compile(r"(\d{1,2}:\d{2})(?::\d{2})?")
_DAY_CELL = re.compile(r"^\s*(\d{1,2})(?:\D.*)?$")


@dataclass
class Laid:
    """Rows of cells in field order: ``mapping`` field → cell index; ``errors`` (line, detail)."""

    rows: Table
    mapping: dict[str, int]
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, str]]:
    return [(i, line.rstrip("\r\n")) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _by_position(profile: Profile, rows: Table) -> Laid:
    """Cells by column number; a row too short for the profile's columns is an error naming it."""
    fields = profile.positions()
    mapping = {f: int(j) for f, j in fields.items()}  # type: ignore[arg-type]
    need = max(mapping.values()) + 1
    out: Table = []
    errors = []
    for line, cells in rows[profile.skip_rows:]:
        if len(cells) < need:
            errors.append((line, f"칸 {len(cells)}개: 프로필 {profile.name}은(는) {need}번째 칸까지 읽음 ({' | '.join(c.strip() for c in cells)[:80]})"))
            continue
        out.append((line, [c.strip() for c in cells]))
    return Laid(out, mapping, errors)


def positional_text(profile: Profile, text: str) -> Laid:
    """A headerless delimited text (comma, semicolon, bar, tab, or runs of spaces)."""
    delimiter = profile.delimiter or sniff_delimiter(text)
    if delimiter == " ":
        rows = [(line, s.split()) for line, s in _lines(text)]
    else:
        rows = []
        for line, s in _lines(text):
            rows.append((line, next(csv.reader(io.StringIO(s), delimiter=delimiter))))
    return _by_position(profile, rows)


def positional_sheet(profile: Profile, table: Table) -> Laid:
    return _by_position(profile, table)


def fixed_text(profile: Profile, text: str) -> Laid:
    """Fixed-width records: each field is a span of characters; ``record`` checks the whole line."""
    fields = profile.positions()
    order = list(fields)
    end = max(span[1] for span in fields.values())  # type: ignore[index]
    pattern = re.compile(profile.record) if profile.record else None
    rows: Table = []
    errors = []
    for line, s in _lines(text)[profile.skip_rows:]:
        record = s.rstrip()
        if pattern is not None and not pattern.fullmatch(record):
            errors.append((line, f"고정 길이 레코드가 아님 (layout.record): {record[:60]!r}"))
            continue
        if len(record) < end:
            errors.append((line, f"레코드 길이 {len(record)}자: 프로필 {profile.name}은(는) {end}자까지 읽음 ({record[:60]!r})"))
            continue
        rows.append((line, [record[a:b].strip() for a, b in (fields[f] for f in order)]))  # type: ignore[misc]
    return Laid(rows, {f: i for i, f in enumerate(order)}, errors)


# --- day-matrix reports (ZKTeco 근태 report XLS: days across the columns) -------------------------


def _matches_any(text: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def _period(profile: Profile, table: Table) -> tuple[int, dt.date, dt.date] | None:
    assert profile.matrix is not None
    for i, (_, cells) in enumerate(table[:12]):
        m = re.search(profile.matrix.period, " ".join(cells))
        if m:
            try:
                a, b = (dt.date(*map(int, re.split(r"\s*[-./]\s*", g.strip()))) for g in m.groups()[:2])
            except (TypeError, ValueError):
                continue
            if a <= b:
                return i, a, b
    return None


def _day_columns(table: Table, after: int) -> tuple[int, dict[int, int]] | None:
    """The row of day numbers (1 2 3 … across the columns) after the period: its index and column → day."""
    for i in range(after, min(after + 4, len(table))):
        cells = table[i][1]
        days = {j: int(m.group(1)) for j, c in enumerate(cells) if (m := _DAY_CELL.match(c)) and 1 <= int(m.group(1)) <= 31}
        filled = [c for c in cells if c.strip()]
        if len(days) >= 7 and len(days) >= 0.8 * len(filled):
            return i, days
    return None


def _dates_of(days: dict[int, int], start: dt.date, end: dt.date) -> dict[int, dt.date] | None:
    """Column → date: the day numbers in column order walk the period from its first day."""
    out = {}
    day = start
    for j in sorted(days):
        while day <= end and day.day != days[j]:
            day += dt.timedelta(days=1)
        if day > end:
            return None
        out[j] = day
        day += dt.timedelta(days=1)
    return out


def _label_value(cells: list[str], labels: tuple[str, ...]) -> str | None:
    """The value after a label: in the cells that follow ('工号:' … '105') or in the same cell ('사번:105')."""
    keys = [norm_value(label).rstrip(":：") for label in labels]
    for j, cell in enumerate(cells):
        text = cell.strip()
        key = norm_value(text)
        for label in keys:
            if not key.startswith(label):
                continue
            tail = key[len(label):]
            if tail in ("", ":", "："):
                return next((c.strip() for c in cells[j + 1:] if c.strip()), None)
            if tail[0] in ":：":
                value = re.split(r"[:：]", text, maxsplit=1)[1].strip()
                return value or next((c.strip() for c in cells[j + 1:] if c.strip()), None)
    return None


def is_matrix(profile: Profile, table: Table) -> bool:
    """Whether a sheet is the profile's report: its title (when the profile names one), a period and a day row."""
    assert profile.matrix is not None
    head = " ".join(" ".join(cells) for _, cells in table[:8])
    if profile.matrix.title and not _matches_any(head, profile.matrix.title):
        return False
    found = _period(profile, table)
    return found is not None and _day_columns(table, found[0] + 1) is not None


def matrix_rows(profile: Profile, table: Table, sheet: str) -> Laid:
    """Punch rows (worker_id, name, 'YYYY-MM-DD HH:MM') from a report of two rows per worker: the id row
    (id and name after their labels) and the times row (each day's punches in its column, several to a cell)."""
    assert profile.matrix is not None
    period = _period(profile, table)
    laid = Laid([], {"worker_id": 0, "name": 1, "timestamp": 2})
    if period is None:
        laid.errors.append((table[0][0] if table else 1, f"sheet {sheet!r}: 기간 (YYYY-MM-DD ~ YYYY-MM-DD) 을 찾지 못함"))
        return laid
    at, start, end = period
    found = _day_columns(table, at + 1)
    dates = _dates_of(found[1], start, end) if found else None
    if found is None or dates is None:
        laid.errors.append((table[at][0], f"sheet {sheet!r}: 기간 {start} ~ {end}의 날짜 행 (1 2 3 …) 을 찾지 못함"))
        return laid
    i = found[0] + 1
    labels = profile.matrix
    summary = tuple(profile.summary_labels or ())
    while i < len(table):
        line, cells = table[i]
        first = norm_value(next((c for c in cells if c.strip()), ""))
        wid = _label_value(cells, labels.id_label)
        if wid is None:
            if summary and any(first.startswith(s) for s in summary):
                laid.skipped.append((line, "합계·머리말·꼬리말 행: " + " | ".join(c.strip() for c in cells if c.strip())[:100]))
            else:
                laid.errors.append((line, f"직원 행도 시각 행도 아님 ({' | '.join(c.strip() for c in cells if c.strip())[:80]})"))
            i += 1
            continue
        name = _label_value(cells, labels.name_label) or ""
        if i + 1 >= len(table) or _label_value(table[i + 1][1], labels.id_label) is not None:
            laid.errors.append((line, f"직원 {wid}: 다음 행에 시각 행이 없음"))
            i += 1
            continue
        t_line, t_cells = table[i + 1]
        for j, day in dates.items():
            cell = t_cells[j] if j < len(t_cells) else ""
            clocks = _CLOCK.findall(cell)
            if clocks:
                laid.rows.extend((t_line, [wid, name, f"{day.isoformat()} {c}"]) for c in clocks)
            elif cell.strip():
                laid.skipped.append((t_line, f"{day.isoformat()}: 시각이 아닌 칸 {cell.strip()[:30]!r}"))
        i += 2
    return laid
