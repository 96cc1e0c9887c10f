"""A month computed from its staged inputs: build, check, 소급분, 연차수당, welfare items, leavers, one vectorised pass.

:func:`compute_month` is what a run and a replay both call (payroll.runs.batch,
payroll.runs.audit), so both compute the same from the same files; :class:`Computed` holds its frame, items and their stored form
(payroll.runs.results: the row, items and trace of every worker as short texts over the run's
dictionary). The run alone passes a ``precheck``: a month with open attendance errors is refused
before anything is computed (payroll.runs.prechecks); a replay reproduces what was run.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import polars as pl

from payroll.case import InputError
from payroll.employer import Employer, load_employer
from payroll.engine.pipeline import compute
from payroll.engine.step import Context
from payroll.engine.wages import item_labels
from payroll.law import Law
from payroll.runs import decisions as decisions_module
from payroll.runs import extras, history as history_module
from payroll.runs import inputs as inputs_module
from payroll.runs import results as results_module
from payroll.runs.inputs import StagedInputs
from payroll.runs.prechecks import PrecheckInput
from payroll.runs.results import StoredResults
from payroll.store.models import HELD, PAID  # the pay states, beside their column

BuildFn = Callable[[StagedInputs], Any]  # returns an object with .workers, .items, .warnings (MonthBuild)
Precheck = Callable[[PrecheckInput], None]  # raises payroll.runs.prechecks.RunRefused
RETRO_CODE = "retroactive_pay"
ITEM_COLUMNS = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}
ROSTER_COLUMNS = ("name", "department", "job", "bank", "account")


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
    """The production build: roster + contracts + attendance → :class:`payroll.timesheet.monthly.MonthBuild`.
    A ``scheduled`` decision turns each open error day of its worker into the contract's shift, so the
    month's attendance is checked once more with those days (only when such a decision exists; the
    exports are read and paired once, then corrected twice)."""
    from payroll.attendance.profile_files import catalog
    from payroll.timesheet.monthly import MonthInputs, build_month, check_month_attendance, month_exports

    roster = inputs_module.load_month_roster(staged.roster, staged.contracts, staged.resignations)
    # the installation's profiles as the run stored them (none stored: the bundled ones only)
    profiles = catalog(staged.profiles_dir or Path(staged.root) / inputs_module.INSTALLATION_PROFILES_DIR)
    month_inputs = MonthInputs(
        month=staged.month, pay_date=staged.pay_date, roster=roster, attendance=staged.attendance,
        corrections=staged.corrections, leave=staged.leave, overtime=staged.overtime, profile=staged.profile, profiles=profiles,
    )
    decided = decisions_module.load_decisions(staged.decisions, roster)
    # the build's check is the run's only read of the exports: they are not kept past it
    month_inputs = dataclasses.replace(month_inputs, keep_exports=False)
    if any(d.decision == decisions_module.SCHEDULED for d in decided.values()):
        exports = month_exports(month_inputs)
        first = check_month_attendance(month_inputs, exports=exports)
        month_inputs = dataclasses.replace(month_inputs, extra_corrections=decisions_module.scheduled_corrections(first.exceptions, decided, roster))
        return build_month(month_inputs, checked=check_month_attendance(month_inputs, exports=exports))
    return build_month(month_inputs)


def employer_of(staged: StagedInputs) -> Employer:
    """The employer's settings of the run (``employer.toml`` of the inputs, validated)."""
    if staged.employer is None:
        raise InputError(f"{staged.root}/employer.toml: 사업장 설정 파일이 없습니다 (docs/runs.md)")
    return load_employer(staged.employer)


@dataclass
class Computed:
    frame: pl.DataFrame  # the engine's output, one row per worker-month (every column: the trace)
    items: pl.DataFrame  # row, code, label, amount, method, minutes (retroactive lines included)
    stored: StoredResults  # what the run record keeps per worker-month: the row, its items and its trace, interned
    law: Law  # the rules the month was computed (and its trace read) with
    extra_traces: dict[int, list[dict]] = field(default_factory=dict)  # by row: the trace entries made outside the pipeline
    warnings: list[str] = field(default_factory=list)
    employer: dict = field(default_factory=dict)  # the payslips' employer block (payroll.employer.Employer.payslip_block)
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

    @property
    def paid(self) -> pl.DataFrame:
        """The rows paid this month (a held worker's row is recorded, not paid)."""
        return self.frame.filter(pl.col("pay_state") != HELD) if "pay_state" in self.frame.columns else self.frame

    def held(self) -> list[dict]:
        """The held workers: worker id, name, the net pay not transferred, and the decision's note."""
        if "pay_state" not in self.frame.columns:
            return []
        rows = self.frame.filter(pl.col("pay_state") == HELD).select("worker_id", "name", "net_pay", "attendance_note")
        return [{"worker_id": r[0], "name": r[1], "net_pay": int(r[2]), "note": r[3]} for r in rows.iter_rows()]

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
            raise InputError(f"계산의 지급 항목 표에 열 {name!r}이(가) 없습니다")
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    return items.select(cols)


def _adjustments(staged: StagedInputs) -> list[dict]:
    if staged.adjustments is None:
        return []
    return json.loads(Path(staged.adjustments).read_text(encoding="utf-8"))


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


def _with_business(workers: pl.DataFrame, roster, month: str) -> pl.DataFrame:
    """The 사업 (budget line) of each worker's month: the contract in force on the month's last day,
    else the last contract that reaches into the month (the register's 사업 subtotals read it)."""
    first, last = history_module.month_range(month)
    table = {}
    for wid in roster.workers:
        cs = roster.contracts_in_month(wid, first, last)
        current = roster.contract_on(wid, last) or (cs[-1] if cs else None)
        table[wid] = current.business if current is not None and current.business else None
    frame = pl.DataFrame({"worker_id": list(table), "business": list(table.values())}, schema={"worker_id": pl.Utf8, "business": pl.Utf8})
    return workers.drop("business", strict=False).join(frame, on="worker_id", how="left")


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


def exceptions_report(exceptions: pl.DataFrame | None, staged: StagedInputs, roster=None) -> dict[str, bytes]:
    """The month's attendance exceptions (decisions applied) as a run output, when the build has them.
    File names are given relative to the inputs directory (a replay reads them from elsewhere)."""
    if exceptions is None:
        return {}
    from payroll.attendance.report import exceptions_workbook

    return {"attendance/exceptions.xlsx": exceptions_workbook(exceptions, roster, root=Path(staged.root))}


def _decision_columns(frame: pl.DataFrame, exceptions: pl.DataFrame | None, decided: dict, warnings: list[str]) -> pl.DataFrame:
    """``pay_state`` (paid | held) and ``attendance_note`` (the decision the payslip and register print)."""
    workers = frame.get_column("worker_id").to_list()
    notes = decisions_module.decision_notes(exceptions if exceptions is not None else pl.DataFrame(schema={
        "worker_id": pl.Utf8, "date": pl.Date, "code": pl.Utf8, "severity": pl.Utf8, "resolved_by": pl.Utf8}), decided, workers)
    held = sorted(w for w, d in decided.items() if d.decision == decisions_module.HOLD and w in set(workers))
    present = set(workers)
    for wid, d in sorted(decided.items()):
        if wid in present:
            warnings.append(f"{wid}: {d.label} — {d.reason}" + (" (이 달 이체하지 않음)" if d.decision == decisions_module.HOLD else ""))
        elif d.decision != decisions_module.AS_PUNCHED:
            warnings.append(f"{wid}: {d.label} 결정이 있지만 이 달 계산 대상이 아닙니다 (decisions.csv {d.line}행)")
    return frame.with_columns(
        pl.when(pl.col("worker_id").is_in(held)).then(pl.lit(HELD)).otherwise(pl.lit(PAID)).alias("pay_state"),
        pl.col("worker_id").replace_strict(notes, default=None, return_dtype=pl.Utf8).alias("attendance_note"),
    )


def compute_month(staged: StagedInputs, build: BuildFn, ctx: Context, precheck: Precheck | None = None) -> Computed:
    """Build the month from the staged files, apply the decisions and the prechecks, add the carried
    소급분 lines, 연차수당 and welfare items, compute every worker at once; then the leavers'
    settlement and 퇴직금, and compute again."""
    employer = employer_of(staged)
    roster = inputs_module.load_month_roster(staged.roster, staged.contracts, staged.resignations)
    decided = decisions_module.load_decisions(staged.decisions, roster)
    built = build(staged)
    shortfalls = getattr(built, "minimum_wage_shortfalls", ())
    if shortfalls:
        raise BelowMinimumWage(staged.month, shortfalls)
    exceptions = getattr(built, "exceptions", None)
    if exceptions is not None:
        exceptions = decisions_module.mark_decided(exceptions, decided)
    if precheck is not None:
        precheck(PrecheckInput(month=staged.month, root=Path(staged.root), exceptions=exceptions, roster=roster))
    workers: pl.DataFrame = built.workers
    items = _items_frame(built.items)
    warnings = list(getattr(built, "warnings", ()))
    expected = employer.pay_date_for(staged.month, ctx.law)
    if staged.pay_date != expected:
        warnings.append(f"지급일 {staged.pay_date.isoformat()}: 사업장 설정의 임금지급일 ({employer.pay_day_text()}, 이 달은 {expected.isoformat()})과 다릅니다")
    if workers.height == 0:
        raise InputError(f"{staged.month}: 계산할 근로자가 없습니다 (명부 {staged.roster})")
    if "worker_id" not in workers.columns or "row" not in workers.columns:
        raise InputError("계산의 근로자 표에 'row'와 'worker_id' 열이 필요합니다")
    workers = _with_business(_with_roster_columns(workers, roster), roster, staged.month)
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
            f"{r['worker_id']}: 소급분 {r['amount']:,}원 ({r['method']})을 {month}에 지급하지 못함 — 이 달 급여가 없는 근로자; 따로 정산하세요")))
    payouts = extras.leave_payouts(staged, roster, getattr(built, "timesheet", None), ctx, warnings)
    if payouts.height:
        parts.append(extras.attach(extras.leave_lines(payouts), row_of, warnings, lambda r: (
            f"{r['worker_id']}: 연차수당 {r['amount']:,}원 ({r['method']})을 {month}에 지급하지 못함 — 이 달 급여가 없는 근로자; 따로 정산하세요")))
    welfare = extras.welfare_lines(staged)
    if welfare.height:
        parts.append(extras.attach(welfare, row_of, warnings, lambda r: (
            f"{r['worker_id']}: {r['code']} {r['amount']:,}원을 {month}에 지급하지 못함 — 이 달 급여가 없는 근로자; 다음 실행까지 남겨 둡니다")))
    items = pl.concat(parts) if len(parts) > 1 else items
    workers, year_end_traces = extras.apply_year_end(staged, workers, row_of, warnings)
    frame = compute(workers, items, ctx)
    leaving_pay = {r["worker_id"]: int(r["amount"]) for r in payouts.filter(pl.col("reason") == "leaving").group_by("worker_id").agg(pl.col("amount").sum()).to_dicts()}
    leavers = extras.settle_leavers(staged, roster, frame, items, leaving_pay, ctx, warnings)
    extra_traces: dict[int, list[dict]] = dict(year_end_traces)
    if leavers is not None and leavers.columns.height:
        workers = extras.apply_leavers(workers, leavers)
        if leavers.items.height:
            items = pl.concat([items, leavers.items])
        frame = compute(workers, items, ctx)
        extra_traces = _merge_traces(extra_traces, leavers.traces)
    elif leavers is not None:
        extra_traces = _merge_traces(extra_traces, leavers.traces)
    frame = _decision_columns(frame, exceptions, decided, warnings)
    for r in frame.filter(pl.col("net_pay") < 0).select("worker_id", "net_pay").iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 공제 합계가 이달 지급액보다 {-r['net_pay']:,}원 많음 — 이체 0원; "
                        f"그 금액은 근로자 부담분으로 다음 급여에서 공제하거나 본인이 납부 (근로기준법 §43①)")
    items = items.with_columns(item_labels(ctx.catalogue).alias("label"))
    items = items.select("row", "code", "label", "amount", "method", "minutes")
    stored = results_module.encode(frame, items, ctx.law, extra_traces)
    return Computed(frame=frame, items=items, stored=stored, law=ctx.law, extra_traces=extra_traces, warnings=warnings,
                    employer=employer.payslip_block(), render_outputs=lambda: exceptions_report(exceptions, staged, roster))


def _merge_traces(a: dict[int, list[dict]], b: dict[int, list[dict]]) -> dict[int, list[dict]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out
