"""staff single sign-on (role mappings, single-sign-on-only areas, provider subjects)

Revision ID: 0015_single_sign_on
Revises: 0014_results_monitoring
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_single_sign_on"
down_revision = "0014_results_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_role_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("creates_accounts", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_sso_role_mapping_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_role_mapping")),
        sa.UniqueConstraint("area_id", "claim", "value", name=op.f("uq_sso_role_mapping_area_id")),
    )
    with op.batch_alter_table("sso_role_mapping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_role_mapping_area_id"), ["area_id"], unique=False)
    # Plain ADD COLUMN (no table copy): other tables' foreign keys point at both.
    op.add_column(
        "local_area",
        sa.Column("sso_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("staff_user", sa.Column("sso_subject", sa.String(length=600), nullable=True))
    op.create_index(op.f("ix_staff_user_sso_subject"), "staff_user", ["sso_subject"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_user_sso_subject"), table_name="staff_user")
    for column in ("sso_subject",):
        op.drop_column("staff_user", column)
    op.drop_column("local_area", "sso_only")
    with op.batch_alter_table("sso_role_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_role_mapping_area_id"))
    op.drop_table("sso_role_mapping")
