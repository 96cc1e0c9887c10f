"""What ``payroll yearend YEAR`` writes: OUT/yearend/YEAR/BATCH_ID/

- ``summary.json`` — the counts and totals of the batch; ``results.json`` — every settled worker's row
  (each step a field) with the trace; ``exceptions.xlsx`` / ``exceptions.json`` — the list to work through;
- ``receipts/withholding-WID-YEAR.pdf|.xlsx|.json`` — the 근로소득 원천징수영수증 of every settled worker
  (all pages, the 정산명세 and the 계산 근거);
- ``declarations/declaration-WID-YEAR.pdf|.json`` — the 소득·세액공제신고서 as submitted (the version used);
- ``SHA256SUMS`` — every file's hash (the batch's own record of what it wrote).

The receipts are rendered over the same process pool as the payslips (payroll.runs.payslip_worker)
when there are many; each document is deterministic, so the same batch gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook

from payroll.documents.data_xlsx import data_workbook
from payroll.documents.office import Office, load_office
from payroll.documents.xlsx import BOLD, HEADER_FILL, stamp_for, workbook_bytes
from payroll.settlement.engine import Settlement
from payroll.yearend.annual import YearEnd

EXCEPTION_HEADERS = (("worker_id", "사번"), ("name", "성명"), ("severity", "구분"), ("code", "코드"), ("message", "내용"))


def period_of(roster, worker_id: str, year: int) -> tuple[dt.date, dt.date]:
    """근무기간 of the year at this employer: from the first day a contract covers in the year to 31 December."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    starts = [max(c.start, first) for c in roster.contracts_of(worker_id) if c.start <= last and (c.end is None or c.end >= first)]
    return (min(starts) if starts else first), last


def non_taxable_codes(ye: YearEnd) -> dict[str, dict[str, int]]:
    f = ye.stored.workers
    cols = [c for c in ("nt_P01", "nt_Q01") if c in f.columns]
    return {r["worker_id"]: {c[3:]: int(r[c] or 0) for c in cols} for r in f.select("worker_id", *cols).to_dicts()}


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode()


def exceptions_xlsx(ye: YearEnd, issued: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "예외"
    for j, (_, label) in enumerate(EXCEPTION_HEADERS, start=1):
        cell = ws.cell(row=1, column=j, value=label)
        cell.font, cell.fill = BOLD, HEADER_FILL
    names = {wid: w.name for wid, w in ye.roster.workers.items()} if ye.roster else {}
    for i, e in enumerate(ye.exceptions, start=2):
        values = {**e, "name": names.get(e["worker_id"], "")}
        for j, (key, _) in enumerate(EXCEPTION_HEADERS, start=1):
            text = str(values.get(key, ""))
            ws.cell(row=i, column=j, value=("'" + text) if text[:1] in "=+-@" else text)  # never a live formula
    for col, width in zip("ABCDE", (10, 10, 6, 26, 110)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    return workbook_bytes(wb, stamp_for(issued))


def settlements(ye: YearEnd) -> list[Settlement]:
    return [Settlement(worker_id=r["worker_id"], year=ye.year, path=r["path"], row=r, trace=ye.traces[r["worker_id"]]) for r in ye.frame.to_dicts()]


def receipt_files(ye: YearEnd, office: Office, issued: dt.date, worker_ids: set[str] | None = None) -> dict[str, bytes]:
    """``receipts/…`` and ``declarations/…`` of the settled workers (all, or ``worker_ids``)."""
    from payroll.documents.deduction_declaration import declaration_data, declaration_pdf
    from payroll.documents.withholding_receipt import withholding_data, withholding_pdf

    nt = non_taxable_codes(ye)
    out: dict[str, bytes] = {}
    for s in settlements(ye):
        wid = s.worker_id
        if worker_ids is not None and wid not in worker_ids:
            continue
        worker = ye.roster.workers[wid]
        decl = ye.declarations.get(wid)
        model = decl.model() if decl else None
        period = period_of(ye.roster, wid, ye.year)
        kw = {"claims": model, "non_taxable": nt.get(wid, {}), "leaving": False}
        stem = f"receipts/withholding-{wid}-{ye.year}"
        data = withholding_data(worker, s, office, period, issued, **kw)
        out[f"{stem}.pdf"] = withholding_pdf(worker, s, office, period, issued, **kw)
        out[f"{stem}.json"] = _json(data)
        out[f"{stem}.xlsx"] = data_workbook(data, issued)
        if decl is not None:
            stem = f"declarations/declaration-{wid}-{ye.year}"
            out[f"{stem}.pdf"] = declaration_pdf(worker, model, office, decl.meta(), issued)
            out[f"{stem}.json"] = _json(declaration_data(worker, model, office, decl.meta(), issued))
    return out


def write_year_end(ye: YearEnd, batch_id: str, out_root: Path, issued: dt.date, *, documents: bool = True) -> tuple[Path, dict[str, str]]:
    """Write the batch's files into OUT/yearend/YEAR/BATCH_ID (module docstring); (folder, {file: sha256})."""
    target = Path(out_root) / "yearend" / str(ye.year) / batch_id
    files: dict[str, bytes] = {
        "summary.json": _json({**ye.summary, "batch_id": batch_id, "issued_on": issued.isoformat()}),
        "results.json": _json([{"row": r, "trace": ye.traces[r["worker_id"]]} for r in ye.frame.to_dicts()]),
        "exceptions.json": _json(ye.exceptions),
        "exceptions.xlsx": exceptions_xlsx(ye, issued),
    }
    if documents and ye.frame.height:
        files.update(receipt_files(ye, load_office(), issued))
    sums = {}
    for name, data in sorted(files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    (target / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())), encoding="utf-8")
    return target, sums


def worker_summary(ye: YearEnd) -> pl.DataFrame:
    """One line per settled worker for the console and the command's table."""
    return ye.frame.select("worker_id", "total_pay", "applied_determined_tax", "income_tax_paid", "settlement_income_tax",
                           "settlement_local_income_tax", "path", "claims_filed")
