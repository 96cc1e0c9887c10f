"""Statute and employer policy as dated data: load ``rules/`` and answer "what is in force on D".

Every parameter lives in a TOML file under ``rules/statute`` (law) or ``rules/employer`` (the
district's own policy). A parameter is a table with a label, a unit, the date it was last checked,
and ``values``: non-overlapping periods ``from``–``to`` (inclusive), each with its value and a
structured citation (law, article, promulgation, effective). The parameter's name is
``<file stem>.<key>``.

How a parameter continues past its last dated value (decision D14) is part of its data:

- ``to`` left out on the last period: in force until amended (a statute text with no end date).
  With ``confirm = "yearly"`` and ``confirmed_to``, it is a rate a 시행령 sets without an end date
  but that is reviewed every year: it still applies after ``confirmed_to``, marked "고시 확인 전"
  until HR confirms it for the year (``payroll rules confirm``).
- ``announce = "calendar_year" | "july_june" | "once"``: a figure a 고시 sets for a period. After
  its last period it is *missing*: a run that needs it is refused, unless run as provisional
  (the last figure carried forward, marked 잠정), until HR enters it (``payroll rules announce``).
- ``end_reason``: the parameter ends on purpose (the law dropped the rule); nothing is missing.

HR's entries live in the installation's own rules file (:mod:`payroll.announced`), beside the
database and never inside the package; :func:`load` lays them over the package's periods and
folds them into the rules hash.

Which date a parameter is looked up on is the engine's business (withholding: the pay date;
insurance: the first day of the month the premium covers); this module only answers for a date.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from payroll.errors import RuleError  # noqa: F401  (defined with the other errors: the command line catches it without loading the rules)
from payroll import tomlcache
from payroll.parameter import OPEN_END, ORIGIN_PROVISIONAL, Citation, Parameter, Period, load_parameter
from payroll.parameter import recording  # noqa: F401  (a run looks values up inside law.recording())

RULES_DIR_ENV = "PAYROLL_RULES"


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
    #: the installation's entered figures laid over the package's (canonical text; "" when none)
    installation_text: str = ""
    #: missing figures carried forward from their last value (a provisional run, D14)
    provisional: bool = False
    _tables: dict[str, Any] = field(default_factory=dict, repr=False)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise RuleError(f"알 수 없는 규칙 수치 {name!r}") from None

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


def _hash_tree(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _package_parameters(rules_dir: str, tree_hash: str) -> dict[str, Parameter]:
    del tree_hash  # part of the cache key only: an edited rules folder loads again
    parameters: dict[str, Parameter] = {}
    root = Path(rules_dir)
    for source in ("statute", "employer"):
        for path in sorted((root / source).glob("*.toml")):
            doc = tomlcache.load(path)  # parsed once per version of the file (tomllib is slow to start a command with)
            for key, raw in doc.items():
                if not isinstance(raw, dict) or "values" not in raw:
                    continue
                name = f"{path.stem}.{key}"
                if name in parameters:
                    raise RuleError(f"{path}: 수치 {name}이(가) 두 번 정의되어 있습니다")
                parameters[name] = load_parameter(name, raw, source, f"{path.name}:{key}")
    return parameters


def load(rules_dir: Path | None = None, *, installation: str | bytes | None = None, provisional: bool = False) -> Law:
    """The rules in ``rules_dir``, with the installation's entered figures (the text of its rules
    file, :mod:`payroll.announced`) laid over them; ``provisional`` carries every missing figure
    forward from its last value, marked 잠정."""
    from payroll import announced

    rules_dir = Path(rules_dir or default_rules_dir())
    tree = _hash_tree(rules_dir)
    parameters = _package_parameters(str(rules_dir), tree)
    text = announced.canonical_text(installation)
    if text:
        parameters = announced.apply(parameters, announced.parse(text, "설치본 규칙 (announced.toml)"))
    if provisional:
        parameters = {name: _carried_forward(p) for name, p in parameters.items()}
    switches = _load_switches(rules_dir / "switches.toml")
    # The switch values in force (an environment override included), the entered figures and the
    # provisional mode are all part of what a run used.
    digest = hashlib.sha256(tree.encode())
    for name in sorted(switches):
        digest.update(f"{name}={switches[name].value}".encode())
    if text:
        digest.update(b"\0installation\0" + text.encode())
    if provisional:
        digest.update(b"\0provisional")
    return Law(rules_dir=rules_dir, parameters=parameters, switches=switches, content_hash=digest.hexdigest(),
               installation_text=text, provisional=provisional)


def _carried_forward(p: Parameter) -> Parameter:
    if not p.periods:
        return p  # nothing to carry: the figure has never been announced
    last = p.periods[-1]
    if last.open_ended or p.end_reason:
        return p
    citation = dataclasses.replace(last.citation, note=f"잠정: {last.end.isoformat()} 이후 고시 전 — 직전 수치 적용 (잠정, 결정 D14)")
    carried = Period(last.end + dt.timedelta(days=1), OPEN_END, last.value, citation, ORIGIN_PROVISIONAL)
    return dataclasses.replace(p, periods=p.periods + (carried,))


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
            raise RuleError(f"{path.name}:{name}: 값 {value!r}은(는) 다음 중 하나가 아닙니다: {choices}")
        out[name] = Switch(name, raw["decision"], value, raw["default"], choices, raw.get("description", ""))
    return out


@lru_cache(maxsize=8)
def _cached(rules_dir: str, installation_key: tuple) -> Law:
    from payroll import installation

    return load(Path(rules_dir), installation=installation.rules_text(installation_key))


#: the law a run works under (its own entered figures, provisional or not): code that asks for
#: :func:`current` inside :func:`using` gets it, so the timesheet, the ledger and the engine agree
_IN_USE: contextvars.ContextVar[Law | None] = contextvars.ContextVar("payroll_law_in_use", default=None)


def current(rules_dir: Path | None = None) -> Law:
    """The law in use: inside :func:`using`, that law; else the rules in ``rules_dir`` (default:
    the package's) with the active installation's entered figures, loaded once per process and
    again when the installation's rules file changes."""
    in_use = _IN_USE.get()
    if in_use is not None and (rules_dir is None or resolved_rules_dir(rules_dir) == resolved_rules_dir(in_use.rules_dir)):
        return in_use
    from payroll import installation

    return _cached(resolved_rules_dir(rules_dir), installation.rules_key())


@contextlib.contextmanager
def using(law: Law) -> Iterator[Law]:
    token = _IN_USE.set(law)
    try:
        yield law
    finally:
        _IN_USE.reset(token)


def month_start(month: str) -> dt.date:
    """'2026-04' → 2026-04-01 (the date insurance rules are looked up on)."""
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1)
