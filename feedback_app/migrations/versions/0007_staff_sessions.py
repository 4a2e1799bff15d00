"""staff sessions held server-side; deactivating people per area

Revision ID: 0007_staff_sessions
Revises: 0006_pending_import
Create Date: 2026-12-03

Sign-out, deactivation, a password change and the idle and absolute timeouts end a
staff session by deleting its ``staff_session`` row (ADR 0017). Every session signed
in before this migration ends: old cookies carry no session token.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_staff_sessions"
down_revision = "0006_pending_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_session_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_staff_session_last_seen_at"), ["last_seen_at"], unique=False
        )
    # Adding a column is a plain ALTER TABLE on SQLite too (no table rebuild).
    op.add_column(
        "membership",
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_last_seen_at"))
        batch_op.drop_index(batch_op.f("ix_staff_session_user_id"))
    op.drop_table("staff_session")
