"""store: a worker's pay state and attendance decision beside the figures the console lists (issue 17).

A run records every worker-month, but a worker the clerk held (지급 보류, ``payroll.runs.decisions``)
is recorded, not paid: no transfer, no withholding line, left out of the run's totals. The console
lists the held and decided workers of a run, and sums its departments without them, from these
columns alone (as it lists names and departments since store_0003) rather than reading every
worker's stored result:

- ``worker_results.pay_state``: ``paid`` or ``held`` (NULL in runs recorded before: paid);
- ``worker_results.attendance_note``: the decision the payslip and the register print (NULL: none).

Revision ID: store_0004_pay_state
Revises: store_0003_dictionaries
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0004_pay_state"
down_revision = "store_0003_dictionaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker_results") as batch:
        batch.add_column(sa.Column("pay_state", sa.String(10), nullable=True))
        batch.add_column(sa.Column("attendance_note", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("worker_results") as batch:
        batch.drop_column("attendance_note")
        batch.drop_column("pay_state")
