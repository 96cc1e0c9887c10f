"""연차 유급휴가 사용촉진 notices (근로기준법 §61) as PDF: the first (미사용 일수 통지 및 사용시기
지정 요청) and the second (사용시기 지정 통보). A pure function from the notice data to bytes;
deterministic (``rl_config.invariant`` is set by ``payroll.documents.fonts``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from payroll.documents.pdf import render
from payroll.leave.units import hours_text, leave_text


@dataclass(frozen=True)
class LeaveNoticeData:
    worker_id: str
    name: str
    department: str
    stage: str  # first | second | first_late | second_late
    stage_label: str
    notice_date: dt.date
    period_end: dt.date
    reply_by: dt.date | None  # first notices: the worker names the dates by this day
    minutes: int
    day_minutes: int  # one day of leave for this worker (for the days shown beside the hours)
    article: str
    employer: str
    designated: tuple[tuple[dt.date, int], ...] = ()  # second notices


WEEKDAYS = "월화수목금토일"


def _date(d: dt.date) -> str:
    return f"{d.year}. {d.month}. {d.day}. ({WEEKDAYS[d.weekday()]})"


def _days(minutes: int, unit: int) -> str:
    if unit and minutes % unit == 0:
        return f"{minutes // unit}일"
    whole, rest = divmod(minutes * 100, unit)
    return f"{'' if rest == 0 else '약 '}{whole // 100}.{whole % 100:02d}일"


def render_notice(data: LeaveNoticeData) -> bytes:
    second = data.stage in ("second", "second_late")

    def build(doc) -> None:
        title = "연차 유급휴가 사용시기 지정 통보" if second else "연차 유급휴가 사용 촉구 및 사용시기 지정 요청"
        doc.title(title, data.stage_label)
        doc.kv([
            ("성명", data.name), ("사번", data.worker_id),
            ("소속", data.department), ("통보일", _date(data.notice_date)),
            ("사용기간 종료일", _date(data.period_end)), ("근거", data.article),
        ])
        doc.spacer(3)
        if data.day_minutes == 8 * 60:
            unused = leave_text(data.minutes)
        else:  # a part-timer's day of leave is shorter: the hours, and the days of this worker's schedule
            unused = f"{hours_text(data.minutes)} (이 근로자의 소정근로일로 {_days(data.minutes, data.day_minutes)}, 1일 = {hours_text(data.day_minutes)})"
        if second:
            doc.paragraph(
                f"귀하는 사용하지 아니한 연차 유급휴가 {unused}에 대하여 촉구를 받은 후 10일 이내에 사용 시기를 "
                "정하여 통보하지 아니하였으므로, 근로기준법 제61조에 따라 아래와 같이 사용 시기를 지정하여 통보합니다. "
                "지정된 날에 휴가를 사용하지 아니하는 경우, 사용기간이 끝나면 그 휴가는 소멸하며 이에 대한 보상 의무가 없습니다."
            )
            doc.spacer(2)
            rows = [[_date(d), hours_text(m)] for d, m in data.designated]
            covered = sum(m for _, m in data.designated)
            doc.table(["지정일", "시간"], rows, widths=[0.6, 0.4], total=["합계", hours_text(covered)])
            if covered < data.minutes:
                doc.paragraph(f"사용기간 안의 남은 소정근로일이 부족하여 {hours_text(data.minutes - covered)}은 지정하지 못했습니다.", "small")
        else:
            reply = f"{_date(data.reply_by)}까지" if data.reply_by else "이 촉구를 받은 날부터 10일 이내에"
            doc.paragraph(
                f"{_date(data.notice_date)} 현재 귀하가 사용하지 아니한 연차 유급휴가는 {unused}입니다. "
                f"근로기준법 제61조에 따라 {reply} 사용 시기를 정하여 서면으로 통보하여 주시기 바랍니다. "
                f"통보하지 아니하면 사용자가 사용 시기를 정하여 통보하며, 사용기간({_date(data.period_end)}까지)이 끝나면 "
                "사용하지 아니한 휴가는 소멸하고 이에 대한 보상 의무가 없습니다."
            )
            doc.spacer(2)
            doc.table(["사용 희망일", "시간"], [["", ""] for _ in range(4)], widths=[0.6, 0.4])
        doc.spacer(6)
        doc.kv([("사용자", data.employer), ("수령 확인 (근로자)", "(서명)")], columns=2)

    return render(build, title=f"{'사용시기 지정 통보' if second else '연차 사용 촉구'} {data.worker_id} {data.period_end.isoformat()}",
                  footer=f"{data.employer} · 근로기준법 제61조 연차 유급휴가의 사용 촉진")
