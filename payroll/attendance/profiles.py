"""Vendor column profiles (``rules/attendance/*.toml``): their headers → our field names.

A profile has a ``[punch]`` table (raw punch log: worker_id, name, timestamp or date + time,
device, direction, and ``[punch.direction_values]``) and/or a ``[daily]`` table (daily sheet:
worker_id, name, date, in, out). Each field lists header aliases; matching trims spaces and
ignores case. A new vendor needs a new TOML file, never code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from payroll.case import InputError
from payroll.law import RuleError, default_rules_dir

PUNCH_FIELDS = ("worker_id", "name", "timestamp", "date", "time", "device", "direction")
DAILY_FIELDS = ("worker_id", "name", "date", "in", "out")


def norm_header(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    punch: dict[str, tuple[str, ...]]
    daily: dict[str, tuple[str, ...]]
    direction_in: frozenset[str]
    direction_out: frozenset[str]

    def _find(self, spec: dict[str, tuple[str, ...]], headers: list[str]) -> dict[str, str]:
        normed = {norm_header(h): h for h in headers}
        found: dict[str, str] = {}
        for fld, aliases in spec.items():
            for alias in aliases:
                if norm_header(alias) in normed:
                    found[fld] = normed[norm_header(alias)]
                    break
        return found

    def match(self, headers: list[str]) -> tuple[str, dict[str, str]] | None:
        """('daily' | 'punch', our field → the file's header) when the headers fit, else None."""
        if self.daily:
            found = self._find(self.daily, headers)
            if {"worker_id", "date", "in", "out"} <= found.keys():
                return "daily", found
        if self.punch:
            found = self._find(self.punch, headers)
            if "worker_id" in found and ("timestamp" in found or {"date", "time"} <= found.keys()):
                if "timestamp" in found:
                    found.pop("date", None)
                    found.pop("time", None)
                return "punch", found
        return None


def _aliases(raw: dict, fields: tuple[str, ...], where: str) -> dict[str, tuple[str, ...]]:
    out = {}
    for key, value in raw.items():
        if key == "direction_values":
            continue
        if key not in fields:
            raise RuleError(f"{where}: unknown field {key!r} (known: {', '.join(fields)})")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RuleError(f"{where}.{key}: a list of header names is required")
        out[key] = tuple(value)
    return out


def load_profile(path: Path) -> Profile:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: cannot read attendance profile: {exc}") from None
    name = str(doc.get("name") or path.stem)
    punch = _aliases(doc.get("punch", {}), PUNCH_FIELDS, f"{path.name}:punch")
    daily = _aliases(doc.get("daily", {}), DAILY_FIELDS, f"{path.name}:daily")
    if not punch and not daily:
        raise RuleError(f"{path.name}: a profile needs a [punch] or a [daily] table")
    dv = doc.get("punch", {}).get("direction_values", {})
    return Profile(
        name=name,
        label=str(doc.get("label", name)),
        punch=punch,
        daily=daily,
        direction_in=frozenset(norm_header(v) for v in dv.get("in", ())),
        direction_out=frozenset(norm_header(v) for v in dv.get("out", ())),
    )


@lru_cache(maxsize=4)
def _load_all(folder: str) -> tuple[Profile, ...]:
    profiles = [load_profile(p) for p in sorted(Path(folder).glob("*.toml"))]
    names = [p.name for p in profiles]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuleError(f"{folder}: attendance profile names defined twice: {', '.join(sorted(dupes))}")
    # the generic profile is tried last: a vendor profile that fits is more specific
    return tuple(sorted(profiles, key=lambda p: (p.name == "generic", p.name)))


def all_profiles(rules_dir: Path | None = None) -> tuple[Profile, ...]:
    return _load_all(str((Path(rules_dir or default_rules_dir()) / "attendance").resolve()))


def get_profile(name: str, rules_dir: Path | None = None) -> Profile:
    for p in all_profiles(rules_dir):
        if p.name == name:
            return p
    known = ", ".join(p.name for p in all_profiles(rules_dir))
    raise InputError(f"--profile: unknown attendance profile {name!r} (known: {known})")


def detect(headers: list[str], source: str, profile: str | None = None) -> tuple[Profile, str, dict[str, str]]:
    """The profile (given or the first that fits), the shape and the header mapping."""
    candidates = [get_profile(profile)] if profile else list(all_profiles())
    for p in candidates:
        hit = p.match(headers)
        if hit:
            return p, hit[0], hit[1]
    shown = ", ".join(repr(h) for h in headers[:8]) or "(none)"
    which = f"profile {profile!r}" if profile else f"any attendance profile ({', '.join(p.name for p in candidates)})"
    raise InputError(f"{source}: the header row does not fit {which}; headers found: {shown}")
