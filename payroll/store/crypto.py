"""주민등록번호 at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key kept outside the repository.

The key (a Fernet key: 32 random bytes, url-safe base64) comes from, first that is set:
``PAYROLL_KEY`` (the key itself) or ``PAYROLL_KEY_FILE`` (a file holding it, which nobody but its
owner may read: a key file with group or other permissions is refused with the ``chmod 600``
that fixes it). ``payroll key new FILE`` writes a fresh one with mode 0600. There is no default
key: without one, nothing is encrypted or decrypted. A number is shown only masked
(``900101-1******``) or as a birth date. Which key a store's data is under is recorded in it
(:mod:`payroll.store.keys`): another key is refused, never silently used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from payroll.case import InputError

KEY_ENV = "PAYROLL_KEY"
KEY_FILE_ENV = "PAYROLL_KEY_FILE"
RRN_RE = re.compile(r"^(\d{6})-?(\d)(\d{6})$")
#: 주민등록번호 7th digit → century of birth (1/2/5/6: 1900s, 3/4/7/8: 2000s, 9/0: 1800s)
CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000, "9": 1800, "0": 1800}


def load_key() -> bytes:
    text = os.environ.get(KEY_ENV)
    if text:
        return _as_key(text, f"${KEY_ENV}")
    path = os.environ.get(KEY_FILE_ENV)
    if not path:
        raise InputError(f"암호화 키가 없습니다: {KEY_FILE_ENV}에 키 파일을 지정하거나 (payroll key new FILE로 만듦) {KEY_ENV}를 설정하세요")
    return read_key_file(Path(path), f"{KEY_FILE_ENV}={path}")


def read_key_file(path: Path, source: str | None = None) -> bytes:
    """The key in ``path`` (refused when others may read the file)."""
    source = source or str(path)
    refuse_open_permissions(Path(path))
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: 키 파일을 읽을 수 없습니다 ({getattr(exc, 'strerror', exc)})") from None
    return _as_key(text, str(path))


def _as_key(text: str, source: str) -> bytes:
    key = text.strip().encode("ascii", "replace")
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise InputError(f"{source}: Fernet 키가 아닙니다 (32바이트, url-safe base64; `payroll key new FILE`로 만드세요)") from None
    return key


def refuse_open_permissions(path: Path) -> None:
    """A key file others can read (or write) is refused, with the command that fixes it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reading it will say what is wrong
    if mode & 0o077:
        raise InputError(f"{path}: 다른 사용자도 읽거나 쓸 수 있는 키 파일은 쓰지 않습니다 (mode {mode & 0o777:04o}); "
                         f"고치려면: chmod 600 {path}")


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def new_key_file(path: Path) -> str:
    path = Path(path)
    if path.exists():
        raise InputError(f"{path}: 이미 있습니다; 키를 덮어쓰지 않습니다")
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key_id(key)


def parse_rrn(text: str, where: str = "주민등록번호") -> tuple[str, dt.date]:
    """Validate a 주민등록번호 and return (13 digits, birth date). The number never appears in an error."""
    m = RRN_RE.match(text.strip())
    if not m:
        raise InputError(f"{where}: 주민등록번호가 아닙니다 (13자리, YYMMDD-NNNNNNN)")
    front, gender, rest = m.groups()
    try:
        birth = dt.date(CENTURY[gender] + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError:
        raise InputError(f"{where}: 앞 여섯 자리가 날짜가 아닙니다") from None
    return front + gender + rest, birth


def mask(rrn13: str) -> str:
    """'9001011234567' → '900101-1******'."""
    return f"{rrn13[:6]}-{rrn13[6]}******"


def encrypt_bytes(data: bytes, key: bytes) -> bytes:
    return Fernet(key).encrypt(data)


def decrypt_bytes(token: bytes, key: bytes) -> bytes:
    try:
        return Fernet(key).decrypt(token)
    except InvalidToken:
        raise InputError("이 암호화 키로는 이 기록을 열 수 없습니다 (PAYROLL_KEY/PAYROLL_KEY_FILE이 맞나요?)") from None


def encrypt(rrn13: str, key: bytes) -> bytes:
    return Fernet(key).encrypt(rrn13.encode("ascii"))


def decrypt(token: bytes, key: bytes) -> str:
    try:
        return Fernet(key).decrypt(token).decode("ascii")
    except InvalidToken:
        raise InputError("이 암호화 키로는 이 기록을 열 수 없습니다 (PAYROLL_KEY/PAYROLL_KEY_FILE이 맞나요?)") from None
