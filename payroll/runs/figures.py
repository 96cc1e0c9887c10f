"""HR's door to the law of the year (decision D14): what a month needs, and entering a 고시.

The command line (``payroll rules check|announce|confirm``) and the console's form call these
functions. An entry goes to the installation's rules file (:mod:`payroll.announced`) after it
has been validated as the package's data would be, under a file lock (two clerks at once write
one after the other), and into the audit log with who entered it.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import fcntl
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from payroll import announced, installation
from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law, Parameter, RuleError
from payroll.runs import law_state, provisional
from payroll.store.db import Store

STATE_LABELS = {
    "missing": "미고시 — 입력 필요",
    "provisional": "잠정 (직전 수치)",
    "unconfirmed": "개정 전까지 적용 — 고시 확인 전",
    "announced": "설치본 입력 (고시)",
    "in_force": "시행 중",
    "unknown": "미정 — 입력되면 적용",
}
_ORDER = ("missing", "provisional", "unconfirmed", "unknown", "announced", "in_force")


@dataclass(frozen=True)
class FigureState:
    key: str
    label: str
    source: str  # statute | employer
    state: str
    value: str
    period: str
    reference: str
    command: str  # what enters or confirms it ("" when nothing is to be done)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "source": self.source, "state": self.state, "state_label": STATE_LABELS[self.state],
                "value": self.value, "period": self.period, "reference": self.reference, "command": self.command}


def month_days(month: str) -> list[dt.date]:
    """The first and the last day of ``month``."""
    year, mon = int(month[:4]), int(month[5:7])
    return [dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])]


@functools.lru_cache(maxsize=1)
def pay_date_parameters() -> frozenset[str]:
    """The figures a month reads on its pay date; every other figure is read on the month's own days.

    Withholding follows the payment: the 간이세액표 and the 일용근로자 rates in force when the pay is
    paid (소득세법 §134①③), and the 비과세 limits of that payment (the engine's steps whose
    ``date_key`` is the pay date; the group insurance's yearly 비과세 limit, read by the welfare
    items on the pay date). The premiums are those of the month they insure (국민연금법 §88,
    국민건강보험법 §69: 월별 보험료), wages are owed for the days worked, and the employer's own
    figures (생활임금, pay table, welfare amounts) are those of the month: a December paid on
    10 January uses December's figures for all of them.
    """
    from payroll.engine.pipeline import PIPELINE
    from payroll.welfare.group_insurance import LIMIT_PARAM

    return frozenset(p for step in PIPELINE if step.date_key == "pay_date" for p in step.params) | {LIMIT_PARAM}


def days_read(p: Parameter, month: str, pay_date: dt.date | None) -> list[dt.date]:
    """The days a run of ``month`` paid on ``pay_date`` may read ``p`` on: the month's own days, and
    the pay date too for a withholding figure (a leaver's 퇴직소득 reads the tax rates on the day of
    leaving, inside the month)."""
    if pay_date is not None and p.name in pay_date_parameters():
        return month_days(month) + [pay_date]
    return month_days(month)


def expected_pay_date(inputs_dir: Path, month: str) -> dt.date | None:
    """The pay date a run of ``month`` from ``inputs_dir`` would take (``MONTH/run.toml``, else the
    employer's pay day), or None when the folder names none."""
    from payroll.employer import FILE_NAME, employer_in
    from payroll.runs.inputs import pay_date_of

    root = Path(inputs_dir)
    try:
        employer = employer_in(root) if (root / FILE_NAME).is_file() else None
        return pay_date_of(root, month, None, employer)
    except InputError:
        return None


def month_states(law: Law, month: str, pay_date: dt.date | None = None) -> list[FigureState]:
    """Every figure in force, missing or awaiting confirmation on the days a run of ``month`` reads
    it (:func:`days_read`), the worst state of each first."""
    rows = []
    for p in law.parameters.values():
        states = [(p.state_on(d), d) for d in days_read(p, month, pay_date)]
        live = [(s, d) for s, d in states if s not in ("ended", "not_yet")]
        if not live:
            continue
        state, day = min(live, key=lambda sd: _ORDER.index(sd[0]))
        rows.append(_row(p, state, day))
    return sorted(rows, key=lambda r: (_ORDER.index(r.state), r.key))


def _row(p, state: str, day: dt.date) -> FigureState:
    if state in ("missing", "unknown"):
        last = p.periods[-1] if p.periods else None
        value = law_state.value_text(p, last.value) if last else "—"
        period = f"{law_state.needed_period(p, day)} (직전: {last.start}…{last.end})" if last else law_state.needed_period(p, day)
        reference = f"{last.citation.law} {last.citation.article}" if last else p.description[:80]
        use = law_state.FigureUse(p.name, p.label, "provisional", value, "", reference, day, law_state.needed_period(p, day))
        return FigureState(p.name, p.label, p.source, state, value, period, reference, law_state.announce_command(use))
    period = p.period_on(day)
    end = "" if period.open_ended else period.end.isoformat()
    command = ""
    if state == "unconfirmed":
        use = law_state.FigureUse(p.name, p.label, state, "", "", "", day, "")
        command = law_state.confirm_command(use)
    return FigureState(p.name, p.label, p.source, state, law_state.value_text(p, period.value), f"{period.start}…{end}", str(period.citation), command)


# --- entering ---------------------------------------------------------------------------------


def _rules_path() -> Path:
    path = installation.rules_path()
    if path is None:
        raise InputError("이 데이터베이스에는 설치본 폴더가 없습니다 (PostgreSQL): PAYROLL_HOME 에 설치본 폴더를 지정하세요")
    return path


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".announced.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _validated(text: str) -> Law:
    base = law_module.current()
    try:
        return law_module.load(base.rules_dir, installation=text)
    except RuleError as exc:
        raise InputError(str(exc)) from None


def announce(store: Store, key: str, start: dt.date, end: dt.date | None, value_text: str, source: str, actor: str) -> dict:
    """Enter a figure a 고시 announced; return what was entered and the runs it affects."""
    path = _rules_path()
    with _locked(path):
        base = law_module.current()
        if key not in base.parameters:
            raise InputError(f"{key}: 그런 수치가 없습니다 (payroll rules check MONTH가 목록을 보여 줍니다)")
        p = base.parameter(key)
        try:
            value = announced.parse_value(p, value_text)
            text = announced.with_figure(announced.read(path), announced.Figure(key, start, end or law_module.OPEN_END, value, source.strip(), actor))
        except RuleError as exc:
            raise InputError(str(exc)) from None
        new_law = _validated(text)
        announced.write(path, text)
    shown = law_state.value_text(new_law.parameter(key), new_law.parameter(key).period_on(start).value)
    with store.session() as s:
        affected = provisional.affected_runs(s, new_law, key=key)
        store.audit(actor, "rules.announce", key, {"from": start.isoformat(), "to": end.isoformat() if end else None, "value": str(value),
                                                   "source": source, "affected_runs": [a.run_id for a in affected]}, session=s)
    return {"key": key, "label": p.label, "from": start.isoformat(), "to": end.isoformat() if end else None, "value": shown, "source": source,
            "file": str(path), "rules_hash": new_law.content_hash, "affected": [_affected(a) for a in affected]}


def confirm(store: Store, key: str, year: int, source: str, actor: str) -> dict:
    """Confirm a rate in force until amended for ``year`` (no amendment: the runs stop saying 확인 전)."""
    path = _rules_path()
    with _locked(path):
        base = law_module.current()
        if key not in base.parameters:
            raise InputError(f"{key}: 그런 수치가 없습니다 (payroll rules check MONTH가 목록을 보여 줍니다)")
        entry = announced.Confirmation(key, year, source.strip(), actor)
        try:
            text = announced.with_confirmation(announced.read(path), entry)
        except RuleError as exc:
            raise InputError(str(exc)) from None
        new_law = _validated(text)
        announced.write(path, text)
    store.audit(actor, "rules.confirm", key, {"year": year, "source": source})
    p = new_law.parameter(key)
    return {"key": key, "label": p.label, "year": year, "source": source, "file": str(path), "rules_hash": new_law.content_hash,
            "confirmed_to": p.confirmed_to.isoformat() if p.confirmed_to and p.confirmed_to != law_module.OPEN_END else "…"}


def _affected(a: provisional.Affected) -> dict:
    next_step = "다음 정기 run에서 소급분으로 정산" if a.closed else f"마감 전: {a.month} 을 다시 실행 (payroll run {a.month})"
    return {"run_id": a.run_id, "month": a.month, "closed": a.closed, "keys": list(a.keys), "next_step": next_step}
