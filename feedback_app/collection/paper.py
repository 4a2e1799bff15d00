"""Paper returns: first keying, an optional blind second keying, then acceptance.

Each function that writes does all its checks first and commits once, so a
refused action writes nothing. Accepting works whether or not the wave is still
open: paper comes back late.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_app.collection.keying import differences, from_stored, kept_answers, to_stored
from feedback_app.models import Answer, PaperReturn, Response, StaffUser, Wave, utcnow
from feedback_app.staff import audit
from surveys import Questionnaire
from surveys.i18n import N_
from surveys.model import AnswerValue

#: What a paper form reference may contain: what people write on paper.
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /_-]{0,39}$")
FIRST, SECOND = "first", "second"


class PaperError(ValueError):
    """A paper action that cannot be done; ``message`` is an English message id."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(message % params if params else message)


def find_return(db: Session, wave: Wave, return_id: int) -> PaperReturn | None:
    """The paper return with this id if it belongs to ``wave``."""
    found = db.get(PaperReturn, return_id)
    return found if found is not None and found.wave_id == wave.id else None


def wave_returns(db: Session, wave: Wave) -> list[PaperReturn]:
    """The wave's paper returns, newest first."""
    rows = db.scalars(
        select(PaperReturn)
        .where(PaperReturn.wave_id == wave.id)
        .order_by(PaperReturn.created_at.desc(), PaperReturn.id.desc())
    )
    return list(rows)


def normalise_reference(text: str) -> str:
    """The reference as stored: trimmed, inner spaces collapsed, upper case."""
    return " ".join(text.split()).upper()


def record_first_keying(
    db: Session,
    *,
    wave: Wave,
    reference: str,
    answers: Mapping[str, AnswerValue],
    user: StaffUser,
    language: str = "en",
) -> PaperReturn:
    """Store the first keying of paper form ``reference``, printed in ``language``, and commit.

    Refuses a reference already keyed for this wave (accepted or not), so one
    paper form can never become two responses.
    """
    reference = normalise_reference(reference)
    existing = db.scalar(
        select(PaperReturn).where(
            PaperReturn.wave_id == wave.id, PaperReturn.reference == reference
        )
    )
    if existing is not None:
        raise _already_keyed(existing)
    paper_return = PaperReturn(
        wave_id=wave.id,
        reference=reference,
        language=language,
        first_keying=to_stored(answers),
        first_keyed_by_id=user.id,
    )
    db.add(paper_return)
    try:
        db.flush()
    except IntegrityError:
        # Someone keyed the same reference a moment ago.
        db.rollback()
        raise PaperError(
            N_("Paper form %(reference)s has already been keyed"), reference=reference
        ) from None
    audit.record(
        db, "paper_keyed", user_id=user.id, area_id=wave.area_id, commit=False,
        wave_id=wave.id, reference=reference, keying=1,
    )  # fmt: skip
    db.commit()
    return paper_return


def _already_keyed(existing: PaperReturn) -> PaperError:
    if existing.accepted_at is not None:
        return PaperError(
            N_("Paper form %(reference)s has already been accepted. Do not key it again"),
            reference=existing.reference,
        )
    return PaperError(
        N_(
            "Paper form %(reference)s has already been keyed. To key it a second time, "
            "open it from the list of paper returns"
        ),
        reference=existing.reference,
    )


def check_second_keyer(paper_return: PaperReturn, user: StaffUser) -> None:
    """Raise PaperError unless ``user`` may key ``paper_return`` a second time."""
    if paper_return.accepted_at is not None:
        raise PaperError(
            N_("Paper form %(reference)s has already been accepted. Do not key it again"),
            reference=paper_return.reference,
        )
    if paper_return.second_keying is not None:
        raise PaperError(
            N_("Paper form %(reference)s has already been keyed twice"),
            reference=paper_return.reference,
        )
    if paper_return.first_keyed_by_id == user.id:
        raise PaperError(
            N_("Someone else must key the second copy: you keyed paper form %(reference)s first"),
            reference=paper_return.reference,
        )


def record_second_keying(
    db: Session,
    *,
    wave: Wave,
    paper_return: PaperReturn,
    answers: Mapping[str, AnswerValue],
    user: StaffUser,
) -> None:
    """Store a blind second keying by a different person and commit."""
    check_second_keyer(paper_return, user)
    result = db.execute(
        update(PaperReturn)
        .where(
            PaperReturn.id == paper_return.id,
            PaperReturn.second_keying.is_(None),
            PaperReturn.accepted_at.is_(None),
        )
        .values(second_keying=to_stored(answers), second_keyed_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise PaperError(
            N_("Paper form %(reference)s has already been keyed twice"),
            reference=paper_return.reference,
        )
    audit.record(
        db, "paper_keyed", user_id=user.id, area_id=wave.area_id, commit=False,
        wave_id=wave.id, reference=paper_return.reference, keying=2,
    )  # fmt: skip
    db.commit()
    db.refresh(paper_return)


def keyings(
    questionnaire: Questionnaire, paper_return: PaperReturn
) -> tuple[dict[str, AnswerValue], dict[str, AnswerValue] | None, list[str]]:
    """The first keying, the second (or None) and the question ids that differ."""
    first = from_stored(paper_return.first_keying)
    if paper_return.second_keying is None:
        return first, None, []
    second = from_stored(paper_return.second_keying)
    return first, second, differences(questionnaire, first, second)


def status_text(questionnaire: Questionnaire, paper_return: PaperReturn) -> str:
    """Where a return is in its lifecycle, as an English message id."""
    if paper_return.accepted_at is not None:
        return N_("Accepted")
    if paper_return.second_keying is None:
        return N_("Keyed once: accept it, or have someone else key it again")
    if keyings(questionnaire, paper_return)[2]:
        return N_("Keyed twice: differences to resolve")
    return N_("Keyed twice, no differences: ready to accept")


def resolved_answers(
    questionnaire: Questionnaire, paper_return: PaperReturn, choices: Mapping[str, str]
) -> dict[str, AnswerValue]:
    """The answers to accept: agreed values, and for each difference the chosen keying."""
    first, second, differing = keyings(questionnaire, paper_return)
    if second is None:
        return first
    answers = {qid: v for qid, v in first.items() if qid not in differing}
    for qid in differing:
        choice = choices.get(qid)
        if choice not in (FIRST, SECOND):
            raise PaperError(N_("Choose which keying is right for every difference"))
        value = (first if choice == FIRST else second).get(qid)
        if value is not None:
            answers[qid] = value
    return answers


def accept(
    db: Session,
    *,
    wave: Wave,
    paper_return: PaperReturn,
    questionnaire: Questionnaire,
    choices: Mapping[str, str],
    user: StaffUser,
) -> Response:
    """Make the return a submitted paper response, in one transaction.

    A conditional update marks the return accepted, so pressing the button twice
    (or two people at once) makes one response.
    """
    answers = kept_answers(questionnaire, resolved_answers(questionnaire, paper_return, choices))
    now = utcnow()
    marked = db.execute(
        update(PaperReturn)
        .where(PaperReturn.id == paper_return.id, PaperReturn.accepted_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise PaperError(
            N_("Paper form %(reference)s has already been accepted. Do not key it again"),
            reference=paper_return.reference,
        )
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        # Nobody holds this token: a paper response can never be resumed online.
        token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        status="submitted",
        channel="paper",
        language=paper_return.language,
        started_at=now,
        updated_at=now,
        submitted_at=now,
    )
    db.add(response)
    db.flush()
    for question_id, value in to_stored(answers).items():
        db.add(
            Answer(response_id=response.id, question_id=question_id, value=value, updated_at=now)
        )
    db.execute(
        update(PaperReturn)
        .where(PaperReturn.id == paper_return.id)
        .values(response_id=response.id)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        db, "paper_accepted", user_id=user.id, area_id=wave.area_id, commit=False,
        wave_id=wave.id, reference=paper_return.reference,
    )  # fmt: skip
    db.commit()
    db.refresh(paper_return)
    return response
