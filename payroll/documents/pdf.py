"""A small shared layout for A4 documents: title, key/value blocks, won tables, notes, footer.

Every PDF of the project (payslips, notices, receipts) is built the same way::

    def build(doc: Doc) -> None:
        doc.title("임금명세서", "2026년 4월분")
        doc.kv([("성명", "홍길동"), ("사원번호", "W001")])
        doc.table(["항목", "금액"], [["기본급", 2_500_000]], amount_cols={1}, total=["합계", 2_500_000])

    pdf_bytes = render(build, title="임금명세서 W001 2026-04", footer="…")

``render`` is deterministic: ``rl_config.invariant = 1`` (set in ``fonts``) fixes the creation
date and document id, and the only font is the embedded Noto Sans KR subset, so the same
content gives the same bytes in any process. Integers in amount columns are shown as won with
thousands separators and right-aligned; money is never a float here.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from payroll.documents.fonts import register_fonts  # sets rl_config.invariant on import
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

PAGE_SIZE = A4
MARGIN = 14 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
GRID = colors.HexColor("#9AA3AD")
HEADER_BG = colors.HexColor("#E8EDF2")
TOTAL_BG = colors.HexColor("#F4F6F8")
CELL_PAD = 4  # points, left and right inside a cell


def won_text(amount: int) -> str:
    """1234567 → '1,234,567'; negative (a refund, a 소급 reversal) → '-1,234'."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amounts must be integer won, got {type(amount).__name__}: {amount!r}")
    return f"{amount:,}"


def minutes_text(minutes: int | None) -> str:
    """615 → '10시간 15분'; 600 → '10시간'; None → '—'."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}시간 {rest}분" if rest else f"{hours}시간"


def split_lines(text: str, font: str, size: float, width: float) -> list[str]:  # float ok: layout points or seconds, not money
    """Greedy line breaking at spaces (Korean is spaced); a word wider than the line breaks anywhere.

    Whitespace runs collapse to one space, as in a ReportLab Paragraph.
    """
    words = text.split()
    lines: list[str] = []
    line = ""
    space = stringWidth(" ", font, size)
    line_w = 0.0
    for word in words:
        w = stringWidth(word, font, size)
        if line and line_w + space + w <= width:
            line += " " + word
            line_w += space + w
            continue
        if line:
            lines.append(line)
        while w > width and len(word) > 1:  # an unbreakable run: cut it at the width
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            w = stringWidth(word, font, size)
        line, line_w = word, w
    if line:
        lines.append(line)
    return lines


class TextBlock(Flowable):
    """Plain text wrapped at spaces and drawn line by line: a Paragraph without markup parsing.

    Our documents never use inline markup, and parsing it was most of a page's layout time.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # float ok: layout points or seconds, not money
        st = self.style
        self.width = availWidth
        self.lines = split_lines(self.text, st.fontName, st.fontSize, availWidth - st.leftIndent - st.rightIndent)
        self.height = len(self.lines) * st.leading
        return availWidth, self.height

    def getSpaceBefore(self) -> float:  # float ok: layout points or seconds, not money
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # float ok: layout points or seconds, not money
        return self.style.spaceAfter

    def draw(self) -> None:
        st = self.style
        canvas = self.canv
        canvas.setFont(st.fontName, st.fontSize)
        canvas.setFillColor(st.textColor)
        # baseline of the first line: as a Paragraph sets it (leading minus the descent share)
        y = self.height - st.fontSize
        for line in self.lines:
            if st.alignment == TA_CENTER:
                canvas.drawCentredString(self.width / 2, y, line)
            elif st.alignment == TA_RIGHT:
                canvas.drawRightString(self.width - st.rightIndent, y, line)
            else:
                canvas.drawString(st.leftIndent, y, line)
            y -= st.leading


@dataclass
class Styles:
    regular: str
    bold: str
    base: ParagraphStyle = field(init=False)
    small: ParagraphStyle = field(init=False)
    tiny: ParagraphStyle = field(init=False)
    cell: ParagraphStyle = field(init=False)
    cell_bold: ParagraphStyle = field(init=False)
    cell_right: ParagraphStyle = field(init=False)
    heading: ParagraphStyle = field(init=False)
    title: ParagraphStyle = field(init=False)
    subtitle: ParagraphStyle = field(init=False)

    def __post_init__(self) -> None:
        self.base = ParagraphStyle("base", fontName=self.regular, fontSize=9, leading=12)  # Korean is spaced: wrapping at spaces is right and faster than CJK wrapping
        self.small = ParagraphStyle("small", parent=self.base, fontSize=7.5, leading=9.5)
        self.tiny = ParagraphStyle("tiny", parent=self.base, fontSize=6.5, leading=8)
        self.cell = ParagraphStyle("cell", parent=self.base, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=self.bold)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.heading = ParagraphStyle("heading", parent=self.base, fontName=self.bold, fontSize=10, leading=13, spaceBefore=5, spaceAfter=2)
        self.title = ParagraphStyle("title", parent=self.base, fontName=self.bold, fontSize=17, leading=21, alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", parent=self.base, fontSize=10, leading=13, alignment=TA_CENTER, spaceAfter=4)
        self._bold: dict[str, ParagraphStyle] = {}

    def bold_of(self, size: str) -> ParagraphStyle:
        """The bold variant of the style ``size`` (made once per Styles)."""
        style = self._bold.get(size)
        if style is None:
            style = self._bold[size] = ParagraphStyle(f"{size}_bold", parent=getattr(self, size), fontName=self.bold)
        return style


@lru_cache(maxsize=4)
def styles_for(regular: str, bold: str) -> Styles:
    """The shared, read-only styles of a font pair (building ParagraphStyles for every page showed in profiles)."""
    return Styles(regular, bold)


class Doc:
    """Collects flowables; the build function of a document calls these methods in order."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.story: list = []

    # --- text -------------------------------------------------------------------------------
    def title(self, text: str, subtitle: str | None = None) -> None:
        self.story.append(TextBlock(text, self.styles.title))
        if subtitle:
            self.story.append(TextBlock(subtitle, self.styles.subtitle))
        else:
            self.story.append(Spacer(1, 3 * mm))

    def heading(self, text: str) -> None:
        self.story.append(TextBlock(text, self.styles.heading))

    def paragraph(self, text: str, size: str = "base") -> None:
        self.story.append(TextBlock(text, getattr(self.styles, size)))

    def spacer(self, height_mm: float = 2) -> None:  # float ok: layout points or seconds, not money
        self.story.append(Spacer(1, height_mm * mm))

    # --- blocks -----------------------------------------------------------------------------
    def _fits(self, text: str, font: str, size: float, width: float) -> bool:  # float ok: layout points or seconds, not money
        return stringWidth(text, font, size) <= width - 2 * CELL_PAD

    def kv(self, pairs: Sequence[tuple[str, str]], columns: int = 2) -> None:
        """A grid of label/value pairs, ``columns`` pairs per line."""
        s = self.styles
        label_w = 24 * mm
        value_w = CONTENT_WIDTH / columns - label_w
        size = s.cell.fontSize
        rows: list[list] = []
        line: list = []
        for label, value in pairs:
            value = str(value)
            shown = value if self._fits(value, s.regular, size, value_w) else TextBlock(value, s.cell)
            line += [label, shown]
            if len(line) == 2 * columns:
                rows.append(line)
                line = []
        if line:
            line += [""] * (2 * columns - len(line))
            rows.append(line)
        table = Table(rows, colWidths=[label_w, value_w] * columns)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), s.regular),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), s.cell.leading),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
        for c in range(columns):
            style += [("BACKGROUND", (2 * c, 0), (2 * c, -1), HEADER_BG), ("FONTNAME", (2 * c, 0), (2 * c, -1), s.bold)]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
        amount_cols: Iterable[int] = (),
        total: Sequence[object] | None = None,
        size: str = "cell",
        wrap_cols: Iterable[int] = (),  # accepted for compatibility: every column wraps when it must
    ) -> None:
        """A table; integers in ``amount_cols`` as right-aligned won, ``total`` as a bold last row.

        ``widths`` are fractions of the content width (they need not sum to 1; they are scaled).
        A text longer than its column wraps inside the cell (Korean breaks anywhere); short
        texts are drawn as plain strings, which is what keeps a page fast to render.
        """
        s = self.styles
        amount_cols = set(amount_cols)
        base = getattr(s, size)
        font_size = base.fontSize
        if widths is None:
            widths = [1] * len(header)
        scale = CONTENT_WIDTH / sum(widths)
        col_w = [w * scale for w in widths]
        bold_style = s.bold_of(size)

        def cell(value: object, col: int, bold: bool) -> object:
            if col in amount_cols and isinstance(value, int) and not isinstance(value, bool):
                return won_text(value)
            text = "" if value is None else str(value)
            if self._fits(text, s.bold if bold else s.regular, font_size, col_w[col]) and "\n" not in text:
                return text
            return TextBlock(text, bold_style if bold else base)

        data = [[cell(h, i, True) for i, h in enumerate(header)]]
        data += [[cell(v, i, False) for i, v in enumerate(r)] for r in rows]
        if total is not None:
            data.append([cell(v, i, True) for i, v in enumerate(total)])
        table = Table(data, colWidths=col_w, repeatRows=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), s.regular),  # empty cells too: never Helvetica
            ("FONTNAME", (0, 0), (-1, 0), s.bold),
            ("FONTSIZE", (0, 0), (-1, -1), font_size),
            ("LEADING", (0, 0), (-1, -1), base.leading),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
        style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in sorted(amount_cols)]
        if total is not None:
            style += [("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG), ("FONTNAME", (0, -1), (-1, -1), s.bold)]
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def keep_together(self, build: Callable[["Doc"], None]) -> None:
        """Flowables added by ``build`` stay on one page when they fit."""
        inner = Doc(self.styles)
        build(inner)
        self.story.append(KeepTogether(inner.story))


# --- embedding the font subsets, faster (the bytes are the same) -----------------------------


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


@lru_cache(maxsize=4)
def _tune_faces(*font_names: str) -> None:
    """Make our TrueType faces cheaper to embed, per process, without changing a byte.

    ReportLab cuts a subset of the (6 MB, 17,000-glyph) Noto Sans KR face for every document: it
    copies each table it reads out of the font file (the 5.7 MB ``glyf`` among them) and
    rebuilds and recompresses subsets that are the same from page to page. Here the face keeps
    the tables it has read (they are immutable bytes), the last few subsets it built (a subset is
    a pure function of its character list) and, through :class:`_MemoFlate`, their compressed
    streams. Each is a pure memo, so the PDF bytes are exactly those of plain ReportLab.
    """
    flate = _MemoFlate()
    for name in font_names:
        face = getattr(pdfmetrics.getFont(name), "face", None)
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

        def add_objects(doc, fontname, subset, _add=add_subset_objects, _face=face):
            ref = _add(doc, fontname, subset)
            stream = doc.idToObject.get(f"fontFile:{_face.filename}({fontname})")
            if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
                stream.filters = [flate]
            return ref

        face.get_table, face.makeSubset, face.addSubsetObjects = cached_table, cached_subset, add_objects
        face._payroll_tuned = True


def warm() -> tuple[str, str]:
    """Register the fonts and prepare their faces and styles now (a process pool does it before forking)."""
    regular, bold = register_fonts()
    _tune_faces(regular, bold)
    styles_for(regular, bold)
    return regular, bold


def render(
    build: Callable[[Doc], None],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    footer: str | None = None,
) -> bytes:
    """Run ``build`` on a fresh A4 document and return the PDF bytes (deterministic)."""
    regular, bold = warm()
    styles = styles_for(regular, bold)
    doc = Doc(styles)
    build(doc)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="payroll",
        producer="payroll (ReportLab)",
        initialFontName=regular,  # each page starts in our font: no text is ever set in Helvetica
    )

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#5A6570"))
        y = MARGIN - 2 * mm
        if footer:
            canvas.drawString(MARGIN, y, footer)
        canvas.drawRightString(PAGE_SIZE[0] - MARGIN, y, f"{document.page}쪽")
        canvas.restoreState()

    template.build(doc.story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF we rendered (for tests and the one-page check)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
