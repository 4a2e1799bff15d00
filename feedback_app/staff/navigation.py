"""The workspace navigation, as data: each link names the permission it needs.

A new staff section adds one row here; the layout shows the links the signed-in
person's role allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from feedback_app.models import LocalArea
from feedback_app.staff.roles import Permission, allows


@dataclass(frozen=True)
class StaffLink:
    """One navigation link under ``/staff/<area>/``."""

    endpoint: str
    text: LazyString
    permission: Permission


STAFF_LINKS: list[StaffLink] = [
    StaffLink("designer.drafts", _l("Questionnaire designer"), Permission.DESIGN),
    StaffLink("distribution.waves", _l("Share surveys"), Permission.RUN_SURVEYS),
    StaffLink("updates.index", _l("Update list"), Permission.RUN_SURVEYS),
    StaffLink("review.index", _l("Review drafts"), Permission.REVIEW),
    StaffLink("collection.index", _l("Paper and monitor"), Permission.ENTER_PAPER),
    StaffLink("plan.overview", _l("Improvement plan"), Permission.VIEW_WORKSPACE),
    StaffLink("results.board", _l("KPI board"), Permission.VIEW_RESULTS),
    StaffLink("wave_results.index", _l("Results by wave"), Permission.VIEW_RESULTS),
    StaffLink("compare.compare_waves", _l("Compare waves"), Permission.VIEW_RESULTS),
    StaffLink("actions.index", _l("You said, we did"), Permission.PUBLISH_ACTIONS),
    StaffLink("plan_actions.index", _l("Plan actions"), Permission.VIEW_WORKSPACE),
    StaffLink("imports.index", _l("Import a baseline"), Permission.IMPORT_RESPONSES),
    StaffLink("downloads.index", _l("Downloads"), Permission.DOWNLOAD_RESPONSES),
    StaffLink("api_tokens.index", _l("API tokens"), Permission.VIEW_RESULTS),
    StaffLink("quality.index", _l("Flagged responses"), Permission.REVIEW_RESPONSES),
    StaffLink("staff.people", _l("People"), Permission.MANAGE_USERS),
    StaffLink("sso.mappings", _l("Single sign-on"), Permission.MANAGE_USERS),
    StaffLink("staff.audit_log", _l("Audit log"), Permission.VIEW_AUDIT),
    StaffLink("data_protection.index", _l("Data protection"), Permission.DELETE_DATA),
]


@dataclass(frozen=True)
class ShownLink:
    """A link as the template shows it."""

    url: str
    text: str


def staff_links(area: LocalArea) -> list[ShownLink]:
    """The links the current role may follow in ``area``."""
    role = g.get("role")
    if role is None:
        return []
    return [
        ShownLink(url_for(link.endpoint, area_slug=area.slug), str(link.text))
        for link in STAFF_LINKS
        if allows(role, link.permission)
    ]
