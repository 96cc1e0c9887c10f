"""Fixed-width records counted in CP949 bytes (the NTS 전산매체 files), from a layout file.

A layout (``payroll/filings/layouts/*.tsv``) lists each record's fields in order: id, length in
bytes, type and label. Type ``X``: text, left-justified, padded with spaces to the length in CP949
bytes (a Korean syllable is two bytes; a text too long is cut at a character boundary and the cut
reported); type ``9``: digits, right-justified, zero-padded (never negative: a sign is its own field).
The record kind is the first letter of its field ids (A, B, C, E …).

:func:`encode` builds a record from a dict (missing fields: blank or zero) and :func:`decode` reads
one back; both check every field, so a writer and ``payroll filing check`` share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from payroll.case import InputError

ENCODING = "cp949"
LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"


@dataclass(frozen=True)
class Field:
    id: str
    length: int
    kind: str  # X | 9
    label: str
    start: int  # 0-based byte offset in the record


@dataclass(frozen=True)
class Layout:
    name: str
    records: dict[str, tuple[Field, ...]]  # kind → fields
    length: int

    def fields(self, kind: str) -> tuple[Field, ...]:
        try:
            return self.records[kind]
        except KeyError:
            raise InputError(f"layout {self.name}: no record kind {kind!r}") from None

    def field(self, kind: str, fid: str) -> Field:
        for f in self.fields(kind):
            if f.id == fid:
                return f
        raise KeyError(fid)


@lru_cache(maxsize=4)
def load_layout(name: str) -> Layout:
    path = LAYOUT_DIR / f"{name}.tsv"
    records: dict[str, list[Field]] = {}
    offsets: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fid, length, kind, label = line.split("\t")
        rec = fid[0]
        start = offsets.get(rec, 0)
        records.setdefault(rec, []).append(Field(fid, int(length), kind, label, start))
        offsets[rec] = start + int(length)
    lengths = set(offsets.values())
    if len(lengths) != 1:
        raise ValueError(f"layout {name}: records of different lengths {offsets}")
    return Layout(name=name, records={k: tuple(v) for k, v in records.items()}, length=lengths.pop())


def byte_len(text: str) -> int:
    return len(text.encode(ENCODING))


def _text(value: object, f: Field, where: str, cuts: list[str]) -> bytes:
    if value is None or value == "":
        return b" " * f.length
    text = str(value)
    try:
        raw = text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise InputError(f"{where}: {f.id} {f.label}: CP949로 쓸 수 없는 글자: {text[exc.start:exc.end]!r}") from None
    if len(raw) > f.length:
        out, size = [], 0
        for ch in text:
            n = byte_len(ch)
            if size + n > f.length:
                break
            out.append(ch)
            size += n
        cuts.append(f"{where}: {f.id} {f.label}: {text!r} cut to {f.length} bytes")
        raw = "".join(out).encode(ENCODING)
    return raw + b" " * (f.length - len(raw))


def _number(value: object, f: Field, where: str) -> bytes:
    if type(value) is int and 0 <= value < 10 ** f.length:  # the common case, checked cheaply
        return b"%0*d" % (f.length, value)
    n = 0 if value in (None, "") else value
    if isinstance(n, bool) or not isinstance(n, int) and not (isinstance(n, str) and n.isdigit()):
        raise InputError(f"{where}: {f.id} {f.label}: 정수가 아닙니다: {value!r}")
    n = int(n)
    if n < 0:
        raise InputError(f"{where}: {f.id} {f.label}: 음수 {n} (부호는 따로 있는 필드에 씁니다)")
    text = str(n)
    if len(text) > f.length:
        raise InputError(f"{where}: {f.id} {f.label}: {n}이(가) {f.length}자리에 들어가지 않습니다")
    return text.rjust(f.length, "0").encode("ascii")


def encode(layout: Layout, kind: str, values: dict[str, object], where: str, cuts: list[str] | None = None) -> bytes:
    """One record of ``kind`` (unknown keys are an error: a misspelt field never vanishes)."""
    fields = layout.fields(kind)
    unknown = set(values) - {f.id for f in fields}
    if unknown:
        raise ValueError(f"{where}: fields not in layout {layout.name} {kind}: {sorted(unknown)}")
    cuts = cuts if cuts is not None else []
    out = b"".join(_number(values.get(f.id), f, where) if f.kind == "9" else _text(values.get(f.id), f, where, cuts) for f in fields)
    assert len(out) == layout.length
    return out


def decode(layout: Layout, record: bytes) -> tuple[str, dict[str, object], list[str]]:
    """(kind, field → value, problems) of one record (without its line end). Numbers come back as int."""
    problems: list[str] = []
    if len(record) != layout.length:
        problems.append(f"길이 {len(record):,}바이트 (정해진 길이 {layout.length:,})")
    kind = record[:1].decode("ascii", "replace")
    if kind not in layout.records:
        return kind, {}, problems + [f"알 수 없는 레코드 종류 {kind!r}"]
    values: dict[str, object] = {}
    for f in layout.records[kind]:
        raw = record[f.start:f.start + f.length]
        if f.kind == "9":
            text = raw.decode("ascii", "replace")
            if not text.isdigit() or len(text) != f.length:
                problems.append(f"{f.id} {f.label}: {f.length}자리 숫자가 아닙니다: {text!r}")
                values[f.id] = None
            else:
                values[f.id] = int(text)
        else:
            try:
                values[f.id] = raw.decode(ENCODING).rstrip(" ")
            except UnicodeDecodeError:
                problems.append(f"{f.id} {f.label}: CP949 텍스트가 아닙니다 (글자가 둘로 잘렸나요?)")
                values[f.id] = None
    return kind, values, problems


def split_records(data: bytes) -> list[bytes]:
    """The records of a file: CRLF (or LF) after each; a last line end is optional."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]
