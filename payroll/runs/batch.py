"""The monthly batch run: import inputs, build, compute in one vectorised pass, render, record.

A run holds its month from start to end (:mod:`payroll.security.month_lock`: a second run or a
close of the month is refused meanwhile). Input files are stored by hash before the build, with
any 주민등록번호 masked, and the run reads those stored copies (what a replay restores). Outputs are
written to a hidden scratch directory beside their final place; the run record (the run, every
worker's result, any 소급분 lines) is written in one database transaction, and only then is the
scratch directory renamed into place (:mod:`payroll.runs.publish`): a folder under a final name
always has its record. A run killed before the commit leaves no record and no folder (its scratch
directory is removed by the next start); killed after, its folder is put in place by the next
start. Named steps (:mod:`payroll.runs.checkpoints`) let a test kill or hold a run at each.

Before anything is computed the month is checked (:mod:`payroll.runs.prechecks`): a month with
attendance errors neither corrected nor decided is refused, nothing recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import polars as pl
from sqlalchemy import insert
from sqlmodel import Session

from payroll import cyclegc
from payroll import law as law_module
from payroll.case import InputError
from payroll.employer import load_employer
from payroll.engine.pipeline import default_context
from payroll.engine.step import Context
from payroll.runs import approvals, checkpoints, extras, history as history_module, record_inputs
from payroll.runs import inputs as inputs_module
from payroll.runs import law_state, provisional as provisional_module
from payroll.runs import publish as publish_module
from payroll.runs.computed import RETRO_CODE, BelowMinimumWage, BuildFn, Computed, build_from_files, compute_month, employer_of, exceptions_report  # noqa: F401 - the run's API
from payroll.runs.hashing import code_version, run_hash
from payroll.runs.inputs import ADJUSTMENTS_NAME, INSTALLATION_RULES_NAME, StagedInputs, check_month
from payroll.runs.month_state import (  # noqa: F401 - the run's API (payroll.runs.months, provisional.py, the console)
    adjustments_bytes, effective_run_id, load_results, next_month, next_open_month, pending_adjustments, retro_lines,
)
from payroll.runs.outputs import Renderers, default_renderers, render_all, start_pool
from payroll.runs.prechecks import RunRefused, refuse_if_any  # noqa: F401 - RunRefused: what a refused run raises
from payroll.security import month_lock
from payroll.store.db import Store, now
from payroll.store.models import MonthLock, RetroItem, Run, RunDictionary, WorkerResult

DATA_ENV = "PAYROLL_DATA"  # the data directory of `payroll leave` (its notice register is read by the run)
SUMMARY_FIELDS = ("gross_pay", "taxable_pay", "deductions_total", "income_tax", "local_income_tax", "net_pay")
#: progress(stage, done, total): the run reports where it is (the console shows it)
Progress = Callable[[str, int, int], None]


class MonthClosed(InputError):
    """A plain run of a closed month (exit code 2)."""


def _new_run_id(month: str) -> str:
    return f"{month}-{secrets.token_hex(4)}"


def execute_run(store: Store, month: str, *, inputs_dir: Path, out_root: Path, pay_date: dt.date | None = None,
                correction: bool = False, actor: str = "cli", build: BuildFn | None = None, renderers: Renderers | None = None,
                progress: bool = False, jobs: int | None = None, ctx: Context | None = None, provisional: bool = False,
                on_progress: Progress | None = None) -> dict:
    """Run (or, with ``correction``, re-run a closed) month; return the summary of the recorded run.

    Refused (:class:`RunRefused`, nothing recorded) while the month has attendance errors neither
    corrected nor decided (payroll.runs.prechecks). The month is held for the whole run (:mod:`payroll.security.month_lock`): a second run of it,
    or its close, is refused meanwhile. A correction needs an approver's recorded approval
    (:mod:`payroll.runs.approvals`). A figure the month needs that no 고시 has announced yet stops
    the run (:class:`law_state.MissingFigures`), unless ``provisional``: then the last figure is
    used and the run says so on every output (D14). ``on_progress(stage, done, total)`` is told where
    the run is: ``inputs``, ``compute``, ``payslips`` (done of total), ``record``."""
    check_month(month)
    root = Path(inputs_dir)
    files = inputs_module.collect(root, month)
    employer = load_employer(root / inputs_module.EMPLOYER_FILE)  # validated before anything is done
    report = on_progress or (lambda stage, done, total: None)
    report("inputs", 0, 0)
    start_pool(jobs)  # the payslip processes' server loads the font while the month is computed
    run_id = _new_run_id(month)
    with month_lock.hold(store, month, holder=run_id, kind="correction" if correction else "run", actor=actor):
        checkpoints.reached("locked")
        return _execute_held(store, month, run_id, root, files, Path(out_root), pay_date, correction, actor, build or build_from_files,
                             renderers or default_renderers(), progress, jobs, ctx or default_context(), provisional, employer, report)


def _execute_held(store: Store, month: str, run_id: str, root: Path, files: list[tuple[str, Path]], out_root: Path, pay_date: dt.date | None,
                  correction: bool, actor: str, build: BuildFn, renderers: Renderers, progress: bool, jobs: int | None, ctx: Context,
                  provisional: bool, employer, report: Progress) -> dict:
    parent = out_root / month
    recovered = publish_module.recover(store, parent)  # a run of this month killed earlier: finish or clear its folder
    base_law = ctx.law
    probe = law_state.probe(base_law)
    with law_module.using(probe), law_module.recording() as uses:
        prepared = _prepare_and_compute(store, month, root, files, pay_date, correction, build, replace(ctx, law=probe), employer, report, actor)
    figures = law_state.uses_of(probe, uses)
    missing = [f for f in figures if f.state == "provisional"]
    if missing and not provisional:
        raise law_state.MissingFigures(month, missing)
    law_used = probe if missing else base_law
    computed = prepared.computed
    note_figures(computed, figures)
    computed.warnings.extend(law_state.review_warnings(law_used, prepared.pay_date))
    run_ctx = replace(ctx, law=law_used)
    checkpoints.reached("computed")

    parent.mkdir(parents=True, exist_ok=True)
    final = parent / run_id
    partial = publish_module.partial_dir(parent, run_id)
    try:
        outputs = render_all(partial, computed.frame, computed.items, computed.stored, computed.employer, renderers, progress, jobs,
                             extra=lambda: computed.outputs, meanwhile=computed.results_sha256,
                             on_done=lambda done, total: report("payslips", done, total))
        checkpoints.reached("rendered")
        report("record", 0, 0)
        summary = _record(store, month=month, pay_date=prepared.pay_date, correction=correction, corrected_id=prepared.corrected_id,
                          corrected_hash=prepared.corrected_hash, old_results=prepared.old_results, manifest=prepared.manifest, computed=computed,
                          outputs=outputs, run_id=run_id, final=final, actor=actor, ctx=run_ctx, welfare=prepared.welfare,
                          welfare_rows=prepared.welfare_rows, settlement=prepared.settlement, approval_id=prepared.approval_id,
                          adjustments_paid=prepared.adjustments_paid)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # nothing recorded: nothing to publish
        raise
    checkpoints.reached("recorded")
    try:
        publish_module.publish(partial, final)  # recorded first, then visible under its final name
    except OSError as exc:
        summary["warnings"] = [*summary["warnings"], f"산출물이 아직 {partial}에 있습니다 ({exc.strerror}); {month}의 다음 실행이나 재현(replay)이 제자리로 옮깁니다"]
    checkpoints.reached("published")
    summary["recovered"] = recovered
    summary["budget_warnings"] = budget_warnings(store, month)
    return summary


def note_figures(computed: Computed, figures: list) -> None:
    """Keep the month's provisional and unconfirmed figures on the result (a replay does the same)."""
    computed.figures = figures
    note = law_state.rules_note(figures)
    if note:
        computed.set_rules_note(note)


def law_of_run(staged: StagedInputs, provisional: bool, base: Context) -> Context:
    """The context a stored run was computed under: the rules here, the figures HR had entered
    (the run's stored copy, not today's) and its provisional mode."""
    text = Path(staged.installation_rules).read_text(encoding="utf-8") if staged.installation_rules else None
    law = law_module.load(base.law.rules_dir, installation=text, provisional=provisional)
    return replace(base, law=law)


@dataclass(frozen=True)
class _WelfareRoster:
    """What the run's record step needs to mark the welfare items paid: the workers the welfare
    records named when the month was prepared, and the month's roster of them alone (the whole
    roster is not held through the pages: issue 20)."""

    worker_ids: frozenset[str]
    roster: object  # payroll.roster.Roster


@dataclass
class _Prepared:
    computed: Computed
    pay_date: dt.date
    manifest: list[dict]
    welfare: _WelfareRoster
    welfare_rows: list[dict]
    old_results: list[dict]
    corrected_id: str | None
    corrected_hash: str | None
    settlement: provisional_module.Settlement
    approval_id: int | None = None
    adjustments_paid: int = 0  # the 소급분 lines this run pays (of corrections and of settled provisional months)


def _prepare_and_compute(store: Store, month: str, root: Path, files: list[tuple[str, Path]], pay_date: dt.date | None, correction: bool,
                         build: BuildFn, ctx: Context, employer, report: Progress, actor: str = "cli") -> _Prepared:
    """Store the month's inputs (files and what the run takes from the database) and compute it."""
    with store.session() as s:
        lock = s.get(MonthLock, month)
        corrected: Run | None = None
        approval_id = None
        if lock is not None and not correction:
            raise MonthClosed(
                f"{month}은(는) 마감되었습니다 ({lock.closed_at:%Y-%m-%d %H:%M} UTC, {lock.closed_by}, 실행 {lock.run_id}); "
                f"마감된 달은 승인된 정정 실행으로만 바뀝니다: payroll run {month} --correction"
            )
        if correction:
            if lock is None:
                raise InputError(f"{month}은(는) 마감되지 않았습니다: --correction은 마감된 달의 정정입니다; 그냥 실행하세요")
            approval_id = approvals.required(s, month).id
            corrected = s.get(Run, effective_run_id(s, month))
        if pay_date is None and corrected is not None:
            pay_date = corrected.pay_date
        pay_date = inputs_module.pay_date_of(root, month, pay_date, employer)
        adjustments = pending_adjustments(s, month)
        settlement = provisional_module.Settlement() if correction else provisional_module.settle(s, month, ctx.law, ctx, build)
        if settlement.adjustments:
            adjustments = sorted(adjustments + settlement.adjustments,
                                 key=lambda a: (a["worker_id"], a["belongs_month"], a["source_code"], a["amount"], a["method"]))
        extra = [("adjustments", ADJUSTMENTS_NAME, adjustments_bytes(adjustments))] if adjustments else []
        files, record_notes = record_inputs.import_files(s, files, month, actor, allow_closed=correction)
        roster, record_files = record_inputs.snapshot(s, month)
        extra += record_files
        welfare_rows, db_extra = _database_inputs(s, root, month, pay_date, files, roster, record_files, ctx)
        welfare = _welfare_roster(s, roster)
        del roster  # the compute reads the staged copy; the rest of the run needs only the welfare workers of it
        extra += db_extra
        if ctx.law.installation_text:  # the figures HR entered: a replay lays the same ones over the rules
            extra.append(("installation_rules", INSTALLATION_RULES_NAME, (ctx.law.installation_text + "\n").encode()))
        extra += inputs_module.installation_profile_files()
        imported = inputs_module.import_files(s, root, files, extra)
        manifest = imported.manifest
        old_results = load_results(s, corrected.run_id) if corrected else []
        corrected_hash = corrected.run_hash if corrected else None
        corrected_id = corrected.run_id if corrected else None
    checkpoints.reached("imported")

    # the run reads the stored copies (주민등록번호 masked), laid out as in DIR: exactly what a replay restores
    with tempfile.TemporaryDirectory(prefix="payroll-run-") as scratch:
        staged = inputs_module.stage(Path(scratch), month, pay_date, inputs_module.write_staged(Path(scratch), imported), manifest)
        report("compute", 0, 0)
        try:
            with cyclegc.paused():  # the month's rows, items and traces are many small acyclic objects
                computed = compute_month(staged, build, ctx, precheck=refuse_if_any)
        except InputError as exc:  # name the files the clerk knows
            raise type(exc)(_in_root(str(exc), scratch, root)) if type(exc) is InputError else exc from None
        computed.warnings = [_in_root(w, scratch, root) for w in record_notes + imported.notes + computed.warnings]
    computed.warnings.extend(settlement.warnings)
    return _Prepared(computed, pay_date, manifest, welfare, welfare_rows, old_results, corrected_id, corrected_hash, settlement, approval_id,
                     adjustments_paid=len(adjustments))


def _in_root(text: str, scratch: str, root: Path) -> str:
    """A message about a staged copy, naming the file in the inputs folder instead."""
    return text.replace(str(Path(scratch).resolve()), str(root)).replace(scratch, str(root))


def budget_warnings(store: Store, month: str) -> list[str]:
    """The 사업 forecast to overrun their budget of the month's year (a forecast, not part of the run)."""
    from payroll.record.budgets import overrun_warnings

    with store.session() as s:
        return overrun_warnings(s, int(month[:4]))


def _database_inputs(session: Session, root: Path, month: str, pay_date: dt.date, files: list[tuple[str, Path]], roster, record_files, ctx: Context):
    """The inputs a run takes from the database (and the data directory), as (role, name, bytes) to store
    and stage like any file: the month's welfare items, the leavers' stored pay, the leave taken in
    earlier runs, the 사용촉진 notice register. Returns (welfare rows, extra files)."""
    from payroll.welfare.service import welfare_pay_items

    by_role = {role: path for role, path in files}
    from_record = {role: data for role, _, data in record_files}
    extra: list[tuple[str, str, bytes]] = []
    welfare_rows = extras.welfare_rows(welfare_pay_items(month, pay_date, session, roster, law=ctx.law))
    if welfare_rows:
        extra.append(("welfare", inputs_module.WELFARE_NAME, extras.welfare_bytes(welfare_rows)))
    leavers = history_module.leavers_of(roster, month)
    if leavers:
        extra.append(("history", inputs_module.HISTORY_NAME, history_module.history_bytes(history_module.history(session, month, leavers))))
    from payroll.yearend.installments import lines_bytes, lines_for_month

    batch_id, year_end_lines = lines_for_month(session, month)
    if year_end_lines:
        extra.append(("yearend", inputs_module.YEAREND_NAME, lines_bytes(batch_id, year_end_lines)))
    read = lambda role: by_role[role].read_bytes() if role in by_role else from_record.get(role)  # noqa: E731
    leave = history_module.leave_history(session, month, read("opening_leave"), read("leave"), roster.workers)
    if leave is not None:
        extra.append(("leave_history", inputs_module.LEAVE_HISTORY_NAME, leave))
    if "notices" not in by_role:
        register = Path(os.environ.get(DATA_ENV) or "data") / "leave_notices.csv"
        if register.is_file():
            extra.append(("notices", inputs_module.NOTICES_NAME, register.read_bytes()))
    return welfare_rows, extra


def _welfare_roster(session: Session, roster) -> _WelfareRoster:
    from payroll.welfare.service import welfare_worker_ids

    ids = welfare_worker_ids(session)
    return _WelfareRoster(ids, roster.only(ids))


def _mark_welfare_paid(session: Session, month: str, pay_date: dt.date, welfare: _WelfareRoster, computed: Computed, staged_rows: list[dict],
                       ctx: Context) -> None:
    """Record the welfare items this run pays, in the run's own transaction (they commit or roll back with it)."""
    from payroll.welfare.service import welfare_pay_items, welfare_worker_ids

    changed = InputError(f"{month}: 계산하는 동안 복리후생 기록이 바뀌었습니다; 아무것도 기록하지 않았습니다 — {month}을(를) 다시 실행하세요")
    if not welfare_worker_ids(session) <= welfare.worker_ids:
        raise changed  # a record of a worker the kept roster leaves out
    paid_workers = sorted(set(computed.frame.get_column("worker_id").to_list()))
    now_rows = extras.welfare_rows(welfare_pay_items(month, pay_date, session, welfare.roster, law=ctx.law, mark_paid=True, workers=paid_workers))
    expected = [r for r in staged_rows if r["worker_id"] in set(paid_workers)]
    if now_rows != expected:
        raise changed


def _totals(frame: pl.DataFrame) -> dict[str, int]:
    """The run's totals: what is paid this month (a held worker's row is recorded, not paid)."""
    return {f: int(frame.get_column(f).sum()) for f in ("gross_pay", "deductions_total", "net_pay")}


def _result_records(run_id: str, computed: Computed) -> list[dict]:
    """One worker_results row per worker-month: its stored text and the figures the console lists."""
    texts = [pl.col(c).cast(pl.Utf8) if c in computed.frame.columns else pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("name", "department", "pay_state", "attendance_note")]
    frame = computed.frame.select(
        pl.lit(run_id).alias("run_id"), pl.col("row").cast(pl.Int64), pl.col("worker_id").cast(pl.Utf8), *texts,
        *[pl.col(f).fill_null(0).cast(pl.Int64) for f in SUMMARY_FIELDS],
    ).with_columns(computed.stored.texts.alias("result_json"))
    return frame.to_dicts()


def _record(store: Store, *, month, pay_date, correction, corrected_id, corrected_hash, old_results, manifest, computed: Computed,
            outputs, run_id, final: Path, actor, ctx: Context, welfare: _WelfareRoster | None = None, welfare_rows: list[dict] = (),
            settlement: provisional_module.Settlement | None = None, approval_id: int | None = None, adjustments_paid: int = 0) -> dict:
    """The run record, in one transaction (the outputs are published by the caller once it commits)."""
    results_sha = computed.results_sha256()
    kind = "correction" if correction else "regular"
    code = code_version()
    rh = run_hash(month=month, pay_date=pay_date.isoformat(), kind=kind, corrects_run_hash=corrected_hash, rules_hash=ctx.law.content_hash,
                  code=code, inputs=manifest, outputs=outputs, results_sha256=results_sha)
    totals = _totals(computed.paid)
    retro: list[dict] = []
    pay_month = None
    with store.session() as s:
        lock = s.get(MonthLock, month)
        if lock is not None and not correction:
            raise MonthClosed(f"{month}이(가) 계산하는 동안 마감되었습니다; 아무것도 기록하지 않았습니다")
        if correction:
            if effective_run_id(s, month) != corrected_id:
                raise InputError(f"{month}: 그사이 다른 정정 실행이 기록되었습니다; 정정을 다시 실행하세요")
            pay_month = next_open_month(s, month)
            retro = retro_lines(old_results, computed, month, ctx.catalogue)
        if welfare_rows:
            _mark_welfare_paid(s, month, pay_date, welfare, computed, welfare_rows, ctx)
        run = Run(
            run_id=run_id, month=month, pay_date=pay_date, kind=kind, corrects_run_id=corrected_id, rules_hash=ctx.law.content_hash,
            code_version=code, inputs_manifest=json.dumps(manifest, ensure_ascii=False, sort_keys=True),
            outputs_manifest=json.dumps(outputs, ensure_ascii=False, sort_keys=True),
            warnings=json.dumps(computed.warnings, ensure_ascii=False), run_hash=rh, workers=computed.frame.height,
            gross_pay_total=totals["gross_pay"], deductions_total=totals["deductions_total"], net_pay_total=totals["net_pay"],
            out_dir=str(final.resolve()), created_at=now(), created_by=actor,
            provisional=ctx.law.provisional and any(f.state == "provisional" for f in computed.figures),
            law_figures=json.dumps([f.as_dict() for f in computed.figures], ensure_ascii=False, sort_keys=True),
        )
        s.add(run)
        s.flush()
        if correction:
            approvals.use(s, approval_id, run_id)
        s.add(RunDictionary(run_id=run_id, content=computed.stored.dictionary.as_json()))
        s.flush()
        s.execute(insert(WorkerResult.__table__), _result_records(run_id, computed))
        for line in retro:
            s.add(RetroItem(correction_run_id=run_id, corrected_run_id=corrected_id, belongs_month=month, pay_month=pay_month, **line))
        if settlement is not None and settlement.settled:
            provisional_module.record(s, run_id, settlement.settled)
        store.audit(actor, f"run.{kind}", run_id, {"month": month, "run_hash": rh, "workers": computed.frame.height, "corrects": corrected_id,
                                                   "retro_lines": len(retro), "approval": approval_id}, session=s)
    return {
        "run_id": run_id, "run_hash": rh, "month": month, "pay_date": pay_date.isoformat(), "kind": kind, "corrects_run_id": corrected_id,
        "workers": computed.frame.height, "gross_pay_total": totals["gross_pay"], "deductions_total": totals["deductions_total"],
        "net_pay_total": totals["net_pay"], "out_dir": str(final.resolve()), "outputs": len(outputs), "warnings": computed.warnings,
        "retro_lines": len(retro), "retro_pay_month": pay_month, "retro_paid_lines": adjustments_paid, "held": computed.held(),
        "provisional": [f.as_dict() for f in computed.figures if f.state == "provisional"],
        "unconfirmed": [f.as_dict() for f in computed.figures if f.state == "unconfirmed"],
        "rules_note": law_state.rules_note(computed.figures),
        "provisional_settled": list(settlement.summary) if settlement is not None else [],
    }
