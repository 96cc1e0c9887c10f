"""What ``payroll yearend YEAR`` writes: OUT/yearend/YEAR/BATCH_ID/

- ``summary.json`` — the counts and totals of the batch; ``results.json`` — every settled worker's row
  (each step a field) with the trace; ``exceptions.xlsx`` / ``exceptions.json`` — the list to work through;
- ``receipts/withholding-WID-YEAR.pdf|.json`` — the 근로소득 원천징수영수증 of every settled worker
  (all pages, the 정산명세 and the 계산 근거); ``원천징수영수증-YEAR.xlsx`` — all of them in one workbook
  (a row per worker, a column per line); one worker's own XLSX is in the console and ``yearend show --xlsx``;
- ``declarations/declaration-WID-YEAR.pdf|.json`` — the 소득·세액공제신고서 as submitted (the version used);
- ``SHA256SUMS`` — every file's hash (the batch's own record of what it wrote).

The receipts are rendered over the same process pool as the payslips (payroll.runs.outputs
``render_payslips``); each document is deterministic, so the same batch gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from payroll.documents.office import Office, load_office
from payroll.documents.xlsx import BOLD, HEADER_FILL, stamp_for, workbook_bytes
from payroll.security.cells import append_row, set_cell
from payroll.settlement.engine import Settlement
from payroll.yearend.annual import YearEnd

EXCEPTION_HEADERS = (("worker_id", "사번"), ("name", "성명"), ("severity", "구분"), ("code", "코드"), ("message", "내용"))


def period_of(roster, worker_id: str, year: int) -> tuple[dt.date, dt.date]:
    """근무기간 of the year at this employer: from the first day a contract covers in the year to 31 December."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    starts = [max(c.start, first) for c in roster.contracts_of(worker_id) if c.start <= last and (c.end is None or c.end >= first)]
    return (min(starts) if starts else first), last


def non_taxable_codes(ye: YearEnd) -> dict[str, dict[str, int]]:
    return {r["worker_id"]: {"P01": int(r["nt_P01"] or 0), "Q01": int(r["nt_Q01"] or 0)} for r in ye.frame.select("worker_id", "nt_P01", "nt_Q01").to_dicts()}


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode()


def exceptions_xlsx(ye: YearEnd, issued: dt.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "예외"
    for j, (_, label) in enumerate(EXCEPTION_HEADERS, start=1):
        cell = set_cell(ws, 1, j, label)
        cell.font, cell.fill = BOLD, HEADER_FILL
    names = {wid: w.name for wid, w in ye.roster.workers.items()} if ye.roster else {}
    for i, e in enumerate(ye.exceptions, start=2):
        values = {**e, "name": names.get(e["worker_id"], "")}
        for j, (key, _) in enumerate(EXCEPTION_HEADERS, start=1):
            set_cell(ws, i, j, str(values.get(key, "")))  # never a live formula
    for col, width in zip("ABCDE", (10, 10, 6, 26, 110)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    return workbook_bytes(wb, stamp_for(issued))


def settlements(ye: YearEnd) -> list[Settlement]:
    return [Settlement(worker_id=r["worker_id"], year=ye.year, path=r["path"], row=r, trace=ye.traces[r["worker_id"]]) for r in ye.frame.to_dicts()]


def _receipt_job(ye: YearEnd, s: Settlement, nt: dict, issued: dt.date) -> dict[str, Any]:
    """What one receipt needs, as plain data (it crosses to a rendering process)."""
    wid = s.worker_id
    decl = ye.declarations.get(wid)
    start, end = period_of(ye.roster, wid, ye.year)
    return {"worker": ye.roster.workers[wid].model_dump(mode="json"), "year": ye.year, "path": s.path, "row": s.row,
            "claims": decl.model().model_dump(mode="json") if decl else None, "meta": decl.meta() if decl else None,
            "non_taxable": nt.get(wid, {}), "period": [start.isoformat(), end.isoformat()], "issued": issued.isoformat()}


def _unpack(job: dict, trace: list[dict]):
    from payroll.roster import Worker
    from payroll.settlement.declaration import ClaimsIn

    worker = Worker.model_validate(job["worker"])
    s = Settlement(worker_id=worker.worker_id, year=job["year"], path=job["path"], row=job["row"], trace=trace)
    claims = ClaimsIn.model_validate(job["claims"]) if job["claims"] else None
    period = (dt.date.fromisoformat(job["period"][0]), dt.date.fromisoformat(job["period"][1]))
    return worker, s, claims, period, dt.date.fromisoformat(job["issued"])


def render_receipt(job: dict, _items: list, trace: list[dict], employer: dict) -> bytes:
    """One 원천징수영수증 PDF (module level: the process pool of payroll.runs.outputs calls it)."""
    from payroll.documents.withholding_receipt import withholding_pdf

    worker, s, claims, period, issued = _unpack(job, trace)
    return withholding_pdf(worker, s, Office(**employer), period, issued, claims=claims, non_taxable=job["non_taxable"], leaving=False)


def receipt_data(job: dict, trace: list[dict], office: Office) -> dict[str, Any]:
    from payroll.documents.withholding_receipt import withholding_data

    worker, s, claims, period, issued = _unpack(job, trace)
    return withholding_data(worker, s, office, period, issued, claims=claims, non_taxable=job["non_taxable"], leaving=False)


def receipt_jobs(ye: YearEnd, issued: dt.date, worker_ids: set[str] | None = None) -> list[tuple[dict, list[dict]]]:
    nt = non_taxable_codes(ye)
    return [(_receipt_job(ye, s, nt, issued), s.trace) for s in settlements(ye) if worker_ids is None or s.worker_id in worker_ids]


def receipts_xlsx(ye: YearEnd, datas: list[dict[str, Any]], issued: dt.date) -> bytes:
    """Every worker's 원천징수영수증 in one workbook: 정산명세 (a row per worker, a column per line) and 세액명세."""
    wb = Workbook(write_only=True)
    lines = datas[0]["lines"] if datas else []
    ws = wb.create_sheet("정산명세")
    append_row(ws, ["사번", "성명", "주민등록번호", "근무기간", "연말정산 구분", *[x["label"] for x in lines], "실효세율", "적용 경로"])
    for d in datas:
        e = d["earner"]
        append_row(ws, [e["worker_id"], e["name"], e["rrn"], " ~ ".join(d["workplace_income"]["period"]), d["settlement_kind"],
                   *[x["amount"] for x in d["lines"]], d["settlement"]["effective_tax_rate"], d["settlement"]["path"]])
    ws = wb.create_sheet("공제대상금액·인원")
    keyed = [x for x in lines if x["base"] is not None or x["count"] is not None]
    append_row(ws, ["사번", *[f"{x['label']} ({'인원' if x['count'] is not None else '공제대상금액'})" for x in keyed]])
    for d in datas:
        by = {x["key"]: x for x in d["lines"]}
        append_row(ws, [d["earner"]["worker_id"], *[by[x["key"]]["count"] if x["count"] is not None else by[x["key"]]["base"] for x in keyed]])
    ws = wb.create_sheet("세액명세")
    append_row(ws, ["사번", "성명", "결정세액 소득세", "결정세액 지방소득세", "기납부 소득세", "기납부 지방소득세", "차감징수 소득세", "차감징수 지방소득세"])
    for d in datas:
        t = d["tax"]
        append_row(ws, [d["earner"]["worker_id"], d["earner"]["name"], t["income_tax"]["determined"], t["local_income_tax"]["determined"],
                   t["income_tax"]["paid"], t["local_income_tax"]["paid"], t["income_tax"]["due"], t["local_income_tax"]["due"]])
    return workbook_bytes(wb, stamp_for(issued))


def declaration_files(ye: YearEnd, office: Office, issued: dt.date) -> dict[str, bytes]:
    from payroll.documents.deduction_declaration import declaration_data, declaration_pdf

    out = {}
    for wid, decl in sorted(ye.declarations.items()):
        if wid not in ye.traces or wid not in ye.roster.workers:
            continue
        worker, model = ye.roster.workers[wid], decl.model()
        stem = f"declarations/declaration-{wid}-{ye.year}"
        out[f"{stem}.pdf"] = declaration_pdf(worker, model, office, decl.meta(), issued)
        out[f"{stem}.json"] = _json(declaration_data(worker, model, office, decl.meta(), issued))
    return out


def write_year_end(ye: YearEnd, batch_id: str, out_root: Path, issued: dt.date, *, documents: bool = True,
                   jobs: int | None = None, progress: bool = False, office: Office | None = None) -> tuple[Path, dict[str, str]]:
    """Write the batch's files into OUT/yearend/YEAR/BATCH_ID (module docstring); (folder, {file: sha256})."""
    from payroll.runs.outputs import render_payslips

    target = Path(out_root) / "yearend" / str(ye.year) / batch_id
    files: dict[str, bytes] = {
        "summary.json": _json({**ye.summary, "batch_id": batch_id, "issued_on": issued.isoformat()}),
        "results.json": _json([{"row": r, "trace": ye.traces[r["worker_id"]]} for r in ye.frame.to_dicts()]),
        "exceptions.json": _json(ye.exceptions),
        "exceptions.xlsx": exceptions_xlsx(ye, issued),
    }
    sums: dict[str, str] = {}
    if documents and ye.frame.height:
        office = office or load_office()
        work = receipt_jobs(ye, issued)
        names = [f"receipts/withholding-{j['worker']['worker_id']}-{ye.year}.pdf" for j, _ in work]
        employer = {k: getattr(office, k) for k in office.__dataclass_fields__}
        target.mkdir(parents=True, exist_ok=True)
        sums.update(render_payslips(target, names, [(j, [], t) for j, t in work], employer, render_receipt,
                                    progress=progress, jobs=jobs, folder="receipts"))
        datas = [receipt_data(j, t, office) for j, t in work]
        for (j, _), d in zip(work, datas):
            files[f"receipts/withholding-{j['worker']['worker_id']}-{ye.year}.json"] = _json(d)
        files[f"원천징수영수증-{ye.year}.xlsx"] = receipts_xlsx(ye, datas, issued)
        files.update(declaration_files(ye, office, issued))
    for name, data in sorted(files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    (target / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())), encoding="utf-8")
    return target, sums


def stored_receipt(session, year: int, worker_id: str, issued: dt.date, office: Office | None = None) -> tuple[bytes, bytes, dict[str, Any]]:
    """(PDF, XLSX, data) of one worker's 원천징수영수증 from the year's latest batch as stored (console, ``yearend receipt``)."""
    from payroll.documents.data_xlsx import data_workbook
    from payroll.yearend import records
    from payroll.yearend.stored import employed_on

    _, result = records.worker_result(session, year, worker_id)
    payload = records.result_payload(result)
    roster, _ = employed_on(session, dt.date(year, 12, 31))
    decl = session.get(records.Declaration, result.declaration_id) if result.declaration_id else None
    row = payload["row"]
    nt = {worker_id: {"P01": int(row.get("nt_P01") or 0), "Q01": int(row.get("nt_Q01") or 0)}}
    start, end = period_of(roster, worker_id, year)
    job = {"worker": roster.workers[worker_id].model_dump(mode="json"), "year": year, "path": payload["row"]["path"], "row": payload["row"],
           "claims": decl.model().model_dump(mode="json") if decl else None, "non_taxable": nt.get(worker_id, {}),
           "period": [start.isoformat(), end.isoformat()], "issued": issued.isoformat()}
    office = office or load_office(session=session)  # else the employer's settings the runs stored (payroll.employer.find_employer)
    data = receipt_data(job, payload["trace"], office)
    return render_receipt(job, [], payload["trace"], {k: getattr(office, k) for k in office.__dataclass_fields__}), data_workbook(data, issued), data
