"""throttle back-off and scopes; audit events grouped with a repeat count

Revision ID: 0008_throttles_audit
Revises: 0006_pending_import
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_throttles_audit"
down_revision = "0007_staff_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=20), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("repeats", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("last_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_audit_event_user_at", "audit_event", ["user_id", "at"])
    op.create_index("ix_login_throttle_window_start", "login_throttle", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_login_throttle_window_start", table_name="login_throttle")
    op.drop_index("ix_audit_event_user_at", table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("last_at")
        batch.drop_column("repeats")
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_column("blocked_until")
        batch.drop_column("scope")
