"""The clerk's decisions on attendance errors left open: ``MONTH/decisions.csv``.

A run refuses a month with open attendance errors (payroll.runs.prechecks). Each error is either
corrected (``corrections.csv``) or its worker gets one decision for the month, with a reason::

    worker_id,decision,reason
    T00035,scheduled,부서장 확인: 6월 9일 정상 근무
    T00016,hold,근무 기록 확인 중 — 확인 후 정정 실행으로 지급
    99999,as_punched,명부에 없는 사번 (시험 등록 지문)

=============  ======================  =================================================================
decision       label                   what the run does
=============  ======================  =================================================================
``hold``       지급 보류                the worker is computed and recorded with the state 보류 (held): no
                                       bank transfer, no withholding line; released later (docs/runs.md)
``scheduled``  소정근로시간대로 지급     each open error's day is paid as the contract schedules it (a
                                       scheduled day: its start–end; any other day: no work)
``as_punched`` 기록대로 지급            the punches are paid as they are (a day without both punches is
                                       not worked time)
=============  ======================  =================================================================

The file is an input of the run like any other (stored by hash): a replay reads the same decisions
and pays the same. A worker id not in the roster (an ``unknown_worker`` error) can only be decided
``as_punched`` — those rows pay nobody; a blank id is written ``(빈칸)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from payroll.case import InputError

HOLD, SCHEDULED, AS_PUNCHED = "hold", "scheduled", "as_punched"
LABELS = {HOLD: "지급 보류", SCHEDULED: "소정근로시간대로 지급", AS_PUNCHED: "기록대로 지급"}
HELP = {
    HOLD: "이 달 지급하지 않음 (이체 없음); 확인 후 다시 계산하거나 정정 실행으로 지급",
    SCHEDULED: "오류가 난 날을 계약의 소정근로시간대로 지급",
    AS_PUNCHED: "기록된 타각대로 지급 (짝이 없는 날은 근무 없음)",
}
BLANK_ID = "(빈칸)"  # how a decision names the rows whose worker id is empty
COLUMNS = ("worker_id", "decision", "reason")
FILE_NAME = "decisions.csv"


@dataclass(frozen=True)
class Decision:
    worker_id: str
    decision: str
    reason: str
    source: str
    line: int

    @property
    def label(self) -> str:
        return LABELS[self.decision]

    @property
    def resolved_by(self) -> str:
        """How the exceptions report names this decision (as a correction is named: file:row (what))."""
        return f"{self.source}:{self.line} ({self.label}: {self.reason})"


def load_decisions(path: Path | None, roster=None) -> dict[str, Decision]:
    """{worker id: decision} from ``decisions.csv``; every problem names the row and the column."""
    if path is None:
        return {}
    from payroll.attendance.checks import read_small_csv

    out: dict[str, Decision] = {}
    for line, r in read_small_csv(Path(path), COLUMNS, "근태 결정"):
        where = f"{path}: {line}행"
        wid, code, reason = r["worker_id"], r["decision"], r["reason"]
        if not wid:
            raise InputError(f"{where}: worker_id (사번): 비어 있습니다 (사번이 빈 행은 {BLANK_ID}로 적습니다)")
        if code not in LABELS:
            raise InputError(f"{where}: decision (결정): {code!r}은(는) 쓸 수 없습니다 — hold (지급 보류), scheduled (소정근로시간대로 지급), as_punched (기록대로 지급) 중 하나")
        if not reason:
            raise InputError(f"{where}: reason (사유): 결정의 사유를 적으세요 (실행 기록과 임금명세서에 남습니다)")
        known = roster is None or wid in roster.workers
        if not known and code != AS_PUNCHED:
            raise InputError(f"{where}: decision (결정): {wid}은(는) 명부에 없는 사번이라 as_punched (기록대로: 아무에게도 지급하지 않음)만 고를 수 있습니다; "
                             "이 사람에게 지급하려면 명부(roster.csv)와 계약(contracts.csv)에 넣으세요")
        if wid in out:
            raise InputError(f"{where}: worker_id (사번): {wid}의 결정이 {out[wid].line}행에도 있습니다 (근로자마다 한 줄)")
        out[wid] = Decision(wid, code, reason, str(path), line)
    return out


def decision_key(worker_id: str | None) -> str:
    return worker_id if worker_id else BLANK_ID


def scheduled_corrections(exceptions: pl.DataFrame, decisions: dict[str, Decision], roster, law=None) -> pl.DataFrame:
    """The corrections a ``scheduled`` decision stands for: each day with an open error of a worker so
    decided becomes the contract's scheduled shift (a day the contract does not schedule, or a paid
    public holiday: no work). A day outside every contract has no schedule and gets no correction."""
    from payroll.attendance.checks import CORR_SCHEMA
    from payroll.holidays import is_paid_holiday

    chosen = {w for w, d in decisions.items() if d.decision == SCHEDULED}
    if not chosen:
        return pl.DataFrame(schema=CORR_SCHEMA)
    days = (
        exceptions.filter((pl.col("severity") == "error") & pl.col("resolved_by").is_null() & pl.col("date").is_not_null()
                          & pl.col("worker_id").is_in(sorted(chosen)))
        .select("worker_id", "date").unique().sort("worker_id", "date")
    )
    rows = []
    for wid, day in days.iter_rows():
        contract = roster.contract_on(wid, day)
        if contract is None:
            continue
        d = decisions[wid]
        in_ts = out_ts = None
        if day.isoweekday() in contract.weekdays and not is_paid_holiday(day, law):
            in_ts = dt.datetime.combine(day, contract.start_time)
            out_ts = dt.datetime.combine(day, contract.end_time)
            if out_ts <= in_ts:
                out_ts += dt.timedelta(days=1)
        rows.append((d.line, wid, day, in_ts, out_ts, f"{d.label}: {d.reason}", d.source))
    return pl.DataFrame(rows, schema=CORR_SCHEMA, orient="row")


def mark_decided(exceptions: pl.DataFrame, decisions: dict[str, Decision]) -> pl.DataFrame:
    """The exceptions with every still-open error of a decided worker marked as resolved by the decision."""
    if not decisions or exceptions.height == 0:
        return exceptions
    table = pl.DataFrame(
        {"_key": list(decisions), "_decided": [d.resolved_by for d in decisions.values()]}, schema={"_key": pl.Utf8, "_decided": pl.Utf8},
    )
    marked = exceptions.with_columns(pl.col("worker_id").fill_null(BLANK_ID).alias("_key")).join(table, on="_key", how="left", maintain_order="left")
    open_error = (pl.col("severity") == "error") & pl.col("resolved_by").is_null()
    return marked.with_columns(
        pl.when(open_error & pl.col("_decided").is_not_null()).then(pl.col("_decided")).otherwise(pl.col("resolved_by")).alias("resolved_by")
    ).drop("_key", "_decided")


def decision_notes(exceptions: pl.DataFrame, decisions: dict[str, Decision], workers: list[str]) -> dict[str, str]:
    """{worker id: the note the payslip and the register print} for each decided worker of the run:
    the decision, the errors it covers (day and kind) and the reason."""
    from payroll.attendance.checks import LABELS as ERROR_LABELS

    errors = exceptions.filter((pl.col("severity") == "error") & pl.col("worker_id").is_not_null())
    by_worker: dict[str, list[str]] = {}
    for wid, day, code, resolved in errors.select("worker_id", "date", "code", "resolved_by").sort("worker_id", "date", nulls_last=True).iter_rows():
        d = decisions.get(wid)
        if d is None or resolved != d.resolved_by:  # a scheduled day is resolved by the same text (payroll.attendance.checks)
            continue
        by_worker.setdefault(wid, []).append(f"{day:%m-%d} {ERROR_LABELS.get(code, code)}" if day else ERROR_LABELS.get(code, code))
    out = {}
    for wid in workers:
        d = decisions.get(wid)
        if d is None:
            continue
        covered = list(dict.fromkeys(by_worker.get(wid, [])))
        what = f" ({', '.join(covered)})" if covered else ""
        out[wid] = f"근태 결정 — {d.label}{what}: {d.reason}"
    return out


def decisions_csv(decisions: list[tuple[str, str, str]]) -> bytes:
    """``decisions.csv`` bytes for (worker id, decision, reason) rows, sorted by worker id."""
    import io

    from payroll.security.cells import csv_writer

    buf = io.StringIO(newline="")
    w = csv_writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in sorted(decisions):
        w.writerow(row)
    return buf.getvalue().encode("utf-8")
