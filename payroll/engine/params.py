"""Put the law in force on each row's date into columns, so a step is plain polars arithmetic.

A won/count parameter becomes one Int64 column; a rate becomes two (``<alias>_num`` and
``<alias>_den``) so :func:`rate_on` stays exact integer arithmetic. Rows are grouped by their date
first: a month of a million rows joins against one or two distinct dates.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any, Callable

import polars as pl

from payroll.law import Law, LawOnDate

#: a parameter name, or a function of the law in force that derives a value from several
Source = str | Callable[[LawOnDate], Any]


def with_params(frame: pl.DataFrame, law: Law, date_col: str, params: dict[str, Source]) -> pl.DataFrame:
    dates = frame.get_column(date_col).unique().drop_nulls().sort().to_list()
    columns: dict[str, list] = {date_col: dates}
    for alias, source in params.items():
        values = [source(law.on(d)) if callable(source) else law.on(d)[source] for d in dates]
        if any(isinstance(v, Fraction) for v in values):
            columns[f"{alias}_num"] = [v.numerator for v in values]
            columns[f"{alias}_den"] = [v.denominator for v in values]
        else:
            columns[alias] = values
    schema = {date_col: pl.Date}
    for key, vals in columns.items():
        if key != date_col:
            schema[key] = _dtype(next((v for v in vals if v is not None), None))
    table = pl.DataFrame(columns, schema=schema)
    return frame.join(table, on=date_col, how="left")


def _dtype(sample: Any) -> pl.DataType:
    """The column type of a parameter's values (a value may be None: not in force on that date)."""
    if isinstance(sample, str):
        return pl.Utf8
    if isinstance(sample, bool):
        return pl.Boolean
    if isinstance(sample, dt.date):
        return pl.Date
    return pl.Int64


def rate_on(amount: pl.Expr, alias: str) -> pl.Expr:
    """amount × (the rate joined as ``alias``), exact, truncated to whole won."""
    return (amount.cast(pl.Int64) * pl.col(f"{alias}_num")) // pl.col(f"{alias}_den")


def param_columns(params: dict[str, Source], frame: pl.DataFrame) -> list[str]:
    out = []
    for alias in params:
        out += [c for c in (alias, f"{alias}_num", f"{alias}_den") if c in frame.columns]
    return out
