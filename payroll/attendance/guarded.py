"""The entry point for reading attendance exports that come from outside: measured, then read apart.

Every caller that reads an export from a path — a run, ``payroll attendance``, a console upload —
comes through :func:`read_untrusted` (or :func:`read_untrusted_all`), whatever reader does the
reading inside (:func:`payroll.attendance.readers.read_export`):

1. the size is checked before anything is read (``max_file_bytes``);
2. in a child process under a memory limit (:mod:`payroll.security.sandbox`), the structure of an
   XLSX or XLS is measured (:mod:`payroll.security.spreadsheets`), then the reader reads it;
3. the export comes back to the caller, or an InputError naming the file — a file that makes the
   reader crash or run out of memory ends the child, never the run or the server;
4. any 주민등록번호 in its cells is masked (:func:`payroll.security.rrn.mask_frame`) before the
   caller sees it, so no check report, page or document can show one.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from payroll.case import InputError
from payroll.law import RULES_DIR_ENV
from payroll.runs.hashing import sha256_file
from payroll.security import limits as limits_module
from payroll.security.sandbox import run_isolated
from payroll.security.spreadsheets import XLS_MAGIC, XLSX_MAGIC, SpreadsheetRefused, check_file


def _check_size(path: Path, limits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if size > limits.max_file_bytes:
        raise SpreadsheetRefused(f"{path}: 파일이 너무 큽니다 ({size:,} bytes; 한도 max_file_bytes {limits.max_file_bytes:,}, {limits.source})")


def _check_and_read(path: str, profile: str | None):
    """In the child: measure the file, then read it with the reader of the day."""
    from payroll.attendance.readers import read_export

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    check_file(raw, path, limits_module.current())
    del raw
    return read_export(path, profile)


def read_untrusted(path: Path | str, profile: str | None = None):
    """One export (:class:`payroll.attendance.readers.Export`), read under the limits of ``rules/limits.toml``.

    A spreadsheet (XLSX, XLS: a binary a native reader lays out in memory) is read in a child
    process; a text export (CSV and the like: parsed in proportion to its size, which is bounded)
    in this one. Either way a reader that fails in any other way than an InputError is reported
    as an InputError naming the file.
    """
    path = Path(path)
    limits = limits_module.current()
    _check_size(path, limits)
    if _is_spreadsheet(path):
        key = (str(path), sha256_file(path), profile, os.environ.get(RULES_DIR_ENV, ""))
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
        export = _masked(run_isolated(_check_and_read, (str(path), profile), what=str(path),
                                      memory_mib=limits.reader_memory_mib, timeout_seconds=limits.reader_timeout_seconds))
        with _CACHE_LOCK:
            _CACHE[key] = export
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return export
    from payroll.attendance.readers import read_export

    try:
        return _masked(read_export(path, profile))
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{path}: 읽는 데 메모리가 부족합니다; 읽지 않았습니다") from None
    except BaseException as exc:  # noqa: BLE001 — a reader's own failure on a hostile text (a native panic too) is the file's fault
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise InputError(f"{path}: 읽을 수 없습니다 ({type(exc).__name__})") from None


#: the last spreadsheets read, by path, content and profile: a console page that shows a month's
#: exports again does not start a reading process again (an Export is not changed by its users)
CACHE_SIZE = 16
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _masked(export):
    from dataclasses import replace

    from payroll.security.rrn import mask_frame, masked

    return replace(export, frame=mask_frame(export.frame), skipped=mask_frame(export.skipped), notes=tuple(masked(n) for n in export.notes))


def _is_spreadsheet(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC)


def read_untrusted_all(paths: list[Path], profile: str | None = None) -> list:
    """Several exports, each in its own child, as many at once as there are cores; in the order given.

    The first file (in that order) that cannot be read is the error raised.
    """
    if len(paths) <= 1:
        return [read_untrusted(p, profile) for p in paths]
    with ThreadPoolExecutor(max_workers=min(len(paths), os.cpu_count() or 1)) as pool:
        futures = [pool.submit(read_untrusted, p, profile) for p in paths]
        return [f.result() for f in futures]
