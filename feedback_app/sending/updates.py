"""An area's update list: sign up, confirm (double opt-in), leave, and send updates.

Issue 16 §1 "Updates", ADR 0039. Families and professionals join on a public page
with an e-mail address and/or a mobile number and say what they want: "you said,
we did" news (``actions``) and/or new surveys (``surveys``). They are sent one
confirmation message with a single-use link that expires; until they follow it
nothing else is ever sent to them. Every message after that carries a one-click
leave link (for e-mail also the RFC 8058 headers, ``feedback_app.sending.backends``).

Signing up again shows the same page whatever the list holds, and sends at most a
few confirmations a day to one address or number (``LIMIT_CONTACT``, quietly) and
takes at most ``LIMIT_CLIENT`` sign-ups an hour from one client (then a 429). The
messages are sent by the same worker as invitations (``feedback-app send``), with
the same claim-before-send rule, so no one gets an update twice even if the worker
is killed mid-batch. Audit events carry counts only, never an address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from feedback_app.distribution.invitations import hash_token
from feedback_app.models import (
    AreaAction,
    AreaUpdate,
    LocalArea,
    UpdateMessage,
    UpdateSubscriber,
    Wave,
    utcnow,
)
from feedback_app.sending.backends import KINDS, Backend, Message, SendFailure
from feedback_app.sending.worker import (
    SendCounts,
    SendSettings,
    claim,
    message_tally,
    reference,
    refresh_statuses,
    settle_claims,
)
from feedback_app.web import throttle

#: What a person can ask for, and what an update is about.
TOPICS = ("actions", "surveys")
DEFAULT_CONFIRM_HOURS = 48
DEFAULT_UNCONFIRMED_DAYS = 7
DEFAULT_LIST_RETENTION_DAYS = 730
#: One address or number: two confirmations, then one an hour, up to one a day.
LIMIT_CONTACT = throttle.Limit(
    free=2,
    window=dt.timedelta(days=1),
    first_wait=dt.timedelta(hours=1),
    longest_wait=dt.timedelta(days=1),
)
#: One client (a household's address): ten sign-ups an hour, then waits.
LIMIT_CLIENT = throttle.hourly_messages(10)


def channels(config: Mapping[str, Any]) -> frozenset[str]:
    """How updates can be sent here: "email" and/or "sms" (empty: no update list).

    Notify needs both the confirmation's and the update's template for a channel."""
    backend = str(config.get("SEND_BACKEND") or "")
    if backend == "smtp":
        return frozenset({"email"})
    if backend == "notify":
        found = set()
        for at, channel in enumerate(("email", "sms")):
            if config.get(KINDS["update_confirm"][at]) and config.get(KINDS["update"][at]):
                found.add(channel)
        return frozenset(found)
    return frozenset()


def _hmac(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:40]


def confirm_token(secret: str, subscriber: UpdateSubscriber) -> str:
    """The confirmation link's token for the person's current round (stored nowhere)."""
    return _hmac(secret, f"update-confirm:{subscriber.id}:{subscriber.confirm_round}")


def leave_token(secret: str, subscriber: UpdateSubscriber) -> str:
    """The person's leave link token: the same in every message, stored nowhere."""
    return _hmac(secret, f"update-leave:{subscriber.id}")


@dataclass(frozen=True)
class SignUp:
    """A checked sign-up: at least one way to reach them and at least one topic."""

    email: str | None
    mobile: str | None
    wants_actions: bool
    wants_surveys: bool
    language: str


def client_keys(secret: str, client: str) -> list[throttle.Key]:
    return [
        throttle.Key(
            throttle.client_key(secret, "updates_client", client),
            "updates_client",
            LIMIT_CLIENT,
        )
    ]


def _contact_keys(secret: str, area: LocalArea, sign_up: SignUp) -> list[throttle.Key]:
    return [
        throttle.Key(
            throttle.stable_key(secret, "updates_contact", f"{area.id}:{value}"),
            "updates_contact",
            LIMIT_CONTACT,
        )
        for value in (sign_up.email, sign_up.mobile)
        if value
    ]


def sign_up(
    db: Session,
    area: LocalArea,
    request: SignUp,
    *,
    secret: str,
    offered: frozenset[str],
    now: dt.datetime | None = None,
    confirm_hours: int = DEFAULT_CONFIRM_HOURS,
) -> str:
    """Add or refresh an unconfirmed sign-up and queue its one confirmation.

    Returns what happened, for the audit log only ("added", "again", "quiet"):
    the page a person sees is the same whatever it is. A person already confirmed
    is sent nothing; a confirmation still waiting to go is not doubled; and one
    address or number is sent at most ``LIMIT_CONTACT`` confirmations. Committed.
    """
    now = now or utcnow()
    keys = _contact_keys(secret, area, request)
    quiet = throttle.wait_seconds(db, keys, now=now) > 0
    throttle.note_failure(db, keys, now=now)
    matches = [
        UpdateSubscriber.email == request.email if request.email else None,
        UpdateSubscriber.mobile == request.mobile if request.mobile else None,
    ]
    found = db.scalars(
        select(UpdateSubscriber)
        .where(UpdateSubscriber.area_id == area.id, or_(*[m for m in matches if m is not None]))
        .order_by(UpdateSubscriber.id)
    ).all()
    if any(s.confirmed_at is not None for s in found) or quiet:
        db.commit()
        return "quiet"
    outcome = "again" if found else "added"
    if found:
        subscriber = found[0]
    else:
        subscriber = UpdateSubscriber(area_id=area.id, email=request.email, mobile=request.mobile)
        db.add(subscriber)
    subscriber.wants_actions = request.wants_actions
    subscriber.wants_surveys = request.wants_surveys
    subscriber.language = request.language
    subscriber.confirm_round = (subscriber.confirm_round or 0) + 1
    subscriber.confirm_expires_at = now + dt.timedelta(hours=confirm_hours)
    db.flush()
    subscriber.confirm_token_hash = hash_token(confirm_token(secret, subscriber))
    subscriber.leave_token_hash = hash_token(leave_token(secret, subscriber))
    waiting = db.scalar(
        select(func.count()).where(
            UpdateMessage.subscriber_id == subscriber.id,
            UpdateMessage.update_id.is_(None),
            UpdateMessage.state.in_(("pending", "retry", "claimed")),
        )
    )
    if not waiting:
        channel = "email" if subscriber.email and "email" in offered else "sms"
        db.add(
            UpdateMessage(
                area_id=area.id, subscriber_id=subscriber.id, channel=channel, updated_at=now
            )
        )
    db.commit()
    return outcome


def confirm(db: Session, token: str, *, now: dt.datetime | None = None) -> UpdateSubscriber | None:
    """Confirm the person whose current confirmation link this is (once, before it
    expires). None: unknown, already used, or expired. The caller commits."""
    now = now or utcnow()
    subscriber = db.scalar(
        select(UpdateSubscriber).where(UpdateSubscriber.confirm_token_hash == hash_token(token))
    )
    if subscriber is None or subscriber.confirm_expires_at is None:
        return None
    expires = subscriber.confirm_expires_at
    if expires.tzinfo is None:  # SQLite hands back naive datetimes; all are UTC
        expires = expires.replace(tzinfo=dt.UTC)
    if expires < now:
        return None
    subscriber.confirmed_at = now
    subscriber.confirm_token_hash = None
    subscriber.confirm_expires_at = None
    return subscriber


def leave(db: Session, token: str) -> int | None:
    """Delete the person this leave link belongs to; their area's id, or None when
    nobody is (left already, or never was): leaving twice is leaving once. The
    caller commits."""
    subscriber = db.scalar(
        select(UpdateSubscriber).where(UpdateSubscriber.leave_token_hash == hash_token(token))
    )
    if subscriber is None:
        return None
    area_id = subscriber.area_id
    db.delete(subscriber)
    return area_id


@dataclass(frozen=True)
class ListCounts:
    """The staff page's counts of the list: never who."""

    confirmed: int
    waiting: int
    wants_actions: int
    wants_surveys: int


def list_counts(db: Session, area: LocalArea) -> ListCounts:
    def count(*where: Any) -> int:
        return (
            db.scalar(
                select(func.count())
                .select_from(UpdateSubscriber)
                .where(UpdateSubscriber.area_id == area.id, *where)
            )
            or 0
        )

    confirmed = UpdateSubscriber.confirmed_at.is_not(None)
    return ListCounts(
        confirmed=count(confirmed),
        waiting=count(UpdateSubscriber.confirmed_at.is_(None)),
        wants_actions=count(confirmed, UpdateSubscriber.wants_actions.is_(True)),
        wants_surveys=count(confirmed, UpdateSubscriber.wants_surveys.is_(True)),
    )


def compose(
    db: Session,
    area: LocalArea,
    *,
    action: AreaAction | None = None,
    wave: Wave | None = None,
    link: str,
    offered: frozenset[str],
    created_by_id: int | None,
    now: dt.datetime | None = None,
) -> AreaUpdate:
    """Queue an update for every confirmed person who asked for its kind, once each.

    ``action``: a published "you said, we did" entry (its two texts are kept as
    sent: ``title`` is what they said, ``body`` what was done); ``wave``: a new
    survey (``title`` its name). Flushed, not committed (the caller audits)."""
    now = now or utcnow()
    if action is not None:
        if not action.published or action.area_id != area.id:
            raise ValueError("only a published entry of this area can be sent")
        update = AreaUpdate(
            area_id=area.id,
            kind="actions",
            action_id=action.id,
            title=action.you_said[:200],
            body=action.we_did,
            link=link,
            created_by_id=created_by_id,
            created_at=now,
        )
        wants = UpdateSubscriber.wants_actions.is_(True)
    elif wave is not None:
        if wave.area_id != area.id:
            raise ValueError("only a survey of this area can be sent")
        update = AreaUpdate(
            area_id=area.id,
            kind="surveys",
            wave_id=wave.id,
            title=wave.name[:200],
            body="",
            link=link,
            created_by_id=created_by_id,
            created_at=now,
        )
        wants = UpdateSubscriber.wants_surveys.is_(True)
    else:
        raise ValueError("an update is about an entry or a survey")
    db.add(update)
    db.flush()
    people = db.execute(
        select(UpdateSubscriber.id, UpdateSubscriber.email).where(
            UpdateSubscriber.area_id == area.id,
            UpdateSubscriber.confirmed_at.is_not(None),
            wants,
        )
    ).all()
    for person_id, email in people:
        channel = "email" if email and "email" in offered else "sms"
        db.add(
            UpdateMessage(
                area_id=area.id,
                update_id=update.id,
                subscriber_id=person_id,
                channel=channel,
                updated_at=now,
            )
        )
    update.recipients = len(people)
    db.flush()
    return update


@dataclass(frozen=True)
class UpdateCounts:
    """One update's progress on the staff page."""

    update: AreaUpdate
    sent: int
    delivered: int
    waiting: int
    failed: int
    skipped: int


def update_counts(db: Session, area: LocalArea, *, limit: int = 20) -> list[UpdateCounts]:
    """The area's latest updates, newest first, with counts of their messages."""
    updates = db.scalars(
        select(AreaUpdate)
        .where(AreaUpdate.area_id == area.id)
        .order_by(AreaUpdate.created_at.desc(), AreaUpdate.id.desc())
        .limit(limit)
    ).all()
    found = []
    for update in updates:
        tally = message_tally(db, UpdateMessage, UpdateMessage.update_id == update.id)
        found.append(
            UpdateCounts(
                update=update,
                sent=tally.sent,
                delivered=tally.delivered,
                waiting=tally.waiting,
                failed=tally.states["failed"],
                skipped=tally.states["skipped"],
            )
        )
    return found


# --- The worker's part -----------------------------------------------------------


@dataclass
class UpdateReport(SendCounts):
    """What one run did with update-list messages (counts per area, for the audit)."""

    confirmations_by_area: Counter[int] = field(default_factory=Counter)
    updates_by_area: Counter[int] = field(default_factory=Counter)
    failed_by_area: Counter[int] = field(default_factory=Counter)


#: ``url(endpoint, **values)``: an absolute link to one of the app's pages.
UrlFor = Callable[..., str]


def _confirmation(area: LocalArea, link: str, hours: int) -> tuple[str, str]:
    subject = gettext("Confirm you want updates from %(area)s", area=area.name)
    body = "\n\n".join(
        [
            gettext(
                "Someone asked for updates from %(area)s about the survey of families "
                "and professionals to be sent here.",
                area=area.name,
            ),
            gettext("To start getting them, follow this link:") + "\n" + link,
            gettext(
                "The link works once and stops working after %(hours)d hours.",
                hours=hours,
            ),
            gettext(
                "If you did not ask for this, ignore this message: you will not be sent "
                "anything else and your details will be deleted."
            ),
        ]
    )
    return subject, body + "\n"


def _update_text(update: AreaUpdate, area: LocalArea, leave_link: str) -> tuple[str, str]:
    if update.kind == "actions":
        subject = gettext("You said, we did: news from %(area)s", area=area.name)
        parts = [
            gettext("You said:") + "\n" + update.title,
            gettext("We did:") + "\n" + update.body,
            gettext("Read more:") + "\n" + update.link,
        ]
    else:
        subject = gettext("A new survey from %(area)s", area=area.name)
        parts = [
            gettext("%(area)s would like to hear from you in a new survey:", area=area.name)
            + "\n"
            + update.title,
            gettext("Take part:") + "\n" + update.link,
        ]
    parts.append(gettext("To stop getting these updates, follow this link:") + "\n" + leave_link)
    return subject, "\n\n".join(parts) + "\n"


def send_updates(
    db: Session,
    backend: Backend,
    *,
    config: Mapping[str, Any],
    url: UrlFor,
    limit: int,
    clock: Callable[[], dt.datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
) -> UpdateReport:
    """Settle old claims, then send up to ``limit`` due update-list messages."""
    report = UpdateReport()
    settings = SendSettings.read(config, backend)
    secret = settings.secret
    report.settled = settle_claims(
        db, backend, now=clock(), timeout=settings.claim_timeout, model=UpdateMessage
    )
    for _ in range(limit):
        message: UpdateMessage | None = claim(db, now=clock(), model=UpdateMessage)
        if message is None:
            break
        subscriber = db.get(UpdateSubscriber, message.subscriber_id or 0)
        is_confirmation = message.update_id is None
        skip = None
        if subscriber is None:
            skip = "left the list"
        elif is_confirmation and subscriber.confirmed_at is not None:
            skip = "already confirmed"
        elif not is_confirmation and subscriber.confirmed_at is None:
            skip = "not confirmed"  # never: only confirmed people are queued
        if skip or subscriber is None:
            message.state, message.reason, message.updated_at = "skipped", skip, clock()
            report.skipped += 1
            db.commit()
            continue
        area = db.get(LocalArea, subscriber.area_id)
        assert area is not None
        leave_link = url("updates_public.leave", token=leave_token(secret, subscriber))
        update = None if is_confirmation else db.get(AreaUpdate, message.update_id)
        if update is None:
            link = url("updates_public.confirm", token=confirm_token(secret, subscriber))
            kind, leave_for_message = "update_confirm", ""
        else:
            link, kind, leave_for_message = update.link, "update", leave_link
        with force_locale(subscriber.language or "en"):
            if update is None:
                subject, body = _confirmation(
                    area, link, int(config.get("UPDATE_CONFIRM_HOURS") or DEFAULT_CONFIRM_HOURS)
                )
            else:
                subject, body = _update_text(update, area, leave_link)
        to = subscriber.email if message.channel == "email" else subscriber.mobile
        outgoing = Message(
            channel=message.channel,
            to=to or "",
            survey=subject,
            area=area.name,
            link=link,
            reminder=False,
            reference=reference(message),
            kind=kind,
            subject=subject,
            body=body,
            leave_link=leave_for_message,
        )
        reachable = bool(to) and message.channel in backend.channels_for(kind)
        outcome = report.attempt(
            db,
            message,
            partial(_send_if_reachable, backend, outgoing, reachable=reachable),
            settings=settings,
            clock=clock,
            sleep=sleep,
        )
        if outcome == "sent":
            counter = report.confirmations_by_area if is_confirmation else report.updates_by_area
            counter[area.id] += 1
        elif outcome == "failed":
            report.failed_by_area[area.id] += 1
    report.statuses = refresh_statuses(db, backend, limit=limit, now=clock(), model=UpdateMessage)
    return report


def _send_if_reachable(backend: Backend, outgoing: Message, *, reachable: bool) -> str:
    if not reachable:
        raise SendFailure("no way to reach (back end)", temporary=False)
    return backend.send(outgoing)


def read_sign_up(
    *, email: str, mobile: str, topics: list[str], offered: frozenset[str], language: str
) -> SignUp | dict[str, str]:
    """The sign-up form's answers, checked: a ``SignUp``, or field -> message (in
    the page's language)."""
    from feedback_app.sending.contacts import normalise_email, normalise_mobile

    problems: dict[str, str] = {}
    address = number = None
    typed_email = email.strip() if "email" in offered else ""
    typed_mobile = mobile.strip() if "sms" in offered else ""
    if typed_email:
        address = normalise_email(typed_email)
        if address is None:
            problems["email"] = gettext(
                "Enter an e-mail address in the correct format, like name@example.com"
            )
    if typed_mobile:
        number = normalise_mobile(typed_mobile)
        if number is None or not number.startswith("07"):
            problems["mobile"] = gettext("Enter a UK mobile number, like 07700 900982")
    if not typed_email and not typed_mobile:
        field_name = "email" if "email" in offered else "mobile"
        problems[field_name] = (
            gettext("Enter an e-mail address or a UK mobile number")
            if offered == {"email", "sms"}
            else gettext("Enter an e-mail address")
            if field_name == "email"
            else gettext("Enter a UK mobile number")
        )
    chosen = [t for t in topics if t in TOPICS]
    if not chosen:
        problems["topics"] = gettext("Select what you would like to hear about")
    if problems:
        return problems
    return SignUp(
        email=address,
        mobile=number,
        wants_actions="actions" in chosen,
        wants_surveys="surveys" in chosen,
        language=language,
    )
