"""Drawing laid-out blocks onto the pages of a ReportLab canvas.

Fills and rules go straight to the canvas; all the text of a page goes into one PDF text object,
drawn over them when the page ends (written by :class:`payroll.documents.embedding.TextWriter`).
A block that does not fit flows onto a new page; a table repeats its header row there.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from payroll.documents.embedding import TextWriter
from payroll.documents.layout import BOTTOM, CELL_PAD, CONTENT_WIDTH, FOOTER_TEXT, GRID, MARGIN, PAGE_SIZE, RULE_WIDTH, TEXT, TOP, Grid, Lines, Row, text_width


@lru_cache(maxsize=1 << 14)
def _origin(x: float, y: float) -> str:  # float ok: layout points, not money
    """The text-matrix operator of a bottom-up canvas at (x, y) (a month's pages repeat their positions)."""
    return "1 0 0 1 %s Tm" % fp_str(x, y)


class Page:
    """One page being drawn: fills and rules go straight to the canvas; text collects in one text
    object, drawn over them when the page ends."""

    def __init__(self, canvas: Canvas, footer: str | None, regular: str, writer: TextWriter) -> None:
        self.canvas = canvas
        self.footer = footer
        self.regular = regular
        self.writer = writer
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
            x -= text_width(text, font, size)
        elif align == "centre":
            x -= text_width(text, font, size) / 2
        t._code.append(_origin(x, y))  # TextObject.setTextOrigin's operator (the cursor it also sets is never read)
        self.writer.write(t, text)  # as TextObject._textOut (textOut also measures the string to advance a cursor we never use)

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


def draw_lines(page: Page, block: Lines) -> None:
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


def draw_grid(page: Page, grid: Grid) -> None:
    canvas = page.canvas
    xs = [MARGIN]
    for w in grid.widths:
        xs.append(xs[-1] + w)
    body = grid.rows[1:] if grid.header else grid.rows

    def rules(top: float, bottoms: list[float]) -> None:  # float ok: layout points, not money
        segs = [(xs[0], top, xs[-1], top)] + [(xs[0], b, xs[-1], b) for b in bottoms]
        segs += [(x, top, x, bottoms[-1]) for x in xs]
        canvas.lines(segs)

    def draw_row(row: Row) -> None:
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
