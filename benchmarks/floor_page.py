"""The floor's page: a typical payslip's text drawn line by line, embedded as the payslips embed it.

Imported by the floor's process server before it forks its workers (as
``payroll.runs.payslip_worker`` is by the run's): it registers the font, prepares the faces and
renders one throw-away page, so each worker starts warm. A floor page is one A4 canvas with the
text of a typical generated payslip (about 2,000 characters, 156 distinct glyphs, the same
fonts and sizes), drawn with no layout — but with the project's font-subset technique
(``payroll.documents.embedding``: the page's characters less the worker's name, number and
department seeded first, the per-process memos, the text writer), so the floor costs what bare
ReportLab costs for a page like ours when it is embedded as ours are.

Each floor page has its own worker's name (and one of the generated month's departments), as each
payslip of a month has: the glyphs of a name go into a small font subset of the page's own, cut,
compressed and described for that page. Until 2026-12-07 the floor cycled through eight names, so
after its eighth page it took those subsets from the per-process memos, which no month of
different workers can do.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from payroll.documents import embedding
from payroll.documents.pdf import warm
from payroll.runs.hashing import sha256_bytes
from samples.generate import GIVEN, KINDS, SURNAMES  # the generated month's name syllables and departments

#: bold, before line n
HEADINGS = {0: "기본 정보", 2: "근로시간", 3: "지급 내역", 8: "공제 내역", 14: "실지급액", 15: "계산 근거 (적용 법령과 요율)"}
LINES = (
    "성명 {name}   사원번호 {wid}   생년월일 1992년 12월 12일   부서 {dept}",
    "임금지급일 2026년 7월 10일   임금 산정기간 2026-06-01 ~ 2026-06-30   고용형태 기간제   사업장 ○○구청 (견본)",
    "소정근로시간 월 173시간 48분   연장근로 0시간   야간근로 0시간   휴일근로 0시간",
    "항목   시간   계산방법   구분   금액 (원)",
    "기본급   152시간   12,121원 × 152시간   과세   {a1:,}",
    "주휴수당   24시간   12,121원 × 24시간   과세   290,904",
    "유급휴일수당   8시간   12,121원 × 8시간   과세   96,968",
    "임금 총액   {a2:,}   임금 총액의 구성   금액 (원)   과세 근로소득 (월급여액)   {a2:,}   비과세 근로소득 0",
    "국민연금   기준소득월액 2,533,000원 × 4.75%, 10원 미만 절사   120,310",
    "건강보험   보수월액 2,533,289원 × 3.595%, 10원 미만 절사   91,070",
    "장기요양보험   건강보험료 91,070원 × 2362/17975 (≈13.1405%), 10원 미만 절사   11,960",
    "고용보험   보수 2,230,264원 × 0.9%, 10원 미만 절사   20,070",
    "소득세   간이세액표 가족 4명, 자녀 0명 공제, 100% 적용 (소득세법 시행령 §194, 별표2)   7,790",
    "지방소득세   소득세 × 10%, 10원 미만 절사 (지방세법 §103의13)   770   공제 합계   251,970",
    "임금 총액 {a2:,} − 공제 합계 251,970   실지급액   {a3:,}",
    "국민연금: 국민연금법 §88·§90 (기준소득월액 × 보험료율), 시행령 §5 (1,000원 미만 절사, 상·하한), §117 (10원 미만 절사).",
    "국민연금 기여금률 (근로자) 4.75% (국민연금법 부칙 <제20903호, 2025.4.2> 제4조①1 (2026년 1만분의 475));",
    "기준소득월액 하한액 400,000 (국민연금법 시행령 §5 (기준소득월액 상한액·하한액)); 기준소득월액 상한액 6,370,000",
    "(국민연금법 시행령 §5 (기준소득월액 상한액·하한액)); 기준소득월액 절사 단위 (1,000원 미만 절사) 1,000 (국민연금법 시행령 §5 (천원 미만 절사))",
    "건강보험: 국민건강보험법 §69·§76 (보수월액 × 보험료율, 각 50%), 시행령 §32 (상·하한), §44①.",
    "건강보험료율 (근로자 부담분) 3.595% (국민건강보험법 시행령 §44① (1만분의 719, 근로자·사용자 각 50%));",
    "보수월액보험료 상한 (근로자 부담분) 4,591,740 (국민건강보험법 시행령 §32 (월별 보험료액의 상한));",
    "보수월액보험료 하한 (근로자 부담분) 10,080 (국민건강보험법 시행령 §32 (월별 보험료액의 하한))",
    "장기요양보험: 노인장기요양보험법 §9① (건강보험료 × 장기요양보험료율 ÷ 건강보험료율).",
    "장기요양보험료 ÷ 건강보험료 비율 2362/17975 (≈13.1405%) (노인장기요양보험법 §9① (건강보험료액 × 장기요양보험료율 ÷ 건강보험료율));",
    "장기요양보험료율 (소득 대비) 0.9448% (노인장기요양보험법 시행령 §4 (장기요양보험료율 1만분의 94.48))",
    "고용보험: 보험료징수법 §13·시행령 §12 (실업급여 0.9%+0.9%, 고용안정·직능 0.85%).",
    "실업급여 보험료율 (근로자) 0.9% (고용보험 및 산업재해보상보험의 보험료징수 등에 관한 법률 시행령 §12①2 (실업급여 1천분의 18, 각 절반))",
    "소득세·지방소득세: 소득세법 §134 (근로소득 간이세액표·일용근로자), 시행령 §194·별표2, 지방세법 §103의13.",
    "간이세액표 세액 7,790원, 자녀 공제 0원",
    "발행: ○○구청 (견본) · 서울특별시 ○○구 (견본 자료) — 근로기준법 §48② 및 시행령 §27의2에 따른 임금명세서",
)
#: the generated district's departments, in the order the generator first names them
DEPARTMENTS = tuple(dict.fromkeys(kind.department for kind in KINDS))


def name_of(i: int) -> str:
    """Floor page ``i``'s worker name: a different one on each of the first 11,520 pages, as each
    payslip of a month has its own worker's (whose glyphs the page embeds as its own)."""
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[(i // (len(SURNAMES) * len(GIVEN))) % len(GIVEN)]


def page_lines(i: int, regular: str, bold: str) -> tuple[list[tuple[str, float, float, float, str]], list[str]]:  # float ok: points
    """(font, size, x, y, text) of floor page ``i``, and its personal values (as a payslip's: name, number, department)."""
    name, wid, department = name_of(i), f"E{i:05d}", DEPARTMENTS[i % len(DEPARTMENTS)]
    values = {"name": name, "wid": wid, "dept": department, "a1": 1_842_392 + i * 131, "a2": 2_230_264 + i * 131, "a3": 1_978_294 + i * 131}
    out = [(regular, 7, 40, 20, f"○○구청 (견본) · {wid} · 2026-06 임금명세서 (지급일 2026-07-10)   1쪽"),
           (bold, 17, A4[0] / 2 - 34, 790, "임금명세서"), (regular, 10, A4[0] / 2 - 25, 772, "2026년 6월분")]
    y = 772
    for n, line in enumerate(LINES):
        if n in HEADINGS:
            y -= 15
            out.append((bold, 10, 40, y, HEADINGS[n]))
        y -= 12 if n < 15 else 9
        out.append((regular, 8.5 if n < 15 else 6.5, 40, y, line.format(**values)))
    return out, [name, wid, department]


def floor_pdf(i: int) -> bytes:
    regular, bold = warm()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=regular)
    lines, personal = page_lines(i, regular, bold)
    seeded = {}
    for font in (regular, bold):
        characters = embedding.alphabet([t for f, _, _, _, t in lines if f == font], personal)
        seeded[font] = (characters, embedding.seed(canvas._doc, font, characters))
    writer = embedding.TextWriter(canvas, seeded)
    text = canvas.beginText()
    for font, size, x, y, line in lines:
        text.setFont(font, size)
        text.setTextOrigin(x, y)
        writer.write(text, line)
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_chunk(target: str, indices: list[int]) -> list[tuple[str, str, int]]:
    """Render, write and hash floor pages, as a payslip process does with its chunk."""
    out = []
    for i in indices:
        data = floor_pdf(i)
        name = f"E{i:05d}.pdf"
        (Path(target) / name).write_bytes(data)
        out.append((name, sha256_bytes(data), len(data)))
    return out


def noop() -> None:
    return None


floor_pdf(0)  # read the font tables in the server, before forking (as payroll.runs.payslip_worker does)
