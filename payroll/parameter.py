"""One parameter of ``rules/`` as data: its unit, its dated periods with their citations, and what it
says for a day (in force, unconfirmed, provisional, missing …).

:mod:`payroll.law` loads the tree of rules into these and answers for a date; :mod:`payroll.announced`
lays the figures HR enters over them. Looking a value up inside :func:`recording` notes the
provisional and unconfirmed values a run used (decision D14).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

from payroll.errors import RuleError
from payroll.money import rate

UNITS = {"rate", "won", "hours", "minutes", "years", "months", "days", "count", "choice", "table_file", "brackets", "flag", "text", "dates"}
ANNOUNCE_KINDS = ("calendar_year", "july_june", "once")
OPEN_END = dt.date.max  # the `to` of a period in force until amended


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


#: where a period's value comes from
ORIGIN_RULES = "rules"  # the package's rules/ (statute or employer policy)
ORIGIN_INSTALLATION = "installation"  # entered by HR (payroll rules announce)
ORIGIN_PROVISIONAL = "provisional"  # the last figure carried forward in a provisional run (잠정)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    value: Any
    citation: Citation
    origin: str = ORIGIN_RULES

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def open_ended(self) -> bool:
        return self.end == OPEN_END


def show_end(day: dt.date) -> str:
    return "…" if day == OPEN_END else day.isoformat()


def as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise RuleError(f"{where}: TOML 날짜(YYYY-MM-DD)여야 합니다: {value!r}")


def convert(unit: str, value: Any, where: str) -> Any:
    """A raw TOML value as the parameter's unit wants it (exact rates, whole won, …)."""
    if unit == "rate":
        if not isinstance(value, str):
            raise RuleError(f"{where}: 요율은 \"0.0475\" 같은 소수 문자열이어야 합니다: {value!r}")
        try:
            return rate(value)
        except (ArithmeticError, ValueError):
            raise RuleError(f"{where}: 소수 요율이 아닙니다: {value!r}") from None
    if unit in {"won", "count", "minutes", "years", "months", "days"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{where}: {unit}은(는) 정수여야 합니다: {value!r}")
        return value
    if unit == "hours":
        if isinstance(value, str):
            return rate(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"{where}: 시간(hours)은 정수나 소수 문자열이어야 합니다: {value!r}")
        return value
    if unit == "brackets":
        # [[lower_won, base_won, "rate"], ...]: amount over `lower` taxed at `rate` on top of `base`.
        rows = []
        for row in value:
            lower, base, r = row
            rows.append((int(lower), int(base), rate(r)))
        return tuple(rows)
    if unit == "dates":
        return tuple(as_date(v, where) for v in value)
    return value


def citation_of(raw: dict[str, Any], where: str) -> Citation:
    missing = [k for k in ("law", "article", "promulgation", "effective") if k not in raw]
    if missing:
        raise RuleError(f"{where}: 근거(citation)에 없는 키: {', '.join(missing)}")
    return Citation(
        law=str(raw["law"]),
        article=str(raw["article"]),
        promulgation=str(raw["promulgation"]),
        effective=as_date(raw["effective"], f"{where}.effective"),
        note=str(raw.get("note", "")),
    )


def check_periods(periods: list[Period], where: str) -> tuple[Period, ...]:
    periods = sorted(periods, key=lambda p: p.start)
    for a, b in zip(periods, periods[1:]):
        if b.start <= a.end:
            raise RuleError(f"{where}: 기간이 겹칩니다 ({a.start}…{show_end(a.end)}와 {b.start}…{show_end(b.end)})")
    return tuple(periods)


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
    announce: str | None = None  # ANNOUNCE_KINDS: a 고시 sets it per period (D14)
    confirm: str = ""  # "yearly": in force until amended, confirmed year by year (D14); "once": until its 시행령 is confirmed
    confirmed_to: dt.date | None = None  # the last day a confirmation covers
    end_reason: str = ""  # the rule ended on purpose after its last period
    review_by: dt.date | None = None  # an expected amendment to check by this date
    review_note: str = ""
    bounds: tuple[Any, Any] | None = None  # the range an entered value must fall in
    confirmations: tuple[tuple[int, str], ...] = ()  # (year, source) entered by HR
    pending_from: dt.date | None = None  # an announced figure with no value yet, needed from this date
    optional: bool = False  # used only once entered (a missing value stops nothing)
    pending_note: str = ""  # what an unconfirmed value is waiting for (default: the year's 고시)

    def period_on(self, day: dt.date) -> Period:
        for period in self.periods:
            if period.covers(day):
                if period.origin == ORIGIN_PROVISIONAL:
                    _note_use(self.name, "provisional", day)
                if self.unconfirmed_on(day):
                    _note_use(self.name, "unconfirmed", day)
                    note = unconfirmed_note(day, period.citation, self.pending_note)
                    return dataclasses.replace(period, citation=dataclasses.replace(period.citation, note=note))
                confirmed = [source for year, source in self.confirmations if year == day.year]
                if confirmed and period.origin == ORIGIN_RULES:
                    note = f"{day.year}년 확인: {confirmed[0]}"
                    note = f"{period.citation.note}; {note}" if period.citation.note else note
                    return dataclasses.replace(period, citation=dataclasses.replace(period.citation, note=note))
                return period
        if not self.periods and self.pending_from is not None:
            raise RuleError(f"{self.name} ({self.label})이(가) 아직 고시되지 않았습니다 ({self.pending_from.isoformat()}부터 필요): "
                            f"payroll rules announce {self.name} --from … --value … --source \"…\"")
        span = f"{self.periods[0].start}…{show_end(self.periods[-1].end)}" if self.periods else "기간 없음"
        raise RuleError(f"{day.isoformat()}에 시행 중인 {self.name} ({self.label}) 값이 없습니다 (규칙의 기간: {span})")

    def unconfirmed_on(self, day: dt.date) -> bool:
        """A yearly-reviewed rate applied on ``day`` without a confirmation for that year."""
        return bool(self.confirm) and self.confirmed_to is not None and day > self.confirmed_to

    def state_on(self, day: dt.date) -> str:
        """``in_force`` | ``announced`` (entered by HR) | ``unconfirmed`` | ``provisional`` | ``missing`` | ``ended`` | ``not_yet``."""
        for period in self.periods:
            if period.covers(day):
                if period.origin == ORIGIN_PROVISIONAL:
                    return "provisional"
                if self.unconfirmed_on(day):
                    return "unconfirmed"
                return "announced" if period.origin == ORIGIN_INSTALLATION else "in_force"
        first = self.periods[0].start if self.periods else self.pending_from
        if first is None or day < first:
            return "not_yet"
        if self.end_reason:
            return "ended"
        return "unknown" if self.optional else "missing"


#: the provisional and unconfirmed values looked up inside :func:`recording` ({(name, state): days})
_USES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("payroll_law_uses", default=None)


def _note_use(name: str, state: str, day: dt.date) -> None:
    uses = _USES.get()
    if uses is not None:
        uses.setdefault((name, state), set()).add(day)


@contextlib.contextmanager
def recording() -> Iterator[dict[tuple[str, str], set[dt.date]]]:
    """Collect which provisional (잠정) and unconfirmed (고시 확인 전) values the code inside looks up."""
    uses: dict[tuple[str, str], set[dt.date]] = {}
    token = _USES.set(uses)
    try:
        yield uses
    finally:
        _USES.reset(token)


def unconfirmed_note(day: dt.date, citation: Citation, pending: str = "") -> str:
    text = f"{day.year}년 {pending or '요율 고시'} 확인 전 (종기 없이 정한 값을 개정 전까지 적용, 결정 D14)"
    return f"{citation.note}; {text}" if citation.note else text


def load_parameter(name: str, raw: dict[str, Any], source: str, where: str) -> Parameter:
    unit = raw.get("unit")
    if unit not in UNITS:
        raise RuleError(f"{where}: 알 수 없는 단위 {unit!r}")
    values = raw.get("values", [])
    periods = []
    for i, v in enumerate(values):
        pw = f"{where}.values[{i}]"
        start = as_date(v.get("from"), f"{pw}.from")
        if "to" in v:
            end = as_date(v.get("to"), f"{pw}.to")
        elif i == len(values) - 1:
            end = OPEN_END  # in force until amended
        else:
            raise RuleError(f"{pw}: 마지막 기간만 'to'를 뺄 수 있습니다 (개정 전까지 시행)")
        if end < start:
            raise RuleError(f"{pw}: 'to' {end}이(가) 'from' {start}보다 앞섭니다")
        periods.append(Period(start, end, convert(unit, v.get("value"), f"{pw}.value"), citation_of(v.get("ref", {}), f"{pw}.ref")))
    announce = raw.get("announce")
    pending_from = as_date(raw["pending_from"], f"{where}.pending_from") if "pending_from" in raw else None
    if not periods and (announce is None or pending_from is None):
        raise RuleError(f"{where}: 값이 없습니다 (아직 모르는 고시 수치만 값 없이 둘 수 있습니다: announce + pending_from)")
    ordered = check_periods(periods, where)
    if announce is not None and announce not in ANNOUNCE_KINDS:
        raise RuleError(f"{where}: announce는 다음 중 하나여야 합니다: {', '.join(ANNOUNCE_KINDS)} (받은 값 {announce!r})")
    confirm = raw.get("confirm")
    if confirm not in (None, "yearly", "once"):
        raise RuleError(f"{where}: confirm은 \"yearly\"나 \"once\"여야 합니다 (받은 값 {confirm!r})")
    confirmed_to = as_date(raw["confirmed_to"], f"{where}.confirmed_to") if "confirmed_to" in raw else None
    if confirm and (confirmed_to is None or not ordered or not ordered[-1].open_ended):
        raise RuleError(f"{where}: confirm에는 confirmed_to와 끝이 열린 마지막 기간('to' 없음)이 필요합니다")
    if announce is not None and ordered and ordered[-1].open_ended:
        raise RuleError(f"{where}: 고시 수치의 기간에는 끝이 있습니다 (고시마다 기간을 정함); announce를 빼거나 'to'를 주세요")
    bounds = raw.get("range")
    if bounds is not None:
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise RuleError(f"{where}: range는 [최소, 최대]여야 합니다")
        bounds = (convert(unit, bounds[0], f"{where}.range[0]"), convert(unit, bounds[1], f"{where}.range[1]"))
    return Parameter(
        name=name,
        label=str(raw.get("label", name)),
        unit=unit,
        source=source,
        last_checked=as_date(raw.get("last_checked"), f"{where}.last_checked"),
        periods=ordered,
        choices=tuple(raw.get("choices", ())),
        description=str(raw.get("description", "")),
        introduced=as_date(raw["introduced"], f"{where}.introduced") if "introduced" in raw else None,
        announce=announce,
        confirm=confirm or "",
        confirmed_to=confirmed_to,
        end_reason=str(raw.get("end_reason", "")),
        review_by=as_date(raw["review_by"], f"{where}.review_by") if "review_by" in raw else None,
        review_note=str(raw.get("review_note", "")),
        bounds=bounds,
        pending_from=pending_from,
        optional=bool(raw.get("optional", False)),
        pending_note=str(raw.get("pending_note", "")),
    )
