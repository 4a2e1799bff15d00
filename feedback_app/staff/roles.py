"""Roles and what each may do, as data. Every staff route names one permission."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A member of staff's role in one local area."""

    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    REVIEWER = "reviewer"


class Permission(StrEnum):
    """Things a staff route lets someone do."""

    VIEW_WORKSPACE = "view_workspace"
    REVIEW = "review"
    DESIGN = "design"
    RUN_SURVEYS = "run_surveys"
    ENTER_PAPER = "enter_paper"
    VIEW_RESULTS = "view_results"
    DOWNLOAD_RESPONSES = "download_responses"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    PUBLISH_ACTIONS = "publish_actions"
    MANAGE_RESULTS = "manage_results"
    IMPORT_RESPONSES = "import_responses"
    REVIEW_RESPONSES = "review_responses"
    DELETE_DATA = "delete_data"


_REVIEWER = frozenset({Permission.VIEW_WORKSPACE, Permission.REVIEW})
_COORDINATOR = _REVIEWER | {
    Permission.DESIGN,
    Permission.RUN_SURVEYS,
    Permission.ENTER_PAPER,
    Permission.PUBLISH_ACTIONS,
}
#: Officers see results, edit commentary and status rules, import baselines
#: collected elsewhere and review responses that look automated.
_OFFICER = _COORDINATOR | {
    Permission.VIEW_RESULTS,
    Permission.DOWNLOAD_RESPONSES,
    Permission.MANAGE_RESULTS,
    Permission.IMPORT_RESPONSES,
    Permission.REVIEW_RESPONSES,
}

#: Role -> permissions. Officers can do what coordinators can, and see results.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: _REVIEWER,
    Role.COORDINATOR: _COORDINATOR,
    Role.OFFICER: _OFFICER,
    Role.ADMINISTRATOR: _OFFICER
    | {Permission.MANAGE_USERS, Permission.VIEW_AUDIT, Permission.DELETE_DATA},
}

ROLE_NAMES = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.OFFICER: _l("Officer"),
    Role.REVIEWER: _l("Reviewer"),
}

ROLE_DESCRIPTIONS = {
    Role.ADMINISTRATOR: _l(
        "Manages who can use the workspace, deletes waves and areas, and everything else."
    ),
    Role.COORDINATOR: _l(
        "Designs, publishes and runs surveys, keys in paper returns and publishes"
        " \u201cyou said, we did\u201d actions."
    ),
    Role.OFFICER: _l("Everything a coordinator does, and sees results and downloads answers."),
    Role.REVIEWER: _l("Comments on draft questionnaires only."),
}


def allows(role: str, permission: Permission) -> bool:
    """True when ``role`` has ``permission``; unknown roles have none."""
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False
