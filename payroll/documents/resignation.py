"""중도포기서 (resignation before the contract ends) and its register.

Recording a 중도포기서 appends it to ``<data>/resignations.csv`` (worker_id, contract_id,
last_working_day, reason, submitted_on); the last working day recorded there is the worker's
leaving date, which the settlement (``payroll settle``) and severance read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from payroll.security.cells import csv_writer
from payroll.case import InputError
from payroll.documents.office import korean_date
from payroll.employer import Employer
from payroll.documents.pdf import Doc, render
from payroll.roster import Contract, Worker

REGISTER = "resignations.csv"
COLUMNS = ("worker_id", "contract_id", "last_working_day", "reason", "submitted_on")


@dataclass(frozen=True)
class Resignation:
    worker_id: str
    contract_id: str
    last_working_day: dt.date
    reason: str
    submitted_on: dt.date


def validate(worker: Worker, contract: Contract, last_day: dt.date, reason: str, submitted: dt.date) -> Resignation:
    if not reason.strip():
        raise InputError("--reason: 중도포기서에는 사유가 필요합니다")
    if not contract.covers(last_day):
        raise InputError(f"--last-day: {last_day}이(가) 계약 {contract.contract_id}의 기간 밖입니다 ({contract.start} … {contract.end or ''})")
    if contract.end is not None and last_day >= contract.end:
        raise InputError(f"--last-day: {last_day}이(가) 계약 종료일 {contract.end}보다 앞서지 않습니다; 기간 전 중도포기가 아닙니다")
    return Resignation(worker.worker_id, contract.contract_id, last_day, reason.strip(), submitted)


def resignation_data(worker: Worker, contract: Contract, r: Resignation, office: Employer) -> dict[str, Any]:
    return {
        "document": "중도포기서",
        "worker": {"worker_id": worker.worker_id, "name": worker.name, "birth_date": worker.birth_date.isoformat(), "department": worker.department, "job": worker.job},
        "contract": {"contract_id": contract.contract_id, "start": contract.start.isoformat(), "end": contract.end.isoformat() if contract.end else None, "duties": contract.duties},
        "last_working_day": r.last_working_day.isoformat(),
        "reason": r.reason,
        "submitted_on": r.submitted_on.isoformat(),
        "addressee": office.representative,
    }


def resignation_pdf(worker: Worker, contract: Contract, r: Resignation, office: Employer) -> bytes:
    def build(doc: Doc) -> None:
        doc.title("중 도 포 기 서")
        doc.kv([("성명", worker.name), ("생년월일", worker.birth_date.isoformat()), ("소속", worker.department), ("사원번호", worker.worker_id),
                ("직무", contract.duties or worker.job or "—"), ("계약번호", contract.contract_id),
                ("계약기간", f"{korean_date(contract.start)} ~ {korean_date(contract.end) if contract.end else '기간의 정함 없음'}"),
                ("최종 근무일", korean_date(r.last_working_day))], columns=2)
        doc.heading("중도포기 사유")
        doc.paragraph(r.reason)
        doc.spacer(4)
        doc.paragraph(f"본인은 위 근로계약 기간 중 개인 사정으로 {korean_date(r.last_working_day)}까지 근무하고 근로계약을 중도 포기하고자 이 서류를 제출합니다.")
        doc.spacer(6)
        doc.paragraph(f"제출일: {korean_date(r.submitted_on)}")
        doc.spacer(3)
        doc.kv([("제출인 (근로자)", f"{worker.name}   (서명 또는 인)"), ("확인 (소속 부서장)", "(서명 또는 인)")], columns=2)
        doc.spacer(6)
        doc.paragraph(f"{office.representative} 귀하")

    return render(build, title=f"중도포기서 {worker.worker_id}", author=office.name, footer=f"{office.name} · 중도포기서 {worker.worker_id} {contract.contract_id}")


def read_register(data_dir: Path) -> list[Resignation]:
    path = Path(data_dir) / REGISTER
    return read_register_file(path) if path.exists() else []


def read_register_file(path: Path) -> list[Resignation]:
    from payroll.csvfile import read_rows

    path = Path(path)
    out = []
    for line, row in read_rows(path, COLUMNS):
        try:
            out.append(Resignation(row["worker_id"], row["contract_id"], dt.date.fromisoformat(row["last_working_day"]),
                                   row["reason"], dt.date.fromisoformat(row["submitted_on"])))
        except ValueError as exc:
            raise InputError(f"{path}: {line}행: {exc}") from None
    return out


def record(data_dir: Path, r: Resignation) -> Path:
    """Append to the register (one line per 중도포기서; the same contract twice is refused)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if any(x.contract_id == r.contract_id for x in read_register(data_dir)):
        raise InputError(f"{data_dir / REGISTER}: 계약 {r.contract_id}의 중도포기서가 이미 기록되어 있습니다")
    path = data_dir / REGISTER
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv_writer(fh)
        if new:
            w.writerow(COLUMNS)
        w.writerow([r.worker_id, r.contract_id, r.last_working_day.isoformat(), r.reason, r.submitted_on.isoformat()])
    return path


def leaving_date(data_dir: Path, worker_id: str) -> dt.date | None:
    """The last working day recorded for the worker (the latest, if several)."""
    days = [r.last_working_day for r in read_register(data_dir) if r.worker_id == worker_id]
    return max(days) if days else None
