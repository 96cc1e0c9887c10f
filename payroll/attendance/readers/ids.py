"""Who and which way: worker ids (compound cells, device user numbers), punch directions and event kinds.

Each is decided once per distinct cell text (an export repeats a few hundred of them) and handed
back column-wise. A value the profile does not explain is named, so the row is reported, not guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from payroll.attendance.profiles import Profile
from payroll.case import InputError

KIND_DTYPE = pl.Utf8


def _lookup(values: pl.Series, fn) -> pl.Series:
    """``fn`` of each distinct text, back in the column's order (null stays null)."""
    distinct = values.drop_nulls().unique().to_list()
    table = {v: fn(v) for v in distinct}
    return values.replace_strict(table, default=None, return_dtype=KIND_DTYPE) if table else pl.Series(values.name, [None] * values.len(), dtype=KIND_DTYPE)


def direction_kinds(profile: Profile, values: pl.Series) -> pl.Series:
    """'in' | 'out' | 'ignore' | 'unknown' (a value no list or pattern explains) | null (an empty cell)."""
    return _lookup(values, lambda v: profile.direction_of(v) or "unknown")


def event_kinds(profile: Profile, values: pl.Series) -> pl.Series:
    """'punch' | 'ignore' | 'unknown' for the event column (``[punch.events]``)."""

    def kind(text: str) -> str:
        if profile.event_ignore and re.search(profile.event_ignore, text, re.IGNORECASE):
            return "ignore"
        if profile.event_punch is None or re.search(profile.event_punch, text, re.IGNORECASE):
            return "punch"
        return "unknown"

    return _lookup(values, kind)


def split_compound(profile: Profile, values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(id, name) from cells such as ``105(정하늘)`` by ``[ids] pattern``; a cell it does not match gives no id."""
    pattern = re.compile(profile.id_pattern or "")
    has_name = "name" in pattern.groupindex

    def part(group: str):
        def fn(text: str) -> str | None:
            m = pattern.search(text)
            return (m.group(group) or "").strip() or None if m else None
        return fn

    ids = _lookup(values, part("id")).alias("worker_id")
    names = _lookup(values, part("name")).alias("name") if has_name else pl.Series("name", [None] * values.len(), dtype=pl.Utf8)
    return ids, names


def load_device_users(path: Path) -> dict[tuple[str | None, str], str]:
    """The device-user table: CSV ``device_user,worker_id`` and an optional ``device`` column (numbers
    that differ per device). UTF-8 or CP949; every row validated."""
    from payroll.attendance.small_files import read_small_csv

    out: dict[tuple[str | None, str], str] = {}
    for line, cells in read_small_csv(path, ("device_user", "worker_id"), "기기 사용자 표"):
        where = f"{path}: {line}행"
        if not cells["device_user"] or not cells["worker_id"]:
            raise InputError(f"{where}: device_user와 worker_id가 모두 필요합니다")
        key = (cells.get("device") or None, cells["device_user"])
        if key in out and out[key] != cells["worker_id"]:
            raise InputError(f"{where}: 기기 사용자 {cells['device_user']}이(가) 두 번 연결되어 있습니다 ({out[key]}, {cells['worker_id']})")
        out[key] = cells["worker_id"]
    return out


def mapped_ids(device_users: dict[tuple[str | None, str], str], users: pl.Series, devices: pl.Series) -> pl.Series:
    """Each row's worker id from its device user number (and device, where the table names one); null when unmapped."""
    by_device = {f"{d}\x1f{u}": w for (d, u), w in device_users.items() if d is not None}
    plain = {u: w for (d, u), w in device_users.items() if d is None}
    keyed = pl.concat_str([devices.fill_null(""), users], separator="\x1f")
    first = keyed.replace_strict(by_device, default=None, return_dtype=pl.Utf8) if by_device else pl.Series([None] * users.len(), dtype=pl.Utf8)
    second = users.replace_strict(plain, default=None, return_dtype=pl.Utf8) if plain else pl.Series([None] * users.len(), dtype=pl.Utf8)
    return pl.select(pl.coalesce(first, second)).to_series().alias("worker_id")
