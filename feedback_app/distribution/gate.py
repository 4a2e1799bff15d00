"""Invitation links on the respondent side: remembering one, refusing visitors
without one, and using it up in the submission's own transaction.

A hook runs before the journey's endpoints and refuses visitors without an
unused invitation on an invitation-only wave. The "send" view calls
``use_invitation_for`` itself just before ``journey.submit``, so the link is used
up in the same transaction as the submission (or given back if it rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, session
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.distribution.invitations import consume_invitation, is_unused
from feedback_app.respond import journey
from feedback_app.respond.public_wave import JourneyWave
from surveys import Questionnaire

#: Journey endpoints that need an unused invitation on an invitation-only wave.
GATED_ENDPOINTS = frozenset(
    {
        "respond.begin",
        "respond.question",
        "respond.check",
        "respond.save_for_later",
        "respond.resume",
    }
)
SEND_ENDPOINT = "respond.check"


@dataclass(frozen=True)
class InvitationVisit:
    """What the respondent layout needs: the wave and its questionnaire."""

    wave: JourneyWave
    questionnaire: Questionnaire


def remember_invitation(slug: str, token_hash: str) -> None:
    """Keep the invitation (its hash only) in this visitor's session for the wave."""
    held = dict(session.get("invitations", {}))
    held[slug] = token_hash
    session["invitations"] = held
    session.permanent = True


def held_invitation(slug: str) -> str | None:
    """The hash of the invitation this visitor came with for the wave, if any."""
    held = session.get("invitations", {})
    value = held.get(slug) if isinstance(held, dict) else None
    return value if isinstance(value, str) else None


def used_page(wave: JourneyWave, status: int = 200) -> tuple[str, int]:
    """The confirmation shown for a link that has already been used."""
    visit = InvitationVisit(wave, questionnaire_for(wave.version))
    return render_template("respond/invitation_used.html", visit=visit), status


def _needed_page(wave: JourneyWave) -> tuple[str, int]:
    visit = InvitationVisit(wave, questionnaire_for(wave.version))
    return render_template("respond/invitation_needed.html", visit=visit), 403


def _has_submitted(wave: JourneyWave) -> bool:
    response_id = session.get("responses", {}).get(wave.slug)
    response = journey.get_response(db.session(), wave, response_id)
    return response is not None and response.is_submitted


def guard_journey() -> HttpResponse | tuple[str, int] | None:
    """Before a journey page: refuse, or use up the invitation when answers are sent."""
    if request.endpoint not in GATED_ENDPOINTS or not request.view_args:
        return None
    wave = journey.find_wave(db.session(), str(request.view_args.get("slug", ""))[:60])
    if wave is None:
        return None  # the view gives its own 404
    token_hash = held_invitation(wave.slug)
    if token_hash is None and not wave.invitation_only:
        return None  # the usual case: an open survey, no invitation involved
    # Someone who has sent their answers is redirected to the confirmation by the
    # views themselves (a double tap on "send" lands here too); starting again
    # needs an unused invitation.
    if request.endpoint != "respond.begin" and _has_submitted(wave):
        return None
    if token_hash is None:
        return _needed_page(wave)
    if request.endpoint == SEND_ENDPOINT and request.method == "POST":
        return None  # the view uses the invitation up with the submission
    if not is_unused(db.session(), token_hash, wave):
        return used_page(wave)
    return None


def use_invitation_for(wave: JourneyWave) -> bool:
    """Before submitting: use up this visitor's invitation, uncommitted.

    True when the submission may go ahead (no invitation involved, or this call
    used it); False when the link was used already, and the session has been
    rolled back. ``journey.submit`` commits the use together with the answers.
    """
    token_hash = held_invitation(wave.slug)
    if token_hash is None:
        return not wave.invitation_only
    if consume_invitation(db.session(), token_hash):
        return True
    db.session().rollback()
    return False
