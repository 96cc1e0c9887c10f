"""The encrypted personal-data table: put a 주민등록번호 in, get only its mask or birth date out.

Numbers come in by ``payroll rrn import`` (:func:`import_rrn_csv`) and with every roster import
that carries them — ``payroll import roster``, the console's record import and month upload, a
run's roster.csv (:func:`keep_roster_rrns`): each full number found in a worker's row is encrypted
here under the store's key, the record and the input store keep only its mask, and the original
file is sealed (:func:`payroll.security.rrn.keep_masked`). The filings read them back with
``--with-rrn`` (:func:`payroll.filings.pack.rrn_source`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from payroll.case import InputError
from payroll.security.identifiers import WORKER_ID
from payroll.store import crypto, keys
from payroll.store.db import Store, now
from payroll.store.models import AuditLog, PersonalData


def _record(worker_id: str, digits: str, birth: dt.date, key: bytes) -> PersonalData:
    return PersonalData(worker_id=worker_id, rrn_cipher=crypto.encrypt(digits, key), key_id=crypto.key_id(key), birth_date=birth,
                        masked=crypto.mask(digits), updated_at=now())


def put_rrn(store: Store, worker_id: str, rrn: str, actor: str, key: bytes | None = None) -> PersonalData:
    key = keys.store_key(store, key)
    digits, birth = crypto.parse_rrn(rrn, f"worker {worker_id}: 주민등록번호")
    record = _record(worker_id, digits, birth, key)
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
        rows.append(_record(wid, digits, birth, key))
    with store.session() as s:
        for r in rows:
            s.merge(r)
        store.audit(actor, "personal.import", str(path), {"rows": len(rows)}, session=s)
    return len(rows)


def keep_rrns(session, numbers: dict[str, str], actor: str, source: str) -> bool | None:
    """Encrypt each worker's full number (``numbers``: worker id → 13 digits) into PersonalData under
    the store's key, in the caller's transaction. True when kept; False when no key is configured
    (then only the masks are kept, as before, and the clerk is told); None when there was nothing.
    A key other than the store's is refused (:func:`payroll.store.keys.check`), never used."""
    if not numbers:
        return None
    key = keys.available_key(session)
    if key is None:
        return False
    for wid, number in sorted(numbers.items()):
        digits, birth = crypto.parse_rrn(number, f"{source}: {wid}: 주민등록번호")
        session.merge(_record(wid, digits, birth, key))
    session.add(AuditLog(at=now(), actor=actor, action="personal.import", target=source,
                         detail=json.dumps({"rows": len(numbers), "from": "roster"}, sort_keys=True)))
    return True


def keep_imported_rrns(session, raw: bytes, suffix: str, actor: str, source: str, *, per_worker: bool = True) -> str:
    """An imported file kept in the input store with its 주민등록번호 masked, the original sealed
    (:func:`payroll.security.rrn.keep_masked`) and, for a roster (``per_worker``), each worker's full
    number encrypted (:func:`keep_rrns`), in the caller's transaction; what the clerk is told about
    the numbers ('' when the file had none)."""
    from payroll.record.files import roster_rrns
    from payroll.security.rrn import keep_masked, kept_note

    _, _, count, sealed = keep_masked(session, raw)
    if not count:
        return ""
    numbers = roster_rrns(raw, suffix, source) if per_worker else {}
    kept = keep_rrns(session, numbers, actor, source)
    note = kept_note(count, sealed)
    if kept:
        note += f"; 근로자 {len(numbers)}명의 주민등록번호를 암호화해 보관 (신고 파일은 --with-rrn으로 전체 번호)"
    elif kept is False:
        note += f"; 암호화 키가 없어 근로자 {len(numbers)}명의 주민등록번호는 가린 번호만 보관"
    return note


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
