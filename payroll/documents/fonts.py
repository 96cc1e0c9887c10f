"""The one Korean font every document embeds: static instances of Noto Sans KR, built once.

ReportLab embeds TrueType outlines only (it refuses CFF-based OpenType, so no Noto CJK ``.otf``),
and the TrueType we have is variable: the pip package ``justmytype-intl-cjk`` ships
``NotoSansKR[wght].ttf`` (SIL OFL 1.1). Used as-is ReportLab draws its default instance, Thin.
So we cut two static instances with fontTools' ``instancer`` — Regular (wght 400) and Bold
(wght 700), about 8 s each — and cache them outside the repository, under
``$PAYROLL_FONT_CACHE`` or ``$XDG_CACHE_HOME/payroll/fonts`` or ``~/.cache/payroll/fonts``, in a
directory named by the source file's sha256 and the fontTools version (a different source or a
different instancer gives a different file, never a stale one). A file lock makes parallel
processes build each instance once; the file appears atomically (write to a temporary name,
then rename). Never a system font.

The instances are deterministic (``recalcTimestamp=False``), and ``rl_config.invariant = 1`` makes
ReportLab's PDFs byte-identical across processes, so a stored run can be replayed byte for byte.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import reportlab.rl_config

reportlab.rl_config.invariant = 1  # no creation date, fixed document id: same input ⇒ same bytes

from reportlab.pdfbase import pdfmetrics  # noqa: E402  (after invariant is set)
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402

FONT_CACHE_ENV = "PAYROLL_FONT_CACHE"
#: bump when the way an instance is built changes (a new cache directory, never a stale file)
BUILD_VERSION = 2
SOURCE_PACKAGE = "justmytype_intl_cjk"
SOURCE_RELATIVE = ("fonts", "ofl", "notosanskr", "NotoSansKR[wght].ttf")
LICENSE_NOTE = "Noto Sans KR © Google, SIL Open Font License 1.1 (via PyPI justmytype-intl-cjk)"

#: weight name → (wght axis value, ReportLab font name)
WEIGHTS: dict[str, tuple[int, str]] = {
    "regular": (400, "NotoSansKR-Regular"),
    "bold": (700, "NotoSansKR-Bold"),
}


class FontError(RuntimeError):
    """The Korean font package is missing or its file cannot be instanced."""


def source_path() -> Path:
    """The variable TrueType shipped by the pip package (never a system font)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(SOURCE_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise FontError(f"the Python package {SOURCE_PACKAGE!r} (pip install justmytype-intl-cjk) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*SOURCE_RELATIVE)
    if not path.is_file():
        raise FontError(f"{path}: the Noto Sans KR variable font is missing from {SOURCE_PACKAGE}")
    return path


def cache_root() -> Path:
    env = os.environ.get(FONT_CACHE_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "payroll" / "fonts"


@lru_cache(maxsize=4)
def _source_digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_dir() -> Path:
    src = source_path()
    st = src.stat()
    import fontTools

    key = f"{_source_digest(str(src), st.st_size, st.st_mtime_ns)[:16]}-fonttools{fontTools.version}-build{BUILD_VERSION}"
    return cache_root() / key


def _build(src: Path, wght: int, target: Path) -> None:
    from fontTools.ttLib import TTFont as FTFont
    from fontTools.varLib import instancer

    font = FTFont(str(src), recalcTimestamp=False)
    # updateFontNames: the instance names itself (…-Regular, …-Bold) from the STAT table,
    # rather than keeping the variable font's default-instance name (…-Thin).
    static = instancer.instantiateVariableFont(font, {"wght": wght}, inplace=False, updateFontNames=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        static.save(tmp)
        os.chmod(tmp, 0o644)  # readable by the web console's process too
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def font_path(weight: str = "regular") -> Path:
    """The static TrueType file of ``weight`` ("regular" or "bold"), built on first use.

    The web console serves this file with ``@font-face``; documents embed a subset of it.
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown font weight {weight!r}; known: {', '.join(WEIGHTS)}")
    wght, name = WEIGHTS[weight]
    directory = _cache_dir()
    target = directory / f"{name}.ttf"
    if target.is_file():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f".{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
        try:
            if not target.is_file():
                _build(source_path(), wght, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the Regular and Bold instances with ReportLab (embedded, subset); their names."""
    names = []
    for weight in ("regular", "bold"):
        _, name = WEIGHTS[weight]
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(weight))))
        names.append(name)
    regular, bold = names
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    return regular, bold


if __name__ == "__main__":  # `python -m payroll.documents.fonts`: build the cache at install time
    for weight in WEIGHTS:
        print(font_path(weight))
