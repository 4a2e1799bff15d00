"""an area's update list: people, updates and the messages sent (issue 16 §1, ADR 0039)

Revision ID: 0017_updates
Revises: 0016_paper_language
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_updates"
down_revision = "0016_paper_language"
branch_labels = None
depends_on = None


def _state_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "update_subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("wants_actions", sa.Boolean(), nullable=False),
        sa.Column("wants_surveys", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("confirm_round", sa.Integer(), nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirm_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leave_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_update_subscriber_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_subscriber")),
        sa.UniqueConstraint("area_id", "email", name="uq_update_subscriber_email"),
        sa.UniqueConstraint("area_id", "mobile", name="uq_update_subscriber_mobile"),
    )
    with op.batch_alter_table("update_subscriber", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_update_subscriber_area_id"), ["area_id"])
        batch_op.create_index(
            batch_op.f("ix_update_subscriber_confirm_token_hash"), ["confirm_token_hash"]
        )
        batch_op.create_index(
            batch_op.f("ix_update_subscriber_leave_token_hash"), ["leave_token_hash"]
        )

    op.create_table(
        "area_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["area_action.id"],
            name=op.f("fk_area_update_action_id_area_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_area_update_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_area_update_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["wave.id"], name=op.f("fk_area_update_wave_id_wave"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_update")),
    )
    with op.batch_alter_table("area_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_update_area_id"), ["area_id"])

    op.create_table(
        "update_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        *_state_columns(),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["local_area.id"],
            name=op.f("fk_update_message_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["update_subscriber.id"],
            name=op.f("fk_update_message_subscriber_id_update_subscriber"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["area_update.id"],
            name=op.f("fk_update_message_update_id_area_update"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_message")),
        sa.UniqueConstraint("update_id", "subscriber_id", name="uq_update_message_update"),
    )
    with op.batch_alter_table("update_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_update_message_area_id"), ["area_id"])
        batch_op.create_index(batch_op.f("ix_update_message_state"), ["state"])
        batch_op.create_index(batch_op.f("ix_update_message_subscriber_id"), ["subscriber_id"])
        batch_op.create_index(batch_op.f("ix_update_message_update_id"), ["update_id"])


def downgrade() -> None:
    op.drop_table("update_message")
    op.drop_table("area_update")
    op.drop_table("update_subscriber")
