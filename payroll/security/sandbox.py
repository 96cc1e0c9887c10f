"""Child processes: untrusted files are read in one under a memory limit; helpers die with their parent.

Reading a hostile spreadsheet must cost at most an error message: :func:`run_isolated` calls a
reader in a child process whose address space is capped (``RLIMIT_AS``, ``[reader]`` of
``rules/limits.toml``) and whose time is bounded. If the reader allocates beyond the cap and
aborts, segfaults, hangs or raises anything but an :class:`InputError`, the caller gets an
:class:`InputError` naming the file — the run, the command or ``payroll serve`` carries on.

Every child this project starts — these readers, the payslip processes and the console's jobs
(:mod:`payroll.web.job_process`) — calls :func:`die_with_parent` first: ``prctl(PR_SET_PDEATHSIG,
SIGKILL)`` (through ``ctypes``) ends it when the process that forked it ends, and a watchdog
thread ends it when the process that asked for it (the run, the server) is gone — the one that matters for a forkserver's children, whose
parent is the forkserver, itself kept alive by them. So a killed run leaves no helper behind.

The children fork from one ``forkserver`` per process (:func:`process_context`), which has
imported the readers and the payslip renderer once, so a child starts in milliseconds without
copying the parent's threads or database connections.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any, Callable

from payroll.errors import InputError

PR_SET_PDEATHSIG = 1
ENV_PREFIX = "PAYROLL_"  # the settings a child takes from the process that asks for it
WATCHDOG_SECONDS = 0.5  # float ok: a polling interval
#: imported once by the forkserver, before it forks any child: the readers always; the payslip
#: renderer (and its warmed font) when payslips are what the server is first started for
READERS = "payroll.attendance.readers"
PAYSLIPS = "payroll.runs.payslip_worker"


def process_context(payslips: bool = False):
    """The ``forkserver`` context every child of the project comes from (see the module docstring).

    Not ``fork``: the parent holds polars' thread pool, a database connection, or (the console)
    request threads, which a fork would copy mid-use. What the server imports is fixed when it
    starts: a run starts it for its payslips (``payslips=True``: the renderer too), a reader for
    reading alone (a console page does not wait for the payslip font).
    """
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    if getattr(forkserver._forkserver, "_forkserver_pid", None) is None:  # not started yet: choose its imports
        preload = [READERS, PAYSLIPS] if payslips else [READERS]
        if "payroll.cli" in sys.modules:  # under the `payroll` command a child would import it again otherwise
            preload.append("payroll.cli")
        ctx.set_forkserver_preload(preload)
    return ctx


def die_with_parent(parent_pid: int) -> None:
    """End this process when its parent ends (SIGKILL by the kernel) or ``parent_pid`` is gone (watchdog)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if not process_alive(parent_pid):
        os._exit(1)

    def watch() -> None:
        while process_alive(parent_pid):
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="payroll-watchdog", daemon=True).start()


def process_alive(pid: int) -> bool:
    """Is ``pid`` running? A zombie (ended, not yet reaped by its own parent) is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _address_space() -> int:
    """This process's virtual memory size now (bytes)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def limit_memory(budget_bytes: int) -> None:
    """Cap this process's address space at what it uses now plus ``budget_bytes``."""
    import resource

    cap = _address_space() + budget_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard if hard != resource.RLIM_INFINITY else cap))


def _quiet_stderr() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def caller_settings() -> tuple[dict[str, str], tuple]:
    """What a child must share with the process that asks for it: the PAYROLL_* environment and the
    installation folder it activated (:mod:`payroll.installation`)."""
    from payroll import installation

    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}, (installation._active, installation._activated)


def take_settings(env: dict[str, str], active: tuple) -> None:
    from payroll import installation

    for key in [k for k in os.environ if k.startswith(ENV_PREFIX) and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    installation._active, installation._activated = active


def _child(conn, target: Callable, args: tuple, budget_bytes: int, parent_pid: int, settings: tuple) -> None:
    die_with_parent(parent_pid)
    take_settings(*settings)  # the forkserver's environment is the one it started with: take the caller's now
    _quiet_stderr()  # a native reader's abort prints its backtrace there; the parent says what happened
    try:
        limit_memory(budget_bytes)
        outcome: tuple[str, Any] = ("ok", target(*args))
    except InputError as exc:
        outcome = ("input", str(exc))
    except MemoryError:
        outcome = ("memory", "")
    except BaseException as exc:  # noqa: BLE001 — reported to the parent as one line
        outcome = ("error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", ""))
    finally:
        conn.close()


def run_isolated(target: Callable, args: tuple, *, what: str, memory_mib: int, timeout_seconds: int) -> Any:
    """``target(*args)`` in a child process with ``memory_mib`` of address space to spare; its result.

    ``target`` is a module-level function (the child imports it by name). Its InputError comes
    back as an InputError; any other end — out of memory, a crash, a signal, the time limit — is an
    InputError about ``what`` (the file), never an exception of another kind.
    """
    ctx = process_context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, target, args, memory_mib << 20, os.getpid(), caller_settings()), name=f"payroll-read {what}"[:60], daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout_seconds):
            raise InputError(f"{what}: 읽기가 {timeout_seconds}초 안에 끝나지 않아 중단했습니다 (한도 [reader] timeout_seconds, rules/limits.toml)")
        try:
            kind, payload = receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise InputError(f"{what}: 파일을 읽는 중 읽기 프로세스가 끝났습니다 ({ending(child.exitcode)}); 손상되었거나 적대적인 파일로 보고 읽지 않았습니다") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "ok":
        return payload
    if kind == "input":
        raise InputError(payload)
    if kind == "memory":
        raise InputError(f"{what}: 읽는 데 메모리가 한도({memory_mib} MiB, [reader] memory_mib, rules/limits.toml)보다 많이 필요해 중단했습니다")
    raise InputError(f"{what}: 읽을 수 없습니다 ({payload})")


def ending(code: int | None) -> str:
    if code is None:
        return "응답 없음"
    if code < 0:
        try:
            return f"신호 {signal.Signals(-code).name}"
        except ValueError:
            return f"신호 {-code}"
    return f"종료 코드 {code}"


def _checked(fn: Callable, raw: bytes, source: str, *args):
    """In the child: measure the spreadsheet, then call the reader on it."""
    from payroll.security.limits import current
    from payroll.security.spreadsheets import check_file

    check_file(raw, source, current())
    return fn(raw, *args)


def run_untrusted(fn: Callable, raw: bytes, source: str, *args) -> Any:
    """``fn(raw, *args)`` for the bytes of an untrusted file named ``source``, under the limits.

    ``fn`` is a module-level function (a spreadsheet's child process imports it by name). Any failure
    other than an InputError of its own is an InputError naming ``source``.
    """
    from payroll.security.limits import current
    from payroll.security.spreadsheets import XLS_MAGIC, XLSX_MAGIC, SpreadsheetRefused

    limits = current()
    if len(raw) > limits.max_file_bytes:
        raise SpreadsheetRefused(f"{source}: 파일이 너무 큽니다 ({len(raw):,} bytes; 한도 max_file_bytes {limits.max_file_bytes:,}, {limits.source})")
    if raw.startswith((XLSX_MAGIC, XLS_MAGIC)):
        return run_isolated(_checked, (fn, raw, source, *args), what=source,
                            memory_mib=limits.reader_memory_mib, timeout_seconds=limits.reader_timeout_seconds)
    try:
        return fn(raw, *args)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{source}: 읽는 데 메모리가 부족합니다; 읽지 않았습니다") from None
    except Exception as exc:  # noqa: BLE001 — a reader's own failure on a hostile text is the file's fault
        raise InputError(f"{source}: 읽을 수 없습니다 ({type(exc).__name__})") from None
    except BaseException as exc:  # a native panic (pyo3's PanicException is a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise InputError(f"{source}: 읽을 수 없습니다 ({type(exc).__name__})") from None
