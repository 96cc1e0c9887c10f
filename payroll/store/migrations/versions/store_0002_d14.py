"""store: what a run's law says about itself (decision D14) and the 소급분 of its provisional figures.

- ``runs.provisional``: the run carried figures forward that no 고시 had announced (잠정);
- ``runs.law_figures``: JSON list of the provisional and unconfirmed figures the run used;
- ``provisional_settlements``: which provisional run's figure a later run settled with 소급분 lines.

Revision ID: store_0002_d14
Revises: store_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0002_d14"
down_revision = "store_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("provisional", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("law_figures", sa.Text, nullable=False, server_default="[]"))
    op.create_table(
        "provisional_settlements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("settling_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("provisional_run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.UniqueConstraint("settling_run_id", "provisional_run_id", "key", name="uq_provisional_settlement"),
    )
    op.create_index("ix_provisional_settlements_provisional_run_id", "provisional_settlements", ["provisional_run_id"])


def downgrade() -> None:
    op.drop_index("ix_provisional_settlements_provisional_run_id", table_name="provisional_settlements")
    op.drop_table("provisional_settlements")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("law_figures")
        batch.drop_column("provisional")
