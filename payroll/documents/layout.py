"""The layout of a document: its blocks (title, key/value grids, won tables, paragraphs, spacers),
laid out to the content width of an A4 page before anything is drawn.

A build function calls :class:`Doc`'s methods in order; each block breaks its text into lines and
measures its rows here; :mod:`payroll.documents.drawing` then puts the blocks on pages. Integers in
amount columns are shown as won with thousands separators and right-aligned; money is never a
float here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

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


@lru_cache(maxsize=1 << 16)
def text_width(text: str, font: str, size: float) -> float:  # float ok: layout points, not money
    """The width of ``text`` in points (kept: a month's pages measure the same labels again and again)."""
    return stringWidth(text, font, size)


def split_lines(text: str, font: str, size: float, width: float) -> list[str]:  # float ok: layout points or seconds, not money
    """Greedy line breaking at spaces (Korean is spaced); a word wider than the line breaks anywhere.

    Whitespace runs (newlines included) collapse to one space.
    """
    return list(_split_lines(text, font, size, width))


@lru_cache(maxsize=1 << 14)
def _split_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...]:  # float ok: layout points, not money
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
    return tuple(lines)


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
class Lines:
    """A paragraph: lines already broken to the content width."""

    style: TextStyle
    lines: list[str]
    indent: float = 0  # float ok: layout points, not money


@dataclass
class Break:
    """The next block starts on a new page (a form whose pages are fixed, like the 원천징수영수증)."""


@dataclass
class Space:
    height: float  # float ok: layout points, not money


@dataclass
class Cell:
    lines: list[str]
    font: str
    align: str = "left"
    fill: colors.Color | None = None


@dataclass
class Row:
    cells: list[Cell]
    height: float  # float ok: layout points, not money


@dataclass
class Grid:
    """A ruled table: fixed column widths spanning the content width; ``header`` repeats on a new page."""

    widths: list[float]  # float ok: layout points, not money
    size: float  # float ok: layout points, not money
    leading: float  # float ok: layout points, not money
    pad_top: float  # float ok: layout points, not money
    pad_bottom: float  # float ok: layout points, not money
    rows: list[Row]
    header: bool


class Doc:
    """Collects blocks; the build function of a document calls these methods in order."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.blocks: list[Lines | Space | Grid | Break] = []

    # --- text -------------------------------------------------------------------------------
    def _text(self, text: str, style: TextStyle, indent: float = 0) -> None:  # float ok: layout points, not money
        lines = split_lines(text, style.font, style.size, CONTENT_WIDTH - 2 * indent)
        self.blocks.append(Lines(style, lines, indent))

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

    def page_break(self) -> None:
        self.blocks.append(Break())

    def spacer(self, height_mm: float = 2) -> None:  # float ok: layout points or seconds, not money
        self.blocks.append(Space(height_mm * mm))

    # --- ruled blocks -----------------------------------------------------------------------
    def _grid(self, data: list[list[tuple[str, str, str, colors.Color | None]]], widths: list[float], style: TextStyle,  # float ok: layout points
              pad_top: float, pad_bottom: float, header: bool) -> None:  # float ok: layout points, not money
        """``data``: rows of (text, font, align, fill) cells; a text wider than its column wraps."""
        rows = []
        for cells in data:
            row = []
            for (text, font, align, fill), width in zip(cells, widths):
                inner = width - 2 * CELL_PAD
                if "\n" not in text and text_width(text, font, style.size) <= inner:
                    lines = [text] if text else []
                else:
                    lines = split_lines(text, font, style.size, inner)
                row.append(Cell(lines, font, align, fill))
            height = max(1, *(len(c.lines) for c in row)) * style.leading + pad_top + pad_bottom
            rows.append(Row(row, height))
        self.blocks.append(Grid(list(widths), style.size, style.leading, pad_top, pad_bottom, rows, header))

    def kv(self, pairs: Sequence[tuple[str, str]], columns: int = 2) -> None:
        """A grid of label/value pairs, ``columns`` pairs per line; the labels bold on a tinted ground."""
        s = self.styles
        cell = s.text("cell")
        widest = max((text_width(str(label), s.bold, cell.size) for label, _ in pairs), default=0)
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
