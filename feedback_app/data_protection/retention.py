"""Retention: delete answers once a wave's retention period has passed.

The rule (docs/adr/0011-data-protection-retention-deletion.md):

* The period is the wave's ``retention_years``; when None, its area's
  ``LocalArea.retention_years``; when that is None too, ``DEFAULT_RETENTION_YEARS``.
* It runs from the wave's close date. A wave with no close date ("always on"
  feedback) never closes, so each of its responses runs from its own last
  activity (submitted, else last saved) and each paper return from when it was keyed.
* Once the period has passed, the responses go with every row that belongs to
  them (``ownership.Ownership`` reads which from the foreign keys: their answers,
  free text included, which is counted apart as it is what is most likely to
  identify a family, and the officers' theme corrections of those answers), and
  the paper returns keyed for them (their keyings hold the answers). The area's cached results are
  dropped too, as they were computed from responses that no longer exist. The
  wave, its questionnaire, invitation counts and imports' records stay, so staff
  can see the wave existed and that its answers were deleted.

Deletion is real (``DELETE``), in one transaction per wave, and audited with counts
only. Running it twice deletes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, delete, false, func, or_, select
from sqlalchemy.orm import Session

from feedback_app.data_protection.ownership import Ownership
from feedback_app.definitions import questionnaire_for
from feedback_app.models import (
    Answer,
    ContactList,
    ContactMessage,
    LocalArea,
    PaperReturn,
    Response,
    ResultCache,
    ThemeCorrection,
    UpdateSubscriber,
    Wave,
    WaveContact,
    WaveReminder,
    utcnow,
)
from feedback_app.staff import audit
from surveys.model import AnswerType

#: Years answers are kept after a wave closes when neither the wave nor its area
#: says: long enough to compare a baseline with its 18- and 24-month follow-ups.
DEFAULT_RETENTION_YEARS = 3


@dataclass(frozen=True)
class WaveRetention:
    """What retention deletes (or would delete) from one wave: counts only."""

    wave_id: int
    area_id: int
    years: int
    #: When the period ends for a closed wave; None for a wave with no close date.
    expires_at: dt.datetime | None
    free_text_answers: int = 0
    answers: int = 0
    theme_corrections: int = 0
    paper_returns: int = 0
    responses: int = 0
    cached_results: int = 0

    @property
    def anything(self) -> bool:
        """True when there is something to delete."""
        return bool(self.free_text_answers or self.answers or self.paper_returns or self.responses)

    def counts(self) -> dict[str, int]:
        """The counts for the audit log and the command's output."""
        data = asdict(self)
        return {k: v for k, v in data.items() if isinstance(v, int) and k != "area_id"}


def years_for(wave: Wave) -> int:
    """The retention period of ``wave`` in whole years (wave, area, product default)."""
    if wave.retention_years is not None:
        return wave.retention_years
    if wave.area.retention_years is not None:
        return wave.area.retention_years
    return DEFAULT_RETENTION_YEARS


def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    """``moment`` plus whole calendar years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _cutoff(now: dt.datetime, years: int) -> dt.datetime:
    # Activity at or before this moment is past retention ("now minus the period").
    return add_years(now, -years)


def _stored(moment: dt.datetime, session: Session) -> dt.datetime:
    # SQLite stores naive UTC; compare like with like.
    if session.get_bind().dialect.name == "sqlite":
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _expired_responses(session: Session, wave: Wave, *, now: dt.datetime, years: int) -> list[int]:
    query = select(Response.id).where(Response.wave_id == wave.id)
    if wave.closes_at is None:
        cutoff = _stored(_cutoff(now, years), session)
        last = func.coalesce(Response.submitted_at, Response.updated_at)
        query = query.where(last <= cutoff)
    elif add_years(_aware(wave.closes_at), years) > now:
        return []
    return list(session.scalars(query.order_by(Response.id)))


def _free_text_questions(wave: Wave) -> list[str]:
    questionnaire = questionnaire_for(wave.version)
    return [
        q.id for page in questionnaire.pages for q in page.questions if q.type is AnswerType.TEXT
    ]


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def apply_to_wave(
    session: Session, wave: Wave, *, now: dt.datetime, dry_run: bool = False
) -> WaveRetention:
    """Delete (or with ``dry_run`` only count) what is past retention in ``wave``.

    Commits one transaction when something was deleted; leaves the session
    rolled back otherwise.
    """
    years = years_for(wave)
    expires_at = add_years(_aware(wave.closes_at), years) if wave.closes_at else None
    if years < 0:
        # A negative period is a mistake in the data: delete nothing rather than guess.
        return WaveRetention(wave_id=wave.id, area_id=wave.area_id, years=years, expires_at=None)
    ids = _expired_responses(session, wave, now=now, years=years)
    paper = (PaperReturn.wave_id == wave.id) & or_(
        PaperReturn.response_id.in_(ids),
        _unaccepted_paper_expired(session, wave, now=now, years=years),
    )
    free_text = Answer.response_id.in_(ids) & Answer.question_id.in_(_free_text_questions(wave))
    all_answers = Answer.response_id.in_(ids)
    corrections = ThemeCorrection.answer_id.in_(select(Answer.id).where(all_answers))
    result = WaveRetention(
        wave_id=wave.id,
        area_id=wave.area_id,
        years=years,
        expires_at=expires_at,
        free_text_answers=_count(
            session, select(func.count()).select_from(Answer).where(free_text)
        ),
        answers=_count(session, select(func.count()).select_from(Answer).where(all_answers)),
        theme_corrections=_count(
            session, select(func.count()).select_from(ThemeCorrection).where(corrections)
        ),
        paper_returns=_count(session, select(func.count()).select_from(PaperReturn).where(paper)),
        responses=len(ids),
        cached_results=_count(
            session,
            select(func.count())
            .select_from(ResultCache)
            .where(ResultCache.area_id == wave.area_id),
        )
        if ids
        else 0,
    )
    if dry_run or not result.anything:
        session.rollback()
        return result
    # The paper returns go by rule (their keyings hold the answers), though they
    # outlive a response elsewhere; then the responses and every row that belongs
    # to them (answers, theme corrections, and any table added later), children first.
    session.execute(delete(PaperReturn).where(paper))
    Ownership(Response.__table__).delete(  # type: ignore[arg-type]
        session, select(Response.id).where(Response.id.in_(ids))
    )
    if ids:
        session.execute(delete(ResultCache).where(ResultCache.area_id == wave.area_id))
    counts = result.counts()
    audit.record(session, "retention", area_id=wave.area_id, commit=False, **counts)
    session.commit()
    return result


def _unaccepted_paper_expired(
    session: Session, wave: Wave, *, now: dt.datetime, years: int
) -> ColumnElement[bool]:
    # Paper returns keyed but never accepted hold answers too.
    unaccepted = PaperReturn.response_id.is_(None)
    if wave.closes_at is None:
        return unaccepted & (PaperReturn.created_at <= _stored(_cutoff(now, years), session))
    if add_years(_aware(wave.closes_at), years) > now:
        return false()
    return unaccepted


def apply(
    session: Session, *, now: dt.datetime | None = None, dry_run: bool = False
) -> list[WaveRetention]:
    """Apply retention to every wave of every area, one transaction per wave."""
    moment = now or utcnow()
    wave_ids = list(session.scalars(select(Wave.id).join(LocalArea).order_by(Wave.id)))
    session.rollback()
    results = []
    for wave_id in wave_ids:
        wave = session.get(Wave, wave_id)
        if wave is None:
            continue
        results.append(apply_to_wave(session, wave, now=moment, dry_run=dry_run))
    return results


#: Days a wave's contact list is kept after the wave closes (``CONTACT_RETENTION_DAYS``):
#: long enough to answer "did my invitation go out?", never as long as the answers.
DEFAULT_CONTACT_RETENTION_DAYS = 30


def expire_contacts(
    session: Session, *, now: dt.datetime | None = None, days: int, dry_run: bool = False
) -> dict[int, int]:
    """Delete the contact lists of waves closed more than ``days`` days ago.

    Their people, the record of messages sent to them and the reminder dates go;
    the invitations stay (they hold only whether a link was used). One transaction
    per wave, audited with counts. Returns wave id -> people deleted.
    """
    moment = now or utcnow()
    cutoff = _stored(moment - dt.timedelta(days=days), session)
    wave_ids = list(
        session.scalars(
            select(Wave.id).where(
                Wave.closes_at.is_not(None),
                Wave.closes_at <= cutoff,
                Wave.id.in_(select(WaveContact.wave_id).distinct()),
            )
        )
    )
    deleted: dict[int, int] = {}
    for wave_id in wave_ids:
        wave = session.get(Wave, wave_id)
        assert wave is not None
        people = _count(session, select(func.count()).where(WaveContact.wave_id == wave_id))
        deleted[wave_id] = people
        if dry_run:
            continue
        session.execute(delete(ContactMessage).where(ContactMessage.wave_id == wave_id))
        session.execute(delete(WaveContact).where(WaveContact.wave_id == wave_id))
        session.execute(delete(ContactList).where(ContactList.wave_id == wave_id))
        session.execute(delete(WaveReminder).where(WaveReminder.wave_id == wave_id))
        audit.record(
            session,
            "retention",
            area_id=wave.area_id,
            commit=False,
            what="contacts",
            wave_id=wave_id,
            contacts=people,
        )
        session.commit()
    session.rollback()
    return deleted


def expire_update_list(
    session: Session,
    *,
    now: dt.datetime | None = None,
    unconfirmed_days: int,
    confirmed_days: int,
    dry_run: bool = False,
) -> dict[int, int]:
    """Delete people on update lists (ADR 0039) who never confirmed within
    ``unconfirmed_days`` of signing up, or last confirmed more than ``confirmed_days``
    ago (they are told they can join again). The messages sent to them stay as
    counts, without them. One transaction, audited per area with counts. Returns
    area id -> people deleted."""
    moment = now or utcnow()
    unconfirmed = _stored(moment - dt.timedelta(days=unconfirmed_days), session)
    stale = _stored(moment - dt.timedelta(days=confirmed_days), session)
    expired = or_(
        (UpdateSubscriber.confirmed_at.is_(None)) & (UpdateSubscriber.created_at <= unconfirmed),
        UpdateSubscriber.confirmed_at <= stale,
    )
    counts = dict(
        session.execute(
            select(UpdateSubscriber.area_id, func.count())
            .where(expired)
            .group_by(UpdateSubscriber.area_id)
        ).all()
    )
    deleted = {int(area_id): int(people) for area_id, people in counts.items()}
    if dry_run or not deleted:
        session.rollback()
        return deleted
    session.execute(delete(UpdateSubscriber).where(expired))
    for area_id, people in sorted(deleted.items()):
        audit.record(
            session, "retention", area_id=area_id, commit=False, what="update_list", people=people
        )
    session.commit()
    return deleted
