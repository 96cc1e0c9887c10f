"""근로소득자 소득·세액공제신고서 (소득세법 시행규칙 별지 제37호서식) as the worker submitted it: a printout.

It prints the stored 신고서 version (payroll.yearend.records) section by section — 인적공제, 보험료,
의료비, 교육비, 기부금, 신용카드 등, 연금계좌, 월세, 주택자금, 혼인 — with who recorded it, when, from
which file (name and SHA-256), so the worker signs what the settlement used. Amounts are the
submitted figures, not what the settlement allowed (that is on the 원천징수영수증).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.documents.office import Office, korean_date
from payroll.documents.pdf import Doc, render
from payroll.roster import Worker
from payroll.settlement.declaration import RELATIONSHIPS, ClaimsIn
from payroll.yearend.template import DONATION, EDUCATION, HOUSING, INSURANCE, ITEMISE, MEDICAL, MORTGAGE, PENSION

YES = "○"


def declaration_data(worker: Worker, claims: ClaimsIn, office: Office, meta: dict[str, Any], issued: dt.date) -> dict[str, Any]:
    """The printout as data; ``meta``: version, submitted_on, source, source_name, source_sha256, recorded_by, recorded_at."""
    return {
        "document": "근로소득자 소득·세액공제신고서",
        "form": "소득세법 시행규칙 별지 제37호서식 (제출 내용)",
        "year": claims.year,
        "issued_on": issued.isoformat(),
        "submission": {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in meta.items()},
        "withholder": {"name": office.name, "business_number": office.business_number},
        "earner": {"worker_id": worker.worker_id, "name": worker.name, "rrn": worker.rrn_masked or "(미기재)", "department": worker.department},
        "self": {"disabled": claims.self_disabled, "woman": claims.woman, "single_parent": claims.single_parent,
                 "itemise": ITEMISE[claims.itemise], "marriage_date": claims.marriage_date.isoformat() if claims.marriage_date else None},
        "dependants": [{"relationship": RELATIONSHIPS[d.relationship], "name": d.name, "birth_date": d.birth_date.isoformat(), "rrn": d.rrn_masked,
                        "income": d.income, "wage_only": d.wage_only, "disabled": d.disabled, "basic": d.basic, "birth_order": d.birth_order}
                       for d in claims.dependants],
        "insurance": [{"person": x.person, "kind": INSURANCE[x.kind], "amount": x.amount} for x in claims.insurance]
        + ([{"person": "본인", "kind": INSURANCE["general"], "amount": claims.insurance_premiums}] if claims.insurance_premiums else [])
        + ([{"person": "본인", "kind": INSURANCE["disabled"], "amount": claims.disabled_insurance_premiums}] if claims.disabled_insurance_premiums else []),
        "medical": [{"person": x.person, "kind": MEDICAL[x.kind], "severe": x.severe, "amount": x.amount, "reimbursed": x.reimbursed} for x in claims.medical],
        "education": [{"person": x.person, "kind": EDUCATION[x.kind], "amount": x.amount} for x in claims.education],
        "donations": [{"kind": DONATION[x.kind], "amount": x.amount} for x in claims.donations],
        "cards": [{"person": x.person, "credit": x.credit, "debit": x.debit, "cash_receipt": x.cash_receipt, "culture": x.culture, "market": x.market,
                   "transit": x.transit} for x in claims.cards],
        "pension_accounts": [{"kind": PENSION[x.kind], "amount": x.amount} for x in claims.pension_accounts],
        "rent": [{"landlord": x.landlord, "address": x.address, "start": x.start.isoformat() if x.start else None, "end": x.end.isoformat() if x.end else None,
                  "amount": x.amount, "homeless_head": x.homeless_head} for x in claims.rent],
        "housing": [{"kind": HOUSING[x.kind], "amount": x.amount, "category": MORTGAGE.get(x.category or "", ""), "eligible": x.eligible} for x in claims.housing],
    }


def declaration_pdf(worker: Worker, claims: ClaimsIn, office: Office, meta: dict[str, Any], issued: dt.date) -> bytes:
    d = declaration_data(worker, claims, office, meta, issued)
    yn = lambda b: YES if b else ""  # noqa: E731
    sub = d["submission"]

    def section(doc: Doc, title: str, head: list[str], rows: list[list], widths: list[float], amounts: set[int]) -> None:
        doc.heading(title)
        if rows:
            doc.table(head, rows, widths=widths, amount_cols=amounts)
        else:
            doc.paragraph("신고 내용 없음", size="small")

    def build(doc: Doc) -> None:
        doc.title("근로소득자 소득·세액공제신고서", f"{claims.year}년 귀속 · 제출 내용 (소득세법 §140, 시행규칙 별지 제37호서식)")
        doc.kv([("성명", worker.name), ("주민등록번호", d["earner"]["rrn"]), ("사원번호", worker.worker_id), ("소속", worker.department),
                ("원천징수의무자", office.name), ("사업자등록번호", office.business_number)])
        doc.kv([("제출일", sub.get("submitted_on") or "—"), ("판(version)", str(sub.get("version") or "—")), ("제출 방법", sub.get("source") or "—"),
                ("파일", sub.get("source_name") or "—"), ("기록자", sub.get("recorded_by") or "—"), ("기록 시각", sub.get("recorded_at") or "—")])
        if sub.get("source_sha256"):
            doc.paragraph(f"파일 SHA-256: {sub['source_sha256']}", size="small")
        s = d["self"]
        section(doc, "인적공제 — 본인", ["장애인", "부녀자", "한부모", "공제 방법", "혼인신고일"],
                [[yn(s["disabled"]), yn(s["woman"]), yn(s["single_parent"]), s["itemise"], s["marriage_date"] or ""]], [1, 1, 1, 1.4, 1.6], set())
        section(doc, "인적공제 — 부양가족", ["관계", "성명", "생년월일", "주민등록번호", "소득금액", "기본", "장애인", "출산·입양"],
                [[x["relationship"], x["name"], x["birth_date"], x["rrn"], x["income"], yn(x["basic"]), yn(x["disabled"]), x["birth_order"] or ""]
                 for x in d["dependants"]], [1.2, 1, 1.1, 1.4, 1, 0.5, 0.6, 0.7], {4})
        section(doc, "보험료", ["대상자", "구분", "금액"], [[x["person"], x["kind"], x["amount"]] for x in d["insurance"]], [1.5, 2, 1.2], {2})
        section(doc, "의료비", ["대상자", "구분", "중증 등", "금액", "실손보험금"],
                [[x["person"], x["kind"], yn(x["severe"]), x["amount"], x["reimbursed"]] for x in d["medical"]], [1.3, 2, 0.7, 1.1, 1.1], {3, 4})
        section(doc, "교육비", ["대상자", "구분", "금액"], [[x["person"], x["kind"], x["amount"]] for x in d["education"]], [1.5, 2, 1.2], {2})
        section(doc, "기부금", ["구분", "금액"], [[x["kind"], x["amount"]] for x in d["donations"]], [3, 1.2], {1})
        section(doc, "신용카드 등 사용금액", ["대상자", "신용카드", "직불·선불", "현금영수증", "도서·공연 등", "전통시장", "대중교통"],
                [[x["person"], x["credit"], x["debit"], x["cash_receipt"], x["culture"], x["market"], x["transit"]] for x in d["cards"]],
                [1.1, 1, 1, 1, 1, 1, 1], {1, 2, 3, 4, 5, 6})
        section(doc, "연금계좌", ["구분", "납입액"], [[x["kind"], x["amount"]] for x in d["pension_accounts"]], [3, 1.2], {1})
        section(doc, "월세", ["임대인", "주소", "기간", "월세액", "무주택 세대주"],
                [[x["landlord"], x["address"], f"{x['start'] or ''} ~ {x['end'] or ''}", x["amount"], yn(x["homeless_head"])] for x in d["rent"]],
                [1, 2.2, 1.6, 1, 0.8], {3})
        section(doc, "주택자금·주택청약종합저축", ["구분", "장기주택저당 구분", "금액", "요건 확인"],
                [[x["kind"], x["category"], x["amount"], yn(x["eligible"])] for x in d["housing"]], [2, 2, 1, 0.8], {2})
        doc.paragraph("위의 내용을 근로소득자 소득·세액공제신고서로 제출합니다. 사실과 다르게 공제받은 세액은 가산세와 함께 추징될 수 있습니다.", size="small")
        doc.paragraph(f"{korean_date(issued)}   신고인 {worker.name} (서명 또는 인)", size="small")

    return render(build, title=f"소득·세액공제신고서 {worker.worker_id} {claims.year}", author=office.name,
                  footer=f"{office.name} · 소득·세액공제신고서 {claims.year} {worker.worker_id} (판 {sub.get('version') or '—'})")
