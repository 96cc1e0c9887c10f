"""사용촉진 (근로기준법 §61): who must get which notice, by when, and the dates a second notice designates.

A use period is identified by its last day (``period_end``). The first-year monthly days (§61②)
share one period, the end of the first year; each later grant has its own year (§61①). A stage is

- ``due`` on a day inside its window and not yet recorded,
- ``upcoming`` when its window opens within the horizon,
- ``missed`` when its window has closed unrecorded (the unused days will be paid when they lapse).

A second notice can only follow a first one: it opens ``promotion_reply_days`` (10) days after the
first, when the worker has not named the dates (§61①2호, ②2호).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from payroll.holidays import paid_holidays
from payroll.law import Law
from payroll.leave.inputs import LeaveDay, Notice
from payroll.leave.accrual import Grant
from payroll.leave.ledger import WorkerLedger
from payroll.leave.timing import ONE_DAY, STAGE_LABELS, promotion_windows


@dataclass(frozen=True)
class NoticeDue:
    worker_id: str
    period_end: dt.date
    stage: str
    first_year: bool
    start: dt.date  # the earliest day the notice may be given
    end: dt.date  # the last day
    article: str
    minutes: int  # unused minutes the notice is about, on the day asked
    status: str  # due | upcoming | missed
    ends_with_service: bool  # the period ends with the last contract: unused days are paid on leaving unless renewed
    grant_ids: tuple[str, ...]

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.stage]


def _status(day: dt.date, start: dt.date, end: dt.date, horizon: dt.date) -> str | None:
    if start <= day <= end:
        return "due"
    if day < start <= horizon:
        return "upcoming"
    if end < day:
        return "missed"
    return None


def notices_for(ledger: WorkerLedger, day: dt.date, law: Law, recorded: list[Notice], horizon_days: int = 0) -> list[NoticeDue]:
    """The §61 stages of this worker's open use periods, as of ``day`` (the ledger must be built as of ``day``)."""
    horizon = day + dt.timedelta(days=horizon_days)
    rec: dict[tuple[dt.date, str], Notice] = {(n.period_end, n.stage): n for n in recorded if n.worker_id == ledger.worker_id}
    groups: dict[tuple[dt.date, bool], list[Grant]] = {}
    for g in ledger.grants:
        if g.date <= day <= g.expiry:
            groups.setdefault((g.expiry, g.first_year), []).append(g)
    out: list[NoticeDue] = []
    for (end, first_year), grants in sorted(groups.items()):
        on = law.on(min(g.date for g in grants))
        windows = promotion_windows(end, first_year, on)
        reply = dt.timedelta(days=on["annual_leave.promotion_reply_days"])
        service = next((s for s in ledger.services if s.runs_on(end)), None)
        ends_with_service = service is not None and service.end == end
        pairs = [("first", "second")]
        if first_year:
            pairs.append(("first_late", "second_late"))
        for first, second in pairs:
            if first == "first_late":
                n1 = rec.get((end, "first"))
                if n1 is None:
                    continue
                members = [g for g in grants if g.date > n1.notice_date]
            else:
                n1 = rec.get((end, "first"))
                members = [g for g in grants if n1 is None or g.date <= n1.notice_date]
            minutes = sum(g.remaining for g in members)
            if minutes <= 0:
                continue
            ids = tuple(g.grant_id for g in members)
            w1 = windows[first]
            r1 = rec.get((end, first))
            if r1 is None:
                status = _status(day, w1.start, w1.end, horizon)
                if status:
                    out.append(NoticeDue(ledger.worker_id, end, first, first_year, w1.start, w1.end, w1.article, minutes, status, ends_with_service, ids))
                continue
            if rec.get((end, second)) is None:
                w2 = windows[second]
                start = r1.notice_date + reply
                status = _status(day, start, w2.end, horizon)
                if status:
                    out.append(NoticeDue(ledger.worker_id, end, second, first_year, start, w2.end, w2.article, minutes, status, ends_with_service, ids))
    return out


def designate_days(ledger: WorkerLedger, due: NoticeDue, leave: list[LeaveDay], law: Law) -> list[tuple[dt.date, int]]:
    """Dates the employer designates in a second notice: the last scheduled working days of the use
    period (paid holidays and days already on leave skipped), counted back until the unused
    minutes are covered; the earliest may be a part day. Never before the notice window closes."""
    taken = {d.date for d in leave if d.worker_id == ledger.worker_id}
    service = next(s for s in ledger.services if s.runs_on(due.period_end))
    out: list[tuple[dt.date, int]] = []
    need = due.minutes
    day = due.period_end
    hol: dict[int, dict[dt.date, str]] = {}
    while need > 0 and day > due.end:
        c = next((c for c in service.contracts if c.covers(day)), None)
        if c is not None and day.isoweekday() in c.weekdays and day not in taken:
            holidays = hol.setdefault(day.year, paid_holidays(day.year, law))
            if day not in holidays:
                take = min(need, c.daily_minutes)
                out.append((day, take))
                need -= take
        day -= ONE_DAY
    return sorted(out)
