"""What a run checks before it computes the month: each check returns findings; any finding refuses.

Nothing is paid silently wrong: a month whose attendance still has open errors (a missing 퇴근 paid
as nothing, a punch of an id not on the roster…) is not computed. Each open error is either
corrected (``MONTH/corrections.csv``) or its worker gets a decision (``MONTH/decisions.csv``:
hold, scheduled, as_punched — payroll.runs.decisions). The refusal lists every open error with its
worker, day, kind and row; the CLI exits 1, the console shows the list with a link to fix each.

A check is a function ``(PrecheckInput) -> list[Finding]``; :data:`CHECKS` lists those a run makes,
in order (another kind of check is added beside :func:`attendance_findings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from payroll.case import InputError


@dataclass(frozen=True)
class Finding:
    """One reason not to compute the month."""

    kind: str  # "attendance"
    code: str  # e.g. missing_out
    label: str  # 퇴근 기록 없음
    detail: str  # 출근 08:50만 있음
    worker_id: str | None = None
    name: str = ""
    department: str = ""
    date: dt.date | None = None
    where: str = ""  # file:row, relative to the inputs directory

    def text(self) -> str:
        day = self.date.isoformat() if self.date else "일자 없음"
        who = " ".join(x for x in (self.worker_id or "(빈칸)", self.name) if x)
        return f"{who}  {day}  {self.label} — {self.detail}" + (f"  ({self.where})" if self.where else "")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "label": self.label, "detail": self.detail, "worker_id": self.worker_id,
                "name": self.name, "department": self.department, "date": self.date.isoformat() if self.date else None, "where": self.where}


@dataclass(frozen=True)
class PrecheckInput:
    month: str
    root: Path  # the inputs directory (file names in findings are relative to it)
    exceptions: pl.DataFrame | None  # the build's attendance exceptions, decisions applied (payroll.runs.decisions.mark_decided)
    roster: object = None
    extra: dict = field(default_factory=dict)


class RunRefused(InputError):
    """The month was not computed: findings remain (the CLI exits 1 and lists them)."""

    exit_code = 1

    def __init__(self, month: str, findings: list[Finding]):
        self.month = month
        self.findings = findings
        super().__init__(refusal_text(month, findings))


def _relative(text: str, root: Path) -> str:
    for r in sorted({str(root), str(Path(root).resolve())}, key=len, reverse=True):
        text = text.replace(r.rstrip("/") + "/", "")
    return text


def attendance_findings(given: PrecheckInput) -> list[Finding]:
    """Every attendance error neither corrected nor covered by its worker's decision."""
    exc = given.exceptions
    if exc is None or exc.height == 0:
        return []
    open_errors = exc.filter((pl.col("severity") == "error") & pl.col("resolved_by").is_null())
    workers = getattr(given.roster, "workers", {}) or {}
    out = []
    for r in open_errors.sort("worker_id", "date", "source", "line", nulls_last=True).iter_rows(named=True):
        w = workers.get(r["worker_id"]) if r["worker_id"] else None
        where = f"{_relative(str(r['source']), given.root)}:{r['line']}" if r.get("source") else ""
        out.append(Finding(
            kind="attendance", code=r["code"], label=r.get("label") or r["code"], detail=str(r.get("detail") or ""),
            worker_id=r["worker_id"], name=getattr(w, "name", "") if w else "", department=getattr(w, "department", "") if w else "",
            date=r["date"], where=where,
        ))
    return out


#: the checks a run makes before computing, in order
CHECKS: tuple[Callable[[PrecheckInput], list[Finding]], ...] = (attendance_findings,)


def run_prechecks(given: PrecheckInput, checks=CHECKS) -> list[Finding]:
    return [f for check in checks for f in check(given)]


def refuse_if_any(given: PrecheckInput, checks=CHECKS) -> None:
    findings = run_prechecks(given, checks)
    if findings:
        raise RunRefused(given.month, findings)


def refusal_text(month: str, findings: list[Finding]) -> str:
    """The refusal as the CLI prints it: a headline, what to do, then the errors grouped by worker."""
    workers = sorted({f.worker_id or "(빈칸)" for f in findings if f.kind == "attendance"})
    lines = [
        f"{month}: 계산하지 않았습니다 — 미해결 근태 오류 {len(findings)}건 (근로자 {len(workers)}명).",
        "각 오류를 정정하거나 (MONTH/corrections.csv: worker_id,date,in,out,reason — 출근이나 퇴근 하나만 적어도 됨)",
        "근로자별로 결정하세요 (MONTH/decisions.csv: worker_id,decision,reason — decision: hold 지급 보류 | scheduled 소정근로시간대로 지급 | as_punched 기록대로 지급):",
    ]
    current = None
    for f in findings:
        key = f.worker_id or "(빈칸)"
        if key != current:
            current = key
            head = " ".join(x for x in (key, f.name, f"({f.department})" if f.department else "(명부에 없는 사번)") if x)
            lines.append(f"  {head}")
        day = f.date.isoformat() if f.date else "일자 없음"
        lines.append(f"    {day}  {f.label} — {f.detail}" + (f"  [{f.where}]" if f.where else ""))
    return "\n".join(lines)
