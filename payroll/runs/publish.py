"""Outputs are published after the record: a run's folder appears under its final name only when the
database knows the run, and a run killed in between is finished (or cleared) by the next start.

A run renders into ``OUT/MONTH/.partial-<run id>-<pid>``, commits its record (which names the final
folder ``OUT/MONTH/<run id>``), then renames the scratch folder into place. Killed

- before the commit: no record; the scratch folder is removed by :func:`recover` (the next run of
  the month, a replay);
- after the commit, before the rename: the record stands; :func:`recover` checks the scratch
  folder against the record's output hashes and renames it into place.

So a folder under a final name always has a record, and a record's folder is there or pending.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from payroll.runs.hashing import sha256_file
from payroll.store.db import Store
from payroll.store.models import Run

_PARTIAL = re.compile(r"^\.partial-(?P<run_id>.+)-(?P<pid>\d+)$")


def partial_dir(parent: Path, run_id: str) -> Path:
    return parent / f".partial-{run_id}-{os.getpid()}"


def publish(partial: Path, final: Path) -> None:
    os.replace(partial, final)  # one rename: the folder is complete under its final name, or not there


def _running(pid: int) -> bool:
    from payroll.security.sandbox import process_alive

    return pid != os.getpid() and process_alive(pid)


def _complete(folder: Path, manifest: dict[str, str]) -> bool:
    files = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    return set(files) == set(manifest) and all(sha256_file(files[n]) == manifest[n] for n in manifest)


def recover(store: Store, parent: Path) -> list[str]:
    """Finish or clear the scratch folders of runs that were killed in ``parent`` (OUT/MONTH); what was done."""
    import json

    done: list[str] = []
    if not parent.is_dir():
        return done
    for folder in sorted(parent.glob(".partial-*")):
        m = _PARTIAL.match(folder.name)
        if m and _running(int(m.group("pid"))):
            continue  # that run is still going
        run_id = m.group("run_id") if m else None
        with store.session() as s:
            run = s.get(Run, run_id) if run_id else None
        final = parent / run_id if run_id else None
        if run is None or final is None:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"{folder.name}: removed (the run was stopped before it was recorded)")
        elif final.exists():
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"{folder.name}: removed (run {run_id} is already in place)")
        elif _complete(folder, json.loads(run.outputs_manifest)):
            publish(folder, final)
            done.append(f"run {run_id}: outputs put in place (the run was stopped after it was recorded)")
        else:
            done.append(f"run {run_id}: its pending outputs in {folder} do not match the record; left for the auditor (payroll replay {run_id})")
    return done
