"""Identifiers that become part of a file name, and the guard on every path built from them.

Two guards, so that one mistake is not enough to write outside a folder:

1. Every identifier that can end up in a file or folder name — a worker id (``payslips/W001.pdf``),
   a contract id (``contract-C001.pdf``), a run id (``runs/2026-06/2026-06-1a2b3c4d/``), a month,
   a document number (``career-W001-2026-0001.pdf``) — must match a strict pattern where it enters
   the system (the roster and contracts import, a command argument, a request path). A value that
   does not is an input error naming the file, row and field (exit code 2), never a path.
2. Every writer that joins a folder and a name built from data calls :func:`contained`, which
   resolves the joined path (``..``, absolute parts and symbolic links included) and refuses it
   unless it stays inside the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from payroll.errors import InputError

#: letters and digits first, then letters, digits, '-' or '_': no dot, no slash, no space
_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}"
_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"


@dataclass(frozen=True)
class Identifier:
    field: str  # the column or option name in messages
    label: str  # what a clerk calls it
    pattern: re.Pattern[str]
    rule: str  # what is allowed, in words

    def valid(self, value: object) -> bool:
        return isinstance(value, str) and self.pattern.fullmatch(value) is not None

    def problem(self, value: object) -> str:
        """The message for a value that does not fit (quoted, cut to 40 characters)."""
        shown = repr(value[:40] + ("…" if len(value) > 40 else "")) if isinstance(value, str) else repr(value)
        return f"{shown}: {self.label}에 쓸 수 없는 값입니다 ({self.rule})"

    def check(self, value: object, where: str = "") -> str:
        """``value`` when it fits; else an InputError naming ``where`` (file, row) and the field."""
        if not self.valid(value):
            prefix = f"{where}: " if where else ""
            raise InputError(f"{prefix}{self.field}: {self.problem(value)}")
        return value  # type: ignore[return-value]


_NAME_RULE = "영문·숫자로 시작하고 영문·숫자·'-'·'_'만, 1~40자"
WORKER_ID = Identifier("worker_id", "사번", re.compile(_NAME), _NAME_RULE)
CONTRACT_ID = Identifier("contract_id", "계약 번호", re.compile(_NAME), _NAME_RULE)
#: a contract as the record hands it to a run: the contract id, or one of its parts when its terms
#: changed (``C001~20260701``, payroll.record.people.part_id); '~' is as harmless in a file name as '-'
CONTRACT_PART = Identifier("contract_id", "계약 번호", re.compile(_NAME + r"(?:~[0-9]{8})?"), _NAME_RULE)
DOCUMENT_NUMBER = Identifier("number", "문서 번호", re.compile(_NAME), _NAME_RULE)
MONTH = Identifier("MONTH", "급여 월", re.compile(_MONTH), "YYYY-MM, 예: 2026-06")
RUN_ID = Identifier("RUN_ID", "실행 번호", re.compile(_MONTH + r"-[0-9a-f]{8}"), "YYYY-MM-16진수 8자리, 예: 2026-06-1a2b3c4d")


def check_month(month: object) -> str:
    """``month`` when it is YYYY-MM (the whole text: a trailing newline is not a month)."""
    if not MONTH.valid(month):
        raise InputError(f"MONTH: YYYY-MM 형식이어야 합니다: {month!r}")
    return month  # type: ignore[return-value]


class UnsafePath(InputError):
    """A path built from data would leave its folder (exit code 2)."""


def contained(folder: Path | str, relative: str | Path) -> Path:
    """``folder / relative``, resolved, when it stays inside ``folder``; else :class:`UnsafePath`.

    ``relative`` is a relative POSIX path made by the program (``payslips/W001.pdf``); an absolute
    path, a ``..`` part or a symbolic link leading out of ``folder`` is refused. The folder itself
    need not exist yet.
    """
    text = str(relative)
    parts = PurePosixPath(text.replace("\\", "/"))
    if not text or parts.is_absolute() or ".." in parts.parts or "\0" in text:
        raise UnsafePath(f"{text!r}: 출력 파일 이름이 폴더 {folder} 밖을 가리킵니다; 쓰지 않았습니다")
    base = Path(folder).resolve()
    target = (base / parts).resolve()
    if target == base or not target.is_relative_to(base):
        raise UnsafePath(f"{text!r}: 출력 파일 이름이 폴더 {base} 밖을 가리킵니다; 쓰지 않았습니다")
    return target
