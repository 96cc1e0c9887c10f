"""Integer won, exact rates, and every rounding rule the engine applies — each with its article.

Money is a Python ``int`` (or a polars ``Int64`` column) of whole won. Rates are
:class:`fractions.Fraction` built from the decimal strings in ``rules/``; applying a rate is
integer arithmetic ``amount * numerator // denominator`` so no binary float ever touches money.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars only where a frame is computed: `payroll tax` never loads it
    import polars as pl

Won = int

#: 국민연금법 §117 → 국고금관리법 §47: amounts under 10원 are dropped (premiums and taxes).
TEN_WON_ARTICLE = "국고금관리법 §47 (국민연금법 §117 준용)"
#: 국민연금법 시행령 §5: 기준소득월액 drops amounts under 1,000원.
THOUSAND_WON_ARTICLE = "국민연금법 시행령 §5"
#: 소득세법 §86 1호: a withholding under the limit (1,000원, rules/statute/income_tax.toml
#: ``small_amount_limit``) is not collected (소액부징수).
SMALL_AMOUNT_ARTICLE = "소득세법 §86 1호"


def rate(value: str | int | Decimal | Fraction) -> Fraction:
    """An exact rate from a decimal string ("0.0475"). Floats are refused: they are not exact."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"rates must be exact decimal strings, not {type(value).__name__}: {value!r}")
    if isinstance(value, Fraction):
        return value
    text = str(value)
    if "/" in text:  # an exact ratio of two decimals, e.g. 장기요양률 ÷ 건강보험료율 "0.9448/7.19"
        num, den = text.split("/")
        return Fraction(Decimal(num.strip())) / Fraction(Decimal(den.strip()))
    return Fraction(Decimal(text))


def _require_int(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be integer won, got {type(amount).__name__}: {amount!r}")
    return amount


def apply_rate(amount: Won, r: Fraction) -> Won:
    """amount × rate, truncated toward −∞ to whole won (the caller floors to 10원 where the law says)."""
    _require_int(amount)
    return amount * r.numerator // r.denominator


def floor_to(amount: Won, unit: int) -> Won:
    """Drop the part of ``amount`` below ``unit`` won. Amounts are non-negative on every path."""
    _require_int(amount)
    return amount // unit * unit


def floor10(amount: Won) -> Won:
    """10원 미만 절사 (국고금관리법 §47)."""
    return floor_to(amount, 10)


def floor1000(amount: Won) -> Won:
    """1,000원 미만 절사 of 기준소득월액 (국민연금법 시행령 §5)."""
    return floor_to(amount, 1_000)


def small_amount_exempt(tax: Won, limit: Won) -> Won:
    """소득세법 §86 1호: a withholding under ``limit`` (1,000원) is not collected."""
    _require_int(tax)
    return 0 if tax < limit else tax


# --- the same rules as polars expressions (Int64 in, Int64 out) -------------------------------


def rate_expr(amount: pl.Expr, r: Fraction) -> pl.Expr:
    """Vectorised :func:`apply_rate`. Int64 × numerator stays far below 2**63 for won amounts."""
    import polars as pl

    return (amount.cast(pl.Int64) * r.numerator) // r.denominator


def floor_to_expr(amount: pl.Expr, unit: int) -> pl.Expr:
    return (amount // unit) * unit


def floor10_expr(amount: pl.Expr) -> pl.Expr:
    return floor_to_expr(amount, 10)


def floor1000_expr(amount: pl.Expr) -> pl.Expr:
    return floor_to_expr(amount, 1_000)


def small_amount_exempt_expr(tax: pl.Expr, limit: pl.Expr) -> pl.Expr:
    import polars as pl

    return pl.when(tax < limit).then(0).otherwise(tax).cast(pl.Int64)


def won(amount: Won) -> str:
    """1234567 → '1,234,567' for people (never for machines)."""
    return f"{_require_int(amount):,}"
