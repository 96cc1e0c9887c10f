"""주민등록번호 wherever an input carries one: found by pattern and check digit, masked, the original sealed.

A 주민등록번호 (or 외국인등록번호) is six digits of a real birth date, an optional hyphen, a
century-and-sex digit (1–8) and six digits whose last is the check digit (주민등록법 시행규칙: weights
2…9, 2…5; 11 − sum mod 11, mod 10; +2 for a 외국인등록번호). Found in any text of any input — an
attendance export's RRN column, a name field, a CSV of HR's — it is:

- masked where it is read (:func:`mask_text`, :func:`mask_frame`: ``900101-1******``), so no page,
  message, report or PDF can show it;
- masked in the copy of an input file the run reads and the store keeps (:func:`mask_bytes`, same
  length, for CSV/TSV text in UTF-8, CP949 or UTF-16, XLSX and XLS), so the input store has no
  clear number and a replay reads the very bytes the run read;
- kept only encrypted: the original file goes to ``sealed_inputs`` under the installation's key
  (:func:`seal`), so it can be recovered by whoever holds the key, and re-encrypted by
  ``payroll key rotate``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Callable

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
_TEXT = re.compile(r"(?<![0-9])([0-9]{6})(-?)([1-8])([0-9]{6})(?![0-9])")
_ASCII = re.compile(rb"(?<![0-9])([0-9]{6})(-?)([1-8])([0-9]{6})(?![0-9])")
_D16 = rb"[0-9]\x00"
_UTF16 = re.compile(rb"(?<![0-9]\x00)((?:" + _D16 + rb"){6})((?:-\x00)?)([1-8]\x00)((?:" + _D16 + rb"){6})(?![0-9]\x00)")
_CANDIDATE = r"[0-9]{6}-?[1-8][0-9]{6}"
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_rrn(front: str, sex: str, back: str) -> bool:
    """Six digits of a date, the century-and-sex digit and six more with a valid check digit."""
    try:
        dt.date(CENTURY[sex] + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except (KeyError, ValueError):
        return False
    digits = front + sex + back
    total = sum(int(d) * w for d, w in zip(digits[:12], WEIGHTS))
    check = (11 - total % 11) % 10
    if sex in "5678":
        check = (check + 2) % 10
    return check == int(digits[12])


def is_foreign_number(number: str) -> bool:
    """A 외국인등록번호: its seventh digit (century and sex) is 5–8, where a 주민등록번호 has 1–4 (9 and 0
    for the 1800s). A masked number ("760203-6******") keeps that digit, so a filing knows 내·외국인 without the key."""
    digits = number.replace("-", "")
    return len(digits) >= 7 and digits[6] in "5678"


def _masked(front: str, hyphen: str, sex: str) -> str:
    return f"{front}{hyphen}{sex}******"


def mask_text(text: str) -> tuple[str, int]:
    """``text`` with every 주민등록번호 masked (same length), and how many there were."""
    count = 0

    def sub(m: re.Match) -> str:
        nonlocal count
        if not is_rrn(m.group(1), m.group(3), m.group(4)):
            return m.group(0)
        count += 1
        return _masked(m.group(1), m.group(2), m.group(3))

    return (_TEXT.sub(sub, text), count) if any(c.isdigit() for c in text) else (text, 0)


def masked(text: str) -> str:
    return mask_text(text)[0]


def found_rrns(text: str) -> list[str]:
    """The valid 주민등록번호 in ``text``, as 13 digits each (for their encryption only)."""
    if not any(c.isdigit() for c in text):
        return []
    return [m.group(1) + m.group(3) + m.group(4) for m in _TEXT.finditer(text) if is_rrn(m.group(1), m.group(3), m.group(4))]


def _mask_pattern(data: bytes, pattern: re.Pattern, decode: Callable[[bytes], str], encode: Callable[[str], bytes]) -> tuple[bytes, int]:
    count = 0

    def sub(m: re.Match) -> bytes:
        nonlocal count
        front, hyphen, sex, back = (decode(g) for g in m.groups())
        if not is_rrn(front, sex, back):
            return m.group(0)
        count += 1
        return encode(_masked(front, hyphen, sex))

    return pattern.sub(sub, data), count


def _ascii_bytes(data: bytes) -> tuple[bytes, int]:
    """UTF-8, CP949 and EUC-KR keep ASCII digits and '-' as single bytes no multibyte character contains."""
    return _mask_pattern(data, _ASCII, lambda b: b.decode("ascii"), lambda s: s.encode("ascii"))


def _utf16_bytes(data: bytes) -> tuple[bytes, int]:
    return _mask_pattern(data, _UTF16, lambda b: b.decode("utf-16-le"), lambda s: s.encode("utf-16-le"))


def mask_bytes(data: bytes) -> tuple[bytes, int]:
    """A copy of an input file with every 주민등록번호 masked, and how many there were (0: ``data`` itself).

    The file's structure is kept: a text keeps its encoding and length; an XLS is masked in place
    (its strings are 8-bit or UTF-16); an XLSX is re-packed with its masked parts (only when there
    is something to mask). Call it on a file that passed the spreadsheet limits.
    """
    if data.startswith(XLSX_MAGIC):
        return _mask_xlsx(data)
    if data.startswith(XLS_MAGIC):
        out, n = _ascii_bytes(data)
        out, m = _utf16_bytes(out)
        return out, n + m
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            text = data[2:].decode(codec)
        except UnicodeDecodeError:
            return data, 0
        out, n = mask_text(text)
        return (data[:2] + out.encode(codec), n) if n else (data, 0)
    out, n = _ascii_bytes(data)
    if b"\x00" in data:  # a UTF-16 text without its BOM
        out, m = _utf16_bytes(out)
        n += m
    return (out, n) if n else (data, 0)


def _mask_xlsx(data: bytes) -> tuple[bytes, int]:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return data, 0  # not readable as a zip: the reader will say so; nothing is stored from it but its bytes
    total = 0
    parts = []
    for info, body in members:
        if info.filename.endswith((".xml", ".rels")):
            body, n = _ascii_bytes(body)  # the parts are UTF-8 XML
            total += n
        parts.append((info, body))
    if not total:
        return data, 0
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, body in parts:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            target.writestr(copy, body)
    return out.getvalue(), total


def mask_frame(frame):
    """A polars frame with every 주민등록번호 in its text columns masked (the candidates are few: the
    check digit is tested on the distinct values that look like one)."""
    import polars as pl

    texts = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not texts:
        return frame
    hits = frame.select([pl.col(c).str.contains(_CANDIDATE).any().alias(c) for c in texts]).row(0)
    changes = [pl.col(c).map_elements(masked, return_dtype=pl.Utf8, skip_nulls=True).alias(c) for c, hit in zip(texts, hits) if hit]
    return frame.with_columns(changes) if changes else frame


def seal(session, original: bytes, masked_copy: bytes, count: int, key: bytes) -> None:
    """Keep the original of a masked input, encrypted (``sealed_inputs``, by the masked copy's sha256)."""
    from payroll.runs.hashing import sha256_bytes
    from payroll.security.models import SealedInput
    from payroll.store import crypto
    from payroll.store.db import now

    digest = sha256_bytes(masked_copy)
    if session.get(SealedInput, digest) is None:
        session.add(SealedInput(sha256=digest, original_sha256=sha256_bytes(original), cipher=crypto.encrypt_bytes(original, key),
                                key_id=crypto.key_id(key), rrn_count=count, sealed_at=now()))


def unseal(session, masked_sha256: str, key: bytes) -> bytes | None:
    """The original of the input stored masked as ``masked_sha256`` (None: nothing was sealed for it)."""
    from payroll.security.models import SealedInput
    from payroll.store import crypto

    row = session.get(SealedInput, masked_sha256)
    return crypto.decrypt_bytes(row.cipher, key) if row is not None else None


def keep_masked(session, data: bytes) -> tuple[str, bytes, int, bool | None]:
    """Store an input in ``input_blobs`` with every 주민등록번호 masked, the original sealed under the
    store's key when one is configured: (sha256 of the stored copy, the stored copy, how many were
    masked, whether the original was sealed — None when there was nothing to seal)."""
    from payroll.runs.inputs import store_blob
    from payroll.store.keys import available_key

    stored, count = mask_bytes(data)
    digest = store_blob(session, stored)
    if not count:
        return digest, stored, 0, None
    key = available_key(session)
    if key is not None:
        seal(session, data, stored, count, key)
    return digest, stored, count, key is not None


def kept_note(count: int, sealed: bool | None) -> str:
    """What the clerk is told about the numbers :func:`keep_masked` masked."""
    if not count:
        return ""
    return f"주민등록번호 {count}개를 가려서 저장 ({'원본은 암호화해 보관' if sealed else '암호화 키가 없어 원본은 보관하지 않음: PAYROLL_KEY_FILE'})"
