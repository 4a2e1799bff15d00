"""The sending worker behind ``feedback-app send``: one batch per run.

Never twice to one person for one step: each message is a row, unique per (contact,
step), and its claim is committed *before* the provider is called and its outcome
*after*. A worker killed between the two leaves a claim; the next run settles it
without sending blindly: Notify is asked whether a message with that reference was
accepted (then it is marked sent, else sent now), and for SMTP, which cannot be
asked, it is marked failed as "interrupted" for a coordinator to see, never resent.
Temporary failures (429, 5xx, a relay that is down) are tried again with a doubling
back-off; sending is paced to ``SEND_PER_MINUTE`` (Notify: at most 3,000 a minute).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from feedback_app.models import (
    ContactMessage,
    Invitation,
    UpdateMessage,
    Wave,
    WaveContact,
    WaveReminder,
    utcnow,
)
from feedback_app.sending.backends import Backend, Message, SendFailure
from feedback_app.sending.contacts import link_token

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_SECONDS = 60.0
DEFAULT_CLAIM_TIMEOUT_SECONDS = 600.0
#: States counted as "sent" on the wave's page.
SENT_STATES = ("sent", "delivered")


#: What became of one attempt to send a message.
Outcome = Literal["sent", "retrying", "failed"]


@dataclass(frozen=True)
class SendSettings:
    """The sending settings of one run, read from the app's config and the back end."""

    max_attempts: int
    retry_base: float
    claim_timeout: float
    #: Seconds between two sends, to keep to the back end's rate.
    gap: float
    secret: str

    @classmethod
    def read(cls, config: Mapping[str, Any], backend: Backend) -> SendSettings:
        return cls(
            max_attempts=int(config.get("SEND_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)),
            retry_base=float(config.get("SEND_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)),
            claim_timeout=float(
                config.get("SEND_CLAIM_TIMEOUT_SECONDS", DEFAULT_CLAIM_TIMEOUT_SECONDS)
            ),
            gap=60.0 / max(backend.per_minute, 1),
            secret=str(config["SECRET_KEY"]),
        )


@dataclass
class SendCounts:
    """What one run did with one kind of message (invitations, update-list messages),
    and the one way a claimed message is sent and its outcome counted."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    settled: int = 0
    statuses: int = 0

    def attempt(
        self,
        db: Session,
        message: ContactMessage | UpdateMessage,
        send: Callable[[], str],
        *,
        settings: SendSettings,
        clock: Callable[[], dt.datetime],
        sleep: Callable[[float], None],
    ) -> Outcome:
        """Send a claimed ``message`` (``send`` returns the provider's reference or
        raises ``SendFailure``), note and count the outcome, commit, then wait the gap."""
        message.attempts += 1
        outcome: Outcome
        try:
            message.provider_ref = send()
            message.state, message.reason = "sent", None
            self.sent += 1
            outcome = "sent"
        except SendFailure as failure:
            if record_failure(
                message,
                failure,
                now=clock(),
                max_attempts=settings.max_attempts,
                retry_base=settings.retry_base,
            ):
                self.retrying += 1
                outcome = "retrying"
            else:
                self.failed += 1
                outcome = "failed"
        message.updated_at = clock()
        db.commit()
        sleep(settings.gap)
        return outcome


@dataclass
class RunReport(SendCounts):
    """What one run did, for the command's output and the audit log."""

    planned: int = 0
    #: Messages sent, and failed for good, per wave (for the audit log).
    by_wave: Counter[int] = field(default_factory=Counter)
    failed_by_wave: Counter[int] = field(default_factory=Counter)


def _unused(db: Session, contact: WaveContact) -> bool:
    if contact.invitation_id is None:
        return False
    used = db.scalar(select(Invitation.used_at).where(Invitation.id == contact.invitation_id))
    return used is None


def plan_messages(db: Session, *, now: dt.datetime, channels: frozenset[str]) -> int:
    """Add the messages now due: the invitation to every new contact of an open
    wave, and each reminder whose day has come to people whose link is unused and
    whose invitation went out. Committed; returns how many were added."""
    added = 0
    today = now.date()
    for wave in db.scalars(
        select(Wave).where(Wave.id.in_(select(WaveContact.wave_id).distinct()))
    ).all():
        if not wave.is_open(now):
            continue
        steps = [0] + [
            r.step
            for r in db.scalars(
                select(WaveReminder).where(
                    WaveReminder.wave_id == wave.id, WaveReminder.send_on <= today
                )
            )
        ]
        for step in steps:
            have = select(ContactMessage.contact_id).where(
                ContactMessage.wave_id == wave.id, ContactMessage.step == step
            )
            query = select(WaveContact).where(
                WaveContact.wave_id == wave.id, WaveContact.id.not_in(have)
            )
            if step > 0:
                invited = select(ContactMessage.contact_id).where(
                    ContactMessage.step == 0, ContactMessage.state.in_(SENT_STATES)
                )
                query = query.join(Invitation, Invitation.id == WaveContact.invitation_id).where(
                    WaveContact.id.in_(invited), Invitation.used_at.is_(None)
                )
            for contact in db.scalars(query).all():
                channel, reason = _channel(contact, channels)
                db.add(
                    ContactMessage(
                        wave_id=wave.id,
                        contact_id=contact.id,
                        step=step,
                        channel=channel,
                        state="failed" if reason else "pending",
                        reason=reason,
                        updated_at=now,
                    )
                )
                added += 1
    db.commit()
    return added


def _channel(contact: WaveContact, channels: frozenset[str]) -> tuple[str, str | None]:
    if contact.email and "email" in channels:
        return "email", None
    if contact.mobile and "sms" in channels:
        return "sms", None
    return ("sms" if contact.mobile else "email"), "no way to reach (back end)"


#: The tables of messages the worker sends: invitations, and the update list's.
MessageRow = type[ContactMessage] | type[UpdateMessage]


def settle_claims(
    db: Session,
    backend: Backend,
    *,
    now: dt.datetime,
    timeout: float,
    model: MessageRow = ContactMessage,
) -> int:
    """Settle claims older than ``timeout`` seconds (their worker died). Committed."""
    cutoff = now - dt.timedelta(seconds=timeout)
    stale: Sequence[Any] = db.scalars(
        select(model).where(model.state == "claimed", model.claimed_at <= cutoff)
    ).all()
    for message in stale:
        if backend.can_check():
            try:
                found = backend.already_sent(reference(message))
            except SendFailure:
                continue  # ask again on the next run
            message.state, message.provider_ref = ("sent", found) if found else ("pending", None)
        else:
            message.state, message.reason = "failed", "interrupted: not resent"
        message.updated_at = now
    db.commit()
    return len(stale)


def reference(message: ContactMessage | UpdateMessage) -> str:
    """The message's reference at the provider: one per (contact, step), or one per
    update-list message (which is itself one per person and update)."""
    if isinstance(message, UpdateMessage):
        return f"feedback-update-{message.id}"
    return f"feedback-{message.wave_id}-{message.contact_id}-{message.step}"


def claim(db: Session, *, now: dt.datetime, model: MessageRow = ContactMessage) -> Any:
    """The next due message of ``model``, claimed and committed, or None."""
    due = or_(
        model.state == "pending",
        and_(model.state == "retry", model.next_attempt_at <= now),
    )
    for message_id in db.scalars(select(model.id).where(due).order_by(model.id).limit(20)):
        claimed = db.execute(
            update(model)
            .where(model.id == message_id, model.state.in_(("pending", "retry")))
            .values(state="claimed", claimed_at=now, updated_at=now)
        )
        db.commit()  # the claim is durable before anything is sent
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return db.get(model, message_id)
    return None


def record_failure(
    message: ContactMessage | UpdateMessage,
    failure: SendFailure,
    *,
    now: dt.datetime,
    max_attempts: int,
    retry_base: float,
) -> bool:
    """Note a failed send: to retry later with a doubling back-off (True), or failed
    for good (False)."""
    message.reason = failure.reason
    if failure.temporary and message.attempts < max_attempts:
        message.state = "retry"
        delay = retry_base * 2 ** (message.attempts - 1)
        message.next_attempt_at = now + dt.timedelta(seconds=delay)
        return True
    message.state = "failed"
    return False


def send_due(
    db: Session,
    backend: Backend,
    *,
    config: dict[str, Any],
    link_for: Callable[[str], str],
    limit: int,
    clock: Callable[[], dt.datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    """Plan, settle old claims, then send up to ``limit`` due messages."""
    report = RunReport()
    settings = SendSettings.read(config, backend)
    report.settled = settle_claims(db, backend, now=clock(), timeout=settings.claim_timeout)
    report.planned = plan_messages(db, now=clock(), channels=backend.channels)
    for _ in range(limit):
        message = claim(db, now=clock())
        if message is None:
            break
        contact = db.get(WaveContact, message.contact_id)
        wave = db.get(Wave, message.wave_id)
        assert contact is not None and wave is not None
        if message.step > 0 and not _unused(db, contact):
            message.state, message.reason = "skipped", "link already used"
            report.skipped += 1
            db.commit()
            continue
        to = contact.email if message.channel == "email" else contact.mobile
        outgoing = Message(
            channel=message.channel,
            to=to or "",
            survey=wave.name,
            area=wave.area.name,
            link=link_for(link_token(settings.secret, contact.id)),
            reminder=message.step > 0,
            reference=reference(message),
        )
        outcome = report.attempt(
            db,
            message,
            partial(backend.send, outgoing),
            settings=settings,
            clock=clock,
            sleep=sleep,
        )
        if outcome == "sent":
            report.by_wave[wave.id] += 1
        elif outcome == "failed":
            report.failed_by_wave[wave.id] += 1
    report.statuses = refresh_statuses(db, backend, limit=limit, now=clock())
    return report


def refresh_statuses(
    db: Session,
    backend: Backend,
    *,
    limit: int,
    now: dt.datetime,
    model: MessageRow = ContactMessage,
) -> int:
    """Ask the provider what became of sent messages (Notify: delivered, bounced...)."""
    if not backend.can_check():
        return 0
    changed = 0
    sent: Sequence[Any] = db.scalars(
        select(model)
        .where(model.state == "sent", model.provider_ref.is_not(None))
        .order_by(model.updated_at)
        .limit(limit)
    ).all()
    for message in sent:
        state, reason = backend.status(str(message.provider_ref))
        if state != message.state:
            message.state, message.reason, message.updated_at = state, reason, now
            changed += 1
    db.commit()
    return changed


@dataclass(frozen=True)
class MessageTally:
    """How many of some messages (one wave's, one update's) the provider accepted,
    and how many stand in each state: the counts the staff pages show."""

    #: Accepted by Notify or the relay (including any that bounced later).
    sent: int
    states: Counter[str]

    @property
    def delivered(self) -> int:
        return self.states["delivered"]

    @property
    def waiting(self) -> int:
        return self.states["pending"] + self.states["retry"] + self.states["claimed"]


def message_tally(db: Session, model: MessageRow, mine: ColumnElement[bool]) -> MessageTally:
    """The tally of the messages of ``model`` that ``mine`` picks out."""
    states: Counter[str] = Counter(
        dict(db.execute(select(model.state, func.count()).where(mine).group_by(model.state)).all())
    )
    accepted = db.scalar(select(func.count()).where(mine, model.provider_ref.is_not(None))) or 0
    return MessageTally(sent=accepted, states=states)


@dataclass(frozen=True)
class WaveSending:
    """The wave page's counts: never who, only how many."""

    contacts: int
    #: Accepted by Notify or the relay (including any that bounced later).
    sent: int
    delivered: int
    waiting: int
    failed: dict[str, int]
    used: int
    reminders: list[dt.date]


def wave_sending(db: Session, wave: Wave) -> WaveSending:
    """Counts of people, messages and used links for ``wave``'s contact lists."""
    contacts = db.scalar(select(func.count()).where(WaveContact.wave_id == wave.id)) or 0
    tally = message_tally(db, ContactMessage, ContactMessage.wave_id == wave.id)
    failed = dict(
        db.execute(
            select(ContactMessage.reason, func.count())
            .where(ContactMessage.wave_id == wave.id, ContactMessage.state == "failed")
            .group_by(ContactMessage.reason)
        ).all()
    )
    used = (
        db.scalar(
            select(func.count())
            .select_from(WaveContact)
            .join(Invitation, Invitation.id == WaveContact.invitation_id)
            .where(WaveContact.wave_id == wave.id, Invitation.used_at.is_not(None))
        )
        or 0
    )
    reminders = list(
        db.scalars(
            select(WaveReminder.send_on)
            .where(WaveReminder.wave_id == wave.id)
            .order_by(WaveReminder.step)
        )
    )
    return WaveSending(
        contacts=contacts,
        sent=tally.sent,
        delivered=tally.delivered,
        waiting=tally.waiting,
        failed={str(k or "unknown"): v for k, v in failed.items()},
        used=used,
        reminders=reminders,
    )
