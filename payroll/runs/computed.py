"""A month computed from its staged inputs: build, 소급분, 연차수당, welfare items, leavers, one vectorised pass.

:func:`compute_month` is what a run and a replay both call (payroll.runs.batch, payroll.runs.audit);
:class:`Computed` holds its frame, items and their stored form (payroll.runs.results: the row, items
and trace of every worker as short texts over the run's dictionary).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import polars as pl

from payroll.case import InputError
from payroll.engine.pipeline import compute
from payroll.engine.step import Context
from payroll.engine.wages import item_labels
from payroll.law import Law
from payroll.runs import extras, history as history_module
from payroll.runs import inputs as inputs_module
from payroll.runs import results as results_module
from payroll.runs.inputs import StagedInputs
from payroll.runs.results import StoredResults

BuildFn = Callable[[StagedInputs], Any]  # returns an object with .workers, .items, .warnings (MonthBuild)
RETRO_CODE = "retroactive_pay"
ITEM_COLUMNS = {"row": pl.Int64, "code": pl.Utf8, "amount": pl.Int64, "method": pl.Utf8, "minutes": pl.Int64}


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


@dataclass
class Computed:
    frame: pl.DataFrame  # the engine's output, one row per worker-month (every column: the trace)
    items: pl.DataFrame  # row, code, label, amount, method, minutes (retroactive lines included)
    stored: StoredResults  # what the run record keeps per worker-month: the row, its items and its trace, interned
    law: Law  # the rules the month was computed (and its trace read) with
    extra_traces: dict[int, list[dict]] = field(default_factory=dict)  # by row: the trace entries made outside the pipeline
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
    for r in frame.filter(pl.col("net_pay") < 0).select("worker_id", "net_pay").iter_rows(named=True):
        warnings.append(f"{r['worker_id']}: 공제 합계가 이달 지급액보다 {-r['net_pay']:,}원 많음 — 이체 0원; "
                        f"그 금액은 근로자 부담분으로 다음 급여에서 공제하거나 본인이 납부 (근로기준법 §43①)")
    items = items.with_columns(item_labels(ctx.catalogue).alias("label"))
    items = items.select("row", "code", "label", "amount", "method", "minutes")
    stored = results_module.encode(frame, items, ctx.law, extra_traces)
    return Computed(frame=frame, items=items, stored=stored, law=ctx.law, extra_traces=extra_traces, warnings=warnings,
                    render_outputs=lambda: exceptions_report(built, staged))


def _merge_traces(a: dict[int, list[dict]], b: dict[int, list[dict]]) -> dict[int, list[dict]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out
