"""A year of runs for 1,165 generated workers, then the 연말정산 and the year's filings, timed.

    python benchmarks/year_end.py [--workers 1165] [--jobs N] [--keep DIR] [--json]

1. Inputs for January–December 2026 (benchmarks/month_inputs.py: the same roster and contracts
   every month — 공무직 open-ended, 기간제 to 2026-12-31, every 40th worker 일용; paid on the 25th of
   the month, so every run is within the 2026 rules); twelve ``payroll run`` in-process on a fresh
   SQLite file (timed together, with their payslips).
2. 소득·세액공제신고서 for every third regular worker (a seeded mix of every section), recorded.
3. ``payroll yearend 2026``: the computation (stored runs → one polars pass → settled frame,
   traces, exceptions) timed on its own — the figure the issue asks for — then the batch record,
   the 1,165 원천징수영수증 PDFs (over the payslip process pool), their JSON and the combined XLSX.
4. ``payroll filing 2026``: the 지급명세서 records and ``payroll filing check`` against the batch.
5. The February 2027 run carrying the 연말정산 lines (provisional while figures of 2027 wait for
   their 고시, decision D14; the output says which; the 2027 contracts raised to the 2027 최저임금);
   its A04 must equal the batch's 차감징수세액.
Each figure is printed as it is measured. ``--keep DIR`` with the database of an earlier run of the
script reuses its twelve runs and 신고서 (only the year-end and what follows are timed again).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import month_inputs  # noqa: E402

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def claims_for(wid: str, rng: random.Random) -> dict:
    c: dict = {"worker_id": wid, "year": 2026, "head_of_household": rng.random() < 0.5}  # float ok: a random choice
    if rng.random() < 0.6:  # float ok
        c["dependants"] = [{"name": "배우자", "relationship": "spouse", "birth_date": "1985-05-05"},
                           {"name": "자녀", "relationship": "descendant", "birth_date": "2016-03-03"}][: rng.randint(1, 2)]
    if rng.random() < 0.3:  # float ok
        c.setdefault("dependants", []).append({"name": "부모", "relationship": "ascendant", "birth_date": "1950-01-01"})
    c["insurance"] = [{"amount": rng.choice((300_000, 800_000, 1_500_000))}]
    people = ["본인"] + [d["name"] for d in c.get("dependants", [])]
    c["medical"] = [{"person": rng.choice(people), "amount": rng.randrange(0, 4_000_000, 10_000)}]
    c["cards"] = [{"credit": rng.randrange(5_000_000, 25_000_000, 10_000), "debit": rng.randrange(0, 5_000_000, 10_000),
                   "market": rng.randrange(0, 800_000, 10_000), "transit": rng.randrange(0, 700_000, 10_000)}]
    if rng.random() < 0.3:  # float ok
        c["education"] = [{"person": "본인", "kind": "self", "amount": rng.randrange(500_000, 3_000_000, 10_000)}]
    if rng.random() < 0.3:  # float ok
        c["donations"] = [{"kind": "political", "amount": 100_000}, {"kind": "general", "amount": rng.randrange(100_000, 1_000_000, 10_000)}]
    if rng.random() < 0.25:  # float ok
        c["pension_accounts"] = [{"kind": "savings", "amount": rng.choice((1_200_000, 3_000_000, 6_000_000))}]
    if rng.random() < 0.1:  # float ok
        c["rent"] = [{"amount": rng.choice((4_800_000, 7_200_000)), "homeless_head": True}]
    return c



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=1165)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="work in DIR and keep it (default: a temporary folder); a DIR whose database has the twelve runs reuses them")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp_ctx = tempfile.TemporaryDirectory(prefix="bench-ye-") if args.keep is None else None
    tmp = Path(tmp_ctx.name) if tmp_ctx else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    import datetime as dt

    inputs = tmp / "inputs"
    if not (tmp / "bench.db").exists():
        for m in MONTHS:
            month_inputs.write(inputs, args.workers, m, pay_date=dt.date(2026, int(m[5:]), 25))
    from payroll import law as law_module
    from payroll.filings.check import batch_rows, check_annual
    from payroll.filings.config import load_filing_config
    from payroll.filings.annual import annual_file
    from payroll.runs.batch import execute_run
    from payroll.runs.history import paid_runs
    from payroll.runs.law_state import MissingFigures
    from payroll.settlement.declaration import ClaimsIn
    from payroll.store import open_store
    from payroll.yearend import records
    from payroll.yearend.annual import compute_year_end, record_batch
    from payroll.yearend.outputs import write_year_end

    figures: dict[str, float | int | str] = {}

    def note(key: str, value) -> None:
        figures[key] = value
        if not args.json:
            print(f"{key:<28} {value}", flush=True)

    note("workers", args.workers)
    store = open_store(str(tmp / "bench.db"))
    with store.session() as s:
        have = paid_runs(s, MONTHS)
    if len(have) == len(MONTHS):
        note("twelve_runs_s", f"reused ({tmp / 'bench.db'})")
    else:
        t = time.perf_counter()
        for m in MONTHS:
            execute_run(store, m, inputs_dir=inputs, out_root=tmp / "runs", actor="bench", jobs=args.jobs)
        note("twelve_runs_s", round(time.perf_counter() - t, 2))

    with store.session() as s:
        filed = records.latest_declarations(s, 2026)
    if not filed:
        rng = random.Random(2026)
        regular = [f"E{i:05d}" for i in range(1, args.workers + 1) if i % 40 and i % 3 == 0]
        claims = [ClaimsIn.model_validate(claims_for(w, rng)) for w in regular]
        with store.session() as s:
            records.save_declarations(s, claims, submitted_on=dt.date(2027, 1, 15), source="bench", source_name="bench", source_sha256="0" * 64,
                                      actor="bench", now=dt.datetime(2027, 1, 15, 9, 0))
        filed = {c.worker_id: c for c in claims}
    note("declarations", len(filed))

    t = time.perf_counter()
    with store.session() as s:
        ye = compute_year_end(s, 2026)
    note("yearend_compute_s", round(time.perf_counter() - t, 2))
    note("settled", ye.frame.height)
    note("exceptions", len(ye.exceptions))
    t = time.perf_counter()
    batch = record_batch(store, ye, "bench")
    note("record_batch_s", round(time.perf_counter() - t, 2))
    t = time.perf_counter()
    folder, files = write_year_end(ye, batch, tmp / "out", dt.date(2027, 2, 5), jobs=args.jobs)
    note("receipts_and_files_s", round(time.perf_counter() - t, 2))
    note("files", len(files))

    t = time.perf_counter()
    with store.session() as s:
        af = annual_file(s, 2026, load_filing_config(), dt.date(2027, 3, 2))
        report = check_annual(af.data, af.name, batch_rows(s, 2026))
    note("annual_records_and_check_s", round(time.perf_counter() - t, 2))
    note("annual_records", sum(report.counts.values()))
    note("filing_check", "통과" if report.ok else f"오류 {len(report.errors)}")

    # February 2027: the contracts of 2027 (month_inputs writes them from 2027-01-01) at least the 2027 최저임금
    month_inputs.write(inputs, args.workers, "2027-02", pay_date=dt.date(2027, 2, 25))
    minimum = law_module.current().on(dt.date(2027, 2, 1))["minimum_wage.hourly"]
    contracts = (inputs / "contracts.csv").read_text(encoding="utf-8").splitlines()
    head = contracts[0].split(",")
    wage, pay_type = head.index("wage"), head.index("pay_type")
    fixed = [contracts[0]] + [",".join(f if i != wage or c.split(",")[pay_type] != "hourly" else str(max(int(f), minimum)) for i, f in enumerate(c.split(",")))
                              for c in contracts[1:]]
    (inputs / "contracts.csv").write_text("\n".join(fixed) + "\n", encoding="utf-8")
    t = time.perf_counter()
    try:
        feb = execute_run(store, "2027-02", inputs_dir=inputs, out_root=tmp / "runs", actor="bench", jobs=args.jobs)
        rules_note = "every 2027 figure announced"
    except MissingFigures as exc:  # figures of 2027 still waiting for their 고시 (D14): the month runs provisionally
        feb = execute_run(store, "2027-02", inputs_dir=inputs, out_root=tmp / "runs", actor="bench", jobs=args.jobs, provisional=True)
        rules_note = f"provisional ({len(exc.figures)} figures of 2027 not yet announced)"
    note("february_run_s", round(time.perf_counter() - t, 2))
    note("february_rules", rules_note)
    lines = json.loads((Path(feb["out_dir"]) / "filings" / "filings.json").read_text(encoding="utf-8"))["withholding"]
    a04 = next(x for x in lines if x["code"] == "A04")
    note("february_A04", f"{a04['persons']}명, 소득세 {a04['income_tax']:,}원 (batch: {ye.summary.get('net_income_tax', 0):,}원)")
    store.dispose()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    if tmp_ctx:
        tmp_ctx.cleanup()
    if not report.ok or ye.summary.get("net_income_tax") != a04["income_tax"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
