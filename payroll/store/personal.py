"""The encrypted personal-data table: put a 주민등록번호 in, get only its mask or birth date out."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from payroll.case import InputError
from payroll.security.identifiers import WORKER_ID
from payroll.store import crypto, keys
from payroll.store.db import Store, now
from payroll.store.models import PersonalData


def put_rrn(store: Store, worker_id: str, rrn: str, actor: str, key: bytes | None = None) -> PersonalData:
    key = keys.store_key(store, key)
    digits, birth = crypto.parse_rrn(rrn, f"worker {worker_id}: 주민등록번호")
    record = PersonalData(worker_id=worker_id, rrn_cipher=crypto.encrypt(digits, key), key_id=crypto.key_id(key), birth_date=birth, masked=crypto.mask(digits), updated_at=now())
    with store.session() as s:
        s.merge(record)
        store.audit(actor, "personal.put", worker_id, {"masked": record.masked}, session=s)
    return record


def import_rrn_csv(store: Store, path: Path, actor: str) -> int:
    """A CSV with columns worker_id, rrn (UTF-8). Every row is validated before any is stored."""
    key = keys.store_key(store)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: 읽을 수 없습니다 ({getattr(exc, 'strerror', exc)})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or {"worker_id", "rrn"} - set(reader.fieldnames):
        raise InputError(f"{path}: 1행: 머리글에 worker_id와 rrn이 있어야 합니다")
    rows = []
    for line, row in enumerate(reader, start=2):
        wid = WORKER_ID.check((row.get("worker_id") or "").strip(), f"{path}: {line}행")
        digits, birth = crypto.parse_rrn(row.get("rrn") or "", f"{path}: {line}행: rrn")
        rows.append(PersonalData(worker_id=wid, rrn_cipher=crypto.encrypt(digits, key), key_id=crypto.key_id(key), birth_date=birth, masked=crypto.mask(digits), updated_at=now()))
    with store.session() as s:
        for r in rows:
            s.merge(r)
        store.audit(actor, "personal.import", str(path), {"rows": len(rows)}, session=s)
    return len(rows)


def shown(store: Store, worker_id: str) -> tuple[str, dt.date] | None:
    """(masked number, birth date) of a worker, or None. Needs no key: the clear number is never read."""
    with store.session() as s:
        rec = s.get(PersonalData, worker_id)
        return (rec.masked, rec.birth_date) if rec else None


def verify_rrn(store: Store, worker_id: str, rrn: str, key: bytes | None = None) -> bool:
    """Does ``rrn`` match the stored one? (Decrypts in memory; never returns or prints it.)"""
    key = keys.store_key(store, key)
    digits, _ = crypto.parse_rrn(rrn)
    with store.session() as s:
        rec = s.get(PersonalData, worker_id)
        return bool(rec) and crypto.decrypt(rec.rrn_cipher, key) == digits
