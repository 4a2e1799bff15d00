"""Real values for every route argument, so tests that walk ``app.url_map``
(headers, form fuzzing, escaping) reach rendered pages rather than 404s.

The demo area (loaded by the ``demo`` fixture) gets staff in every role, a draft
of a published questionnaire, a comment, an action and a paper return; the
values name them.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from feedback_app import db
from feedback_app.api import tokens as api_tokens
from feedback_app.definitions import questionnaire_for
from feedback_app.models import (
    AreaAction,
    DraftComment,
    PaperReturn,
    PlanAction,
    PlanMilestone,
    QuestionnaireDraft,
    SsoRoleMapping,
    StaffUser,
    Wave,
    utcnow,
)
from feedback_app.plan.service import area_plan
from tests.support.staff import make_area_with_staff

#: The update list is on (its pages exist only where sending is set up), with a
#: key that reaches nothing: no request sends a message, the worker does.
UPDATE_LIST = {
    "SEND_BACKEND": "notify",
    "NOTIFY_API_KEY": "fuzz_key-" + "0" * 36 + "-" + "0" * 36,
    "NOTIFY_BASE_URL": "http://127.0.0.1:9",
    "NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID": "fuzz",
    "NOTIFY_UPDATE_EMAIL_TEMPLATE_ID": "fuzz",
}


def demo_route_values(app: Flask, wave_slug: str = "demo-event-feedback") -> dict[str, Any]:
    """Make staff and rows in the demo area; return route argument -> value."""
    make_area_with_staff(app, "demo")
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == wave_slug))
        assert wave is not None
        questionnaire = questionnaire_for(wave.version)
        draft = QuestionnaireDraft(
            area_id=wave.area_id,
            questionnaire_id=f"{questionnaire.id}_draft",
            title="Route check draft",
            definition=wave.version.definition,
        )
        session.add(draft)
        session.flush()
        comment = DraftComment(draft_id=draft.id, revision=1, body="A comment")
        action = AreaAction(
            area_id=wave.area_id, you_said="said", we_did="did", action_date=dt.date(2024, 1, 1)
        )
        paper = PaperReturn(wave_id=wave.id, reference="R1", first_keying={})
        plan_action = PlanAction(
            area_id=wave.area_id, action="Set up a duty line", owner="Head of SEND"
        )
        plan_action.milestones.append(PlanMilestone(title="Agreed", due_on=dt.date(2024, 2, 1)))
        mapping = SsoRoleMapping(
            area_id=wave.area_id,
            claim="groups",
            value="route-check",
            role="reviewer",
            creates_accounts=False,
        )
        session.add_all([comment, action, paper, plan_action, mapping])
        coordinator = session.scalar(
            select(StaffUser.id).where(StaffUser.email == "coordinator@demo.example")
        )
        administrator = session.scalars(
            select(StaffUser).where(StaffUser.email == "administrator@demo.example")
        ).one()
        api_token, _secret = api_tokens.issue(
            session, administrator, name="Route check", area_ids=[wave.area_id],
            expires_at=utcnow() + dt.timedelta(days=30),
        )  # fmt: skip
        plan = area_plan(session, wave.area)
        kpi_id = plan.kpis[0].id if plan is not None and plan.kpis else "x"
        session.commit()
        page = questionnaire.pages[0]
        return {
            "area_slug": "demo",
            "slug": wave_slug,
            "wave_id": wave.id,
            "version_id": wave.version_id,
            "draft_id": draft.id,
            "comment_id": comment.id,
            "action_id": action.id,
            "plan_action_id": plan_action.id,
            "kpi_id": kpi_id,
            "milestone_id": plan_action.milestones[0].id,
            "return_id": paper.id,
            "user_id": coordinator,
            "mapping_id": mapping.id,
            "token_id": api_token.id,
            "revision": 1,
            "page_id": page.id,
            "question_id": page.questions[0].id,
            "source_id": page.questions[0].id,
            "answer_type": "text",
            "language": "cy",
            "filename": "pictures/face_happy.svg",
        }


def build_url(rule: Rule, values: dict[str, Any]) -> str:
    """The path of ``rule`` with ``values`` (1 or "x" for arguments not in them)."""
    args = {arg: values.get(arg, 1) for arg in rule.arguments}
    for arg, converter in rule._converters.items():
        if arg not in values and not isinstance(converter, NumberConverter):
            args[arg] = "x"
    built = rule.build(args, append_unknown=False)
    assert built is not None
    return built[1]


class FormFinder(HTMLParser):
    """Forms on a page: action -> (method, field names), and every link."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: dict[str, set[str]] = {}
        self.links: list[tuple[str, dict[str, str]]] = []
        self._action: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._action = (attrs.get("action") or self.page_path).split("?")[0]
                self.forms.setdefault(self._action, set())
            else:
                self._action = None
        elif tag in {"input", "select", "textarea", "button"} and self._action is not None:
            if attrs.get("name"):
                self.forms[self._action].add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None


def find_forms(html: str, page_path: str) -> FormFinder:
    """Parse ``html`` (served at ``page_path``) for forms and links."""
    finder = FormFinder(page_path)
    finder.feed(html)
    return finder
