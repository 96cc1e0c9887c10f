"""A run's stored results, interned (payroll.runs.results): each worker's text expands to exactly the
whole JSON runs stored before (row, items, trace); older runs stay readable; the texts are small."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, select

from documents_fixtures import METHODS, computed
from payroll import pay_items
from payroll.runs import result_reads as reads_module
from payroll.runs.audit import explain, replay
from payroll.runs.batch import execute_run, load_results
from payroll.runs.hashing import canonical_json, results_digest, run_hash
from payroll.runs.results import Dictionary, encode, results_sha256
from payroll.store.models import Run, RunDictionary, WorkerResult
from payroll.trace import trace_of
from test_runs_support import MONTH, ROSTER, fake_build, write_inputs


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def whole_json(frame: pl.DataFrame, items: pl.DataFrame, law, extra: dict[int, list[dict]]) -> list[dict]:
    """The oracle: what a run stored per worker before the results were interned (format 1)."""
    by_row: dict[int, list[dict]] = {}
    for it in items.to_dicts():
        by_row.setdefault(it["row"], []).append({k: it[k] for k in ("code", "label", "amount", "method", "minutes")})
    out = []
    for r in frame.to_dicts():
        trace = [{**t, "value": _plain(t["value"])} for t in trace_of(r, law)] + extra.get(r["row"], [])
        out.append({"row": {k: _plain(v) for k, v in r.items()}, "items": by_row.get(r["row"], []), "trace": trace})
    return out


def _items(base_items: pl.DataFrame) -> pl.DataFrame:
    catalogue = pay_items.current()
    return base_items.with_columns(
        pl.col("code").map_elements(catalogue.label, return_dtype=pl.Utf8).alias("label"),
        pl.col("code").map_elements(lambda c: METHODS.get(c, (None, None))[0], return_dtype=pl.Utf8).alias("method"),
        pl.col("code").map_elements(lambda c: METHODS.get(c, (None, None))[1], return_dtype=pl.Int64).alias("minutes"),
    ).select("row", "code", "label", "amount", "method", "minutes")


@pytest.fixture(scope="module")
def month():
    frame, items = computed()
    return frame.drop("rrn"), _items(items)


def test_each_text_expands_to_the_whole_json_and_is_canonical(month, law):
    frame, items = month
    stored = encode(frame, items, law)
    assert [canonical_json(r) for r in stored.expanded()] == [canonical_json(r) for r in whole_json(frame, items, law, {})]
    for text in stored.texts:
        assert canonical_json(json.loads(text)) == text
    # the references are kept once: no worker's text repeats an article
    assert all("§" not in t for t in stored.texts if "간이세액표" not in t)
    assert stored.dictionary.references and len(stored.dictionary.trace) < 200


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(TEXT, min_size=5, max_size=5),
    departments=st.lists(st.one_of(st.none(), st.sampled_from(["총무과", 'a"b', "c\\d", "줄\n바꿈", "\x01"])), min_size=5, max_size=5),
    dates=st.lists(st.sampled_from([dt.date(2026, 4, 24), dt.date(2026, 1, 9), dt.date(2025, 12, 10)]), min_size=5, max_size=5),
    minutes=st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)), min_size=5, max_size=5),
    flags=st.lists(st.one_of(st.none(), st.booleans()), min_size=5, max_size=5),
    extra_value=st.one_of(st.none(), st.integers(), st.booleans(), TEXT),
    extra_note=TEXT,
)
def test_any_values_round_trip(month, law, names, departments, dates, minutes, flags, extra_value, extra_note):
    """Hostile texts (quotes, backslashes, control characters), nulls, several pay dates (so several
    references per step), values outside the pipeline: expanded, every text gives the oracle's JSON."""
    frame, items = month
    frame = frame.with_columns(
        pl.Series("name", names, dtype=pl.Utf8), pl.Series("department", departments, dtype=pl.Utf8),
        pl.Series("pay_date", dates, dtype=pl.Date), pl.Series("overtime_minutes", minutes, dtype=pl.Int64),
        pl.Series("flag", flags, dtype=pl.Boolean),
    )
    extra = {1: [{"step": "settlement.x", "value": extra_value, "reference": "소득세법 §137; " + extra_note, "note": extra_note}],
             3: [{"step": "severance.y", "value": 7, "reference": "퇴직급여법 §8①", "note": "퇴직금"}]}
    stored = encode(frame, items, law, extra)
    assert [canonical_json(r) for r in stored.expanded()] == [canonical_json(r) for r in whole_json(frame, items, law, extra)]
    again = Dictionary.from_json(stored.dictionary.as_json())
    assert [again.expand(t) for t in stored.texts] == stored.expanded()


@pytest.mark.parametrize("wages", [[[90_000, 95_000]] * 5, [[90_000], None, [], [1, 2, 3], [90_000]]], ids=["same in every row", "different"])
def test_a_list_column_round_trips_whether_or_not_every_row_holds_the_same(month, law, wages):
    """A list column (a 일용 worker's daily wages) kept once when every row holds the same list."""
    frame, items = month
    frame = frame.with_columns(pl.Series("daily_wages", wages, dtype=pl.List(pl.Int64)))
    stored = encode(frame, items, law)
    assert [canonical_json(r) for r in stored.expanded()] == [canonical_json(r) for r in whole_json(frame, items, law, {})]


def test_a_frame_not_in_row_order_keeps_its_order(month, law):
    """The engine returns rows in order and the items are merged onto them; a frame in another order
    still gets each row's own items and trace, in the frame's order."""
    frame, items = month
    shuffled = frame.reverse()
    extra = {1: [{"step": "severance.y", "value": 7, "reference": "퇴직급여법 §8①", "note": "퇴직금"}]}
    stored = encode(shuffled, items, law, extra)
    assert [canonical_json(r) for r in stored.expanded()] == [canonical_json(r) for r in whole_json(shuffled, items, law, extra)]


def test_the_hash_covers_the_dictionary_and_every_text(month, law):
    frame, items = month
    stored = encode(frame, items, law)
    same = results_sha256(stored.dictionary.as_json(), [stored.texts.slice(0, 2), stored.texts.slice(2)])
    assert stored.sha256() == same  # a million rows are hashed a slice at a time: the same digest
    other = Dictionary.from_json(stored.dictionary.as_json())
    other.terms[0] += " "
    assert results_sha256(other.as_json(), [stored.texts]) != stored.sha256()
    assert results_sha256(stored.dictionary.as_json(), [stored.texts.slice(1)]) != stored.sha256()


# --- in a run -------------------------------------------------------------------------------


def _run(store, tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    return execute_run(store, MONTH, inputs_dir=inputs, out_root=tmp_path / "out", build=fake_build, jobs=1)


def test_a_run_stores_a_dictionary_and_short_texts(store, tmp_path):
    summary = _run(store, tmp_path)
    with store.session() as s:
        texts = s.exec(select(WorkerResult.result_json).where(WorkerResult.run_id == summary["run_id"])).all()
        assert s.get(RunDictionary, summary["run_id"]) is not None
        results = load_results(s, summary["run_id"])
    assert len(texts) == len(ROSTER)
    assert sum(len(t.encode()) for t in texts) / len(texts) < 2048
    assert all(len(r["trace"]) > 30 and r["trace"][0]["reference"] for r in results)
    explained = explain(store, summary["run_id"], "W002")
    assert [r["row"]["worker_id"] for r in explained] == ["W002"]
    assert explained[0] == next(r for r in results if r["row"]["worker_id"] == "W002")


def test_a_run_stored_whole_before_the_dictionary_reads_and_replays_the_same(store, tmp_path):
    """A run recorded before revision store_0003_dictionaries: one whole JSON per worker, no dictionary."""
    summary = _run(store, tmp_path)
    run_id = summary["run_id"]
    with store.session() as s:
        before = load_results(s, run_id)
        for r in s.exec(select(WorkerResult).where(WorkerResult.run_id == run_id)).all():
            r.result_json = canonical_json(next(b for b in before if b["row"]["row"] == r.row))
            s.add(r)
        s.exec(delete(RunDictionary).where(RunDictionary.run_id == run_id))
        # such a run was made by older code, and its hash covers its whole texts (format 1)
        run = s.get(Run, run_id)
        run.code_version = "0.1.0+before-store-0003"
        texts = s.exec(select(WorkerResult.result_json).where(WorkerResult.run_id == run_id).order_by(WorkerResult.row)).all()
        run.run_hash = run_hash(month=run.month, pay_date=run.pay_date.isoformat(), kind=run.kind, corrects_run_hash=None, rules_hash=run.rules_hash,
                                code=run.code_version, inputs=json.loads(run.inputs_manifest), outputs=json.loads(run.outputs_manifest),
                                results_sha256=results_digest(texts))
        s.add(run)
    with store.session() as s:
        assert reads_module.dictionary_of(s, run_id) is None
        assert load_results(s, run_id) == before
    assert explain(store, run_id, "W001") == [b for b in before if b["row"]["worker_id"] == "W001"]
    report = replay(store, run_id, build=fake_build, jobs=1)
    assert report.identical, report.problems


def test_replay_names_a_changed_stored_result(store, tmp_path):
    summary = _run(store, tmp_path)
    with store.session() as s:
        r = s.exec(select(WorkerResult).where(WorkerResult.run_id == summary["run_id"], WorkerResult.worker_id == "W001")).one()
        doc = json.loads(r.result_json)
        doc["items"][0][1] += 1000  # the stored amount of the first pay item
        r.result_json = canonical_json(doc)
        s.add(r)
    report = replay(store, summary["run_id"], build=fake_build, jobs=1)
    assert not report.identical
    assert any(p.startswith("결과 W001: ") and "→" in p for p in report.problems), report.problems


def test_the_computed_month_still_gives_rows_and_item_lists_when_asked(store, tmp_path, monkeypatch):
    """Callers that read a computed month as dicts get them from the frames, in the stored order."""
    from payroll.runs import batch

    seen = {}
    record = batch._record

    def spy(*args, **kwargs):
        seen["computed"] = kwargs["computed"]
        return record(*args, **kwargs)

    monkeypatch.setattr(batch, "_record", spy)
    _run(store, tmp_path)
    computed = seen["computed"]
    stored = computed.stored_results()
    assert computed.item_lists == [r["items"] for r in stored]
    assert [r["worker_id"] for r in computed.rows] == [r["row"]["worker_id"] for r in stored]
