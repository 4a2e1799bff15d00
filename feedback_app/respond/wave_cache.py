"""What a wave's questionnaire version offers respondents, kept per process (ADR 0040).

Every respondent request needs the languages the wave offers (its version's
complete translations) and, in a language other than English, the version's
uploaded translation. Both depend only on the version (its checksum), the
coordinators' uploads for it and the area's place names, so they are worked
out once per process and version, not per request.

Nothing stale is served: the key includes a *stamp* of the version's uploads
(how many, the latest upload time, the sum of their ids) that
``journey.find_wave`` reads in the same query that loads the wave, on every
request. An upload (or a replaced one, which gets a new time) changes the stamp,
so the very next request misses the cache and reads the uploads again; so does
an edit of the area's place names (they are part of the key). A version never
changes after it is published (a new definition is a new version with its own
checksum).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from feedback_app.models import QuestionnaireTranslation, Wave
from feedback_app.translating import content_translation
from surveys import Questionnaire

if TYPE_CHECKING:
    from feedback_app.respond.public_wave import JourneyWave

#: Entries kept at most (one per version and stamp); emptied when full.
LIMIT = 256


@dataclass(frozen=True)
class UploadStamp:
    """Enough of a version's uploads to notice any change: count, latest, sum of ids."""

    count: int
    latest: object
    ids: int


@dataclass(frozen=True)
class VersionTexts:
    """A version's offered languages and uploaded translations (language -> messages)."""

    offered: tuple[str, ...]
    uploads: Mapping[str, Mapping[str, str]]

    def messages(self, language: str) -> Mapping[str, str]:
        """The uploaded translation in ``language`` (empty for English or none)."""
        if language == "en":
            return {}
        return self.uploads.get(language, {})


_CACHE: dict[tuple[object, ...], VersionTexts] = {}


def stamp_columns() -> tuple[Any, Any, Any]:
    """Three scalar subqueries of the uploads of ``Wave.version_id``, for the wave's query."""
    table = QuestionnaireTranslation
    of_version = table.version_id == Wave.version_id
    return (
        select(func.count(table.id)).where(of_version).scalar_subquery().label("uploads"),
        select(func.max(table.uploaded_at)).where(of_version).scalar_subquery().label("latest"),
        select(func.coalesce(func.sum(table.id), 0))
        .where(of_version)
        .scalar_subquery()
        .label("upload_ids"),
    )


_STAMP = select(
    func.count(QuestionnaireTranslation.id),
    func.max(QuestionnaireTranslation.uploaded_at),
    func.coalesce(func.sum(QuestionnaireTranslation.id), 0),
).where(QuestionnaireTranslation.version_id == bindparam("version_id"))

_UPLOADS = select(QuestionnaireTranslation.language, QuestionnaireTranslation.messages).where(
    QuestionnaireTranslation.version_id == bindparam("version_id")
)


def remember_stamp(db: Session, wave_id: int, stamp: UploadStamp) -> None:
    """Keep the stamp read with the wave for the rest of the request (the session)."""
    db.info.setdefault("upload_stamps", {})[wave_id] = stamp


def _stamp(db: Session, wave: JourneyWave) -> UploadStamp:
    found: UploadStamp | None = db.info.get("upload_stamps", {}).get(wave.id)
    if found is not None:
        return found
    count, latest, ids = db.execute(_STAMP, {"version_id": wave.version_id}).one()
    return UploadStamp(int(count or 0), latest, int(ids or 0))


def version_texts(db: Session, wave: JourneyWave, questionnaire: Questionnaire) -> VersionTexts:
    """The wave's offered languages and uploaded translations, fresh as of this request."""
    version = wave.version
    area = wave.area
    if version.area_id != area.id:  # pragma: no cover - a version is its area's own
        return _load(db, wave.version_id, questionnaire)
    stamp = _stamp(db, wave)
    places = tuple(tuple(str(part) for part in pair) for pair in (area.localities or []))
    key = (version.id, version.checksum, stamp, places)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _load(db, version.id, questionnaire)
        if len(_CACHE) >= LIMIT:
            _CACHE.clear()
        _CACHE[key] = cached
    return cached


def _load(db: Session, version_id: int, questionnaire: Questionnaire) -> VersionTexts:
    """Every upload of the version in one query, and the languages they complete."""
    uploads = {
        str(language): MappingProxyType(dict(messages or {}))
        for language, messages in db.execute(_UPLOADS, {"version_id": version_id}).all()
    }
    offered = tuple(
        c.language
        for c in content_translation.coverage(
            db, version_id=version_id, questionnaire=questionnaire, uploads=uploads
        )
        if c.complete
    )
    return VersionTexts(offered, MappingProxyType(uploads))


def clear() -> None:
    """Forget every version (tests)."""
    _CACHE.clear()
