"""The font cache: built once, outside the repository, safely from parallel processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from payroll.documents import fonts

BUILD = """
import sys
from payroll.documents.fonts import font_path
sys.stdout.write(str(font_path(sys.argv[1])))
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_parallel_first_use_builds_one_identical_instance(tmp_path):
    """Two processes start on an empty cache at once: the lock lets one build, both get the file,
    and the file is byte-identical to the one every other process uses (instancing is deterministic)."""
    env = {**os.environ, fonts.FONT_CACHE_ENV: str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-c", BUILD, "regular"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    paths = {Path(o[0]) for o in outs}
    assert len(paths) == 1
    built = paths.pop()
    assert built.is_relative_to(tmp_path)
    assert [p.name for p in built.parent.iterdir() if p.suffix == ".tmp"] == []  # no half-written file left
    assert _sha(built) == _sha(fonts.font_path("regular"))
    assert oct(built.stat().st_mode & 0o777) == "0o644"


def test_cache_key_names_the_source_and_the_builder(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FONT_CACHE_ENV, str(tmp_path))
    key = fonts._cache_dir().name
    digest = hashlib.sha256(fonts.source_path().read_bytes()).hexdigest()
    import fontTools

    assert key.startswith(digest[:16]) and fontTools.version in key and f"build{fonts.BUILD_VERSION}" in key


def test_unknown_weight_is_refused():
    import pytest

    with pytest.raises(ValueError, match="weight"):
        fonts.font_path("black")
