"""Small HR CSV files (roster, contracts, year-to-date, wages, registers): one reader for all of them.

The text is UTF-8 (with or without BOM) or CP949, as Excel saves it on a Korean Windows machine. Every
problem is an InputError naming the file, and the row and column where there is one; no row is
dropped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from payroll.errors import InputError
from payroll.security.rrn import masked


def read_bounded(path: str | Path) -> bytes:
    """The bytes of an input file no larger than ``max_file_bytes`` (rules/limits.toml); else an InputError naming it."""
    from payroll.security.limits import current

    path = Path(path)
    limit = current().max_file_bytes
    try:
        if path.stat().st_size > limit:
            raise InputError(f"{path}: 파일이 너무 큽니다 (한도 max_file_bytes {limit:,}바이트, rules/limits.toml)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({exc.strerror})") from None


def decode_text(raw: bytes, source: str | Path) -> str:
    """An input's text, UTF-8 (with or without its BOM) or else CP949, as it is (nothing masked)."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{source}: UTF-8이나 CP949 텍스트가 아닙니다 (CSV로 다시 저장하세요)")


def read_text(path: str | Path) -> str:
    path = Path(path)
    return masked(decode_text(read_bounded(path), path))  # a 주민등록번호 in any cell is masked before anything reads it


def read_toml(path: str | Path) -> dict:
    """A small TOML input (employer.toml, run.toml): any unreadable file is an InputError naming it."""
    import tomllib

    path = Path(path)
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: 읽을 수 없습니다: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: UTF-8 텍스트가 아닙니다") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: TOML 형식이 아닙니다: {exc}") from None


def read_rows(path: str | Path, required: tuple[str, ...] = (), optional: tuple[str, ...] | None = None) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped cell}) for every data row. ``required`` columns must be there;
    with ``optional`` given, any other column is an error too."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    try:
        return _rows(path, reader, required, optional)
    except csv.Error as exc:  # a stray NUL or quote: the row the reader stopped on
        raise InputError(f"{path}: {reader.line_num}행: CSV 행으로 읽을 수 없습니다 ({exc})") from None


def _rows(path: Path, reader: csv.DictReader, required: tuple[str, ...], optional: tuple[str, ...] | None) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InputError(f"{path}: 빈 파일입니다 (머리글 행 없음)")
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path}: 1행: 없는 열: {', '.join(missing)} (머리글에 넣으세요)")
    if optional is not None:
        unknown = [c for c in header if c not in tuple(required) + tuple(optional)]
        if unknown:
            raise InputError(f"{path}: 1행: 알 수 없는 열: {', '.join(unknown)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(f"{path}: {line}행: 머리글보다 칸이 많습니다")
        rows.append((line, {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}))
    return rows
