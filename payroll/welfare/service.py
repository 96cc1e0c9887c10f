"""The welfare programmes over the store: record events, replay decisions, give the run its items.

Public entry points (the CLI and the console call these; the monthly run calls
:func:`welfare_pay_items`):

- :func:`enrol` — record a group-insurance enrolment after checking it against the plan rules;
- :func:`apply` / :func:`cancel` — record a fertility application / cancellation and return the
  replayed decisions;
- :func:`ledger` — the fertility decisions (pure replay of the recorded events);
- :func:`welfare_pay_items` — the month's welfare pay items for the run, optionally marking them
  paid; :func:`compute_pay_items` is the same without a database.
- :func:`insurance_report` / :func:`fertility_report` — the reports, as plain dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

import polars as pl
from sqlmodel import Session, select

from payroll import law as law_module
from payroll.case import InputError
from payroll.law import Law
from payroll.money import won
from payroll.store.db import now as db_now
from payroll.welfare import fertility as fx
from payroll.welfare import group_insurance as gi
from payroll.welfare.models import FertilityApplication, FertilityCancellation, InsuranceEnrolment, WelfarePayment

ITEM_SCHEMA = {"worker_id": pl.Utf8, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
FERTILITY_CODES = tuple(fx.PAY_CODES.values())


def _now() -> dt.datetime:
    return db_now().replace(microsecond=0)


# --- group insurance -------------------------------------------------------------------------


def enrolments(session: Session) -> list[gi.Enrolment]:
    rows = session.exec(select(InsuranceEnrolment).order_by(InsuranceEnrolment.enrolment_id)).all()
    return [gi.Enrolment(r.enrolment_id, r.worker_id, r.plan, r.start, r.end) for r in rows]


def enrol(session: Session, law: Law, roster, worker_id: str, plan: str, start: dt.date, end: dt.date | None = None, enrolment_id: str | None = None) -> tuple[gi.Enrolment, gi.Plan]:
    existing = enrolments(session)
    enrolment_id = enrolment_id or f"GI-{len(existing) + 1:05d}"
    if any(e.enrolment_id == enrolment_id for e in existing):
        raise InputError(f"가입 번호 {enrolment_id!r}: 이미 기록되어 있습니다")
    e = gi.Enrolment(enrolment_id, worker_id, plan, start, end)
    p = gi.check_enrolment(law, roster, e, existing)
    session.add(InsuranceEnrolment(enrolment_id=e.enrolment_id, worker_id=worker_id, plan=plan, start=start, end=end, created_at=_now()))
    session.flush()
    return e, p


def insurance_report(law: Law, roster, enrols: list[gi.Enrolment], year: int, payments: list[dict] | None = None) -> dict:
    """Enrolled workers by plan and department, the year's premium cost, taxable excess by worker."""
    prem = gi.premiums(law, roster, enrols, year)
    limit = int(law.on(dt.date(year, 12, 31))[gi.LIMIT_PARAM])
    recorded = _recorded_taxable(payments or [], year)
    tx = gi.taxable_excess(prem, limit, recorded)
    depts = pl.DataFrame(
        [(w.worker_id, w.department) for w in roster.workers.values()], schema={"worker_id": pl.Utf8, "department": pl.Utf8}, orient="row"
    )
    covered = prem.select("worker_id", "plan", "plan_label").unique().join(depts, on="worker_id", how="left")
    by_plan_dept = covered.group_by("plan", "plan_label", "department").agg(pl.len().alias("workers")).sort("plan", "department")
    cost = prem.group_by("plan", "plan_label").agg(pl.col("premium").sum().alias("premium"), pl.col("worker_id").n_unique().alias("workers")).sort("plan")
    # a month's excess is "paid in a run" once a run recorded it (welfare_payments); the rest of the
    # year is what the dated plans bill for the months to come
    paid_months = recorded.select("worker_id", "month", pl.lit(True).alias("paid_in_run"))
    tx = tx.join(paid_months, on=["worker_id", "month"], how="left").with_columns(pl.col("paid_in_run").fill_null(False))
    per_worker = (
        tx.group_by("worker_id").agg(
            pl.col("premium").sum().alias("premium"),
            pl.col("taxable").sum().alias("taxable"),
            pl.col("taxable").filter(pl.col("paid_in_run")).sum().alias("taxed_in_runs"),
        )
        .filter(pl.col("taxable") > 0).join(depts, on="worker_id", how="left").sort("worker_id")
    )
    months = tx.filter(pl.col("taxable") > 0).sort("worker_id", "month")
    covers = gi.covers_frame(gi.enrolment_frame(enrols), roster).filter(pl.col("cover_note").is_not_null()).sort("enrolment_id") if enrols else pl.DataFrame()
    return {
        "year": year,
        "non_taxable_limit": limit,
        "enrolled_by_plan_and_department": by_plan_dept.to_dicts(),
        "premium_cost": cost.to_dicts(),
        "premium_cost_total": int(prem.get_column("premium").sum() or 0),
        "taxable_excess_by_worker": per_worker.to_dicts(),
        "taxable_excess_by_month": [{**r, "method": gi.method_text(r)} for r in months.to_dicts()],
        "cover_notes": [{"enrolment_id": r["enrolment_id"], "worker_id": r["worker_id"], "plan": r["plan"], "note": r["cover_note"]} for r in covers.to_dicts()] if covers.height else [],
    }


def _recorded_taxable(payments: list[dict], year: int) -> pl.DataFrame:
    rows = [(p["worker_id"], p["month"], int(p["amount"])) for p in payments if p["code"] == gi.TAXABLE_CODE and p["month"].startswith(f"{year}-")]
    frame = pl.DataFrame(rows, schema={"worker_id": pl.Utf8, "month": pl.Utf8, "amount": pl.Int64}, orient="row")
    return frame.group_by("worker_id", "month").agg(pl.col("amount").sum())


# --- fertility -------------------------------------------------------------------------------


def applications(session: Session) -> list[fx.Application]:
    rows = session.exec(select(FertilityApplication).order_by(FertilityApplication.seq)).all()
    return [fx.Application(r.application_id, r.worker_id, r.treatment_date, int(r.cost), r.evidence, r.submitted_at) for r in rows]


def welfare_worker_ids(session: Session) -> frozenset[str]:
    """The workers a welfare record names: the only ones the month's welfare items look up in a roster
    (:func:`compute_pay_items`), so a roster of them alone gives the same items."""
    enrolled = session.exec(select(InsuranceEnrolment.worker_id)).all()
    applied = session.exec(select(FertilityApplication.worker_id)).all()
    return frozenset(enrolled) | frozenset(applied)


def cancellations(session: Session) -> list[fx.Cancellation]:
    rows = session.exec(select(FertilityCancellation).order_by(FertilityCancellation.id)).all()
    return [fx.Cancellation(r.application_id, r.cancelled_at, r.reason) for r in rows]


def payments(session: Session) -> list[dict]:
    rows = session.exec(select(WelfarePayment).order_by(WelfarePayment.id)).all()
    return [{"worker_id": r.worker_id, "code": r.code, "source": r.source, "month": r.month, "pay_date": r.pay_date, "amount": int(r.amount), "method": r.method} for r in rows]


def replay(law: Law, roster, apps: list[fx.Application], cancels: list[fx.Cancellation], as_of: dt.datetime | None = None) -> fx.Ledger:
    if as_of is not None:
        apps = [a for a in apps if a.submitted_at <= as_of]
        cancels = [c for c in cancels if c.cancelled_at <= as_of]
    return fx.decide(apps, cancels, fx.law_programme(law), fx.roster_eligibility(roster))


def ledger(session: Session, law: Law, roster, as_of: dt.datetime | None = None) -> fx.Ledger:
    return replay(law, roster, applications(session), cancellations(session), as_of)


def _last_event(apps: list[fx.Application], cancels: list[fx.Cancellation]) -> dt.datetime | None:
    times = [a.submitted_at for a in apps] + [c.cancelled_at for c in cancels]
    return max(times) if times else None


def validate_application(law: Law, roster, a: fx.Application, apps: list[fx.Application], cancels: list[fx.Cancellation], where: str = "") -> None:
    """The checks that refuse an application outright (exit 2); budget never refuses — it waitlists."""
    pre = f"{where}: " if where else ""
    if a.worker_id not in roster.workers:
        raise InputError(f"{pre}worker_id: {a.worker_id!r}은(는) 명부(roster)에 없습니다")
    if a.cost < 0:
        raise InputError(f"{pre}cost: 0 이상이어야 합니다 (받은 값 {a.cost})")
    if not a.evidence.strip():
        raise InputError(f"{pre}evidence: 시술비 증빙의 참조(영수증 번호 등)가 필요합니다")
    if roster.contract_on(a.worker_id, a.treatment_date) is None:
        raise InputError(f"{pre}treatment_date: {a.treatment_date}은(는) 근로자 {a.worker_id}의 재직 기간 밖입니다 (그날을 포함하는 계약 없음)")
    if any(x.application_id == a.application_id for x in apps):
        raise InputError(f"{pre}application_id: {a.application_id!r}은(는) 이미 기록되어 있습니다")
    cancelled = {c.application_id for c in cancels}
    for x in apps:
        if x.worker_id == a.worker_id and x.treatment_date == a.treatment_date and x.application_id not in cancelled:
            raise InputError(f"{pre}중복 신청: 근로자 {a.worker_id}은(는) 이미 {a.treatment_date} 시술을 신청했습니다 ({x.application_id})")
    last = _last_event(apps, cancels)
    if last is not None and a.submitted_at < last:
        raise InputError(f"{pre}submitted_at: {a.submitted_at.isoformat()}이(가) 마지막 기록({last.isoformat()})보다 앞섭니다; 이미 내린 결정은 바뀌지 않습니다")
    fx.programme_on(law, a.treatment_date)  # RuleError (exit 2) when no programme is in force


def apply(session: Session, law: Law, roster, worker_id: str, treatment_date: dt.date, cost: int, evidence: str, submitted_at: dt.datetime, application_id: str | None = None, where: str = "") -> fx.Decision:
    apps, cancels = applications(session), cancellations(session)
    seq = len(apps) + 1
    application_id = application_id or f"F{treatment_date.year}-{seq:04d}"
    a = fx.Application(application_id, worker_id, treatment_date, cost, evidence, submitted_at)
    validate_application(law, roster, a, apps, cancels, where)
    session.add(FertilityApplication(application_id=a.application_id, worker_id=worker_id, treatment_date=treatment_date, cost=cost, evidence=evidence, submitted_at=submitted_at, seq=seq, created_at=_now()))
    session.flush()
    return replay(law, roster, apps + [a], cancels).decisions[a.application_id]


@dataclass(frozen=True)
class CancelResult:
    cancelled: fx.Decision
    promoted: tuple[fx.Decision, ...]


def cancel(session: Session, law: Law, roster, application_id: str, cancelled_at: dt.datetime, reason: str = "") -> CancelResult:
    apps, cancels = applications(session), cancellations(session)
    before = replay(law, roster, apps, cancels)
    d = before.decisions.get(application_id)
    if d is None:
        raise InputError(f"신청 {application_id!r}: 기록되어 있지 않습니다")
    if d.status in (fx.CANCELLED, fx.REJECTED):
        raise InputError(f"신청 {application_id}: 이미 {fx.STATUS_LABELS[d.status]} 상태입니다; 취소할 것이 없습니다")
    paid = [p for p in payments(session) if p["source"] == f"fertility:{application_id}"]
    if paid:
        raise InputError(f"신청 {application_id}: {paid[0]['month']} 실행에서 이미 지급했습니다; 지급된 지원은 취소가 아니라 정정 실행으로 바로잡습니다")
    last = _last_event(apps, cancels)
    if last is not None and cancelled_at < last:
        raise InputError(f"cancelled_at: {cancelled_at.isoformat()}이(가) 마지막 기록({last.isoformat()})보다 앞섭니다; 이미 내린 결정은 바뀌지 않습니다")
    c = fx.Cancellation(application_id, cancelled_at, reason)
    session.add(FertilityCancellation(application_id=application_id, cancelled_at=cancelled_at, reason=reason, created_at=_now()))
    session.flush()
    after = replay(law, roster, apps, cancels + [c])
    promoted = tuple(
        after.decisions[k] for k, v in before.decisions.items() if v.status == fx.WAITLISTED and after.decisions[k].status == fx.APPROVED
    )
    return CancelResult(after.decisions[application_id], promoted)


def decision_row(d: fx.Decision) -> dict:
    a = d.application
    return {
        "application_id": a.application_id,
        "worker_id": a.worker_id,
        "treatment_date": a.treatment_date.isoformat(),
        "cost": a.cost,
        "evidence": a.evidence,
        "submitted_at": a.submitted_at.isoformat(),
        "age": d.age,
        "status": d.status,
        "amount": d.amount,
        "reason": d.reason,
        "decided_at": d.decided_at.isoformat(),
    }


def fertility_report(law: Law, led: fx.Ledger, year: int, paid: list[dict] | None = None) -> dict:
    """Budget, used, remaining; approvals (with the month whose run paid each, or None while due),
    the waitlist in submission order, rejections and cancellations of programme year ``year``."""
    budget = led.budget.get(year) or fx.programme_on(law, dt.date(year, 1, 1)).budget
    used = led.used.get(year, 0)
    rows = [d for d in led.decisions.values() if d.year == year]
    paid_month = {p["source"]: p["month"] for p in paid or [] if p["code"] in FERTILITY_CODES}
    approved = [{**decision_row(d), "paid_month": paid_month.get(f"fertility:{d.application_id}")} for d in rows if d.status == fx.APPROVED]
    return {
        "year": year,
        "budget": budget,
        "used": used,
        "remaining": budget - used,
        "paid": sum(r["amount"] for r in approved if r["paid_month"]),
        "approved": approved,
        "waitlist": [decision_row(d) for d in rows if d.status == fx.WAITLISTED],
        "rejected": [decision_row(d) for d in rows if d.status == fx.REJECTED],
        "cancelled": [decision_row(d) for d in rows if d.status == fx.CANCELLED],
    }


# --- the month's pay items -------------------------------------------------------------------


def compute_pay_items(
    month: str,
    pay_date: dt.date,
    roster,
    law: Law,
    enrols: list[gi.Enrolment],
    apps: list[fx.Application],
    cancels: list[fx.Cancellation],
    paid: list[dict],
) -> tuple[pl.DataFrame, list[dict]]:
    """The welfare pay items of ``month`` and the payment records they make (pure; no database).

    Group insurance: the month's taxable excess per worker (``group_insurance_taxable``); a month
    already recorded keeps its recorded amounts. Fertility: every application approved by the end of
    the pay date and not paid in another month (``fertility_support``, or the code the rules name).
    Returns (items frame with ITEM_SCHEMA, records: the rows to store when marking them paid).
    """
    law_module.month_start(month)  # validates the shape
    year = int(month[:4])
    records: list[dict] = []
    recorded_sources = {(p["code"], p["source"]): p for p in paid}

    # group insurance
    prem = gi.premiums(law, roster, enrols, year)
    limit = int(law.on(pay_date)[gi.LIMIT_PARAM])
    tx = gi.taxable_excess(prem, limit, _recorded_taxable(paid, year))
    for r in tx.filter((pl.col("month") == month) & (pl.col("taxable") > 0)).to_dicts():
        source = f"group_insurance:{r['worker_id']}:{month}"
        if (gi.TAXABLE_CODE, source) in recorded_sources:
            continue
        records.append({"worker_id": r["worker_id"], "code": gi.TAXABLE_CODE, "source": source, "amount": int(r["taxable"]), "method": gi.method_text(r)})
    records += [
        {k: p[k] for k in ("worker_id", "code", "source", "amount", "method")}
        for p in paid
        if p["code"] == gi.TAXABLE_CODE and p["month"] == month
    ]

    # fertility
    cutoff = dt.datetime.combine(pay_date, dt.time.max)
    led = replay(law, roster, apps, cancels, as_of=cutoff)
    for d in led.of_status(fx.APPROVED):
        source = f"fertility:{d.application_id}"
        code = fx.programme_on(law, d.application.treatment_date).pay_code
        prior = recorded_sources.get((code, source))
        if prior is not None and prior["month"] != month:
            continue  # paid in another month's run
        if prior is not None:
            records.append({k: prior[k] for k in ("worker_id", "code", "source", "amount", "method")})
            continue
        a = d.application
        method = f"난임 시술비 지원 {a.application_id}: 시술일 {a.treatment_date}, {d.reason}; 승인 {d.decided_at.isoformat()}; 증빙 {a.evidence}"
        records.append({"worker_id": a.worker_id, "code": code, "source": source, "amount": d.amount, "method": method})

    records.sort(key=lambda r: (r["worker_id"], r["code"], r["source"]))
    frame = pl.DataFrame(
        {
            "worker_id": [r["worker_id"] for r in records],
            "code": [r["code"] for r in records],
            "amount": [r["amount"] for r in records],
            "method": [r["method"] for r in records],
            "minutes": [None] * len(records),
        },
        schema=ITEM_SCHEMA,
    )
    new = [r for r in records if (r["code"], r["source"]) not in recorded_sources]
    return frame, new


def welfare_pay_items(
    month: str,
    pay_date: dt.date,
    session: Session,
    roster,
    *,
    law: Law | None = None,
    mark_paid: bool = False,
    workers: Iterable[str] | None = None,
    warnings: list[str] | None = None,
) -> pl.DataFrame:
    """The month's welfare pay items for the run (columns worker_id, code, amount, method, minutes).

    ``workers``: the worker_ids that have a worker-month in this run. When given, items of other
    workers (a leaver whose support was approved after the last pay) are left out, not marked, and
    stay due for a later run; a line saying so is appended to ``warnings``.
    With ``mark_paid`` the returned items are recorded as paid in ``month`` in this session (commit it
    with the run): a later month will not pay them again, and this month returns the same items.
    """
    law = law or law_module.current()
    frame, new = compute_pay_items(month, pay_date, roster, law, enrolments(session), applications(session), cancellations(session), payments(session))
    if workers is not None:
        keep = set(workers)
        for r in frame.filter(~pl.col("worker_id").is_in(list(keep))).to_dicts():
            if warnings is not None:
                warnings.append(f"{r['code']} {r['amount']:,}원 of worker {r['worker_id']} is not paid in {month}: the worker has no pay this month; it stays due for the next run")
        frame = frame.filter(pl.col("worker_id").is_in(list(keep)))
        new = [r for r in new if r["worker_id"] in keep]
    if mark_paid and new:
        at = _now()
        for r in new:
            session.add(WelfarePayment(worker_id=r["worker_id"], code=r["code"], source=r["source"], month=month, pay_date=pay_date, amount=r["amount"], method=r["method"], created_at=at))
        session.flush()
    return frame


def describe(d: fx.Decision) -> str:
    a = d.application
    text = f"{a.application_id} {a.worker_id} 시술일 {a.treatment_date}: {fx.STATUS_LABELS[d.status]}"
    if d.status in (fx.APPROVED, fx.WAITLISTED):
        text += f" {won(d.amount)}원"
    return f"{text} — {d.reason}"
