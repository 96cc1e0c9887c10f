"""Progressive tables as polars expressions and plain integers (exact; truncated to the won).

A bracket table is ``((lower, base, rate), ...)`` ascending: for ``x`` above ``lower`` the amount
is ``base + (x − lower) × rate``. Every product is integer arithmetic on the rate's numerator and
denominator, truncated to whole won (원 미만 절사), never a float.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from payroll.money import rate

Bracket = tuple[int, int, Fraction]


def bracket_amount(x: int, table: tuple[Bracket, ...]) -> int:
    """Plain-int twin of :func:`bracket_expr` (used by the severance tax, one worker at a time)."""
    if x <= 0:
        return 0
    out = 0
    for lower, base, r in table:
        if x > lower:
            out = base + (x - lower) * r.numerator // r.denominator
    return out


def bracket_expr(x: pl.Expr, table: tuple[Bracket, ...]) -> pl.Expr:
    """``base + (x − lower) × rate`` of the highest row whose ``lower`` is below ``x`` (0 for x ≤ 0)."""
    expr = pl.lit(0, dtype=pl.Int64)
    for lower, base, r in table:
        expr = pl.when(x > lower).then(base + (x - lower) * r.numerator // r.denominator).otherwise(expr)
    return pl.when(x <= 0).then(0).otherwise(expr).cast(pl.Int64)


def limit_rows(raw: list) -> tuple[tuple[int, int, Fraction, int], ...]:
    """``[[lower, base, "rate", floor], ...]`` of ``year_end.earned_income_tax_credit_limit``."""
    return tuple((int(lo), int(base), rate(str(r)), int(floor)) for lo, base, r, floor in raw)


def limit_expr(x: pl.Expr, rows: tuple[tuple[int, int, Fraction, int], ...]) -> pl.Expr:
    """§59②: max(floor, base − (x − lower) × rate) for the highest row with ``lower`` below ``x``.

    The statute's amount ``base − (x − lower) × rate`` is exact; the won fraction is dropped once,
    at the end (원 미만 절사): ``base − ceil((x − lower) × rate)``. Truncating the product first
    (``base − floor(…)``) overstates the limit by 1원 whenever the product has a fraction
    (총급여 33,000,001…33,000,124 → 739,999, not 740,000)."""
    expr = pl.lit(rows[0][1], dtype=pl.Int64)
    for lower, base, r, floor in rows:
        reduced = base + (-((x - lower) * r.numerator) // r.denominator)  # base − ceil(product): one truncation of the exact amount
        expr = pl.when(x > lower).then(pl.max_horizontal(pl.lit(floor, dtype=pl.Int64), reduced)).otherwise(expr)
    return expr.cast(pl.Int64)


def limit_amount(x: int, rows: tuple[tuple[int, int, Fraction, int], ...]) -> int:
    """Plain-int twin of :func:`limit_expr` (an independent check in the tests)."""
    out = rows[0][1]
    for lower, base, r, floor in rows:
        if x > lower:
            exact = Fraction(base) - (x - lower) * r
            out = max(floor, exact.numerator // exact.denominator)
    return out


def service_rows(raw: list) -> tuple[tuple[int, int, int], ...]:
    return tuple((int(lo), int(base), int(per)) for lo, base, per in raw)


def service_years_deduction(years: int, rows: tuple[tuple[int, int, int], ...]) -> int:
    """§48①1: 누적 + (근속연수 − 하한) × 1년당, for the highest row whose 하한 is below the years."""
    out = 0
    for lower, base, per in rows:
        if years > lower:
            out = base + (years - lower) * per
    return out
