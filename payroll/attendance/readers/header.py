"""Where the table is: the header row (among the first rows, title rows passed over; a two-row header
read as one) and the profile it fits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from payroll.attendance.profiles import Profile, norm_header
from payroll.attendance.readers.export import Table
from payroll.case import InputError

HEADER_SCAN_ROWS = 30  # the header is looked for among the first 30 non-blank rows


@dataclass(frozen=True)
class Found:
    profile: Profile
    shape: str
    mapping: dict[str, int]
    header: list[str]
    header_line: int
    data: Table  # the rows after the header


def _fit(headers: list[str], candidates: list[Profile]) -> tuple[Profile, str, dict[str, int]] | None:
    """The profile that fits with an id column, else with names alone: of those that fit from the same
    folder as the first (the installation's profiles come before the bundled ones), the one that reads
    the most of the header's columns — a header of 날짜 and 시간 is the profile that takes both, not one
    that reads 날짜 as a timestamp and leaves 시간 (which made every row a malformed time)."""
    for by_name in (False, True):
        fits = []
        for p in candidates:
            hit = p.match(headers, by_name)
            if hit and (not fits or _folder(p) == _folder(fits[0][0])):
                fits.append((p, hit[0], hit[1]))
        if fits:
            return max(fits, key=lambda f: len(f[2]))  # the first of the widest (max keeps the first)
    return None


def _folder(p: Profile):
    return p.source.parent if p.source else None


def find_header(table: Table, profiles: list[Profile]) -> Found | None:
    """The first of the first rows that fits a profile (alone, or with the next row as a two-row header)."""
    profiles = [p for p in profiles if p.layout == "header"]
    if not profiles:
        return None
    scan = table[:HEADER_SCAN_ROWS]
    for i, (line, cells) in enumerate(scan):
        candidates = [(cells, i + 1)]
        if i + 1 < len(table):
            below = table[i + 1][1]
            width = max(len(cells), len(below))
            up = cells + [""] * (width - len(cells))
            lo = below + [""] * (width - len(below))
            candidates.append(([b if b.strip() else a for a, b in zip(up, lo, strict=True)], i + 2))
            candidates.append(([(a if a != b else "") + b for a, b in zip(up, lo, strict=True)], i + 2))
        for header, nxt in candidates:
            hit = _fit([h.strip() for h in header], profiles)
            if hit:
                prof, shape, mapping = hit
                return Found(prof, shape, mapping, [h.strip() for h in header], table[nxt - 1][0], table[nxt:])
    return None


def duplicate_fields(source: str, header: list[str], mapping: dict[str, int], line: int) -> None:
    """A header naming a column we use twice is ambiguous: refuse it."""
    used = {norm_header(header[j]) for j in mapping.values()}
    seen: dict[str, int] = {}
    for h in header:
        key = norm_header(h)
        if key in used:
            seen[key] = seen.get(key, 0) + 1
    dupes = [h for h in dict.fromkeys(header) if seen.get(norm_header(h), 0) > 1]
    if dupes:
        raise InputError(f"{source}: {line}행: 머리글에 열 {dupes[0]!r}이(가) 두 번 있습니다")


def no_header(path: Path, table: Table, candidates: list[Profile], named: bool, sheets: list[str] | None = None) -> None:
    which = f"프로필 {candidates[0].name!r}" if named else f"어느 근태 프로필({', '.join(p.name for p in candidates)})에도"
    hint = "" if named else "; `payroll attendance detect FILE`이 이 파일의 프로필을 제안합니다"
    shown = ", ".join(repr(h.strip()) for h in (table[0][1] if table else [])[:8] if h.strip()) or "(없음)"
    where = f", 모든 시트 ({', '.join(repr(s) for s in sheets)})" if sheets else ""
    raise InputError(f"{path}: 머리글 행이 {which} 맞지 않습니다 (처음 {HEADER_SCAN_ROWS}행을 살펴봄{where}); 첫 행: {shown}{hint}")
