"""yearend: 소득·세액공제신고서 submissions (dated, versioned), 분납 choices, recorded year-end settlements.

Revision ID: yearend_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "yearend_0001"
down_revision = None
branch_labels = ("yearend",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "yearend_declarations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("worker_id", "year", "version", name="uq_yearend_declarations_version"),
    )
    op.create_index("ix_yearend_declarations_year_worker", "yearend_declarations", ["year", "worker_id"])
    op.create_table(
        "yearend_installments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("spread", sa.Boolean, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
    )
    op.create_index("ix_yearend_installments_year_worker", "yearend_installments", ["year", "worker_id"])
    op.create_table(
        "yearend_batches",
        sa.Column("batch_id", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("rules_hash", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(120), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("exceptions", sa.Text, nullable=False),
    )
    op.create_table(
        "yearend_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(40), sa.ForeignKey("yearend_batches.batch_id"), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("declaration_id", sa.Integer, nullable=True),
        sa.Column("total_pay", sa.BigInteger, nullable=False),
        sa.Column("determined_tax", sa.BigInteger, nullable=False),
        sa.Column("determined_local_tax", sa.BigInteger, nullable=False),
        sa.Column("income_tax", sa.BigInteger, nullable=False),
        sa.Column("local_income_tax", sa.BigInteger, nullable=False),
        sa.Column("spread", sa.Boolean, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.UniqueConstraint("batch_id", "worker_id", name="uq_yearend_results_batch_worker"),
    )
    op.create_index("ix_yearend_results_batch", "yearend_results", ["batch_id"])


def downgrade() -> None:
    op.drop_table("yearend_results")
    op.drop_table("yearend_batches")
    op.drop_table("yearend_installments")
    op.drop_table("yearend_declarations")
