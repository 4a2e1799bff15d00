"""The ``feedback-app`` command: the Flask CLI with the app and our commands loaded."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from feedback_app import create_app, db
from feedback_app.models import StaffUser


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
    from feedback_app.demo.loading import load_demo, load_demo_staff

    waves = load_demo(db.session())
    click.echo(f"Demo area ready with {len(waves)} open surveys.")
    for role, email, password in load_demo_staff(db.session()):
        click.echo(f"  Staff sign-in ({role}): {email} / {password}")
    import time

    from feedback_app.demo.results import load_demo_results

    started = time.perf_counter()
    loaded = load_demo_results(db.session())
    made = sum(w.created for w in loaded)
    click.echo(
        f"Demo results: {len(loaded)} closed waves ({made} loaded now, "
        f"{sum(w.submitted for w in loaded)} responses) in {time.perf_counter() - started:.1f} s."
    )


@cli.group()
def areas() -> None:
    """Local areas."""


@areas.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The area's name as people know it.")
@click.option("--colour", default="#1d70b8", show_default=True, help="Header colour, #rrggbb.")
def areas_create(slug: str, name: str, colour: str) -> None:
    """Create a local area with the short name SLUG (used in staff addresses)."""
    from feedback_app.staff.areas import AreaError, create_area

    try:
        create_area(db.session(), slug=slug, name=name, colour=colour)
    except AreaError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Created area {slug}.")


@areas.command("delete")
@click.argument("slug")
@click.option("--confirm", required=True, help="Type the area's slug again to confirm.")
def areas_delete(slug: str, confirm: str) -> None:
    """Delete the area SLUG and everything in it, for good (audited with counts)."""
    from flask import current_app

    from feedback_app.data_protection.deletion import DeletionError, delete_area_by_slug

    if confirm != slug:
        raise click.UsageError("--confirm must repeat the area's slug exactly")
    session = current_app.extensions["db_sessionmaker_write"]()
    try:
        counts = delete_area_by_slug(session, slug)
    except DeletionError as error:
        raise click.UsageError(str(error)) from None
    finally:
        session.close()
    click.echo(f"Deleted area {slug}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@cli.group()
def retention() -> None:
    """Retention: deleting answers past their retention period."""


@retention.command("apply")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--now", "now_text", help="Pretend it is this moment (ISO 8601), e.g. for tests.")
def retention_apply(dry_run: bool, now_text: str | None) -> None:
    """Delete free text, then whole responses, past each wave's retention period."""
    import datetime as dt

    from flask import current_app

    from feedback_app.data_protection.retention import (
        DEFAULT_CONTACT_RETENTION_DAYS,
        apply,
        expire_contacts,
    )

    now = None
    if now_text is not None:
        try:
            now = dt.datetime.fromisoformat(now_text)
        except ValueError:
            raise click.UsageError(f"--now must be an ISO 8601 date, not {now_text!r}") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
    session = current_app.extensions["db_sessionmaker_write"]()
    try:
        results = apply(session, now=now, dry_run=dry_run)
    finally:
        session.close()
    verb = "would delete" if dry_run else "deleted"
    for result in results:
        if result.anything:
            counts = result.counts()
            click.echo(
                f"wave {result.wave_id}: {verb} {counts['free_text_answers']} free-text answers,"
                f" {counts['answers']} answers, {counts['responses']} responses,"
                f" {counts['paper_returns']} paper returns"
            )
    total = sum(r.responses for r in results)
    click.echo(f"Retention: {verb} {total} responses in {len(results)} waves checked.")
    session = current_app.extensions["db_sessionmaker_write"]()
    try:
        days = int(current_app.config.get("CONTACT_RETENTION_DAYS", DEFAULT_CONTACT_RETENTION_DAYS))
        contacts = expire_contacts(session, now=now, days=days, dry_run=dry_run)
    finally:
        session.close()
    click.echo(
        f"Contacts: {verb} {sum(contacts.values())} people in {len(contacts)} waves"
        f" closed more than {days} days ago."
    )
    from feedback_app.data_protection.retention import expire_update_list
    from feedback_app.sending import updates

    unconfirmed = int(
        current_app.config.get("UPDATE_UNCONFIRMED_DAYS", updates.DEFAULT_UNCONFIRMED_DAYS)
    )
    kept = int(
        current_app.config.get("UPDATE_LIST_RETENTION_DAYS", updates.DEFAULT_LIST_RETENTION_DAYS)
    )
    session = current_app.extensions["db_sessionmaker_write"]()
    try:
        listed = expire_update_list(
            session, now=now, unconfirmed_days=unconfirmed, confirmed_days=kept, dry_run=dry_run
        )
    finally:
        session.close()
    click.echo(
        f"Update lists: {verb} {sum(listed.values())} people in {len(listed)} areas"
        f" (not confirmed in {unconfirmed} days, or confirmed more than {kept} days ago)."
    )


@cli.command("send")
@click.option(
    "--batch",
    "limit",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100000),
    help="Send at most this many messages in this run.",
)
def send(limit: int) -> None:
    """Send due invitations and reminders, then update-list confirmations and
    updates, and fetch delivery statuses (ADR 0029, 0039).

    Run it from systemd or cron every few minutes; it is safe to run again at any
    time, and after a worker was killed: no one gets a message twice for one step.
    """
    from flask import current_app, url_for

    from feedback_app.models import Wave
    from feedback_app.sending.backends import backend_from_config
    from feedback_app.sending.updates import send_updates
    from feedback_app.sending.worker import send_due
    from feedback_app.staff import audit

    config = current_app.config
    backend = backend_from_config(config)
    if backend is None:
        click.echo("Sending is not set up: set SEND_BACKEND to notify or smtp.", err=True)
        sys.exit(2)
    base = str(config.get("PUBLIC_BASE_URL") or "http://localhost:8000")

    def link_for(token: str) -> str:
        with current_app.test_request_context("/", base_url=base):
            return url_for("distribution_public.invitation", token=token, _external=True)

    def page(endpoint: str, **values: str) -> str:
        with current_app.test_request_context("/", base_url=base):
            return url_for(endpoint, _external=True, **values)

    session = current_app.extensions["db_sessionmaker_write"]()
    try:
        report = send_due(session, backend, config=dict(config), link_for=link_for, limit=limit)
        for wave_id in sorted(set(report.by_wave) | set(report.failed_by_wave)):
            wave = session.get(Wave, wave_id)
            audit.record(
                session,
                "send",
                area_id=wave.area_id if wave else None,
                commit=False,
                what="invitations",
                wave_id=wave_id,
                sent=report.by_wave[wave_id],
                failed=report.failed_by_wave[wave_id],
                backend=backend.name,
            )
        session.commit()
        news = send_updates(
            session,
            backend,
            config=dict(config),
            url=page,
            limit=max(limit - report.sent - report.failed, 1),
        )
        for area_id in sorted(
            set(news.confirmations_by_area) | set(news.updates_by_area) | set(news.failed_by_area)
        ):
            audit.record(
                session,
                "send",
                area_id=area_id,
                commit=False,
                what="update_list",
                confirmations=news.confirmations_by_area[area_id],
                updates=news.updates_by_area[area_id],
                failed=news.failed_by_area[area_id],
                backend=backend.name,
            )
        session.commit()
    finally:
        session.close()
    click.echo(
        f"Sent {report.sent}, failed {report.failed}, to retry {report.retrying},"
        f" skipped {report.skipped} (link used), planned {report.planned},"
        f" settled {report.settled} interrupted, {report.statuses} statuses updated."
    )
    click.echo(
        f"Update lists: sent {news.sent}, failed {news.failed}, to retry {news.retrying},"
        f" skipped {news.skipped}, settled {news.settled} interrupted,"
        f" {news.statuses} statuses updated."
    )


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
    """Create a member of staff, or give an existing one a role (their password stays)."""
    from sqlalchemy import select

    from feedback_app.models import LocalArea
    from feedback_app.staff import audit
    from feedback_app.staff.accounts import AccountError, create_user, find_user
    from feedback_app.staff.roles import Role

    session = db.session()
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None:
        raise click.UsageError(f"no area with the slug {area_slug!r}")
    existing = find_user(session, email)
    password = None
    if existing is None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(session, area=area, email=email, role=Role(role), password=password)
    except AccountError as error:
        session.rollback()
        raise click.UsageError(str(error)) from None
    audit.record_for_person(
        session,
        "role_added",
        person=user,
        user_id=None,
        area_id=area.id,
        commit=False,
        by="command line",
        role=role,
    )
    session.commit()
    if existing is not None:
        click.echo(f"{email} already has an account: its password is unchanged.")
    click.echo(f"{email} is now {role} in {area_slug}.")


def _account(email: str) -> StaffUser:
    from feedback_app.staff.accounts import find_user

    user = find_user(db.session(), email)
    if user is None:
        raise click.UsageError(f"no account with the email address {email!r}")
    return user


@users.command("reset-link")
@click.option("--email", required=True)
def users_reset_link(email: str) -> None:
    """Print a one-time password reset link for anyone (the operator's reset, audited).

    Area administrators can only reset people who work in no other area; this is
    the way for everyone else. Audited in every area the person works in.
    """
    from flask import current_app, url_for

    from feedback_app.staff import audit
    from feedback_app.staff.accounts import OPERATOR_RESET, issue_link

    session = db.session()
    user = _account(email)
    if not user.memberships:
        raise click.UsageError(f"{email} has no role in any area")
    token = issue_link(
        session,
        purpose=OPERATOR_RESET,
        area=user.memberships[0].area,
        email=user.email,
        role=None,
        created_by=None,
    )
    audit.record_for_person(
        session,
        "password_reset_link",
        person=user,
        user_id=None,
        commit=False,
        by="command line",
    )
    session.commit()
    with current_app.test_request_context():  # only to build the path
        path = url_for("staff.use_link", token=token)
    click.echo(
        f"Give {user.email} this link (it works once, for 7 days), after your site's address:"
    )
    click.echo(path)


@users.command("deactivate")
@click.option("--email", required=True)
def users_deactivate(email: str) -> None:
    """Refuse this account's sign-in everywhere and end its sessions (audited)."""
    from feedback_app.staff import audit
    from feedback_app.staff import sessions as staff_sessions

    session = db.session()
    user = _account(email)
    user.active = False
    ended = staff_sessions.end_all(session, user.id)
    audit.record_for_person(
        session,
        "deactivate",
        person=user,
        user_id=None,
        commit=False,
        by="command line",
        everywhere=True,
        sessions_ended=ended,
    )
    session.commit()
    click.echo(f"{email} can no longer sign in ({ended} sessions ended).")


@users.command("reset-second-factor")
@click.option("--email", required=True)
def users_reset_second_factor(email: str) -> None:
    """Turn off anyone's two-step sign-in and end their sessions (a lost phone; audited).

    For when no administrator can (the only administrator lost their phone and their
    recovery codes). An administrator sets it up again at the next sign-in.
    """
    from feedback_app.staff import audit, second_factor

    session = db.session()
    user = _account(email)
    if not user.totp_secret:
        raise click.UsageError(f"{email} has no two-step sign-in to reset")
    second_factor.reset(session, user)
    audit.record_for_person(
        session, "second_factor_reset", person=user, user_id=None, commit=False, by="command line"
    )
    session.commit()
    click.echo(f"Two-step sign-in is off for {email}; their sessions have ended.")


@users.command("activate")
@click.option("--email", required=True)
def users_activate(email: str) -> None:
    """Let an account deactivated with ``users deactivate`` sign in again (audited)."""
    from feedback_app.staff import audit

    session = db.session()
    user = _account(email)
    user.active = True
    audit.record_for_person(
        session,
        "reactivate",
        person=user,
        user_id=None,
        commit=False,
        by="command line",
        everywhere=True,
    )
    session.commit()
    click.echo(f"{email} can sign in again where their roles are active.")


def main() -> None:
    """Console-script entry point."""
    cli.main()
