"""Public pages: the list of open surveys, privacy and accessibility statements."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from feedback_app import db
from feedback_app.config import ACCESSIBILITY_TESTED_ON
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea
from feedback_app.respond import journey

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    areas = db.session().scalars(select(LocalArea).order_by(LocalArea.name)).all()
    listing = []
    for area in areas:
        waves = journey.public_waves(db.session(), area)
        listing.append((area, [(wave, questionnaire_for(wave.version)) for wave in waves]))
    only_area = areas[0] if len(areas) == 1 else None
    return render_template("public/home.html", listing=listing, area=only_area)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement, after GOV.UK's model for public sector websites,
    with this deployment's contact details and test dates (feedback_app/config.py)."""
    config = current_app.config
    return render_template(
        "public/accessibility.html",
        organisation=config.get("ORGANISATION_NAME") or gettext("the survey team"),
        address=config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/"),
        email=config.get("CONTACT_EMAIL", ""),
        phone=config.get("CONTACT_PHONE", ""),
        response_days=config.get("ACCESSIBILITY_RESPONSE_DAYS", 10),
        compliance=config.get("ACCESSIBILITY_COMPLIANCE", "partial"),
        tested_on=date.fromisoformat(
            config.get("ACCESSIBILITY_TESTED_ON", ACCESSIBILITY_TESTED_ON)
        ),
        prepared_on=date.fromisoformat(
            config.get("ACCESSIBILITY_PREPARED_ON", ACCESSIBILITY_TESTED_ON)
        ),
        languages=len(config.get("LANGUAGES", ())),
    )


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """For load balancers: the app answers and the database is reachable."""
    db.session().execute(select(1))
    return {"status": "ok"}, 200
