"""
The public Python API of ve-edu-vault: what other plugins and edx-platform customisations may call.

TLDR: import from here (``from ve_edu_vault import api as vault``), not from the applets' modules, whose layout
may change. Each applet's own ``api.py`` is re-exported as a module (its ``__all__`` is the contract), with the
frozen data classes they return; storage, models and the applets' private modules are not part of it.
"""

from __future__ import annotations

from ve_edu_vault.analytics import api as analytics
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.data_api import AttemptResult, AttemptSummary, AttemptView
from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData, SyncResult
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data_api import QuestionData, QuestionVersionData
from ve_edu_vault.regrade import api as regrade
from ve_edu_vault.regrade.data import RegradeRunData

__all__ = [
    "AttemptResult",
    "AttemptSummary",
    "AttemptView",
    "CourseNodeData",
    "QuestionData",
    "QuestionVersionData",
    "RegradeRunData",
    "SyncResult",
    "analytics",
    "assessments",
    "course_sync",
    "mastery",
    "questions",
    "regrade",
]
