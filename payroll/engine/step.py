"""A step of the pipeline: a pure function from a worker-month frame and the law to new columns.

Each step says which columns it writes, the parameters it reads (their citations go into the
trace for the row's own date), the date those parameters are looked up on, and the article it
implements. The trace of one worker is read off that worker's row (see ``trace.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from payroll.law import Law
from payroll.pay_items import Catalogue


@dataclass(frozen=True)
class Context:
    law: Law
    catalogue: Catalogue


@dataclass(frozen=True)
class Output:
    column: str
    label: str
    note_column: str | None = None  # a per-row explanation (exclusion reason, method)


@dataclass(frozen=True)
class Step:
    name: str
    article: str
    writes: tuple[Output, ...]
    run: Callable[[pl.DataFrame, pl.DataFrame, Context], pl.DataFrame]
    params: tuple[str, ...] = ()
    date_key: str = "coverage_date"  # or "pay_date"
    internal: tuple[str, ...] = field(default=())  # helper columns the step also writes (kept for the trace)

    def written_columns(self) -> list[str]:
        cols = [o.column for o in self.writes]
        cols += [o.note_column for o in self.writes if o.note_column]
        return cols + list(self.internal)
