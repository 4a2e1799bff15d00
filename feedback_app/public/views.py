"""Public pages: the list of open surveys, privacy and accessibility statements."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from feedback_app import db
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
    return render_template("public/accessibility.html")


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """For load balancers: the app answers and the database is reachable."""
    db.session().execute(select(1))
    return {"status": "ok"}, 200
