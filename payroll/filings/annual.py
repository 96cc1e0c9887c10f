"""근로소득 지급명세서 (소득세법 §164, 시행규칙 별지 제24호서식(1)) as the NTS 전산매체 records of a year.

Layout: the 2,010-byte A/B/C/E records of the **2023년 귀속** 「근로소득 지급명세서 전산매체 제출요령」
as implemented in ParkWooGeun/BOne_AddOn_Csharp PH_PY980.cs at 31381b73 (2024-01-22; layout file
payroll/filings/layouts/annual_2023.tsv). The 2025–2026 귀속 제출요령 was not found; the record
length is reported unchanged for 2025 (filing-layouts.md §3.1 U4), but fields added later in the C
record (e.g. 혼인세액공제 from 2024 귀속) have no place here: a worker with such an amount is listed.

Records: A (제출자) · B (원천징수의무자 집계) · C (주(현)근무처, one per settled worker) followed by its
E records (소득공제 명세: 본인 and each dependant, three per record). Not written: D (종(전)근무처 —
not modelled), F/G/H/I (연금·저축, 월세·주택임차, 기부금 조정·명세): a worker whose 신고서 needs them is
listed, and the file is a pre-check either way — 홈택스 변환 제출 needs the file encrypted with the
NTS module, which is not public.

Values come from the year's latest 연말정산 batch (payroll.yearend.records) through the same
statement of lines as the 원천징수영수증 (payroll.yearend.statement), so the file, the receipts and
``payroll filing check`` agree by construction. 주민등록번호: the full number only when asked for and
the key opens the stored one (payroll.store.personal); otherwise the masked number is written and the
file says it is a pre-check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from payroll import law as law_module
from payroll.case import InputError
from payroll.filings.config import FilingConfig
from payroll.filings.fixed import encode, load_layout
from payroll.security.rrn import is_foreign_number
from payroll.settlement.declaration import ClaimsIn
from payroll.settlement.engine import law_date
from payroll.yearend import records
from payroll.yearend.statement import Line, effective_rate_per_mille, statement

LAYOUT = "annual_2023"
LAYOUT_NOTE = "2023년 귀속 근로소득 지급명세서 전산매체 제출요령 (2,010 bytes; ParkWooGeun/BOne_AddOn_Csharp PH_PY980.cs 31381b73)"
DATA_KIND = "20"
RELATION_CODES = {"self": "0", "ascendant": "1", "spouse": "3", "descendant": "4", "sibling": "6", "recipient": "7", "foster": "8"}
EDUCATION_CODES = {"preschool": "1", "school": "2", "university": "3", "self": "4"}


@dataclass
class AnnualFile:
    name: str
    data: bytes
    year: int
    batch_id: str
    c_rows: list[dict] = field(default_factory=list)  # the C values per worker (for the value sheet)
    notes: list[str] = field(default_factory=list)  # what makes it a pre-check beyond the encryption
    masked: int = 0
    leavers: list[str] = field(default_factory=list)  # the 중도퇴사자 written after the batch's workers (C16 = 2)


def file_name(cfg: FilingConfig) -> str:
    b = cfg.business_number
    return f"C{b[:7]}.{b[7:]}"


def masked13(rrn: str) -> str:
    """'900101-1******' → '9001011******' (13 characters, as the field holds)."""
    return rrn.replace("-", "")[:13].ljust(13, "*") if rrn else "*" * 13


def _c_values(lines: list[Line]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in lines:
        for fid, value in ((x.field, x.amount), (x.base_field, x.base), (x.count_field, x.count)):
            if fid and value is not None:
                out[fid] = out.get(fid, 0) + int(value)
    for fid in ("C151A", "C151B"):  # signed: a sign field and the amount
        v = out.pop(fid, 0)
        out[f"{fid}_1"], out[f"{fid}_2"] = (1 if v < 0 else 0), abs(v)
    return out


def leavers_not_filed(session: Session, year: int, filed: set[str], months=None) -> list[str]:
    """Who was paid 근로소득 in ``year``, left during it and is not in the year-end batch: a 중도퇴사자
    settled in the leaving month's run (일용근로자 are filed by the 일용근로소득 지급명세서 instead).
    ``months``: the year's stored worker-months when the caller has read them already."""
    import polars as pl

    from payroll.yearend.stored import stored_year

    months = stored_year(session, year).months if months is None else months
    if not months.height:
        return []
    left = months.filter(pl.col("leave_date").is_not_null() & (pl.col("income_type").fill_null("regular") != "daily"))
    return sorted(set(left.get_column("worker_id").to_list()) - filed)


@dataclass(frozen=True)
class Leaver:
    """A 중도퇴사자 of the year as the leaving month's run settled them (the same figures as their 원천징수영수증)."""

    worker_id: str
    worker: object  # payroll.roster.Worker
    row: dict
    claims: ClaimsIn | None
    start: dt.date
    end: dt.date
    non_taxable: dict[str, int]
    income_tax: int  # 차감징수세액 (signed)


def leaver_settlements(session: Session, year: int, filed: set[str]) -> tuple[list[Leaver], list[str]]:
    """The year's 중도퇴사자 not in the year-end batch, settled as their leaving month's run settled them
    (:func:`payroll.record.papers.withholding_settlement`, what their 원천징수영수증 prints), and the
    problems of those that could not be (each names the worker)."""
    import polars as pl

    from payroll.record.papers import withholding_settlement
    from payroll.runs.receipts import leaver_claims
    from payroll.yearend.stored import stored_year

    months = stored_year(session, year).months
    out, problems = [], []
    for wid in leavers_not_filed(session, year, filed, months):
        try:
            s, w, (start, end), source = withholding_settlement(session, wid, year)
        except InputError as exc:
            problems.append(f"{wid}: 중도퇴사자를 쓰지 못함 — {exc}")
            continue
        if not source.startswith("run="):  # the record has the worker employed to the year's end after all
            problems.append(f"{wid}: {year}년 중 퇴직했지만 기록에서는 연말까지 재직 — 연말정산 묶음에 넣으세요 (payroll yearend {year})")
            continue
        mine = months.filter(pl.col("worker_id") == wid)
        nt = {"P01": int(mine.get_column("nt_P01").sum() or 0), "Q01": int(mine.get_column("nt_Q01").sum() or 0)}
        claims = leaver_claims(session, source.removeprefix("run="), wid, year)
        out.append(Leaver(wid, w, s.row, claims.model() if claims is not None else None, start, end, nt, s.income_tax))
    return out, problems


def annual_file(session: Session, year: int, cfg: FilingConfig, submitted: dt.date, rrn_of=None) -> AnnualFile:
    """The A/B/C/E records of ``year`` from its latest batch; ``rrn_of(worker_id)`` gives a full number or None."""
    from payroll.yearend.outputs import period_of
    from payroll.yearend.stored import employed_on

    batch = records.latest_batch(session, year)
    if batch is None:
        raise InputError(f"{year}년 연말정산 결과가 없습니다: 먼저 `payroll yearend {year}`를 실행하세요")
    results = records.batch_rows(session, batch.batch_id)
    roster, _ = employed_on(session, dt.date(year, 12, 31))
    ids = [r.declaration_id for r in results if r.declaration_id]
    declarations = {d.id: d for d in session.exec(select(records.Declaration).where(records.Declaration.id.in_(ids))).all()} if ids else {}
    on = law_module.current().on(law_date(year))
    layout = load_layout(LAYOUT)
    biz = cfg.business_number
    cuts: list[str] = []
    notes: list[str] = []
    out = AnnualFile(name=file_name(cfg), data=b"", year=year, batch_id=batch.batch_id)
    body: list[bytes] = []
    totals = {"B012": 0, "B013": 0, "B014": 0, "B015": 0}
    # (worker id, worker, settled row, claims, 근무기간, 비과세 P01/Q01, 연말정산구분 C16: 1 계속근무, 2 중도퇴사)
    entries = []
    for res in results:
        w = roster.workers.get(res.worker_id)
        if w is None:
            raise InputError(f"{res.worker_id}: 연말정산 묶음 {batch.batch_id}에는 있지만 {year}-12 실행의 명부에는 없습니다")
        decl = declarations.get(res.declaration_id)
        entries.append((res.worker_id, w, res.row, decl.model() if decl else None, period_of(roster, res.worker_id, year),
                        {"P01": int(res.row.get("nt_P01") or 0), "Q01": int(res.row.get("nt_Q01") or 0)}, "1"))
    leavers, problems = leaver_settlements(session, year, {r.worker_id for r in results})
    entries += [(x.worker_id, x.worker, x.row, x.claims, (x.start, x.end), x.non_taxable, "2") for x in leavers]
    out.leavers = [x.worker_id for x in leavers]
    notes += problems
    for seq, (wid, w, row, claims, (start, end), non_taxable, kind) in enumerate(entries, start=1):
        lines = statement(row, on, claims, non_taxable)
        full = rrn_of(wid) if rrn_of else None
        rrn = full or masked13(w.rrn_masked)
        out.masked += full is None
        where = f"C record {seq} ({wid})"
        foreign = is_foreign_number(rrn)
        if foreign:
            notes.append(f"{wid}: 외국인등록번호 — 내·외국인 C12 = 9; 국적코드 C14는 명부에 국적이 없어 빈칸: 제출 전 입력")
        c = {"C001": "C", "C002": DATA_KIND, "C003": cfg.tax_office_code, "C004": seq, "C005": biz, "C006": 0, "C007": "1", "C008": "KR",
             "C009": "2", "C010": "2", "C011": w.name, "C012": "9" if foreign else "1", "C013": rrn, "C014": "" if foreign else "KR",
             "C015": "1" if claims is not None and claims.head_of_household else "2", "C016": kind, "C017": "2", "C018": "", "C019": "2",
             "C020": biz, "C021": cfg.office.name, "C022": int(start.strftime("%Y%m%d")), "C023": int(end.strftime("%Y%m%d")),
             "C148": effective_rate_per_mille(int(row["applied_determined_tax"]), int(row["total_pay"])), **_c_values(lines)}
        body.append(encode(layout, "C", c, where, cuts))
        body += _e_records(layout, seq, biz, rrn, w, claims, row, cfg, cuts)
        out.c_rows.append({"worker_id": wid, **c, "C013": masked13(w.rrn_masked)})
        totals["B012"] += c["C072"]
        totals["B013"] += c["C147A"]
        totals["B014"] += c["C147B"]
        if row.get("applied_cr_marriage"):
            notes.append(f"{wid}: 혼인세액공제 {int(row['applied_cr_marriage']):,}원 — 2023년 귀속 레이아웃에 칸이 없음 (세액공제 계 C146에는 포함)")
        if claims is not None and (claims.pension_accounts or claims.rent or claims.housing or claims.donations):
            notes.append(f"{wid}: 연금계좌·월세·주택자금·기부금 명세 (F/G/H/I 레코드)는 이 파일에 없음 — 인증 프로그램에서 입력")
    if leavers:
        notes.append(f"중도퇴사자 {len(leavers):,}명: 퇴사한 달의 run이 정산한 대로 (원천징수영수증과 같은 값), 연말정산구분 C16 = 2")
    a = {"A001": "A", "A002": DATA_KIND, "A003": cfg.tax_office_code, "A004": submitted.strftime("%Y%m%d"), "A005": str(cfg.submitter_kind),
         "A006": cfg.tax_agent_number, "A007": cfg.hometax_id, "A008": cfg.program_code, "A009": biz, "A010": cfg.office.name,
         "A011": cfg.contact_department, "A012": cfg.contact_name, "A013": cfg.contact_phone, "A014": str(year), "A015": 1, "A016": "101"}
    b = {"B001": "B", "B002": DATA_KIND, "B003": cfg.tax_office_code, "B004": 1, "B005": biz, "B006": cfg.office.name,
         "B007": cfg.office.representative, "B008": cfg.corporate_number, "B009": str(year), "B010": len(entries), "B011": 0,
         **totals, "B016": totals["B013"] + totals["B014"] + totals["B015"], "B017": "1"}
    recs = [encode(layout, "A", a, "A record", cuts), encode(layout, "B", b, "B record", cuts), *body]
    out.data = b"".join(r + b"\r\n" for r in recs)
    out.notes = cuts + notes
    return out


def _people(w, claims: ClaimsIn | None, row: dict) -> list[dict]:
    """본인 and the dependants with their per-person amounts (E record order)."""
    me = {"rel": "self", "name": w.name, "rrn": None, "basic": True, "disabled": bool(claims and claims.self_disabled),
          "woman": bool(claims and claims.woman), "single_parent": bool(claims and claims.single_parent), "elderly": False, "birth": 0, "child": False}
    people = [me] + [{"rel": d.relationship, "name": d.name, "rrn": masked13(d.rrn_masked or f"{d.birth_date:%y%m%d}"), "basic": d.basic,
                      "disabled": d.disabled, "woman": False, "single_parent": False,
                      "elderly": d.basic and d.birth_date.year <= int(row["year"]) - 70, "birth": d.birth_order,
                      "child": d.relationship in ("descendant", "foster") and d.basic} for d in (claims.dependants if claims else [])]
    by_name = {p["name"]: p for p in people[1:]}
    for p in people:
        p["amounts"] = {}

    def add(person: str, fid: str, amount: int) -> None:
        target = me if person in ("본인", "") else by_name.get(person, me)
        target["amounts"][fid] = target["amounts"].get(fid, 0) + amount

    add("본인", "E019", int(row["health_insurance"]) + int(row["long_term_care"]))
    add("본인", "E020", int(row["employment_insurance"]))
    for x in claims.insurance if claims else []:
        add(x.person, "E021" if x.kind == "general" else "E022", x.amount)
    for x in claims.medical if claims else []:
        add(x.person, {"premature": "E024", "infertility": "E025"}.get(x.kind, "E026" if x.severe else "E023"), x.amount)
        if x.reimbursed:
            add(x.person, "E027", x.reimbursed)
    for x in claims.education if claims else []:
        add(x.person, "E029" if x.kind == "disabled" else "E028", x.amount)
        target = me if x.person == "본인" else by_name.get(x.person, me)
        target["edu"] = EDUCATION_CODES.get(x.kind, "")
    for x in claims.cards if claims else []:
        for fid, amount in (("E030", x.credit), ("E031", x.debit), ("E032", x.cash_receipt), ("E033", x.culture), ("E035", x.market), ("E037", x.transit)):
            if amount:
                add(x.person, fid, amount)
    donations = sum(x.amount for x in claims.donations) if claims else 0
    if donations:
        add("본인", "E038", donations)
    return people


def _e_records(layout, seq: int, biz: str, rrn: str, w, claims, row: dict, cfg: FilingConfig, cuts: list[str]) -> list[bytes]:
    people = _people(w, claims, row)
    out = []
    for n, start in enumerate(range(0, len(people), 3), start=1):
        e: dict[str, object] = {"E001": "E", "E002": DATA_KIND, "E003": cfg.tax_office_code, "E004": seq, "E005": biz, "E006": rrn, "E175": n}
        for i, p in enumerate(people[start:start + 3], start=1):
            flag = lambda b: "1" if b else ""  # noqa: E731
            e.update({f"E007_{i}": RELATION_CODES[p["rel"]], f"E008_{i}": "9" if is_foreign_number(p["rrn"] or rrn) else "1", f"E009_{i}": p["name"],
                      f"E010_{i}": p["rrn"] or rrn,
                      f"E011_{i}": flag(p["basic"]), f"E012_{i}": flag(p["disabled"]), f"E013_{i}": flag(p["woman"]), f"E014_{i}": flag(p["elderly"]),
                      f"E015_{i}": flag(p["single_parent"]), f"E016_{i}": str(min(p["birth"], 3)) if p["birth"] else "", f"E017_{i}": flag(p["child"]),
                      f"E018_{i}": p.get("edu", "")})
            for fid, amount in p["amounts"].items():
                e[f"{fid}_{i}"] = amount
        out.append(encode(layout, "E", e, f"E record {seq}.{n} ({w.worker_id})", cuts))
    return out
