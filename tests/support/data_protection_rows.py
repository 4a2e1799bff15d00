"""Rows in every table that belongs to a wave or an area, for the retention and
deletion tests: responses with free text and closed answers, a theme correction,
paper returns, invitations, an import, cached results, drafts, commentary...
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.models import (
    Answer,
    AreaAction,
    AuditEvent,
    Base,
    BaselineImport,
    DraftComment,
    DraftRevision,
    Invitation,
    InvitationBatch,
    KpiCommentary,
    KpiStatusOverride,
    LocalArea,
    OneTimeLink,
    PaperReturn,
    PendingImport,
    PlanAction,
    PlanActionStatus,
    PlanMilestone,
    PopulationCount,
    QuestionnaireDraft,
    QuestionnaireTranslation,
    Response,
    ResultCache,
    SchemeStatus,
    StatusScheme,
    ThemeCorrection,
    Wave,
)
from surveys.model import AnswerType
from tests.support.waves import add_submitted_response


def question_ids(wave: Wave) -> tuple[str, str]:
    """A free-text question and a closed question of the wave's questionnaire."""
    questions = [q for page in questionnaire_for(wave.version).pages for q in page.questions]
    text = next(q.id for q in questions if q.type is AnswerType.TEXT)
    closed = next(q.id for q in questions if q.type is not AnswerType.TEXT)
    return text, closed


def add_response(
    session: Session, wave: Wave, *, at: dt.datetime, free_text: str = "We felt unheard"
) -> Response:
    """A submitted response with a free-text and a closed answer, and a theme correction."""
    text_id, closed_id = question_ids(wave)
    response = add_submitted_response(session, wave, when=at)
    text = Answer(response_id=response.id, question_id=text_id, value=free_text, updated_at=at)
    closed = Answer(response_id=response.id, question_id=closed_id, value="x", updated_at=at)
    session.add_all([text, closed])
    session.flush()
    session.add(ThemeCorrection(answer_id=text.id, themes=["communication"]))
    return response


def populate_wave(session: Session, wave: Wave, *, at: dt.datetime, responses: int = 2) -> None:
    """Responses, an accepted and an unaccepted paper return, invitations, an import."""
    made = [add_response(session, wave, at=at) for _ in range(responses)]
    session.add_all(
        [
            PaperReturn(
                wave_id=wave.id,
                reference=f"P{wave.id}-1",
                first_keying={"q": "answer"},
                response_id=made[0].id,
                created_at=at,
            ),
            PaperReturn(
                wave_id=wave.id, reference=f"P{wave.id}-2", first_keying={"q": "a"}, created_at=at
            ),
        ]
    )
    batch = InvitationBatch(wave_id=wave.id, label="Schools", size=1)
    session.add(batch)
    session.flush()
    session.add(Invitation(batch_id=batch.id, wave_id=wave.id, token_hash=secrets.token_hex(32)))
    session.add(
        BaselineImport(
            area_id=wave.area_id,
            wave_id=wave.id,
            file_sha256=secrets.token_hex(32),
            filename="baseline.csv",
            rows=1,
        )
    )
    session.flush()


def _any_staff_id(session: Session, area: LocalArea) -> int:
    from feedback_app.models import Membership

    user_id = session.scalar(select(Membership.user_id).where(Membership.area_id == area.id))
    assert user_id is not None, "make staff in the area first"
    return int(user_id)


def populate_area(session: Session, area: LocalArea) -> None:
    """Rows that belong to the area itself (not to one wave)."""
    version_id = session.scalar(select(Wave.version_id).where(Wave.area_id == area.id))
    draft = QuestionnaireDraft(area_id=area.id, questionnaire_id="d", title="D", definition="x")
    session.add(draft)
    session.flush()
    session.add(DraftRevision(draft_id=draft.id, revision=1, definition="x"))
    parent = DraftComment(draft_id=draft.id, revision=1, body="Parent comment")
    session.add(parent)
    session.flush()
    session.add(DraftComment(draft_id=draft.id, revision=1, body="Reply", parent_id=parent.id))
    session.add_all(
        [
            QuestionnaireTranslation(version_id=version_id, language="cy", messages={"a": "b"}),
            PopulationCount(
                area_id=area.id, question_id="plan_type", category="ehcp", population=9
            ),
            KpiCommentary(area_id=area.id, kpi_id="kpi_4_1", body="Going up"),
            AreaAction(area_id=area.id, you_said="s", we_did="d", action_date=dt.date(2024, 1, 1)),
            KpiStatusOverride(area_id=area.id, kpi_reference="KPI 4/1", colour="red", reason="r"),
            StatusScheme(
                area_id=area.id,
                preset="ragp_hull",
                statuses=[
                    SchemeStatus(
                        area_id=area.id,
                        position=1,
                        colour="purple",
                        label="Purple",
                        kind="complete",
                    )
                ],
            ),
            PlanAction(
                area_id=area.id,
                action="a",
                owner="o",
                milestones=[PlanMilestone(title="m", due_on=dt.date(2024, 1, 1))],
                history=[
                    PlanActionStatus(
                        colour="red", label="Red", kind="exception", status_date=dt.date(2024, 1, 1)
                    )
                ],
            ),
            ResultCache(key=secrets.token_hex(32), area_id=area.id, payload="{}"),
            PendingImport(
                name=secrets.token_urlsafe(24),
                area_id=area.id,
                user_id=_any_staff_id(session, area),
                content=b"q1\nagree\n",
                state={},
            ),
            OneTimeLink(
                token_hash=secrets.token_hex(32),
                purpose="invite",
                area_id=area.id,
                email="new@example.org",
                expires_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
            ),
            AuditEvent(action="login", area_id=area.id),
        ]
    )
    session.flush()


def snapshot(session: Session) -> dict[str, int]:
    """Row count of every table (one query, so it is cheap to take often)."""
    counts = union_all(
        *(
            select(literal(table.name).label("name"), func.count().label("n")).select_from(table)
            for table in Base.metadata.sorted_tables
        )
    )
    return {name: int(n) for name, n in session.execute(counts)}


def rows_pointing_at(session: Session, table: Any, column: str, value: int) -> int:
    """How many rows of ``table`` have ``column`` = ``value``."""
    return int(
        session.scalar(select(func.count()).select_from(table).where(table.c[column] == value)) or 0
    )
