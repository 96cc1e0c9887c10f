"""Statute and employer policy as dated data: load ``rules/`` and answer "what is in force on D".

Every parameter lives in a TOML file under ``rules/statute`` (law) or ``rules/employer`` (the
district's own policy). A parameter is a table with a label, a unit, the date it was last checked,
and ``values``: non-overlapping periods ``from``–``to`` (inclusive), each with its value and a
structured citation (law, article, promulgation, effective). The parameter's name is
``<file stem>.<key>``.

Which date a parameter is looked up on is the engine's business (withholding: the pay date;
insurance: the first day of the month the premium covers); this module only answers for a date.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from payroll.money import rate

RULES_DIR_ENV = "PAYROLL_RULES"
UNITS = {"rate", "won", "hours", "years", "months", "days", "count", "choice", "table_file", "brackets", "flag", "text", "dates"}


class RuleError(Exception):
    """A rule file is malformed, or nothing is in force on the date asked."""


#: the rules shipped with the package (resolved once: documents ask for the rules per page)
PACKAGE_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def default_rules_dir() -> Path:
    env = os.environ.get(RULES_DIR_ENV)
    if env:
        return Path(env)
    return PACKAGE_RULES_DIR


def resolved_rules_dir(rules_dir: Path | None = None) -> str:
    """``rules_dir`` (default: :func:`default_rules_dir`) as an absolute path, the key of the per-process caches."""
    directory = Path(rules_dir or default_rules_dir())
    return str(directory if directory == PACKAGE_RULES_DIR else directory.resolve())


@dataclass(frozen=True)
class Citation:
    law: str
    article: str
    promulgation: str
    effective: dt.date
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.law} {self.article} ({self.promulgation}, 시행 {self.effective.isoformat()})"
        return f"{text} — {self.note}" if self.note else text

    def short(self) -> str:
        return f"{self.law} {self.article}"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    value: Any
    citation: Citation

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    source: str  # "statute" | "employer"
    last_checked: dt.date
    periods: tuple[Period, ...]
    choices: tuple[str, ...] = ()
    description: str = ""
    #: the first day a parameter new to the law has a value (a section of the law read only from that
    #: year on); before it the parameter is absent, not guessed
    introduced: dt.date | None = None

    def period_on(self, day: dt.date) -> Period:
        for period in self.periods:
            if period.covers(day):
                return period
        span = f"{self.periods[0].start}…{self.periods[-1].end}" if self.periods else "no periods"
        raise RuleError(f"no value of {self.name} ({self.label}) is in force on {day.isoformat()} (rules cover {span})")


@dataclass(frozen=True)
class LawOnDate:
    """The parameters in force on one date."""

    law: "Law"
    day: dt.date

    def __getitem__(self, name: str) -> Any:
        return self.law.parameter(name).period_on(self.day).value

    def citation(self, name: str) -> Citation:
        return self.law.parameter(name).period_on(self.day).citation

    def ref(self, name: str) -> str:
        return self.citation(name).short()

    def items(self) -> list[tuple[Parameter, Period]]:
        out = []
        for p in self.law.parameters.values():
            try:
                out.append((p, p.period_on(self.day)))
            except RuleError:
                continue
        return out


@dataclass
class Law:
    rules_dir: Path
    parameters: dict[str, Parameter]
    switches: dict[str, "Switch"]
    content_hash: str
    _tables: dict[str, Any] = field(default_factory=dict, repr=False)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise RuleError(f"unknown rule parameter {name!r}") from None

    def on(self, day: dt.date) -> LawOnDate:
        return LawOnDate(self, day)

    def switch(self, name: str) -> str:
        return self.switches[name].value

    def data_file(self, relative: str) -> Path:
        return self.rules_dir / relative


@dataclass(frozen=True)
class Switch:
    """A named choice between readings of an uncertain point (decisions.md)."""

    name: str
    decision: str
    value: str
    default: str
    choices: tuple[str, ...]
    description: str


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise RuleError(f"{where}: expected a TOML date (YYYY-MM-DD), got {value!r}")


def _convert(unit: str, value: Any, where: str) -> Any:
    if unit == "rate":
        if not isinstance(value, str):
            raise RuleError(f"{where}: a rate must be a decimal string such as \"0.0475\", got {value!r}")
        return rate(value)
    if unit in {"won", "count", "years", "months", "days"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{where}: {unit} must be an integer, got {value!r}")
        return value
    if unit == "hours":
        if isinstance(value, str):
            return rate(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{where}: hours must be an integer or a decimal string, got {value!r}")
        return value
    if unit == "brackets":
        # [[lower_won, base_won, "rate"], ...]: amount over `lower` taxed at `rate` on top of `base`.
        rows = []
        for row in value:
            lower, base, r = row
            rows.append((int(lower), int(base), rate(r)))
        return tuple(rows)
    if unit == "dates":
        return tuple(_as_date(v, where) for v in value)
    return value


def _citation(raw: dict[str, Any], where: str) -> Citation:
    missing = [k for k in ("law", "article", "promulgation", "effective") if k not in raw]
    if missing:
        raise RuleError(f"{where}: citation lacks {', '.join(missing)}")
    return Citation(
        law=str(raw["law"]),
        article=str(raw["article"]),
        promulgation=str(raw["promulgation"]),
        effective=_as_date(raw["effective"], f"{where}.effective"),
        note=str(raw.get("note", "")),
    )


def _load_parameter(name: str, raw: dict[str, Any], source: str, where: str) -> Parameter:
    unit = raw.get("unit")
    if unit not in UNITS:
        raise RuleError(f"{where}: unknown unit {unit!r}")
    periods = []
    for i, v in enumerate(raw.get("values", [])):
        pw = f"{where}.values[{i}]"
        start = _as_date(v.get("from"), f"{pw}.from")
        end = _as_date(v.get("to"), f"{pw}.to")
        if end < start:
            raise RuleError(f"{pw}: 'to' {end} is before 'from' {start}")
        periods.append(Period(start, end, _convert(unit, v.get("value"), f"{pw}.value"), _citation(v.get("ref", {}), f"{pw}.ref")))
    if not periods:
        raise RuleError(f"{where}: no values")
    periods.sort(key=lambda p: p.start)
    for a, b in zip(periods, periods[1:]):
        if b.start <= a.end:
            raise RuleError(f"{where}: periods overlap ({a.start}…{a.end} and {b.start}…{b.end})")
    return Parameter(
        name=name,
        label=str(raw.get("label", name)),
        unit=unit,
        source=source,
        last_checked=_as_date(raw.get("last_checked"), f"{where}.last_checked"),
        periods=tuple(periods),
        choices=tuple(raw.get("choices", ())),
        description=str(raw.get("description", "")),
        introduced=_as_date(raw["introduced"], f"{where}.introduced") if "introduced" in raw else None,
    )


def _hash_tree(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load(rules_dir: Path | None = None) -> Law:
    rules_dir = Path(rules_dir or default_rules_dir())
    parameters: dict[str, Parameter] = {}
    for source in ("statute", "employer"):
        for path in sorted((rules_dir / source).glob("*.toml")):
            with path.open("rb") as fh:
                doc = tomllib.load(fh)
            for key, raw in doc.items():
                if not isinstance(raw, dict) or "values" not in raw:
                    continue
                name = f"{path.stem}.{key}"
                if name in parameters:
                    raise RuleError(f"{path}: parameter {name} defined twice")
                parameters[name] = _load_parameter(name, raw, source, f"{path.name}:{key}")
    switches = _load_switches(rules_dir / "switches.toml")
    # The switch values in force (an environment override included) are part of what a run used.
    digest = hashlib.sha256(_hash_tree(rules_dir).encode())
    for name in sorted(switches):
        digest.update(f"{name}={switches[name].value}".encode())
    return Law(rules_dir=rules_dir, parameters=parameters, switches=switches, content_hash=digest.hexdigest())


def _load_switches(path: Path) -> dict[str, Switch]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        doc = tomllib.load(fh)
    out = {}
    for name, raw in doc.items():
        choices = tuple(raw["choices"])
        value = os.environ.get(f"PAYROLL_SWITCH_{name.upper().replace('.', '_')}", raw["value"])
        if value not in choices:
            raise RuleError(f"{path.name}:{name}: value {value!r} is not one of {choices}")
        out[name] = Switch(name, raw["decision"], value, raw["default"], choices, raw.get("description", ""))
    return out


@lru_cache(maxsize=4)
def _cached(rules_dir: str) -> Law:
    return load(Path(rules_dir))


def current(rules_dir: Path | None = None) -> Law:
    """The rules in ``rules_dir`` (default: the repository's), loaded once per process."""
    return _cached(resolved_rules_dir(rules_dir))


def read_csv_ints(path: Path) -> tuple[list[str], list[list[int]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [[int(c) for c in row] for row in reader if row]
    return header, rows


def month_start(month: str) -> dt.date:
    """'2026-04' → 2026-04-01 (the date insurance rules are looked up on)."""
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1)


def as_fraction(value: Any) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)
