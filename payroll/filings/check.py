"""``payroll filing check FILE``: validate a 지급명세서 record file — every record's length, codes and
sums, and, with the store, its figures against the year's 연말정산 batch (the run data).

What is checked (근로소득 지급명세서, :mod:`payroll.filings.annual`):

- every record is 2,010 CP949 bytes, of a known kind, every numeric field digits only;
- order: one A, then B, then C records each followed by its E records; A15 = number of B;
  B10 = number of C; 일련번호 C4 = 1, 2, 3 …; E4 = its C's 일련번호, E6 = its C's 주민등록번호;
- codes: 레코드구분, 자료구분 20, one 세무서코드 and 사업자등록번호 throughout, 귀속연도 A14 = B9;
  C7 거주자구분 1/2, C9·C10·C17·C19 1/2, C12 내외국인 1/9, C15 세대주 1/2, C16 연말정산구분 1/2,
  sign fields 0/1, 근무기간 valid dates within the 귀속연도, E7 관계코드 0–8;
- sums within a C record: 계 = 급여 + 상여 + …; 근로소득금액 = 총급여 − 근로소득공제; 특별소득공제 계;
  그 밖의 소득공제 계; 결정세액 = 산출세액 − 세액감면 − 세액공제 (≥ 0); 차감징수세액 = 결정세액 −
  기납부세액, 10원 미만 버림 (a signed amount);
- B totals: 총급여총계 = Σ C 총급여, 결정세액 총계 = Σ C 결정세액 (소득세, 지방소득세, 농특세, 합계);
- against the batch (``against``): the same workers (by 일련번호 order and 성명) with the same 총급여,
  결정세액, 기납부세액 and 차감징수세액 as the stored results — the year-end batch, then the year's
  중도퇴사자 as their leaving month's run settled them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from payroll.filings.fixed import decode, load_layout, split_records

ONE_TWO = {1, 2, "1", "2"}


@dataclass
class CheckReport:
    path: str
    records: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _date_ok(n: object, year: int) -> bool:
    try:
        d = dt.datetime.strptime(str(n).zfill(8), "%Y%m%d").date()
    except ValueError:
        return False
    return d.year == year


def _sum(v: dict, ids) -> int:
    return sum(int(v.get(i) or 0) for i in ids)


def check_annual(data: bytes, path: str, against: list[dict] | None = None) -> CheckReport:
    """``against``: the batch's rows in 일련번호 order (``name``, ``total_pay``, ``determined_tax``, ``paid``, ``due``)."""
    layout = load_layout("annual_2023")
    rep = CheckReport(path=path)
    recs = split_records(data)
    rep.records = len(recs)
    decoded = []
    for i, raw in enumerate(recs, start=1):
        kind, v, problems = decode(layout, raw)
        rep.counts[kind] = rep.counts.get(kind, 0) + 1
        rep.errors += [f"record {i} ({kind}): {p}" for p in problems]
        decoded.append((i, kind, v))
    if not decoded:
        rep.errors.append("빈 파일입니다")
        return rep
    kinds = "".join(k for _, k, _ in decoded)
    if not kinds.startswith("AB") or kinds.count("A") != 1:
        rep.errors.append(f"레코드 순서: A 하나 다음에 B가 와야 합니다 (실제 {kinds[:10]!r}…)")
    a = decoded[0][2]
    year = int(a.get("A014") or 0) if str(a.get("A014") or "").isdigit() else 0
    office, biz = a.get("A003"), a.get("A009")
    c_names = ("C026", "C027", "C028", "C029", "C030", "C031", "C032", "C033", "C034")
    nt_ids = [f.id for f in layout.fields("C") if f.label.startswith("비과세(")]
    special = ["C087B", "C088B", "C089A", "C089B", "C090A", "C090B", "C090C", "C091A", "C091B", "C092A", "C092B", "C092C", "C092D", "C093"]
    other = ["C098", "C099", "C100", "C101", "C102", "C103", "C104", "C105", "C106", "C107", "C108"]
    credits = ["C121", "C122B", "C123B", "C124B", "C125B", "C126B", "C127B", "C140", "C141", "C142", "C143", "C144", "C145B"]
    special_credits = ["C128B", "C129B", "C130B", "C131B", "C132B", "C133B", "C134B", "C135B", "C136B", "C137B", "C138B", "C139B"]
    c_rows: list[tuple[int, dict]] = []
    last_c: dict | None = None
    b_count = 0
    b: dict = {}
    for i, kind, v in decoded:
        where = f"레코드 {i} ({kind})"
        if not v:
            continue
        if v.get(f"{kind}002") not in ("20", 20):
            rep.errors.append(f"{where}: 자료구분 {v.get(f'{kind}002')!r}이(가) 20이 아닙니다")
        if v.get(f"{kind}003") != office:
            rep.errors.append(f"{where}: 세무서코드 {v.get(f'{kind}003')!r}이(가) A 레코드의 {office!r}와 다릅니다")
        if kind == "B":
            b_count += 1
            b = v
            if v.get("B004") != b_count:
                rep.errors.append(f"{where}: B004 일련번호 {v.get('B004')!r} (기대값 {b_count})")
            if v.get("B005") != biz or v.get("B009") != a.get("A014"):
                rep.errors.append(f"{where}: 사업자등록번호나 귀속연도가 A 레코드와 다릅니다")
        elif kind == "C":
            last_c = v
            c_rows.append((i, v))
            if v.get("C004") != len(c_rows):
                rep.errors.append(f"{where}: 일련번호 {v.get('C004')} (기대값 {len(c_rows)})")
            if v.get("C005") != biz or v.get("C020") != biz:
                rep.errors.append(f"{where}: 사업자등록번호가 A 레코드와 다릅니다")
            for fid, allowed in (("C007", ONE_TWO), ("C009", ONE_TWO), ("C010", ONE_TWO), ("C012", {1, 9, "1", "9"}), ("C015", ONE_TWO),
                                 ("C016", ONE_TWO), ("C017", ONE_TWO), ("C019", ONE_TWO), ("C151A_1", {0, 1}), ("C151B_1", {0, 1}), ("C151C_1", {0, 1})):
                if v.get(fid) not in allowed:
                    rep.errors.append(f"{where}: {fid} {layout.field('C', fid).label}: 잘못된 코드 {v.get(fid)!r}")
            for fid in ("C022", "C023"):
                if not _date_ok(v.get(fid), year):
                    rep.errors.append(f"{where}: {fid} 근무기간: {v.get(fid)!r}이(가) {year}년의 날짜가 아닙니다")
            rrn = str(v.get("C013") or "")
            if "*" in rrn:
                rep.warnings.append(f"{where}: 주민등록번호 가림 ({rrn[:7]}******) — 사전 점검만 가능")
            elif not (rrn.isdigit() and len(rrn) == 13):
                rep.errors.append(f"{where}: 주민등록번호가 13자리가 아닙니다")
            _check_c(rep, where, v, c_names, nt_ids, special, other, credits, special_credits)
        elif kind == "E":
            if last_c is None or v.get("E004") != last_c.get("C004") or v.get("E006") != last_c.get("C013"):
                rep.errors.append(f"{where}: 해당 C 레코드 뒤에 있지 않습니다 (일련번호/주민등록번호)")
            for p in (1, 2, 3):
                rel = v.get(f"E007_{p}")
                if rel not in ("", None) and rel not in tuple("012345678"):
                    rep.errors.append(f"{where}: E007 관계코드 ({p}) {rel!r}")
        elif kind not in ("A",):
            rep.warnings.append(f"{where}: 레코드 종류 {kind}은(는) 점검하지 않습니다")
    if a.get("A015") != b_count:
        rep.errors.append(f"A 레코드: 신고의무자수 {a.get('A015')}인데 B 레코드는 {b_count}개")
    if b:
        sums = {"B010": len(c_rows), "B012": sum(int(v.get("C072") or 0) for _, v in c_rows),
                "B013": sum(int(v.get("C147A") or 0) for _, v in c_rows), "B014": sum(int(v.get("C147B") or 0) for _, v in c_rows),
                "B015": sum(int(v.get("C147C") or 0) for _, v in c_rows)}
        sums["B016"] = sums["B013"] + sums["B014"] + sums["B015"]
        for fid, want in sums.items():
            if b.get(fid) != want:
                rep.errors.append(f"B 레코드: {fid} {layout.field('B', fid).label} {b.get(fid)} ≠ {want} (C 레코드의 합)")
    if against is not None:
        _against(rep, c_rows, against)
    return rep


def _check_c(rep: CheckReport, where: str, v: dict, pay_ids, nt_ids, special, other, credits, special_credits) -> None:
    def eq(fid: str, want: int, what: str) -> None:
        if v.get(fid) != want:
            rep.errors.append(f"{where}: {fid} {what} {v.get(fid)} ≠ {want}")

    eq("C035", _sum(v, pay_ids), "계 (급여 + 상여 + …)")
    eq("C070", _sum(v, nt_ids), "비과세 계")
    eq("C074", max(0, int(v.get("C072") or 0) - int(v.get("C073") or 0)), "근로소득금액 (총급여 − 근로소득공제)")
    eq("C096", _sum(v, special), "특별소득공제 계")
    eq("C110", _sum(v, other), "그 밖의 소득공제 계")
    eq("C140", _sum(v, special_credits), "특별세액공제 계")
    eq("C147A", max(0, int(v.get("C113") or 0) - int(v.get("C120") or 0) - int(v.get("C146") or 0)), "결정세액 (산출세액 − 감면 − 세액공제)")
    if int(v.get("C146") or 0) < _sum(v, credits):
        rep.errors.append(f"{where}: C146 세액공제계 {v.get('C146')} < 세액공제 합계 {_sum(v, credits)}")
    for tax, paid_prev, paid, sign, due in (("C147A", "C149A", "C150A", "C151A_1", "C151A_2"), ("C147B", "C149B", "C150B", "C151B_1", "C151B_2")):
        diff = int(v.get(tax) or 0) - int(v.get(paid_prev) or 0) - int(v.get(paid) or 0)
        signed = -int(v.get(due) or 0) if v.get(sign) == 1 else int(v.get(due) or 0)
        truncated = diff // 10 * 10 if diff >= 0 else -((-diff) // 10 * 10)
        if signed != truncated and not (0 < truncated < 1_000 and signed == 0 and tax == "C147A") and not (signed == 0 and tax == "C147B" and 0 < truncated):
            rep.errors.append(f"{where}: 차감징수세액 {due} {signed} ≠ 결정세액 − 기납부세액 = {truncated} (10원 미만 버림)")


def _against(rep: CheckReport, c_rows: list[tuple[int, dict]], batch: list[dict]) -> None:
    if len(c_rows) != len(batch):
        rep.errors.append(f"C 레코드 {len(c_rows)}개, 연말정산 묶음의 근로자 {len(batch)}명")
    for (i, v), r in zip(c_rows, batch):
        signed = -int(v.get("C151A_2") or 0) if v.get("C151A_1") == 1 else int(v.get("C151A_2") or 0)
        got = {"성명": v.get("C011"), "총급여": v.get("C072"), "결정세액": v.get("C147A"), "기납부세액": v.get("C150A"), "차감징수세액": signed}
        want = {"성명": r["name"], "총급여": r["total_pay"], "결정세액": r["determined_tax"], "기납부세액": r["paid"], "차감징수세액": r["due"]}
        for k in got:
            if got[k] != want[k]:
                rep.errors.append(f"레코드 {i} (C {v.get('C004')}, {r['worker_id']}): {k} {got[k]!r} ≠ 연말정산 {want[k]!r}")


def batch_rows(session, year: int) -> list[dict]:
    """The batch's workers in the file's order, for :func:`check_annual` ``against``."""
    from payroll.filings.annual import leaver_settlements
    from payroll.yearend import records
    from payroll.yearend.stored import employed_on

    batch = records.latest_batch(session, year)
    if batch is None:
        return []
    roster, _ = employed_on(session, dt.date(year, 12, 31))
    out = []
    results = records.batch_rows(session, batch.batch_id)
    for r in results:
        row = r.row
        out.append({"worker_id": r.worker_id, "name": roster.workers[r.worker_id].name if r.worker_id in roster.workers else None,
                    "total_pay": r.total_pay, "determined_tax": r.determined_tax, "paid": int(row["income_tax_paid"]), "due": r.income_tax})
    leavers, _ = leaver_settlements(session, year, {r.worker_id for r in results})
    for x in leavers:  # after the batch, as the file writes them
        out.append({"worker_id": x.worker_id, "name": x.worker.name, "total_pay": int(x.row["total_pay"]),
                    "determined_tax": int(x.row["applied_determined_tax"]), "paid": int(x.row["income_tax_paid"]), "due": x.income_tax})
    return out
