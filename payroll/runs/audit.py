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
from payroll.runs import results as results_module
from payroll.runs.batch import law_of_run, note_figures
from payroll.runs.computed import BuildFn, build_from_files, compute_month
from payroll.runs.month_state import load_results
from payroll.runs.hashing import canonical_json, code_version, sha256_file
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
        raise InputError(f"no run {run_id!r} in {store.url.split('@')[-1]}")
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
    """Recompute ``run_id`` from its stored inputs with the rules and code here; compare every output byte."""
    run = get_run(store, run_id)
    build = build or build_from_files
    renderers = renderers or default_renderers()
    ctx = ctx or default_context()
    report = ReplayReport(run_id=run_id, identical=True)
    if code_version() != run.code_version:
        report.notes.append(f"code differs from the run's: run {run.code_version}, here {code_version()}")
    manifest = json.loads(run.inputs_manifest)
    recorded: dict[str, str] = json.loads(run.outputs_manifest)
    with tempfile.TemporaryDirectory(prefix="payroll-replay-") as tmp:
        root = Path(tmp) / "inputs"
        with store.session() as s:
            files, problems = inputs_module.restore(s, manifest, root)
            dictionary = results_module.dictionary_of(s, run_id)
            stored_texts = s.exec(select(WorkerResult.result_json).where(WorkerResult.run_id == run_id).order_by(WorkerResult.row)).all()
        report.problems += problems
        staged = inputs_module.stage(root, run.month, run.pay_date, files, manifest)
        ctx = law_of_run(staged, run.provisional, ctx)
        if ctx.law.content_hash != run.rules_hash:
            report.notes.append(f"rules differ from the run's: run {run.rules_hash[:16]}…, here {ctx.law.content_hash[:16]}…")
        with law_module.using(ctx.law), law_module.recording() as uses:
            computed = compute_month(staged, build, ctx)
        note_figures(computed, law_state.uses_of(ctx.law, uses))
        out = Path(tmp) / "out"
        fresh = render_all(out, computed.frame, computed.items, computed.stored, computed.employer, renderers, progress, jobs,
                           extra=computed.outputs)
        for name in sorted(set(recorded) | set(fresh)):
            if name not in fresh:
                report.problems.append(f"output {name}: recorded but not produced by the replay")
            elif name not in recorded:
                report.problems.append(f"output {name}: produced by the replay but not in the run record")
            elif fresh[name] != recorded[name]:
                report.problems.append(f"output {name}: bytes differ (recorded sha256 {recorded[name][:12]}…, replay {fresh[name][:12]}…)")
        report.outputs_checked = len(recorded)
        report.problems += _compare_results(dictionary, stored_texts, computed)
    disk = Path(run.out_dir)
    if disk.is_dir():
        for name, digest in recorded.items():
            p = disk / name
            if not p.is_file():
                report.notes.append(f"output {name}: missing from {disk}")
            elif sha256_file(p) != digest:
                report.problems.append(f"output {name} in {disk}: the file on disk differs from the recorded sha256")
    else:
        report.notes.append(f"the run's output directory {disk} is not here; verified the recomputed outputs against the recorded hashes")
    report.identical = not report.problems
    store.audit(actor, "run.replay", run_id, {"identical": report.identical, "problems": len(report.problems)})
    return report


def _compare_results(dictionary, stored_texts: list[str], computed) -> list[str]:
    """What differs between the stored results and the recomputed ones. A run stored with a dictionary
    (format 2) must match text for text and dictionary for dictionary; an older run (format 1, whole
    JSON per worker) is compared with the recomputed results expanded to that form."""
    if dictionary is not None and dictionary.as_json() == computed.stored.dictionary.as_json() and list(stored_texts) == computed.stored.texts.to_list():
        return []
    stored = [dictionary.expand(t) for t in stored_texts] if dictionary is not None else [json.loads(t) for t in stored_texts]
    fresh = computed.stored_results()
    problems = [f"result {line}" for line in diff_results(stored, fresh)]
    if not problems and [canonical_json(r) for r in stored] != [canonical_json(r) for r in fresh]:
        problems.append("result rows differ from the stored ones (trace or a non-money column)")
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
            lines.append(f"{wid}: only in the first (net pay {int(ka[wid]['row']['net_pay']):,}원)")
            continue
        if wid not in ka:
            lines.append(f"{wid}: only in the second (net pay {int(kb[wid]['row']['net_pay']):,}원)")
            continue
        xa, xb = _amounts(ka[wid]), _amounts(kb[wid])
        for key in sorted(set(xa) | set(xb), key=lambda k: (not k.startswith("item:"), k)):
            va, vb = xa.get(key, 0), xb.get(key, 0)
            if va != vb:
                lines.append(f"{wid}: {_label(key, catalogue)}: {va:,} → {vb:,} ({vb - va:+,})")
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
            inputs.append(f"input {name}: only in {run_a}")
        elif name not in ia:
            inputs.append(f"input {name}: only in {run_b}")
        elif ia[name]["sha256"] != ib[name]["sha256"]:
            inputs.append(f"input {name} ({ia[name]['role']}): changed ({ia[name]['sha256'][:12]}… → {ib[name]['sha256'][:12]}…)")
    other = []
    if a.rules_hash != b.rules_hash:
        other.append(f"rules: {a.rules_hash[:16]}… → {b.rules_hash[:16]}…")
    if a.code_version != b.code_version:
        other.append(f"code: {a.code_version} → {b.code_version}")
    if a.pay_date != b.pay_date:
        other.append(f"pay date: {a.pay_date} → {b.pay_date}")
    workers = diff_results(ra, rb)
    return {"run_a": run_a, "run_b": run_b, "same_hash": a.run_hash == b.run_hash, "inputs": inputs, "other": other, "workers": workers}


def explain(store: Store, run_id: str, worker_id: str) -> list[dict]:
    """The stored results of ``worker_id`` in ``run_id`` (row, items, trace)."""
    get_run(store, run_id)
    with store.session() as s:
        results = results_module.read_results(s, run_id, worker_id)
    if not results:
        raise InputError(f"run {run_id} has no worker {worker_id!r}")
    return results
