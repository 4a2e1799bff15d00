"""lineage of published versions: the draft, the previous version, what changed

Revision ID: 0012_season
Revises: 0011_plan_actions
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_season"
down_revision = "0011_plan_actions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain added columns: no table rebuild (waves and responses reference it).
    op.add_column("questionnaire_version", sa.Column("draft_id", sa.Integer(), nullable=True))
    op.add_column("questionnaire_version", sa.Column("draft_revision", sa.Integer(), nullable=True))
    op.add_column(
        "questionnaire_version", sa.Column("previous_version_id", sa.Integer(), nullable=True)
    )
    op.add_column(
        "questionnaire_version",
        sa.Column("changes", sa.JSON(), server_default="[]", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("changes")
        batch_op.drop_column("previous_version_id")
        batch_op.drop_column("draft_revision")
        batch_op.drop_column("draft_id")
