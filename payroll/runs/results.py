"""What a run keeps of each worker-month — the row, its pay items, its trace — interned.

A run stores one *dictionary* (table ``run_dictionaries``) and one short text per worker-month
(``worker_results.result_json``)::

    dictionary  {"format": 2,
                 "columns": [[name, "v"], [name, "t"], [name, "c", value], …],   the row's columns
                 "terms": [text, …],                  texts many rows share (notes, month, department, …)
                 "items": [[code, label], …],         the pay items
                 "references": [text, …],             each step's article and parameters in force
                 "trace": [[step, reference, note, column], …]}
    worker      {"items":[[item, amount, method, minutes], …],"row":[value, …],"trace":[entry, …, [entry, value], …]}

A row value of a ``"v"`` column is the JSON value; of a ``"t"`` column an index into ``terms``; a
``"c"`` column has the same value in every row of the run and is kept once, in the dictionary. A
trace element is an entry id whose value is the row's value of the entry's column (every step of
the pipeline), or ``[entry, value]`` for an entry made outside the frame (a leaver's settlement,
퇴직금).
The texts are made from the computed frame in polars expressions, without a Python object per
worker; a month's dictionary has a few dozen references and entries whatever the head count.

:meth:`Dictionary.expand` turns a worker's text back into ``{"row": {…}, "items": […], "trace":
[…]}`` — exactly the JSON runs stored per worker before (format 1, kept as it is by older runs,
which have no dictionary). Every reader goes through :mod:`payroll.runs.result_reads`, so
``payroll explain``, replay, diff, the console and the payslip's 계산 근거 print the same from
either format.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from payroll.runs.hashing import canonical_json

if TYPE_CHECKING:
    import polars as pl

    from payroll.law import Law

FORMAT = 2
#: texts shared by many rows: kept once in the dictionary's terms (besides each step's note column)
TERM_COLUMNS = ("month", "employment", "income_type", "department", "job", "bank")
#: rows per slice when the texts are made and hashed (bounds the memory of a very large frame)
SLICE_ROWS = 100_000


@dataclass
class Dictionary:
    """The interned part of a run's stored results (one per run)."""

    columns: list[list] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    trace: list[list] = field(default_factory=list)

    def as_json(self) -> str:
        return canonical_json({"format": FORMAT, "columns": self.columns, "terms": self.terms, "items": self.items,
                               "references": self.references, "trace": self.trace})

    @classmethod
    def from_json(cls, text: str) -> Dictionary:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise ValueError(f"저장된 결과의 형식 {doc.get('format')!r}을(를) 이 판은 읽지 못합니다 (읽는 형식 {FORMAT})")
        return cls(doc["columns"], doc["terms"], doc["items"], doc["references"], doc["trace"])

    def picker(self, names: Iterable[str]):
        """A function from a worker's stored row (the JSON list) to {name: value} of ``names`` alone."""
        at: dict[str, tuple[str, Any]] = {}
        position = 0
        for spec in self.columns:
            name, kind = spec[0], spec[1]
            if kind == "c":
                at[name] = ("c", spec[2])
            else:
                at[name] = (kind, position)
                position += 1
        wanted = [(n, at.get(n, ("c", None))) for n in names]
        terms = self.terms

        def pick(values: list) -> dict[str, Any]:
            out = {}
            for name, (kind, where) in wanted:
                if kind == "c":
                    out[name] = where
                else:
                    v = values[where]
                    out[name] = terms[v] if kind == "t" and v is not None else v
            return out

        return pick

    def expand(self, text: str) -> dict[str, Any]:
        """A worker's stored text → ``{"row": {…}, "items": […], "trace": […]}`` (the format-1 JSON)."""
        data = json.loads(text)
        values = iter(data["row"])
        terms = self.terms
        row: dict[str, Any] = {}
        for spec in self.columns:
            name, kind = spec[0], spec[1]
            if kind == "c":
                row[name] = spec[2]
                continue
            value = next(values)
            row[name] = terms[value] if kind == "t" and value is not None else value
        items = []
        for item, amount, method, minutes in data["items"]:
            code, label = self.items[item]
            items.append({"code": code, "label": label, "amount": amount, "method": method, "minutes": minutes})
        references = self.references
        trace = []
        for element in data["trace"]:
            if isinstance(element, list):  # [entry, its own value]
                step, ref, note, _ = self.trace[element[0]]
                value = element[1]
            else:  # an entry whose value is the row's
                step, ref, note, column = self.trace[element]
                value = row[column]
            trace.append({"step": step, "value": value, "reference": references[ref], "note": note})
        return {"row": row, "items": items, "trace": trace}


@dataclass
class StoredResults:
    """A computed month in its stored form: the dictionary and one text per frame row (same order)."""

    dictionary: Dictionary
    texts: pl.Series
    _sha256: str | None = field(default=None, repr=False)

    def sha256(self) -> str:
        """The hash of the dictionary and every text, each on its own line (what the run hash covers)."""
        if self._sha256 is None:
            self._sha256 = results_sha256(self.dictionary.as_json(), [self.texts])
        return self._sha256

    def expanded(self) -> list[dict[str, Any]]:
        return [self.dictionary.expand(t) for t in self.texts]


def results_sha256(dictionary_json: str, text_slices: Iterable[pl.Series]) -> str:
    digest = hashlib.sha256(dictionary_json.encode())
    for texts in text_slices:
        if len(texts):
            digest.update(b"\n")
            digest.update(texts.str.join("\n").cast(_binary()).item())
    return digest.hexdigest()


def _binary():
    import polars as pl

    return pl.Binary


# --- making the texts, in columns -----------------------------------------------------------


class _Pieces:
    """The parts of one text expression: literal texts (adjacent ones merged) and column expressions,
    concatenated in a single ``concat_str`` (no intermediate column per value)."""

    def __init__(self) -> None:
        self.parts: list[str | pl.Expr] = []

    def text(self, value: str) -> None:
        if self.parts and isinstance(self.parts[-1], str):
            self.parts[-1] += value
        elif value:
            self.parts.append(value)

    def add(self, parts: list[str | pl.Expr]) -> None:
        for p in parts:
            self.text(p) if isinstance(p, str) else self.parts.append(p)

    def expr(self) -> pl.Expr:
        import polars as pl

        if not self.parts:
            return pl.lit("")
        return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in self.parts])


def _encoded(col: pl.Expr) -> pl.Expr:
    """polars' own JSON encoding of a value ('{"v":…}' less its wrapper): escapes every control character."""
    import polars as pl

    return pl.struct(col.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


def _json_parts(series: pl.Series) -> list[str | pl.Expr]:
    """The pieces that write each row's value of ``series`` as JSON (a date as ISO text, as a run stored it)."""
    import polars as pl

    col, dtype, nulls = pl.col(series.name), series.dtype, series.null_count() > 0
    if nulls and series.null_count() == series.len():
        return ["null"]
    if dtype.is_integer() or dtype == pl.Boolean:  # concat_str writes 12 and true/false
        return [col.cast(pl.Utf8).fill_null("null")] if nulls else [col]
    if dtype == pl.Date:
        return [pl.concat_str(pl.lit('"'), col, pl.lit('"')).fill_null("null")] if nulls else ['"', col, '"']
    if dtype == pl.Utf8:
        if series.str.contains(r"[\x00-\x1f]").any():
            return [_encoded(col)]
        if series.str.contains(r'["\\]').any():
            col = col.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
        return [pl.concat_str(pl.lit('"'), col, pl.lit('"')).fill_null("null")] if nulls else ['"', col, '"']
    return [_encoded(col)]


def _constant(series: pl.Series) -> tuple[bool, Any]:
    """Whether every row holds the same value, and that value as JSON data."""
    import polars as pl

    n, nulls = series.len(), series.null_count()
    if n == 0 or (nulls and nulls != n):
        return False, None
    if nulls == n:
        return True, None
    if series.dtype.is_nested():
        same = series.n_unique() == 1
    else:
        same = series.min() == series.max() if series.dtype != pl.Boolean else series.all() or not series.any()
    first = series.slice(0, 1).to_list()[0]  # a list column's value as a list (``item`` gives a Series)
    return (True, json.loads(canonical_json(first))) if same else (False, None)


class Encoder:
    """Makes a computed frame's stored texts: the dictionary over the whole frame first, then the texts
    of any slice of rows (a month at once; a million rows a slice at a time)."""

    def __init__(self, frame: pl.DataFrame, items: pl.DataFrame, law: Law, extra_traces: dict[int, list[dict]] | None = None) -> None:
        import polars as pl

        from payroll.engine.pipeline import PIPELINE
        from payroll.trace import TraceTable, trace_columns

        self.dictionary = d = Dictionary()
        term_ids: dict[str, int] = {}

        def term(text: str) -> int:
            found = term_ids.get(text)
            if found is None:
                found = term_ids[text] = len(d.terms)
                d.terms.append(text)
            return found

        notes = {o.note_column for s in PIPELINE for o in s.writes if o.note_column}
        text = _Pieces()
        text.text('{"items":[')
        text.add([pl.col("_items").fill_null("")])
        text.text('],"row":[')
        first = True
        for name, dtype in frame.schema.items():
            series = frame.get_column(name)
            constant, value = _constant(series)
            if constant:
                d.columns.append([name, "c", value])
                continue
            text.text("" if first else ",")
            first = False
            if dtype == pl.Utf8 and (name in notes or name in TERM_COLUMNS):
                values = series.unique().drop_nulls().sort().to_list()
                ids = pl.col(name).replace_strict(values, [term(v) for v in values], return_dtype=pl.Int64)
                d.columns.append([name, "t"])
                text.add([ids.cast(pl.Utf8).fill_null("null") if series.null_count() else ids])
            else:
                d.columns.append([name, "v"])
                text.add(_json_parts(series))

        table = TraceTable()
        text.text('],"trace":[')
        trace = trace_columns(frame, law, table)
        for k, entry in enumerate(trace):
            text.text("," if k else "")
            text.add([str(entry) if isinstance(entry, int) else entry])
        extra = self._extra_traces(frame, table, extra_traces or {}, lead="," if trace else "")
        if extra is not None:
            text.add([pl.col("_extra").fill_null("")])
        text.text("]}")
        d.references, d.trace = table.references, [list(e) for e in table.entries]

        self.frame = _join_on_row(frame, self._items(items, d))
        if extra is not None:
            self.frame = _join_on_row(self.frame, extra)
        self.text = text.expr().alias("result_json")

    @staticmethod
    def _items(items: pl.DataFrame, d: Dictionary) -> pl.DataFrame:
        """Each row's pay items as JSON (row, _items), in the items frame's order, sorted by row."""
        import polars as pl

        keys = items.select("code", "label").unique(maintain_order=True)
        d.items = [[c, lb] for c, lb in zip(keys.get_column("code").to_list(), keys.get_column("label").to_list())]
        keyed = items.join(keys.with_row_index("_key").with_columns(pl.col("_key").cast(pl.Int64)), on=["code", "label"], how="left",
                           nulls_equal=True, maintain_order="left")
        item = _Pieces()
        item.text("[")
        item.add([pl.col("_key"), ","])
        for k, name in enumerate(("amount", "method", "minutes")):
            item.text("," if k else "")
            item.add(_json_parts(items.get_column(name)))
        item.text("]")
        per_item = keyed.select(pl.col("row"), item.expr().alias("_item")).sort("row", maintain_order=True)  # stable: each row's items in order
        return per_item.group_by("row", maintain_order=True).agg(pl.col("_item")).select("row", pl.col("_item").list.join(",").alias("_items"))

    @staticmethod
    def _extra_traces(frame: pl.DataFrame, table, extra: dict[int, list[dict]], lead: str) -> pl.DataFrame | None:
        """Entries computed outside the pipeline (a leaver's settlement, 퇴직금): a few rows, interned here,
        each with its own value; each row's entries as JSON after ``lead``."""
        import polars as pl

        rows, texts = [], []
        for row in sorted(extra):
            parts = [f"[{table.entry_id(str(e['step']), str(e['reference']), str(e['note']))},{canonical_json(e['value'])}]" for e in extra[row]]
            if parts:
                rows.append(row)
                texts.append(lead + ",".join(parts))
        if not rows:
            return None
        return pl.DataFrame({"row": rows, "_extra": texts}, schema={"row": frame.schema["row"], "_extra": pl.Utf8})

    def texts(self, offset: int = 0, length: int | None = None) -> pl.Series:
        """The stored texts of rows ``offset`` … ``offset + length`` of the frame."""
        part = self.frame if offset == 0 and length is None else self.frame.slice(offset, length)
        return part.select(self.text).to_series()

    def slices(self, size: int = SLICE_ROWS) -> Iterator[pl.Series]:
        for offset in range(0, self.frame.height, size):
            yield self.texts(offset, size)


def _join_on_row(frame: pl.DataFrame, per_row: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the columns of ``per_row`` (sorted by row, one row each) joined on row, in the frame's order.
    A frame in row order (as the engine returns it) is merged with them; a million keys would otherwise be hashed."""
    rows = frame.get_column("row")
    if rows.is_sorted():
        return frame.with_columns(rows.set_sorted()).join(per_row, on="row", how="left")
    return frame.join(per_row, on="row", how="left", maintain_order="left")


def encode(frame: pl.DataFrame, items: pl.DataFrame, law: Law, extra_traces: dict[int, list[dict]] | None = None) -> StoredResults:
    """The stored form of a computed month (``frame`` sorted by row; ``items`` with row, code, label, amount, method, minutes)."""
    encoder = Encoder(frame, items, law, extra_traces)
    return StoredResults(encoder.dictionary, encoder.texts())
