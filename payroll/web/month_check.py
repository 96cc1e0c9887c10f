"""The month's attendance check as the console shows it: the run's precheck on the console's inputs,
kept by the hashes of every input (in memory, and in the console's data folder across a restart).
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from payroll.case import InputError
from payroll.web.cache import ComputedOnce, file_sha256
from payroll.web.inputs import _record_version, month_bounds, roster_of

if TYPE_CHECKING:
    import polars as pl

#: the month's attendance checks, by the hashes of their inputs (payroll.web.cache)
CHECKS: ComputedOnce = ComputedOnce(size=64, errors=(InputError,))


@dataclass(frozen=True)
class MonthCheck:
    """The month's attendance as a run would see it (payroll.runs.prechecks): the check's exceptions
    (source, line, worker_id, date, code, label, severity, detail, resolved_by), each export as read,
    the clerk's decisions, the exceptions with those decisions applied, and what a run would refuse on."""

    checked: pl.DataFrame  # the exceptions as the exports and the corrections leave them
    files: tuple  # (path, format, profile, shape, rows) of each export
    exceptions: pl.DataFrame  # ``checked`` with every open error of a decided worker resolved by the decision
    decisions: dict  # worker id → payroll.runs.decisions.Decision
    findings: list  # payroll.runs.prechecks.Finding: the errors a run would refuse on
    roster: object

    @functools.cached_property
    def open_errors(self) -> pl.DataFrame:
        """The errors neither corrected nor decided (worked out once: the check is kept, /months asks every view)."""
        from payroll.attendance.checks import open_errors_of

        return open_errors_of(self.exceptions)


def month_check(root: Path, month: str, engine=None, cache_dir: Path | None = None) -> MonthCheck | None:
    """The run's precheck on the console's inputs (the same check as ``payroll attendance check``,
    the same decisions and findings as ``payroll run``), or None without exports.

    Kept by the sha256 of every input (the exports, the roster — its files, or the record's version —
    the corrections and the decisions), of the rules and of the code: a correction or a decision
    makes a new key, so the next view checks again, once. The check proper (without the decisions,
    which are applied on top in a moment) is also kept in ``cache_dir`` (the console's data folder),
    so that a restarted console reads it rather than checking every month again.
    """
    from payroll import law as law_module
    from payroll.runs.hashing import code_version

    adir = root / month / "attendance"
    paths = sorted(p for p in adir.iterdir() if p.is_file() and not p.name.startswith(".")) if adir.is_dir() else []
    if not paths:
        return None
    corrections = root / month / "corrections.csv"
    decisions = root / month / "decisions.csv"
    roster_key: tuple = tuple(file_sha256(p) for p in (root / "roster.csv", root / "contracts.csv"))
    if None in roster_key and engine is not None:
        roster_key = _record_version(engine)
    checked_key = (str(root.resolve()), month, law_module.current().content_hash, code_version(), tuple((p.name, file_sha256(p)) for p in paths),
                   roster_key, file_sha256(corrections))

    def check() -> MonthCheck:
        from payroll.runs.decisions import load_decisions, mark_decided
        from payroll.runs.prechecks import PrecheckInput, run_prechecks

        roster = roster_of(root, engine)
        checked, files = _checked(checked_key, cache_dir, lambda: check_files_of(paths, roster, corrections, month))
        decided = load_decisions(decisions, roster) if decisions.is_file() else {}
        marked = mark_decided(checked, decided)
        findings = run_prechecks(PrecheckInput(month=month, root=root, exceptions=marked, roster=roster))
        return MonthCheck(checked, files, marked, decided, findings, roster)

    return CHECKS.get(checked_key + (file_sha256(decisions),), check)


def check_files_of(paths: list[Path], roster, corrections: Path, month: str) -> tuple[pl.DataFrame, tuple]:
    """The check proper (the same call as ``payroll attendance check``): its exceptions and each export as read."""
    from payroll.attendance.checks import check_files

    result = check_files(paths, roster, corrections if corrections.is_file() else None, month=month_bounds(month))
    return result.exceptions, tuple(tuple(f) for f in result.files)


def _checked(key: tuple, cache_dir: Path | None, check) -> tuple[pl.DataFrame, tuple]:
    """``check()`` kept in ``cache_dir`` by ``key``: the exceptions as parquet, the files read beside them as JSON."""
    import hashlib
    import json

    import polars as pl

    if cache_dir is None:
        return check()
    name = hashlib.sha256(repr(key).encode()).hexdigest()
    kept, listed = cache_dir / f"{name}.parquet", cache_dir / f"{name}.files.json"
    if kept.is_file() and listed.is_file():
        try:
            return pl.read_parquet(kept), tuple(tuple(f) for f in json.loads(listed.read_text(encoding="utf-8")))
        except (OSError, ValueError, pl.exceptions.PolarsError):
            pass  # a damaged file: check again and write it anew
    exceptions, files = check()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for target, write in ((listed, lambda tmp: Path(tmp).write_text(json.dumps(files, ensure_ascii=False), encoding="utf-8")),
                          (kept, exceptions.write_parquet)):  # the parquet last: it says the pair is complete
        fd, tmp = tempfile.mkstemp(prefix=".check-", suffix=target.suffix, dir=cache_dir)
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return exceptions, files


def file_results(check) -> list[dict]:
    """Each attendance file of the month as read: format, profile, rows, and its errors (open and all)."""
    import polars as pl

    exc = check.checked
    out = []
    for path, fmt, profile, shape, rows in check.files:
        mine = exc.filter(pl.col("source") == path)
        errors = mine.filter(pl.col("severity") == "error")
        out.append({"path": path, "format": fmt, "profile": profile, "shape": "타각 기록" if shape == "punch" else "일별 출퇴근", "rows": rows,
                    "errors": errors.height, "open": check.exceptions.filter((pl.col("source") == path) & (pl.col("severity") == "error")
                                                                           & pl.col("resolved_by").is_null()).height,
                    "notes": mine.filter(pl.col("severity") != "error").height})
    return out
