"""
Example pipeline steps for the plugin's openedx-filters, used by the tests (and as models for operators).

Each step changes the outcome in a way a test can see; they follow openedx-filters' contract: ``run_filter`` receives
the filter's arguments by keyword and returns a dict with the arguments it changed.
"""

from __future__ import annotations

from typing import Any

from openedx_filters.filters import PipelineStep

from ve_edu_vault.hooks.filters import AnswerGradingStarted


class ReverseAndDropHidden(PipelineStep):
    """QuestionsRenderStarted: show questions last-first, drop those marked hidden, annotate the rest."""

    def run_filter(self, questions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
        shown = [
            {**view, "note": f"shown to user {context['user_id']}"}
            for view in reversed(questions)
            if not view.get("hidden")
        ]
        return {"questions": shown}


class NormaliseTextAnswers(PipelineStep):
    """AnswerGradingStarted: trim and lower-case text answers of fill-in-the-blank questions."""

    def run_filter(self, question_type: str, answer: Any, context: dict[str, Any]) -> dict[str, Any]:
        if question_type != "fill_in_blank" or not isinstance(answer, dict):
            return {}
        return {
            "answer": {
                part: value.strip().lower() if isinstance(value, str) else value for part, value in answer.items()
            }
        }


class PreventGradingWhenLocked(PipelineStep):
    """AnswerGradingStarted: refuse answers when the context says the assessment is locked."""

    def run_filter(self, question_type: str, answer: Any, context: dict[str, Any]) -> dict[str, Any]:
        if context.get("locked"):
            raise AnswerGradingStarted.PreventGrading("This assessment is locked; your answer was not graded.")
        return {}


class CurveGrade(PipelineStep):
    """GradeComputed: add ``bonus`` (from the filter's extra configuration, default 0.1) to the score, capped at 1."""

    def run_filter(self, grade: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        bonus = float(self.extra_config.get("bonus", 0.1))
        score = min(1.0, grade["score"] + bonus)
        return {"grade": {**grade, "score": score, "curved": True}}


class BreakGrade(PipelineStep):
    """GradeComputed: return a score no gradebook can hold (the filter must keep the computed grade)."""

    def run_filter(self, grade: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
        return {"grade": {**grade, "score": 7}}


class LoseQuestions(PipelineStep):
    """QuestionsRenderStarted: return something that is not a list of question views."""

    def run_filter(self, questions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
        return {"questions": None}


class Explode(PipelineStep):
    """Any filter: a step with a bug."""

    def run_filter(self, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("bug in a pipeline step")


def path(step: type) -> str:
    """The dotted path ``OPEN_EDX_FILTERS_CONFIG`` needs, however pytest imported this module."""
    return f"{step.__module__}.{step.__qualname__}"


class RecordContext(PipelineStep):
    """Records the context each run receives (tests read ``RecordContext.seen``) and changes nothing."""

    seen: list[dict[str, Any]] = []

    def run_filter(self, question_type: str, answer: Any, context: dict[str, Any]) -> dict[str, Any]:
        RecordContext.seen.append(dict(context))
        return {"question_type": question_type, "answer": answer, "context": context}
