"""One export file → :class:`Export`: the format from the bytes, then the profile that explains it.

With no profile named, the header layouts are tried first (the header is the first of the first 30
rows that fits one), then the layouts without a header (positional, fixed-width, day-matrix) that
read the file's first rows cleanly. ``read_export`` takes a path and ``read_export_bytes`` the bytes
(so a caller that reads untrusted files under its own limits hands over the bytes).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl

from payroll import cyclegc
from payroll.attendance.profile_files import Catalog, catalog
from payroll.attendance.profiles import Profile
from payroll.attendance.readers.export import ROW_SCHEMA, Export, Table
from payroll.attendance.readers.header import HEADER_SCAN_ROWS, Found, duplicate_fields, find_header, no_header
from payroll.attendance.readers.ids import load_device_users
from payroll.attendance.readers.layouts import Laid, fixed_text, is_matrix, matrix_rows, positional_sheet, positional_text
from payroll.attendance.readers.normalise import Normalised, day_first_votes_of, decide_day_first, frame_of, normalise, records
from payroll.attendance.readers.sheets import spreadsheet_tables
from payroll.attendance.readers.text import check_widths, csv_rows, csv_table, decode_text, sniff
from payroll.case import InputError

#: rows of a CSV export sorted at a time
CSV_BLOCK_ROWS = 16_384
PROBE_ROWS = 40  # a layout without a header fits when it reads the file's first rows cleanly


def read_export(path: Path | str, profile: str | Profile | None = None, profiles: Catalog | None = None) -> Export:
    """Read one export file; raise :class:`InputError` (naming the file) when it cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None
    return read_export_bytes(raw, path, profile, profiles)


def read_export_bytes(raw: bytes, path: Path | str, profile: str | Profile | None = None, profiles: Catalog | None = None) -> Export:
    """Read an export already in memory (``path`` names it in messages and in the rows' source)."""
    with cyclegc.paused():  # tens of thousands of row lists of strings: no cycles
        return _read(raw, Path(path), profile, profiles or catalog())


def _rows(frame: list[tuple[int, str]], source: str) -> pl.DataFrame:
    return pl.DataFrame([(source, line, detail) for line, detail in frame], schema=ROW_SCHEMA, orient="row")


def _export(path: Path, fmt: str, p: Profile, shape: str, parts: list[tuple[str, Normalised]], cat: Catalog, **kw) -> Export:
    return Export(path=path, format=fmt, profile=p.name, shape=shape, frame=pl.concat([n.frame for _, n in parts]),
                  skipped=pl.concat([n.skipped for _, n in parts]), errors=pl.concat([n.errors for _, n in parts]),
                  name_fallback=p.name_fallback, **kw)


def _device_users(p: Profile, cat: Catalog) -> dict | None:
    return load_device_users(cat.map_path(p)) if p.id_map else None


def _normalise_laid(source: str, p: Profile, laid: Laid, cat: Catalog) -> Normalised:
    shape = p.shape_of()
    n = normalise([source] * len(laid.rows), p, shape, laid.mapping, [], laid.rows, _device_users(p, cat))
    extra_skipped = _rows(laid.skipped, source)
    extra_errors = _rows(laid.errors, source)
    return Normalised(n.frame, pl.concat([n.skipped, extra_skipped]), pl.concat([n.errors, extra_errors]))


def _probe(p: Profile, laid: Laid, cat: Catalog, source: str) -> bool:
    """Whether a headerless layout reads the first rows cleanly: nearly every row gives an id (or name) and a time."""
    if not laid.rows:
        return False
    last_line = laid.rows[:PROBE_ROWS][-1][0]
    head = Laid(laid.rows[:PROBE_ROWS], laid.mapping, [e for e in laid.errors if e[0] <= last_line])
    try:
        n = _normalise_laid(source, p, head, cat)
    except InputError:
        return False
    f = n.frame
    who = pl.col("worker_id").is_not_null() | pl.col("name").is_not_null()
    when = pl.col("ts").is_not_null() if p.shape_of() == "punch" else pl.col("date").is_not_null() & (pl.col("in_min").is_not_null() | pl.col("out_min").is_not_null())
    good = f.filter(who & when).height
    return good >= 0.8 * (len(head.rows) + len(head.errors)) and good > 0


def _headerless_text(path: Path, text: str, enc: str, candidates: list[Profile], named: bool, cat: Catalog) -> Export | None:
    for p in candidates:
        if p.layout not in ("position", "fixed"):
            continue
        laid = positional_text(p, text) if p.layout == "position" else fixed_text(p, text)
        if named or _probe(p, laid, cat, str(path)):
            return _export(path, f"csv-{enc}" if p.layout == "position" else f"text-{enc}", p, p.shape_of(),
                           [(str(path), _normalise_laid(str(path), p, laid, cat))], cat, header_line=0)
    return None


def _headerless_sheets(path: Path, kind: str, tables: list[tuple[str, Table]], candidates: list[Profile], named: bool, cat: Catalog) -> Export | None:
    import re

    for p in candidates:
        if p.layout not in ("position", "matrix"):
            continue
        sheets = [(n, t) for n, t in tables if t and (p.sheet is None or re.search(p.sheet, n))]
        if p.layout == "matrix":
            reports = [(n, t) for n, t in sheets if is_matrix(p, t)]
            if not reports and not named:
                continue
            reports = reports or sheets[:1]
            parts = [(n, _normalise_laid(f"{path}[{n}]", p, matrix_rows(p, t, n), cat)) for n, t in reports]
            notes = tuple(f"sheet {n!r}: not the report, not read" for n, t in tables if t and n not in {r for r, _ in reports})
            return _export(path, kind, p, "punch", parts, cat, sheet=", ".join(repr(n) for n, _ in reports), header_line=0, notes=notes)
        for n, t in sheets:
            laid = positional_sheet(p, t)
            if named or _probe(p, laid, cat, f"{path}[{n}]"):
                return _export(path, kind, p, p.shape_of(), [(n, _normalise_laid(str(path), p, laid, cat))], cat, sheet=repr(n), header_line=0)
    return None


def _with_header(path: Path, found: Found, source: str, cat: Catalog) -> Normalised:
    duplicate_fields(source, found.header, found.mapping, found.header_line)
    return normalise([source] * len(found.data), found.profile, found.shape, found.mapping, found.header, found.data, _device_users(found.profile, cat))


def _csv_body(path: Path, text: str, found: Found, ends_with_newline: bool, cat: Catalog) -> Normalised:
    """The rows below the header, sorted :data:`CSV_BLOCK_ROWS` at a time (a month's export need not be
    held as Python cells at once), then turned into the frame with one ``day_first`` for the file."""
    source = str(path)
    duplicate_fields(source, found.header, found.mapping, found.header_line)
    below = itertools.dropwhile(lambda row: row[0] <= found.header_line, csv_rows(text, source))
    body = check_widths(source, len(found.header), below, ends_with_newline)
    parts = []
    while block := list(itertools.islice(body, CSV_BLOCK_ROWS)):
        parts.append(records([source] * len(block), found.profile, found.shape, found.mapping, found.header, block))
    if not parts:  # a header and no rows: the frame still has its columns
        parts.append(records([], found.profile, found.shape, found.mapping, found.header, []))
    day_first = decide_day_first(found.profile, [day_first_votes_of(r, found.shape) for r in parts])
    users = _device_users(found.profile, cat)
    return Normalised(pl.concat([frame_of(r, found.profile, found.shape, found.mapping, day_first, users) for r in parts]),
                      pl.concat([r.skipped for r in parts]), pl.concat([r.errors for r in parts]))


def _read(raw: bytes, path: Path, profile: str | Profile | None, cat: Catalog) -> Export:
    if not raw.strip():
        raise InputError(f"{path}: 빈 파일입니다")
    candidates = cat.candidates(profile)
    named = profile is not None
    kind = sniff(raw)
    if kind == "csv":
        text, enc = decode_text(raw, str(path))
        found = None
        if any(p.layout == "header" for p in candidates):
            # the header is among the first rows (and a two-row header needs the row below the last)
            found = find_header(csv_table(text, str(path), HEADER_SCAN_ROWS + 1), candidates)
        if found is None:
            headerless = _headerless_text(path, text, enc, candidates, named, cat)
            if headerless is not None:
                return headerless
            no_header(path, csv_table(text, str(path), HEADER_SCAN_ROWS + 1), candidates, named)
        assert found is not None
        return _export(path, f"csv-{enc}", found.profile, found.shape, [(str(path), _csv_body(path, text, found, raw.endswith((b"\n", b"\r")), cat))], cat,
                       header_line=found.header_line)

    tables = spreadsheet_tables(path, raw, kind)
    hits = [(name, table, find_header(table, candidates)) for name, table in tables]
    fitting = [(n, t, f) for n, t, f in hits if f is not None]
    if not fitting:
        headerless = _headerless_sheets(path, kind, tables, candidates, named, cat)
        if headerless is not None:
            return headerless
        nonempty = next((t for _, t in tables if t), [])
        no_header(path, nonempty, candidates, named, sheets=[n for n, _ in tables])
    first = fitting[0][2]
    assert first is not None
    chosen = [(n, f) for n, _, f in fitting if f is not None and (f.profile.name, f.shape) == (first.profile.name, first.shape)]
    notes = []
    for n, t, f in hits:
        if f is None:
            if t:
                notes.append(f"시트 {n!r}: 머리글이 어느 프로필에도 맞지 않아 읽지 않음")
        elif (f.profile.name, f.shape) != (first.profile.name, first.shape):
            notes.append(f"시트 {n!r}: {f.profile.name} {f.shape}에 맞지만 읽지 않음 (이 통합문서는 {first.profile.name} {first.shape}로 읽음)")
    parts = [(name, _with_header(path, f, str(path) if len(chosen) == 1 else f"{path}[{name}]", cat)) for name, f in chosen]
    return _export(path, kind, first.profile, first.shape, parts, cat, sheet=", ".join(repr(n) for n, _ in chosen),
                   header_line=first.header_line, notes=tuple(notes))


__all__ = ["read_export", "read_export_bytes", "HEADER_SCAN_ROWS"]
