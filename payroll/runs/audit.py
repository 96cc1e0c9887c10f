"""Audit: replay a stored run byte for byte, diff two runs, explain one worker's trace."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from payroll.case import InputError
from payroll.engine.pipeline import DEDUCTION_LABELS, DEDUCTIONS, default_context
from payroll.engine.step import Context
from payroll.runs import inputs as inputs_module
from payroll import law as law_module
from payroll.runs import law_state
from payroll.runs import result_reads
from payroll.runs import results as results_module
from payroll.runs.batch import SUMMARY_FIELDS, law_of_run, note_figures
from payroll.runs.computed import BuildFn, build_from_files, compute_month
from payroll.runs.hashing import canonical_json, code_version, results_digest, run_hash, sha256_file
from payroll.runs.month_state import HELD, load_results
from payroll.runs.publish import recover
from payroll.runs.outputs import Renderers, default_renderers, render_all
from payroll.store.db import Store
from payroll.store.models import Run, WorkerResult

AMOUNT_FIELDS = {
    "gross_pay": "임금 총액",
    "non_taxable_pay": "비과세",
    "taxable_pay": "과세",
    **{c: DEDUCTION_LABELS[c] for c in DEDUCTIONS},
    "deductions_total": "공제 합계",
    "net_pay": "실지급액",
    "employer_total": "사용자 부담 합계",
}


def get_run(store: Store, run_id: str) -> Run:
    with store.session() as s:
        run = s.get(Run, run_id)
    if run is None:
        raise InputError(f"{store.url.split('@')[-1]}에 실행 {run_id!r}이(가) 없습니다")
    return run


@dataclass
class ReplayReport:
    run_id: str
    identical: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outputs_checked: int = 0

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "identical": self.identical, "outputs_checked": self.outputs_checked, "problems": self.problems, "notes": self.notes}


def replay(store: Store, run_id: str, *, build: BuildFn | None = None, renderers: Renderers | None = None, ctx: Context | None = None,
           progress: bool = False, jobs: int | None = None, actor: str = "cli") -> ReplayReport:
    """Check everything the run record says against what it stands for; each finding is a problem line.

    - the run hash, recomputed from the stored record (inputs, outputs, results, the corrected run);
    - the stored inputs against their hashes;
    - the month recomputed from the stored inputs: every output byte, and every stored result row
      (money, the other columns, the items, the trace) against the recomputed one;
    - each row's summary columns against its stored result, the run's totals against its rows;
    - the output folder: a recorded file missing or changed, a file no record names.
    """
    run = get_run(store, run_id)
    build = build or build_from_files
    renderers = renderers or default_renderers()
    ctx = ctx or default_context()
    report = ReplayReport(run_id=run_id, identical=True)
    same_code = code_version() == run.code_version
    if not same_code:
        report.notes.append(f"프로그램 판이 실행 때와 다릅니다: 실행 {run.code_version}, 지금 {code_version()}")
    manifest = json.loads(run.inputs_manifest)
    recorded: dict[str, str] = json.loads(run.outputs_manifest)
    with store.session() as s:
        dictionary = result_reads.dictionary_of(s, run_id)
        stored_texts = s.exec(select(WorkerResult.result_json).where(WorkerResult.run_id == run_id).order_by(WorkerResult.row)).all()
        stored = load_results(s, run_id)
        columns = stored_columns(s, run_id)
        corrected = s.get(Run, run.corrects_run_id) if run.corrects_run_id else None
    report.problems += _record_problems(run, recorded, manifest, dictionary, stored_texts, stored, columns, corrected)
    with tempfile.TemporaryDirectory(prefix="payroll-replay-") as tmp:
        root = Path(tmp) / "inputs"
        with store.session() as s:
            files, problems = inputs_module.restore(s, manifest, root)
        report.problems += problems
        staged = inputs_module.stage(root, run.month, run.pay_date, files, manifest)
        ctx = law_of_run(staged, run.provisional, ctx)
        same_rules = ctx.law.content_hash == run.rules_hash
        if not same_rules:
            report.notes.append(f"규칙이 실행 때와 다릅니다: 실행 {run.rules_hash[:16]}…, 지금 {ctx.law.content_hash[:16]}…")
        with law_module.using(ctx.law), law_module.recording() as uses:
            computed = compute_month(staged, build, ctx)
        note_figures(computed, law_state.uses_of(ctx.law, uses))
        out = Path(tmp) / "out"
        fresh = render_all(out, computed.frame, computed.items, computed.stored, computed.employer, renderers, progress, jobs,
                           extra=computed.outputs)
        for name in sorted(set(recorded) | set(fresh)):
            if name not in fresh:
                report.problems.append(f"산출물 {name}: 기록에는 있지만 재현(replay)이 만들지 않았습니다")
            elif name not in recorded:
                report.problems.append(f"산출물 {name}: 재현(replay)이 만들었지만 실행 기록에 없습니다")
            elif fresh[name] != recorded[name]:
                report.problems.append(f"산출물 {name}: 바이트가 다릅니다 (기록된 sha256 {recorded[name][:12]}…, 재현 {fresh[name][:12]}…)")
        report.outputs_checked = len(recorded)
        report.problems += _compare_results(dictionary, stored_texts, stored, computed)
        if dictionary is not None and same_rules and same_code and not problems:  # a run of the older format hashed its whole texts
            again = run_hash(month=run.month, pay_date=run.pay_date.isoformat(), kind=run.kind, corrects_run_hash=corrected.run_hash if corrected else None,
                             rules_hash=ctx.law.content_hash, code=code_version(), inputs=manifest, outputs=fresh, results_sha256=computed.results_sha256())
            if again != run.run_hash:
                report.problems.append(f"실행 해시: 기록 {run.run_hash[:16]}…, 재현 결과 {again[:16]}…")
    report.problems += _folder_problems(store, run, recorded)
    report.identical = not report.problems
    store.audit(actor, "run.replay", run_id, {"identical": report.identical, "problems": len(report.problems)})
    return report


def stored_columns(session, run_id: str) -> list[dict]:
    """Each stored row's summary columns (the money the register and the console read without the result)."""
    rows = session.exec(select(WorkerResult).where(WorkerResult.run_id == run_id).order_by(WorkerResult.row)).all()
    return [{"row": r.row, "worker_id": r.worker_id, **{f: getattr(r, f) for f in SUMMARY_FIELDS}} for r in rows]


def _stored_sha256(dictionary, stored_texts: list[str]) -> str:
    """What the run hash covers of the stored results: the dictionary and every text (format 2), or the
    hash of the whole texts (format 1)."""
    if dictionary is None:
        return results_digest(stored_texts)
    import polars as pl

    return results_module.results_sha256(dictionary.as_json(), [pl.Series(list(stored_texts), dtype=pl.Utf8)])


def _record_problems(run: Run, recorded: dict[str, str], manifest: list[dict], dictionary, stored_texts: list[str], stored: list[dict],
                     columns: list[dict], corrected: Run | None) -> list[str]:
    """What the record says about itself: its hash, its rows' columns, its totals."""
    problems = []
    again = run_hash(month=run.month, pay_date=run.pay_date.isoformat(), kind=run.kind, corrects_run_hash=corrected.run_hash if corrected else None,
                     rules_hash=run.rules_hash, code=run.code_version, inputs=manifest, outputs=recorded,
                     results_sha256=_stored_sha256(dictionary, stored_texts))
    if again != run.run_hash:
        problems.append(f"실행 해시: 기록 {run.run_hash[:16]}…, 저장된 기록으로 다시 계산하면 {again[:16]}… (실행 뒤에 기록이 바뀜)")
    by_row = {int(r["row"]["row"]): r["row"] for r in stored}
    for c in columns:
        row = by_row.get(int(c["row"]))
        for f in SUMMARY_FIELDS:
            if row is None or int(row.get(f) or 0) != int(c[f]):
                shown = "—" if row is None else f"{int(row.get(f) or 0):,}"
                problems.append(f"결과 {c['worker_id']}: 저장된 열 {f} {int(c[f]):,} ≠ 저장된 결과 {shown}")
    totals = {"gross_pay_total": "gross_pay", "deductions_total": "deductions_total", "net_pay_total": "net_pay"}
    for total, f in totals.items():
        summed = sum(int(r["row"].get(f) or 0) for r in stored if r["row"].get("pay_state") != HELD)  # a held row is recorded, not paid
        if int(getattr(run, total)) != summed:
            problems.append(f"실행 {total}: 기록 {int(getattr(run, total)):,}, 저장된 행의 합계 {summed:,}")
    if int(run.workers) != len(stored):
        problems.append(f"실행 인원: 기록 {run.workers}명, 저장된 행 {len(stored)}개")
    return problems


def _folder_problems(store: Store, run: Run, recorded: dict[str, str]) -> list[str]:
    """The run's output folder against the record: missing, changed and extra files."""
    disk = Path(run.out_dir)
    recover(store, disk.parent)  # a run stopped between its record and its folder: put the folder in place first
    if not disk.is_dir():
        return [f"output folder {disk}: missing ({len(recorded)} recorded outputs)"]
    problems = []
    present = {p.relative_to(disk).as_posix(): p for p in disk.rglob("*") if p.is_file()}
    for name, digest in sorted(recorded.items()):
        if name not in present:
            problems.append(f"산출물 {name} ({disk}): 없습니다")
        elif sha256_file(present[name]) != digest:
            problems.append(f"산출물 {name} ({disk}): 디스크의 파일이 기록된 sha256과 다릅니다")
    for name in sorted(set(present) - set(recorded)):
        problems.append(f"산출물 {name} ({disk}): 실행 기록에 없습니다 (실행 뒤에 더한 파일)")
    return problems


def _compare_results(dictionary, stored_texts: list[str], stored: list[dict], computed) -> list[str]:
    """What differs between the stored results and the recomputed ones. A run stored with a dictionary
    (format 2) that matches text for text and dictionary for dictionary is identical; otherwise (or for
    an older run, whole JSON per worker) the expanded results are compared amount by amount, then
    column by column, item by item and step by step."""
    if dictionary is not None and dictionary.as_json() == computed.stored.dictionary.as_json() and list(stored_texts) == computed.stored.texts.to_list():
        return []
    fresh = computed.stored_results()
    problems = [f"결과 {line}" for line in diff_results(stored, fresh)]
    problems += [f"결과 {line}" for line in diff_other_fields(stored, fresh)]
    if not problems and [canonical_json(r) for r in stored] != [canonical_json(r) for r in fresh]:
        problems.append("결과 행이 저장된 것과 다릅니다 (순서나 저장 형태)")
    return problems


def _amounts(result: dict) -> dict[str, int]:
    row = result["row"]
    out = {f"{f}": int(row[f]) for f in AMOUNT_FIELDS if row.get(f) is not None}
    for it in result["items"]:
        key = f"item:{it['code']}"
        out[key] = out.get(key, 0) + int(it["amount"])
    return out


def _key_results(results: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in results:
        wid = str(r["row"]["worker_id"])
        key = wid
        n = 2
        while key in out:
            key = f"{wid}#{n}"
            n += 1
        out[key] = r
    return out


def _label(key: str, catalogue) -> str:
    if key.startswith("item:"):
        code = key[5:]
        return f"{catalogue.label(code)} ({code})"
    return f"{AMOUNT_FIELDS.get(key, key)} ({key})"


def diff_results(a: list[dict], b: list[dict]) -> list[str]:
    """Per worker and per item: what changed between two lists of stored results."""
    catalogue = default_context().catalogue
    ka, kb = _key_results(a), _key_results(b)
    lines = []
    for wid in sorted(set(ka) | set(kb)):
        if wid not in kb:
            lines.append(f"{wid}: 첫 번째에만 있음 (실지급액 {int(ka[wid]['row']['net_pay']):,}원)")
            continue
        if wid not in ka:
            lines.append(f"{wid}: 두 번째에만 있음 (실지급액 {int(kb[wid]['row']['net_pay']):,}원)")
            continue
        xa, xb = _amounts(ka[wid]), _amounts(kb[wid])
        for key in sorted(set(xa) | set(xb), key=lambda k: (not k.startswith("item:"), k)):
            va, vb = xa.get(key, 0), xb.get(key, 0)
            if va != vb:
                lines.append(f"{wid}: {_label(key, catalogue)}: {va:,} → {vb:,} ({vb - va:+,})")
    return lines


def diff_other_fields(stored: list[dict], recomputed: list[dict]) -> list[str]:
    """Per worker: what differs besides the amounts :func:`diff_results` lists — the other columns of the
    row, the items' texts, the trace."""
    lines = []
    ka, kb = _key_results(stored), _key_results(recomputed)
    for wid in sorted(set(ka) & set(kb)):
        a, b = ka[wid], kb[wid]
        amounts = set(AMOUNT_FIELDS)
        fields = sorted(k for k in set(a["row"]) | set(b["row"]) if k not in amounts and canonical_json(a["row"].get(k)) != canonical_json(b["row"].get(k)))
        if fields:
            shown = ", ".join(f"{k} {a['row'].get(k)!r} → {b['row'].get(k)!r}" for k in fields[:3])
            lines.append(f"{wid}: 결과 값: {shown}" + (f" (외 {len(fields) - 3}개)" if len(fields) > 3 else ""))
        if canonical_json([{k: v for k, v in it.items() if k != "amount"} for it in a["items"]]) != canonical_json(
                [{k: v for k, v in it.items() if k != "amount"} for it in b["items"]]):
            lines.append(f"{wid}: 지급 항목이 다릅니다 (이름, 계산방법 또는 분)")
        if canonical_json(a["trace"]) != canonical_json(b["trace"]):
            steps = [x.get("step") for x, y in zip(a["trace"], b["trace"]) if canonical_json(x) != canonical_json(y)]
            where = f" (단계 {steps[0]}부터)" if steps else f" (항목 {len(a['trace'])} → {len(b['trace'])}개)"
            lines.append(f"{wid}: 계산 과정(trace)이 다릅니다{where}")
    return lines


def diff_runs(store: Store, run_a: str, run_b: str) -> dict:
    a, b = get_run(store, run_a), get_run(store, run_b)
    with store.session() as s:
        ra, rb = load_results(s, run_a), load_results(s, run_b)
    ia = {e["name"]: e for e in json.loads(a.inputs_manifest)}
    ib = {e["name"]: e for e in json.loads(b.inputs_manifest)}
    inputs = []
    for name in sorted(set(ia) | set(ib)):
        if name not in ib:
            inputs.append(f"입력 {name}: {run_a}에만 있음")
        elif name not in ia:
            inputs.append(f"입력 {name}: {run_b}에만 있음")
        elif ia[name]["sha256"] != ib[name]["sha256"]:
            inputs.append(f"입력 {name} ({ia[name]['role']}): 바뀜 ({ia[name]['sha256'][:12]}… → {ib[name]['sha256'][:12]}…)")
    other = []
    if a.rules_hash != b.rules_hash:
        other.append(f"규칙: {a.rules_hash[:16]}… → {b.rules_hash[:16]}…")
    if a.code_version != b.code_version:
        other.append(f"프로그램 판: {a.code_version} → {b.code_version}")
    if a.pay_date != b.pay_date:
        other.append(f"지급일: {a.pay_date} → {b.pay_date}")
    workers = diff_results(ra, rb)
    return {"run_a": run_a, "run_b": run_b, "same_hash": a.run_hash == b.run_hash, "inputs": inputs, "other": other, "workers": workers}


def explain(store: Store, run_id: str, worker_id: str) -> list[dict]:
    """The stored results of ``worker_id`` in ``run_id`` (row, items, trace)."""
    get_run(store, run_id)
    with store.session() as s:
        results = result_reads.read_results(s, run_id, worker_id)
    if not results:
        raise InputError(f"실행 {run_id}에 근로자 {worker_id!r}이(가) 없습니다")
    return results
