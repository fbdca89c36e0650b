"""
openedx-filters defined by ve-edu-vault, for the assessment flow.

TLDR: each class is an ``OpenEdxPublicFilter`` whose ``filter_type`` follows openedx-filters' naming rule
(docs/decisions/0004-filters-naming-and-versioning.rst in openedx-filters, after OEP-41's type format):
``{Reverse DNS}.{Architecture Subdomain}.{Subject}.{Action}.{Major Version}``. ``org.openedx`` is the Open edX
project's own reverse DNS, so a plugin uses its own: ours is ``ve.edu.vault`` (the project's name is the domain
vault.edu.ve reversed; docs/decisions/0012-platform-adapter-proven.rst). The subdomain is ``learning``, the
subject ``assessment.<what>`` and the action ``<verb>.<state>``. The ``v1`` is part of the contract: a change to
the arguments a step receives or must return means a new class with ``v2``, never an edit.

The calling code (the assessments pipeline) owns the behaviour when nothing is configured: every filter is the
identity then, so the plugin behaves the same with or without ``OPEN_EDX_FILTERS_CONFIG``.

Why plain dicts and strings as arguments (not model instances or frozen data classes): pipeline steps live in other
packages and are configured by operators; plain data is stable across releases of the plugin and cannot be used to
reach into the vault's database.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from openedx_filters.exceptions import OpenEdxFilterException
from openedx_filters.tooling import OpenEdxPublicFilter

__all__ = ["RENAMED_FILTER_TYPES", "AnswerGradingStarted", "GradeComputed", "QuestionsRenderStarted"]

log = logging.getLogger(__name__)

#: Names of releases before 0.x that did not follow the rule -> the names now; an operator's
#: OPEN_EDX_FILTERS_CONFIG that still uses an old name stops start-up with a message naming the new one.
RENAMED_FILTER_TYPES = {
    "org.openedx.learning.ve_edu_vault.assessment.questions.render.started.v1": (
        "ve.edu.vault.learning.assessment.questions.render.started.v1"
    ),
    "org.openedx.learning.ve_edu_vault.assessment.answer.grading.started.v1": (
        "ve.edu.vault.learning.assessment.answer.grading.started.v1"
    ),
    "org.openedx.learning.ve_edu_vault.assessment.grade.computed.v1": (
        "ve.edu.vault.learning.assessment.grade.computed.v1"
    ),
}


class QuestionsRenderStarted(OpenEdxPublicFilter):
    """
    Filter used to modify the questions shown to a learner in an assessment.

    Purpose:
        This filter is triggered just before the questions of an assessment attempt are rendered for a learner,
        allowing the filter to reorder them, drop some, or annotate them (for example, add an accessibility note
        or a hint key a custom template understands).

    Filter Type:
        ve.edu.vault.learning.assessment.questions.render.started.v1

    Trigger:
        - Repository: ve-edu-vault
        - Path: ve_edu_vault/assessments/_render.py
        - Function or Method: questions_of (the learner's question views of an attempt or result)

    Additional Information:
        Each question view is the learner-safe dict the plugin renders (never an answer key). The context carries
        ``course_key`` (str), ``assessment_id`` and ``user_id``. Steps should return new lists and dicts rather
        than mutate the ones they receive. If the pipeline returns anything but a list of dicts, the questions are
        shown as the plugin built them and an error is logged.
    """

    filter_type = "ve.edu.vault.learning.assessment.questions.render.started.v1"

    @classmethod
    def run_filter(cls, questions: list[dict[str, Any]], context: dict[str, Any]) -> list[dict[str, Any]]:
        """
        Process the question views using the configured pipeline steps.

        Arguments:
            questions (list[dict]): learner views of the questions about to be shown, in display order.
            context (dict): ``course_key`` (str), ``assessment_id``, ``user_id``.

        Returns:
            list[dict]: the question views to show, possibly reordered, filtered or annotated.
        """
        data = super().run_pipeline(questions=questions, context=context)
        result = data.get("questions", questions)
        if not isinstance(result, list | tuple) or not all(isinstance(view, dict) for view in result):
            # A broken step must not break the page: show the questions as the plugin built them.
            log.error("Ignoring %s output: expected a list of dicts, got %r.", cls.filter_type, type(result))
            return list(questions)
        return list(result)


class AnswerGradingStarted(OpenEdxPublicFilter):
    """
    Filter used to modify, or refuse, a learner's answer before it is graded.

    Purpose:
        This filter is triggered when a learner's answer to a question is about to be graded, allowing the filter
        to normalise the answer (trim, change case, map synonyms) or to stop grading with
        ``AnswerGradingStarted.PreventGrading``.

    Filter Type:
        ve.edu.vault.learning.assessment.answer.grading.started.v1

    Trigger:
        - Repository: ve-edu-vault
        - Path: ve_edu_vault/assessments/_submit.py
        - Function or Method: grade_answer, before ``questions.grading.grade_question`` (submit and check)

    Additional Information:
        The answer has the graders' shape: a mapping ``{part_id: part_answer}``. The context carries
        ``course_key`` (str), ``assessment_id``, ``user_id`` and ``question_id``.
    """

    filter_type = "ve.edu.vault.learning.assessment.answer.grading.started.v1"

    class PreventGrading(OpenEdxFilterException):
        """
        Raise to stop the answer from being graded.

        This exception is propagated to the grading pipeline, which records nothing and returns the message to the
        learner (so it must be written for a learner).
        """

    @classmethod
    def run_filter(cls, question_type: str, answer: Any, context: dict[str, Any]) -> Any:
        """
        Process the answer using the configured pipeline steps.

        Arguments:
            question_type (str): the question's type (a part type such as ``multiple_choice``, or ``multipart``).
            answer (Any): the learner's answer, ``{part_id: part_answer}``.
            context (dict): ``course_key`` (str), ``assessment_id``, ``user_id``, ``question_id``.

        Returns:
            Any: the answer to grade, possibly normalised.

        Raises:
            AnswerGradingStarted.PreventGrading: a step refused to let the answer be graded.
        """
        data = super().run_pipeline(question_type=question_type, answer=answer, context=context)
        return data.get("answer", answer)


class GradeComputed(OpenEdxPublicFilter):
    """
    Filter used to modify a grade after the plugin computed it.

    Purpose:
        This filter is triggered after a learner's answer has been graded and before the grade is stored and shown,
        allowing the filter to change it (for example, apply a curve, or add feedback).

    Filter Type:
        ve.edu.vault.learning.assessment.grade.computed.v1

    Trigger:
        - Repository: ve-edu-vault
        - Path: ve_edu_vault/assessments/_submit.py
        - Function or Method: grade_answer, after ``questions.grading.grade_question`` (submit and check)

    Additional Information:
        The grade dict carries at least ``score`` (0..1), ``correct`` (bool) and ``feedback``. What the pipeline
        returns is checked: if it is not a dict with a ``score`` in 0..1 and a bool ``correct``, the computed grade
        is kept and an error is logged. The context carries ``course_key`` (str), ``assessment_id``, ``user_id``
        and ``question_id``.
    """

    filter_type = "ve.edu.vault.learning.assessment.grade.computed.v1"

    @classmethod
    def run_filter(cls, grade: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        """
        Process the grade using the configured pipeline steps.

        Arguments:
            grade (dict): ``score`` (0..1), ``correct`` (bool), ``feedback`` and any other fields of the grade.
            context (dict): ``course_key`` (str), ``assessment_id``, ``user_id``, ``question_id``.

        Returns:
            dict: the grade to store and show, possibly modified.
        """
        data = super().run_pipeline(grade=grade, context=context)
        result = data.get("grade", grade)
        if not _is_valid_grade(result):
            # A broken step must not store a grade the gradebook cannot hold: keep the computed one.
            log.error("Ignoring %s output: not a grade with a score in 0..1: %r.", cls.filter_type, result)
            return dict(grade)
        return dict(result)


def _is_valid_grade(grade: Any) -> bool:
    """A dict whose ``score`` is a finite number in 0..1 and whose ``correct`` is a bool."""
    if not isinstance(grade, dict):
        return False
    score, correct = grade.get("score"), grade.get("correct")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        return False
    return 0.0 <= score <= 1.0 and isinstance(correct, bool)
