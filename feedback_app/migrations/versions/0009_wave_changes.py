"""readable links for waves

Revision ID: 0009_wave_changes
Revises: 0006_pending_import
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_wave_changes"
down_revision = "0008_throttles_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["wave.id"], name=op.f("fk_wave_link_wave_id_wave"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wave_link")),
        sa.UniqueConstraint("name", name=op.f("uq_wave_link_name")),
    )
    with op.batch_alter_table("wave_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wave_link_wave_id"), ["wave_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wave_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wave_link_wave_id"))
    op.drop_table("wave_link")
