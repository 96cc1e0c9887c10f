"""security: the month lock, correction approvals, sealed inputs (주민등록번호), the key fingerprint, login throttling.

Revision ID: security_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "security_0001"
down_revision = None
branch_labels = ("security",)
depends_on = "store_0001"


def upgrade() -> None:
    op.create_table(
        "month_activity",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("holder", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("process", sa.String(200), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "correction_approvals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=False),
        sa.Column("approved_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("used_by_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=True),
    )
    op.create_index("ix_correction_approvals_month", "correction_approvals", ["month"])
    op.create_table(
        "sealed_inputs",
        sa.Column("sha256", sa.String(64), sa.ForeignKey("input_blobs.sha256"), primary_key=True),
        sa.Column("original_sha256", sa.String(64), nullable=False),
        sa.Column("cipher", sa.LargeBinary, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("rrn_count", sa.Integer, nullable=False),
        sa.Column("sealed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "key_fingerprints",
        sa.Column("purpose", sa.String(16), primary_key=True),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("registered_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime, nullable=False),
        sa.Column("blocked_until", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    for table in ("login_throttle", "key_fingerprints", "sealed_inputs", "correction_approvals", "month_activity"):
        op.drop_table(table)
