"""two-step sign-in: TOTP secrets, recovery codes, how a staff session began

Revision ID: 0019_totp
Revises: 0018_api
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_totp"
down_revision = "0018_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_recovery_code_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)
    # Plain ADD COLUMN (no table copy): other tables' foreign keys point at staff_user.
    op.add_column("staff_user", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("staff_user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    # Sessions open before this began with a password (single sign-on sessions
    # were not told apart); at worst an SSO session ends when an area turns SSO-only.
    op.add_column(
        "staff_session",
        sa.Column("method", sa.String(length=20), server_default="password", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("staff_session", "method")
    op.drop_column("staff_user", "totp_last_step")
    op.drop_column("staff_user", "totp_secret")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
