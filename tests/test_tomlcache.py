"""The rules' TOML files parsed once per version and kept as JSON: the same documents, whatever the cache holds."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from payroll import tomlcache
from payroll.law import default_rules_dir


def test_every_rules_file_reads_the_same_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(tomlcache.CACHE_ENV, str(tmp_path))
    files = sorted(Path(default_rules_dir()).rglob("*.toml"))
    assert len(files) > 10
    for path in files:
        with path.open("rb") as fh:
            expected = tomllib.load(fh)
        assert tomlcache.load(path) == expected  # parsed, then kept
        assert tomlcache.load(path) == expected  # read back from the cache
    assert len(list((tmp_path / "rules").glob("*.json"))) == len({p.read_bytes() for p in files})


def test_dates_and_a_changed_or_damaged_file(tmp_path, monkeypatch):
    monkeypatch.setenv(tomlcache.CACHE_ENV, str(tmp_path / "cache"))
    rules = tmp_path / "a.toml"
    rules.write_text('x = 2026-07-01\ny = 2026-07-01T09:30:00\nz = 09:30:00\n[t]\n"\\u0000date" = "2026-07-01"\n', encoding="utf-8")
    doc = tomlcache.load(rules)
    assert doc["x"] == dt.date(2026, 7, 1) and doc["y"] == dt.datetime(2026, 7, 1, 9, 30) and doc["z"] == dt.time(9, 30)
    assert doc["t"] == {"\x00date": "2026-07-01"}  # would read back as a date: never kept
    assert list((tmp_path / "cache" / "rules").glob("*.json")) == []
    rules.write_text("x = 1\n", encoding="utf-8")
    assert tomlcache.load(rules) == {"x": 1}
    (kept,) = (tmp_path / "cache" / "rules").glob("*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert tomlcache.load(rules) == {"x": 1}  # a damaged entry is parsed again (and written anew)
    rules.write_text("x = 2\n", encoding="utf-8")
    assert tomlcache.load(rules) == {"x": 2}  # another version of the file, another entry
