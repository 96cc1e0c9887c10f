"""store: the base tables (input blobs, runs, worker results, month locks, 소급분, audit log, personal data).

Revision ID: store_0001
Revises:
Create Date: 2026-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0001"
down_revision = None
branch_labels = ("store",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "input_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("pay_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("corrects_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=True),
        sa.Column("rules_hash", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(120), nullable=False),
        sa.Column("inputs_manifest", sa.Text, nullable=False),
        sa.Column("outputs_manifest", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("run_hash", sa.String(64), nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("gross_pay_total", sa.BigInteger, nullable=False),
        sa.Column("deductions_total", sa.BigInteger, nullable=False),
        sa.Column("net_pay_total", sa.BigInteger, nullable=False),
        sa.Column("out_dir", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.CheckConstraint("kind in ('regular', 'correction')", name="ck_runs_kind"),
    )
    op.create_index("ix_runs_month", "runs", ["month"])
    op.create_index("ix_runs_run_hash", "runs", ["run_hash"])
    op.create_table(
        "worker_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("gross_pay", sa.BigInteger, nullable=False),
        sa.Column("taxable_pay", sa.BigInteger, nullable=False),
        sa.Column("deductions_total", sa.BigInteger, nullable=False),
        sa.Column("income_tax", sa.BigInteger, nullable=False),
        sa.Column("local_income_tax", sa.BigInteger, nullable=False),
        sa.Column("net_pay", sa.BigInteger, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.UniqueConstraint("run_id", "row", name="uq_worker_results_run_row"),
    )
    op.create_index("ix_worker_results_run_worker", "worker_results", ["run_id", "worker_id"])
    op.create_table(
        "month_locks",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=False),
        sa.Column("closed_by", sa.String(120), nullable=False),
    )
    op.create_table(
        "retro_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("correction_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("corrected_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("belongs_month", sa.String(7), nullable=False),
        sa.Column("pay_month", sa.String(7), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("source_code", sa.String(64), nullable=False),
        sa.Column("old_amount", sa.BigInteger, nullable=False),
        sa.Column("new_amount", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
    )
    op.create_index("ix_retro_items_correction_run_id", "retro_items", ["correction_run_id"])
    op.create_index("ix_retro_items_pay_month", "retro_items", ["pay_month"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "personal_data",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("rrn_cipher", sa.LargeBinary, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("masked", sa.String(14), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("personal_data", "audit_log", "retro_items", "month_locks", "worker_results", "runs", "input_blobs"):
        op.drop_table(table)
