"""Two ways to send a message, chosen by ``SEND_BACKEND``: GOV.UK Notify or SMTP.

Both take a ``Message`` and return the provider's reference, or raise
``SendFailure`` saying whether trying again later may work (``temporary``) and
why, in words a coordinator reads on the wave's page ("bounced", "invalid
number", "rate limited").

A message is of one ``kind``: an ``invitation`` (or its reminder), sent by the
worker, or ``carry_on``, a respondent's own resume link sent once from the
save-for-later page while they wait (ADR 0037). Notify has a template per kind and
channel; SMTP takes the carry-on text from the caller, in the reader's language.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

#: GOV.UK Notify's documented limit: 3,000 messages a minute per service.
NOTIFY_PER_MINUTE = 3000
NOTIFY_URL = "https://api.notifications.service.gov.uk"


@dataclass(frozen=True)
class Message:
    """One message to one person: where, which step, the link, and a reference
    unique to the (person, step) so a provider can be asked whether it was sent."""

    channel: str  # "email" or "sms"
    to: str
    survey: str
    area: str
    link: str
    reminder: bool
    reference: str
    #: "invitation" (and its reminders) or "carry_on" (a respondent's resume link).
    kind: str = "invitation"
    #: The resume code a carry-on message repeats (Notify personalisation).
    code: str = ""
    #: E-mail subject and body written by the caller in the reader's language
    #: (a carry-on message by SMTP); empty: the invitation's own English text.
    subject: str = ""
    body: str = ""
    #: An update list's one-click leave link (ADR 0039): in the text, and for
    #: e-mail also the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058).
    leave_link: str = ""


#: Kinds of message, and the Notify template settings of each (e-mail, text).
KINDS = {
    "invitation": ("NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_SMS_TEMPLATE_ID"),
    "carry_on": ("NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID", "NOTIFY_CARRY_ON_SMS_TEMPLATE_ID"),
    # The update list (ADR 0039): the one confirmation of a sign-up, then updates.
    "update_confirm": (
        "NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID",
        "NOTIFY_UPDATE_CONFIRM_SMS_TEMPLATE_ID",
    ),
    "update": ("NOTIFY_UPDATE_EMAIL_TEMPLATE_ID", "NOTIFY_UPDATE_SMS_TEMPLATE_ID"),
}
#: Kinds whose text the caller writes, in the reader's language (SMTP needs it).
WRITTEN_KINDS = frozenset({"carry_on", "update_confirm", "update"})
#: How long the provider may take before a send is given up on (the worker's).
DEFAULT_TIMEOUT_SECONDS = 30.0


class SendFailure(Exception):
    """The message was not accepted. ``temporary``: worth trying again later."""

    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class Backend(Protocol):
    """What the worker needs of a way of sending."""

    name: str
    channels: frozenset[str]
    per_minute: int

    def channels_for(self, kind: str) -> frozenset[str]:
        """The channels a message of ``kind`` can go by (empty: it cannot be sent)."""

    def send(self, message: Message) -> str:
        """Send; the provider's id for the message. Raises ``SendFailure``."""

    def already_sent(self, reference: str) -> str | None:
        """The id of a message already accepted with this reference, if the provider
        can tell; None if it was not, or cannot be known (then never send again)."""

    def can_check(self) -> bool:
        """True when ``already_sent`` can answer (Notify), False for SMTP."""

    def status(self, provider_ref: str) -> tuple[str, str | None]:
        """("sent" | "delivered" | "failed" | "retry", reason) for a sent message."""


def _text(message: Message) -> tuple[str, str]:
    """Subject and body for e-mail sent by SMTP (Notify uses its own templates)."""
    if message.subject and message.body:
        return message.subject, message.body
    if message.reminder:
        subject = f"Reminder: have your say – {message.survey}"
        opening = "This is a reminder: you have not answered this survey yet."
    else:
        subject = f"Have your say – {message.survey}"
        opening = f"{message.area} would like to hear from you."
    body = (
        f"{opening}\n\n"
        f"{message.survey}\n\n"
        f"Your own link (it can be used once):\n{message.link}\n\n"
        "Your answers are anonymous: we know only whether this link was used.\n"
    )
    return subject, body


class SmtpBackend:
    """A council's own mail relay: e-mail only, STARTTLS, optional sign-in."""

    name = "smtp"
    channels = frozenset({"email"})

    def __init__(
        self, config: Mapping[str, Any], *, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.timeout = timeout
        self.host = str(config["SMTP_HOST"])
        self.port = int(config.get("SMTP_PORT") or 587)
        self.sender = str(config["SMTP_FROM"])
        self.username = str(config.get("SMTP_USERNAME") or "")
        self.password = str(config.get("SMTP_PASSWORD") or "")
        self.starttls = bool(config.get("SMTP_STARTTLS", True))
        self.ca_file = str(config.get("SMTP_CA_FILE") or "") or None
        self.per_minute = int(config.get("SEND_PER_MINUTE") or 600)

    def channels_for(self, kind: str) -> frozenset[str]:
        return self.channels if kind in KINDS else frozenset()

    def send(self, message: Message) -> str:
        if message.kind in WRITTEN_KINDS and not (message.subject and message.body):
            raise ValueError(f"a {message.kind} e-mail needs its text in the reader's language")
        subject, body = _text(message)
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = subject
        message_id = make_msgid(idstring=message.reference)
        email["Message-ID"] = message_id
        if message.leave_link:
            # RFC 2369 and RFC 8058: a mail program's own one-click "unsubscribe".
            email["List-Unsubscribe"] = f"<{message.leave_link}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
                if self.username:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            raise SendFailure("address refused", temporary=False) from None
        except smtplib.SMTPResponseException as error:
            temporary = 400 <= error.smtp_code < 500
            raise SendFailure(f"relay said {error.smtp_code}", temporary=temporary) from None
        except (OSError, smtplib.SMTPException):
            raise SendFailure("relay unreachable", temporary=True) from None
        if refused:
            raise SendFailure("address refused", temporary=False)
        return message_id.strip("<>")[:64]

    def already_sent(self, reference: str) -> str | None:
        return None

    def can_check(self) -> bool:
        return False

    def status(self, provider_ref: str) -> tuple[str, str | None]:
        # A relay only accepts mail; bounces come back to its own mailbox.
        return "sent", None


#: Notify's final statuses -> (our state, reason shown to coordinators).
_NOTIFY_STATUS = {
    "delivered": ("delivered", None),
    "sent": ("delivered", None),  # international text: sent, no receipt
    "permanent-failure": ("failed", "permanent"),
    "temporary-failure": ("failed", "inbox full or phone off"),
    "technical-failure": ("failed", "technical failure"),
    "validation-failed": ("failed", "invalid"),
}


class NotifyBackend:
    """GOV.UK Notify, through its own client (``notifications-python-client``).

    E-mail and text templates are chosen by id (``NOTIFY_EMAIL_TEMPLATE_ID``,
    ``NOTIFY_SMS_TEMPLATE_ID``) and given ``survey``, ``area``, ``link`` and
    ``reminder`` ("yes"/"no") as personalisation. A carry-on message uses
    ``NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID`` / ``_SMS_`` and gets ``survey``, ``area``,
    ``link`` and ``code``. Update-list messages (ADR 0039) use
    ``NOTIFY_UPDATE_CONFIRM_*`` and ``NOTIFY_UPDATE_*`` and get ``area``, ``subject``,
    ``body``, ``link`` and ``leave`` (the one-click leave link; empty in a confirmation).
    """

    name = "notify"

    def __init__(
        self, config: Mapping[str, Any], *, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        # The client has no type hints: held as Any.
        self.client: Any = NotificationsAPIClient(  # type: ignore[no-untyped-call]
            str(config["NOTIFY_API_KEY"]),
            base_url=str(config.get("NOTIFY_BASE_URL") or NOTIFY_URL),
            timeout=timeout,
        )
        #: (kind, channel) -> template id; a kind without a template is not sent.
        self.templates = {
            (kind, channel): str(config.get(setting) or "")
            for kind, settings in KINDS.items()
            for channel, setting in zip(("email", "sms"), settings, strict=True)
        }
        self.channels = self.channels_for("invitation")
        self.per_minute = min(int(config.get("SEND_PER_MINUTE") or NOTIFY_PER_MINUTE), 3000)

    def channels_for(self, kind: str) -> frozenset[str]:
        return frozenset(c for (k, c), template in self.templates.items() if k == kind and template)

    def send(self, message: Message) -> str:
        from notifications_python_client.errors import APIError

        personalisation = {"survey": message.survey, "area": message.area, "link": message.link}
        if message.kind == "carry_on":
            personalisation["code"] = message.code
        elif message.kind in ("update_confirm", "update"):
            # The text is written by the product in the reader's language; the
            # template lays it out: ((subject)), ((body)), ((link)), ((leave)).
            personalisation.update(
                subject=message.subject, body=message.body, leave=message.leave_link
            )
        else:
            personalisation["reminder"] = "yes" if message.reminder else "no"
        template = self.templates.get((message.kind, message.channel), "")
        if not template:
            raise SendFailure("no template", temporary=False)
        try:
            if message.channel == "email":
                reply = self.client.send_email_notification(
                    email_address=message.to,
                    template_id=template,
                    personalisation=personalisation,
                    reference=message.reference,
                )
            else:
                reply = self.client.send_sms_notification(
                    phone_number=message.to,
                    template_id=template,
                    personalisation=personalisation,
                    reference=message.reference,
                )
        except APIError as error:
            raise _notify_failure(error, channel=message.channel) from None
        return str(reply["id"])

    def already_sent(self, reference: str) -> str | None:
        from notifications_python_client.errors import APIError

        try:
            found = self.client.get_all_notifications(reference=reference)
        except APIError as error:
            raise _notify_failure(error, channel="email") from None
        notifications = found.get("notifications") or []
        return str(notifications[0]["id"]) if notifications else None

    def can_check(self) -> bool:
        return True

    def status(self, provider_ref: str) -> tuple[str, str | None]:
        from notifications_python_client.errors import APIError

        try:
            found = self.client.get_notification_by_id(provider_ref)
        except APIError as error:
            failure = _notify_failure(error, channel="email")
            return ("sent", None) if failure.temporary else ("failed", failure.reason)
        state, reason = _NOTIFY_STATUS.get(str(found.get("status")), ("sent", None))
        if reason == "permanent":
            reason = "bounced" if found.get("type") == "email" else "invalid number"
        return state, reason


def _notify_failure(error: Any, *, channel: str) -> SendFailure:
    code = int(error.status_code)
    if code == 429:
        return SendFailure("rate limited", temporary=True)
    if code >= 500 or code < 400:
        return SendFailure(f"Notify error {code}", temporary=True)
    text = str(error.message).lower()
    if channel == "sms" and "phone" in text:
        return SendFailure("invalid number", temporary=False)
    if "email" in text:
        return SendFailure("invalid address", temporary=False)
    return SendFailure(f"refused by Notify ({code})", temporary=False)


def backend_from_config(
    config: Mapping[str, Any], *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Backend | None:
    """The configured back end, or None when sending is not set up. ``timeout``:
    seconds the provider may take (shorter when a person waits for the page)."""
    name = str(config.get("SEND_BACKEND") or "")
    if name == "notify":
        return NotifyBackend(config, timeout=timeout)
    if name == "smtp":
        return SmtpBackend(config, timeout=timeout)
    return None
