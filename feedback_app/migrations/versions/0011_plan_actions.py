"""plan statuses (status schemes, KPI status overrides) and the plan's actions

Revision ID: 0011_plan_actions
Revises: 0010_area_plans (the lead chains it after 0010)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_plan_actions"
down_revision = "0010_area_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_status_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("kpi_reference", sa.String(length=60), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=True),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_kpi_status_override_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["staff_user.id"],
            name=op.f("fk_kpi_status_override_set_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_status_override")),
    )
    with op.batch_alter_table("kpi_status_override", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kpi_status_override_area_kpi", ["area_id", "kpi_reference"], unique=False
        )

    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column("priority", sa.String(length=300), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_links", sa.JSON(), nullable=False),
        sa.Column("kpi_references", sa.JSON(), nullable=False),
        sa.Column("status_colour", sa.String(length=20), nullable=True),
        sa.Column("status_label", sa.String(length=60), nullable=False),
        sa.Column("status_kind", sa.String(length=20), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("commentary", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_plan_action_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_plan_action_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
    )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index("ix_plan_action_area", ["area_id"], unique=False)

    op.create_table(
        "status_scheme",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("preset", sa.String(length=40), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_status_scheme_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_status_scheme_updated_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_status_scheme")),
    )
    op.create_table(
        "plan_action_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("commentary", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_action_status_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["staff_user.id"],
            name=op.f("fk_plan_action_status_set_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action_status")),
    )
    with op.batch_alter_table("plan_action_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_action_status_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "plan_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_milestone_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_milestone")),
    )
    with op.batch_alter_table("plan_milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_milestone_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "scheme_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["status_scheme.area_id"],
            name=op.f("fk_scheme_status_area_id_status_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_status")),
        sa.UniqueConstraint("area_id", "colour", name="uq_scheme_status_area_colour"),
    )
    with op.batch_alter_table("scheme_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_status_area_id"), ["area_id"], unique=False)

    with op.batch_alter_table("area_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_action_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_area_action_plan_action_id"), ["plan_action_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_area_action_plan_action_id_plan_action"),
            "plan_action",
            ["plan_action_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("area_action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_area_action_plan_action_id_plan_action"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_area_action_plan_action_id"))
        batch_op.drop_column("plan_action_id")

    with op.batch_alter_table("scheme_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_status_area_id"))

    op.drop_table("scheme_status")
    with op.batch_alter_table("plan_milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_milestone_action_id"))

    op.drop_table("plan_milestone")
    with op.batch_alter_table("plan_action_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_action_status_action_id"))

    op.drop_table("plan_action_status")
    op.drop_table("status_scheme")
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_action_area")

    op.drop_table("plan_action")
    with op.batch_alter_table("kpi_status_override", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_status_override_area_kpi")

    op.drop_table("kpi_status_override")
