"""The limits for untrusted files, from ``rules/limits.toml`` (installation settings, not law).

A rules directory without its own ``limits.toml`` (``$PAYROLL_RULES`` pointing at a directory of
statute alone) uses the packaged one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from payroll.law import PACKAGE_RULES_DIR, RuleError, default_rules_dir

FILE_NAME = "limits.toml"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_members: int
    max_cells: int
    max_extent_cells: int
    reader_memory_mib: int
    reader_timeout_seconds: int

    #: where a message tells the clerk to look
    source: str = f"rules/{FILE_NAME}"


_SECTIONS = {"spreadsheet": ("max_file_bytes", "max_uncompressed_bytes", "max_compression_ratio", "max_members", "max_cells", "max_extent_cells"),
             "reader": ("memory_mib", "timeout_seconds")}


def limits_path(rules_dir: Path | None = None) -> Path:
    own = Path(rules_dir or default_rules_dir()) / FILE_NAME
    return own if own.is_file() else PACKAGE_RULES_DIR / FILE_NAME


def current(rules_dir: Path | None = None) -> Limits:
    """The limits in force (read once per file)."""
    return _load(str(limits_path(rules_dir)))


@lru_cache(maxsize=4)
def _load(path: str) -> Limits:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: 한도 파일을 읽을 수 없습니다: {exc}") from None
    values: dict[str, int] = {}
    for section, keys in _SECTIONS.items():
        table = doc.get(section)
        if not isinstance(table, dict):
            raise RuleError(f"{path}: [{section}] 표가 없습니다")
        unknown = set(table) - set(keys)
        if unknown:
            raise RuleError(f"{path}: [{section}] {sorted(unknown)[0]}: 알 수 없는 한도 (있는 한도: {', '.join(keys)})")
        for key in keys:
            value = table.get(key)
            if type(value) is not int or value <= 0:
                raise RuleError(f"{path}: [{section}] {key}: 양의 정수여야 합니다")
            values[key if section == "spreadsheet" else f"reader_{key}"] = value
    expected = {f.name for f in fields(Limits)} - {"source"}
    assert set(values) == expected, set(values) ^ expected
    return Limits(**values, source=path)
