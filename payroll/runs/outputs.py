"""Render a computed month into files: payslip PDFs (over all cores), register, bank CSV, filings.

Every output is a pure function of the computed rows, so a replay renders the same bytes. The
files are written into a scratch directory; the caller renames it into place when all is done.
Layout of a run's output directory::

    payslips/<worker_id>.pdf    임금명세서, one per worker-month (``<worker_id>_<row>.pdf`` if a worker has two rows)
    register.xlsx               급여대장 with department subtotals
    bank_transfer.csv           실지급액 per account
    filings/withholding.csv     원천징수이행상황신고서 근로소득 lines (A01/A02/A03/A10, A20)
    filings/insurance.csv       4대보험 summary (employee and employer shares per insurance)
    filings/filings.json        both summaries as JSON
    filings/filings.xlsx        both summaries as a workbook
    attendance/exceptions.xlsx  the build's attendance exceptions (when the build reports them)
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from payroll.runs.hashing import sha256_bytes, sha256_file
from payroll.security.identifiers import contained

if TYPE_CHECKING:
    import polars as pl

    from payroll.runs.results import Dictionary, StoredResults

#: test hook: the run process kills itself (SIGKILL) once this many payslips are written
KILL_AFTER_ENV = "PAYROLL_RUN_KILL_AFTER"
#: number of payslip processes (default: every core)
JOBS_ENV = "PAYROLL_JOBS"


@dataclass(frozen=True)
class Renderers:
    """The document functions a run calls (module-level functions, so a process pool can pickle them)."""

    payslip: Callable[[dict, list[dict], list[dict], dict], bytes]
    others: Callable[[pl.DataFrame, pl.DataFrame, dict], dict[str, bytes]]  # (rows, items, employer) → {relative path: bytes}


def default_renderers() -> Renderers:
    from payroll.documents.payslip import payslip_pdf

    return Renderers(payslip=payslip_pdf, others=month_documents)


def month_documents(rows: pl.DataFrame, items: pl.DataFrame, employer: dict) -> dict[str, bytes]:
    """The month-level documents from ``payroll.documents``: register (every row, a held one marked
    보류), bank transfer and filings (the rows paid: a held worker gets no transfer and no withholding)."""
    import polars as pl

    from payroll.documents import filings
    from payroll.documents.bank_transfer import bank_transfer_csv
    from payroll.documents.register import register_xlsx

    paid = rows.filter(pl.col("pay_state") != "held") if "pay_state" in rows.columns else rows  # a held worker: no transfer, nothing withheld
    return {
        "register.xlsx": register_xlsx(rows, items),
        "bank_transfer.csv": bank_transfer_csv(paid, shortfall_as_zero=True),
        "filings/withholding.csv": filings.withholding_csv(paid),
        "filings/insurance.csv": filings.insurance_csv(paid),
        "filings/filings.json": filings.filings_json(paid),
        "filings/filings.xlsx": filings.filings_xlsx(paid),
    }


def payslip_names(rows: pl.DataFrame) -> list[str]:
    ids = rows.get_column("worker_id").to_list()
    seen: dict[str, int] = {}
    for wid in ids:
        seen[wid] = seen.get(wid, 0) + 1
    return [f"payslips/{wid}.pdf" if seen[wid] == 1 else f"payslips/{wid}_{r}.pdf" for wid, r in zip(ids, rows.get_column("row").to_list())]


def _render_chunk(render: Callable, employer: dict, target: str, jobs: list[tuple[str, Any]], dictionary: Dictionary | None = None) -> list[tuple[str, str]]:
    """Render and write one chunk of payslips; a job is (name, stored text) with the run's ``dictionary``,
    or (name, (row, items, trace)) without one."""
    out = []
    for name, payload in jobs:
        if dictionary is not None:
            result = dictionary.expand(payload)
            row, items, trace = result["row"], result["items"], result["trace"]
        else:
            row, items, trace = payload
        data = render(row, items, trace, employer)
        contained(target, name).write_bytes(data)
        out.append((name, sha256_bytes(data)))
    return out


def _jobs_count() -> int:
    env = os.environ.get(JOBS_ENV)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


class _KillHook:
    def __init__(self) -> None:
        env = os.environ.get(KILL_AFTER_ENV)
        self.after = int(env) if env and env.isdigit() else None

    def check(self, done: int) -> None:
        if self.after is not None and done >= self.after:
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)


def _chunk_size(count: int, jobs: int) -> int:
    """Payslips per task: at most 24 (the last task's length is how unevenly the processes finish;
    a task costs about a millisecond to send), and at least four tasks per process on a small run."""
    return max(4, min(24, -(-count // (jobs * 4))))


def _pool_context():
    """A ``forkserver`` whose server has loaded the renderer and the font (:mod:`payroll.runs.payslip_worker`):
    the one every child of the project forks from (:func:`payroll.security.sandbox.process_context`)."""
    from payroll.security.sandbox import process_context

    return process_context(payslips=True)


def start_pool(jobs: int | None = None) -> None:
    """Start the payslip processes' server now, so that it loads the font while the month computes.

    Returns at once; a no-op for a single process. A run calls it first thing; rendering later
    forks its workers from the already warm server.
    """
    if (jobs or _jobs_count()) <= 1:
        return
    from multiprocessing import forkserver

    _pool_context()
    forkserver.ensure_running()


def render_payslips(target: Path, names: list[str], payloads: Sequence[Any], employer: dict, render: Callable, progress: bool = False,
                    jobs: int | None = None, meanwhile: Callable[[], None] | None = None, dictionary: Dictionary | None = None,
                    folder: str = "payslips", on_done: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """Write one payslip per payload into ``target`` (over ``jobs`` processes); return {name: sha256}.

    A payload is a worker's stored result text (``payroll.runs.results``) read with the run's
    ``dictionary`` in the process that renders it, or without a dictionary a (row, items, trace) tuple.
    ``folder``: the subfolder of ``target`` the names are in (the year-end renders its receipts the same way).
    ``meanwhile``: other work for this process while the pool renders (the run renders the
    register then); with a single process it runs after the payslips. ``on_done(done, total)``:
    told as payslips are written.
    """
    (target / folder).mkdir(parents=True, exist_ok=True)
    work = list(zip(names, payloads))
    jobs = jobs or _jobs_count()
    hook = _KillHook()
    bar = _bar(len(work), folder, progress)
    hashes: dict[str, str] = {}
    size = _chunk_size(len(work), jobs)
    chunks = [work[i:i + size] for i in range(0, len(work), size)]
    try:
        if jobs <= 1 or len(chunks) <= 1:
            for job in work:
                for name, digest in _render_chunk(render, employer, str(target), [job], dictionary):
                    hashes[name] = digest
                bar.update(1)
                if on_done is not None:
                    on_done(len(hashes), len(work))
                hook.check(len(hashes))
            if meanwhile is not None:
                meanwhile()
        else:
            from payroll.security.sandbox import die_with_parent

            with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=_pool_context(),
                                     initializer=die_with_parent, initargs=(os.getpid(),)) as pool:  # no payslip process outlives the run
                futures = [pool.submit(_render_chunk, render, employer, str(target), chunk, dictionary) for chunk in chunks]
                if meanwhile is not None:
                    try:
                        meanwhile()
                    except BaseException:
                        for fut in futures:
                            fut.cancel()
                        raise
                for fut in as_completed(futures):
                    done = fut.result()
                    for name, digest in done:
                        hashes[name] = digest
                    bar.update(len(done))
                    if on_done is not None:
                        on_done(len(hashes), len(work))
                    hook.check(len(hashes))
    finally:
        bar.close()
    return hashes


def _bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="명", file=sys.stderr, disable=not enabled, leave=False)


def render_all(target: Path, rows: pl.DataFrame, items: pl.DataFrame, stored: StoredResults, employer: dict, renderers: Renderers,
               progress: bool = False, jobs: int | None = None,
               extra: dict[str, bytes] | Callable[[], dict[str, bytes]] | None = None,
               meanwhile: Callable[[], object] | None = None, on_done: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """Every output of the month into ``target``; returns the manifest {relative path: sha256}.

    ``extra``: further files (such as the build's attendance exceptions), or a function that renders
    them. The month files, ``extra`` and then ``meanwhile`` (other work of the caller's) run in this
    process while the payslip processes work.
    """
    others: dict[str, str] = {}

    def month_files() -> None:  # in this process, while the pool renders the payslips
        more = extra() if callable(extra) else extra
        for name, data in {**renderers.others(rows, items, employer), **(more or {})}.items():
            path = contained(target, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            others[name] = sha256_bytes(data)
        if meanwhile is not None:
            meanwhile()

    manifest = render_payslips(target, payslip_names(rows), stored.texts.to_list(), employer, renderers.payslip, progress, jobs,
                               meanwhile=month_files, dictionary=stored.dictionary, on_done=on_done)
    return dict(sorted({**manifest, **others}.items()))


def hash_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}
