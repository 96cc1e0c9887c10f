"""What a run's law says about itself (decision D14): missing, provisional and unconfirmed figures.

A month is computed under a *probe* law: the law in use with every missing figure carried forward
from its last value (marked 잠정). Looking a value up inside :func:`payroll.law.recording` notes it
when it is provisional (a figure a 고시 has not announced yet) or unconfirmed (a rate in force until
amended that nobody has confirmed for the year). After the computation:

- a provisional figure that was used stops a regular run: :class:`MissingFigures` lists each one
  with its article and the command that enters it (exit 2);
- a run started as provisional records the figures it carried forward, and every output says so;
- an unconfirmed rate is applied and named on the run summary, the run page and each payslip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law, Parameter


@dataclass(frozen=True)
class FigureUse:
    key: str
    label: str
    state: str  # provisional | unconfirmed
    value: str  # the value used, for people
    basis: str  # where the value comes from (the last 고시 for a provisional one)
    article: str
    first_day: dt.date  # the first date it was looked up on
    needed: str  # provisional: the period a 고시 has to cover; unconfirmed: what awaits confirmation

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "state": self.state, "value": self.value, "basis": self.basis,
                "article": self.article, "first_day": self.first_day.isoformat(), "needed": self.needed}

    @classmethod
    def from_dict(cls, raw: dict) -> "FigureUse":
        return cls(**{**raw, "first_day": dt.date.fromisoformat(raw["first_day"])})


class MissingFigures(InputError):
    """A month needs figures nobody has announced yet (exit code 2)."""

    def __init__(self, month: str, figures: list[FigureUse]):
        self.month = month
        self.figures = figures
        super().__init__(missing_message(month, figures))


def probe(law: Law) -> Law:
    """``law`` with every missing figure carried forward from its last value (marked 잠정)."""
    if law.provisional:
        return law
    return law_module.load(law.rules_dir, installation=law.installation_text, provisional=True)


def provisional_law(law: Law, provisional: bool) -> Law:
    return probe(law) if provisional else law


def value_text(p: Parameter, value: Any) -> str:
    if isinstance(value, Fraction):
        from payroll.documents.payslip import percent_text

        return percent_text(f"{value.numerator}/{value.denominator}")
    if isinstance(value, int) and not isinstance(value, bool) and (p.unit == "won" or p.unit == "text"):
        return f"{value:,}원"
    if isinstance(value, (dict, list, tuple)):
        return "표 (rules 참조)"
    return str(value)


def change_text(p: Parameter, old: Any, new: Any) -> str:
    """'12,121원 → 12,500원'; for a table, only the entries that changed."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(set(old) | set(new))
        parts = [f"{k} {value_text(p, old.get(k, '—'))} → {value_text(p, new.get(k, '—'))}" for k in keys if old.get(k) != new.get(k)]
        return ", ".join(parts) or "변경 없음"
    return f"{value_text(p, old)} → {value_text(p, new)}"


def needed_period(p: Parameter, day: dt.date) -> str:
    """The period a 고시 for ``day`` would cover, by the parameter's kind."""
    if p.announce == "calendar_year":
        return f"{day.year}-01-01…{day.year}-12-31"
    if p.announce == "july_june":
        start = day.year if day.month >= 7 else day.year - 1
        return f"{start}-07-01…{start + 1}-06-30"
    return f"{day.isoformat()}…"


def uses_of(law: Law, uses: dict[tuple[str, str], set[dt.date]]) -> list[FigureUse]:
    """The recorded look-ups as one entry per (figure, state), in a fixed order."""
    out = []
    for (key, state), days in sorted(uses.items()):
        p = law.parameter(key)
        first = min(days)
        if state == "provisional":
            carried = next(q for q in reversed(p.periods) if q.origin != law_module.ORIGIN_PROVISIONAL)
            basis = f"{carried.start.isoformat()}…{carried.end.isoformat()} {carried.citation.promulgation}"
            value, needed = carried.value, needed_period(p, first)
        else:
            period = p.period_on(first)
            basis = f"{period.citation.promulgation}"
            value = period.value
            needed = f"{first.year}년 {p.pending_note or '요율 고시'} 확인"
        article = f"{p.periods[-1].citation.law} {p.periods[-1].citation.article}"
        out.append(FigureUse(key, p.label, state, value_text(p, value), basis, article, first, needed))
    return out


def announce_command(use: FigureUse) -> str:
    start, _, end = use.needed.partition("…")
    to = f" --to {end}" if end else ""
    return f'payroll rules announce {use.key} --from {start}{to} --value … --source "…"'


def confirm_command(use: FigureUse) -> str:
    return f'payroll rules confirm {use.key} --year {use.first_day.year} --source "…"'


def missing_message(month: str, figures: list[FigureUse]) -> str:
    lines = [f"{month}: 아직 고시되지 않은 수치가 필요합니다 ({len(figures)}건, decision D14). "
             f"고시가 나오면 입력하거나 (payroll rules announce), 직전 수치로 잠정 지급하려면 --provisional 로 실행하세요."]
    for f in figures:
        lines.append(f"  - {f.key} ({f.label}): {f.article} — {f.needed} 고시 필요; 직전 수치 {f.value} ({f.basis})")
        lines.append(f"      입력: {announce_command(f)}")
    return "\n".join(lines)


def rules_note(figures: list[FigureUse]) -> str:
    """One line for the payslip, the register and the run summary ("" when every figure is settled)."""
    parts = []
    provisional = [f for f in figures if f.state == "provisional"]
    unconfirmed = [f for f in figures if f.state == "unconfirmed"]
    if provisional:
        parts.append("잠정 (고시 전 직전 수치 적용): " + "; ".join(f"{f.label} {f.value} ({f.article})" for f in provisional))
    if unconfirmed:
        years = sorted({f.first_day.year for f in unconfirmed})
        label = "·".join(str(y) for y in years)
        parts.append(f"{label}년 요율 고시 확인 전: " + "; ".join(f"{f.label} {f.value} ({f.article})" for f in unconfirmed))
    return " / ".join(parts)


def review_warnings(law: Law, day: dt.date) -> list[str]:
    """Parameters past the date by which an expected amendment was to be checked, one line per review."""
    due: dict[tuple[dt.date, str], list[str]] = {}
    for p in law.parameters.values():
        if p.review_by is not None and day >= p.review_by:
            due.setdefault((p.review_by, p.review_note), []).append(p.label)
    return [f"규칙 검토 기한 지남 ({by.isoformat()}): {', '.join(labels)} — {note}" for (by, note), labels in sorted(due.items())]
