"""Signals that a response is automated: a honeypot box and pages answered too fast.

Neither signal refuses anything or changes what the respondent sees: it is
counted in ``Response.flags`` and an officer decides (feedback_app/quality/views.py).
The page timer is a signed value in the form, so no server state is needed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

#: The box people never see (hidden from sight, keyboard and screen readers).
HONEYPOT_FIELD = "contact_website"
#: The signed moment the page was shown.
TIMER_FIELD = "page_shown"
#: A page of questions answered faster than this looks automated (seconds).
DEFAULT_MIN_SECONDS_PER_PAGE = 2.0

HONEYPOT, FAST_PAGES, BAD_TIMER = "honeypot", "fast_pages", "bad_timer"
#: Reason -> how an officer reads it.
REASONS: dict[str, LazyString] = {
    HONEYPOT: _l("Filled in a box that people cannot see"),
    FAST_PAGES: _l("Pages answered faster than a person can read them"),
    BAD_TIMER: _l("Sent back a page timer that had been changed"),
}
FLAGGED_AT = "first_flagged_at"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="respond.page-shown")


def page_timer(page_id: str) -> str:
    """A signed record of showing ``page_id`` now, for the form's hidden field."""
    return _serializer().dumps({"p": page_id, "t": round(time.time(), 3)})


def timer_for_page(posted: str | None, page_id: str) -> str:
    """The posted timer when it is genuine and for this page, else a new one.

    A page shown again (an error, the personal data question) keeps its first
    timer, so a quick second press is not mistaken for a bot.
    """
    return posted if posted and _seconds_since(posted, page_id) is not None else page_timer(page_id)


def _seconds_since(token: str, page_id: str) -> float | None:
    try:
        data = _serializer().loads(token[:200])
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != page_id:
        return None
    shown = data.get("t")
    if not isinstance(shown, int | float):
        return None
    return time.time() - float(shown)


def noticed(form: Mapping[str, str], *, page_id: str) -> dict[str, int]:
    """Signals in a posted page: reason -> 1 (empty when it looks like a person).

    No timer at all is not counted: pages from before an upgrade and simple
    clients have none, and a bot that leaves it out still meets the honeypot.
    """
    found: dict[str, int] = {}
    if form.get(HONEYPOT_FIELD, "").strip():
        found[HONEYPOT] = 1
    token = form.get(TIMER_FIELD, "")
    if token:
        seconds = _seconds_since(token, page_id)
        minimum = float(
            current_app.config.get("RESPOND_MIN_SECONDS_PER_PAGE", DEFAULT_MIN_SECONDS_PER_PAGE)
        )
        if seconds is None:
            found[BAD_TIMER] = 1
        elif seconds < minimum:
            found[FAST_PAGES] = 1
    return found


def with_signals(
    flags: Mapping[str, Any] | None, found: Mapping[str, int], *, now: dt.datetime
) -> dict[str, Any] | None:
    """The response's flags with ``found`` added; None when nothing new was found."""
    if not found:
        return None
    updated = dict(flags or {})
    for reason, count in found.items():
        previous = updated.get(reason, 0)
        updated[reason] = (previous if isinstance(previous, int) else 0) + count
    updated.setdefault(FLAGGED_AT, now.isoformat(timespec="seconds"))
    return updated


def reasons(flags: Mapping[str, Any] | None) -> list[tuple[str, int]]:
    """(officer's wording, count) for each reason a response was flagged."""
    return [
        (str(text), int(flags[reason]))
        for reason, text in REASONS.items()
        if flags and isinstance(flags.get(reason), int) and flags[reason] > 0
    ]
