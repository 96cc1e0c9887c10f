"""Figures HR enters the day a 고시 appears: the installation's rules file (decision D14).

``payroll rules announce`` and ``payroll rules confirm`` (and the console's form) write
``<installation>/rules/announced.toml`` (:mod:`payroll.installation`), never the package's
``rules/``. Two kinds of entry:

- ``[[figure]]``: a dated value of a parameter with its source (the 고시 number). It fills a period
  the package leaves missing, or supersedes an open-ended (in force until amended) value from its
  ``from`` date; it may not contradict a dated value the package already gives.
- ``[[confirmation]]``: a yearly-reviewed rate confirmed for a year with its source, so runs of
  that year stop saying "고시 확인 전".

Entries are validated like the package's data (unit, range, no overlap, a source required);
:func:`payroll.law.load` lays them over the package's periods and folds the file into the rules
hash. A run stores the file it used, so its replay is byte-identical whatever is entered later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from payroll.errors import RuleError
from payroll.parameter import OPEN_END, ORIGIN_INSTALLATION, ORIGIN_RULES, Citation, Parameter, Period, as_date, check_periods, convert

HEADER = (
    "# 설치본 고시 수치: `payroll rules announce` / `payroll rules confirm` 이 기록합니다.\n"
    "# Figures entered by HR (decision D14). Edit through the commands: every entry is validated\n"
    "# and recorded in the audit log.\n"
)
#: a value outside these is refused unless the parameter gives its own range
DEFAULT_BOUNDS = {"rate": (0, 1), "won": (0, 10**12), "count": (0, 10**6), "hours": (0, 10**4), "days": (0, 10**4), "months": (0, 10**3), "years": (0, 10**3)}


@dataclass(frozen=True)
class Figure:
    key: str
    start: dt.date
    end: dt.date  # OPEN_END: until amended
    value: Any  # as written in the file (a decimal string for a rate)
    source: str
    entered_by: str


@dataclass(frozen=True)
class Confirmation:
    key: str
    year: int
    source: str
    entered_by: str


@dataclass(frozen=True)
class Entries:
    figures: tuple[Figure, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()


def canonical_text(installation: str | bytes | None) -> str:
    if installation is None:
        return ""
    text = installation.decode("utf-8") if isinstance(installation, bytes) else installation
    return text.strip()


def parse(text: str, where: str) -> Entries:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: 올바른 TOML이 아닙니다: {exc}") from None
    unknown = set(doc) - {"figure", "confirmation"}
    if unknown:
        raise RuleError(f"{where}: 알 수 없는 절 {sorted(unknown)[0]!r} (쓸 수 있는 절: figure, confirmation)")
    figures = []
    for i, raw in enumerate(doc.get("figure", [])):
        w = f"{where}: figure[{i}]"
        _require(raw, ("key", "from", "value", "source"), w)
        start = as_date(raw["from"], f"{w}.from")
        end = as_date(raw["to"], f"{w}.to") if "to" in raw else OPEN_END
        if end < start:
            raise RuleError(f"{w}: 'to' {end}이(가) 'from' {start}보다 앞섭니다")
        figures.append(Figure(str(raw["key"]), start, end, raw["value"], _source(raw, w), str(raw.get("entered_by", ""))))
    confirmations = []
    for i, raw in enumerate(doc.get("confirmation", [])):
        w = f"{where}: confirmation[{i}]"
        _require(raw, ("key", "year", "source"), w)
        if isinstance(raw["year"], bool) or not isinstance(raw["year"], int):
            raise RuleError(f"{w}.year: 2027 같은 연도여야 합니다: {raw['year']!r}")
        confirmations.append(Confirmation(str(raw["key"]), raw["year"], _source(raw, w), str(raw.get("entered_by", ""))))
    return Entries(tuple(figures), tuple(confirmations))


def _require(raw: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: 표(table)여야 합니다")
    missing = [k for k in keys if k not in raw]
    if missing:
        raise RuleError(f"{where}: 없는 키: {', '.join(missing)}")


def _source(raw: dict, where: str) -> str:
    source = str(raw.get("source", "")).strip()
    if len(source) < 4:
        raise RuleError(f"{where}.source: 수치의 근거 고시나 문서가 필요합니다 (예: \"보건복지부 고시 제2026-…호\")")
    return source


#: 노인장기요양보험법 §9① as 법률 제21690호 amended it (decision D1): from the 2026-11 premium the
#: 장기요양보험료 is the 건강보험료 × (장기요양보험료율 ÷ 건강보험료율, rounded at the fifth decimal)
LTC_RATIO_ROUNDED_FROM = dt.date(2026, 11, 1)
LTC_KEYS = ("long_term_care.rate_of_income", "long_term_care.ratio_to_health", "health_insurance.employee_rate")


def ltc_ratio(rate_of_income: Fraction, employee_health_rate: Fraction) -> Fraction:
    """장기요양보험료율 ÷ 건강보험료율 (twice the employee's half), rounded half up at the fifth decimal."""
    exact = Fraction(rate_of_income) / (2 * Fraction(employee_health_rate))
    return Fraction((exact * 10_000 + Fraction(1, 2)).__floor__(), 10_000)


def _covering(p: Parameter, day: dt.date) -> Period | None:
    return next((period for period in p.periods if period.covers(day)), None)


def derive_ltc_ratio(parameters: dict[str, Parameter]) -> dict[str, Parameter]:
    """The ratio follows the two rates it is made of: an entered 장기요양보험료율 (or 건강보험료율) gives its
    ratio from the same day, so a clerk enters the 고시's rate once; an entered ratio that disagrees
    with the rates is refused (it would charge what neither 고시 says)."""
    if any(k not in parameters for k in LTC_KEYS):
        return parameters
    rate, ratio, health = (parameters[k] for k in LTC_KEYS)
    days = sorted({max(p.start, LTC_RATIO_ROUNDED_FROM) for p in (*rate.periods, *health.periods) if p.end >= LTC_RATIO_ROUNDED_FROM})
    for day in days:
        r, h = _covering(rate, day), _covering(health, day)
        if r is None or h is None:
            continue
        derived = ltc_ratio(r.value, h.value)
        current = _covering(ratio, day)
        if current is not None and current.value == derived:
            continue
        text = str(Decimal(derived.numerator) / Decimal(derived.denominator))
        if current is not None and current.start >= day:
            raise RuleError(f"long_term_care.ratio_to_health ({current.start}부터): {current.value} ≠ 장기요양보험료율 {r.value} ÷ 건강보험료율 "
                            f"{2 * h.value} = {text} (소수점 다섯째 자리 반올림, 노인장기요양보험법 §9①, 결정 D1): 비율은 두 요율에서 나옵니다")
        source = f"장기요양보험료율 ({r.citation.promulgation}) ÷ 건강보험료율, 소수점 다섯째 자리 반올림 (노인장기요양보험법 §9①, 결정 D1)"
        ratio = _with_figure(ratio, Figure(ratio.name, day, min(r.end, h.end), text, source, "자동 계산"))
    if ratio.confirm and rate.confirmed_to and (ratio.confirmed_to is None or ratio.confirmed_to < rate.confirmed_to):
        # the rate confirmed for a year unchanged: so is the ratio made of it
        ratio = dataclasses.replace(ratio, confirmed_to=rate.confirmed_to, confirmations=tuple(sorted(set(ratio.confirmations) | set(rate.confirmations))))
    return {**parameters, ratio.name: ratio}


def apply(parameters: dict[str, Parameter], entries: Entries) -> dict[str, Parameter]:
    """The package's parameters with the installation's entries laid over them (a new dict), and the
    장기요양 ratio following the rates entered (:func:`derive_ltc_ratio`)."""
    out = dict(parameters)
    for figure in entries.figures:
        out[figure.key] = _with_figure(_parameter(out, figure.key), figure)
    for confirmation in entries.confirmations:
        p = _parameter(out, confirmation.key)
        if not p.confirm:
            raise RuleError(f"설치본 규칙: {p.name}은(는) 확인을 기다리는 요율이 아닙니다; 값은 `payroll rules announce`로 입력하세요")
        year_end = OPEN_END if p.confirm == "once" else dt.date(confirmation.year, 12, 31)
        confirmed = tuple(sorted(set(p.confirmations) | {(confirmation.year, confirmation.source)}))
        out[p.name] = dataclasses.replace(p, confirmed_to=max(p.confirmed_to or year_end, year_end) if _contiguous(p, confirmation.year) else p.confirmed_to,
                                          confirmations=confirmed)
    return derive_ltc_ratio(out)


def _contiguous(p: Parameter, year: int) -> bool:
    """A confirmation moves ``confirmed_to`` only when it follows it (a year skipped stays unconfirmed)."""
    return p.confirm == "once" or p.confirmed_to is None or year <= p.confirmed_to.year + 1


def _parameter(parameters: dict[str, Parameter], key: str) -> Parameter:
    try:
        return parameters[key]
    except KeyError:
        raise RuleError(f"설치본 규칙: 알 수 없는 수치 {key!r} (`payroll rules check MONTH` 참고)") from None


def _with_figure(p: Parameter, figure: Figure) -> Parameter:
    where = f"설치본 규칙: {p.name} ({figure.start}부터)"
    value = convert(p.unit, figure.value, where)
    _check_bounds(p, value, where)
    template = p.periods[-1].citation if p.periods else Citation(p.label, "", "", figure.start)
    citation = Citation(template.law, template.article, figure.source, figure.start,
                        note=f"설치본 입력 ({figure.entered_by or '—'})")
    new = Period(figure.start, figure.end, value, citation, ORIGIN_INSTALLATION)
    kept = []
    for period in p.periods:
        if period.end < figure.start or period.start > figure.end:
            kept.append(period)
        elif period.origin == ORIGIN_RULES and period.start == figure.start and period.end == figure.end and period.value == value:
            return p  # the package already gives exactly this figure (a release caught up)
        elif period.open_ended and period.start < figure.start:
            kept.append(dataclasses.replace(period, end=figure.start - dt.timedelta(days=1)))  # superseded from `from`
        else:
            raise RuleError(f"{where}: 규칙에 이미 {period.start}…{'…' if period.open_ended else period.end}의 {p.name}이(가) 있습니다 "
                            f"({period.citation.promulgation}); 입력은 빠진 기간을 채우거나 끝이 열린 기간을 대신할 수만 있습니다")
    periods = check_periods(kept + [new], where)
    confirmed_to = p.confirmed_to
    if p.confirm:
        confirmed_to = max(confirmed_to or dt.date.min, OPEN_END if p.confirm == "once" else dt.date(figure.start.year, 12, 31))
    return dataclasses.replace(p, periods=periods, confirmed_to=confirmed_to)


def _check_bounds(p: Parameter, value: Any, where: str) -> None:
    bounds = p.bounds or DEFAULT_BOUNDS.get(p.unit)
    if bounds is None or isinstance(value, (str, dict, list, tuple)):
        return
    low, high = bounds
    if not (low <= value <= high) or (p.unit == "rate" and value == 0):
        raise RuleError(f"{where}: {value}은(는) {p.label}의 범위 {low}…{high} 밖입니다")


# --- writing ------------------------------------------------------------------------------------


def parse_value(p: Parameter, text: str) -> Any:
    """A value typed on the command line or in the console, as the file stores it."""
    text = text.strip()
    if p.unit == "rate":
        return _percent(text) if text.endswith("%") else text
    if p.unit in {"won", "count", "years", "months", "days"}:
        digits = text.replace(",", "").replace("_", "").removesuffix("원")
        if not digits.lstrip("-").isdigit():
            raise RuleError(f"--value: {p.name}은(는) 정수({p.unit})여야 합니다: {text!r}")
        return int(digits)
    if text[:1] in "{[" or p.unit in {"dates", "brackets", "flag"}:
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"--value: {p.name}에는 TOML 값이 필요합니다 ({exc})") from None
    return text


def _percent(text: str) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        return str(Decimal(text[:-1].strip()) / 100)
    except InvalidOperation:
        raise RuleError(f"--value: 백분율이 아닙니다: {text!r}") from None


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def with_figure(text: str, figure: Figure) -> str:
    return _render(_doc(text), "figure", {
        "key": figure.key, "from": figure.start, **({} if figure.end == OPEN_END else {"to": figure.end}),
        "value": figure.value, "source": figure.source, "entered_by": figure.entered_by,
    })


def with_confirmation(text: str, confirmation: Confirmation) -> str:
    return _render(_doc(text), "confirmation", {
        "key": confirmation.key, "year": confirmation.year, "source": confirmation.source, "entered_by": confirmation.entered_by,
    })


def _doc(text: str) -> dict:
    return tomllib.loads(text) if text.strip() else {}


def _render(doc: dict, section: str, entry: dict) -> str:
    import tomli_w

    doc.setdefault(section, []).append(entry)
    ordered = {k: doc[k] for k in ("figure", "confirmation") if k in doc}
    return HEADER + "\n" + tomli_w.dumps(ordered)


def write(path: Path, text: str) -> None:
    """Replace the file at once (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".announced-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
