"""A tax year's pay from the stored runs, for every worker at once, and who is employed on 31 December.

Income of year Y is the pay *for* the months Y-01…Y-12 (근로를 제공한 날, 소득세법 시행령 §49①1;
December's pay paid in January still belongs to Y). For each month the paid run is the one
:func:`payroll.runs.history.paid_runs` names (the closing run of a closed month — its later
corrections are 소급분 paid, and counted, in a later month — else the latest regular run).

Each result text is read through its run's dictionary (payroll.runs.results) for its row and items
only, the fields needed put in one frame, and the figures summed per worker with one ``group_by``; 비과세 by group (식대 P01, 보육수당 Q01) is
recomputed per month from the items with the monthly limits the run applied.

Who is employed on 31 December is read from the December run's own roster and contracts (its stored
input blobs): the same roster the run paid. When the lasting record (issue 18) is on main, this is the
one function to point at it (:func:`employed_on`).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Text, cast, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, select

from payroll import law as law_module, pay_items
from payroll.case import InputError
from payroll.law import RuleError
from payroll.runs.history import paid_runs
from payroll.runs.inputs import blob_bytes, load_month_roster
from payroll.runs.result_reads import Reader
from payroll.store.models import Run, WorkerResult

ROW_FIELDS = {
    "worker_id": pl.Utf8, "month": pl.Utf8, "pay_date": pl.Utf8, "name": pl.Utf8, "department": pl.Utf8, "income_type": pl.Utf8,
    "birth_date": pl.Utf8, "leave_date": pl.Utf8, "taxable_pay": pl.Int64, "non_taxable_pay": pl.Int64, "gross_pay": pl.Int64,
    "national_pension": pl.Int64, "health_insurance": pl.Int64, "long_term_care": pl.Int64, "employment_insurance": pl.Int64,
    "income_tax": pl.Int64, "local_income_tax": pl.Int64, "settlement_income_tax": pl.Int64, "settlement_local_income_tax": pl.Int64,
    "hi_base": pl.Int64, "np_base": pl.Int64, "ei_base": pl.Int64,
}
ITEMS_DTYPE = pl.List(pl.Struct({"code": pl.Utf8, "amount": pl.Int64}))
#: 비과세 groups reported on the 원천징수영수증 / 지급명세서 with their NTS code
REPORTED_NON_TAXABLE = {"meal": ("P01", "non_taxable.meal_monthly"), "childcare": ("Q01", "non_taxable.childcare_monthly")}
SUMS = ("taxable_pay", "non_taxable_pay", "gross_pay", "national_pension", "health_insurance", "long_term_care", "employment_insurance",
        "income_tax", "local_income_tax", "settlement_income_tax", "settlement_local_income_tax", "nt_P01", "nt_Q01")


@dataclass
class StoredYear:
    year: int
    runs: dict[str, Run]  # month → paid run
    months: pl.DataFrame  # worker_id, month, and the figures of that worker-month
    workers: pl.DataFrame  # one row per worker: the year's sums, months paid, name, department, birth date
    missing_months: list[str] = field(default_factory=list)  # months of the year without a paid run


def _month_limit(group_param: str, pay_dates: list[str]) -> dict[str, int]:
    law = law_module.current()
    out = {}
    for d in set(pay_dates):
        try:
            out[d] = int(law.on(dt.date.fromisoformat(d[:10]))[group_param])
        except RuleError:  # a date outside the rules: that month's cap is unknown (the 비과세 total stays right)
            out[d] = 0
    return out


def json_part(session: Session, column, key: str):
    """The JSON text of ``key`` of a JSON text column, picked out by the database (SQLite json_extract,
    PostgreSQL ->), or None on another database (the caller reads the whole text)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return func.json_extract(column, f"$.{key}")
    if dialect == "postgresql":
        return cast(column, JSONB).op("->")(key).cast(Text)
    return None


def stored_year(session: Session, year: int) -> StoredYear:
    """The year's pay figures of every worker in the stored runs (see the module docstring)."""
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    runs = paid_runs(session, months)
    month_of = {r.run_id: m for m, r in runs.items()}
    rows = session.exec(select(WorkerResult.run_id, WorkerResult.result_json).where(WorkerResult.run_id.in_(list(month_of)))).all() if runs else []
    reader = Reader(session)  # each run's stored texts read through its dictionary; the traces stay unread
    decoded = []
    for run_id, text in rows:
        row, items = reader.row_and_items(run_id, text)
        decoded.append({"run_id": run_id, **{k: row.get(k) for k in ROW_FIELDS}, "items": [{"code": it["code"], "amount": it["amount"]} for it in items]})
    flat = pl.DataFrame(decoded, schema={"run_id": pl.Utf8, **ROW_FIELDS, "items": ITEMS_DTYPE})
    flat = flat.with_columns(pl.col("run_id").replace_strict(month_of, return_dtype=pl.Utf8).alias("paid_month"))
    items = flat.select("worker_id", "paid_month", "pay_date", "items").explode("items").unnest("items").drop_nulls("code")
    catalogue = pay_items.current()
    nt = []
    for group, (code, param) in REPORTED_NON_TAXABLE.items():
        codes = [c for c, it in catalogue.items.items() if it.limit_group == group]
        part = items.filter(pl.col("code").is_in(codes)).group_by("worker_id", "paid_month", "pay_date").agg(pl.col("amount").sum())
        limits = _month_limit(param, part.get_column("pay_date").drop_nulls().to_list())
        part = part.with_columns(pl.min_horizontal(pl.col("amount"), pl.col("pay_date").replace_strict(limits, default=0, return_dtype=pl.Int64))
                                 .alias(f"nt_{code}")).select("worker_id", "paid_month", f"nt_{code}")
        nt.append(part)
    per_month = flat.drop("items", "run_id")
    for part in nt:
        per_month = per_month.join(part, on=["worker_id", "paid_month"], how="left")
    per_month = per_month.with_columns([pl.col(k).fill_null(0) for k in SUMS if k in per_month.columns])
    # a worker with two rows in a month (two contracts) is one worker-month
    by_month = per_month.group_by("worker_id", "paid_month").agg(
        *[pl.col(k).sum() for k in SUMS], pl.col("name").first(), pl.col("department").first(), pl.col("income_type").first(),
        pl.col("birth_date").first(), pl.col("leave_date").max(), pl.col("hi_base").max())
    workers = by_month.sort("paid_month").group_by("worker_id", maintain_order=True).agg(
        *[pl.col(k).sum() for k in SUMS], pl.col("paid_month").alias("months_paid"), pl.col("name").last(), pl.col("department").last(),
        pl.col("income_type").last(), pl.col("birth_date").last(), pl.col("paid_month").min().alias("first_month"),
        pl.col("paid_month").max().alias("last_month"),
    ).sort("worker_id")
    return StoredYear(year=year, runs=runs, months=by_month.sort("worker_id", "paid_month"), workers=workers,
                      missing_months=[m for m in months if m not in runs])


def roster_of_run(session: Session, run: Run, apply_resignations: bool = True):
    """The roster a stored run used, rebuilt from its stored roster, contracts (and 중도포기서) blobs
    (``apply_resignations=False``: the contracts as signed, before any 중도포기서 ended one early)."""
    manifest = json.loads(run.inputs_manifest)
    by_role = {e["role"]: e for e in manifest}
    missing = [r for r in ("roster", "contracts") if r not in by_role]
    if missing:
        raise InputError(f"실행 {run.run_id}: 입력에 {', '.join(missing)} 파일이 없습니다")
    with tempfile.TemporaryDirectory(prefix="payroll-roster-") as tmp:
        paths = {}
        for role in ("roster", "contracts", "resignations"):
            if role in by_role and (apply_resignations or role != "resignations"):
                data = blob_bytes(session, by_role[role]["sha256"])
                if data is None:
                    raise InputError(f"실행 {run.run_id}: 저장된 {role} 파일이 저장소에 없습니다")
                paths[role] = Path(tmp) / f"{role}.csv"
                paths[role].write_bytes(data)
        return load_month_roster(paths["roster"], paths["contracts"], paths.get("resignations"))


def employed_on(session: Session, day: dt.date):
    """(roster, worker ids employed on ``day`` under a contract covering it): from the record (the
    people and contracts of the database, payroll.record); a database whose record holds no one yet
    (runs made from roster files only) falls back on the roster of the run paid for ``day``'s month."""
    from payroll.record import people

    month = f"{day.year:04d}-{day.month:02d}"
    if people.has_workers(session):
        roster = people.roster_for_month(session, month)
        employed = sorted(wid for wid in roster.workers if any(c.start <= day and (c.end is None or c.end >= day) for c in roster.contracts_of(wid)))
        return roster, employed
    run = paid_runs(session, [month]).get(month)
    if run is None:
        raise InputError(f"{month} 실행이 저장되어 있지 않습니다: 먼저 {month}을(를) 실행하세요 (연말정산은 {day.isoformat()} 재직자를 정산하고 "
                         f"그해 급여를 저장된 실행에서 읽습니다)")
    roster = roster_of_run(session, run)
    employed = sorted(wid for wid in roster.workers if any(c.start <= day and (c.end is None or c.end >= day) for c in roster.contracts_of(wid)))
    return roster, employed
