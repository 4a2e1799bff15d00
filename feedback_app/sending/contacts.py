"""Contact lists for invitation-only waves: read, check, de-duplicate, store.

A list is a CSV with an ``email`` and/or a ``mobile`` column (any case; ``e-mail``,
``phone`` and ``mobile number`` are understood too). Every row is checked before
anything is written: one bad row and nothing is stored, and every bad row is
listed with its row number. A person already on the wave's list, or twice in the
file, is counted once.

Each person gets a single-use invitation (``feedback_app.distribution.invitations``).
Its token is an HMAC of the secret key and the contact's id, so a reminder can send
the same link again while only the token's hash is stored, as for every link.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from feedback_app.distribution.invitations import MAX_BATCH, hash_token
from feedback_app.models import ContactList, Invitation, InvitationBatch, Wave, WaveContact

_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_EMAIL_COLUMNS = {"email", "e-mail", "email address", "e-mail address"}
_MOBILE_COLUMNS = {"mobile", "phone", "mobile number", "phone number", "sms"}


@dataclass
class ContactCheck:
    """The result of reading a list: the people to add, or the problems."""

    people: list[tuple[str | None, str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    duplicates: int = 0
    already_listed: int = 0


def normalise_mobile(text: str) -> str | None:
    """A UK mobile number as Notify takes it (07xxxxxxxxx), or an international one
    as +digits; None if it is not a mobile number."""
    digits = re.sub(r"[\s().-]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    if re.fullmatch(r"07\d{9}", digits):
        return digits
    if re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return digits
    return None


def normalise_email(text: str) -> str | None:
    """The address in lower case, or None if it is not an e-mail address."""
    address = text.strip().lower()
    return address if len(address) <= 320 and _EMAIL.match(address) else None


def read_contacts(db: Session, *, wave: Wave, data: bytes) -> ContactCheck:
    """Check an uploaded file against ``wave``'s list; writes nothing."""
    check = ContactCheck()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        check.problems.append(gettext("The file must be a CSV saved as UTF-8"))
        return check
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        check.problems.append(gettext("The file is empty"))
        return check
    header = [cell.strip().lower() for cell in rows[0]]
    email_at = next((i for i, h in enumerate(header) if h in _EMAIL_COLUMNS), None)
    mobile_at = next((i for i, h in enumerate(header) if h in _MOBILE_COLUMNS), None)
    if email_at is None and mobile_at is None:
        check.problems.append(gettext("The first row must name an 'email' or a 'mobile' column"))
        return check
    if len(rows) - 1 > MAX_BATCH:
        check.problems.append(gettext("A list can have at most %(count)d people", count=MAX_BATCH))
        return check
    seen_email: set[str] = set()
    seen_mobile: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        raw_email = row[email_at].strip() if email_at is not None and email_at < len(row) else ""
        raw_mobile = (
            row[mobile_at].strip() if mobile_at is not None and mobile_at < len(row) else ""
        )
        if not raw_email and not raw_mobile:
            if any(cell.strip() for cell in row):
                check.problems.append(
                    gettext("Row %(row)d: no e-mail address or mobile number", row=number)
                )
            continue
        email = normalise_email(raw_email) if raw_email else None
        mobile = normalise_mobile(raw_mobile) if raw_mobile else None
        if raw_email and email is None:
            check.problems.append(
                gettext(
                    "Row %(row)d: '%(text)s' is not an e-mail address",
                    row=number,
                    text=raw_email[:60],
                )
            )
        if raw_mobile and mobile is None:
            check.problems.append(
                gettext(
                    "Row %(row)d: '%(text)s' is not a mobile number",
                    row=number,
                    text=raw_mobile[:30],
                )
            )
        if (raw_email and email is None) or (raw_mobile and mobile is None):
            continue
        if (email and email in seen_email) or (mobile and mobile in seen_mobile):
            check.duplicates += 1
            continue
        seen_email.update([email] if email else [])
        seen_mobile.update([mobile] if mobile else [])
        check.people.append((email, mobile))
    if check.people:
        emails = [e for e, _ in check.people if e]
        mobiles = [m for _, m in check.people if m]
        listed = db.execute(
            select(WaveContact.email, WaveContact.mobile).where(
                WaveContact.wave_id == wave.id,
                or_(WaveContact.email.in_(emails), WaveContact.mobile.in_(mobiles)),
            )
        ).all()
        known_e = {e for e, _ in listed if e}
        known_m = {m for _, m in listed if m}
        kept = [(e, m) for e, m in check.people if e not in known_e and m not in known_m]
        check.already_listed = len(check.people) - len(kept)
        check.people = kept
    return check


def link_token(secret_key: str, contact_id: int) -> str:
    """The contact's single-use link token: the same every time, stored nowhere."""
    digest = hmac.new(secret_key.encode(), f"contact:{contact_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def store_contacts(
    db: Session,
    *,
    wave: Wave,
    check: ContactCheck,
    label: str,
    secret_key: str,
    created_by_id: int | None,
) -> ContactList:
    """Add the checked people to ``wave`` with a single-use link each (flushed, not
    committed: the caller commits with its audit event)."""
    if check.problems:
        raise ValueError("a list with problems is never stored")
    batch = InvitationBatch(
        wave_id=wave.id, label=label, size=len(check.people), created_by_id=created_by_id
    )
    upload = ContactList(
        wave_id=wave.id, label=label, size=len(check.people), created_by_id=created_by_id
    )
    db.add_all([batch, upload])
    db.flush()
    for email, mobile in check.people:
        contact = WaveContact(wave_id=wave.id, list_id=upload.id, email=email, mobile=mobile)
        db.add(contact)
        db.flush()
        invitation_id = db.execute(
            insert(Invitation)
            .values(
                batch_id=batch.id,
                wave_id=wave.id,
                token_hash=hash_token(link_token(secret_key, contact.id)),
            )
            .returning(Invitation.id)
        ).scalar_one()
        contact.invitation_id = invitation_id
    db.flush()
    return upload
