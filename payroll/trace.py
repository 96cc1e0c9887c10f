"""A worker's trace: every amount with the step that wrote it, the article and the law in force.

The trace is read off the worker's result row; references come from the rules in force on the
row's own dates, so an old run explains itself with the law of its month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payroll.engine.pipeline import PIPELINE
from payroll.engine.step import Step
from payroll.law import Law, RuleError


def _references(step: Step, law: Law, row: dict[str, Any]) -> str:
    day = row.get(step.date_key)
    key = (law.content_hash, step.name, step.article, step.params, day if isinstance(day, dt.date) else None)
    text = _REFERENCES.get(key)
    if text is None:
        if len(_REFERENCES) >= 4096:
            _REFERENCES.clear()
        text = _REFERENCES[key] = _references_on(step, law, day)
    return text


#: a step's reference text depends only on the law, the step and the row's date: a month of 1,165
#: rows has a handful of distinct ones, and building each took a tenth of a millisecond
_REFERENCES: dict[tuple, str] = {}


def _references_on(step: Step, law: Law, day: Any) -> str:
    parts = [step.article]
    if isinstance(day, dt.date):
        seen = set()
        for name in step.params:
            try:
                citation = law.on(day).citation(name)
            except RuleError:
                continue
            text = f"{law.parameter(name).label}: {law.on(day)[name] if law.parameter(name).unit in ('won', 'count', 'hours', 'years', 'months') else _fmt(law.on(day)[name])} — {citation}"
            if text not in seen:
                seen.add(text)
                parts.append(text)
    return "; ".join(parts)


def _fmt(value: Any) -> str:
    from fractions import Fraction

    if isinstance(value, Fraction):
        if value.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 100, 1000, 10000, 100000, 1000000):
            return f"{float(value) * 100:.4g}%"  # float ok: display of a rate, not money
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (list, tuple)):
        return "[…]"
    return str(value)


def trace_of(row: dict[str, Any], law: Law, steps: tuple[Step, ...] = PIPELINE) -> list[dict[str, Any]]:
    out = []
    for step in steps:
        reference = _references(step, law, row)
        for output in step.writes:
            if output.column not in row:
                continue
            value = row[output.column]
            note = output.label
            if output.note_column and row.get(output.note_column):
                note = f"{note}: {row[output.note_column]}"
            out.append({"step": f"{step.name}.{output.column}", "value": value, "reference": reference, "note": note})
    return out
