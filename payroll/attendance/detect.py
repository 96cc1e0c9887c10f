"""``payroll attendance detect FILE``: sniff an export that fits no profile and propose one.

What is sniffed: the format and encoding (as the readers do), the separator (or fixed-width
records), whether the first row is a header (its cells are names, not values), and each column's
kind from its values — dates and times and their spellings, a date-time, worker ids, names, a
direction code or word, a device. The proposal is a profile in TOML (``layout`` position or header,
the fields, direction values, ``day_first`` when dates are written day first), checked by reading
the file with it; the clerk saves it in the installation's profile folder (``--save``) and names it
with ``--profile``, or lets the readers find it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from payroll.attendance.profile_files import Catalog, catalog
from payroll.attendance.profiles import norm_value
from payroll.attendance.readers.clock import day_first_of, parse_clocks, parse_dates
from payroll.attendance.readers.export import Export, Table
from payroll.attendance.readers.read import read_export_bytes
from payroll.attendance.readers.sheets import spreadsheet_tables
from payroll.attendance.readers.text import decode_text, sniff, sniff_delimiter
from payroll.case import InputError

SAMPLE_ROWS = 300
_DATE_TEXT = re.compile(r"\d{4}\s*[-./년]\s*\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|^\d{8}$|^\d{2}[-.]\d{1,2}[-.]\d{1,2}$")
_TIME_TEXT = re.compile(r"\d{1,2}:\d{2}|^\d{4}$|^\d{6}$|\d{1,2}\s*시|오전|오후|\b[AP]M\b", re.IGNORECASE)
_HANGUL_NAME = re.compile(r"^[가-힣]{2,5}$")
_ID = re.compile(r"^[A-Za-z]{0,3}\d{1,12}$|^[A-Za-z0-9_-]{1,16}$")
IN_WORDS = {"in", "i", "출근", "입실", "입장", "checkin", "check-in", "c/in", "clockin", "f1"}
OUT_WORDS = {"out", "o", "퇴근", "퇴실", "퇴장", "checkout", "check-out", "c/out", "clockout", "f2"}


@dataclass
class Proposal:
    toml: str
    export: Export | None  # the file read with the proposed profile
    notes: list[str] = field(default_factory=list)
    fits: str | None = None  # the name of a profile that already reads the file


def _share(mask: pl.Series) -> float:  # float ok: a share of sample cells, no money
    return float(mask.sum()) / max(mask.len(), 1)  # float ok


def _kinds(values: pl.Series) -> dict[str, float]:
    """Shares of a column's non-empty cells that look like each kind of value.

    A spreadsheet's date cell reads back as a date-time at midnight, and its time cell as a time on
    1899-12-30/31 (calamine): a column of midnights is dates, a column of epoch times is times."""
    v = values.drop_nulls().str.strip_chars()
    v = v.filter(v != "")
    if v.len() == 0:
        return {}
    day_first = day_first_of(v)
    dated = parse_dates(v, day_first).is_not_null()
    clock = parse_clocks(v, day_first, next_day=False)
    minutes = clock.get_column("minutes")
    own_date = clock.get_column("date").is_not_null()
    timed = minutes.is_not_null()
    date_text = v.str.contains(_DATE_TEXT.pattern)
    time_text = v.str.contains(_TIME_TEXT.pattern)
    stamped = own_date & timed & time_text
    midnights = bool(stamped.any()) and bool((minutes.filter(stamped) == 0).all())
    return {
        "datetime": 0.0 if midnights else _share(stamped & date_text),
        "date": _share(dated & date_text) if midnights else _share(dated & date_text & ~stamped),
        "time": _share(timed & ~own_date & time_text),
        "name": _share(v.str.contains(_HANGUL_NAME.pattern)),
        "id": _share(v.str.contains(_ID.pattern)),
        "distinct": float(v.n_unique()),  # float ok: a count
        "n": float(v.len()),  # float ok: a count
    }


def _direction_values(values: pl.Series) -> tuple[list[str], list[str]] | None:
    """The in and out values of a direction column: known words, or the device codes' convention."""
    distinct = [x for x in values.drop_nulls().str.strip_chars().unique().sort().to_list() if x]
    if not distinct or len(distinct) > 8:
        return None
    keys = {x: norm_value(x) for x in distinct}
    ins = [x for x in distinct if keys[x] in IN_WORDS]
    outs = [x for x in distinct if keys[x] in OUT_WORDS]
    if ins and outs:
        return ins, outs
    if set(distinct) <= {"0", "1", "2", "3", "4", "5"} and len(distinct) >= 2:
        if set(distinct) <= {"1", "2"}:
            return ["1"], ["2"]
        return [x for x in distinct if x in "034"], [x for x in distinct if x in "125"]  # ZKTeco: 0 in, 1 out, 2/3 break out/in, 4/5 overtime
    return None


def _columns(rows: Table) -> list[pl.Series]:
    width = max((len(c) for _, c in rows), default=0)
    return [pl.Series(f"c{j}", [cells[j].strip() if j < len(cells) and cells[j].strip() else None for _, cells in rows], dtype=pl.Utf8) for j in range(width)]


def _looks_like_a_value(text: str) -> bool:
    k = _kinds(pl.Series([text], dtype=pl.Utf8))
    return any(k.get(x, 0) > 0 for x in ("datetime", "date", "time"))


def _is_header(cells: list[str], below: Table) -> bool:
    """A first row whose cells are words where the rows below hold dates and times."""
    cols = _columns(below)
    for j, c in enumerate(cells):
        if j >= len(cols) or not c.strip():
            continue
        k = _kinds(cols[j])
        if max(k.get("datetime", 0), k.get("date", 0), k.get("time", 0)) > 0.8 and not _looks_like_a_value(c):
            return True
    return False


@dataclass
class _Roles:
    fields: dict[str, int]
    shape: str
    direction: tuple[list[str], list[str]] | None = None
    day_first: bool | None = None
    notes: list[str] = field(default_factory=list)


def _roles(rows: Table) -> _Roles:
    cols = _columns(rows[:SAMPLE_ROWS])
    kinds = [_kinds(c) for c in cols]
    used: set[int] = set()

    def pick(kind: str, at_least: float = 0.8) -> int | None:  # float ok: a share of sampled cells, not money
        for j, k in enumerate(kinds):
            if j not in used and k.get(kind, 0) >= at_least:
                used.add(j)
                return j
        return None

    fields: dict[str, int] = {}
    ts = pick("datetime")
    date = None if ts is not None else pick("date")
    times = []
    while (t := pick("time")) is not None:
        times.append(t)
    if ts is None and date is None:
        raise InputError("날짜(또는 날짜·시각) 열을 찾지 못했습니다: 근태 기록 내보내기가 아니거나 detect가 읽지 못하는 모양입니다 (프로필을 직접 쓰세요)")
    notes = []
    if ts is not None:
        fields["timestamp"] = ts
        shape = "punch"
        if times:
            notes.append(f"열 {times[0] + 1}: 시각만 있는 열은 읽지 않음")
    elif len(times) >= 2:
        fields.update(date=date, **{"in": times[0], "out": times[1]})
        shape = "daily"
    elif len(times) == 1:
        fields.update(date=date, time=times[0])
        shape = "punch"
    else:
        raise InputError(f"{date + 1}번째 열에 날짜가 있지만 시각이 있는 열이 없습니다")
    direction = None
    for j, c in enumerate(cols):
        if j in used or shape != "punch":
            continue
        found = _direction_values(c)
        if found is not None:
            direction = found
            fields["direction"] = j
            used.add(j)
            break
    ident = next((j for j, k in enumerate(kinds) if j not in used and k.get("id", 0) >= 0.9 and k.get("name", 0) < 0.5), None)
    if ident is not None:
        fields["worker_id"] = ident
        used.add(ident)
    name = pick("name", 0.7)
    if name is not None:
        fields["name"] = name
    if "worker_id" not in fields and "name" not in fields:
        raise InputError("사번이나 이름 열을 찾지 못했습니다")
    if shape == "punch":
        device = next((j for j, k in enumerate(kinds) if j not in used and k and k["distinct"] <= max(3.0, k["n"] / 20)), None)
        if device is not None:
            fields["device"] = device
    dated = pl.concat([cols[fields[f]] for f in ("timestamp", "date") if f in fields]).drop_nulls()
    day_first = True if day_first_of(dated) else None
    return _Roles(fields, shape, direction, day_first, notes)


def _spelling(values: pl.Series) -> str:
    sample = values.drop_nulls().head(1).to_list()
    return sample[0] if sample else ""


def _toml(name: str, label: str, roles: _Roles, layout: str, header: list[str] | None, delimiter: str | None, notes: list[str], samples: dict[str, str]) -> str:
    lines = [f"# proposed by `payroll attendance detect` for {label}", *(f"# {n}" for n in notes),
             "# check the columns and the direction values below, then save this file in the installation's",
             "# profile folder (payroll attendance detect FILE --save) or give it to --profile.",
             f'name = "{name}"', f'label = "{label} (detect로 만든 프로필)"', ""]
    lay = {"kind": f'"{layout}"'}
    if delimiter is not None:
        lay["delimiter"] = '"' + {"\t": "tab", " ": "space"}.get(delimiter, delimiter) + '"'
    if roles.day_first:
        lay["day_first"] = "true"
    if layout != "header" or len(lay) > 1:
        lines.append("[layout]")
        lines += [f"{k} = {v}" for k, v in lay.items()]
        lines.append("")
    lines.append(f"[{roles.shape}]")
    order = ("worker_id", "name", "timestamp", "date", "time", "in", "out", "device", "direction")
    for f in order:
        if f not in roles.fields:
            continue
        j = roles.fields[f]
        value = j + 1 if header is None else '["' + header[j].replace('"', '\\"').strip() + '"]'
        example = samples.get(f, "")
        lines.append(f"{f} = {value}" + (f"  # e.g. {example!r}" if example else ""))
    if roles.direction is not None:
        ins, outs = roles.direction
        lines += ["", f"[{roles.shape}.direction_values]", "in = " + str(ins).replace("'", '"'), "out = " + str(outs).replace("'", '"')]
    return "\n".join(lines) + "\n"


def _table_of(raw: bytes, path: Path) -> tuple[Table, str | None, list[str]]:
    """The rows of cells, the separator (None in a workbook) and what was seen."""
    kind = sniff(raw)
    if kind == "csv":
        text, enc = decode_text(raw, str(path))
        delimiter = sniff_delimiter(text)
        lines = [(i, s) for i, s in enumerate(text.splitlines(), start=1) if s.strip()]
        widths = [len(next(csv.reader(io.StringIO(s), delimiter=delimiter))) for _, s in lines[:50]]
        if max(widths, default=1) == 1:  # no separator: runs of spaces, or records of one width
            split = [s.split() for _, s in lines[:50]]
            if max(len(c) for c in split) > 1:
                return [(i, s.split()) for i, s in lines], " ", [f"인코딩 {enc}, 공백으로 구분"]
            raise InputError(f"{path}: 구분자 없는 고정 폭 기록입니다: [punch]의 위치를 직접 쓰세요 (layout kind = \"fixed\"; docs/attendance.md 참고)")
        rows = [(i, next(csv.reader(io.StringIO(s), delimiter=delimiter))) for i, s in lines]
        shown = {"\t": "탭", ",": "쉼표", ";": "세미콜론", "|": "세로 막대"}[delimiter]
        return rows, delimiter, [f"인코딩 {enc}, 구분자 {shown}"]
    tables = [(n, t) for n, t in spreadsheet_tables(path, raw, kind) if t]
    if not tables:
        raise InputError(f"{path}: 모든 시트가 비어 있습니다")
    name, table = max(tables, key=lambda nt: len(nt[1]))
    return table, None, [f"{kind.upper()} 시트 {name!r} ({len(table)}행)"]


def propose(raw: bytes, path: Path | str, name: str | None = None, profiles: Catalog | None = None) -> Proposal:
    """A profile for the export ``raw`` (named ``path``), checked by reading the file with it."""
    path = Path(path)
    cat = profiles or catalog()
    try:
        export = read_export_bytes(raw, path, None, cat)
        if export.errors.height == 0:
            return Proposal(toml="", export=export, notes=[f"이미 프로필 {export.profile}(으)로 읽힘 ({export.frame.height}행)"], fits=export.profile)
    except InputError:
        pass
    table, delimiter, notes = _table_of(raw, path)
    header = None
    if _is_header(table[0][1], table[1:SAMPLE_ROWS]):
        header, table = [c.strip() for c in table[0][1]], table[1:]
        notes.append(f"첫 행은 제목 행: {', '.join(repr(h) for h in header[:8])}")
    else:
        notes.append("제목 행 없음: 열 번호로 읽음")
    roles = _roles(table)
    notes += roles.notes
    cols = _columns(table[:SAMPLE_ROWS])
    samples = {f: _spelling(cols[j]) for f, j in roles.fields.items()}
    for f in ("timestamp", "date", "time", "in", "out"):
        if f in samples:
            notes.append(f"{f}: {samples[f]!r} 형식")
    if roles.day_first:
        notes.append("날짜는 일/월/연 순서 (day_first)")
    name = name or re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "site"
    text = _toml(name, path.name, roles, "header" if header else "position", header, delimiter if header is None else None, notes, samples)
    return Proposal(toml=text, export=_read_with(text, raw, path, cat), notes=notes)


def _read_with(text: str, raw: bytes, path: Path, cat: Catalog) -> Export:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        profile_path = Path(tmp) / "proposed.toml"
        profile_path.write_text(text, encoding="utf-8")
        return read_export_bytes(raw, path, cat.load(profile_path), cat)


def offer(raw: bytes, shown_name: str, profiles: Catalog | None = None) -> str | None:
    """The console's offer when an upload fits no profile: the proposed TOML with what it read, or None
    (nothing readable, or a profile already reads it). ``shown_name``: the upload's name as displayed."""
    try:
        proposal = propose(raw, Path(shown_name), None, profiles)
    except InputError:
        return None
    if proposal.fits is not None or proposal.export is None:
        return None
    e = proposal.export
    return proposal.toml + f"# 이 프로필로 읽은 행 {e.frame.height}, 기록이 아닌 행 {e.skipped.height}, 해석하지 못한 행 {e.errors.height}\n"
