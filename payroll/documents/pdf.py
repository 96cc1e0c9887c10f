"""A small shared layout for A4 documents: title, key/value blocks, won tables, notes, footer.

Every PDF of the project (payslips, notices, receipts) is built the same way::

    def build(doc: Doc) -> None:
        doc.title("임금명세서", "2026년 4월분")
        doc.kv([("성명", "홍길동"), ("사원번호", "W001")])
        doc.table(["항목", "금액"], [["기본급", 2_500_000]], amount_cols={1}, total=["합계", 2_500_000])

    pdf_bytes = render(build, title="임금명세서 W001 2026-04", footer="…", personal=["홍길동", "W001"])

The blocks are laid out first (:mod:`payroll.documents.layout`), then drawn straight onto a
ReportLab canvas (:mod:`payroll.documents.drawing`) — no platypus story, frames or table
objects: our documents need only stacked blocks of fixed-width columns, and the general machinery
cost more than the drawing itself (a month renders 1,165 payslips). Before drawing, the page's
characters are given their places in the embedded font's subsets
(:mod:`payroll.documents.embedding`): ``personal`` names the values that differ from one
worker's page to the next, so that pages alike share their font subsets.

``render`` is deterministic: ``rl_config.invariant = 1`` (set in ``fonts``) fixes the creation
date and document id, the only font is the embedded Noto Sans KR subset, and the subsets follow
from the page alone, so the same content gives the same bytes in any process.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator

from reportlab.pdfgen.canvas import Canvas

from payroll.documents import embedding
from payroll.documents.drawing import Page, draw_grid, draw_lines
from payroll.documents.fonts import register_fonts  # sets rl_config.invariant on import
from payroll.documents.layout import PAGE_SIZE, Break, Doc, Grid, Lines, Space, minutes_text, styles_for, won_text

__all__ = ["Doc", "minutes_text", "page_count", "render", "warm", "won_text"]


def warm() -> tuple[str, str]:
    """Register the fonts and prepare their faces and styles now (a process pool does it before forking)."""
    regular, bold = register_fonts()
    embedding.page_streams()
    embedding.tune_faces(regular, bold)
    return regular, bold


def _texts(doc: Doc, regular: str, footer: str | None) -> Iterator[tuple[str, str]]:
    """(font, text) of everything the document will draw, the page footer included."""
    for block in doc.blocks:
        if isinstance(block, Lines):
            for line in block.lines:
                yield block.style.font, line
        elif isinstance(block, Grid):
            for row in block.rows:
                for cell in row.cells:
                    for line in cell.lines:
                        yield cell.font, line
    if footer:
        yield regular, footer
    yield regular, "0123456789쪽"  # the page numbers


def render(
    build: Callable[[Doc], None],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    footer: str | None = None,
    personal: Iterable[str] = (),
    password: str | None = None,
) -> bytes:
    """Run ``build`` on a fresh A4 document and return the PDF bytes (deterministic without ``password``).

    ``personal``: the values that make this document differ from others like it (a worker's name,
    number, department); their characters are embedded apart, after the rest.
    ``password``: the PDF opens only with it (ReportLab's standard encryption, 128-bit; printing
    allowed, changing not; the owner password is random, so such a PDF is not byte-stable).
    """
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
    personal = list(personal)
    by_font: dict[str, list[str]] = {regular: [], bold: []}
    for font, text in _texts(doc, regular, footer):
        by_font.setdefault(font, []).append(text)
    seeded = {}
    for font in (regular, bold):
        characters = embedding.alphabet(by_font[font], personal)
        seeded[font] = (characters, embedding.seed(canvas._doc, font, characters))
    page = Page(canvas, footer, regular, embedding.TextWriter(canvas, seeded))
    for block in doc.blocks:
        if isinstance(block, Break):
            if not page.fresh:
                page.next()
        elif isinstance(block, Space):
            if not page.fresh:
                page.y -= min(block.height, page.room())
        elif isinstance(block, Lines):
            draw_lines(page, block)
        else:
            draw_grid(page, block)
    page.finish()
    canvas.save()
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF we rendered (for tests and the one-page check)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
