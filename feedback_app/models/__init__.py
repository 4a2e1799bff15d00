"""Every model, one module per concept; import them from here.

``Base.metadata`` holds every table once this package is imported, so Alembic,
deletion and retention read the list of tables from it.
"""

from feedback_app.models.api_tokens import ApiToken, ApiTokenArea
from feedback_app.models.areas import LocalArea
from feedback_app.models.base import NAMING_CONVENTION, Base, newest_first, utcnow
from feedback_app.models.contacts import ContactList, ContactMessage, WaveContact, WaveReminder
from feedback_app.models.imports import BaselineImport, PendingImport
from feedback_app.models.plan_actions import (
    KpiStatusOverride,
    PlanAction,
    PlanActionStatus,
    PlanMilestone,
    SchemeStatus,
    StatusScheme,
)
from feedback_app.models.plans import AreaPlan, PlanRevision
from feedback_app.models.questionnaires import (
    DraftComment,
    DraftRevision,
    QuestionnaireDraft,
    QuestionnaireTranslation,
    QuestionnaireVersion,
)
from feedback_app.models.responses import Answer, PaperReturn, Response
from feedback_app.models.results import AreaAction, KpiCommentary, ResultCache, ThemeCorrection
from feedback_app.models.staff import (
    AuditEvent,
    LoginThrottle,
    Membership,
    OneTimeLink,
    RecoveryCode,
    SsoRoleMapping,
    StaffSession,
    StaffUser,
)
from feedback_app.models.updates import AreaUpdate, UpdateMessage, UpdateSubscriber
from feedback_app.models.waves import (
    Invitation,
    InvitationBatch,
    MonitoredQuestion,
    PopulationCount,
    Wave,
    WaveLink,
)

__all__ = [
    "NAMING_CONVENTION",
    "Answer",
    "ApiToken",
    "ApiTokenArea",
    "AreaAction",
    "AreaPlan",
    "AreaUpdate",
    "AuditEvent",
    "Base",
    "BaselineImport",
    "ContactList",
    "ContactMessage",
    "DraftComment",
    "DraftRevision",
    "Invitation",
    "InvitationBatch",
    "KpiCommentary",
    "KpiStatusOverride",
    "LocalArea",
    "LoginThrottle",
    "Membership",
    "MonitoredQuestion",
    "OneTimeLink",
    "PaperReturn",
    "PendingImport",
    "PlanAction",
    "PlanActionStatus",
    "PlanMilestone",
    "PlanRevision",
    "PopulationCount",
    "QuestionnaireDraft",
    "QuestionnaireTranslation",
    "QuestionnaireVersion",
    "RecoveryCode",
    "Response",
    "ResultCache",
    "SchemeStatus",
    "SsoRoleMapping",
    "StaffSession",
    "StaffUser",
    "StatusScheme",
    "ThemeCorrection",
    "UpdateMessage",
    "UpdateSubscriber",
    "Wave",
    "WaveContact",
    "WaveLink",
    "WaveReminder",
    "newest_first",
    "utcnow",
]
