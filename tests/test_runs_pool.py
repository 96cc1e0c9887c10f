"""The payslip process pool and the per-process memos of the PDF layer: same bytes, every path."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

from payroll.documents.payslip import payslip_pdf
from payroll.runs import outputs

GOLDEN = Path(__file__).parent / "golden"


def _golden():
    doc = json.loads((GOLDEN / "payslip_W001.json").read_text(encoding="utf-8"))
    return doc, (GOLDEN / "payslip_W001.pdf").read_bytes()


def _renamed(doc: dict, i: int, name: str) -> dict:
    return {**doc["result"], "worker_id": f"W{i:03d}", "name": name}


def test_pool_and_single_process_write_the_same_files_and_run_the_side_work_once(tmp_path):
    doc, golden = _golden()
    names_ = ["홍길동", "김영희", "이철수", "박민수", "최지은", "강래은"]
    rows = [doc["result"]] + [_renamed(doc, i, names_[i % len(names_)]) for i in range(1, 30)]
    names = [f"payslips/{r['worker_id']}_{i}.pdf" for i, r in enumerate(rows)]
    results = {}
    for jobs in (1, 2):
        calls = []
        target = tmp_path / f"jobs{jobs}"
        payloads = [(r, doc["items"], doc["trace"]) for r in rows]
        hashes = outputs.render_payslips(target, names, payloads, doc["employer"], payslip_pdf, jobs=jobs, meanwhile=lambda calls=calls: calls.append(1))
        assert calls == [1]
        assert sorted(hashes) == sorted(names)
        files = {n: (target / n).read_bytes() for n in names}
        assert all(hashlib.sha256(data).hexdigest() == hashes[n] for n, data in files.items())
        results[jobs] = files
    assert results[1] == results[2]
    assert results[2][names[0]] == golden  # the first row is the golden input itself


def test_memoised_subsets_do_not_leak_between_documents():
    doc, golden = _golden()
    other = _renamed(doc, 7, "황보수나")  # other glyphs in the Regular subset
    first = payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"])
    middle = payslip_pdf(other, doc["items"], doc["trace"], doc["employer"])
    again = payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"])
    assert first == again == golden
    assert middle != golden


PLAIN_REPORTLAB = """
import hashlib, json, sys
import payroll.documents.embedding as embedding
embedding.tune_faces = lambda *names: None  # ReportLab's own embedding and serialising, no memos
embedding.TextWriter.memo = False  # every string through ReportLab's own text object
embedding._SEEDED.size = 0  # every page's alphabet seeded by ReportLab's own splitString
from payroll.documents.payslip import payslip_pdf
doc = json.load(open(sys.argv[1], encoding="utf-8"))
other = {**doc["result"], "worker_id": "W007", "name": "황보수나"}
out = [payslip_pdf(r, doc["items"], doc["trace"], doc["employer"]) for r in (doc["result"], other, doc["result"])]
print(" ".join(hashlib.sha256(b).hexdigest() for b in out))
"""


def test_tuned_faces_give_plain_reportlab_bytes():
    doc, golden = _golden()
    other = _renamed(doc, 7, "황보수나")
    tuned = [payslip_pdf(r, doc["items"], doc["trace"], doc["employer"]) for r in (doc["result"], other, doc["result"])]
    out = subprocess.run([sys.executable, "-c", PLAIN_REPORTLAB, str(GOLDEN / "payslip_W001.json")], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.split() == [hashlib.sha256(b).hexdigest() for b in tuned]
    assert tuned[0] == golden


def test_chunks_spread_the_work_evenly():
    assert outputs._chunk_size(1165, 2) == 24
    assert outputs._chunk_size(30, 2) == 4  # eight tasks: both processes busy
    assert outputs._chunk_size(10, 8) == 4


def _font_programs(pdf: bytes) -> dict[str, bytes]:
    """{subset's BaseFont: its embedded TrueType program} of the first page."""
    import io

    from pypdf import PdfReader

    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    out = {}
    for ref in fonts.values():
        font = ref.get_object()
        out[str(font["/BaseFont"])] = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    return out


def test_pages_alike_share_their_font_subsets_and_embed_the_names_apart():
    """The characters a payslip shows, less the worker's own values, are embedded first and in the same
    order on every payslip: two workers' pages carry the same first subsets byte for byte."""
    doc, _ = _golden()
    a = _font_programs(payslip_pdf(doc["result"], doc["items"], doc["trace"], doc["employer"]))
    b = _font_programs(payslip_pdf(_renamed(doc, 7, "황보수나"), doc["items"], doc["trace"], doc["employer"]))
    assert set(a) == set(b)
    same = [name for name in a if a[name] == b[name]]
    assert any("Regular" in name for name in same) and any("Bold" in name for name in same)
    assert [name for name in a if a[name] != b[name]] == ["/AAAAAB+NotoSansKR-Regular"]  # the small subset that holds the name
    assert len(a["/AAAAAB+NotoSansKR-Regular"]) < len(a["/AAAAAA+NotoSansKR-Regular"]) / 4


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="가나다 라\x00ab1", max_size=8), max_size=6), st.lists(st.text(alphabet="가나다 라\x00ab1", max_size=4), max_size=4))
def test_a_pages_alphabet_is_its_characters_less_the_personal_values_text_by_text(texts, personal):
    from payroll.documents.embedding import alphabet

    values = sorted({p for p in personal if p}, key=len, reverse=True)
    expected: set[str] = set()
    for text in texts:  # each value replaced in each text, longest first, as the page's subsets are meant to be
        for value in values:
            text = text.replace(value, " ")
        expected.update(text)
    assert alphabet(texts, personal) == "".join(sorted(expected))
