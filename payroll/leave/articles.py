"""The articles the 연차 ledger cites on its entries."""

from payroll.leave.units import hour_based

ART_MONTHLY = "근로기준법 §60②"
ART_ANNUAL = "근로기준법 §60①④"
ART_USE = "근로기준법 §60⑤"
ART_LAPSE = "근로기준법 §60⑦, §61"
ART_LAPSE_PAY = "근로기준법 §60⑦ (사용촉진 없음: 미사용 연차수당)"
ART_ATTENDED = "§60⑥"

#: from 2027-06-10 법률 제21784호 inserts §60⑤ (연차 in hours) and renumbers the rest: ⑤ → ⑥ (the
#: worker's time, the pay), ⑥ → ⑦ (days counted as attended), ⑦ → ⑧ (lapse) — kr-payroll-facts-2027 §8
RENUMBERED = {ART_USE: "근로기준법 §60⑥", ART_LAPSE: "근로기준법 §60⑧, §61",
              ART_LAPSE_PAY: "근로기준법 §60⑧ (사용촉진 없음: 미사용 연차수당)", ART_ATTENDED: "§60⑦"}


def cited(article: str, law, day) -> str:
    """``article`` as numbered on ``day``: renumbered from the day §60⑤ (hour-based 연차) is in force."""
    return RENUMBERED.get(article, article) if hour_based(law, day) else article
ART_LEAVING = "근로기준법 §36 (금품청산), §60"
ART_PART_TIME = "근로기준법 시행령 §9 별표2 4호 나목"
ART_SHORT_HOURS = "근로기준법 §18③"
ART_OPENING = "이월 잔여 (leave_opening.csv)"
