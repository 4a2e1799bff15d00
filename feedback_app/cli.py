"""The ``feedback-app`` command: the Flask CLI with the app and our commands loaded."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from feedback_app import create_app, db


def _create_app() -> Flask:
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="SEND feedback: surveys, data and the web app.")


@cli.group()
def surveys() -> None:
    """Questionnaire definition files."""


@surveys.command("check")
@click.argument("paths", nargs=-1, required=True)
def surveys_check(paths: tuple[str, ...]) -> None:
    """Validate questionnaire files; print every problem as file:line: where: what."""
    from surveys.cli import main as surveys_main

    sys.exit(surveys_main(["check", *paths]))


@cli.group("db")
def database() -> None:
    """The database."""


@database.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration (alembic upgrade head)."""
    from feedback_app.migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


@cli.group()
def demo() -> None:
    """The demo local area."""


@demo.command("load")
def demo_load() -> None:
    """Load the bundled questionnaires into the demo area with open waves."""
    from feedback_app.demo import load_demo

    waves = load_demo(db.session())
    click.echo(f"Demo area ready with {len(waves)} open surveys.")


def main() -> None:
    """Console-script entry point."""
    cli.main()
