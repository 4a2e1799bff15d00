"""Upgrades keep every response: migrate an old schema holding answers to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, create_engine, text

from feedback_app.migrate import alembic_config, upgrade

WHEN = "2025-01-01 00:00:00"
ROWS = {
    "local_area": dict(
        id=1,
        slug="a",
        name="A",
        colour="#1d70b8",
        timezone="Europe/London",
        localities="[]",
        created_at=WHEN,
    ),
    "questionnaire_version": dict(
        id=1,
        area_id=1,
        questionnaire_id="q",
        version=1,
        title="Q",
        definition="x",
        checksum="c",
        created_at=WHEN,
    ),
    "wave": dict(
        id=1,
        area_id=1,
        version_id=1,
        slug="w",
        name="W",
        opens_at=WHEN,
        closes_at=None,
        created_at=WHEN,
    ),
    "response": dict(
        id=1,
        wave_id=1,
        version_id=1,
        token_hash="t",
        status="submitted",
        channel="online",
        language="en",
        started_at=WHEN,
        updated_at=WHEN,
    ),
    "answer": dict(
        id=1, response_id=1, question_id="trust_confidence", value='"agree"', updated_at=WHEN
    ),
}


def _insert(conn: Connection, table: str, row: dict[str, object]) -> None:
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def test_upgrading_from_the_first_schema_keeps_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        for table, row in ROWS.items():
            _insert(conn, table, row)
    upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM answer")).scalar_one() == '"agree"'
        assert conn.execute(text("SELECT invitation_only FROM wave")).scalar_one() == 0
    engine.dispose()


def test_the_models_and_the_migrations_describe_the_same_schema(database_url: str) -> None:
    """Alembic's autogenerate finds nothing to add: every model is migrated, and
    ``feedback_app.models`` holds every table (there is no hand-kept list)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from feedback_app.models import Base

    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_gives_each_area_a_plan_with_its_baselines_agreed(tmp_path: Path) -> None:
    """Migration 0010: today's KPIs, recorded baselines agreed, dated the baseline wave."""
    import json

    url = f"sqlite:///{tmp_path / 'before-plans.sqlite'}"
    command.upgrade(alembic_config(url), "0009_wave_changes")
    engine = create_engine(url)
    with engine.begin() as conn:
        for table, row in ROWS.items():
            if table == "wave":
                row = {**row, "closes_at": "2025-03-01 00:00:00"}
            _insert(conn, table, row)
        # Closes at midnight in London (23:00 UTC): its last day is 30 September.
        _insert(conn, "wave", {**ROWS["wave"], "id": 2, "slug": "w2",
                               "closes_at": "2025-09-30 23:00:00"})  # fmt: skip
        conn.execute(text("UPDATE local_area SET results_settings = :s"),
                     {"s": json.dumps({"baseline_wave_id": 2})})  # fmt: skip
    upgrade(url)
    with engine.connect() as conn:
        document = json.loads(conn.execute(text("SELECT document FROM area_plan")).scalar_one())
        summary = conn.execute(text("SELECT summary FROM plan_revision")).scalar_one()
    engine.dispose()
    trust = document["kpis"][0]
    assert document["plan"]["title"] == "A improvement plan"
    assert trust["id"] == "kpi_4_1" and "recorded_baseline" not in trust
    assert trust["agreed_baseline"]["value"] == 38.5
    assert trust["agreed_baseline"]["date"] == "2025-09-30"  # the chosen baseline wave
    assert trust["target"] == {"rule": "baseline_plus_pp", "value": 10.0, "due": "18 months"}
    assert "recorded baselines agreed" in summary
