"""Text exports: the format from the bytes, the encoding, the separator, and the rows of cells.

The format is detected from the bytes, never from the file name: ``PK\\x03\\x04`` is an XLSX (zip),
``D0 CF 11 E0`` an XLS (OLE2); anything else must decode as text — UTF-8 with BOM, UTF-16 (with a BOM,
or an ASCII-heavy text without one, the usual Windows "Unicode text"), UTF-8, then CP949/EUC-KR.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator

from payroll.attendance.readers.export import Table
from payroll.case import InputError

XLSX_MAGIC = b"PK\x03\x04"


XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


DELIMITERS = (",", "\t", ";", "|")


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls other than tab, CR and LF


def sniff(raw: bytes) -> str:
    if raw.startswith(XLSX_MAGIC):
        return "xlsx"
    if raw.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte of an ASCII-heavy text is zero."""
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name) — UTF-8 with BOM, UTF-16 (BOM, or an ASCII-heavy text without one),
    UTF-8, then CP949; binary content is refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc = raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: UTF-8 BOM으로 시작하지만 {exc.start + 3}번째 바이트가 UTF-8이 아닙니다 (파일이 손상되었거나 잘렸나요?)") from None
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(raw):
        codec = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(raw)
        try:
            text, enc = raw.decode(codec), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: UTF-16 텍스트이지만 {exc.start}번째 바이트를 읽을 수 없습니다 (파일이 손상되었거나 잘렸나요?)") from None
        text = text.lstrip("\ufeff")
    else:
        try:
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = raw.decode("cp949"), "cp949"
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: CSV, XLSX, XLS 파일이 아닙니다 (UTF-8, UTF-16, CP949 텍스트가 아님; {exc.start}번째 바이트가 잘못됨)") from None
    controls = len(_CONTROL_CHARS.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 1000):
        raise InputError(f"{source}: CSV, XLSX, XLS 파일이 아닙니다 (이진 내용)")
    return text, enc


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most frequent width above one."""
    lines = [ln for ln in text[:16384].splitlines()[:60] if ln.strip()]
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            if w > 1:
                counts[w] = counts.get(w, 0) + 1
        if not counts:
            continue
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (freq, width) > best_score:
            best, best_score = d, (freq, width)
    return best


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, as ``io.StringIO(text, newline="")`` gives them, one at a time
    (a StringIO holds the whole text again, four bytes a character)."""
    return (m.group() for m in _LINE.finditer(text))


def csv_rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """The text's non-blank rows, one at a time: (the line the row starts on, its cells)."""
    reader = csv.reader(_lines(text), delimiter=sniff_delimiter(text), strict=True)
    try:
        start = 1
        for cells in reader:
            if "".join(cells).strip():  # some cell is not blank
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{source}: {reader.line_num}행: 올바른 CSV가 아닙니다: {exc}") from None


def csv_table(text: str, source: str, limit: int | None = None) -> Table:
    """The text's non-blank rows (the first ``limit`` of them when given)."""
    rows: Table = list(itertools.islice(csv_rows(text, source), limit))
    if not rows:
        raise InputError(f"{source}: 빈 파일입니다 (머리글 행 없음)")
    return rows


def check_widths(source: str, width: int, rows: Iterable[tuple[int, list[str]]], ends_with_newline: bool) -> Iterator[tuple[int, list[str]]]:
    """Text rows against the header: trailing empty cells are dropped and a short row (a footer, a
    totals line) padded; a row cut at the end of the file, or with more cells than the header, is an error."""
    rows = iter(rows)
    row = next(rows, None)
    while row is not None:
        line, cells = row
        row = next(rows, None)  # one row ahead: whether this one is the file's last
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) > width:
            raise InputError(f"{source}: {line}행: 칸이 {len(cells)}개인데 머리글은 {width}개입니다 (값 안에 따옴표 없는 구분자가 있나요?)")
        if len(cells) < width:
            if row is None and not ends_with_newline:
                raise InputError(f"{source}: {line}행: 파일이 행 중간에서 끝납니다 (칸 {width}개 중 {len(cells)}개) — 잘렸나요?")
            cells = cells + [""] * (width - len(cells))
        yield line, cells
