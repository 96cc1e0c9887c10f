"""Stored inputs are kept packed and come back byte for byte; a packed blob changed behind the record is
named, never unpacked past its recorded size (store_0005)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from payroll.case import InputError
from payroll.runs.hashing import sha256_bytes
from payroll.runs.inputs import blob_bytes, blob_content, restore, store_blob
from payroll.store import open_store
from payroll.store.models import InputBlob

CSV = ("worker_id,date,in,out\n" + "".join(f"W{n:03d},2026-06-{d:02d},09:00,18:00\n" for n in range(200) for d in range(1, 31))).encode()


def test_a_text_input_is_stored_packed_and_read_back_as_it_was(store_url):
    store = open_store(store_url)
    with store.session() as s:
        sha = store_blob(s, CSV)
        s.commit()
    with store.session() as s:
        blob = s.exec(select(InputBlob)).one()
        assert (blob.sha256, blob.size, blob.encoding) == (sha256_bytes(CSV), len(CSV), "zlib")
        assert len(blob.content) < len(CSV) // 5
        assert blob_bytes(s, sha) == CSV


def test_bytes_that_do_not_pack_are_kept_as_they_are(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    noise = bytes(range(256))  # zlib adds more than it saves
    with store.session() as s:
        sha = store_blob(s, noise)
        blob = s.get(InputBlob, sha)
        assert (blob.encoding, bytes(blob.content)) == (None, noise)
        assert blob_content(blob) == noise


@pytest.mark.parametrize("tamper", ["garbage", "longer"])
def test_a_packed_blob_changed_behind_the_record_is_named(tmp_path, tamper):
    import zlib

    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.session() as s:
        sha = store_blob(s, CSV)
        blob = s.get(InputBlob, sha)
        blob.content = b"not zlib at all" if tamper == "garbage" else zlib.compress(CSV + b"W999,2026-06-30,09:00,23:00\n")
        s.add(blob)
        s.commit()
    with store.session() as s:
        with pytest.raises(InputError, match="저장 뒤에 바뀜"):
            blob_bytes(s, sha)
        files, problems = restore(s, [{"role": "attendance", "name": "attendance/a.csv", "sha256": sha}], tmp_path / "scratch")
        assert len(files) == 1 and any("a.csv" in p and "저장 뒤에 바뀜" in p for p in problems)
