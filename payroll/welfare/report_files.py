"""The welfare reports (:func:`payroll.welfare.service.insurance_report`, :func:`~payroll.welfare.service.fertility_report`)
as workbooks, for the CLI's ``--xlsx``."""

from __future__ import annotations


def _sheet(rows: list[dict], columns: list[tuple[str, str]]) -> list[list[object]]:
    """A header of Korean labels, then one line per row (values as they are: won stay integers)."""
    return [[label for _, label in columns]] + [[r.get(key) for key, _ in columns] for r in rows]


def insurance_report_xlsx(report: dict) -> bytes:
    """The group-insurance report as a workbook: 요약, 가입자, 보험료, 과세초과(근로자), 과세초과(월), 보장종료."""
    from payroll.attendance.xlsx import xlsx_bytes

    summary = [["항목", "값"], ["연도", report["year"]], ["비과세 한도 (원, 소득세법 시행령 §17의4)", report["non_taxable_limit"]],
               ["연간 보험료 합계 (원)", report["premium_cost_total"]]]
    return xlsx_bytes({
        "요약": summary,
        "가입자": _sheet(report["enrolled_by_plan_and_department"], [("plan", "플랜"), ("plan_label", "플랜명"), ("department", "부서"), ("workers", "인원")]),
        "보험료": _sheet(report["premium_cost"], [("plan", "플랜"), ("plan_label", "플랜명"), ("workers", "인원"), ("premium", "연간 보험료 (원)")]),
        "과세초과(근로자)": _sheet(report["taxable_excess_by_worker"], [("worker_id", "사번"), ("department", "부서"), ("premium", "연간 보험료 (원)"),
                                                                 ("taxable", "과세 초과분 (원)"), ("taxed_in_runs", "급여에 반영된 과세분 (원)")]),
        "과세초과(월)": _sheet(report["taxable_excess_by_month"], [("worker_id", "사번"), ("month", "월"), ("premium", "이달 보험료 (원)"), ("year_total", "연 누계 (원)"),
                                                              ("taxable", "이달 과세 (원)"), ("paid_in_run", "급여 반영"), ("method", "계산방법")]),
        "보장종료": _sheet(report["cover_notes"], [("enrolment_id", "가입번호"), ("worker_id", "사번"), ("plan", "플랜"), ("note", "비고")]),
    })


def fertility_report_xlsx(report: dict) -> bytes:
    """The fertility report as a workbook: 요약, 승인, 대기, 반려, 취소."""
    from payroll.attendance.xlsx import xlsx_bytes

    cols = [("application_id", "신청번호"), ("worker_id", "사번"), ("treatment_date", "시술일"), ("cost", "증빙 비용 (원)"), ("evidence", "증빙"),
            ("submitted_at", "신청 일시"), ("age", "만 나이"), ("amount", "지원액 (원)"), ("reason", "사유"), ("decided_at", "결정 일시")]
    summary = [["항목", "원"], ["예산", report["budget"]], ["승인 (사용)", report["used"]], ["잔액", report["remaining"]], ["지급 완료", report["paid"]]]
    return xlsx_bytes({
        "요약": summary,
        "승인": _sheet(report["approved"], cols + [("paid_month", "지급 월")]),
        "대기": _sheet(report["waitlist"], cols),
        "반려": _sheet(report["rejected"], cols),
        "취소": _sheet(report["cancelled"], cols),
    })
