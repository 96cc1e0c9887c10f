"""The 간이세액표 through the engine's lookup: every cell, every row boundary, the 10,000천원 row and the
formula rows above it (소득세법 시행령 별표2; decisions D7, D8)."""

import csv
import datetime as dt
import hashlib
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from payroll import law as law_module
from payroll import withholding
from payroll.engine.income_tax import simplified_table_tax

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "rules/statute/income_tax/simplified_tax_table_2024-03-01.csv"
PUBLISHED_SHA256 = "9c77c20aff025772beea24069d98d5b7ab958928e2ae5abeb8b59ede98eae003"  # shared/reference/simplified-tax-table.md
PAY_DATE = dt.date(2026, 4, 10)


def table_rows():
    with TABLE.open() as fh:
        reader = csv.DictReader(fh)
        return [{k: int(v) for k, v in row.items()} for row in reader]


def test_table_file_is_the_published_one():
    assert hashlib.sha256(TABLE.read_bytes()).hexdigest() == PUBLISHED_SHA256
    rows = table_rows()
    assert len(rows) == 647
    assert all(a["pay_to"] == b["pay_from"] for a, b in zip(rows, rows[1:]))


def lookup(pays_and_families):
    """Run the engine's table step over many (W, n) pairs at once."""
    law = law_module.current()
    frame = pl.DataFrame(
        {
            "row": list(range(len(pays_and_families))),
            "pay_date": [PAY_DATE] * len(pays_and_families),
            "taxable_pay": [w for w, _ in pays_and_families],
            "family": [n for _, n in pays_and_families],
        },
        schema={"row": pl.Int64, "pay_date": pl.Date, "taxable_pay": pl.Int64, "family": pl.Int64},
    ).with_columns(
        pl.lit("statute/income_tax/simplified_tax_table_2024-03-01.csv").alias("it_table"),
        pl.lit(10_000_000, dtype=pl.Int64).alias("it_top"),
    )
    return simplified_table_tax(frame, law).sort("row").get_column("table_tax").to_list()


def test_every_cell_at_both_ends_of_its_row():
    rows = table_rows()
    cases, expected = [], []
    for row in rows:
        last_won = row["pay_to"] - 1
        for n in range(1, 12):
            for w in {row["pay_from"], last_won}:
                cases.append((w, n))
                expected.append(row[f"tax_{n}"])
    assert len({(w, n) for w, n in cases}) >= 7_117
    got = lookup(cases)
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got) if e != g]
    assert mismatches == []


def test_row_boundaries_belong_to_the_upper_row():
    rows = table_rows()
    cases = [(r["pay_to"], 1) for r in rows[:-2]]
    expected = [rows[i + 1]["tax_1"] for i in range(len(rows) - 2)]
    assert lookup(cases) == expected


def test_below_the_first_row_is_zero():
    assert lookup([(0, 1), (769_999, 1), (769_999, 11)]) == [0, 0, 0]


T10 = [1_507_400, 1_431_570, 1_200_840, 1_170_840, 1_140_840, 1_110_840, 1_080_840, 1_050_840, 1_020_840, 990_840, 960_840]


def statute_formula(w: int, t10: int) -> int:
    """The 별표2 wording above 10,000천원, in exact arithmetic, floored to 10원 (decision D8)."""
    F = Fraction
    if w <= 14_000_000:
        tax = t10 + (w - 10_000_000) * F(98, 100) * F(35, 100) + 25_000
    elif w <= 28_000_000:
        tax = t10 + 1_397_000 + (w - 14_000_000) * F(98, 100) * F(38, 100)
    elif w <= 30_000_000:
        tax = t10 + 6_610_600 + (w - 28_000_000) * F(98, 100) * F(40, 100)
    elif w <= 45_000_000:
        tax = t10 + 7_394_600 + (w - 30_000_000) * F(40, 100)
    elif w <= 87_000_000:
        tax = t10 + 13_394_600 + (w - 45_000_000) * F(42, 100)
    else:
        tax = t10 + 31_034_600 + (w - 87_000_000) * F(45, 100)
    return int(tax) // 10 * 10


def test_exactly_ten_million_uses_the_row_not_the_formula():
    assert lookup([(10_000_000, n) for n in range(1, 12)]) == T10
    assert withholding.monthly(10_000_000, 1, pay_date=PAY_DATE)["income_tax"] == 1_507_400  # not 1,532,400


@pytest.mark.parametrize(
    "w",
    [10_000_001, 10_000_010, 12_000_000, 13_999_999, 14_000_000, 14_000_001, 20_000_000, 27_999_999, 28_000_000,
     28_000_001, 29_999_999, 30_000_000, 30_000_001, 44_999_999, 45_000_000, 45_000_001, 86_999_999, 87_000_000,
     87_000_001, 150_000_000, 1_000_000_000],
)
def test_formula_rows_above_ten_million(w):
    got = lookup([(w, n) for n in range(1, 12)])
    assert got == [statute_formula(w, t) for t in T10]


def test_worked_examples_above_ten_million():
    assert lookup([(12_000_000, 1), (20_000_000, 1)]) == [2_218_400, 5_138_800]
    # the step of 25,000원 just above the 10,000천원 row, as the 별표 is written
    assert lookup([(10_000_001, 1)])[0] - 1_507_400 == 25_000


def test_more_than_eleven_family_members():
    # 별표2 비고 4: tax(11) − (tax(10) − tax(11)) × (n − 11), never below 0.
    row = next(r for r in table_rows() if r["pay_from"] == 5_000_000)
    t10, t11 = row["tax_10"], row["tax_11"]
    got = lookup([(5_000_000, 12), (5_000_000, 13), (5_000_000, 40)])
    assert got == [max(0, t11 - (t10 - t11) * k) for k in (1, 2, 29)]
    assert got[-1] == 0
    high = lookup([(12_000_000, 12)])[0]
    t12_at_10m = T10[10] - (T10[9] - T10[10])
    assert high == statute_formula(12_000_000, t12_at_10m)
