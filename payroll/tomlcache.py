"""The rules' TOML files, parsed once per version of each file and kept as JSON in the user's cache.

Python's TOML parser is written in Python: the twenty files of ``rules/`` took most of a short
command's start (``payroll tax``). The parsed document of a file is kept under the sha256 of its
bytes in ``$PAYROLL_CACHE`` or ``$XDG_CACHE_HOME/payroll/rules`` or ``~/.cache/payroll/rules``
(JSON, with dates and times tagged), and read back with the C JSON parser. A kept document is
written only when it reads back equal to what the TOML parser gave; a file that changed has
another hash; a cache that cannot be written or read is passed over (the file is parsed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

CACHE_ENV = "PAYROLL_CACHE"
FORMAT = 1
_TAGS = {"\x00date": dt.date.fromisoformat, "\x00datetime": dt.datetime.fromisoformat, "\x00time": dt.time.fromisoformat}


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env) / "rules"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "payroll" / "rules"


def _tagged(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"\x00datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"\x00date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"\x00time": value.isoformat()}
    return value


def _untag(obj: dict) -> Any:
    if len(obj) == 1:
        (key, value), = obj.items()
        parse = _TAGS.get(key)
        if parse is not None and isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                pass
    return obj


def load(path: Path) -> dict:
    """``tomllib.load`` of ``path``, from the cache when this version of the file was parsed before."""
    data = path.read_bytes()
    kept = cache_dir() / f"{hashlib.sha256(data).hexdigest()}-{FORMAT}.json"
    try:
        return json.loads(kept.read_text(encoding="utf-8"), object_hook=_untag)
    except (OSError, ValueError):
        pass
    doc = tomllib.loads(data.decode("utf-8"))
    text = json.dumps(_tagged(doc), ensure_ascii=False)
    if json.loads(text, object_hook=_untag) == doc:  # kept only when it reads back the same
        tmp = None
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".rules-", suffix=".json", dir=kept.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, kept)
        except OSError:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
    return doc
