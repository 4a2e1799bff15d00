"""Who is signed in, the session timeouts, and the permission check on every staff route.

A staff session is a row in the database (``feedback_app.staff.sessions``); the
signed cookie holds only its token, so signing out, deactivation, a password change
and the timeouts end it on every instance at once (ADR 0017).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import LocalArea, Membership, StaffUser
from feedback_app.staff import audit
from feedback_app.staff import sessions as staff_sessions
from feedback_app.staff.roles import Permission, allows
from feedback_app.staff.sessions import Ended, Timeouts

#: The cookie key holding the session token (older cookies held a dict here).
_COOKIE_KEY = "staff"
#: What the sign-in page says about why someone was signed out.
TIMEOUT_REASONS = {Ended.IDLE: "1", Ended.ABSOLUTE: "max"}

View = TypeVar("View", bound=Callable[..., Any])


def timeouts() -> Timeouts:
    """The idle and absolute timeouts (``STAFF_IDLE_MINUTES``, ``STAFF_SESSION_HOURS``)."""
    config = current_app.config
    return Timeouts(
        idle=dt.timedelta(
            minutes=int(
                config.get("STAFF_IDLE_MINUTES", staff_sessions.IDLE_TIMEOUT.total_seconds() // 60)
            )
        ),
        absolute=dt.timedelta(
            hours=int(
                config.get(
                    "STAFF_SESSION_HOURS", staff_sessions.ABSOLUTE_TIMEOUT.total_seconds() // 3600
                )
            )
        ),
    )


def sign_in(user: StaffUser) -> None:
    """Start a new session for ``user`` (nothing from the old session survives).

    Commits: the session row must exist before the cookie naming it is sent. Expired
    sessions of everyone are deleted here too, so the table stays small.
    """
    old = session.get(_COOKIE_KEY)
    session.clear()
    db_session = db.session()
    if isinstance(old, str):
        staff_sessions.end(db_session, old)
    staff_sessions.remove_expired(db_session, timeouts=timeouts())
    session[_COOKIE_KEY] = staff_sessions.start(db_session, user)
    db_session.commit()
    g.staff_user = user


def sign_out() -> None:
    """End the staff session: its row is deleted, so a copy of the cookie is useless."""
    token = session.get(_COOKIE_KEY)
    if isinstance(token, str):
        staff_sessions.end(db.session(), token)
        db.session().commit()
    session.clear()
    g.staff_user = None


def current_user() -> StaffUser | None:
    """The signed-in member of staff, or None (signed out, timed out or deactivated).

    One primary-key lookup per request; the idle timer is written at most once a
    minute, and only when this is the request's first use of the database (as it is
    in ``requires``), so nothing else the request does is committed with it.
    """
    if "staff_user" in g:
        return g.staff_user
    token = session.get(_COOKIE_KEY)
    user = None
    if isinstance(token, str) and token:
        fresh = "db_session" not in g
        found = staff_sessions.find(db.session(), token, timeouts=timeouts())
        if found.user is None:
            session.pop(_COOKIE_KEY, None)
            g.staff_timed_out = found.ended
        else:
            user = found.user
            if found.needs_touch and fresh and found.session is not None:
                db_session = db.session()
                db.begin_write(db_session)
                staff_sessions.touch(db_session, found.session)
                db_session.commit()
    elif token is not None:  # a cookie from before server-side sessions
        session.pop(_COOKIE_KEY, None)
        session.pop("staff_seen", None)
    g.staff_user = user
    return user


def timeout_reason() -> str | None:
    """The sign-in page's ``timeout`` argument for this request's ended session."""
    ended = g.get("staff_timed_out")
    return TIMEOUT_REASONS.get(ended) if ended is not None else None


def memberships(user: StaffUser) -> list[Membership]:
    """The user's active roles, with their areas, by area name."""
    rows = db.session().scalars(
        select(Membership)
        .join(LocalArea)
        .where(Membership.user_id == user.id, Membership.active.is_(True))
        .order_by(LocalArea.name)
    )
    return list(rows)


def requires(permission: Permission) -> Callable[[View], View]:
    """Protect a route under ``/staff/<area_slug>/``: sign-in, area membership, role.

    Someone without a role in the area gets a 404, so other areas' existence is not
    revealed; a role without the permission gets a 403. Both are audited.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(area_slug: str, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("staff.login", next=request.path, timeout=timeout_reason()))
            area = db.session().scalar(select(LocalArea).where(LocalArea.slug == area_slug))
            membership = (
                db.session().scalar(
                    select(Membership).where(
                        Membership.user_id == user.id,
                        Membership.area_id == area.id,
                        Membership.active.is_(True),
                    )
                )
                if area is not None
                else None
            )
            if area is None or membership is None or not allows(membership.role, permission):
                audit.record(
                    db.session(),
                    "forbidden",
                    user_id=user.id,
                    area_id=area.id if area is not None and membership is not None else None,
                    route=request.endpoint,
                    method=request.method,
                )
                abort(404 if membership is None else 403)
            g.area, g.role = area, membership.role
            return view(area=area, **kwargs)

        # Read by the access-matrix test, which finds every protected route itself.
        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def record_action(action: str, *, area: LocalArea, commit: bool = True, **detail: Any) -> None:
    """Audit what the signed-in person did in ``area`` (one line in every staff view).

    Who did it is the person signed in; ``commit=False`` when the action's own
    change commits after it, so both are saved or neither is.
    """
    audit.record(
        db.session(), action, user_id=g.staff_user.id, area_id=area.id, commit=commit, **detail
    )
