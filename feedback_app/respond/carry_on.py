"""“E-mail or text me a link to carry on”: a respondent's resume link, sent once.

On the save-for-later page a respondent may give an e-mail address or a UK mobile
number. The product sends a fresh resume code and its link through the sending
layer (``feedback_app.sending.backends``) *while the request waits*, with a short
timeout, and forgets the address or number when the request ends: it is never
written to the database, a queue, the session or a log (ADR 0037). Nothing is
retried later, because retrying would need the contact kept somewhere; the page
says whether it went and always shows the code as well.

Sends are throttled with the shared mechanism (``feedback_app.web.throttle``) per
response and per client, counted *before* the provider is called, so a slow or
failing provider cannot be used to send many messages.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from feedback_app.models import Response
from feedback_app.respond import journey
from feedback_app.sending.backends import KINDS, Backend, Message, SendFailure, backend_from_config
from feedback_app.sending.contacts import normalise_email, normalise_mobile
from feedback_app.web import throttle

KIND = "carry_on"
#: Seconds the provider may take while the respondent waits for the page.
DEFAULT_TIMEOUT_SECONDS = 10.0
#: One response: three messages, then a wait of 15 minutes, doubling up to a day.
LIMIT_RESPONSE = throttle.hourly_messages(3)
#: One client (a household's address): ten messages across every survey, then waits.
LIMIT_CLIENT = throttle.hourly_messages(10)


def channels(config: Mapping[str, Any]) -> frozenset[str]:
    """How a carry-on link can be sent here: "email" and/or "sms"; empty when the
    deployment has no sender (or Notify has no carry-on template), and then the
    save-for-later page does not offer it."""
    backend = str(config.get("SEND_BACKEND") or "")
    if backend == "smtp":
        return frozenset({"email"})
    if backend == "notify":
        settings = dict(zip(("email", "sms"), KINDS[KIND], strict=True))
        return frozenset(channel for channel, name in settings.items() if config.get(name))
    return frozenset()


def sender(config: Mapping[str, Any]) -> Backend | None:
    """The configured back end with the short timeout of a waiting page, or None."""
    if not channels(config):
        return None
    timeout = float(config.get("SEND_REQUEST_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
    return backend_from_config(config, timeout=timeout)


@dataclass(frozen=True)
class Contact:
    """Where to send: held in memory for one request only."""

    channel: str
    to: str


def read_contact(text: str, offered: frozenset[str]) -> Contact | str:
    """The contact typed, or the error message to show (in the page's language).

    Anything with an "@" is read as an e-mail address; otherwise, when texts can be
    sent, as a UK mobile number (07..., +44 7..., with spaces or dashes).
    """
    typed = text.strip()
    texts = "sms" in offered
    if not typed:
        if texts and "email" in offered:
            return gettext("Enter an e-mail address or a UK mobile number")
        return gettext("Enter a UK mobile number") if texts else gettext("Enter an e-mail address")
    if "@" in typed or not texts:
        if "email" not in offered:
            return gettext("Enter a UK mobile number, like 07700 900982")
        address = normalise_email(typed)
        if address is None:
            return gettext("Enter an e-mail address in the correct format, like name@example.com")
        return Contact("email", address)
    number = normalise_mobile(typed)
    if number is None or not number.startswith("07"):
        return gettext("Enter a UK mobile number, like 07700 900982")
    return Contact("sms", number)


def keys(*, response_id: int, client: str, secret: str) -> list[throttle.Key]:
    """The throttle keys of one carry-on message: this response and this client."""
    return [
        throttle.Key(
            throttle.stable_key(secret, "carry_on_response", str(response_id)),
            "carry_on_response",
            LIMIT_RESPONSE,
        ),
        throttle.Key(
            throttle.client_key(secret, "carry_on_client", client),
            "carry_on_client",
            LIMIT_CLIENT,
        ),
    ]


class Outcome(enum.Enum):
    SENT = "sent"
    #: The provider refused this address or number for good (bounced, invalid).
    REFUSED = "refused"
    #: The provider was slow, down or busy: the respondent may try again later.
    NOT_NOW = "not_now"
    #: Too many messages for this response or client; nothing was sent.
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Sent:
    """What happened, the code now valid (None when nothing was done) and, for
    ``TOO_MANY``, the seconds to wait."""

    outcome: Outcome
    code: str | None = None
    retry_after: int = 0


def _message(contact: Contact, *, survey: str, area: str, link: str, code: str) -> Message:
    subject = gettext("Your link to carry on: %(survey)s", survey=survey)
    body = "\n\n".join(
        [
            gettext("You saved your answers to %(survey)s.", survey=survey),
            gettext("Use this link to carry on where you left off:") + "\n" + link,
            gettext("Or enter this resume code on the survey's page: %(code)s", code=code),
            gettext(
                "Your answers are anonymous. We did not keep your e-mail address or "
                "phone number: we used it once to send this message."
            ),
            gettext("If you did not ask for this message, you can ignore it."),
        ]
    )
    return Message(
        channel=contact.channel,
        to=contact.to,
        survey=survey,
        area=area,
        link=link,
        reminder=False,
        # Random: the provider's record of the message leads to nothing of ours.
        reference=f"carry-on-{uuid.uuid4().hex}",
        kind=KIND,
        code=code,
        subject=subject,
        body=body + "\n",
    )


def send_link(
    db: Session,
    backend: Backend,
    *,
    response: Response,
    contact: Contact,
    keys: list[throttle.Key],
    survey: str,
    area: str,
    link_for: Any,
) -> Sent:
    """Send ``response`` a new resume code and its link, once, to ``contact``.

    Refused without sending (and without a new code) while ``keys`` must wait.
    Otherwise the send is counted against ``keys`` and committed first, then a new
    resume code is issued (the old one stops working) and sent. ``link_for(code)``
    builds the link. The contact is never stored; only the outcome is returned.
    """
    wait = throttle.wait_seconds(db, keys)
    if wait:
        return Sent(Outcome.TOO_MANY, retry_after=wait)
    throttle.note_failure(db, keys)
    db.commit()
    code = journey.format_resume_code(journey.issue_resume_code(db, response))
    message = _message(contact, survey=survey, area=area, link=link_for(code), code=code)
    try:
        backend.send(message)
    except SendFailure as failure:
        return Sent(Outcome.NOT_NOW if failure.temporary else Outcome.REFUSED, code)
    return Sent(Outcome.SENT, code)
