"""Embedding the Korean font: which glyphs go into which subset, and doing it cheaply per page.

ReportLab embeds a TrueType font as subsets of at most 256 glyphs, numbered in the order the
characters are first drawn, and cuts each subset out of the (6 MB, 17,000-glyph) Noto Sans KR
face for every document. Three things here make a page cheaper:

- **The page's alphabet first** (:func:`seed`). Before anything is drawn, the characters a page
  shows — less those of its personal values (a worker's name, department, number) — are given
  their codes in code-point order. A month's payslips then share their first subsets glyph for
  glyph, so those are cut, compressed and described once per process; a page's own characters
  (a name) go into a small subset of their own, started after them.
- **Memos of pure functions** (:func:`tune_faces`): the face keeps the tables it has read and
  the last subsets it cut; the compressed streams (:class:`_MemoFlate`) and ToUnicode maps are
  kept by their bytes; a subset's ``Widths`` array is formatted in one call (:class:`_NumberArray`).
- **Text written from kept splits** (:class:`TextWriter`): a string drawn in a page's seeded
  characters only (most of a payslip) is split into subsets and escaped once per process, not
  once per page.

Each memo gives exactly what ReportLab computes (tests/test_runs_pool.py renders with and
without them and compares the bytes); the alphabet decides the subsets, so it is a function of
the page alone: the same page gives the same bytes in any process and any order.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics

#: splits of seeded strings kept per process (a month draws a few thousand distinct strings)
SPLITS_KEPT = 20_000


class _Lru(OrderedDict):
    """A small least-recently-used map (the fixed subsets of a month stay; one-page subsets go)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def take(self, key):
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found

    def keep(self, key, value) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


class _MemoFlate:
    """FlateDecode that remembers its recent results: ``zlib.compress`` is a pure function, and a
    month's shared subsets are otherwise compressed per page."""

    pdfname = "FlateDecode"

    def __init__(self, size: int = 16) -> None:
        self.memo = _Lru(size)

    def encode(self, data: bytes | str) -> bytes:
        if isinstance(data, str):
            data = data.encode("utf8")
        out = self.memo.take(data)
        if out is None:
            out = pdfdoc.PDFZCompress.encode(data)  # the stream filter ReportLab would use (see page_streams)
            self.memo.keep(data, out)
        return out

    def decode(self, encoded: bytes) -> bytes:
        return pdfdoc.PDFZCompress.decode(encoded)


class _PageFlate:
    """FlateDecode at zlib level 3: four times as fast as ReportLab's level 6 on what a page
    compresses every time (its content stream, its own small subset), for about 3% more bytes in
    the file (the shared subsets are compressed once per process anyway). Deterministic, like any level."""

    pdfname = "FlateDecode"
    level = 3

    def encode(self, data: bytes | str) -> bytes:
        return zlib.compress(data.encode("utf8") if isinstance(data, str) else data, self.level)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


@lru_cache(maxsize=1)
def page_streams() -> None:
    """ReportLab's stream filter becomes :class:`_PageFlate`. Part of how our PDFs are made, like
    the alphabet: set whether or not the memos are in use."""
    pdfdoc.PDFZCompress = _PageFlate()


class _NumberArray(pdfdoc.PDFArray):
    """A PDFArray of numbers (a font subset's Widths) that formats its elements in one call.

    ``pdfdoc.format`` turns each number into bytes through three Python calls; a page's two
    Widths arrays hold a few hundred numbers, which made them a large share of saving a page.
    ``fp_str`` is the same formatter, so the bytes are those of a plain PDFArray."""

    def format(self, document, IND=b"\n "):
        multiline = bool((self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced")
        formatted = _formatted_numbers(tuple(self.sequence), multiline, IND)
        return super().format(document, IND) if formatted is None else formatted


@lru_cache(maxsize=64)
def _formatted_numbers(sequence: tuple, multiline: bool, IND: bytes) -> bytes | None:
    """:class:`_NumberArray`'s bytes, kept by its numbers (a month's shared subsets have the same Widths:
    their elements are looked at once, not on every page); None when it holds anything but numbers."""
    if not sequence or not all(type(e) in (int, float) for e in sequence):  # float ok: font metrics, formatted as ReportLab does
        return None
    items = fp_str(*sequence).encode("ascii").split(b" ")
    if multiline:
        return b"[ " + IND.join(items) + b" ]"
    for i in reversed(range(10, len(items), 10)):  # PDFArray.format's line break every 10 elements
        items.insert(i, b"\n ")
    return b"[ " + b" ".join(items) + b" ]"


class _Widths(dict):
    """A face's advance widths by character, the default width for a character it lacks."""

    def __init__(self, widths: dict[int, int], default: int) -> None:
        super().__init__(widths)
        self.default = default

    def __missing__(self, code: int) -> int:
        return self.default


@lru_cache(maxsize=1)
def _memoise_pure_functions() -> None:
    """Pure functions ReportLab calls for every name and number of every object and every subset of
    every page, kept by their arguments: ``pdfdoc.PDFName`` (a name's escaped form),
    ``pdfdoc.pdfdocEnc`` (a text in the PDF's encoding) and ``ttfonts.makeToUnicodeCMap`` (a
    subset's ToUnicode map). Same results, computed once."""
    from reportlab.pdfbase import ttfonts

    pdfdoc.PDFName = lru_cache(maxsize=4096)(pdfdoc.PDFName)
    pdfdoc.pdfdocEnc = lru_cache(maxsize=8192)(pdfdoc.pdfdocEnc)  # every name and number of every object, in the PDF's own encoding
    plain_cmap = ttfonts.makeToUnicodeCMap
    kept = lru_cache(maxsize=64)(lambda fontname, subset: plain_cmap(fontname, list(subset)))
    ttfonts.makeToUnicodeCMap = lambda fontname, subset: kept(fontname, tuple(subset))


@lru_cache(maxsize=4)
def tune_faces(*font_names: str) -> None:
    """Make our TrueType faces cheaper to embed, per process, without changing a byte.

    The face keeps the tables it has read (immutable bytes; the 5.7 MB ``glyf`` among them) and
    the subsets it built (a subset is a pure function of its character list); through
    :class:`_MemoFlate` the compressed streams and ToUnicode maps are kept by their bytes; the
    subsets' Widths arrays are formatted by :class:`_NumberArray`.
    """
    flate = _MemoFlate()
    _memoise_pure_functions()
    for name in font_names:
        font = pdfmetrics.getFont(name)
        face = getattr(font, "face", None)
        if face is None or getattr(face, "_payroll_tuned", False):
            continue
        tables: dict[str, bytes] = {}
        subsets = _Lru(16)
        get_table, make_subset, add_subset_objects = face.get_table, face.makeSubset, face.addSubsetObjects

        def cached_table(tag, _get=get_table, _tables=tables):
            data = _tables.get(tag)
            if data is None:
                data = _tables[tag] = _get(tag)
            return data

        def cached_subset(subset, _make=make_subset, _subsets=subsets):
            key = tuple(subset)
            data = _subsets.take(key)
            if data is None:
                data = _make(subset)
                _subsets.keep(key, data)
            return data

        def add_subset(doc, fontname, subset, _add=add_subset_objects, _face=face):
            ref = _add(doc, fontname, subset)
            stream = doc.idToObject.get(f"fontFile:{_face.filename}({fontname})")
            if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
                stream.filters = [flate]
            return ref

        def add_font(doc, _add=font.addObjects, _font=font):
            state = _font.state.get(doc)
            names = [_font.getSubsetInternalName(n, doc)[1:] for n in range(len(state.subsets))] if state else []
            _add(doc)
            fonts = doc.idToObject["BasicFonts"].dict
            for internal in names:
                pdf_font = fonts.get(internal)
                if pdf_font is None:
                    continue
                if type(getattr(pdf_font, "Widths", None)) is pdfdoc.PDFArray:
                    pdf_font.Widths = _NumberArray(pdf_font.Widths.sequence)
                cmap = doc.idToObject.get(f"toUnicodeCMap:{pdf_font.BaseFont}")
                if cmap is not None and cmap.filters == [pdfdoc.PDFZCompress]:
                    cmap.filters = [flate]

        face.get_table, face.makeSubset, face.addSubsetObjects = cached_table, cached_subset, add_subset
        face.getCharWidth = _Widths(face.charWidths, face.defaultWidth).__getitem__  # the same lookup, without a Python frame per glyph
        font.addObjects = add_font
        face._payroll_tuned = True


# --- the page's alphabet first ----------------------------------------------------------------


def alphabet(texts: Iterable[str], personal: Iterable[str] = ()) -> str:
    """The characters of ``texts`` less the ``personal`` values in them, in code-point order."""
    personal = sorted({p for p in personal if p}, key=len, reverse=True)
    texts = list(texts)
    # one string, the texts apart by a character no value holds: replacing a value in it replaces it
    # in each text (a value never spans the separator), a page's hundred texts in one pass each
    separator = "\x00"
    if any(separator in value for value in personal):
        return _alphabet_text_by_text(texts, personal)
    joined = separator.join(texts)
    own = joined.count(separator) > len(texts) - 1  # some text holds the separator itself
    for value in personal:
        if value in joined:
            joined = joined.replace(value, " ")
    chars = set(joined)
    if not own:
        chars.discard(separator)
    return "".join(sorted(chars))


def _alphabet_text_by_text(texts: list[str], personal: list[str]) -> str:
    chars: set[str] = set()
    for text in texts:
        for value in personal:
            if value in text:
                text = text.replace(value, " ")
        chars.update(text)
    return "".join(sorted(chars))


def seed(doc, font_name: str, characters: str) -> frozenset[int]:
    """Give ``characters`` their codes in ``font_name``'s subsets of ``doc`` now, then start a new
    subset for whatever the page draws beyond them. Returns the codes assigned so far (the
    characters whose subset and code are the same on every page seeded alike)."""
    font = pdfmetrics.getFont(font_name)
    if not getattr(font, "_dynamicFont", False):
        return frozenset()
    state = font._assignState(doc)
    key = (font_name, characters, state.nextCode, tuple(sorted(state.assignments.items())), tuple(map(tuple, state.subsets)))
    found = _SEEDED.take(key)
    if found is None:
        if characters:
            font.splitString(characters, doc)
        if state.nextCode & 0xFF:
            state.nextCode = ((state.nextCode >> 8) + 1) << 8  # the next new character opens a subset
        found = (dict(state.assignments), tuple(map(tuple, state.subsets)), state.nextCode, frozenset(state.assignments))
        _SEEDED.keep(key, found)
    else:  # the state splitString leaves after the same characters on the same fresh state
        state.assignments, state.subsets, state.nextCode = dict(found[0]), [list(s) for s in found[1]], found[2]
    return found[3]


#: the subset states seeding leaves, by font, characters and the state before (a month has a few)
_SEEDED = _Lru(64)


class TextWriter:
    """Writes strings as PDF text operators exactly as ReportLab's ``TextObject._formatText`` does,
    from splits kept per process for strings made of a page's seeded characters."""

    #: False: every string through ReportLab's own text object (tests compare the bytes)
    memo = True
    _splits: dict[tuple[str, str, str], list[tuple[int, str]]] = {}

    def __init__(self, canvas, seeded: dict[str, tuple[str, frozenset[int]]]) -> None:
        self.canvas = canvas
        self.doc = canvas._doc
        self.seeded = seeded  # font name → (its alphabet, the codes it fixed)
        self._names: dict[tuple[str, int], str] = {}
        self._sizes: dict[tuple[float, float], str] = {}  # float ok: font size and leading in points

    def _split(self, font_name: str, text: str) -> list[tuple[int, str]]:
        key_alphabet, fixed = self.seeded.get(font_name, ("", frozenset()))
        key = (font_name, key_alphabet, text)
        found = self._splits.get(key)  # kept only for a text of the alphabet's own characters (below)
        if found is not None:
            return found
        font = pdfmetrics.getFont(font_name)
        if fixed and fixed.issuperset(map(ord, text)):
            if len(self._splits) >= SPLITS_KEPT:
                self._splits.clear()
            found = self._splits[key] = [(s, self.canvas._escape(t)) for s, t in font.splitString(text, self.doc)]
            return found
        return [(s, self.canvas._escape(t)) for s, t in font.splitString(text, self.doc)]

    def write(self, text_object, text: str) -> None:
        """Append ``text`` at the text object's origin (``TextObject._textOut``)."""
        if not self.memo:
            text_object._textOut(text)
            return
        font_name = text_object._fontname
        splits = self._split(font_name, text)
        if len(splits) == 1 and splits[0][0] == text_object._curSubset:  # most strings: one subset, already selected
            text_object._code.append(f"({splits[0][1]}) Tj")
            return
        parts = []
        for subset, escaped in splits:
            if subset != text_object._curSubset:
                name = self._names.get((font_name, subset))
                if name is None:
                    name = self._names[(font_name, subset)] = pdfmetrics.getFont(font_name).getSubsetInternalName(subset, self.doc)
                size = self._sizes.get((text_object._fontsize, text_object._leading))
                if size is None:
                    size = self._sizes[(text_object._fontsize, text_object._leading)] = f"{fp_str(text_object._fontsize)} Tf {fp_str(text_object._leading)} TL"
                parts.append(f"{name} {size}")
                text_object._curSubset = subset
            parts.append(f"({escaped}) Tj")
        text_object._code.append(" ".join(parts))
