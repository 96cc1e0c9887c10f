"""A run's stored results read back: its dictionary, the expanded texts, the rows the console lists.

Every reader goes through here (``payroll explain``, replay, diff, the console, the payslip's 계산
근거, the filings), so a run stored in format 1 (whole JSON per worker) and one stored interned
(format 2, :mod:`payroll.runs.results`) read the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from payroll.runs.results import Dictionary

if TYPE_CHECKING:
    from sqlmodel import Session


def dictionary_of(session: Session, run_id: str) -> Dictionary | None:
    """The run's dictionary; None for a run stored in format 1 (whole JSON per worker)."""
    from payroll.store.models import RunDictionary

    found = session.get(RunDictionary, run_id)
    return None if found is None else Dictionary.from_json(found.content)


class Reader:
    """Expands stored texts of any number of runs (each run's dictionary read once)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._dictionaries: dict[str, Dictionary | None] = {}
        self._pickers: dict[str, Any] = {}

    def dictionary(self, run_id: str) -> Dictionary | None:
        if run_id not in self._dictionaries:
            self._dictionaries[run_id] = dictionary_of(self.session, run_id)
        return self._dictionaries[run_id]

    def expand(self, run_id: str, text: str) -> dict[str, Any]:
        d = self.dictionary(run_id)
        return json.loads(text) if d is None else d.expand(text)

    def row(self, run_id: str, text: str) -> dict[str, Any]:
        """The whole row of a stored text (its items and trace left unread)."""
        return self.row_and_items(run_id, text, items=False)[0]

    def row_and_items(self, run_id: str, text: str, items: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The row and the pay items of a stored text (its trace left unread)."""
        doc = json.loads(text)
        d = self.dictionary(run_id)
        if d is None:
            return doc["row"], doc["items"]
        pick = self._pickers.get(run_id)
        if pick is None:
            pick = self._pickers[run_id] = d.picker([spec[0] for spec in d.columns])
        listed = [{"code": d.items[i][0], "label": d.items[i][1], "amount": amount, "method": method, "minutes": minutes}
                  for i, amount, method, minutes in doc["items"]] if items else []
        return pick(doc["row"]), listed


def has_dictionary(session: Session, run_id: str) -> bool:
    """Whether the run was stored with a dictionary (format 2): its worker rows then also carry the
    columns the console lists (name, department, pay state, decision), besides the figures."""
    from sqlmodel import select

    from payroll.store.models import RunDictionary

    return session.exec(select(RunDictionary.run_id).where(RunDictionary.run_id == run_id)).first() is not None


def read_rows(session: Session, run_id: str, names: Iterable[str]) -> list[dict[str, Any]]:
    """The columns ``names`` of every worker's row, in row order, without expanding items or traces
    (the console's list of a run's workers)."""
    from sqlmodel import select

    from payroll.store.models import WorkerResult

    names = list(names)
    texts = session.exec(select(WorkerResult.result_json).where(WorkerResult.run_id == run_id).order_by(WorkerResult.row)).all()
    d = dictionary_of(session, run_id)
    if d is None:
        return [{n: r.get(n) for n in names} for r in (json.loads(t)["row"] for t in texts)]
    pick = d.picker(names)
    return [pick(json.loads(t)["row"]) for t in texts]


def read_results(session: Session, run_id: str, worker_id: str | None = None) -> list[dict[str, Any]]:
    """The run's results (``worker_id``: that worker's only, through the (run_id, worker_id) index), in row order."""
    from sqlmodel import select

    from payroll.store.models import WorkerResult

    query = select(WorkerResult.result_json).where(WorkerResult.run_id == run_id)
    if worker_id is not None:
        query = query.where(WorkerResult.worker_id == worker_id)
    texts = session.exec(query.order_by(WorkerResult.row)).all()
    reader = Reader(session)
    return [reader.expand(run_id, t) for t in texts]
