"""`payroll attendance detect`: for each bundled sample with its header removed, the proposed profile reads the
file to the same rows; a header of unknown names gives a header profile; the proposal can be saved in the
installation's profile folder and used."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from payroll.attendance.detect import propose
from payroll.attendance.profile_files import catalog
from payroll.attendance.readers import read_export
from payroll.cli import cli

SMALL = Path(__file__).resolve().parent.parent / "samples" / "small"
SAME = {"punch": ("worker_id", "name", "ts", "direction", "device"), "daily": ("worker_id", "name", "date", "in_min", "out_min")}


def headerless(src: Path, out: Path) -> Path:
    """The sample without its header row, in its own format (text, XLSX, XLS), cell types kept."""
    if src.suffix == ".csv":
        raw = src.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        body = raw[3:] if bom else raw
        first = body.index(b"\n") + 1
        out.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body[first:])
    elif src.suffix == ".xlsx":
        from openpyxl import Workbook, load_workbook

        sheet = load_workbook(src).worksheets[0]
        wb = Workbook()
        wb.active.title = sheet.title
        for row in list(sheet.iter_rows(values_only=True))[1:]:
            wb.active.append(list(row))
        buf = io.BytesIO()
        wb.save(buf)
        out.write_bytes(buf.getvalue())
    else:
        import xlrd
        import xlwt

        sheet = xlrd.open_workbook(src, formatting_info=True).sheet_by_index(0)
        wb = xlwt.Workbook()
        target = wb.add_sheet(sheet.name)
        styles = {True: xlwt.easyxf(num_format_str="yyyy-mm-dd"), False: xlwt.easyxf(num_format_str="hh:mm")}
        for r in range(1, sheet.nrows):
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    target.write(r - 1, c, cell.value, styles[cell.value >= 1])
                elif cell.ctype != xlrd.XL_CELL_EMPTY:
                    target.write(r - 1, c, cell.value)
        wb.save(str(out))
    return out


@pytest.mark.parametrize("sample", ["daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls"])
def test_detect_proposes_a_profile_that_reads_each_sample_without_its_header_to_the_same_rows(tmp_path, sample):
    original = read_export(SMALL / sample)
    bare = headerless(SMALL / sample, tmp_path / f"bare{Path(sample).suffix}")
    with pytest.raises(Exception, match="머리글 행이 어느 근태 프로필.*에도 맞지 않습니다"):  # no profile reads it as it is
        read_export(bare, profiles=catalog(tmp_path / "none"))
    proposal = propose(bare.read_bytes(), bare, profiles=catalog(tmp_path / "none"))
    assert proposal.fits is None and "[layout]" in proposal.toml and 'kind = "position"' in proposal.toml
    got = proposal.export
    assert got is not None and got.shape == original.shape and got.errors.height == 0
    cols = list(SAME[original.shape])
    assert got.frame.select(cols).equals(original.frame.select(cols))
    assert (got.frame.get_column("line") + 1).to_list() == original.frame.get_column("line").to_list()
    # the printed TOML is a profile in its own right: saved and named, it reads the file the same way
    saved = tmp_path / "proposed.toml"
    saved.write_text(proposal.toml, encoding="utf-8")
    again = read_export(bare, profile=str(saved))
    assert again.frame.select(cols).equals(original.frame.select(cols))


def test_a_header_of_unknown_names_gives_a_header_profile_and_day_first_dates(tmp_path):
    path = tmp_path / "site.csv"
    path.write_text("EMP;WHO;WHEN;MODE\n7;김하나;25/06/2026 08:55;I\n7;김하나;25/06/2026 18:02;O\n8;이두리;01/06/2026 09:01;I\n8;이두리;01/06/2026 18:00;O\n", encoding="utf-8")
    proposal = propose(path.read_bytes(), path, "site", catalog(tmp_path / "none"))
    assert 'worker_id = ["EMP"]' in proposal.toml and 'timestamp = ["WHEN"]' in proposal.toml and "day_first = true" in proposal.toml
    assert 'in = ["I"]' in proposal.toml and 'out = ["O"]' in proposal.toml
    rows = proposal.export.frame.select("worker_id", "ts", "direction").rows()
    assert rows[0][1].isoformat() == "2026-06-25T08:55:00" and rows[2][1].isoformat() == "2026-06-01T09:01:00"
    assert [r[2] for r in rows] == ["in", "out", "in", "out"]


def test_cli_detect_saves_the_proposal_in_the_installation_folder_and_check_uses_it(tmp_path, monkeypatch):
    monkeypatch.delenv("PAYROLL_PROFILES", raising=False)
    db = tmp_path / "payroll.db"
    bare = headerless(SMALL / "punch_cp949.csv", tmp_path / "log.csv")
    res = CliRunner().invoke(cli, ["attendance", "detect", str(bare), "--name", "site-log", "--save", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "payroll-installation" / "profiles" / "site-log.toml").is_file() and "# 저장함:" in res.output
    res = CliRunner().invoke(cli, ["attendance", "check", str(bare), "--profile", "site-log", "--db", str(db)])
    assert "프로필 site-log" in res.output and res.exit_code in (0, 1)
    # found without naming it, too: the installation's folder is searched first
    res = CliRunner().invoke(cli, ["attendance", "check", str(bare), "--db", str(db)])
    assert "프로필 site-log" in res.output
    again = CliRunner().invoke(cli, ["attendance", "detect", str(bare), "--name", "site-log", "--save", "--db", str(db)])
    assert again.exit_code == 0 and "새 프로필이 필요 없음" in again.output  # it fits the saved profile now
    # a file a profile already reads: nothing to propose
    res = CliRunner().invoke(cli, ["attendance", "detect", str(SMALL / "punch.xlsx"), "--db", str(db)])
    assert res.exit_code == 0 and "generic-en-access" in res.output


def test_detect_on_a_file_of_no_dates_is_an_input_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\nc,d\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["attendance", "detect", str(path), "--db", str(tmp_path / "payroll.db")])
    assert res.exit_code == 2 and "날짜(또는 날짜·시각) 열을 찾지 못했습니다" in res.output
