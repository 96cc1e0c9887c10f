"""A small shared layout for A4 documents: title, key/value blocks, won tables, notes, footer.

Every PDF of the project (payslips, notices, receipts) is built the same way::

    def build(doc: Doc) -> None:
        doc.title("임금명세서", "2026년 4월분")
        doc.kv([("성명", "홍길동"), ("사원번호", "W001")])
        doc.table(["항목", "금액"], [["기본급", 2_500_000]], amount_cols={1}, total=["합계", 2_500_000])

    pdf_bytes = render(build, title="임금명세서 W001 2026-04", footer="…")

The blocks are laid out and drawn straight onto a ReportLab canvas — no platypus story, frames
or table objects. Our documents need only stacked blocks of fixed-width columns, and the
general machinery cost more than the drawing itself (a month renders 1,165 payslips). All text
of a page goes into one PDF text object drawn over the page's fills and rules. Blocks flow onto
a new page when they do not fit; a table repeats its header row there.

``render`` is deterministic: ``rl_config.invariant = 1`` (set in ``fonts``) fixes the creation
date and document id, and the only font is the embedded Noto Sans KR subset, so the same
content gives the same bytes in any process. Integers in amount columns are shown as won with
thousands separators and right-aligned; money is never a float here.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from payroll.documents.pdf_embed import warm  # registers the fonts (rl_config.invariant set on import)
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_SIZE = A4
MARGIN = 14 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
TOP = PAGE_SIZE[1] - MARGIN
BOTTOM = MARGIN + 4 * mm  # room for the footer line below
GRID = colors.HexColor("#9AA3AD")
HEADER_BG = colors.HexColor("#E8EDF2")
TOTAL_BG = colors.HexColor("#F4F6F8")
TEXT = colors.black
FOOTER_TEXT = colors.HexColor("#5A6570")
CELL_PAD = 4  # points, left and right inside a cell
RULE_WIDTH = 0.5


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

    Whitespace runs (newlines included) collapse to one space.
    """
    words = text.split()
    lines: list[str] = []
    line = ""
    measure = pdfmetrics.getFont(font).stringWidth  # the font's own method: a page measures every word, skip the lookups
    space = measure(" ", size)
    line_w = 0.0
    for word in words:
        w = measure(word, size)
        if line and line_w + space + w <= width:
            line += " " + word
            line_w += space + w
            continue
        if line:
            lines.append(line)
        while w > width and len(word) > 1:  # an unbreakable run: cut it at the width
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut], size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            w = measure(word, size)
        line, line_w = word, w
    if line:
        lines.append(line)
    return lines


# --- styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float  # float ok: layout points, not money
    leading: float  # float ok: layout points, not money
    align: str = "left"  # left | centre | right
    space_before: float = 0  # float ok: layout points, not money
    space_after: float = 0  # float ok: layout points, not money


@dataclass(frozen=True)
class Styles:
    regular: str
    bold: str

    def text(self, size: str, bold: bool = False) -> TextStyle:
        """base 9/12, small 7.5/9.5, tiny 6.5/8, cell 8.5/10.5 (points: size/leading)."""
        size_pt, leading = {"base": (9, 12), "small": (7.5, 9.5), "tiny": (6.5, 8), "cell": (8.5, 10.5)}[size]
        return TextStyle(self.bold if bold else self.regular, size_pt, leading)

    @property
    def title(self) -> TextStyle:
        return TextStyle(self.bold, 17, 21, align="centre")

    @property
    def subtitle(self) -> TextStyle:
        return TextStyle(self.regular, 10, 13, align="centre", space_after=4)

    @property
    def heading(self) -> TextStyle:
        return TextStyle(self.bold, 10, 13, space_before=5, space_after=2)


@lru_cache(maxsize=4)
def styles_for(regular: str, bold: str) -> Styles:
    return Styles(regular, bold)


# --- blocks -----------------------------------------------------------------------------------


@dataclass
class _Lines:
    """A paragraph: lines already broken to the content width."""

    style: TextStyle
    lines: list[str]
    indent: float = 0  # float ok: layout points, not money


@dataclass
class _Space:
    height: float  # float ok: layout points, not money


@dataclass
class _Break:
    """The next block starts on a new page (a form whose pages are fixed, like the 원천징수영수증)."""


@dataclass
class _Cell:
    lines: list[str]
    font: str
    align: str = "left"
    fill: colors.Color | None = None


@dataclass
class _Row:
    cells: list[_Cell]
    height: float  # float ok: layout points, not money


@dataclass
class _Grid:
    """A ruled table: fixed column widths spanning the content width; ``header`` repeats on a new page."""

    widths: list[float]  # float ok: layout points, not money
    size: float  # float ok: layout points, not money
    leading: float  # float ok: layout points, not money
    pad_top: float  # float ok: layout points, not money
    pad_bottom: float  # float ok: layout points, not money
    rows: list[_Row]
    header: bool


class Doc:
    """Collects blocks; the build function of a document calls these methods in order."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.blocks: list[_Lines | _Space | _Grid | _Break] = []

    # --- text -------------------------------------------------------------------------------
    def _text(self, text: str, style: TextStyle, indent: float = 0) -> None:  # float ok: layout points, not money
        lines = split_lines(text, style.font, style.size, CONTENT_WIDTH - 2 * indent)
        self.blocks.append(_Lines(style, lines, indent))

    def title(self, text: str, subtitle: str | None = None) -> None:
        self._text(text, self.styles.title)
        if subtitle:
            self._text(subtitle, self.styles.subtitle)
        else:
            self.spacer(3)

    def heading(self, text: str) -> None:
        self._text(text, self.styles.heading)

    def paragraph(self, text: str, size: str = "base") -> None:
        self._text(text, replace(self.styles.text(size), space_before=2), indent=CELL_PAD)  # a little air below a table

    def spacer(self, height_mm: float = 2) -> None:  # float ok: layout points or seconds, not money
        self.blocks.append(_Space(height_mm * mm))

    def page_break(self) -> None:
        self.blocks.append(_Break())

    # --- ruled blocks -----------------------------------------------------------------------
    def _grid(self, data: list[list[tuple[str, str, str, colors.Color | None]]], widths: list[float], style: TextStyle,  # float ok: layout points
              pad_top: float, pad_bottom: float, header: bool) -> None:  # float ok: layout points, not money
        """``data``: rows of (text, font, align, fill) cells; a text wider than its column wraps."""
        rows = []
        for cells in data:
            row = []
            for (text, font, align, fill), width in zip(cells, widths):
                inner = width - 2 * CELL_PAD
                if "\n" not in text and stringWidth(text, font, style.size) <= inner:
                    lines = [text] if text else []
                else:
                    lines = split_lines(text, font, style.size, inner)
                row.append(_Cell(lines, font, align, fill))
            height = max(1, *(len(c.lines) for c in row)) * style.leading + pad_top + pad_bottom
            rows.append(_Row(row, height))
        self.blocks.append(_Grid(list(widths), style.size, style.leading, pad_top, pad_bottom, rows, header))

    def kv(self, pairs: Sequence[tuple[str, str]], columns: int = 2) -> None:
        """A grid of label/value pairs, ``columns`` pairs per line; the labels bold on a tinted ground."""
        s = self.styles
        cell = s.text("cell")
        widest = max((stringWidth(str(label), s.bold, cell.size) for label, _ in pairs), default=0)
        label_w = min(max(24 * mm, widest + 2 * CELL_PAD), 0.4 * CONTENT_WIDTH / columns)  # a label stays on one line when it can
        value_w = CONTENT_WIDTH / columns - label_w
        data: list[list] = []
        line: list = []
        for label, value in pairs:
            line += [(str(label), s.bold, "left", HEADER_BG), (str(value), s.regular, "left", None)]
            if len(line) == 2 * columns:
                data.append(line)
                line = []
        if line:
            while len(line) < 2 * columns:
                line += [("", s.bold, "left", HEADER_BG), ("", s.regular, "left", None)]
            data.append(line)
        self._grid(data, [label_w, value_w] * columns, cell, 2, 2.5, header=False)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,  # float ok: layout points, not money
        amount_cols: Iterable[int] = (),
        total: Sequence[object] | None = None,
        size: str = "cell",
    ) -> None:
        """A table; integers in ``amount_cols`` as right-aligned won, ``total`` as a bold last row.

        ``widths`` are fractions of the content width (they need not sum to 1; they are scaled).
        A text longer than its column wraps inside the cell.
        """
        s = self.styles
        amount_cols = set(amount_cols)
        if widths is None:
            widths = [1] * len(header)
        scale = CONTENT_WIDTH / sum(widths)
        col_w = [w * scale for w in widths]

        def line(values: Sequence[object], font: str, fill) -> list:
            cells = []
            for col, value in enumerate(values):
                if col in amount_cols and isinstance(value, int) and not isinstance(value, bool):
                    value = won_text(value)
                cells.append(("" if value is None else str(value), font, "right" if col in amount_cols else "left", fill))
            return cells

        data = [line(header, s.bold, HEADER_BG)] + [line(r, s.regular, None) for r in rows]
        if total is not None:
            data.append(line(total, s.bold, TOTAL_BG))
        self._grid(data, col_w, s.text(size), 1.5, 2.5, header=True)


# --- drawing ----------------------------------------------------------------------------------


class _Page:
    """One page being drawn: fills and rules go straight to the canvas; text collects in one text
    object, drawn over them when the page ends."""

    def __init__(self, canvas: Canvas, footer: str | None, regular: str) -> None:
        self.canvas = canvas
        self.footer = footer
        self.regular = regular
        self.number = 0
        self._start()

    def _start(self) -> None:
        self.number += 1
        self.y = TOP
        self.fresh = True  # nothing drawn yet: space before a block is dropped here
        self.text = self.canvas.beginText()
        self.font: tuple[str, float] | None = None  # float ok: a font size in points
        self.colour = None
        self.canvas.setLineWidth(RULE_WIDTH)
        self.canvas.setStrokeColor(GRID)

    def draw_text(self, x: float, y: float, text: str, font: str, size: float, align: str = "left", colour=TEXT) -> None:  # float ok: layout points, not money
        if not text:
            return
        t = self.text
        if self.font != (font, size):
            t.setFont(font, size)
            self.font = (font, size)
        if self.colour is not colour:
            t.setFillColor(colour)
            self.colour = colour
        if align == "right":
            x -= stringWidth(text, font, size)
        elif align == "centre":
            x -= stringWidth(text, font, size) / 2
        t.setTextOrigin(x, y)
        t._textOut(text)  # textOut also measures the string to advance a cursor we never use

    def room(self) -> float:  # float ok: layout points, not money
        return self.y - BOTTOM

    def finish(self) -> None:
        y = MARGIN - 2 * mm
        if self.footer:
            self.draw_text(MARGIN, y, self.footer, self.regular, 7, colour=FOOTER_TEXT)
        self.draw_text(PAGE_SIZE[0] - MARGIN, y, f"{self.number}쪽", self.regular, 7, align="right", colour=FOOTER_TEXT)
        self.canvas.drawText(self.text)
        self.canvas.showPage()

    def next(self) -> None:
        self.finish()
        self._start()


def _draw_lines(page: _Page, block: _Lines) -> None:
    st = block.style
    if not page.fresh:
        page.y -= st.space_before
    x = {"left": MARGIN + block.indent, "centre": PAGE_SIZE[0] / 2, "right": MARGIN + CONTENT_WIDTH - block.indent}[st.align]
    for line in block.lines:
        if page.room() < st.leading and not page.fresh:
            page.next()
        page.draw_text(x, page.y - st.size, line, st.font, st.size, st.align)  # baseline one size below the line's top
        page.y -= st.leading
        page.fresh = False
    page.y -= st.space_after


def _draw_grid(page: _Page, grid: _Grid) -> None:
    canvas = page.canvas
    xs = [MARGIN]
    for w in grid.widths:
        xs.append(xs[-1] + w)
    body = grid.rows[1:] if grid.header else grid.rows

    def rules(top: float, bottoms: list[float]) -> None:  # float ok: layout points, not money
        segs = [(xs[0], top, xs[-1], top)] + [(xs[0], b, xs[-1], b) for b in bottoms]
        segs += [(x, top, x, bottoms[-1]) for x in xs]
        canvas.lines(segs)

    def draw_row(row: _Row) -> None:
        top, bottom = page.y, page.y - row.height
        col = 0
        while col < len(row.cells):  # one rectangle per run of equally filled cells
            fill = row.cells[col].fill
            end = col
            while end + 1 < len(row.cells) and row.cells[end + 1].fill is fill:
                end += 1
            if fill is not None:
                canvas.setFillColor(fill)
                canvas.rect(xs[col], bottom, xs[end + 1] - xs[col], row.height, stroke=0, fill=1)
            col = end + 1
        mid = (top - grid.pad_top + bottom + grid.pad_bottom) / 2
        for cell, left, right in zip(row.cells, xs, xs[1:]):
            x = right - CELL_PAD if cell.align == "right" else left + CELL_PAD
            y = mid + len(cell.lines) * grid.leading / 2 - grid.size  # the lines centred in the row
            for line in cell.lines:
                page.draw_text(x, y, line, cell.font, grid.size, cell.align)
                y -= grid.leading
        page.y = bottom
        page.fresh = False

    top, bottoms = page.y, []
    if grid.header:
        if page.room() < grid.rows[0].height + (body[0].height if body else 0) and not page.fresh:
            page.next()
            top = page.y
        draw_row(grid.rows[0])
        bottoms.append(page.y)
    for row in body:
        if page.room() < row.height and not page.fresh:
            if bottoms:
                rules(top, bottoms)
            page.next()
            top, bottoms = page.y, []
            if grid.header:
                draw_row(grid.rows[0])
                bottoms.append(page.y)
        draw_row(row)
        bottoms.append(page.y)
    if bottoms:
        rules(top, bottoms)


def render(
    build: Callable[[Doc], None],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    footer: str | None = None,
    password: str | None = None,
) -> bytes:
    """Run ``build`` on a fresh A4 document and return the PDF bytes (deterministic without ``password``).

    ``password``: the PDF opens only with it (ReportLab's standard encryption, 128-bit; printing
    allowed, changing not; the owner password is random, so such a PDF is not byte-stable)."""
    regular, bold = warm()
    doc = Doc(styles_for(regular, bold))
    build(doc)
    buffer = io.BytesIO()
    encrypt = None
    if password is not None:
        import secrets

        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, ownerPassword=secrets.token_hex(16), canPrint=1, canModify=0, canCopy=0, canAnnotate=0, strength=128)
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, initialFontName=regular, encrypt=encrypt)  # each page starts in our font: never Helvetica
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("payroll")
    canvas.setProducer("payroll (ReportLab)")
    page = _Page(canvas, footer, regular)
    for block in doc.blocks:
        if isinstance(block, _Break):
            if not page.fresh:
                page.next()
        elif isinstance(block, _Space):
            if not page.fresh:
                page.y -= min(block.height, page.room())
        elif isinstance(block, _Lines):
            _draw_lines(page, block)
        else:
            _draw_grid(page, block)
    page.finish()
    canvas.save()
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF we rendered (for tests and the one-page check)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
