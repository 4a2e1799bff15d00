"""Moving a running wave to a corrected version of its questionnaire (ADR 0027).

A wave keeps the version it was scheduled with, unless the coordinator moves it
to a newer published version of the same questionnaire whose changes keep
results comparable (``surveys.changes``: a corrected hint, a new question, the
start or end page's words). Responses already sent stay with the version they
answered; people who start afterwards get the new one; a response in progress
moves with the wave, as every answer it holds means the same in the new version
(no question was removed and no wording or answer option changed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.models import QuestionnaireVersion, Response, StaffUser, Wave
from feedback_app.review.lineage import ChangeLine, change_lines, question_names
from feedback_app.review.waves import wave_status
from feedback_app.staff import audit
from feedback_app.translating.content_translation import offered_languages
from surveys.changes import keeps_comparability, questionnaire_changes

#: The audit action of a switch (detail: wave, versions before and after).
SWITCH_ACTION = "switch_wave_version"


class SwitchRefused(ValueError):
    """The wave cannot move to a newer version; the message says why, plainly."""


@dataclass(frozen=True)
class VersionSwitch:
    """What moving ``wave`` to ``target`` would change."""

    wave: Wave
    target: QuestionnaireVersion
    #: Every change from the wave's version to ``target``, in plain words.
    changes: list[ChangeLine]
    #: True when every answer means what it meant in the wave's version.
    keeps_comparability: bool
    #: Languages respondents can choose now, and after the switch.
    languages_before: tuple[str, ...]
    languages_after: tuple[str, ...]

    @property
    def languages_lost(self) -> tuple[str, ...]:
        """Languages offered now that the new version does not offer (not fully
        translated yet)."""
        return tuple(code for code in self.languages_before if code not in self.languages_after)


def newest_version(db: Session, wave: Wave) -> QuestionnaireVersion | None:
    """The newest published version of the wave's questionnaire in its area, when it
    is newer than the wave's own; None otherwise."""
    newest = db.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.area_id == wave.area_id,
            QuestionnaireVersion.questionnaire_id == wave.version.questionnaire_id,
        )
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    )
    if newest is None or newest.version <= wave.version.version:
        return None
    return newest


def plan_switch(db: Session, wave: Wave, now: dt.datetime) -> VersionSwitch:
    """What moving ``wave`` to the newest version would change.

    Raises ``SwitchRefused`` when the wave is closed or there is no newer version;
    a switch that breaks comparability is returned (so the page can say what
    breaks it) and refused by ``switch_version``.
    """
    if wave_status(wave, now) == "closed":
        raise SwitchRefused(
            gettext("This wave is closed, so it keeps the version it was answered with")
        )
    target = newest_version(db, wave)
    if target is None:
        raise SwitchRefused(
            gettext("There is no newer published version of this questionnaire to move to")
        )
    before, after = questionnaire_for(wave.version), questionnaire_for(target)
    changes = questionnaire_changes(before, after)
    return VersionSwitch(
        wave=wave,
        target=target,
        changes=change_lines(changes, question_names(after, before)),
        keeps_comparability=keeps_comparability(changes),
        languages_before=offered_languages(db, version_id=wave.version_id, questionnaire=before),
        languages_after=offered_languages(db, version_id=target.id, questionnaire=after),
    )


def switch_version(
    db: Session, *, wave: Wave, target_id: int, user: StaffUser, now: dt.datetime
) -> VersionSwitch:
    """Move ``wave`` to the newest version, which must be ``target_id`` (the one the
    coordinator confirmed); audited with the version numbers before and after.
    Commits. Raises ``SwitchRefused`` (nothing written) when the wave is closed,
    there is no newer version, a newer one than confirmed was published since, or
    the change does not keep results comparable.
    """
    switch = plan_switch(db, wave, now)
    if switch.target.id != target_id:
        raise SwitchRefused(
            gettext(
                "That is not the newest version of this questionnaire "
                "(one may have been published since the page was shown): check it again"
            )
        )
    if not switch.keeps_comparability:
        raise SwitchRefused(
            gettext(
                "This wave cannot move to version %(number)s: some answers would not mean "
                "what they meant. Schedule a new wave of it instead",
                number=switch.target.version,
            )
        )
    before = wave.version
    # Answers in progress all mean the same in the new version, so they finish there.
    moved = db.execute(
        update(Response)
        .where(
            Response.wave_id == wave.id,
            Response.version_id == before.id,
            Response.status == "in_progress",
        )
        .values(version_id=switch.target.id)
        .execution_options(synchronize_session=False)
    )
    wave.version_id = switch.target.id
    wave.version = switch.target
    audit.record(
        db,
        SWITCH_ACTION,
        user_id=user.id,
        area_id=wave.area_id,
        commit=False,
        wave_id=wave.id,
        version=[before.version, switch.target.version],
        version_id=[before.id, switch.target.id],
        responses_in_progress=int(moved.rowcount),  # type: ignore[attr-defined]
    )
    db.commit()
    return switch
