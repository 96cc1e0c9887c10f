"""근로계약서: the 고용노동부 표준근로계약서 for 기간제 workers, its 단시간 variant, and the form without a term.

One document per contract, filled from the contract record (payroll/roster.py), the worker and
the employer's settings (``employer.toml``, payroll/employer.py: the same name and 임금지급일 the
payslips print). The 단시간 form (weekly scheduled hours under 40) adds the
근로일별 근로시간 table. ``contract_data`` is the same content as data (JSON).
"""

from __future__ import annotations

from typing import Any

from payroll.documents.office import korean_date, weekday_names, WEEKDAYS
from payroll.employer import Employer
from payroll.documents.pdf import Doc, minutes_text, render, won_text
from payroll.roster import Contract, Worker

FULL_TIME_WEEKLY_MINUTES = 40 * 60  # 근로기준법 §50①
PAY_TYPES = {"hourly": "시급", "daily": "일급", "monthly": "월급"}
#: 근로기준법 §18③ / 국민건강보험법 시행령 §9: 월 60시간 (주 15시간) 미만은 건강·연금 적용 제외
SHORT_WEEKLY_MINUTES = 15 * 60


def weekly_holiday(contract: Contract) -> str:
    """주휴일: Sunday unless it is a working day, else the first day of the week not worked."""
    for d in (7, 6, 1, 2, 3, 4, 5):
        if str(d) not in contract.work_days:
            return f"매주 {WEEKDAYS[d - 1]}요일"
    return "없음 (근무일 조정 필요)"


#: 근로기준법 §18③: under 15 h a week §55 (주휴일) and §60 (연차) do not apply — the contract says so
SHORT_HOURS_HOLIDAY = "없음 (1주 소정근로시간 15시간 미만: 근로기준법 제18조제3항에 따라 제55조 주휴일을 적용하지 아니함)"
SHORT_HOURS_LEAVE = "1주 소정근로시간 15시간 미만으로 근로기준법 제18조제3항에 따라 제60조(연차유급휴가)를 적용하지 아니함"


def form_name(contract: Contract) -> str:
    """The 고용노동부 표준근로계약서 the contract fills: 단시간 (under 40 h a week), 기간제 (a term), or the one
    without a term (an open-ended 공무직 contract is not a 기간제 one)."""
    if contract.weekly_minutes < FULL_TIME_WEEKLY_MINUTES:
        return "단시간근로자 표준근로계약서"
    return "기간제 근로자 표준근로계약서" if contract.end is not None else "표준근로계약서 (기간의 정함이 없는 경우)"


def contract_data(worker: Worker, contract: Contract, office: Employer) -> dict[str, Any]:
    part_time = contract.weekly_minutes < FULL_TIME_WEEKLY_MINUTES
    insured = contract.weekly_minutes >= SHORT_WEEKLY_MINUTES
    return {
        "document": "근로계약서",
        "form": form_name(contract),
        "contract_id": contract.contract_id,
        "employer": {"name": office.name, "business_number": office.business_number, "address": office.address,
                     "representative": office.representative, "phone": office.phone},
        "worker": {"worker_id": worker.worker_id, "name": worker.name, "birth_date": worker.birth_date.isoformat(), "department": worker.department},
        "period": {"start": contract.start.isoformat(), "end": contract.end.isoformat() if contract.end else None},
        "workplace": contract.workplace or worker.department,
        "duties": contract.duties or worker.job,
        "hours": {"start": contract.start_time.strftime("%H:%M"), "end": contract.end_time.strftime("%H:%M"),
                  "break_minutes": contract.break_minutes, "daily_minutes": contract.daily_minutes, "weekly_minutes": contract.weekly_minutes},
        "work_days": weekday_names(contract.work_days),
        "weekly_holiday": weekly_holiday(contract) if insured else SHORT_HOURS_HOLIDAY,
        "wage": {"type": PAY_TYPES[contract.pay_type], "amount": contract.wage, "meal_allowance": contract.meal_allowance,
                 "pay_grade": contract.pay_grade, "pay_day": office.pay_day_text(), "method": office.pay_method},
        "annual_leave": "근로기준법 제60조에서 정하는 바에 따라 부여함" if insured else SHORT_HOURS_LEAVE,
        "social_insurance": {"고용보험": True, "산재보험": True, "국민연금": insured, "건강보험": insured},
        "delivery": "사업주는 근로계약을 체결함과 동시에 본 계약서를 사본하여 근로자의 교부요구와 관계없이 근로자에게 교부함 (근로기준법 제17조 이행)",
        "part_time": part_time,
    }


def contract_pdf(worker: Worker, contract: Contract, office: Employer) -> bytes:
    d = contract_data(worker, contract, office)

    def build(doc: Doc) -> None:
        doc.title(d["form"], f"계약번호 {contract.contract_id}")
        doc.paragraph(f"{office.name} (이하 \"사업주\"라 함)과(와) {worker.name} (이하 \"근로자\"라 함)은 다음과 같이 근로계약을 체결한다.")
        doc.spacer()
        end = korean_date(contract.end) if contract.end else "기간의 정함 없음"
        hours = d["hours"]
        doc.kv([
            ("1. 근로계약기간", f"{korean_date(contract.start)}부터 {end}까지"),
            ("2. 근무장소", d["workplace"]),
            ("3. 업무의 내용", d["duties"]),
            ("4. 소정근로시간", f"{hours['start']}부터 {hours['end']}까지 (휴게시간 {contract.break_minutes}분), 1일 {minutes_text(contract.daily_minutes)}, 주 {minutes_text(contract.weekly_minutes)}"),
            ("5. 근무일/휴일", f"매주 {len(contract.weekdays)}일 ({d['work_days']}) 근무, 주휴일 {d['weekly_holiday']}"),
        ], columns=1)
        if d["part_time"]:
            doc.heading("근로일별 근로시간")
            doc.table(["요일", "근로시간", "시업", "종업", "휴게시간"],
                      [[WEEKDAYS[int(x) - 1], minutes_text(contract.daily_minutes), hours["start"], hours["end"], f"{contract.break_minutes}분"] for x in sorted(contract.work_days)])
        doc.heading("6. 임금")
        w = d["wage"]
        doc.kv([
            (f"{w['type']}", f"{won_text(contract.wage)}원"),
            ("상여금", "없음"),
            ("기타급여 (제수당)", f"식대 {won_text(contract.meal_allowance)}원 (월)" if contract.meal_allowance else "없음"),
            ("임금지급일", w["pay_day"] + " (휴일의 경우는 전일 지급)"),
            ("지급방법", w["method"]),
            ("보수등급", contract.pay_grade or "—"),
        ], columns=2)
        doc.kv([
            ("7. 연차유급휴가", d["annual_leave"]),
            ("8. 사회보험 적용여부", "  ".join(f"{'☑' if v else '☐'} {k}" for k, v in d["social_insurance"].items())),
            ("9. 근로계약서 교부", d["delivery"]),
            ("10. 성실한 이행의무", "사업주와 근로자는 각자가 근로계약, 취업규칙, 단체협약을 지키고 성실하게 이행하여야 함"),
            ("11. 기타", "이 계약에 정함이 없는 사항은 근로기준법령에 의함"),
        ], columns=1)
        doc.spacer(4)
        doc.paragraph(korean_date(contract.start))
        doc.spacer(2)
        doc.kv([
            ("(사업주) 사업체명", office.name), ("전화", office.phone or "—"),
            ("주소", office.address), ("사업자등록번호", office.business_number),
            ("(근로자) 성명", f"{worker.name}   (서명)"), ("생년월일", worker.birth_date.isoformat()),
            ("소속", worker.department), ("사원번호", worker.worker_id),
        ], columns=2)
        doc.signature(f"사업주 대표자 {office.representative}   (서명 또는 인)", office.seal_png)

    return render(build, title=f"근로계약서 {contract.contract_id}", author=office.name, footer=f"{office.name} · 근로계약서 {contract.contract_id}")
