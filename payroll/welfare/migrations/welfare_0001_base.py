"""welfare: group-insurance enrolments, fertility applications and cancellations, welfare payments.

Revision ID: welfare_0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "welfare_0001"
down_revision = None
branch_labels = ("welfare",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "welfare_insurance_enrolments",
        sa.Column("enrolment_id", sa.String(40), primary_key=True),
        sa.Column("worker_id", sa.String(40), nullable=False),
        sa.Column("plan", sa.String(40), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_welfare_insurance_enrolments_worker_id", "welfare_insurance_enrolments", ["worker_id"])
    op.create_table(
        "welfare_fertility_applications",
        sa.Column("application_id", sa.String(40), primary_key=True),
        sa.Column("worker_id", sa.String(40), nullable=False),
        sa.Column("treatment_date", sa.Date, nullable=False),
        sa.Column("cost", sa.BigInteger, nullable=False),
        sa.Column("evidence", sa.String(200), nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_welfare_fertility_applications_worker_id", "welfare_fertility_applications", ["worker_id"])
    op.create_index("ix_welfare_fertility_applications_submitted_at", "welfare_fertility_applications", ["submitted_at"])
    op.create_table(
        "welfare_fertility_cancellations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(40), sa.ForeignKey("welfare_fertility_applications.application_id"), nullable=False, unique=True),
        sa.Column("cancelled_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "welfare_payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("pay_date", sa.Date, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("code", "source", name="uq_welfare_payments_code_source"),
    )
    op.create_index("ix_welfare_payments_worker_id", "welfare_payments", ["worker_id"])
    op.create_index("ix_welfare_payments_month", "welfare_payments", ["month"])


def downgrade() -> None:
    op.drop_table("welfare_payments")
    op.drop_table("welfare_fertility_cancellations")
    op.drop_table("welfare_fertility_applications")
    op.drop_table("welfare_insurance_enrolments")
