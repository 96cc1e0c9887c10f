"""Provisional runs settled once their figures are announced (decision D14).

A closed month paid provisionally (잠정: a figure carried forward before its 고시) is recomputed,
from its stored inputs, once HR enters the figure; the differences per worker and pay item are
paid (or recovered) by the next regular run as 소급분 lines, each naming the figure that changed.
Differences in the premiums (a 건강보험 상·하한, say) are not pay items: the run names them in
its warnings, since the agencies settle premiums through their own notices.

A settlement is recorded with the run that carries it (``provisional_settlements``); the month of
a provisional run that is still open is simply run again instead.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlmodel import Session, select

from payroll import law as law_module
from payroll.engine.pipeline import DEDUCTION_LABELS, DEDUCTIONS
from payroll.engine.step import Context
from payroll.law import Law
from payroll.runs import inputs as inputs_module
from payroll.runs import law_state
from payroll.store.models import MonthLock, ProvisionalSettlement, Run


@dataclass(frozen=True)
class Affected:
    run_id: str
    month: str
    closed: bool
    keys: tuple[str, ...]  # the provisional figures of the run that are now announced


@dataclass
class Settlement:
    adjustments: list[dict] = field(default_factory=list)  # 소급분 lines (the format of batch.pending_adjustments)
    settled: list[tuple[str, str]] = field(default_factory=list)  # (provisional run id, key)
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def figures_of(run: Run) -> list[law_state.FigureUse]:
    return [law_state.FigureUse.from_dict(d) for d in json.loads(run.law_figures or "[]")]


def effective_run(session: Session, month: str) -> Run | None:
    """The run in force for a month: the closed month's (last correction included), else its latest run."""
    from payroll.runs.batch import effective_run_id

    closed = effective_run_id(session, month)
    if closed is not None:
        return session.get(Run, closed)
    return session.exec(select(Run).where(Run.month == month).order_by(Run.created_at.desc(), Run.run_id.desc())).first()


def announced_now(law: Law, figure: law_state.FigureUse) -> bool:
    """Whether ``law`` gives the figure on the day the run needed it without carrying it forward."""
    return law.parameter(figure.key).state_on(figure.first_day) in ("in_force", "announced", "unconfirmed")


def affected_runs(session: Session, law: Law, before_month: str | None = None, key: str | None = None) -> list[Affected]:
    """The runs in force whose provisional figures ``law`` now announces (optionally only ``key``;
    only months before ``before_month``), not yet settled by a run that is itself in force."""
    out = []
    months = session.exec(select(Run.month).where(Run.provisional.is_(True)).distinct()).all()
    for month in sorted(months):
        if before_month is not None and month >= before_month:
            continue
        run = effective_run(session, month)
        if run is None or not run.provisional:
            continue
        keys = tuple(f.key for f in figures_of(run) if f.state == "provisional" and (key is None or f.key == key) and announced_now(law, f))
        keys = tuple(k for k in keys if not _settled(session, run.run_id, k, before_month))
        if keys:
            out.append(Affected(run.run_id, month, session.get(MonthLock, month) is not None, keys))
    return out


def _settled(session: Session, run_id: str, key: str, current_month: str | None) -> bool:
    rows = session.exec(select(ProvisionalSettlement).where(ProvisionalSettlement.provisional_run_id == run_id, ProvisionalSettlement.key == key)).all()
    for row in rows:
        settling = session.get(Run, row.settling_run_id)
        if settling is None or settling.month == current_month:
            continue  # a run of the month being run again does not count: this run replaces it
        in_force = effective_run(session, settling.month)
        if in_force is not None and in_force.run_id == settling.run_id:
            return True
    return False


def settle(session: Session, month: str, law: Law, ctx: Context, build) -> Settlement:
    """The 소급분 of every closed provisional month whose figures ``law`` now announces, for ``month``'s run."""
    from payroll.runs.batch import compute_month, load_results, retro_lines

    out = Settlement()
    for affected in affected_runs(session, law, before_month=month):
        if not affected.closed:
            out.warnings.append(f"{affected.month}: 잠정 run {affected.run_id} 의 수치 ({', '.join(affected.keys)})가 고시되었습니다 — "
                                f"{affected.month} 은 마감 전이므로 그 달을 다시 실행하세요 (payroll run {affected.month})")
            continue
        run = session.get(Run, affected.run_id)
        old = load_results(session, run.run_id)
        recomputed = _recompute(session, run, law, ctx, build, compute_month)
        changes = _changes(run, law, affected.keys)
        label = "; ".join(changes)
        for line in retro_lines(old, recomputed, run.month, ctx.catalogue):
            out.adjustments.append({
                "worker_id": line["worker_id"], "belongs_month": run.month, "source_code": line["source_code"], "amount": line["amount"],
                "method": f"{line['method']} — 잠정분 정산 (고시 반영: {label})",
            })
        out.warnings += _premium_differences(run.month, old, recomputed, label)
        out.settled += [(run.run_id, k) for k in affected.keys]
        out.summary.append(f"{run.month} run {run.run_id}: {label}")
    return out


def _recompute(session: Session, run: Run, law: Law, ctx: Context, build, compute_month):
    """``run``'s month from its stored inputs under ``law`` (missing figures still carried forward)."""
    manifest = json.loads(run.inputs_manifest)
    probe = law_state.probe(law)
    with tempfile.TemporaryDirectory(prefix="payroll-provisional-") as tmp:
        root = Path(tmp) / "inputs"
        files, problems = inputs_module.restore(session, [e for e in manifest if e["role"] != "installation_rules"], root)
        if problems:
            raise law_module.RuleError(f"{run.month}: 잠정 실행 {run.run_id}을(를) 다시 계산할 수 없습니다: {problems[0]}")
        staged = inputs_module.stage(root, run.month, run.pay_date, files, manifest)
        with law_module.using(probe), law_module.recording():  # its look-ups are not this month's
            return compute_month(staged, build, replace(ctx, law=probe))


def _changes(run: Run, law: Law, keys: tuple[str, ...]) -> list[str]:
    out = []
    for figure in figures_of(run):
        if figure.key in keys and figure.state == "provisional":
            p = law.parameter(figure.key)
            new = p.period_on(figure.first_day)
            old = next(q for q in reversed(p.periods) if q.end < figure.first_day)  # the figure the run carried forward
            if old.value != new.value:  # a figure announced as carried changes no line: it is not named on them
                out.append(f"{figure.label} {law_state.change_text(p, old.value, new.value)} ({new.citation.promulgation})")
    return out or ["고시 수치가 잠정 수치와 같음"]


def _premium_differences(month: str, old: list[dict], computed, label: str) -> list[str]:
    before = {r["row"]["worker_id"]: r["row"] for r in old}
    totals: dict[str, int] = {}
    for row in computed.rows:
        prior = before.get(row["worker_id"])
        if prior is None:
            continue
        for column in DEDUCTIONS[:4]:  # the four premiums: the agencies settle them by their own notice
            delta = int(row.get(column) or 0) - int(prior.get(column) or 0)
            if delta:
                totals[column] = totals.get(column, 0) + delta
    return [f"{month} 잠정분: {DEDUCTION_LABELS[c]} 근로자 부담 차액 합계 {d:+,}원 (고시 반영: {label}) — 보험료 차액은 공단의 정산 고지에 따라 처리"
            for c, d in sorted(totals.items())]


def record(session: Session, settling_run_id: str, settled: list[tuple[str, str]]) -> None:
    for run_id, key in settled:
        session.add(ProvisionalSettlement(settling_run_id=settling_run_id, provisional_run_id=run_id, key=key))


def due_keys(session: Session, month: str, law: Law) -> list[tuple[str, str]]:
    """(run id, key) pairs the next run of ``month`` has to settle (closed months only)."""
    return sorted((a.run_id, k) for a in affected_runs(session, law, before_month=month) if a.closed for k in a.keys)
