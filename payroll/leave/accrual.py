"""Where 연차 comes from: a worker's contracts joined into services (renewals within the gap
setting keep the service continuous) and the grants of each service (근로기준법 §60①②④, §18③,
시행령 §9 별표2 4호 나목), in integer minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from payroll.law import Law
from payroll.leave.amounts import grant_rules, granted_minutes, rule_on
from payroll.leave.articles import ART_ANNUAL, ART_MONTHLY, ART_SHORT_HOURS
from payroll.leave.attended import Attendance
from payroll.leave.timing import ONE_DAY, months_end, years_end
from payroll.leave.units import hours_text
from payroll.roster import Contract


@dataclass
class Gap:
    after: str  # contract id
    before: str
    days: int  # calendar days without a contract
    limit: int
    bridged: bool
    reason: str


@dataclass
class Service:
    start: dt.date
    end: dt.date | None  # None: open-ended
    contracts: list[Contract]
    gaps: list[Gap] = field(default_factory=list)
    # the first day the ledger evaluates (None: the service start); dt.date.max: wholly settled
    ledger_start: dt.date | None = None

    def contract_on_or_before(self, day: dt.date) -> Contract:
        chosen = self.contracts[0]
        for c in self.contracts:
            if c.start <= day:
                chosen = c
        return chosen

    def runs_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class Grant:
    grant_id: str
    worker_id: str
    date: dt.date
    expiry: dt.date  # last day of the use period
    days: int
    minutes: int
    first_year: bool
    article: str
    note: str
    contract_id: str
    remaining: int = 0


def services_of(contracts: list[Contract], law: Law) -> list[Service]:
    out: list[Service] = []
    first_setting = law.parameter("leave.continuity_max_gap_days").periods[0].start
    for c in sorted(contracts, key=lambda c: c.start):
        if out and out[-1].end is not None:
            prev = out[-1]
            # the setting in force on the last day before the gap (a gap older than every setting: the first one)
            day = max(prev.end, first_setting)
            on = law.on(day)
            limit = on["leave.continuity_max_gap_days"]
            gap_days = (c.start - prev.end).days - 1
            bridged = gap_days <= limit
            reason = on["leave.continuity_reason"]
            if day != prev.end:
                reason += f" (설정이 {first_setting.isoformat()}부터 있어 그날의 설정을 적용)"
            gap = Gap(prev.contracts[-1].contract_id, c.contract_id, gap_days, limit, bridged, reason)
            if bridged:
                prev.contracts.append(c)
                prev.end = c.end
                prev.gaps.append(gap)
                continue
            out.append(Service(c.start, c.end, [c], [gap]))
            continue
        out.append(Service(c.start, c.end, [c]))
    return out


def annual_days(completed_years: int, on) -> int:
    """§60①④: 15 days, plus 1 for every 2 years of service beyond the first, at most 25."""
    extra = max(0, (completed_years - on["annual_leave.seniority_first_years"]) // on["annual_leave.seniority_step_years"])
    return min(on["annual_leave.base_days"] + extra, on["annual_leave.max_days"])


def leave_year_start(start: dt.date, day: dt.date) -> dt.date:
    """The first day of the leave year (counted from the service start) that holds ``day``."""
    k = 0
    while years_end(start, k + 1) < day:
        k += 1
    return start if k == 0 else years_end(start, k) + ONE_DAY


def grants_for(worker_id: str, service: Service, att: Attendance, as_of: dt.date, law: Law, notes: list[str]) -> list[Grant]:
    grants: list[Grant] = []
    start = service.start
    begin = service.ledger_start or start  # grants before it are settled (or in the opening balance)
    first_year_end = years_end(start, 1)

    # Contract.weekly_minutes is recomputed on every access and the loops below ask for it per month;
    # keyed by the object, since a hand-built roster need not have unique contract ids
    weekly_by_contract = {id(c): c.weekly_minutes for c in service.contracts}

    def weekly_of(contract: Contract) -> int:
        return weekly_by_contract[id(contract)]

    def eligible(contract: Contract, day: dt.date) -> bool:
        limit = rule_on(law, day, "annual_leave.min_weekly_hours") * 60
        weekly = weekly_of(contract)
        if weekly < limit:
            note = f"계약 {contract.contract_id} 주 {hours_text(weekly)} < 15시간 — 이 계약 기간에는 연차 없음 ({ART_SHORT_HOURS})"
            if note not in notes:
                notes.append(note)
            return False
        return True

    def fully_attended(first: dt.date, last: dt.date) -> bool:
        """개근 of [first, last]; days before the ledger's start count as attended (not asked for)."""
        if last < begin:
            return True
        return att.scheduled_in(first, last) > 0 and att.absent_in(max(first, begin), last) == 0

    # first year: months 1 … 11. Part-time hours are rounded up on the running total of the year
    # from the service start, so eleven 3.6-hour days make 40 hours, not 44 — also when an opening
    # balance cuts the year (the months before it count in the total).
    if first_year_end >= begin:
        on0 = law.on(max(start, begin))
        cum_days = 0
        m_last = start - ONE_DAY
        for m in range(1, on0["annual_leave.first_year_max_days"] + 1):
            m_first = m_last + ONE_DAY  # the day after the previous month's end (months_end(start, m - 1))
            m_last = months_end(start, m)
            g_day = m_last + ONE_DAY
            if g_day > as_of or not service.runs_on(g_day):
                break
            # the month earns its day (§60② 1개월 개근) under the contract it was worked under, not the one
            # the grant day falls in: §18③ and a part-timer's hours are those of the month worked
            contract = service.contract_on_or_before(m_last)
            days = rule_on(law, g_day, "annual_leave.first_year_days_per_month")
            if g_day < begin:
                # before an opening balance (its minutes hold this month's grant): the month still
                # counts in the running total, so the grants after it round as the walked year does.
                # The month counts as attended (not asked for); §18③ as it stood then.
                if weekly_of(contract) >= rule_on(law, g_day, "annual_leave.min_weekly_hours") * 60:
                    cum_days += days
                continue
            if not fully_attended(m_first, m_last) or not eligible(contract, g_day):
                continue
            cum_days += days
            rules = grant_rules(law, g_day)
            weekly = weekly_of(contract)
            minutes = granted_minutes(cum_days, weekly, rules) - granted_minutes(cum_days - days, weekly, rules)
            grants.append(Grant(f"{worker_id}:{g_day.isoformat()}:M{m}", worker_id, g_day, first_year_end, days, minutes, True, ART_MONTHLY,
                                f"{m}개월차 개근 ({m_first.isoformat()}~{m_last.isoformat()})", contract.contract_id))
    # anniversaries (years of service counted from the real start, §60④)
    k = 1
    while True:
        y_first = start if k == 1 else years_end(start, k - 1) + ONE_DAY
        y_last = years_end(start, k)
        g_day = y_last + ONE_DAY
        if g_day > as_of or not service.runs_on(g_day):
            break
        if g_day < begin:
            k += 1
            continue
        contract = service.contract_on_or_before(g_day)
        on = law.on(g_day)
        expiry = years_end(g_day, on["annual_leave.use_period_years"])
        if eligible(contract, g_day):
            if y_last < begin:  # the whole year lies before the ledger's start: taken as settled
                days = annual_days(k, on)
                note = (f"{k}년차 ({y_first.isoformat()}~{y_last.isoformat()}): 원장 시작 전의 해 — 출근율을 묻지 않고 80% 이상으로 봄: "
                        f"{on['annual_leave.base_days']}일 + 가산 {days - on['annual_leave.base_days']}일")
                article = ART_ANNUAL
            else:
                sched = att.scheduled_in(y_first, y_last)
                present = sched - att.absent_in(max(y_first, begin), y_last)
                threshold = on["annual_leave.attendance_threshold"]
                since = f" (원장 시작 {begin.isoformat()} 전의 날은 출근으로 봄)" if begin > y_first else ""
                if sched and present * threshold.denominator >= threshold.numerator * sched:
                    days = annual_days(k, on)
                    note = f"{k}년차 출근율 {present}/{sched} ≥ 80%{since}: {on['annual_leave.base_days']}일 + 가산 {days - on['annual_leave.base_days']}일"
                    article = ART_ANNUAL
                else:
                    months = 0
                    b = y_first - ONE_DAY
                    for m in range(1, 13):
                        a = b + ONE_DAY  # the day after the previous month's end (months_end(y_first, m - 1))
                        b = months_end(y_first, m)
                        months += fully_attended(a, b)
                    days = months * on["annual_leave.first_year_days_per_month"]
                    note = f"{k}년차 출근율 {present}/{sched} < 80%{since}: 개근한 달 {months}개월 × 1일"
                    article = ART_MONTHLY
            if days:
                minutes = granted_minutes(days, weekly_of(contract), grant_rules(law, g_day))
                grants.append(Grant(f"{worker_id}:{g_day.isoformat()}:Y{k}", worker_id, g_day, expiry, days, minutes, False, article, note, contract.contract_id))
        k += 1
    return grants
