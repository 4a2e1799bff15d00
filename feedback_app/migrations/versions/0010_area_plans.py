"""each area's own improvement plan, and every version of it

Existing areas get a plan holding today's KPI bank (surveys/library/kpis.yaml):
the same KPIs and targets, each recorded baseline becoming the agreed baseline,
dated the day the area's baseline wave closed (the chosen one, else the earliest
closed wave), so targets follow the agreed figure and an older wave imported later
does not re-base them. See docs/adr/0025-area-plans.md and README "Upgrading".

Revision ID: 0010_area_plans
Revises: 0009_wave_changes
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0010_area_plans"
down_revision = "0009_wave_changes"
branch_labels = None
depends_on = None

SUMMARY = "Plan made from the KPI bank on upgrading (recorded baselines agreed)"


def upgrade() -> None:
    op.create_table(
        "area_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["local_area.id"], name=op.f("fk_area_plan_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff_user.id"],
            name=op.f("fk_area_plan_updated_by_id_staff_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_plan")),
        sa.UniqueConstraint("area_id", name=op.f("uq_area_plan_area_id")),
    )  # fmt: skip
    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["local_area.id"], name=op.f("fk_plan_revision_area_id_local_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_user.id"],
            name=op.f("fk_plan_revision_author_id_staff_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
        sa.UniqueConstraint(
            "area_id", "version", name=op.f("uq_plan_revision_area_id_version")
        ),
    )  # fmt: skip
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.create_index("ix_plan_revision_area_created", ["area_id", "created_at"])
    _plans_for_existing_areas()


def _plans_for_existing_areas() -> None:
    from surveys.kpis import bundled_kpi_bank, plan_data, plan_from_bank

    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    area = sa.table(
        "local_area",
        sa.column("id"),
        sa.column("name"),
        sa.column("results_settings"),
        sa.column("timezone"),
    )
    wave = sa.table("wave", sa.column("id"), sa.column("area_id"), sa.column("closes_at"))
    plan = sa.table(
        "area_plan",
        sa.column("area_id"),
        sa.column("document", sa.JSON()),
        sa.column("version"),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    revision_table = sa.table(
        "plan_revision",
        sa.column("area_id"),
        sa.column("version"),
        sa.column("document", sa.JSON()),
        sa.column("summary"),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    for area_id, name, settings, timezone in bind.execute(
        sa.select(area.c.id, area.c.name, area.c.results_settings, area.c.timezone)
    ).all():
        if isinstance(settings, str):
            settings = json.loads(settings)
        chosen = (settings or {}).get("baseline_wave_id")
        closes = [
            (row.id, _aware(row.closes_at))
            for row in bind.execute(
                sa.select(wave.c.id, wave.c.closes_at).where(
                    wave.c.area_id == area_id, wave.c.closes_at.is_not(None)
                )
            ).all()
        ]
        closed = sorted((moment, wave_id) for wave_id, moment in closes if moment <= now)
        day = next((m for m, i in closed if i == chosen), closed[0][0] if closed else None)
        document = plan_data(
            plan_from_bank(
                bundled_kpi_bank(),
                title=f"{name} improvement plan",
                baseline_date=_last_day(day, timezone) if day else None,
            )
        )
        bind.execute(
            plan.insert().values(area_id=area_id, document=document, version=1, updated_at=now)
        )
        bind.execute(
            revision_table.insert().values(
                area_id=area_id, version=1, document=document, summary=SUMMARY, created_at=now
            )
        )


def _last_day(closes_at: dt.datetime, timezone: str | None) -> dt.date:
    """The last day people could answer (the board's rule, web.local_days.last_day)."""
    try:
        zone = ZoneInfo(timezone or "Europe/London")
    except (ValueError, KeyError):
        zone = ZoneInfo("Europe/London")
    return (closes_at - dt.timedelta(microseconds=1)).astimezone(zone).date()


def _aware(moment: dt.datetime | str) -> dt.datetime:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def downgrade() -> None:
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_revision_area_created")
    op.drop_table("plan_revision")
    op.drop_table("area_plan")
