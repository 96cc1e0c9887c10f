"""The one reader of small HR CSV files."""

import pytest

from payroll.case import InputError
from payroll.csvfile import read_rows


def test_utf8_bom_and_cp949_read_alike(tmp_path):
    text = "worker_id,month,wages\nT1,2026-05, 2,533,289 \n".replace(" 2,533,289 ", '" 2533289 "')
    (tmp_path / "a.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "b.csv").write_bytes(text.encode("cp949"))
    assert read_rows(tmp_path / "a.csv", ("worker_id", "month", "wages")) == read_rows(tmp_path / "b.csv", ("worker_id", "month", "wages")) == [
        (2, {"worker_id": "T1", "month": "2026-05", "wages": "2533289"})
    ]


@pytest.mark.parametrize(
    "content,optional,needle",
    [
        (b"", None, "w.csv: 빈 파일입니다"),
        (b"worker_id,month\nT1,2026-05\n", None, "w.csv: 1행: 없는 열: wages"),
        (b"worker_id,month,wages,bonus\nT1,2026-05,1,2\n", (), "w.csv: 1행: 알 수 없는 열: bonus"),
        (b"worker_id,month,wages\nT1,2026-05,1,9\n", None, "w.csv: 2행: 머리글보다 칸이 많습니다"),
        (b"\xff\xfe\x00\xd8", None, "w.csv: UTF-8이나 CP949 텍스트가 아닙니다"),
    ],
)
def test_errors_name_the_file_and_row(tmp_path, content, optional, needle):
    path = tmp_path / "w.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=needle.replace("(", r"\(").replace(")", r"\)")) as exc:
        read_rows(path, ("worker_id", "month", "wages"), optional)
    assert "w.csv" in str(exc.value)
