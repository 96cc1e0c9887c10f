"""The whole month for 1,165 generated workers, and the bare ReportLab floor beside it.

    python benchmarks/full_month.py [--workers 1165] [--jobs N] [--json]

1. Generates the inputs with the project's generator (``samples.generate``: the district's 1,165
   workers, June 2026, five exports in several formats, leave, overtime, corrections; not timed)
   and lays them out as ``payroll run`` reads them. ``--simple`` uses benchmarks/month_inputs.py
   (one clean daily sheet) instead.
2. ``payroll run`` in-process on a fresh SQLite file: import (inputs stored by hash) → timesheets
   (``build_month``) → compute (one vectorised pass) → payslip PDFs over all cores → register,
   bank CSV, filings → one run record. Prints the wall time of each phase and the total.
   The register, bank CSV and filings are rendered in the main process while the pool renders
   the payslips, so they are timed inside the payslip phase too.
3. The floor, in a separate fresh process: 1,165 bare one-page ReportLab PDFs (canvas and
   drawString, no layout) of the same A4 page with the same embedded Korean font (registered
   before forking, as the run's workers get it) and the text of a typical payslip — as many
   distinct glyphs (about 156), so the embedded subsets and the file size are a payslip's —
   over the same number of processes.
``--repeat K`` runs both K times, alternating, and reports the best and the median (the machine
may be busy with other work: compare figures taken at the same time). Peak RSS is the largest of
this process and its children. Target (issue 4): the whole job within 1.5× of the floor.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import month_inputs  # noqa: E402


#: The text of a typical generated payslip (156 distinct glyphs, about 2,000 characters, as
#: pypdf reads one back), drawn line by line: the floor page embeds as many glyphs of the same
#: font as a payslip does, so its font subsets cost what a payslip's do. Fixed text, not the
#: payslip code: the floor is what bare ReportLab costs for a page like ours.
FLOOR_HEADINGS = {0: "기본 정보", 2: "근로시간", 3: "지급 내역", 8: "공제 내역", 14: "실지급액", 15: "계산 근거 (적용 법령과 요율)"}  # bold, before line n
FLOOR_LINES = (
    "성명 {name}   사원번호 {wid}   생년월일 1992년 12월 12일   부서 총무과",
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
FLOOR_NAMES = ("황수나", "강래은", "김민준", "이서연", "박도윤", "최지우", "정하준", "윤서윤")


def _bare_chunk(indices: list[int]) -> int:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from payroll.documents.fonts import register_fonts  # sets rl_config.invariant

    regular, bold = register_fonts()
    size = 0
    for i in indices:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4)
        c.setFont(regular, 7)
        c.drawString(40, 20, f"○○구청 (견본) · E{i:05d} · 2026-06 임금명세서 (지급일 2026-07-10)   1쪽")
        y = 790
        c.setFont(bold, 17)
        c.drawCentredString(A4[0] / 2, y, "임금명세서")
        y -= 18
        c.setFont(regular, 10)
        c.drawCentredString(A4[0] / 2, y, "2026년 6월분")
        values = {"name": FLOOR_NAMES[i % len(FLOOR_NAMES)], "wid": f"E{i:05d}", "a1": 1_842_392 + i * 131, "a2": 2_230_264 + i * 131, "a3": 1_978_294 + i * 131}
        for n, line in enumerate(FLOOR_LINES):
            if n in FLOOR_HEADINGS:
                y -= 15
                c.setFont(bold, 10)
                c.drawString(40, y, FLOOR_HEADINGS[n])
            y -= 12 if n < 15 else 9
            c.setFont(regular, 8.5 if n < 15 else 6.5)
            c.drawString(40, y, line.format(**values))
        c.showPage()
        c.save()
        size += len(buf.getvalue())
    return size


def _floor_here(n: int, jobs: int) -> tuple[float, int]:
    """In a fresh process: the fonts registered, then ``jobs`` forked processes render ``n`` bare pages."""
    from payroll.documents.fonts import register_fonts

    register_fonts()  # before forking: no worker reads the font file (as the run's forkserver does)
    ctx = multiprocessing.get_context("fork")  # this process holds nothing but ReportLab: fork is safe here
    chunks = [list(range(i, min(i + 24, n))) for i in range(0, n, 24)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        size = sum(pool.map(_bare_chunk, chunks))
    return time.perf_counter() - t0, size  # float ok: durations


def bare_floor(n: int, jobs: int) -> tuple[float, int]:
    """The floor, measured in a separate process (so that it shares no process, font state or server with the run)."""
    out = subprocess.run([sys.executable, __file__, "--floor-only", str(n), "--jobs", str(jobs)], check=True, capture_output=True, text=True)
    data = json.loads(out.stdout)
    return data["seconds"], data["bytes"]


def run_month(inputs: Path, tmp: Path, jobs: int, k: int) -> tuple[dict, float, dict[str, float]]:
    """One ``payroll run`` of the month in this process (a fresh database and output directory); phases timed."""
    from payroll.runs import batch, outputs
    from payroll.store import open_store

    phases: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t  # float ok: durations
        return wrapper

    saved = [(batch, "build_from_files", "timesheets (build_month)"), (batch, "compute", "compute (vectorised)"), (batch, "trace_of", "traces"),
             (outputs, "render_payslips", f"payslips + month files ({jobs} processes)"),
             (outputs, "month_documents", "  of which register, bank CSV, filings (main process)"), (batch, "_record", "run record (DB)")]
    originals = [(mod, name, getattr(mod, name)) for mod, name, _ in saved]
    phases.update({label: 0.0 for _, _, label in saved})  # printed in this order
    for mod, name, label in saved:
        setattr(mod, name, timed(label, getattr(mod, name)))
    renderers = outputs.Renderers(payslip=__import__("payroll.documents.payslip", fromlist=["x"]).payslip_pdf, others=outputs.month_documents)
    try:
        t0 = time.perf_counter()
        store = open_store(str(tmp / f"bench-{k}.db"))
        summary = batch.execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp / f"out-{k}", actor="bench", renderers=renderers)
        total = time.perf_counter() - t0  # float ok
    finally:
        for mod, name, fn in originals:
            setattr(mod, name, fn)
    return summary, total, phases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1165, help="with --simple only (the generator's set is 1,165)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1, help="run the month and the floor this many times each (alternating); report the best and the median")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--simple", action="store_true", help="one clean daily sheet (benchmarks/month_inputs.py) instead of samples.generate")
    ap.add_argument("--floor-only", type=int, metavar="N", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor_only:
        seconds, size = _floor_here(args.floor_only, args.jobs)
        print(json.dumps({"seconds": seconds, "bytes": size}))
        return

    from payroll.documents.fonts import register_fonts

    register_fonts()  # build/cache the font instances outside the timings
    os.environ["PAYROLL_JOBS"] = str(args.jobs)
    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp:
        tmp = Path(tmp)
        if args.simple:
            inputs = month_inputs.write(tmp / "inputs", args.workers)
        else:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from samples.generate import write_set

            from payroll.runs.demo import stage_samples

            write_set(tmp / "generated", "2026-06", small=False)
            inputs = stage_samples(tmp / "inputs", tmp / "generated")
        runs, floors = [], []
        for k in range(max(1, args.repeat)):
            summary, total, phases = run_month(inputs, tmp, args.jobs, k)
            pdf_bytes = sum(p.stat().st_size for p in (Path(summary["out_dir"]) / "payslips").iterdir())
            runs.append((total, phases, summary, pdf_bytes))
            floors.append(bare_floor(summary["workers"], args.jobs))
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    best = min(runs, key=lambda r: r[0])
    total, phases, summary, pdf_bytes = best
    floor_best = min(f[0] for f in floors)
    floor_bytes = floors[0][1]
    totals = [r[0] for r in runs]
    floor_times = [f[0] for f in floors]
    result = {
        "workers": summary["workers"], "jobs": args.jobs, "repeat": len(runs), "total_s": round(total, 2),
        "total_median_s": round(statistics.median(totals), 2), "phases_s": {k: round(v, 3) for k, v in phases.items()},
        "bare_floor_s": round(floor_best, 2), "bare_floor_median_s": round(statistics.median(floor_times), 2),
        "ratio_to_floor": round(total / floor_best, 2), "ratio_median": round(statistics.median(totals) / statistics.median(floor_times), 2),
        "peak_rss_mib": round(rss / 2**20, 1), "payslip_kib_avg": round(pdf_bytes / summary["workers"] / 1024, 1),
        "bare_kib_avg": round(floor_bytes / summary["workers"] / 1024, 1), "net_pay_total": summary["net_pay_total"],
        "load_avg_1min": round(os.getloadavg()[0], 2),  # float ok: the machine's load, not money
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"full month, {result['workers']:,} workers, {args.jobs} processes for PDFs" + (f", best of {len(runs)}" if len(runs) > 1 else ""))
    for k, v in result["phases_s"].items():
        print(f"  {k:<54}{v:>8.2f} s")
    print(f"  {'whole job (wall)':<54}{result['total_s']:>8.2f} s   peak RSS {result['peak_rss_mib']:.0f} MiB")
    print(f"  {'bare ReportLab floor':<54}{result['bare_floor_s']:>8.2f} s   ({result['workers']:,} one-page PDFs)")
    print(f"  {'ratio whole job / floor':<54}{result['ratio_to_floor']:>8.2f}  (target ≤ 1.5)")
    if len(runs) > 1:
        print(f"  {'median: whole job / floor':<54}{result['total_median_s']:>8.2f} s / {result['bare_floor_median_s']:.2f} s = {result['ratio_median']:.2f}")
    print(f"  payslip {result['payslip_kib_avg']} KiB avg; bare page {result['bare_kib_avg']} KiB avg; load average {result['load_avg_1min']}")


if __name__ == "__main__":
    main()
