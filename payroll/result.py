"""A computed worker-month as the public JSON shape, and as a readable table."""

from __future__ import annotations

from typing import Any

from payroll.case import CaseIn, case_frames
from payroll.engine.pipeline import DEDUCTION_LABELS, DEDUCTIONS, compute, default_context
from payroll.money import won
from payroll.trace import trace_of

DEDUCTION_KEYS = DEDUCTIONS
EMPLOYER_KEYS = {
    "national_pension": "employer_national_pension",
    "health_insurance": "employer_health_insurance",
    "long_term_care": "employer_long_term_care",
    "employment_insurance": "employer_employment_insurance",
    "industrial_accident": "employer_industrial_accident",
}


def result_of_row(row: dict[str, Any], law) -> dict[str, Any]:
    deductions = {k: int(row[k]) for k in DEDUCTION_KEYS}
    deductions["total"] = int(row["deductions_total"])
    employer = {k: int(row[c]) for k, c in EMPLOYER_KEYS.items()}
    employer["total"] = int(row["employer_total"])
    return {
        "worker_id": row["worker_id"],
        "month": row["month"],
        "pay_date": row["pay_date"].isoformat(),
        "gross_pay": int(row["gross_pay"]),
        "taxable_pay": int(row["taxable_pay"]),
        "non_taxable_pay": int(row["non_taxable_pay"]),
        "deductions": deductions,
        "employer": employer,
        "net_pay": int(row["net_pay"]),
        "trace": [_jsonable(t) for t in trace_of(row, law)],
    }


def _jsonable(entry: dict[str, Any]) -> dict[str, Any]:
    value = entry["value"]
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return {**entry, "value": value}


def calculate(case: CaseIn, provisional: bool = False) -> dict[str, Any]:
    """One worker-month, as a run computes it: a figure no 고시 has announced yet stops it
    (:class:`payroll.runs.law_state.MissingFigures`) unless ``provisional`` (decision D14)."""
    from dataclasses import replace

    from payroll import law as law_module
    from payroll.runs import law_state

    ctx = default_context()
    probe = law_state.probe(ctx.law)
    workers, items = case_frames([case])
    with law_module.using(probe), law_module.recording() as uses:
        row = compute(workers, items, replace(ctx, law=probe)).row(0, named=True)
        figures = law_state.uses_of(probe, uses)
        missing = [f for f in figures if f.state == "provisional"]
        if missing and not provisional:
            raise law_state.MissingFigures(case.month, missing)
        result = result_of_row(row, probe)
    result["provisional"] = [f.as_dict() for f in missing]
    result["unconfirmed"] = [f.as_dict() for f in figures if f.state == "unconfirmed"]
    result["rules_note"] = law_state.rules_note(figures)
    return result


def render_table(case: CaseIn, result: dict[str, Any]) -> str:
    lines = [f"근로자 {case.worker.id} — {case.month} 지급일 {case.pay_date.isoformat()}"]

    def line(label: str, amount: int) -> None:
        lines.append(f"  {label:<28}{won(amount):>14}원")

    lines.append("지급 (pay)")
    for item in case.pay_items:
        from payroll import pay_items

        line(pay_items.current().label(item.code), item.amount)
    line("지급총액 gross", result["gross_pay"])
    line("  비과세 non-taxable", result["non_taxable_pay"])
    line("  과세 taxable", result["taxable_pay"])
    lines.append("공제 (deductions)")
    labels = {**{k: DEDUCTION_LABELS[k] for k in DEDUCTION_KEYS}, "total": "공제 합계"}
    for k, v in result["deductions"].items():
        line(labels[k], v)
    line("실지급액 net pay", result["net_pay"])
    lines.append("사용자 부담 (employer)")
    elabels = {**labels, "industrial_accident": "산재보험", "total": "사용자 부담 합계"}
    for k, v in result["employer"].items():
        line(elabels[k], v)
    notes = [t["note"] for t in result["trace"] if ":" in t["note"] and t["step"].startswith("eligibility")]
    if notes:
        lines.append("적용 제외·특례")
        lines += [f"  {n}" for n in notes]
    if result.get("rules_note"):
        lines.append("규칙 상태 (decision D14)")
        lines += [f"  {part}" for part in result["rules_note"].split(" / ")]
    return "\n".join(lines)
