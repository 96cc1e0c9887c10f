"""Content hashes: of files, of the code, and of a whole run (timestamps and ids excluded)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def results_digest(texts: Iterable[str]) -> str:
    """What a run hash covers of the results: the sha256 of each result's canonical text, one per line."""
    return sha256_bytes("\n".join(texts).encode())


def canonical_json(obj: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept (the input of every hash here)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and the sha256 of every ``payroll/**/*.py`` (path and bytes), e.g. ``0.1.0+3fa2…``."""
    try:
        version = metadata.version("payroll")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = "0+unknown"
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{version}+{digest.hexdigest()[:16]}"


def run_hash(*, month: str, pay_date: str, kind: str, corrects_run_hash: str | None, rules_hash: str, code: str,
             inputs: list[dict], outputs: dict[str, str], results_sha256: str) -> str:
    """The identity of a run's content: same inputs + rules + code ⇒ same hash (no ids, no timestamps)."""
    body = {
        "month": month,
        "pay_date": pay_date,
        "kind": kind,
        "corrects": corrects_run_hash,
        "rules": rules_hash,
        "code": code,
        "inputs": sorted((i["role"], i["name"], i["sha256"]) for i in inputs),
        "outputs": sorted(outputs.items()),
        "results": results_sha256,
    }
    return sha256_bytes(canonical_json(body).encode())
