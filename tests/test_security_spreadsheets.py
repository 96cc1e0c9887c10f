"""Hostile spreadsheets: measured before reading, read in a child under a memory limit, never the process's death."""

from __future__ import annotations

import dataclasses
import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from payroll.case import InputError
from payroll.security import limits as limits_module
from payroll.security.sandbox import run_isolated
from payroll.security.spreadsheets import SpreadsheetRefused, check_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "small"


def far_cell_xlsx() -> bytes:
    """About 5 KB: a header row and one cell at XFD1048576 (calamine would lay out 17 billion cells)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["worker_id", "name", "date", "in", "out"])
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb_xlsx(expanded_mib: int = 64) -> bytes:
    """A valid-looking XLSX of a few hundred KB whose sheet expands to ``expanded_mib`` MiB."""
    good = zipfile.ZipFile(SAMPLES / "punch.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (expanded_mib << 20), 1)
            z.writestr(info.filename, data)
    return out.getvalue()


def test_a_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    """Before: `payroll attendance check` aborted (exit 134) trying to allocate hundreds of GiB."""
    bomb = tmp_path / "far.xlsx"
    bomb.write_bytes(far_cell_xlsx())
    assert bomb.stat().st_size < 10_000
    proc = subprocess.run([sys.executable, "-m", "payroll", "attendance", "check", str(bomb)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "1,048,576행 × 16,384열" in proc.stderr and "max_extent_cells" in proc.stderr and "Traceback" not in proc.stderr


def test_a_zip_bomb_is_refused_by_ratio_and_by_expanded_size():
    bomb = zip_bomb_xlsx(64)
    assert len(bomb) < 200_000
    with pytest.raises(SpreadsheetRefused, match="max_compression_ratio"):
        check_file(bomb, "bomb.xlsx")
    small = dataclasses.replace(limits_module.current(), max_compression_ratio=10**9, max_uncompressed_bytes=32 << 20)
    with pytest.raises(SpreadsheetRefused, match="max_uncompressed_bytes"):
        check_file(bomb, "bomb.xlsx", small)


def test_a_lying_zip_header_does_not_hide_the_expansion():
    """The central directory claims 1 KB; the member really expands to 64 MiB: it is counted while expanding."""
    bomb = bytearray(zip_bomb_xlsx(64))
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = 0
        while (at := bomb.find(signature, at)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if bomb[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", bomb, at + size_at, 1024)
            at += 4
    assert zipfile.ZipFile(io.BytesIO(bytes(bomb))).getinfo(name.decode()).file_size == 1024
    limits = dataclasses.replace(limits_module.current(), max_uncompressed_bytes=32 << 20)
    with pytest.raises(SpreadsheetRefused):
        check_file(bytes(bomb), "liar.xlsx", limits)


def test_cell_count_and_file_size_limits():
    from openpyxl import Workbook

    wb = Workbook()
    for r in range(200):
        wb.active.append(list(range(10)))
    buf = io.BytesIO()
    wb.save(buf)
    limits = limits_module.current()
    assert check_file(buf.getvalue(), "ok.xlsx") == "xlsx"
    with pytest.raises(SpreadsheetRefused, match="max_cells"):
        check_file(buf.getvalue(), "many.xlsx", dataclasses.replace(limits, max_cells=1_000))
    with pytest.raises(SpreadsheetRefused, match="max_file_bytes"):
        check_file(buf.getvalue(), "big.xlsx", dataclasses.replace(limits, max_file_bytes=1_000))


def test_an_xls_declaring_four_billion_rows_is_refused():
    raw = bytearray((SAMPLES / "daily.xls").read_bytes())
    assert check_file(bytes(raw), "daily.xls") == "xls"
    at = raw.find(b"\x00\x02\x0e\x00")  # the first sheet's DIMENSIONS record (BIFF8: 14 bytes)
    assert at > 0
    struct.pack_into("<I", raw, at + 8, 0xFFFFFFF0)  # rwMac
    with pytest.raises(SpreadsheetRefused, match="max_extent_cells"):
        check_file(bytes(raw), "huge.xls")


def test_every_bundled_sample_passes_the_limits():
    for path in SAMPLES.iterdir():
        assert check_file(path.read_bytes(), str(path)) in ("xlsx", "xls", "text")


# --- the child process ----------------------------------------------------------------------


def _allocate(mib: int) -> int:
    return len(bytearray(mib << 20))


def _abort() -> None:
    os.abort()


def _refuse() -> None:
    raise InputError("x.csv: row 2: worker_id: bad")


def test_a_reader_that_runs_out_of_memory_or_crashes_is_an_error_message():
    assert run_isolated(_allocate, (8,), what="ok", memory_mib=256, timeout_seconds=60) == 8 << 20
    with pytest.raises(InputError, match="메모리"):
        run_isolated(_allocate, (1024,), what="big.xlsx", memory_mib=256, timeout_seconds=60)
    with pytest.raises(InputError, match=r"crash\.xlsx: .*SIGABRT"):
        run_isolated(_abort, (), what="crash.xlsx", memory_mib=256, timeout_seconds=60)
    with pytest.raises(InputError, match="row 2: worker_id"):
        run_isolated(_refuse, (), what="x.csv", memory_mib=256, timeout_seconds=60)


def test_the_real_reader_on_a_far_cell_dies_alone_when_the_check_is_skipped(tmp_path):
    """The second line of defence: calamine itself, given the 5 KB file, under the memory limit."""
    from payroll.attendance.readers import read_export

    bomb = tmp_path / "far.xlsx"
    bomb.write_bytes(far_cell_xlsx())
    with pytest.raises(InputError, match="far.xlsx"):
        run_isolated(read_export, (str(bomb), None), what=str(bomb), memory_mib=512, timeout_seconds=120)


def test_a_leftover_staged_upload_does_not_break_the_month(tmp_path):
    """Before: a `.upload-*.xlsx` left in the attendance folder was read by every later run."""
    from payroll.runs.inputs import collect
    from test_runs_support import MONTH, write_inputs

    inputs = write_inputs(tmp_path / "inputs")
    (inputs / MONTH / "attendance" / ".upload-k2j3.xlsx").write_bytes(far_cell_xlsx())
    assert [p.name for role, p in collect(inputs, MONTH) if role == "attendance"] == ["items.csv"]


def test_the_console_refuses_a_hostile_spreadsheet_and_keeps_serving(tmp_path):
    from sqlmodel import select

    from payroll.store.models import InputBlob
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store, upload_file

    clock = FrozenClock()
    store = make_store(tmp_path)
    add_users(store, clock)
    staged = tmp_path / "data" / "inputs" / "2026-06" / "attendance"
    staged.mkdir(parents=True)
    (staged / ".upload-left-by-a-crash.xlsx").write_bytes(b"PK")
    with make_client(store, clock, tmp_path) as c:
        assert not (staged / ".upload-left-by-a-crash.xlsx").exists()  # removed when the console starts
        assert login(c, "clerk", PASSWORDS["clerk"]).status_code == 303
        token = csrf_from(c.get("/months").text)
        for name, data in (("far.xlsx", far_cell_xlsx()), ("bomb.xlsx", zip_bomb_xlsx(64))):
            r = upload_file(c, "2026-06", "attendance", name, data, token)
            assert r.status_code == 200 and 'data-ok="no"' in r.text and "읽지 않았습니다" in r.text and name in r.text
        assert c.get("/months").status_code == 200  # still serving
    assert list(staged.iterdir()) == []
    with store.session() as s:
        assert s.exec(select(InputBlob)).all() == []
    store.dispose()
