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
    from feedback_app.demo import load_demo, load_demo_staff

    waves = load_demo(db.session())
    click.echo(f"Demo area ready with {len(waves)} open surveys.")
    for role, email, password in load_demo_staff(db.session()):
        click.echo(f"  Staff sign-in ({role}): {email} / {password}")


@cli.group()
def areas() -> None:
    """Local areas."""


@areas.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The area's name as people know it.")
@click.option("--colour", default="#1d70b8", show_default=True, help="Header colour, #rrggbb.")
def areas_create(slug: str, name: str, colour: str) -> None:
    """Create a local area with the short name SLUG (used in staff addresses)."""
    from feedback_app.areas import AreaError, create_area

    try:
        create_area(db.session(), slug=slug, name=name, colour=colour)
    except AreaError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Created area {slug}.")


@cli.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--area", "area_slug", required=True, help="The area's slug.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["administrator", "coordinator", "officer", "reviewer"]),
)
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(area_slug: str, role: str, email: str, password_stdin: bool) -> None:
    """Create a member of staff (or give an existing one a role in another area)."""
    from sqlalchemy import select

    from feedback_app.accounts import AccountError, create_user
    from feedback_app.models import LocalArea
    from feedback_app.roles import Role

    session = db.session()
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None:
        raise click.UsageError(f"no area with the slug {area_slug!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(session, area=area, email=email, role=Role(role), password=password)
    except AccountError as error:
        session.rollback()
        raise click.UsageError(str(error)) from None
    session.commit()
    click.echo(f"{email} is now {role} in {area_slug}.")


def main() -> None:
    """Console-script entry point."""
    cli.main()
