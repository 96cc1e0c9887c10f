"""An independent regeneration of the 간이세액표 from its statutory derivation (별표2 비고 1; the model in
kr-payroll-facts-2026.md §8.5), which must agree with the CSV cell for cell.

The embedded pension (4.5%, 290,000…4,490,000) and the old 근로소득세액공제 limits are the frozen parameters the
table was built with; they are deliberately not today's values.
"""

import csv
from fractions import Fraction as F
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "rules/statute/income_tax/simplified_tax_table_2024-03-01.csv"
MAN = 10_000  # 만원


def earned_income_deduction(g: F) -> F:  # 소득세법 §47①, capped at 2,000만
    if g <= 500 * MAN:
        d = g * F(70, 100)
    elif g <= 1_500 * MAN:
        d = 350 * MAN + (g - 500 * MAN) * F(40, 100)
    elif g <= 4_500 * MAN:
        d = 750 * MAN + (g - 1_500 * MAN) * F(15, 100)
    elif g <= 10_000 * MAN:
        d = 1_200 * MAN + (g - 4_500 * MAN) * F(5, 100)
    else:
        d = 1_475 * MAN + (g - 10_000 * MAN) * F(2, 100)
    return min(d, F(2_000 * MAN))


def embedded_pension(m: F) -> F:
    base = min(max(int(m) // 1000 * 1000, 290_000), 4_490_000)
    return F(base * 45 // 1000 // 10 * 10 * 12)


def special_deduction(g: F, n: int) -> F:  # 별표2 비고 1 (특별소득공제 등 추정치)
    fixed, r1, r2, r3 = {1: (310, 4, F(15, 10), F(5, 10)), 2: (360, 4, 2, 1)}.get(n, (500, 7, 5, 3))
    fixed = F(fixed * MAN)
    if g <= 3_000 * MAN:
        s = fixed + g * F(r1, 100)
    elif g <= 4_500 * MAN:
        s = fixed + g * F(r1, 100) - (g - 3_000 * MAN) * F(5, 100)
    elif g <= 7_000 * MAN:
        s = fixed + g * F(r2, 100)
    else:
        s = fixed + g * F(r3, 100)
    if n >= 3 and g > 4_000 * MAN:
        s += (g - 4_000 * MAN) * F(4, 100)
    return s


BASIC_RATES = [  # 소득세법 §55① (2023 이후)
    (0, 0, F(6, 100)),
    (1_400 * MAN, 84 * MAN, F(15, 100)),
    (5_000 * MAN, 624 * MAN, F(24, 100)),
    (8_800 * MAN, 1_536 * MAN, F(35, 100)),
    (15_000 * MAN, 3_706 * MAN, F(38, 100)),
    (30_000 * MAN, 9_406 * MAN, F(40, 100)),
    (50_000 * MAN, 17_406 * MAN, F(42, 100)),
    (100_000 * MAN, 38_406 * MAN, F(45, 100)),
]


def basic_tax(t: F) -> F:
    lower, base, rate = next(b for b in reversed(BASIC_RATES) if t > b[0] or b[0] == 0)
    return base + (t - lower) * rate


def embedded_credit(c: F, g: F) -> F:
    credit = c * F(55, 100) if c <= 50 * MAN else F(275_000) + (c - 50 * MAN) * F(30, 100)
    if g <= 5_500 * MAN:
        limit = F(66 * MAN)
    elif g <= 7_000 * MAN:
        limit = max(F(63 * MAN), 66 * MAN - (g - 5_500 * MAN) / 2)
    else:
        limit = max(F(50 * MAN), 63 * MAN - (g - 7_000 * MAN) / 2)
    return min(credit, limit)


def derived_cell(pay_from: int, pay_to: int, n: int) -> int:
    m = F(10_000_000) if pay_from == 10_000_000 else F(pay_from + pay_to, 2)
    g = 12 * m
    taxable = max(g - earned_income_deduction(g) - 1_500_000 * n - embedded_pension(m) - special_deduction(g, n), F(0))
    c = basic_tax(taxable)
    monthly = max(c - embedded_credit(c, g), F(0)) / 12
    cell = int(monthly) // 10 * 10
    return 0 if cell < 1_000 else cell


def test_regenerated_table_matches_every_cell():
    mismatches = []
    cells = 0
    with TABLE.open() as fh:
        for row in csv.DictReader(fh):
            lo, hi = int(row["pay_from"]), int(row["pay_to"])
            for n in range(1, 12):
                cells += 1
                want = int(row[f"tax_{n}"])
                got = derived_cell(lo, hi, n)
                if got != want:
                    mismatches.append((lo, n, want, got))
    assert cells == 7_117
    assert mismatches == [], mismatches[:10]
