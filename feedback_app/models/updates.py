"""An area's update list: people who asked for news, and the updates sent to them.

Issue 16 §1 "Updates", ADR 0039. These tables hold contact details and refer to an
area, a "you said, we did" entry or a wave, and to nothing about answers: no
response, answer or invitation can be reached from them, and no results code reads
them (tests/feedback_app/sending/test_web_updates.py proves it). Nothing is sent to
a person until they confirm (double opt-in) except that one confirmation message.
People are deleted when they leave, when they never confirm, and a set time after
they last confirmed (``feedback_app.data_protection.retention.expire_update_list``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class UpdateSubscriber(Base):
    """One person on an area's update list: an e-mail address and/or a mobile number.

    Links are never stored in clear: the confirmation token is an HMAC of the secret
    key, this row's id and ``confirm_round`` (a new round makes older links useless),
    the leave token an HMAC of the secret key and the id; only their SHA-256 hashes
    are kept, to find the row (``feedback_app.sending.updates``).
    """

    __tablename__ = "update_subscriber"
    __table_args__ = (
        UniqueConstraint("area_id", "email", name="uq_update_subscriber_email"),
        UniqueConstraint("area_id", "mobile", name="uq_update_subscriber_mobile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20))
    #: What they asked for: "you said, we did" news, and/or new surveys.
    wants_actions: Mapped[bool] = mapped_column(default=False)
    wants_surveys: Mapped[bool] = mapped_column(default=False)
    #: The language they signed up in; their messages are written in it.
    language: Mapped[str] = mapped_column(String(10), default="en")
    confirm_round: Mapped[int] = mapped_column(Integer, default=0)
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    confirm_expires_at: Mapped[dt.datetime | None]
    #: When they confirmed (None: not yet, and then nothing but the confirmation is sent).
    confirmed_at: Mapped[dt.datetime | None]
    leave_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AreaUpdate(Base):
    """One update a coordinator sent to the list: a published "you said, we did"
    entry or news of a new survey. The text is written when it is composed."""

    __tablename__ = "area_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), index=True
    )
    #: "actions" ("you said, we did") or "surveys" (a new survey).
    kind: Mapped[str] = mapped_column(String(10))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("area_action.id", ondelete="SET NULL"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UpdateMessage(Base):
    """One message to one person on the list: their confirmation (``update_id``
    None) or one update. Unique per (update, person): never sent twice. States as
    ``ContactMessage``'s, and the same worker claims and settles them."""

    __tablename__ = "update_message"
    __table_args__ = (
        UniqueConstraint("update_id", "subscriber_id", name="uq_update_message_update"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("area_update.id", ondelete="CASCADE"), index=True
    )
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("update_subscriber.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(5))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(40))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
