"""Which key a store's encrypted data is under, and changing it.

The first key used with a store is recorded as its fingerprint (``key_fingerprints``: the first
16 hex digits of the key's sha256 — it identifies the key, it does not reveal it). From then on
:func:`store_key` refuses any other key with a message saying which one the data needs: data is
never encrypted under a second key by mistake, and a wrong key file is caught before anything is
written. ``payroll key rotate --new FILE`` (:func:`rotate`) decrypts everything with the current
key, encrypts it with the new one and records the new fingerprint, in one transaction.
"""

from __future__ import annotations

from sqlmodel import Session, select

from payroll.errors import InputError
from payroll.security.models import KeyFingerprint, SealedInput
from payroll.store import crypto
from payroll.store.db import Store, now
from payroll.store.models import PersonalData

PURPOSE = "personal"


def _recorded(session: Session) -> str | None:
    row = session.get(KeyFingerprint, PURPOSE)
    if row is not None:
        return row.key_id
    legacy = session.exec(select(PersonalData.key_id)).first()  # data stored before fingerprints were kept
    return legacy


def check(session: Session, key: bytes) -> None:
    """Refuse ``key`` unless it is the store's key; record it as the store's key if there is none yet."""
    given = crypto.key_id(key)
    recorded = _recorded(session)
    if recorded is None:
        session.add(KeyFingerprint(purpose=PURPOSE, key_id=given, registered_at=now()))
        session.flush()
        return
    if recorded != given:
        raise InputError(
            f"이 데이터베이스의 암호화 자료는 키 {recorded}로 잠겨 있는데 주어진 키는 {given}입니다 "
            f"(PAYROLL_KEY_FILE/PAYROLL_KEY가 맞는지 확인하세요). 키를 바꾸려면: payroll key rotate --new 새키파일"
        )
    if session.get(KeyFingerprint, PURPOSE) is None:
        session.add(KeyFingerprint(purpose=PURPOSE, key_id=given, registered_at=now()))
        session.flush()


def store_key(store: Store, key: bytes | None = None) -> bytes:
    """The key from the environment (or ``key``), checked against the store's fingerprint."""
    key = key or crypto.load_key()
    with store.session() as s:
        check(s, key)
    return key


def available_key(session: Session) -> bytes | None:
    """The configured key, checked against the store, or None when no key is configured at all."""
    import os

    if not (os.environ.get(crypto.KEY_ENV) or os.environ.get(crypto.KEY_FILE_ENV)):
        return None
    key = crypto.load_key()
    check(session, key)
    return key


def rotate(store: Store, new_key: bytes, actor: str, old_key: bytes | None = None) -> dict:
    """Re-encrypt every personal record and sealed input under ``new_key``; record its fingerprint."""
    old_key = old_key or crypto.load_key()
    if crypto.key_id(new_key) == crypto.key_id(old_key):
        raise InputError("--new: 지금 쓰는 키와 같은 키입니다")
    with store.session() as s:
        check(s, old_key)
        people = s.exec(select(PersonalData)).all()
        sealed = s.exec(select(SealedInput)).all()
        for p in people:
            p.rrn_cipher = crypto.encrypt(crypto.decrypt(p.rrn_cipher, old_key), new_key)
            p.key_id = crypto.key_id(new_key)
            s.add(p)
        for x in sealed:
            x.cipher = crypto.encrypt_bytes(crypto.decrypt_bytes(x.cipher, old_key), new_key)
            x.key_id = crypto.key_id(new_key)
            s.add(x)
        row = s.get(KeyFingerprint, PURPOSE)
        row.key_id = crypto.key_id(new_key)
        row.registered_at = now()
        s.add(row)
        store.audit(actor, "key.rotate", PURPOSE, {"from": crypto.key_id(old_key), "to": crypto.key_id(new_key),
                                                   "personal": len(people), "sealed_inputs": len(sealed)}, session=s)
    return {"from": crypto.key_id(old_key), "to": crypto.key_id(new_key), "personal": len(people), "sealed_inputs": len(sealed)}
