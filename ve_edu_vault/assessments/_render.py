"""
Learner views of attempts: the ONLY place that turns stored responses into what a learner sees.

TLDR (learner safety): the question comes from ``questions.grading.public_question_view`` (no
answer keys, no explanation, no hint text); hints from ``feedback.hints_visible`` (the ones asked
for); score, correctness, grader feedback and explanation only when
``feedback.question_feedback_released`` says so, and attempt scores only when
``feedback.score_released`` does. Nothing else from the version's content is copied.

Hook point: ``QuestionsRenderStarted`` (``ve_edu_vault.hooks.filters``) receives the views of an
attempt as plain dicts and may reorder, drop or annotate them. The views are built *before* the
filter, so a step only ever sees learner-safe data; a view whose ``response_id`` is not one of the
attempt's is ignored (a step cannot make the page show another learner's response), and keys a
step adds outside the view's fields are kept under ``question["annotations"]``. A step may change the
``question`` dict (an accessibility note in the prompt) but not the grade fields of a view (score,
correctness, feedback, explanation, tries): the feedback release rules stay the plugin's.
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import datetime
from typing import Any

from ve_edu_vault.hooks.filters import QuestionsRenderStarted
from ve_edu_vault.questions.api import clean_html
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.grading import public_question_view

from . import feedback, timing
from ._context import AssessmentContext, VersionCache
from .data import AttemptState, QuestionBehaviour
from .data_api import AttemptResult, AttemptSummary, AttemptView, QuestionView
from .repositories import AttemptRecord, ResponseRecord


def display_content(content: QuestionContent, *, shuffle_choices: bool) -> QuestionContent:
    """The content as shown: with the assessment's ``shuffle_choices``, every part that can shuffle does."""
    if not shuffle_choices:
        return content
    parts = tuple(
        replace(part, config={**part.config, "shuffle": True}) if "shuffle" in part.config else part
        for part in content.parts
    )
    return replace(content, parts=parts)


def choice_seed(attempt_seed: int, position: int) -> str:
    return f"{attempt_seed}:{position}"


def tries_left(ctx: AssessmentContext, tries_used: int) -> int | None:
    behaviour = ctx.config.behaviour
    if behaviour is QuestionBehaviour.DEFERRED:
        return None
    allowed = 1 if behaviour is QuestionBehaviour.IMMEDIATE else ctx.config.max_tries
    return max(0, allowed - tries_used)


def question_view(
    ctx: AssessmentContext,
    *,
    response: ResponseRecord | None,
    content: QuestionContent,
    position: int,
    seed: int,
    state: AttemptState,
    now: datetime,
    response_id: int | None = None,
) -> QuestionView:
    shown = response.hints_shown if response is not None else 0
    hints_total = len(content.hints) if ctx.config.hints_enabled else 0
    released = response is not None and feedback.question_feedback_released(
        ctx.config.feedback,
        behaviour=ctx.config.behaviour,
        state=state,
        checked=response.checked or state is not AttemptState.IN_PROGRESS,
        now=now,
        closes_at=ctx.closes_at,
    )
    graded = released and response is not None and response.raw_score is not None
    left = tries_left(ctx, response.tries_used if response is not None else 0)
    # During an attempt the explanation would give the answer away while tries remain.
    explain = released and (state is not AttemptState.IN_PROGRESS or left == 0)
    view = public_question_view(
        display_content(content, shuffle_choices=ctx.config.shuffle_choices), seed=choice_seed(seed, position)
    )
    return QuestionView(
        response_id=response.id if response is not None else (response_id if response_id is not None else position),
        position=position,
        question=view,
        answer=response.answer if response is not None else None,
        tries_used=response.tries_used if response is not None else 0,
        tries_left=left,
        hints=feedback.hints_visible(content.hints, shown) if ctx.config.hints_enabled else (),
        hints_remaining=max(0, hints_total - shown),
        score=response.score if graded and response is not None else None,
        correct=response.correct if graded and response is not None else None,
        feedback=_released_feedback(response.feedback) if graded and response is not None else None,
        explanation=(content.explanation or None) if explain else None,
    )


def _released_feedback(stored: Any) -> dict[str, Any] | None:
    """
    The grader's feedback as released: correctness per part and the author's feedback texts.

    The texts are copied into the response when it is graded; responses graded before author HTML
    was cleaned hold them as typed, so they are cleaned here (the page inserts them as HTML).
    """
    if not isinstance(stored, dict):
        return None
    texts = stored.get("feedback")
    if not isinstance(texts, dict):
        texts = {}
    return {
        "correct": stored.get("correct"),
        "feedback": {key: clean_html(text) if isinstance(text, str) else text for key, text in texts.items()},
        "parts": [
            {"part_id": part.get("part_id"), "correct": part.get("correct"), "score": part.get("score")}
            for part in stored.get("parts") or []
        ],
        **({"error": stored["error"]} if "error" in stored else {}),
    }


_VIEW_FIELDS = frozenset(item.name for item in fields(QuestionView))


def filtered_views(
    ctx: AssessmentContext, views: tuple[QuestionView, ...], *, user_id: int
) -> tuple[QuestionView, ...]:
    """Run ``QuestionsRenderStarted`` over the views (identity when no pipeline is configured)."""
    if not views or not QuestionsRenderStarted.get_pipeline_configuration()[0]:
        return views  # no pipeline step configured: nothing to hand over
    known = {view.response_id: view for view in views}
    context = {"course_key": str(ctx.row.course_key), "assessment_id": ctx.row.id, "user_id": user_id}
    result = QuestionsRenderStarted.run_filter([asdict(view) for view in views], context)
    shown: list[QuestionView] = []
    for data in result:
        original = known.get(data.get("response_id"))  # type: ignore[arg-type]
        if original is None:
            continue
        extra = {key: value for key, value in data.items() if key not in _VIEW_FIELDS}
        question = dict(data.get("question") or original.question)
        if extra:
            question["annotations"] = {**question.get("annotations", {}), **extra}
        # Grades, feedback and tries stay the plugin's: only order, presence, the question dict and notes change.
        shown.append(replace(original, question=question))
    return tuple(shown)


def questions_of(
    ctx: AssessmentContext, attempt: AttemptRecord, *, now: datetime, versions: VersionCache
) -> tuple[QuestionView, ...]:
    state = AttemptState(attempt.state)
    views = _questions_of(ctx, attempt, now=now, versions=versions, state=state)
    return filtered_views(ctx, views, user_id=attempt.user_id)


def _questions_of(
    ctx: AssessmentContext, attempt: AttemptRecord, *, now: datetime, versions: VersionCache, state: AttemptState
) -> tuple[QuestionView, ...]:
    return tuple(
        question_view(
            ctx,
            response=item,
            content=versions.content(item.question_version_id),
            position=item.position,
            seed=attempt.seed,
            state=state,
            now=now,
        )
        for item in attempt.responses
    )


def attempt_view(
    ctx: AssessmentContext, attempt: AttemptRecord, *, now: datetime, versions: VersionCache
) -> AttemptView:
    state = AttemptState(attempt.state)
    return AttemptView(
        id=attempt.id,
        assessment_id=attempt.assessment_id,
        number=attempt.number,
        state=state,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        seconds_left=timing.seconds_left(now, attempt.deadline) if state is AttemptState.IN_PROGRESS else None,
        submitted_at=attempt.submitted_at,
        questions=questions_of(ctx, attempt, now=now, versions=versions),
    )


def score_released(ctx: AssessmentContext, attempt: AttemptRecord, now: datetime) -> bool:
    return feedback.score_released(
        ctx.config.feedback, state=AttemptState(attempt.state), now=now, closes_at=ctx.closes_at
    )


def attempt_result(
    ctx: AssessmentContext, attempt: AttemptRecord, *, now: datetime, versions: VersionCache
) -> AttemptResult:
    state = AttemptState(attempt.state)
    released = feedback.results_released(ctx.config.feedback, state=state, now=now, closes_at=ctx.closes_at)
    scored = released and score_released(ctx, attempt, now)
    return AttemptResult(
        attempt_id=attempt.id,
        assessment_id=attempt.assessment_id,
        state=state,
        submitted_at=attempt.submitted_at,
        released=released,
        score=attempt.score if scored else None,
        points_earned=attempt.earned if scored else None,
        points_possible=attempt.possible if scored else None,
        passed=attempt.passed if scored else None,
        questions=questions_of(ctx, attempt, now=now, versions=versions) if released else (),
    )


def attempt_summary(ctx: AssessmentContext, attempt: AttemptRecord, *, now: datetime) -> AttemptSummary:
    scored = score_released(ctx, attempt, now)
    return AttemptSummary(
        id=attempt.id,
        number=attempt.number,
        state=AttemptState(attempt.state),
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        score=attempt.score if scored else None,
        passed=attempt.passed if scored else None,
    )
