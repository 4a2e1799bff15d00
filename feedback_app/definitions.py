"""The questionnaire a stored version holds, parsed and checked once per process.

Nearly every feature needs it (the journey, paper keying, monitor, results,
translations, sharing), so it has a module of its own rather than living in the
respondent journey.
"""

from __future__ import annotations

from functools import lru_cache

from feedback_app.models import QuestionnaireVersion
from surveys import Questionnaire, parse_questionnaire


@lru_cache(maxsize=256)
def _parsed(version_id: int, checksum: str, definition: str) -> Questionnaire:
    # version_id and checksum make the cache key; the text alone is parsed.
    return parse_questionnaire(definition, source=f"version {version_id} ({checksum[:8]})")


def questionnaire_for(version: QuestionnaireVersion) -> Questionnaire:
    """The immutable definition a version holds (parsed once per process)."""
    return _parsed(version.id, version.checksum, version.definition)
