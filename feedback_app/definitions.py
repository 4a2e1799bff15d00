"""The questionnaire a stored version holds, parsed and checked once per process.

Nearly every feature needs it (the journey, paper keying, monitor, results,
translations, sharing), so it has a module of its own rather than living in the
respondent journey.
"""

from __future__ import annotations

from typing import Protocol

from surveys import Questionnaire, parse_questionnaire


class StoredVersion(Protocol):
    """A published version: a ``QuestionnaireVersion``, or the journey's snapshot of one."""

    @property
    def id(self) -> int: ...
    @property
    def checksum(self) -> str: ...
    @property
    def definition(self) -> str: ...


#: (version id, checksum) -> its parsed questionnaire. A version's text never
#: changes (a change is a new version), and its checksum is the SHA-256 of that
#: text (``review.publishing``), which makes the key safe even across databases
#: that reuse an id.
_PARSED: dict[tuple[int, str], Questionnaire] = {}
#: Versions kept at most; emptied when full (the journey uses a handful).
LIMIT = 256


def questionnaire_for(version: StoredVersion) -> Questionnaire:
    """The immutable definition a version holds (parsed once per process).

    Looked up by id and checksum only, so the definition's text is neither
    hashed nor compared on every page view (issue 17); it is read on a miss.
    """
    key = (version.id, version.checksum)
    found = _PARSED.get(key)
    if found is None:
        found = parse_questionnaire(
            version.definition, source=f"version {version.id} ({version.checksum[:8]})"
        )
        if len(_PARSED) >= LIMIT:
            _PARSED.clear()
        _PARSED[key] = found
    return found
