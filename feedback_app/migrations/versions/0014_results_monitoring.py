"""questions monitored for reach while a wave runs

Revision ID: 0014_results_monitoring
Revises: 0013_contacts
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_results_monitoring"
down_revision = "0013_contacts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitored_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
            name=op.f("fk_monitored_question_wave_id_wave"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_question")),
        sa.UniqueConstraint("wave_id", "question_id", name=op.f("uq_monitored_question_wave_id")),
    )
    with op.batch_alter_table("monitored_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitored_question_wave_id"), ["wave_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("monitored_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitored_question_wave_id"))
    op.drop_table("monitored_question")
