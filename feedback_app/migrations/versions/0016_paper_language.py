"""the language of a keyed paper form

Revision ID: 0016_paper_language
Revises: 0015_single_sign_on
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_paper_language"
down_revision = "0015_single_sign_on"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Forms keyed before this were all printed in English.
    with op.batch_alter_table("paper_return", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=10), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("paper_return", schema=None) as batch_op:
        batch_op.drop_column("language")
