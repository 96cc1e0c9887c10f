"""The monthly batch run: import inputs, build, compute in one vectorised pass, render, record.

A run is atomic. Outputs are written to a hidden scratch directory beside their final place and
renamed into place when complete; the run record (the run, every worker's result, any 소급분
lines) is then written in one database transaction. A run killed half-way leaves no run record
and no output directory under its final name (only a ``.partial-…`` scratch directory, removed
by the next run); running it again completes. Input files are stored by hash before the build
(content-addressed, so keeping them is harmless).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import polars as pl
from sqlalchemy import insert
from sqlmodel import Session, select

from payroll import cyclegc
from payroll import law as law_module
from payroll.law import Law
from payroll.case import InputError
from payroll.engine.pipeline import compute, default_context
from payroll.engine.step import Context
from payroll.engine.wages import item_labels
from payroll.runs import extras, history as history_module
from payroll.runs import inputs as inputs_module
from payroll.runs import law_state, provisional as provisional_module
from payroll.runs import results as results_module
from payroll.runs.hashing import code_version, run_hash
from payroll.runs.inputs import ADJUSTMENTS_NAME, INSTALLATION_RULES_NAME, StagedInputs, check_month
from payroll.runs.outputs import Renderers, default_renderers, render_all, start_pool
from payroll.runs.results import StoredResults
from payroll.store.db import Store, now
from payroll.store.models import MonthLock, RetroItem, Run, RunDictionary, WorkerResult

BuildFn = Callable[[StagedInputs], Any]  # returns an object with .workers, .items, .warnings (MonthBuild)
RETRO_CODE = "retroactive_pay"
DATA_ENV = "PAYROLL_DATA"  # the data directory of `payroll leave` (its notice register is read by the run)
ITEM_COLUMNS = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
SUMMARY_FIELDS = ("gross_pay", "taxable_pay", "deductions_total", "income_tax", "local_income_tax", "net_pay")


class MonthClosed(InputError):
    """A plain run of a closed month (exit code 2)."""


class BelowMinimumWage(InputError):
    """A contract or pay table pays below 최저임금 for the month (exit code 2, before anything is written)."""

    def __init__(self, month: str, shortfalls: tuple[dict, ...]):
        lines = [f"{month}: {len(shortfalls)}건의 계약이 최저임금에 미달합니다 (최저임금법 §6①) — 계약 또는 보수표를 고친 뒤 실행하세요:"]
        for r in shortfalls:
            hours = r["paid_minutes"] // 60
            lines.append(f"  - {r['worker_id']} (계약 {r['contract_id']}): 시간급 {r['hourly']:,}원 < 최저임금 {r['minimum']:,}원 — "
                         f"시간당 {r['per_hour']:,}원, 이달 {hours}시간 기준 {r['month']:,}원 부족")
        super().__init__("\n".join(lines))
        self.shortfalls = shortfalls


def build_from_files(staged: StagedInputs):
    """The production build: roster + contracts + attendance → :class:`payroll.timesheet.monthly.MonthBuild`."""
    from payroll.timesheet.monthly import MonthInputs, build_month

    roster = inputs_module.load_month_roster(staged.roster, staged.contracts, staged.resignations)
    return build_month(
        MonthInputs(
            month=staged.month, pay_date=staged.pay_date, roster=roster, attendance=staged.attendance,
            corrections=staged.corrections, leave=staged.leave, overtime=staged.overtime, profile=staged.profile,
        )
    )


def employer_of(staged: StagedInputs) -> dict:
    """The employer block of the payslips: ``employer.toml`` in the inputs directory (an input like any other)."""
    path = staged.employer
    if path is None:
        raise InputError(f"{staged.root}/employer.toml is missing: the 임금명세서 names the employer (name = \"…\", optional business_number, address, contact)")
    import tomllib

    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    unknown = set(doc) - {"name", "business_number", "address", "contact"}
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} (known: name, business_number, address, contact)")
    if not isinstance(doc.get("name"), str) or not doc["name"].strip():
        raise InputError(f"{path}: name: the employer's name is required")
    return {k: str(v) for k, v in doc.items()}


@dataclass
class Computed:
    frame: pl.DataFrame  # the engine's output, one row per worker-month (every column: the trace)
    items: pl.DataFrame  # row, code, label, amount, method, minutes (retroactive lines included)
    stored: StoredResults  # what the run record keeps per worker-month: the row, its items and its trace, interned
    law: Law  # the rules the month was computed (and its trace read) with
    extra_traces: dict[int, list[dict]] = field(default_factory=dict)  # by row: the settlement's and 퇴직금's trace entries
    warnings: list[str] = field(default_factory=list)
    #: the provisional and unconfirmed figures the month used (decision D14)
    figures: list = field(default_factory=list)
    #: renders the build's extra run outputs (attendance exceptions) when first asked for: a run asks
    #: while its payslip processes work
    render_outputs: Callable[[], dict[str, bytes]] | None = None
    _outputs: dict[str, bytes] | None = field(default=None, repr=False)

    @property
    def outputs(self) -> dict[str, bytes]:
        """The build's extra run outputs, {relative path: bytes}."""
        if self._outputs is None:
            self._outputs = self.render_outputs() if self.render_outputs is not None else {}
        return self._outputs

    def set_rules_note(self, note: str) -> None:
        """The run's D14 note (provisional and unconfirmed figures) on every row: payslips and the register print it."""
        self.frame = self.frame.with_columns(pl.lit(note, dtype=pl.Utf8).alias("rules_note"))
        self.stored = results_module.encode(self.frame, self.items, self.law, self.extra_traces)

    @property
    def rows(self) -> list[dict]:
        """The computed rows as dicts (made when asked for: a run itself works on the frame and the stored texts)."""
        return self.frame.to_dicts()

    @property
    def item_lists(self) -> list[list[dict]]:
        """Each row's pay items ({code, label, amount, method, minutes}), in the order of :attr:`rows` (made when asked for)."""
        by_row: dict[int, list[dict]] = {}
        for it in self.items.to_dicts():
            by_row.setdefault(it["row"], []).append({k: it[k] for k in ("code", "label", "amount", "method", "minutes")})
        return [by_row.get(r, []) for r in self.frame.get_column("row").to_list()]

    def stored_results(self) -> list[dict]:
        """Each worker-month's stored result expanded: {row, items, trace} (JSON-safe)."""
        return self.stored.expanded()

    def results_sha256(self) -> str:
        """The hash of the run's stored results (made once; a run makes it while its payslips render)."""
        return self.stored.sha256()


def _items_frame(items: pl.DataFrame) -> pl.DataFrame:
    cols = []
    for name, dtype in ITEM_COLUMNS.items():
        if name in items.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name in ("row", "code", "amount"):
            raise InputError(f"the build's pay items lack the column {name!r}")
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return items.select(cols)


def _adjustments(staged: StagedInputs) -> list[dict]:
    if staged.adjustments is None:
        return []
    return json.loads(Path(staged.adjustments).read_text(encoding="utf-8"))


ROSTER_COLUMNS = ("name", "department", "job", "bank", "account")


def _with_roster_columns(workers: pl.DataFrame, roster) -> pl.DataFrame:
    """Name, department, job, bank and account from the roster where the build did not carry them."""
    missing = [c for c in ROSTER_COLUMNS if c not in workers.columns]
    if not missing:
        return workers
    table = pl.DataFrame(
        {"worker_id": list(roster.workers), **{c: [getattr(w, c) for w in roster.workers.values()] for c in missing}},
        schema={"worker_id": pl.Utf8, **{c: pl.Utf8 for c in missing}},
    )
    return workers.join(table, on="worker_id", how="left")


def _adjustment_lines(adjustments: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "worker_id": [a["worker_id"] for a in adjustments],
            "code": [RETRO_CODE] * len(adjustments),
            "amount": [int(a["amount"]) for a in adjustments],
            "method": [a["method"] for a in adjustments],
            "minutes": [None] * len(adjustments),
        },
        schema=extras.WELFARE_SCHEMA,
    )


def exceptions_report(built, staged: StagedInputs) -> dict[str, bytes]:
    """The build's attendance exceptions (payroll.attendance.checks) as a run output, when it has them.
    File names are given relative to the inputs directory (a replay reads them from elsewhere)."""
    exc = getattr(built, "exceptions", None)
    if exc is None:
        return {}
    from payroll.attendance.xlsx import xlsx_bytes

    cols = [c for c in ("source", "line", "worker_id", "date", "code", "label", "severity", "detail", "resolved_by") if c in exc.columns]
    exc = exc.select(cols)
    roots = sorted({str(Path(staged.root)), str(Path(staged.root).resolve())}, key=len, reverse=True)
    texts = []
    for name, dtype in exc.schema.items():
        if dtype == pl.Utf8:
            e = pl.col(name)
            for root in roots:
                e = e.str.replace_all(root.rstrip("/") + "/", "", literal=True)
            texts.append(e.alias(name))
    exc = exc.with_columns(texts)
    return {"attendance/exceptions.xlsx": xlsx_bytes({"예외": exc})}


def compute_month(staged: StagedInputs, build: BuildFn, ctx: Context) -> Computed:
    """Build the month from the staged files, add the carried 소급분 lines, 연차수당 and welfare items,
    compute every worker at once; then the leavers' settlement and 퇴직금, and compute again."""
    built = build(staged)
    shortfalls = getattr(built, "minimum_wage_shortfalls", ())
    if shortfalls:
        raise BelowMinimumWage(staged.month, shortfalls)
    workers: pl.DataFrame = built.workers
    items = _items_frame(built.items)
    warnings = list(getattr(built, "warnings", ()))
    if workers.height == 0:
        raise InputError(f"{staged.month}: the build produced no worker-months (roster {staged.roster})")
    if "worker_id" not in workers.columns or "row" not in workers.columns:
        raise InputError("the build's worker frame needs 'row' and 'worker_id'")
    roster = inputs_module.load_month_roster(staged.roster, staged.contracts, staged.resignations)
    workers = _with_roster_columns(workers, roster)
    # leave_date: the last day of employment when it ends this month and no contract continues it (a
    # renewal is not a leaving: no settlement, no 퇴직금, not 중도퇴사 in the withholding summary)
    ends = history_module.leavers_of(roster, staged.month)
    workers = workers.drop("leave_date", strict=False).join(
        pl.DataFrame({"worker_id": list(ends), "leave_date": list(ends.values())}, schema={"worker_id": pl.Utf8, "leave_date": pl.Date}),
        on="worker_id", how="left",
    ).sort("row")
    first_row = workers.group_by("worker_id").agg(pl.col("row").min()).sort("worker_id").to_dict(as_series=False)
    row_of = dict(zip(first_row["worker_id"], first_row["row"]))
    month = staged.month
    parts = [items]
    adjustments = _adjustments(staged)
    if adjustments:
        parts.append(extras.attach(_adjustment_lines(adjustments), row_of, warnings, lambda r: (
            f"소급분 {r['amount']:,}원 of worker {r['worker_id']} ({r['method']}) is not paid in {month}: the worker has no pay this month — settle it by hand")))
    payouts = extras.leave_payouts(staged, roster, getattr(built, "timesheet", None), ctx, warnings)
    if payouts.height:
        parts.append(extras.attach(extras.leave_lines(payouts), row_of, warnings, lambda r: (
            f"연차수당 {r['amount']:,}원 of worker {r['worker_id']} ({r['method']}) is not paid in {month}: the worker has no pay this month — settle it by hand")))
    welfare = extras.welfare_lines(staged)
    if welfare.height:
        parts.append(extras.attach(welfare, row_of, warnings, lambda r: (
            f"{r['code']} {r['amount']:,}원 of worker {r['worker_id']} is not paid in {month}: the worker has no pay this month; it stays due for the next run")))
    items = pl.concat(parts) if len(parts) > 1 else items
    frame = compute(workers, items, ctx)
    leaving_pay = {r["worker_id"]: int(r["amount"]) for r in payouts.filter(pl.col("reason") == "leaving").group_by("worker_id").agg(pl.col("amount").sum()).to_dicts()}
    leavers = extras.settle_leavers(staged, roster, frame, items, leaving_pay, ctx, warnings)
    extra_traces: dict[int, list[dict]] = {}
    if leavers is not None and leavers.columns.height:
        workers = extras.apply_leavers(workers, leavers)
        if leavers.items.height:
            items = pl.concat([items, leavers.items])
        frame = compute(workers, items, ctx)
        extra_traces = leavers.traces
    elif leavers is not None:
        extra_traces = leavers.traces
    for r in frame.filter(pl.col("net_pay") < 0).select("worker_id", "net_pay").iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 공제 합계가 이달 지급액보다 {-r['net_pay']:,}원 많음 — 이체 0원; "
                        f"그 금액은 근로자 부담분으로 다음 급여에서 공제하거나 본인이 납부 (근로기준법 §43①)")
    items = items.with_columns(item_labels(ctx.catalogue).alias("label"))
    items = items.select("row", "code", "label", "amount", "method", "minutes")
    stored = results_module.encode(frame, items, ctx.law, extra_traces)
    return Computed(frame=frame, items=items, stored=stored, law=ctx.law, extra_traces=extra_traces, warnings=warnings,
                    render_outputs=lambda: exceptions_report(built, staged))


# --- month state --------------------------------------------------------------------------


def next_month(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{y + (m == 12)}-{m % 12 + 1:02d}"


def effective_run_id(session: Session, month: str) -> str | None:
    """The run in force for a closed month: the closing run, or the last correction in its chain."""
    lock = session.get(MonthLock, month)
    if lock is None:
        return None
    current = lock.run_id
    while True:
        nxt = session.exec(select(Run.run_id).where(Run.corrects_run_id == current, Run.kind == "correction")).first()
        if nxt is None:
            return current
        current = nxt


def next_open_month(session: Session, month: str) -> str:
    m = next_month(month)
    while session.get(MonthLock, m) is not None:
        m = next_month(m)
    return m


def pending_adjustments(session: Session, month: str) -> list[dict]:
    """The 소급분 lines to be paid in ``month``, in a fixed order (they become the run's adjustments input)."""
    rows = session.exec(select(RetroItem).where(RetroItem.pay_month == month)).all()
    out = [
        {"worker_id": r.worker_id, "belongs_month": r.belongs_month, "source_code": r.source_code, "amount": int(r.amount), "method": r.method}
        for r in rows
    ]
    return sorted(out, key=lambda a: (a["worker_id"], a["belongs_month"], a["source_code"], a["amount"], a["method"]))


def adjustments_bytes(adjustments: list[dict]) -> bytes:
    return (json.dumps(adjustments, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def retro_lines(old_results: list[dict], computed: Computed, belongs_month: str, catalogue) -> list[dict]:
    """Per worker, per pay item: new − old (signed; an overpayment is negative), with a method text."""
    def sums(pairs):
        out: dict[tuple[str, str], int] = {}
        for wid, code, amount in pairs:
            out[(wid, code)] = out.get((wid, code), 0) + int(amount)
        return out

    old = sums((r["row"]["worker_id"], it["code"], it["amount"]) for r in old_results for it in r["items"])
    paid = computed.items.join(computed.frame.select("row", "worker_id"), on="row", how="inner", maintain_order="left")
    new = sums(paid.select("worker_id", "code", "amount").iter_rows())
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, 0), new.get(key, 0)
        if before == after:
            continue
        wid, code = key
        sign = "환수" if after < before else "추가 지급"
        lines.append({
            "worker_id": wid, "source_code": code, "old_amount": before, "new_amount": after, "amount": after - before,
            "method": f"{belongs_month}분 {catalogue.label(code)} 소급분 ({sign}): {before:,}원 → {after:,}원 = {after - before:+,}원",
        })
    return lines


# --- the run ------------------------------------------------------------------------------


def _new_run_id(month: str) -> str:
    return f"{month}-{secrets.token_hex(4)}"


def _remove_stale_partials(parent: Path) -> None:
    if not parent.is_dir():
        return
    for p in parent.glob(".partial-*"):
        m = re.match(r"^\.partial-.*-(\d+)$", p.name)
        pid = int(m.group(1)) if m else None
        if pid is not None and pid != os.getpid():
            try:
                os.kill(pid, 0)
                continue  # that run is still going
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        shutil.rmtree(p, ignore_errors=True)


def load_results(session: Session, run_id: str) -> list[dict]:
    """Every stored result of the run, expanded ({row, items, trace}), in row order."""
    return results_module.read_results(session, run_id)


def execute_run(store: Store, month: str, *, inputs_dir: Path, out_root: Path, pay_date: dt.date | None = None,
                correction: bool = False, actor: str = "cli", build: BuildFn | None = None, renderers: Renderers | None = None,
                progress: bool = False, jobs: int | None = None, ctx: Context | None = None, provisional: bool = False) -> dict:
    """Run (or, with ``correction``, re-run a closed) month; return the summary of the recorded run.

    A figure the month needs that no 고시 has announced yet stops the run (:class:`law_state.MissingFigures`),
    unless ``provisional``: then the last figure is used and the run says so on every output (D14)."""
    check_month(month)
    build = build or build_from_files
    renderers = renderers or default_renderers()
    ctx = ctx or default_context()
    root = Path(inputs_dir)
    files = inputs_module.collect(root, month)
    start_pool(jobs)  # the payslip processes' server loads the font while the month is computed
    base_law = ctx.law
    probe = law_state.probe(base_law)
    with law_module.using(probe), law_module.recording() as uses:
        prepared = _prepare_and_compute(store, month, root, files, pay_date, correction, build, replace(ctx, law=probe))
    figures = law_state.uses_of(probe, uses)
    missing = [f for f in figures if f.state == "provisional"]
    if missing and not provisional:
        raise law_state.MissingFigures(month, missing)
    law_used = probe if missing else base_law
    computed = prepared.computed
    note_figures(computed, figures)
    computed.warnings.extend(law_state.review_warnings(law_used, prepared.pay_date))
    run_ctx = replace(ctx, law=law_used)

    run_id = _new_run_id(month)
    parent = Path(out_root) / month
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(parent)
    final = parent / run_id
    partial = parent / f".partial-{run_id}-{os.getpid()}"
    try:
        outputs = render_all(partial, computed.frame, computed.items, computed.stored, prepared.employer, renderers, progress, jobs,
                             extra=lambda: computed.outputs, meanwhile=computed.results_sha256)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return _record(store, month=month, pay_date=prepared.pay_date, correction=correction, corrected_id=prepared.corrected_id,
                   corrected_hash=prepared.corrected_hash, old_results=prepared.old_results, manifest=prepared.manifest, computed=computed,
                   outputs=outputs, run_id=run_id, partial=partial, final=final, actor=actor, ctx=run_ctx, roster=prepared.roster,
                   welfare_rows=prepared.welfare_rows, settlement=prepared.settlement)


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


@dataclass
class _Prepared:
    computed: Computed
    pay_date: dt.date
    manifest: list[dict]
    employer: dict
    roster: Any
    welfare_rows: list[dict]
    old_results: list[dict]
    corrected_id: str | None
    corrected_hash: str | None
    settlement: provisional_module.Settlement


def _prepare_and_compute(store: Store, month: str, root: Path, files: list[tuple[str, Path]], pay_date: dt.date | None, correction: bool,
                         build: BuildFn, ctx: Context) -> _Prepared:
    """Store the month's inputs (files and what the run takes from the database) and compute it."""
    with store.session() as s:
        lock = s.get(MonthLock, month)
        corrected: Run | None = None
        if lock is not None and not correction:
            raise MonthClosed(
                f"{month} is closed (closed {lock.closed_at:%Y-%m-%d %H:%M} UTC by {lock.closed_by}, run {lock.run_id}); "
                f"a closed month changes only through an approved correction run: payroll run {month} --correction"
            )
        if correction:
            if lock is None:
                raise InputError(f"{month} is not closed: --correction is for a closed month; run it normally")
            corrected = s.get(Run, effective_run_id(s, month))
        if pay_date is None and corrected is not None:
            pay_date = corrected.pay_date
        pay_date = inputs_module.pay_date_of(root, month, pay_date)
        adjustments = pending_adjustments(s, month)
        settlement = provisional_module.Settlement() if correction else provisional_module.settle(s, month, ctx.law, ctx, build)
        if settlement.adjustments:
            adjustments = sorted(adjustments + settlement.adjustments,
                                 key=lambda a: (a["worker_id"], a["belongs_month"], a["source_code"], a["amount"], a["method"]))
        extra = [("adjustments", ADJUSTMENTS_NAME, adjustments_bytes(adjustments))] if adjustments else []
        roster, welfare_rows, db_extra = _database_inputs(s, root, month, pay_date, files, ctx)
        extra += db_extra
        if ctx.law.installation_text:  # the figures HR entered: a replay lays the same ones over the rules
            extra.append(("installation_rules", INSTALLATION_RULES_NAME, (ctx.law.installation_text + "\n").encode()))
        manifest = inputs_module.import_files(s, root, files, extra)
        old_results = load_results(s, corrected.run_id) if corrected else []
        corrected_hash = corrected.run_hash if corrected else None
        corrected_id = corrected.run_id if corrected else None

    with tempfile.TemporaryDirectory(prefix="payroll-adj-") as scratch:
        staged_files = list(files)
        for role, name, data in extra:
            path = Path(scratch) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            staged_files.append((role, path))
        staged = inputs_module.stage(root, month, pay_date, staged_files, manifest)
        employer = employer_of(staged)
        with cyclegc.paused():  # the month's rows, items and traces are many small acyclic objects
            computed = compute_month(staged, build, ctx)
    computed.warnings.extend(settlement.warnings)
    return _Prepared(computed, pay_date, manifest, employer, roster, welfare_rows, old_results, corrected_id, corrected_hash, settlement)


def _database_inputs(session: Session, root: Path, month: str, pay_date: dt.date, files: list[tuple[str, Path]], ctx: Context):
    """The inputs a run takes from the database (and the data directory), as (role, name, bytes) to store
    and stage like any file: the month's welfare items, the leavers' stored pay, the leave taken in
    earlier runs, the 사용촉진 notice register. Returns (roster, welfare rows, extra files)."""
    from payroll.welfare.service import welfare_pay_items

    by_role = {role: path for role, path in files}
    roster = inputs_module.load_month_roster(by_role["roster"], by_role["contracts"], by_role.get("resignations"))
    extra: list[tuple[str, str, bytes]] = []
    welfare_rows = extras.welfare_rows(welfare_pay_items(month, pay_date, session, roster, law=ctx.law))
    if welfare_rows:
        extra.append(("welfare", inputs_module.WELFARE_NAME, extras.welfare_bytes(welfare_rows)))
    leavers = history_module.leavers_of(roster, month)
    if leavers:
        extra.append(("history", inputs_module.HISTORY_NAME, history_module.history_bytes(history_module.history(session, month, leavers))))
    read = lambda role: by_role[role].read_bytes() if role in by_role else None  # noqa: E731
    leave = history_module.leave_history(session, month, read("opening_leave"), read("leave"))
    if leave is not None:
        extra.append(("leave_history", inputs_module.LEAVE_HISTORY_NAME, leave))
    if "notices" not in by_role:
        register = Path(os.environ.get(DATA_ENV) or "data") / "leave_notices.csv"
        if register.is_file():
            extra.append(("notices", inputs_module.NOTICES_NAME, register.read_bytes()))
    return roster, welfare_rows, extra


def _mark_welfare_paid(session: Session, month: str, pay_date: dt.date, roster, computed: Computed, staged_rows: list[dict], ctx: Context) -> None:
    """Record the welfare items this run pays, in the run's own transaction (they commit or roll back with it)."""
    from payroll.welfare.service import welfare_pay_items

    paid_workers = sorted(set(computed.frame.get_column("worker_id").to_list()))
    now_rows = extras.welfare_rows(welfare_pay_items(month, pay_date, session, roster, law=ctx.law, mark_paid=True, workers=paid_workers))
    expected = [r for r in staged_rows if r["worker_id"] in set(paid_workers)]
    if now_rows != expected:
        raise InputError(f"{month}: the welfare records changed while this run was computing; nothing was recorded — run {month} again")


def _totals(frame: pl.DataFrame) -> dict[str, int]:
    return {f: int(frame.get_column(f).sum()) for f in ("gross_pay", "deductions_total", "net_pay")}


def _result_records(run_id: str, computed: Computed) -> list[dict]:
    """One worker_results row per worker-month: its stored text and the figures the console lists."""
    texts = [pl.col(c).cast(pl.Utf8) if c in computed.frame.columns else pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("name", "department")]
    frame = computed.frame.select(
        pl.lit(run_id).alias("run_id"), pl.col("row").cast(pl.Int64), pl.col("worker_id").cast(pl.Utf8), *texts,
        *[pl.col(f).fill_null(0).cast(pl.Int64) for f in SUMMARY_FIELDS],
    ).with_columns(computed.stored.texts.alias("result_json"))
    return frame.to_dicts()


def _record(store: Store, *, month, pay_date, correction, corrected_id, corrected_hash, old_results, manifest, computed: Computed,
            outputs, run_id, partial: Path, final: Path, actor, ctx: Context, roster=None, welfare_rows: list[dict] = (),
            settlement: provisional_module.Settlement | None = None) -> dict:
    results_sha = computed.results_sha256()
    kind = "correction" if correction else "regular"
    code = code_version()
    rh = run_hash(month=month, pay_date=pay_date.isoformat(), kind=kind, corrects_run_hash=corrected_hash, rules_hash=ctx.law.content_hash,
                  code=code, inputs=manifest, outputs=outputs, results_sha256=results_sha)
    totals = _totals(computed.frame)
    retro: list[dict] = []
    pay_month = None
    os.replace(partial, final)  # outputs visible under their final name only when complete
    try:
        with store.session() as s:
            lock = s.get(MonthLock, month)
            if lock is not None and not correction:
                raise MonthClosed(f"{month} was closed while this run was computing; nothing was recorded")
            if correction:
                if effective_run_id(s, month) != corrected_id:
                    raise InputError(f"{month}: another correction was recorded meanwhile; run the correction again")
                pay_month = next_open_month(s, month)
                retro = retro_lines(old_results, computed, month, ctx.catalogue)
            if welfare_rows:
                _mark_welfare_paid(s, month, pay_date, roster, computed, welfare_rows, ctx)
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
            s.add(RunDictionary(run_id=run_id, content=computed.stored.dictionary.as_json()))
            s.flush()
            s.execute(insert(WorkerResult.__table__), _result_records(run_id, computed))
            for line in retro:
                s.add(RetroItem(correction_run_id=run_id, corrected_run_id=corrected_id, belongs_month=month, pay_month=pay_month, **line))
            if settlement is not None and settlement.settled:
                provisional_module.record(s, run_id, settlement.settled)
            store.audit(actor, f"run.{kind}", run_id, {"month": month, "run_hash": rh, "workers": computed.frame.height, "corrects": corrected_id, "retro_lines": len(retro)}, session=s)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    return {
        "run_id": run_id, "run_hash": rh, "month": month, "pay_date": pay_date.isoformat(), "kind": kind, "corrects_run_id": corrected_id,
        "workers": computed.frame.height, "gross_pay_total": totals["gross_pay"], "deductions_total": totals["deductions_total"],
        "net_pay_total": totals["net_pay"], "out_dir": str(final.resolve()), "outputs": len(outputs), "warnings": computed.warnings,
        "retro_lines": len(retro), "retro_pay_month": pay_month,
        "provisional": [f.as_dict() for f in computed.figures if f.state == "provisional"],
        "unconfirmed": [f.as_dict() for f in computed.figures if f.state == "unconfirmed"],
        "rules_note": law_state.rules_note(computed.figures),
        "provisional_settled": list(settlement.summary) if settlement is not None else [],
    }
