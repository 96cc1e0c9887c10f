"""store: input files kept packed (issue 20: the database of a 1,165-worker run under 5 MB).

The attendance exports, rosters and contracts a run keeps for replay are text that packs to a fifth
or less; ``input_blobs.encoding`` says how ``content`` holds them (NULL: as they are, the blobs
stored before; ``zlib``: packed). The sha256 stays that of the bytes themselves, so a run's
manifest and hash do not change.

Revision ID: store_0005_blob_encoding
Revises: store_0004_pay_state
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0005_blob_encoding"
down_revision = "store_0004_pay_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("input_blobs") as batch:
        batch.add_column(sa.Column("encoding", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("input_blobs") as batch:
        batch.drop_column("encoding")
