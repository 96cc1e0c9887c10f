"""The year-end settlement of everyone employed on 31 December (소득세법 §137, §137의2), in one pass.

Inputs: the stored runs of the year (payroll.yearend.stored), the latest 신고서 of each worker
(payroll.yearend.records), the optional opening figures (``ytd.csv``: pay of the year before the first
run in this system) and each worker's 분납 choice. Output: the settled frame (one row per worker, every
step a column), each worker's trace, the exceptions and a summary; :func:`record_batch` keeps it.

Who is settled: every worker with a contract covering 31 December, except 일용근로자 (their income is
taxed when paid, §14③2, and not settled, §140③). A worker employed then whose pay of some month of
the year is neither in a stored run nor in ``ytd.csv`` is not settled: that is an exception to resolve
(never a settlement on part of the year).

Exceptions (the list a clerk works through): no 신고서 (settled on the D10 path, as the law settles a
worker who files none, §137③); a 신고서 this program refuses (a 기부금 whose article was not read: the
worker is not settled until it is resubmitted); a claim row left out or capped (by the statute's tests and limits);
a dependant claimed by two workers (same name and birth date in two 신고서, §50③: one of them only);
a 분납 request where the additional tax is not over the threshold (§137④); a 신고서 of a worker
who is not settled; pay months missing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlmodel import Session

from payroll import law as law_module
from payroll.law import Law
from payroll.runs.hashing import canonical_json, code_version, sha256_bytes
from payroll.runs.history import uncovered_months
from payroll.settlement import YearToDate, build_inputs, load_ytd_csv, settle_frame
from payroll.settlement.reduce import refusal
from payroll.settlement.trace import trace_of
from payroll.store.db import Store, now
from payroll.yearend import records
from payroll.yearend.stored import StoredYear, employed_on, stored_year


@dataclass
class YearEnd:
    year: int
    frame: pl.DataFrame  # the settled rows
    traces: dict[str, list[dict]]
    exceptions: list[dict]
    summary: dict
    declarations: dict[str, records.Declaration]
    spread: dict[str, bool]
    stored: StoredYear
    inputs_sha256: str
    roster: object = None
    not_settled: list[str] = field(default_factory=list)


def _exc(worker_id: str, code: str, message: str, severity: str = "확인") -> dict:
    return {"worker_id": worker_id, "code": code, "severity": severity, "message": message}


def _employed_months(roster, wid: str, year: int) -> list[str]:
    """The months of ``year`` a contract of the worker covers (at least one day)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    months: set[int] = set()
    for c in roster.contracts_of(wid):
        lo, hi = max(c.start, first), min(c.end or last, last)
        if lo <= hi:
            months.update(range(lo.month, hi.month + 1))
    return [f"{year:04d}-{m:02d}" for m in sorted(months)]


def duplicate_dependants(claims: dict[str, object]) -> list[dict]:
    """Dependants (same name and birth date; the masked number's first 7 digits when both have one)
    claimed for 기본공제 in two workers' 신고서 (§50③: one worker only)."""
    rows = [{"worker_id": wid, "name": d.name, "birth_date": d.birth_date, "rrn": d.rrn_masked[:8]}
            for wid, c in claims.items() for d in c.dependants if d.basic and d.name]
    if not rows:
        return []
    groups = (pl.DataFrame(rows).group_by("name", "birth_date").agg(pl.col("worker_id"), pl.col("rrn"))
              .filter(pl.col("worker_id").list.n_unique() > 1).sort("name", "birth_date"))
    out = []
    for g in groups.to_dicts():  # only the names claimed more than once
        pairs = list(zip(g["worker_id"], g["rrn"]))
        for wid, rrn in sorted(set(pairs)):
            others = [(w, r) for w, r in pairs if w != wid]
            if others and all(not r or not rrn or r == rrn for _, r in others):
                out.append(_exc(wid, "dependant_claimed_twice", f"부양가족 {g['name']} ({g['birth_date']})이(가) {', '.join(sorted({w for w, _ in others}))}의 "
                                                               f"신고서에도 기본공제로 있음 — 한 사람만 공제 (§50③)", "오류"))
    return out


OPENING_FIELDS = ("total_pay", "non_taxable", "national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax")


def _record_opening(session: Session, year: int) -> dict:
    """The year's pay before the first run in this system, as the record keeps it (``payroll import opening``)."""
    from sqlmodel import select

    from payroll.record.models import OpeningPay

    return {p.worker_id: p for p in session.exec(select(OpeningPay).where(OpeningPay.year == year)).all()}


def _opening_digest(opening: dict) -> str | None:
    if not opening:
        return None
    rows = "\n".join(",".join([wid, *(str(getattr(o, k)) for k in OPENING_FIELDS)]) for wid, o in sorted(opening.items()))
    return sha256_bytes(rows.encode())


def compute_year_end(session: Session, year: int, *, opening_ytd: Path | None = None, law: Law | None = None) -> YearEnd:
    law = law or law_module.current()
    roster, employed = employed_on(session, dt.date(year, 12, 31))
    stored = stored_year(session, year)
    decls = records.latest_declarations(session, year)
    spread_choice = records.installment_choices(session, year)
    opening = {y.worker_id: y for y in load_ytd_csv(opening_ytd) if y.year == year} if opening_ytd else _record_opening(session, year)
    exceptions: list[dict] = []
    figures = {r["worker_id"]: r for r in stored.workers.to_dicts()}
    ytds, settled_claims, not_settled = [], {}, []
    for wid in employed:
        w = roster.workers[wid]
        if (w.income_type or "regular") == "daily":
            continue
        f = figures.get(wid)
        paid = set(f["months_paid"]) if f else set()
        missing = uncovered_months([m for m in _employed_months(roster, wid, year) if m not in paid], paid, wid in opening)
        if missing:
            not_settled.append(wid)
            given = " (기초 자료 ytd.csv는 첫 run 이전 달만 대신함)" if wid in opening else ""
            exceptions.append(_exc(wid, "pay_months_missing", f"{', '.join(missing)} 급여가 저장된 run에 없음 (재직 중){given} — ytd.csv로 주거나 그 달을 먼저 "
                                                             f"처리한 뒤 다시 정산하세요 (정산하지 않음)", "오류"))
            continue
        o = opening.get(wid)
        plus = lambda k: getattr(o, k) if o is not None else 0  # noqa: E731
        g = f or {}
        ytds.append(YearToDate(
            worker_id=wid, year=year, total_pay=g.get("taxable_pay", 0) + plus("total_pay"), non_taxable=g.get("non_taxable_pay", 0) + plus("non_taxable"),
            national_pension=g.get("national_pension", 0) + plus("national_pension"), health_insurance=g.get("health_insurance", 0) + plus("health_insurance"),
            long_term_care=g.get("long_term_care", 0) + plus("long_term_care"), employment_insurance=g.get("employment_insurance", 0) + plus("employment_insurance"),
            income_tax=g.get("income_tax", 0) + g.get("settlement_income_tax", 0) + plus("income_tax"),
            local_income_tax=g.get("local_income_tax", 0) + g.get("settlement_local_income_tax", 0) + plus("local_income_tax"),
            birth_date=w.birth_date))
        if wid in decls:
            claims = decls[wid].claims()
            reason = refusal(claims, year, law)
            if reason:
                ytds.pop()
                not_settled.append(wid)
                exceptions.append(_exc(wid, "declaration_refused", f"신고서 판 {decls[wid].version}: {reason} (정산하지 않음)", "오류"))
                continue
            settled_claims[(wid, year)] = claims
        else:
            exceptions.append(_exc(wid, "no_declaration", "소득·세액공제신고서 미제출 — 본인 기본공제와 D10 경로로 정산 (§137③, decision D10)", "안내"))
    for wid in sorted(set(decls) - {y.worker_id for y in ytds}):
        exceptions.append(_exc(wid, "declaration_not_settled", f"{year}년 신고서가 있으나 12월 31일 재직 근로자로 정산하지 않음 (퇴사·일용·급여 누락)", "확인"))
    exceptions += duplicate_dependants({wid: c for (wid, _), c in settled_claims.items()})
    frame, issues = build_inputs(ytds, settled_claims, law)
    exceptions += [_exc(i.worker_id, i.code, i.message) for i in issues]
    frame = settle_frame(frame, law, empty_year=year)
    # the 비과세 by code the receipts and the 지급명세서 report (P01 식사대, Q01 보육수당), kept with the row
    codes = stored.workers.select("worker_id", "nt_P01", "nt_Q01") if stored.workers.height else pl.DataFrame(schema={"worker_id": pl.Utf8, "nt_P01": pl.Int64, "nt_Q01": pl.Int64})
    frame = frame.join(codes, on="worker_id", how="left").with_columns(pl.col("nt_P01").fill_null(0), pl.col("nt_Q01").fill_null(0))
    exceptions += _limit_exceptions(frame)
    threshold = law.on(dt.date(year, 12, 31))["year_end_claims.installment_threshold"]
    spread = {}
    for r in frame.select("worker_id", "settlement_income_tax").to_dicts():
        want = spread_choice.get(r["worker_id"], False)
        if want and r["settlement_income_tax"] <= threshold:
            exceptions.append(_exc(r["worker_id"], "installment_not_allowed",
                                   f"분납 신청: 추가 납부세액 {r['settlement_income_tax']:,}원이 {threshold:,}원을 넘지 않아 2월에 한 번에 징수 (§137④)"))
        spread[r["worker_id"]] = bool(want and r["settlement_income_tax"] > threshold)
    traces = {r["worker_id"]: trace_of(r, law) for r in frame.to_dicts()}
    inputs = {"year": year, "runs": {m: r.run_id for m, r in sorted(stored.runs.items())},
              "declarations": {w: [d.id, d.version] for w, d in sorted(decls.items())}, "spread": spread,
              "opening": sha256_bytes(Path(opening_ytd).read_bytes()) if opening_ytd else _opening_digest(opening), "rules": law.content_hash}
    summary = _summary(year, frame, employed, roster, decls, spread, exceptions, not_settled, stored)
    exceptions.sort(key=lambda e: (e["worker_id"], e["code"]))
    return YearEnd(year=year, frame=frame, traces=traces, exceptions=exceptions, summary=summary, declarations=decls, spread=spread,
                   stored=stored, inputs_sha256=sha256_bytes(canonical_json(inputs).encode()), roster=roster, not_settled=not_settled)


def _limit_exceptions(frame: pl.DataFrame) -> list[dict]:
    c = pl.col
    checks = [
        (c("insurance_paid") > c("insurance_base"), "insurance_over_limit", lambda r: f"보장성보험료 {r['insurance_paid']:,}원 중 {r['insurance_base']:,}원만 공제 (§59의4① 단서)"),
        (c("card_deduction_raw") > c("card_deduction"), "card_over_limit", lambda r: f"신용카드 등 공제 {r['card_deduction_raw']:,}원 중 한도 {r['card_deduction']:,}원 (조특법 §126의2⑩⑪)"),
        (c("pension_savings") + c("pension_retirement") > c("pension_base"), "pension_over_limit",
         lambda r: f"연금계좌 납입 {r['pension_savings'] + r['pension_retirement']:,}원 중 {r['pension_base']:,}원만 공제 대상 (§59의3①)"),
        (c("rent_paid") > c("rent_base"), "rent_over_limit", lambda r: f"월세 {r['rent_paid']:,}원 중 {r['rent_base']:,}원만 공제 대상 (조특법 §95의2①)"),
        ((c("rent_paid") > 0) & ~c("rent_eligible"), "rent_pay_over_limit", lambda r: "월세 세액공제: 총급여 8,000만원 또는 종합소득금액 7,000만원 초과 — 공제 없음 (조특법 §95의2①)"),
        (c("applied_comprehensive_excess") > 0, "comprehensive_over_limit", lambda r: f"소득공제 종합한도 초과 {r['applied_comprehensive_excess']:,}원 (조특법 §132의2)"),
        ((c("card_culture") > 0) & (c("total_pay") > 70_000_000), "card_culture_high_pay",
         lambda r: "총급여 7,000만원 초과: 도서·공연 등 사용분은 결제수단별 칸에 — 신용카드사용분(15%)으로 계산함 (조특법 §126의2②3)"),
        ((c("donation_general") + c("donation_religious")) > (c("donation_general_allowed") + c("donation_religious_allowed")), "donation_over_limit",
         lambda r: f"일반기부금 {r['donation_general'] + r['donation_religious']:,}원 중 한도 {r['donation_general_allowed'] + r['donation_religious_allowed']:,}원 (§59의4④2; 이월공제는 다루지 않음)"),
        (c("applied_cr_pension_account") < c("credit_pension_account"), "credit_not_taken",
         lambda r: f"연금계좌 세액공제 {r['credit_pension_account']:,}원 중 {r['applied_cr_pension_account']:,}원만 적용 (산출세액 한도, §61③)"),
    ]
    out = []
    for cond, code, msg in checks:
        for r in frame.filter(cond & c("claims_filed")).to_dicts():
            out.append(_exc(r["worker_id"], code, msg(r), "안내"))
    return out


def _summary(year, frame, employed, roster, decls, spread, exceptions, not_settled, stored) -> dict:
    c = pl.col
    s = frame.select(
        pl.len().alias("settled"), c("claims_filed").sum().alias("with_declaration"), c("total_pay").sum().alias("total_pay"),
        c("applied_determined_tax").sum().alias("determined_tax"), c("determined_local_tax").sum().alias("determined_local_tax"),
        c("income_tax_paid").sum().alias("income_tax_paid"), c("local_income_tax_paid").sum().alias("local_income_tax_paid"),
        (c("settlement_income_tax") > 0).sum().alias("additional_count"), c("settlement_income_tax").clip(lower_bound=0).sum().alias("additional_income_tax"),
        (c("settlement_income_tax") < 0).sum().alias("refund_count"), (-c("settlement_income_tax").clip(upper_bound=0)).sum().alias("refund_income_tax"),
        c("settlement_local_income_tax").sum().alias("net_local_income_tax"), c("settlement_income_tax").sum().alias("net_income_tax"),
    ).row(0, named=True) if frame.height else {}
    daily = sum(1 for w in employed if (roster.workers[w].income_type or "regular") == "daily")
    counts: dict[str, int] = {}
    for e in exceptions:
        counts[e["code"]] = counts.get(e["code"], 0) + 1
    return {"year": year, "employed_on_dec_31": len(employed), "daily_not_settled": daily, "not_settled": len(not_settled),
            **{k: int(v or 0) for k, v in s.items()}, "spread": sum(spread.values()), "declarations": len(decls),
            "exceptions": counts, "runs": {m: r.run_id for m, r in sorted(stored.runs.items())}, "months_without_run": stored.missing_months}


def record_batch(store: Store, ye: YearEnd, actor: str) -> str:
    """Keep the computation: a batch and one result per worker (the February–April runs pay from it)."""
    batch_id = f"YE{ye.year}-{secrets.token_hex(4)}"
    law = law_module.current()
    with store.session() as s:
        s.add(records.Batch(batch_id=batch_id, year=ye.year, created_at=now(), created_by=actor, rules_hash=law.content_hash, code_version=code_version(),
                            inputs_sha256=ye.inputs_sha256, workers=ye.frame.height, summary=json.dumps(ye.summary, ensure_ascii=False, sort_keys=True),
                            exceptions=json.dumps(ye.exceptions, ensure_ascii=False, sort_keys=True)))
        s.flush()
        rows = ye.frame.to_dicts()
        for r in rows:
            wid = r["worker_id"]
            d = ye.declarations.get(wid)
            payload = {"row": {k: v for k, v in r.items()}, "trace": ye.traces[wid]}
            s.add(records.Result(batch_id=batch_id, worker_id=wid, declaration_id=d.id if d else None, total_pay=int(r["total_pay"]),
                                 determined_tax=int(r["applied_determined_tax"]), determined_local_tax=int(r["determined_local_tax"]),
                                 income_tax=int(r["settlement_income_tax"]), local_income_tax=int(r["settlement_local_income_tax"]),
                                 spread=ye.spread.get(wid, False), result_json=canonical_json(payload)))
        store.audit(actor, "yearend.batch", batch_id, {"year": ye.year, "workers": ye.frame.height, "inputs_sha256": ye.inputs_sha256}, session=s)
    return batch_id
