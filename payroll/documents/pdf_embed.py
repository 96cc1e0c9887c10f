"""Embedding the font subsets faster, with the same bytes as plain ReportLab (payroll/documents/pdf.py).

ReportLab cuts a subset of the Noto Sans KR face for every document and compresses it again even
when it is the same as the last page's; the memos here make that cheap per process. Each is a
pure memo or the same formatter, so the PDF bytes are exactly ReportLab's own
(tests/test_runs_pool.py renders both and compares).
"""

from __future__ import annotations

from functools import lru_cache

from payroll.documents.fonts import register_fonts  # sets rl_config.invariant on import
from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics


class _MemoFlate:
    """FlateDecode that remembers its last few results: ``zlib.compress`` is a pure function, and the
    same font subset (the Bold one is the same on every payslip) is otherwise compressed per page."""

    pdfname = "FlateDecode"

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.memo: dict[bytes, bytes] = {}

    def encode(self, data: bytes | str) -> bytes:
        if isinstance(data, str):
            data = data.encode("utf8")
        out = self.memo.get(data)
        if out is None:
            out = pdfdoc.PDFZCompress.encode(data)
            if len(self.memo) >= self.size:
                self.memo.pop(next(iter(self.memo)))
            self.memo[data] = out
        return out

    def decode(self, encoded: bytes) -> bytes:
        return pdfdoc.PDFZCompress.decode(encoded)


class _NumberArray(pdfdoc.PDFArray):
    """A PDFArray of numbers (a font subset's Widths) that formats its elements in one call.

    ``pdfdoc.format`` turns each number into bytes through three Python calls; a page's two
    Widths arrays hold a few hundred numbers, which made them a large share of saving a page.
    ``fp_str`` is the same formatter, so the bytes are those of a plain PDFArray."""

    def format(self, document, IND=b"\n "):
        if not self.sequence or not all(type(e) in (int, float) for e in self.sequence):  # float ok: font metrics, formatted as ReportLab does
            return super().format(document, IND)
        items = fp_str(*self.sequence).encode("ascii").split(b" ")
        if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
            return b"[ " + IND.join(items) + b" ]"
        for i in reversed(range(10, len(items), 10)):  # PDFArray.format's line break every 10 elements
            items.insert(i, b"\n ")
        return b"[ " + b" ".join(items) + b" ]"


@lru_cache(maxsize=4)
def _tune_faces(*font_names: str) -> None:
    """Make our TrueType faces cheaper to embed, per process, without changing a byte.

    ReportLab cuts a subset of the (6 MB, 17,000-glyph) Noto Sans KR face for every document: it
    copies each table it reads out of the font file (the 5.7 MB ``glyf`` among them) and
    rebuilds and recompresses subsets that are the same from page to page. Here the face keeps
    the tables it has read (they are immutable bytes), the last few subsets it built (a subset is
    a pure function of its character list) and, through :class:`_MemoFlate`, their compressed
    streams and ToUnicode maps; the subsets' Widths arrays are formatted by :class:`_NumberArray`.
    Each is a pure memo or the same formatter, so the PDF bytes are exactly those of plain
    ReportLab (tests/test_runs_pool.py renders both and compares).
    """
    flate = _MemoFlate()
    for name in font_names:
        font = pdfmetrics.getFont(name)
        face = getattr(font, "face", None)
        if face is None or getattr(face, "_payroll_tuned", False):
            continue
        tables: dict[str, bytes] = {}
        subsets: dict[tuple[int, ...], bytes] = {}
        get_table, make_subset, add_subset_objects = face.get_table, face.makeSubset, face.addSubsetObjects

        def cached_table(tag, _get=get_table, _tables=tables):
            data = _tables.get(tag)
            if data is None:
                data = _tables[tag] = _get(tag)
            return data

        def cached_subset(subset, _make=make_subset, _subsets=subsets):
            key = tuple(subset)
            data = _subsets.get(key)
            if data is None:
                if len(_subsets) >= 8:
                    _subsets.pop(next(iter(_subsets)))
                data = _subsets[key] = _make(subset)
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
        font.addObjects = add_font
        face._payroll_tuned = True


def warm() -> tuple[str, str]:
    """Register the fonts and prepare their faces and styles now (a process pool does it before forking)."""
    regular, bold = register_fonts()
    _tune_faces(regular, bold)
    return regular, bold
