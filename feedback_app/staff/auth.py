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

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import LocalArea, Membership, StaffUser, utcnow
from feedback_app.staff import audit, second_factor
from feedback_app.staff import sessions as staff_sessions
from feedback_app.staff.roles import Permission, allows
from feedback_app.staff.sessions import Ended, Timeouts

#: The cookie key holding the session token (older cookies held a dict here).
_COOKIE_KEY = "staff"
#: What the sign-in page says about why someone was signed out.
TIMEOUT_REASONS = {Ended.IDLE: "1", Ended.ABSOLUTE: "max"}
#: The cookie key of a sign-in waiting for its second step (user id, deadline, next).
_PENDING_KEY = "staff_pending"
#: How long after the password the code may be entered.
SECOND_STEP_SECONDS = 300

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


def sign_in(user: StaffUser, *, method: str = "password") -> None:
    """Start a new session for ``user`` (nothing from the old session survives).

    ``method`` is how they proved who they are: "password" (with its second step,
    if any) or "sso". Commits: the session row must exist before the cookie naming
    it is sent. Expired sessions of everyone are deleted here too, so the table
    stays small.
    """
    old = session.get(_COOKIE_KEY)
    session.clear()
    db_session = db.session()
    if isinstance(old, str):
        staff_sessions.end(db_session, old)
    staff_sessions.remove_expired(db_session, timeouts=timeouts())
    session[_COOKIE_KEY] = staff_sessions.start(db_session, user, method=method)
    db_session.commit()
    g.staff_user, g.staff_session_method = user, method


def begin_second_step(user: StaffUser, *, next_path: str | None, message: str = "") -> None:
    """The password was right and ``user`` has two-step sign-in: no session yet.

    The signed cookie remembers who, until when, and where they were going;
    ``pending_user`` reads it back on the code page; ``message`` is shown once
    signed in.
    """
    old = session.get(_COOKIE_KEY)
    session.clear()
    if isinstance(old, str):
        staff_sessions.end(db.session(), old)
        db.session().commit()
    session[_PENDING_KEY] = {
        "user": user.id,
        "until": int(utcnow().timestamp()) + SECOND_STEP_SECONDS,
        "next": next_path or "",
        "message": message,
    }


def pending_user() -> tuple[StaffUser | None, bool]:
    """The account waiting for its second step, and whether the wait ran out."""
    pending = session.get(_PENDING_KEY)
    if not isinstance(pending, dict):
        return None, False
    if int(pending.get("until", 0)) < utcnow().timestamp():
        session.pop(_PENDING_KEY, None)
        return None, True
    user = db.session().get(StaffUser, int(pending.get("user", 0)))
    if user is None or not user.active or not user.totp_secret:
        session.pop(_PENDING_KEY, None)
        return None, False
    return user, False


def finish_second_step(user: StaffUser) -> str | None:
    """Sign ``user`` in after a right code; return where they were going."""
    pending = session.get(_PENDING_KEY)
    pending = pending if isinstance(pending, dict) else {}
    sign_in(user)
    if pending.get("message"):
        flash(str(pending["message"]))
    return str(pending["next"]) if pending.get("next") else None


def must_set_up_second_factor(user: StaffUser) -> bool:
    """True for an administrator signed in with a password without two-step sign-in
    (every staff page sends them to set it up first)."""
    if user.totp_secret or g.get("staff_session_method", "password") != "password":
        return False
    if "staff_must_set_up" not in g:
        g.staff_must_set_up = second_factor.required(db.session(), user)
    return bool(g.staff_must_set_up)


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
            g.staff_session_method = found.session.method if found.session else "password"
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
            if must_set_up_second_factor(user):
                return redirect(url_for("two_step.set_up"))
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
