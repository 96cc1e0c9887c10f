"""The entry points for attendance exports that come from outside: measured, then read apart.

Every caller that reads an export — a run, ``payroll attendance check``/``detect``, a console upload
and the profile the console then proposes — comes through here, whatever reader does the reading
inside (:func:`payroll.attendance.readers.read_export_bytes`, :func:`payroll.attendance.detect.propose`):

1. the size is checked before anything is read (``max_file_bytes``, ``rules/limits.toml``);
2. a spreadsheet (XLSX, XLS: a binary a native reader lays out in memory) is measured
   (:mod:`payroll.security.spreadsheets`) and read in a child process under a memory limit
   (:mod:`payroll.security.sandbox`); a text export (parsed in proportion to its size, which is
   bounded) in this process;
3. the export comes back, or an InputError naming the file — a file that makes a reader crash or
   run out of memory ends the child, never the run or the server;
4. any 주민등록번호 in its cells is masked (:func:`payroll.security.rrn.mask_frame`) before the
   caller sees it, so no check report, page or document can show one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from payroll.errors import InputError
from payroll.security import limits as limits_module
from payroll.security.sandbox import run_untrusted
from payroll.security.spreadsheets import SpreadsheetRefused

#: the last exports read, by path, content, profile and rules: a console page that shows a month's
#: exports again does not start a reading process again (an Export is frozen)
CACHE_SIZE = 16
_CACHE: OrderedDict[bytes, Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _read_bytes(path: Path, limits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise SpreadsheetRefused(f"{path}: 파일이 너무 큽니다 ({size:,} bytes; 한도 max_file_bytes {limits.max_file_bytes:,}, {limits.source})")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None


def _read(raw: bytes, path: str, profile, profiles):
    from payroll.attendance.readers import read_export_bytes

    return read_export_bytes(raw, path, profile, profiles)


def read_untrusted(path: Path | str, profile=None, profiles=None, keep: bool = True):
    """One export (:class:`payroll.attendance.readers.Export`), read under the limits of ``rules/limits.toml``.

    ``profile``: a name, alias, TOML path or Profile; ``profiles``: the catalog names are looked up in.
    ``keep=False``: the last read of the file its caller will make — the export is handed over and
    not kept (a run's build would otherwise hold every export's frame to its end: issue 20).
    """
    path = Path(path)
    raw = _read_bytes(path, limits_module.current())
    key = hashlib.sha256(raw + pickle.dumps((str(path), profile, profiles, os.environ.get("PAYROLL_RULES", "")))).digest()
    with _CACHE_LOCK:
        if key in _CACHE:
            if not keep:
                return _CACHE.pop(key)
            _CACHE.move_to_end(key)
            return _CACHE[key]
    export = _masked(run_untrusted(_read, raw, str(path), str(path), profile, profiles))
    if keep:
        with _CACHE_LOCK:
            _CACHE[key] = export
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    return export


def read_untrusted_all(paths: list[Path], profile=None, profiles=None, keep: bool = True) -> list:
    """Several exports, each as :func:`read_untrusted` (``keep`` as there), as many at once as there are
    cores; in the order given. The first file (in that order) that cannot be read is the error raised."""
    if len(paths) <= 1:
        return [read_untrusted(p, profile, profiles, keep) for p in paths]
    with ThreadPoolExecutor(max_workers=min(len(paths), os.cpu_count() or 1)) as pool:
        futures = [pool.submit(read_untrusted, p, profile, profiles, keep) for p in paths]
        return [f.result() for f in futures]


def _masked(export):
    from payroll.security.rrn import mask_frame, masked

    return replace(export, frame=mask_frame(export.frame), skipped=mask_frame(export.skipped), errors=mask_frame(export.errors),
                   notes=tuple(masked(n) for n in export.notes))


def _propose(raw: bytes, path: str, name, profiles):
    from payroll.attendance.detect import propose

    proposal = propose(raw, path, name, profiles)
    return replace(proposal, export=_masked(proposal.export)) if proposal.export is not None else proposal


def _offer(raw: bytes, shown_name: str, profiles):
    from payroll.attendance.detect import offer

    return offer(raw, shown_name, profiles)


def propose_untrusted(raw: bytes, path: Path | str, name: str | None = None, profiles=None):
    """``payroll attendance detect``'s proposal for an untrusted file, read under the limits."""
    return run_untrusted(_propose, raw, str(path), str(path), name, profiles)


def offer_untrusted(raw: bytes, shown_name: str, profiles=None) -> str | None:
    """The console's proposed profile for an upload no profile reads (None when there is none or the
    file cannot be read safely): never read outside the limits."""
    from payroll.security.rrn import masked

    try:
        text = run_untrusted(_offer, raw, shown_name, shown_name, profiles)
    except InputError:
        return None
    return masked(text) if text else text
