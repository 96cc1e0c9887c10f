"""A worker's trace: every amount with the step that wrote it, the article and the law in force.

The trace is read off the worker's result row; references come from the rules in force on the
row's own dates, so an old run explains itself with the law of its month. Two readings of the same
definitions:

- :func:`trace_of` — one row's trace as ``[{step, value, reference, note}, …]`` (``payroll calc``);
- :func:`trace_columns` — a whole frame's trace as columns: the distinct entries (step, reference,
  note) of the frame, interned once, and for each output an id column. A month of a million rows
  has a few dozen entries; each worker's trace is then ``[[entry id, value], …]``
  (:mod:`payroll.runs.results` stores it so and expands it back to the first form).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from payroll.law import Law, RuleError

if TYPE_CHECKING:  # the engine (and polars) only where a frame is traced
    import polars as pl

    from payroll.engine.step import Output, Step


def _pipeline() -> tuple[Step, ...]:
    from payroll.engine.pipeline import PIPELINE

    return PIPELINE


def reference(step: Step, law: Law, day: Any) -> str:
    """The step's article and the parameters it read, with their citations, in force on ``day``."""
    day = day if isinstance(day, dt.date) else None
    key = (law.content_hash, step.name, step.article, step.params, day)
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


def note(output: Output, detail: Any) -> str:
    """The output's label, with the row's explanation (its note column) when it has one."""
    return f"{output.label}: {detail}" if output.note_column and detail else output.label


def trace_of(row: dict[str, Any], law: Law, steps: tuple[Step, ...] | None = None) -> list[dict[str, Any]]:
    out = []
    for step in steps or _pipeline():
        ref = reference(step, law, row.get(step.date_key))
        for output in step.writes:
            if output.column not in row:
                continue
            detail = row.get(output.note_column) if output.note_column else None
            out.append({"step": f"{step.name}.{output.column}", "value": row[output.column], "reference": ref, "note": note(output, detail)})
    return out


# --- the trace of a frame, as columns -------------------------------------------------------


@dataclass
class TraceTable:
    """The interned entries of a run's traces: references once; an entry is (step, reference index, note,
    the row column that holds its value — None when each row carries its own value)."""

    references: list[str] = field(default_factory=list)
    entries: list[tuple[str, int, str, str | None]] = field(default_factory=list)
    _reference_ids: dict[str, int] = field(default_factory=dict, repr=False)
    _entry_ids: dict[tuple[str, int, str, str | None], int] = field(default_factory=dict, repr=False)

    def reference_id(self, text: str) -> int:
        found = self._reference_ids.get(text)
        if found is None:
            found = self._reference_ids[text] = len(self.references)
            self.references.append(text)
        return found

    def entry_id(self, step: str, reference_text: str, note_text: str, column: str | None = None) -> int:
        key = (step, self.reference_id(reference_text), note_text, column)
        found = self._entry_ids.get(key)
        if found is None:
            found = self._entry_ids[key] = len(self.entries)
            self.entries.append(key)
        return found


def _index_expr(column: str, values: list, default: int) -> pl.Expr:
    """The position of each row's value in ``values``; a null or unlisted value → ``default``."""
    import polars as pl

    return pl.col(column).replace_strict(values, list(range(len(values))), default=default, return_dtype=pl.Int64)


def trace_columns(frame: pl.DataFrame, law: Law, table: TraceTable, steps: tuple[Step, ...] | None = None) -> list[int | pl.Expr]:
    """Each output of ``steps`` in the frame, in trace order: each row's entry id in ``table`` — an int
    when every row has the same (most outputs of a month), else an expression. The entry names the
    output's column, which holds the value. Entries are added to ``table`` for every (reference, note)
    the frame holds; ``table`` must not hold entries of these steps yet (each output's ids are consecutive)."""
    import polars as pl

    out: list[int | pl.Expr] = []
    for step in steps or _pipeline():
        column = frame.get_column(step.date_key) if step.date_key in frame.columns else None
        dates = column.unique().drop_nulls().sort().to_list() if column is not None else []
        days: list[Any] = dates + ([None] if column is None or column.null_count() else [])  # None: the article alone
        refs: list[str] = []  # the step's distinct references; dates under the same law share one
        positions = []
        for day in days:
            text = reference(step, law, day)
            if text not in refs:
                refs.append(text)
            positions.append(refs.index(text))
        if len(refs) == 1:
            ref_index = pl.lit(0, dtype=pl.Int64)
        else:
            ref_index = pl.col(step.date_key).replace_strict(dates, positions[:len(dates)], default=positions[-1], return_dtype=pl.Int64)
        for output in step.writes:
            if output.column not in frame.columns:
                continue
            details: list[Any] = [None]  # None: the label alone
            if output.note_column and output.note_column in frame.columns:
                details += [v for v in frame.get_column(output.note_column).unique().drop_nulls().sort().to_list() if v]
            note_index = _index_expr(output.note_column, details[1:], -1) + 1 if len(details) > 1 else pl.lit(0, dtype=pl.Int64)
            ids = [table.entry_id(f"{step.name}.{output.column}", ref, note(output, detail), output.column) for ref in refs for detail in details]
            if ids != list(range(ids[0], ids[0] + len(ids))):
                raise ValueError(f"trace entries of {step.name}.{output.column} are already in the table")
            out.append(ref_index * len(details) + note_index + ids[0] if len(ids) > 1 else ids[0])
    return out
