"""Vendor column profiles (``rules/attendance/*.toml``): their headers → our field names.

A profile has a ``[punch]`` table (raw punch log: worker_id, name, timestamp or date + time,
device, direction, and ``[punch.direction_values]`` with ``in``, ``out`` and ``ignore`` — e.g. a
failed authentication, reported and not used) and/or a ``[daily]`` table (daily sheet:
worker_id, name, date, in, out, and optionally out_date for a separate 퇴근일자 column). Each
field lists header aliases. Matching is on :func:`norm_header`: Unicode NFKC (full-width
letters and digits become plain ones), every space, BOM and zero-width character removed,
case ignored, a trailing parenthesised note dropped ("출근시간(HH:MM)" = "출근시간").

``summary_labels`` (top level) lists the first words of rows that are not records — 합계,
소계, 출력일시… — reported as ``not_data``; a profile without the key uses the generic one's.
``blank_values`` lists cell texts that mean "no time" ("-", "--:--", "미타각"); likewise
inherited from the generic profile, as is ``[punch.direction_values] ignore``. A new vendor needs a new TOML file, never code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from payroll.case import InputError
from payroll.law import RuleError, default_rules_dir

PUNCH_FIELDS = ("worker_id", "name", "timestamp", "date", "time", "device", "direction")
DAILY_FIELDS = ("worker_id", "name", "date", "in", "out", "out_date")

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_NOTE = re.compile(r"^(.+?)[(\[].*[)\]]$")


def norm_value(text: str) -> str:
    """A cell value for comparison: NFKC, no spaces or invisible characters, case ignored."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return "".join(text.split()).casefold()


def norm_header(text: str) -> str:
    """A header for matching: :func:`norm_value` without a trailing "(…)" or "[…]" note."""
    text = norm_value(text)
    m = _NOTE.match(text)
    return m.group(1) if m else text


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    punch: dict[str, tuple[str, ...]]
    daily: dict[str, tuple[str, ...]]
    direction_in: frozenset[str]
    direction_out: frozenset[str]
    direction_ignore: frozenset[str] | None = None  # None: the generic profile's
    summary_labels: tuple[str, ...] | None = None  # None: the generic profile's
    blank_values: frozenset[str] | None = None  # None: the generic profile's

    def _find(self, spec: dict[str, tuple[str, ...]], headers: list[str]) -> dict[str, int]:
        normed: dict[str, int] = {}
        for j, h in enumerate(headers):
            key = norm_header(h)
            if key:
                normed.setdefault(key, j)
        found: dict[str, int] = {}
        taken: set[int] = set()
        for fld, aliases in spec.items():
            for alias in aliases:
                j = normed.get(norm_header(alias))
                if j is not None and j not in taken:
                    found[fld] = j
                    taken.add(j)
                    break
        return found

    def match(self, headers: list[str]) -> tuple[str, dict[str, int]] | None:
        """('daily' | 'punch', our field → the column index) when the headers fit, else None."""
        if self.daily:
            found = self._find(self.daily, headers)
            if {"worker_id", "date", "in", "out"} <= found.keys():
                return "daily", found
        if self.punch:
            found = self._find(self.punch, headers)
            if "worker_id" in found and ("timestamp" in found or {"date", "time"} <= found.keys()):
                if "timestamp" in found:  # a date column stays: it dates a time-only timestamp
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
    summary = doc.get("summary_labels")
    blanks = doc.get("blank_values")
    for key, value in (("summary_labels", summary), ("blank_values", blanks)):
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
            raise RuleError(f"{path.name}: {key}: a list of non-empty strings is required")
    return Profile(
        name=name,
        label=str(doc.get("label", name)),
        punch=punch,
        daily=daily,
        direction_in=frozenset(norm_value(v) for v in dv.get("in", ())),
        direction_out=frozenset(norm_value(v) for v in dv.get("out", ())),
        direction_ignore=frozenset(norm_value(v) for v in dv["ignore"]) if "ignore" in dv else None,
        summary_labels=tuple(norm_value(v) for v in summary) if summary is not None else None,
        blank_values=frozenset(norm_value(v) for v in blanks) if blanks is not None else None,
    )


@lru_cache(maxsize=4)
def _load_all(folder: str) -> tuple[Profile, ...]:
    profiles = [load_profile(p) for p in sorted(Path(folder).glob("*.toml"))]
    names = [p.name for p in profiles]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuleError(f"{folder}: attendance profile names defined twice: {', '.join(sorted(dupes))}")
    generic = next((p for p in profiles if p.name == "generic"), None)
    if generic is not None:  # summary labels and blank values default to the generic profile's
        profiles = [
            replace(p, summary_labels=p.summary_labels if p.summary_labels is not None else generic.summary_labels,
                    blank_values=p.blank_values if p.blank_values is not None else generic.blank_values,
                    direction_ignore=p.direction_ignore if p.direction_ignore is not None else generic.direction_ignore)
            for p in profiles
        ]
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


def fit(headers: list[str], profile: str | None = None) -> tuple[Profile, str, dict[str, int]] | None:
    """The profile (given or the first that fits), the shape and field → column index; or None."""
    candidates = [get_profile(profile)] if profile else list(all_profiles())
    for p in candidates:
        hit = p.match(headers)
        if hit:
            return p, hit[0], hit[1]
    return None


def detect(headers: list[str], source: str, profile: str | None = None) -> tuple[Profile, str, dict[str, int]]:
    """Like :func:`fit`, but a header that fits no profile is an :class:`InputError`."""
    hit = fit(headers, profile)
    if hit:
        return hit
    candidates = [get_profile(profile)] if profile else list(all_profiles())
    shown = ", ".join(repr(h) for h in headers[:8]) or "(none)"
    which = f"profile {profile!r}" if profile else f"any attendance profile ({', '.join(p.name for p in candidates)})"
    raise InputError(f"{source}: the header row does not fit {which}; headers found: {shown}")
