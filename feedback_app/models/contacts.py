"""Contact lists of invitation-only waves and the record of every message sent.

Contact details live only in these tables. Nothing here refers to a response or an
answer, and no results query reads them (tests/feedback_app/sending/test_web_sending.py proves it):
a contact leads to its invitation, and an invitation records only *whether* it was
used. Contacts of a wave are deleted a set number of days after it closes
(feedback_app/data_protection/retention.py), their messages with them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class ContactList(Base):
    """One upload of a contact list (CSV) for a wave: a label and counts only."""

    __tablename__ = "contact_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WaveContact(Base):
    """A person to invite to one wave: an e-mail address and/or a mobile number.

    ``invitation_id`` is their single-use link; its token is derived from the secret
    key and this row's id (``feedback_app.sending.contacts.link_token``), so the
    link can be sent again in a reminder without ever being stored in clear.
    """

    __tablename__ = "wave_contact"
    __table_args__ = (
        UniqueConstraint("wave_id", "email", name="uq_wave_contact_email"),
        UniqueConstraint("wave_id", "mobile", name="uq_wave_contact_mobile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("contact_list.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WaveReminder(Base):
    """Reminder ``step`` (1, 2, ...) of a wave goes out on ``send_on`` to people
    whose link is still unused."""

    __tablename__ = "wave_reminder"
    __table_args__ = (UniqueConstraint("wave_id", "step", name="uq_wave_reminder_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    send_on: Mapped[dt.date] = mapped_column(Date)


class ContactMessage(Base):
    """One message to one person for one step (0: the invitation, then reminders).

    The unique (contact, step) makes "never twice" a database rule. ``state`` moves
    pending -> claimed (committed before the send) -> sent -> delivered, or to
    retry (a temporary failure, again at ``next_attempt_at``) or failed (with
    ``reason``). A claim left by a worker that died is settled without sending
    again (``feedback_app.sending.worker``).
    """

    __tablename__ = "contact_message"
    __table_args__ = (UniqueConstraint("contact_id", "step", name="uq_contact_message_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("wave_contact.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(5))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(40))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
