"""An XLS's merged ranges: the quick look at the record headers must never hide a range xlrd finds."""

from __future__ import annotations

import io

import pytest

from payroll.attendance.readers import _xls_may_merge, _xls_merges

xlwt = pytest.importorskip("xlwt")
xlrd = pytest.importorskip("xlrd")


def _workbook(merged_sheets: set[str]) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    for name in ("근태", "요약"):
        ws = wb.add_sheet(name)
        ws.write(0, 0, "사번")
        ws.write(0, 1, "근무일자")
        if name in merged_sheets:
            ws.write_merge(1, 2, 0, 0, "00042")
        for r in range(1, 40):
            ws.write(r, 1, f"2026-06-{r % 28 + 1:02d}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _by_xlrd(raw: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    return {name: [(r1, r2 - 1, c1, c2 - 1) for r1, r2, c1, c2 in book.sheet_by_index(i).merged_cells] for i, name in enumerate(book.sheet_names())}


@pytest.mark.parametrize("merged", [set(), {"근태"}, {"요약"}, {"근태", "요약"}])
def test_merged_ranges_match_xlrd(merged):
    raw = _workbook(merged)
    book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    assert _xls_may_merge(book) == bool(merged)
    assert _xls_merges(raw) == _by_xlrd(raw)
    assert {name for name, ranges in _xls_merges(raw).items() if ranges} == merged


def test_a_stream_the_walk_cannot_follow_is_left_to_xlrd():
    book = xlrd.open_workbook(file_contents=_workbook(set()), formatting_info=True, on_demand=True)
    book._sh_abs_posn = [book._sh_abs_posn[0] + 1]  # a sheet start between two records
    assert _xls_may_merge(book) is True
