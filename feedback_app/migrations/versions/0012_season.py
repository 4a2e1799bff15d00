"""lineage of published versions: the draft, the previous version, what changed

Revision ID: 0012_season
Revises: 0009_wave_changes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_season"
down_revision = "0009_wave_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("draft_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("previous_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.JSON(), server_default="[]", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_questionnaire_version_previous_version_id_questionnaire_version"),
            "questionnaire_version",
            ["previous_version_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_questionnaire_version_previous_version_id_questionnaire_version"),
            type_="foreignkey",
        )
        batch_op.drop_column("changes")
        batch_op.drop_column("previous_version_id")
        batch_op.drop_column("draft_revision")
        batch_op.drop_column("draft_id")
