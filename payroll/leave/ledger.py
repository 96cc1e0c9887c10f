"""The 연차 ledger (근로기준법 §60, §61): per worker, across renewed contracts, in integer minutes.

Service. Contracts of one worker follow one another; a renewal keeps the service continuous, and
a gap of more than ``leave.continuity_max_gap_days`` calendar days without a contract ends it
(the setting and its reason are shown). Each service has its own first year.

Accrual (grants, each a dated entry with its article):
- first year, §60② "계속하여 근로한 기간이 1년 미만인 근로자 … 에게 1개월 개근 시 1일의 유급휴가를
  주어야 한다": month m (1 … 11) of the service fully attended → 1 day on the day after month m
  ends, if the service still runs that day. The 12th month ends on the anniversary, so a contract
  of exactly one year earns 11 days only (대법원 2021.10.14. 2021다227100).
- each anniversary k ≥ 1 the service reaches (it must still run that day), §60① "1년간 80퍼센트
  이상 출근한 근로자에게 15일": attendance of year k ≥ 80% → 15 days + 1 per 2 years beyond the
  first (§60④), at most 25; under 80% → 1 day per fully attended month of year k (§60②).
- §18③: no grant while the contract in force has under 15 scheduled hours a week.
- Days §60⑥ counts as attended come from the attendance summary (``counted_as_attended``).
- Part-timers (시행령 §9 별표2 4호 나목): a day of leave is (weekly scheduled hours ÷ 40) × 8 hours;
  a grant of n days is n × that, rounded up to a whole hour. Everything is kept in minutes; a
  full-time worker's day is 480 minutes.

Use: 연차/반차 rows of the leave file, taken from the grants open on that day (the earliest to
lapse first). A day beyond the balance is an exception, never a negative balance.

End of a grant (§60⑦: unused for a year → it lapses; the first-year days at the end of the first
year): with a recorded 사용촉진 (§61) in its windows it lapses unpaid; without, the unused minutes
are paid (연차수당) in the month after the use period ends. When the service ends (the last
contract ends with no renewal within the gap), every unused minute is paid with the last pay
(§36 금품청산), notices or not.

Where the ledger starts (payroll systems migrate; the ledger needs no history before the rules):
- the rules' coverage (``coverage_start``) is the first day every figure the ledger reads has a
  value in rules/ (2018-05-29, the first-year regime of 법률 제15108호). A service that began
  before it is walked from its first anniversary on or after that day, its years of service still
  counted from its real start (§60④); what came before is taken as settled, and the ledger says so.
- an opening balance (``leave_opening.csv``: the unused minutes at the end of ``as_of``) starts the
  worker's ledger the day after ``as_of``: one grant of those minutes that runs to the end of the
  leave year it falls in (the first year's end in the first year); grants, uses and services
  before it are in the figure. A part-timer's first-year months before it still count in the
  year's running total of days, so the hours granted after it round as the walked year does.
- attendance before the ledger's start is not asked for: those days count as attended, and a
  grant whose year lies wholly before the start is given in full.

Invariant, checked after every entry: accrued − used − paid out − lapsed = remaining ≥ 0
(an opening balance is an accrual entry).

This module walks the ledger; services and grants are in ``accrual``, the days attended in
``attended``, minutes and won in ``amounts``, the articles cited in ``articles``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.leave.accrual import Grant, Service, grants_for, leave_year_start, services_of
from payroll.leave.amounts import leave_day_minutes, month_of, next_month_of, payout
from payroll.leave.articles import ART_ATTENDED, ART_LAPSE, ART_LAPSE_PAY, ART_LEAVING, ART_OPENING, ART_USE, cited
from payroll.leave.attended import FALLBACK_NOTE, SummaryDays, attendance_of, summary_days
from payroll.leave.inputs import ANNUAL_KINDS, LeaveDay, Notice, Opening
from payroll.leave.timing import STAGE_LABELS, ONE_DAY, promotion_windows, years_end
from payroll.leave.units import hours_text
from payroll.roster import Contract

#: every figure a grant, a use period or a payout reads; the ledger covers the dates all of them cover
COVERAGE_PARAMETERS = (
    "annual_leave.first_year_days_per_month", "annual_leave.first_year_max_days", "annual_leave.base_days",
    "annual_leave.attendance_threshold", "annual_leave.seniority_first_years", "annual_leave.seniority_step_years",
    "annual_leave.max_days", "annual_leave.min_weekly_hours", "annual_leave.full_time_weekly_hours",
    "annual_leave.part_time_day_hours", "annual_leave.part_time_round_up_minutes", "annual_leave.use_period_years",
    "leave.continuity_max_gap_days", "leave.ordinary_wage_basis",
)


_COVERAGE_START: dict[str, dt.date] = {}


def coverage_start(law: Law) -> dt.date:
    """The first day on which every parameter of COVERAGE_PARAMETERS has a value (the rules' periods
    are contiguous, tests/test_rules_data.py). Kept per rules content: every worker's ledger asks."""
    start = _COVERAGE_START.get(law.content_hash)
    if start is None:
        start = _COVERAGE_START[law.content_hash] = max(law.parameter(name).periods[0].start for name in COVERAGE_PARAMETERS)
    return start



@dataclass
class Entry:
    worker_id: str
    date: dt.date
    kind: str  # accrual | use | payout | lapse
    minutes: int  # ≥ 0; the kind gives the sign
    balance: int  # remaining after this entry
    grant_id: str
    article: str
    note: str = ""
    reason: str = ""  # payout: leaving | lapse
    amount: int | None = None
    pay_month: str | None = None
    method: str = ""


@dataclass
class LeaveException:
    worker_id: str
    date: dt.date
    minutes: int
    kind: str
    note: str
    source: str = ""


@dataclass
class WorkerLedger:
    worker_id: str
    as_of: dt.date
    services: list[Service]
    grants: list[Grant]
    entries: list[Entry]
    exceptions: list[LeaveException]
    attendance_note: str
    notes: list[str] = field(default_factory=list)

    def totals(self, upto: dt.date | None = None) -> dict[str, int]:
        out = {"accrued": 0, "used": 0, "paid_out": 0, "lapsed": 0}
        key = {"accrual": "accrued", "use": "used", "payout": "paid_out", "lapse": "lapsed"}
        for e in self.entries:
            if upto is None or e.date <= upto:
                out[key[e.kind]] += e.minutes
        out["remaining"] = out["accrued"] - out["used"] - out["paid_out"] - out["lapsed"]
        return out


# --- the ledger -----------------------------------------------------------------------------------


def _by_day_length(grants: list[Grant], contract_of: dict[str, Contract], law: Law) -> dict[int, int]:
    """The grants' remaining minutes by the length of a day of the contract each was granted under."""
    out: dict[int, int] = {}
    for g in grants:
        contract = contract_of.get(g.contract_id)
        if contract is None:  # an opening balance: no contract of its own
            return {}
        length = leave_day_minutes(contract, law, g.date)
        out[length] = out.get(length, 0) + g.remaining
    return out


def _procedure_ok(grant: Grant, notices: dict[str, Notice], law: Law) -> tuple[bool, str]:
    """Was the §61 procedure recorded in time for this grant's use period?"""
    on = law.on(grant.date)
    try:
        windows = promotion_windows(grant.expiry, grant.first_year, on)
        reply = on["annual_leave.promotion_reply_days"]
    except law_module.RuleError as exc:  # e.g. first-year days granted before §61② (2020-03-31)
        return False, f"사용촉진 규정 없음 ({exc})"
    first, second = "first", "second"
    if grant.first_year and "first" in notices and grant.date > notices["first"].notice_date:
        first, second = "first_late", "second_late"
    n1, n2 = notices.get(first), notices.get(second)
    if n1 is None:
        return False, f"{STAGE_LABELS[first]} 기록 없음"
    if not windows[first].contains(n1.notice_date):
        w = windows[first]
        return False, f"{STAGE_LABELS[first]} {n1.notice_date.isoformat()}: 기한 밖 ({w.start}~{w.end}, {w.article})"
    if n2 is None:
        return False, f"{STAGE_LABELS[second]} 기록 없음"
    if n2.notice_date < n1.notice_date + dt.timedelta(days=reply) or not windows[second].contains(n2.notice_date):
        return False, f"{STAGE_LABELS[second]} {n2.notice_date.isoformat()}: 기한 밖 ({n1.notice_date + dt.timedelta(days=reply)}~{windows[second].end}, {windows[second].article})"
    return True, f"사용촉진 {n1.notice_date.isoformat()}, {n2.notice_date.isoformat()} ({windows[second].article})"


def _check_opening(opening: Opening, services: list[Service], law: Law) -> None:
    where = f"{opening.source}: {opening.line}행: as_of"
    if not any(s.runs_on(opening.as_of) for s in services):
        raise InputError(f"{where}: {opening.as_of.isoformat()}은(는) 근로자 {opening.worker_id}의 어느 근속(계약) 기간에도 들지 않습니다")
    cover = coverage_start(law)
    if opening.as_of + ONE_DAY < cover:
        raise InputError(f"{where}: {opening.as_of.isoformat()}은(는) 규칙이 다루는 기간 전입니다 ({cover.isoformat()}부터, "
                         f"rules/statute/annual_leave.toml): {(cover - ONE_DAY).isoformat()} 이후의 잔여를 주세요")


def _place_ledger_start(worker_id: str, services: list[Service], opening: Opening | None, law: Law, notes: list[str]) -> Grant | None:
    """Set each service's ``ledger_start``; the opening balance as a grant (None without one)."""
    cover = coverage_start(law)
    grant = None
    for s in services:
        if opening is not None and s.start <= opening.as_of:
            if not s.runs_on(opening.as_of):  # ended before the opening date: in the opening balance
                s.ledger_start = dt.date.max
                notes.append(f"근속 {s.start.isoformat()}~{s.end.isoformat() if s.end else ''}: 이월 잔여 기준일({opening.as_of.isoformat()}) 전에 끝남 — 정산된 것으로 봄")
                continue
            s.ledger_start = opening.as_of + ONE_DAY
            year_start = leave_year_start(s.start, opening.as_of)
            first_year = year_start == s.start
            expiry = years_end(s.start, 1) if first_year else years_end(year_start, law.on(max(year_start, cover))["annual_leave.use_period_years"])
            shown = f": {opening.note}" if opening.note else ""
            grant = Grant(f"{worker_id}:{opening.as_of.isoformat()}:OPEN", worker_id, opening.as_of, expiry, 0, opening.minutes, first_year, ART_OPENING,
                          f"이월 잔여 {hours_text(opening.minutes)} ({opening.source} {opening.line}행{shown}); 사용기간 {expiry.isoformat()}까지",
                          s.contract_on_or_before(opening.as_of).contract_id)
            notes.append(f"원장 시작 {s.ledger_start.isoformat()}: {opening.as_of.isoformat()}까지의 발생·사용·소멸은 이월 잔여 {hours_text(opening.minutes)}에 "
                         f"포함된 것으로 봄 ({opening.source} {opening.line}행). 근속연수는 {s.start.isoformat()}부터 셈")
        elif s.start < cover:
            k = 1
            while years_end(s.start, k) + ONE_DAY < cover:
                k += 1
            s.ledger_start = years_end(s.start, k) + ONE_DAY
            if s.end is not None and s.end < s.ledger_start:
                s.ledger_start = dt.date.max
                notes.append(f"근속 {s.start.isoformat()}~{s.end.isoformat()}: 규정 적용 시작 {cover.isoformat()} 뒤의 발생일 전에 끝남 — 정산된 것으로 봄")
                continue
            notes.append(f"원장 시작 {s.ledger_start.isoformat()} (근속 {s.start.isoformat()} 시작, {k}년차 발생일): 규정 적용 시작 {cover.isoformat()} "
                         f"(rules/statute/annual_leave.toml) 전의 연차는 정산된 것으로 봄 — 이월 잔여는 leave_opening.csv로. 근속연수는 {s.start.isoformat()}부터 셈")
    return grant


def build_worker_ledger(
    worker_id: str,
    contracts: list[Contract],
    leave: list[LeaveDay],
    as_of: dt.date,
    law: Law,
    attendance: pl.DataFrame | SummaryDays | None = None,
    notices: list[Notice] = (),
    coverage: tuple[dt.date, dt.date] | None = None,
    opening: Opening | None = None,
    job: str | None = None,
) -> WorkerLedger:
    """The ledger of one worker up to and including ``as_of``.

    ``attendance``: this worker's rows of the attendance summary (a frame, or its days as
    :func:`summary_days` gives them), which covers the dates ``coverage`` (first, last) for every
    worker; outside it (or with no summary) the fallback applies.
    ``opening``: the worker's opening balance (leave_opening.csv), if any.
    ``job``: the roster's job of the worker (a 월급 worker's fixed allowances in the 통상임금).
    """
    contracts = sorted(contracts, key=lambda c: c.start)
    notes: list[str] = []
    if opening is not None:
        _check_opening(opening, services_of(contracts, law), law)
    # contracts after ``as_of`` matter only to tell whether a service ending by then continues
    known = [c for c in contracts if c.start <= as_of]
    later = [c for c in contracts if c.start > as_of]
    if later and (not known or (known[-1].end is not None and known[-1].end <= as_of)):
        known.append(later[0])
    contracts = known or contracts[:1]
    services = services_of(contracts, law)
    contract_of = {c.contract_id: c for c in contracts}  # the contract each grant was made under (its day's length)
    opening_grant = _place_ledger_start(worker_id, services, opening, law, notes)
    if opening_grant is not None and opening_grant.date > as_of:
        opening_grant = None
    if isinstance(attendance, pl.DataFrame):
        if coverage is None and attendance.height:
            coverage = (attendance.get_column("date").min(), attendance.get_column("date").max())
        # every row is this worker's, whatever its worker_id says (as the frame was always read)
        attendance = summary_days(attendance.with_columns(pl.lit(worker_id, pl.Utf8).alias("worker_id")), as_of).get(worker_id, SummaryDays([], []))
    walked = [s for s in services if s.ledger_start != dt.date.max]
    since = min((leave_year_start(s.start, s.ledger_start) if s.ledger_start else s.start for s in walked), default=as_of)
    att = attendance_of(contracts, leave, as_of, law, attendance, coverage, since=min(since, as_of))
    if attendance is None or coverage is None:
        att_note = FALLBACK_NOTE
    else:
        att_note = f"출근: attendance summary {coverage[0].isoformat()}~{coverage[1].isoformat()} (scheduled / attended / counted_as_attended, {cited(ART_ATTENDED, law, as_of)})"
        if contracts[0].start < coverage[0] or coverage[1] < as_of:
            att_note += "; outside it: " + FALLBACK_NOTE
    grants: list[Grant] = [opening_grant] if opening_grant is not None else []
    for s in walked:
        grants += grants_for(worker_id, s, att, as_of, law, notes)
    by_period: dict[dt.date, dict[str, Notice]] = {}
    for n in notices:
        by_period.setdefault(n.period_end, {})[n.stage] = n

    # events, in date order; on one date: accruals, then uses, then leaving / lapses
    uses = []
    settled_uses: list[LeaveDay] = []
    for d in leave:
        if d.kind not in ANNUAL_KINDS or d.date > as_of:
            continue
        home = next((s for s in services if s.runs_on(d.date)), None)
        if home is not None and home.ledger_start is not None and d.date < home.ledger_start:
            settled_uses.append(d)
        else:
            uses.append(d)
    if settled_uses:
        rows = ", ".join(f"{d.line}행" for d in settled_uses[:5]) + (" …" if len(settled_uses) > 5 else "")
        notes.append(f"원장 시작 전의 연차 사용 {len(settled_uses)}건 ({settled_uses[0].date.isoformat()}~{settled_uses[-1].date.isoformat()}; "
                     f"{settled_uses[0].source} {rows}): 정산된 것(또는 이월 잔여에 포함된 것)으로 보아 원장에 넣지 않음")
    dates = sorted({g.date for g in grants} | {u.date for u in uses} | {g.expiry for g in grants if g.expiry <= as_of}
                   | {s.end for s in services if s.end is not None and s.end <= as_of})
    grants_on: dict[dt.date, list[Grant]] = {}
    for g in grants:
        grants_on.setdefault(g.date, []).append(g)
    uses_on: dict[dt.date, list[LeaveDay]] = {}
    for u in uses:
        uses_on.setdefault(u.date, []).append(u)
    open_grants: list[Grant] = []
    entries: list[Entry] = []
    exceptions: list[LeaveException] = []
    balance = 0
    for day in dates:
        for g in grants_on.get(day, ()):
            g.remaining = g.minutes
            open_grants.append(g)
            balance += g.minutes
            entries.append(Entry(worker_id, day, "accrual", g.minutes, balance, g.grant_id, g.article, g.note))
        for u in uses_on.get(day, ()):
            need = u.minutes
            for g in sorted((g for g in open_grants if g.remaining > 0 and g.date <= day <= g.expiry), key=lambda g: (g.expiry, g.date)):
                take = min(need, g.remaining)
                g.remaining -= take
                need -= take
                balance -= take
                entries.append(Entry(worker_id, day, "use", take, balance, g.grant_id, cited(ART_USE, law, day), f"{u.kind} ({u.source} {u.line}행)"))
                if need == 0:
                    break
            if need:
                exceptions.append(LeaveException(worker_id, day, need, "over_balance",
                                                 f"{u.kind} {hours_text(need)}: 남은 연차를 넘는 사용 — 원장에 반영하지 않음 (무급 처리 여부 확인)", f"{u.source} {u.line}행"))
        ending = next((s for s in services if s.end == day), None)
        closing = sorted((g for g in open_grants if g.remaining > 0 and (g.expiry == day or ending is not None)), key=lambda g: g.date)
        if ending is not None and closing:
            # the service ends: every unused minute is paid with the last pay (one entry, one amount)
            minutes = sum(g.remaining for g in closing)
            lengths = _by_day_length(closing, contract_of, law)
            for g in closing:
                g.remaining = 0
            balance -= minutes
            contract = ending.contract_on_or_before(day)
            amount, method = payout(minutes, contract, law, day, job, lengths)
            entries.append(Entry(worker_id, day, "payout", minutes, balance, ",".join(g.grant_id for g in closing), ART_LEAVING,
                                 "퇴직: 미사용 연차 전부 마지막 임금과 함께 지급", "leaving", amount, month_of(day), method))
        elif closing:
            spared: list[Grant] = []
            unpaid: list[Grant] = []
            whys: dict[bool, list[str]] = {True: [], False: []}
            for g in closing:
                ok, why = _procedure_ok(g, by_period.get(g.expiry, {}), law)
                (spared if ok else unpaid).append(g)
                if why not in whys[ok]:
                    whys[ok].append(why)
            if spared:
                minutes = sum(g.remaining for g in spared)
                for g in spared:
                    g.remaining = 0
                balance -= minutes
                entries.append(Entry(worker_id, day, "lapse", minutes, balance, ",".join(g.grant_id for g in spared), cited(ART_LAPSE, law, day),
                                     f"사용기간 종료, 사용촉진 이행 — 보상 없이 소멸 ({'; '.join(whys[True])})"))
            if unpaid:
                minutes = sum(g.remaining for g in unpaid)
                lengths = _by_day_length(unpaid, contract_of, law)
                for g in unpaid:
                    g.remaining = 0
                balance -= minutes
                service = next(s for s in services if s.runs_on(day))
                contract = service.contract_on_or_before(day)
                amount, method = payout(minutes, contract, law, day, job, lengths)
                entries.append(Entry(worker_id, day, "payout", minutes, balance, ",".join(g.grant_id for g in unpaid), cited(ART_LAPSE_PAY, law, day),
                                     f"사용기간 종료, {'; '.join(whys[False])} — 다음 달 지급", "lapse", amount, next_month_of(day), method))
        open_grants = [g for g in open_grants if g.remaining > 0 and g.expiry > day]
        if balance < 0 or balance != sum(g.remaining for g in open_grants):  # the invariant, checked as we go
            raise AssertionError(f"ledger of {worker_id} broke its invariant on {day}")
    return WorkerLedger(worker_id, as_of, services, grants, entries, exceptions, att_note, notes)
