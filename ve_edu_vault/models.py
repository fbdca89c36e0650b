"""
All models of the app, gathered from the applets (one app label, one migration history).

TLDR: do not query these from another applet; call that applet's ``api.py``.
"""

from ve_edu_vault.analytics.models import ExportJob
from ve_edu_vault.assessments.models import (
    Accommodation,
    Assessment,
    AssessmentBlock,
    AssessmentBlockChange,
    Attempt,
    Response,
)
from ve_edu_vault.audit.models import AuditEntry
from ve_edu_vault.course_sync.models import CourseNode, CourseSyncState, SyncRecord
from ve_edu_vault.lti.models import (
    LtiDeployment,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    LtiToolKey,
    LtiUserLink,
)
from ve_edu_vault.mastery.models import MasteryEvent, MasteryState
from ve_edu_vault.questions.models import (
    Question,
    QuestionImportJob,
    QuestionSource,
    QuestionTag,
    QuestionVersion,
)
from ve_edu_vault.regrade.models import RegradeItem, RegradeRun
from ve_edu_vault.retirement.models import RetirementRecord
from ve_edu_vault.webhooks.models import InboundWebhookMessage, WebhookDelivery, WebhookEvent, WebhookSubscription

__all__ = [
    "Accommodation",
    "Assessment",
    "AssessmentBlock",
    "AssessmentBlockChange",
    "Attempt",
    "AuditEntry",
    "CourseNode",
    "CourseSyncState",
    "ExportJob",
    "InboundWebhookMessage",
    "LtiDeployment",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiScore",
    "LtiToolKey",
    "LtiUserLink",
    "MasteryEvent",
    "MasteryState",
    "Question",
    "QuestionImportJob",
    "QuestionSource",
    "QuestionTag",
    "QuestionVersion",
    "RegradeItem",
    "RegradeRun",
    "Response",
    "RetirementRecord",
    "SyncRecord",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
