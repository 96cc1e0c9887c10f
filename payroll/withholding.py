"""Withholding for one payment (``payroll tax``), in plain Python: no polars, so the command starts fast.

The batch run computes the same rules for every worker at once in polars
(:mod:`payroll.engine.income_tax`); this module is the one-payment reading of them, step for step
(decision D7 order: cell → minus the child amount, floor 0 → × 80/100/120% → floor to 10원 →
소액부징수 on the amount withheld; 일용: (일급 − 150,000) × 6% × (1 − 55%) per day). The two agree
on every input: tests/test_withholding_scalar.py compares them over generated payments.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
from functools import lru_cache

from payroll.law import Law, current
from payroll.money import apply_rate, floor10, small_amount_exempt

TABLE_FAMILIES = 11
DAILY_NOTE = "일용근로자: (일급 − 150,000) × 6% × (1 − 55%) 합계, 10원 미만 절사, 1,000원 미만 소액부징수 (소득세법 §134③, §47②, §59③, §86)"


@lru_cache(maxsize=8)
def _table(path: str) -> tuple[list[int], list[tuple[int, ...]]]:
    """별표2 간이세액표: the rows' lower bounds (ascending) and each row's 11 cells."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = sorted((int(r["pay_from"]), tuple(int(r[f"tax_{n}"]) for n in range(1, TABLE_FAMILIES + 1))) for r in csv.DictReader(fh))
    return [r[0] for r in rows], [r[1] for r in rows]


def table_cell(law: Law, day: dt.date, pay: int, family: int) -> int:
    """The 간이세액표 cell of 월급여액 ``pay`` (capped at the table's top) and ``family`` members.

    Above 11 members, 별표2 비고 4: tax(11) − (tax(10) − tax(11)) × (n − 11), never below 0;
    below the first row, 0.
    """
    on = law.on(day)
    starts, cells = _table(str(law.data_file(on["income_tax.simplified_tax_table"])))
    row = bisect.bisect_right(starts, min(pay, on["income_tax.table_top_pay"])) - 1
    if row < 0:
        return 0
    line = cells[row]
    if family > TABLE_FAMILIES:
        return max(0, line[10] - (line[9] - line[10]) * (family - TABLE_FAMILIES))
    return line[family - 1]


def simplified_table_tax(law: Law, day: dt.date, taxable_pay: int, family: int) -> int:
    """The 간이세액표 amount before children and ratio; above the table's top the 별표2 formula rows."""
    w = max(taxable_pay, 0)
    on = law.on(day)
    cell = table_cell(law, day, w, family)
    if w <= on["income_tax.table_top_pay"]:
        return cell
    addition = 0
    for lower, base, r in on["income_tax.high_income_rows"]:  # ascending: the last matching lower bound wins
        if w > lower:
            addition = base + (w - lower) * r.numerator // r.denominator
    return floor10(cell + addition)


def child_deduction(law: Law, day: dt.date, children: int) -> int:
    """별표2 비고 3: the amount for 8–20-year-old children."""
    on = law.on(day)
    if children <= 0:
        return 0
    if children == 1:
        return on["income_tax.child_deduction_one"]
    return on["income_tax.child_deduction_two"] + on["income_tax.child_deduction_each_extra"] * (children - 2)


def _local(law: Law, day: dt.date, income_tax: int) -> int:
    return floor10(apply_rate(income_tax, law.on(day)["income_tax.local_income_tax_rate"]))


def monthly(wage: int, family: int, children: int = 0, ratio: int = 100, pay_date: dt.date | None = None, law: Law | None = None) -> dict:
    """간이세액표 withholding on 월급여액 ``wage`` (비과세 excluded) paid on ``pay_date``."""
    law = law or current()
    on = law.on(pay_date)
    table_tax = simplified_table_tax(law, pay_date, wage, family)
    child = child_deduction(law, pay_date, children)
    tax = floor10(max(table_tax - child, 0) * ratio // 100)
    if law.switch("income_tax.small_amount") == "final":
        tax = small_amount_exempt(tax, on["income_tax.small_amount_limit"])
    return {
        "table_tax": table_tax, "child_tax_deduction": child, "income_tax": tax, "local_income_tax": _local(law, pay_date, tax),
        "income_tax_note": f"간이세액표 가족 {family}명, 자녀 {children}명 공제, {ratio}% 적용 (소득세법 시행령 §194, 별표2)",
    }


def daily(daily_wage: int, days: int, pay_date: dt.date | None = None, law: Law | None = None) -> dict:
    """일용근로자 withholding on ``days`` days paid together at ``daily_wage`` each (소득세법 §134③)."""
    law = law or current()
    on = law.on(pay_date)
    excess = max(daily_wage - on["income_tax.daily_deduction"], 0) * days
    rate = on["income_tax.daily_rate"] * (1 - on["income_tax.daily_tax_credit_rate"])
    tax = small_amount_exempt(floor10(apply_rate(excess, rate)), on["income_tax.small_amount_limit"])
    return {"table_tax": simplified_table_tax(law, pay_date, daily_wage * days, 1), "child_tax_deduction": 0, "income_tax": tax,
            "local_income_tax": _local(law, pay_date, tax), "income_tax_note": DAILY_NOTE}
