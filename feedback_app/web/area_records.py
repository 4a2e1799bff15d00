"""Finding an area's own wave or questionnaire version from an id in a staff URL.

Every staff page under ``/staff/<area_slug>/`` that names a wave or a version by
id looks it up here, so the rule is written once: a record of another area is
not found (404), never shown, whatever role the person holds there.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import LocalArea, QuestionnaireVersion, Wave


def area_wave(session: Session, area: LocalArea, wave_id: object) -> Wave | None:
    """The wave with this id if it belongs to ``area``; None otherwise."""
    if not isinstance(wave_id, int) or isinstance(wave_id, bool):
        return None
    wave = session.get(Wave, wave_id)
    return wave if wave is not None and wave.area_id == area.id else None


def area_version(
    session: Session, area: LocalArea, version_id: object
) -> QuestionnaireVersion | None:
    """The questionnaire version with this id if it belongs to ``area``; None otherwise."""
    if not isinstance(version_id, int) or isinstance(version_id, bool):
        return None
    version = session.get(QuestionnaireVersion, version_id)
    return version if version is not None and version.area_id == area.id else None


def area_wave_or_404(area: LocalArea, wave_id: int) -> Wave:
    """The area's wave with this id, or a 404 page (for views)."""
    wave = area_wave(db.session(), area, wave_id)
    if wave is None:
        abort(404)
    return wave


def area_version_or_404(area: LocalArea, version_id: int) -> QuestionnaireVersion:
    """The area's questionnaire version with this id, or a 404 page (for views)."""
    version = area_version(db.session(), area, version_id)
    if version is None:
        abort(404)
    return version
