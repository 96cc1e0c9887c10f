"""store: one dictionary per run, so that each worker's stored result is short (issue 20).

A run's results were one JSON per worker, each repeating the run's legal references over some 35
trace entries (≈ 22,000 characters a worker). From this revision a run also stores its
dictionary — the row's columns, shared texts, pay items, references and trace entries — and each
worker's ``result_json`` holds ids and values (``payroll.runs.results``). Runs recorded before
keep their whole JSON and have no dictionary; they are read as they are (immutable records are
not rewritten: their results hash covers those texts).

Each worker's row also gets its name and department beside the figures already there, so that the
console lists a run's workers and sums its departments from these columns alone (NULL for the
runs recorded before, which the console reads from their JSON).

Revision ID: store_0003_dictionaries
Revises: store_0002_d14
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0003_dictionaries"
down_revision = "store_0002_d14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_dictionaries",
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.run_id"), primary_key=True),
        sa.Column("content", sa.Text, nullable=False),
    )
    with op.batch_alter_table("worker_results") as batch:
        batch.add_column(sa.Column("name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("department", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("worker_results") as batch:
        batch.drop_column("department")
        batch.drop_column("name")
    op.drop_table("run_dictionaries")
