"""
Public Python API of stored mastery: record graded responses, read a learner's or an objective's mastery, explain it.

TLDR: the pure policies (``policies``, ``explain``) decide; this module has their states and steps stored and read
back through ``store.py``, the only module that touches mastery's tables (ADR 0023).

- Which policy: an objective's ``vault_data["mastery"] = {"policy": "bkt", "params": {...}}`` (per-objective BKT
  parameters, e.g. fitted with pyBKT), else the ``VE_EDU_VAULT_MASTERY_POLICY`` setting (same shape), else
  ``k_of_n`` with its defaults. Parameters are validated by the policy itself.
- When: ``record_observations`` is called by the grading pipeline inside the grading transaction, so a grade and
  the mastery it implies commit together. A response is applied at most once per (learner, objective): the
  event's unique constraint makes a retried submission harmless.
- Replays: ``recompute`` rebuilds states and histories from every graded response (after a bulk regrade, or when
  an objective's policy changed). The responses belong to the assessments applet, which sits above this one, so it
  registers the replay source (``register_observation_source``) instead of this module importing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext, ngettext
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.hooks.signals import MASTERY_REACHED, record_event, send_on_commit

from . import store
from .data import MasteryState as StateValue
from .data import MasteryStep, Observation, StoredEvent, StoredState
from .errors import MasteryError
from .explain import Translator, explain_state, explain_step
from .policies import get_policy

__all__ = [
    "LearnerObjectiveMastery",
    "MasteryExplanation",
    "MasteryHistoryEntry",
    "ObjectiveLearner",
    "ObjectiveMasteryReport",
    "ObjectiveSummary",
    "configured_policy",
    "explain",
    "get_learner_mastery",
    "get_objective_mastery",
    "objective_node_id",
    "objective_summaries",
    "objectives",
    "objectives_among",
    "policy_name",
    "recompute",
    "record_observations",
    "register_observation_source",
    "retire_learner",
    "user_by_username",
]

log = logging.getLogger(__name__)

DEFAULT_POLICY: dict[str, Any] = {"policy": "k_of_n", "params": {}}

#: ``(course_key, user_ids or None) -> {(user_id, node_id): [observations, oldest first]}``
ObservationSource = Callable[[CourseKey, "list[int] | None"], "dict[tuple[int, int], list[Observation]]"]
_source: ObservationSource | None = None


def translator() -> Translator:
    """Explanations in the request's language (Django's gettext)."""
    return Translator(gettext=gettext, ngettext=ngettext)


@dataclass(frozen=True, kw_only=True, slots=True)
class LearnerObjectiveMastery:
    """One objective of the course as one learner stands on it (a progress row)."""

    objective_key: str
    display_name: str
    mastered: bool
    probability: float | None
    evidence_count: int
    policy: str
    summary: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ObjectiveLearner:
    user_id: int
    username: str
    mastered: bool
    probability: float | None
    evidence_count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ObjectiveMasteryReport:
    """Who has mastered one objective (learners with evidence only)."""

    objective_key: str
    display_name: str
    policy: str
    mastered_count: int
    learners: tuple[ObjectiveLearner, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ObjectiveSummary:
    """One objective of the course with how many learners have evidence on it and how many mastered it."""

    objective_key: str
    display_name: str
    policy: str
    learners: int
    mastered: int


@dataclass(frozen=True, kw_only=True, slots=True)
class MasteryHistoryEntry:
    response_id: int
    question_id: int
    correct: bool
    at: Any
    mastered_before: bool
    mastered_after: bool
    probability_before: float | None
    probability_after: float | None
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class MasteryExplanation:
    """A learner's state on one objective in plain words, with every response that moved it (oldest first)."""

    objective_key: str
    display_name: str
    user_id: int
    state: dict[str, Any]
    summary: str
    history: tuple[MasteryHistoryEntry, ...]


def policy_name(policy: str) -> str:
    """A mastery policy in plain words for teachers (a plugin's policy keeps its registered name)."""
    names = {
        "k_of_n": gettext("Right in k of the last n answers"),
        "bkt": gettext("Bayesian Knowledge Tracing"),
    }
    return names.get(policy, policy)


def register_observation_source(source: ObservationSource) -> None:
    """Set the function ``recompute`` replays from (the assessments applet registers its graded responses)."""
    global _source
    _source = source


def _objectives(course_key: CourseKey) -> dict[int, CourseNodeData]:
    """Every active objective of the course's mirror by node id, in outline order."""
    found: dict[int, CourseNodeData] = {}
    stack = list(reversed(course_sync.get_outline_tree(course_key)))
    while stack:
        node = stack.pop()
        if node.kind == "objective":
            found[node.id] = node
        stack.extend(reversed(node.children))
    return found


def objective_node_id(usage_key: UsageKey | str) -> int | None:
    """The node id if ``usage_key`` is an active objective of the mirror, else None (no mastery to track)."""
    try:
        key = usage_key if isinstance(usage_key, UsageKey) else UsageKey.from_string(str(usage_key))
        node = course_sync.get_node(key)
    except (NotFoundError, ValueError):
        return None
    return node.id if node.kind == "objective" and not node.archived else None


def configured_policy(node: CourseNodeData) -> tuple[str, dict[str, Any]]:
    """``(policy name, params)`` for an objective: its ``vault_data["mastery"]``, else the setting's default."""
    config = (node.vault_data or {}).get("mastery") or getattr(settings, "VE_EDU_VAULT_MASTERY_POLICY", None)
    if isinstance(config, str):
        config = {"policy": config}
    if not isinstance(config, Mapping):
        config = DEFAULT_POLICY
    return str(config.get("policy") or "k_of_n"), dict(config.get("params") or {})


def _initial(node: CourseNodeData) -> StateValue:
    name, params = configured_policy(node)
    try:
        return get_policy(name).initial(str(node.usage_key), params)
    except MasteryError as error:
        raise ValidationError(
            f"Mastery configuration of {node.usage_key}: {error}", field="vault_data.mastery"
        ) from error


def _event(state: StoredState, step: MasteryStep, course_key: CourseKey) -> StoredEvent:
    """The history entry of ``step``, the learner's ``step.before.evidence_count + 1``-th on the objective."""
    return StoredEvent(
        user_id=state.user_id,
        node_id=state.node_id,
        course_key=course_key,
        sequence=step.before.evidence_count + 1,
        step=step,
    )


def objectives(course_key: CourseKey, usage_keys: Iterable[UsageKey | str] | None = None) -> dict[int, CourseNodeData]:
    """
    Active objectives of the course's mirror by node id: all of them (one read of the outline), or
    only those among ``usage_keys`` (one read of just those nodes, for the grading path).
    """
    if usage_keys is None:
        return _objectives(course_key)
    return {
        node.id: node
        for node in course_sync.get_nodes(usage_keys).values()
        if node.kind == "objective" and not node.archived and node.course_key == course_key
    }


def objectives_among(course_key: CourseKey, nodes: Iterable[CourseNodeData]) -> dict[int, CourseNodeData]:
    """The active objectives of the course among ``nodes``, by node id (no read)."""
    return {
        node.id: node
        for node in nodes
        if node.kind == "objective" and not node.archived and node.course_key == course_key
    }


def record_observations(
    course_key: CourseKey,
    user_id: int,
    evidence: Iterable[tuple[int, Observation]],
    *,
    objectives: dict[int, CourseNodeData] | None = None,
    new_responses: bool = False,
) -> int:
    """
    Apply graded responses (``(objective node id, observation)``, in order) to the learner's mastery.

    Runs in the caller's transaction (the grading one). A response already applied to that objective is skipped;
    ``new_responses=True`` says the responses were graded in this transaction (a submission), so none can have
    been applied and that read is left out.
    When the objective's configured policy or parameters changed since its state was built, the state is rebuilt
    by a replay first, so a state never mixes two configurations. Returns how many events were recorded.
    The reads and writes are batched over the objectives (a constant number of queries per submission).
    """
    objectives = objectives if objectives is not None else _objectives(course_key)
    recorded = 0
    by_node: dict[int, list[Observation]] = {}
    for node_id, observation in evidence:
        if node_id in objectives:
            by_node.setdefault(node_id, []).append(observation)
    if not by_node:
        return 0
    with transaction.atomic(savepoint=False):  # part of the grading transaction: no savepoint round trips
        rows = store.lock_states(course_key, user_id, list(by_node))
        # Responses graded just now (the submission's own) cannot have been applied yet: no read. The unique
        # (user, node, response) constraint still refuses a second application rather than count it twice.
        seen = (
            set()
            if new_responses
            else store.applied_responses(
                user_id, list(by_node), [item.response_id for items in by_node.values() for item in items]
            )
        )
        events: list[StoredEvent] = []
        changed: list[tuple[int, StateValue]] = []
        for node_id, observations in by_node.items():
            node = objectives[node_id]
            row, created = rows[node_id]
            initial = _initial(node)
            if not created and row.state is not None:
                state = row.state
                if state.policy != initial.policy or dict(state.params) != dict(initial.params):
                    _rebuild(
                        course_key,
                        user_id,
                        node,
                        row,
                        _replay_source(course_key, [user_id]).get((user_id, node_id), []),
                    )
                    continue
            else:
                state = initial
            policy = get_policy(state.policy)
            new_events = 0
            was_mastered = state.mastered
            for observation in observations:
                if (node_id, observation.response_id) in seen:
                    continue
                step = policy.update(state, observation)
                events.append(_event(row, step, course_key))
                state = step.after
                new_events += 1
            if new_events or created:
                changed.append((row.id, state))
                recorded += new_events
            if state.mastered and not was_mastered:
                _reached(course_key, user_id, node, state)
        store.record(events, changed)
    return recorded


def _reached(course_key: CourseKey, user_id: int, node: CourseNodeData, state: StateValue) -> None:
    """In the grading transaction: ``mastery.reached`` (webhook outbox); ``MASTERY_REACHED`` after commit."""
    facts = {"user_id": user_id, "objective": str(node.usage_key), "policy": state.policy}
    record_event("mastery.reached", course_key=course_key, data=facts, sender=store.SIGNAL_SENDER)
    send_on_commit(
        MASTERY_REACHED,
        sender=store.SIGNAL_SENDER,
        course_key=course_key,
        user_id=user_id,
        objective=node.usage_key,
        policy=state.policy,
    )


def _replay_source(course_key: CourseKey, user_ids: list[int] | None) -> dict[tuple[int, int], list[Observation]]:
    if _source is None:
        # The assessments applet registers itself when its grading module loads (any use of assessments.api).
        raise MasteryError("No source of graded responses is registered for a mastery replay.")
    return _source(course_key, user_ids)


def _rebuild(
    course_key: CourseKey, user_id: int, node: CourseNodeData, row: StoredState, observations: list[Observation]
) -> None:
    state = _initial(node)
    policy = get_policy(state.policy)
    events: list[StoredEvent] = []
    for observation in observations:
        step = policy.update(state, observation)
        events.append(_event(row, step, course_key))
        state = step.after
    store.replace_history(user_id, node.id, row.id, events, state)


def retire_learner(user_id: int) -> dict[str, int]:
    """Learner retirement: remove the learner's mastery states and their history (a profile of one person)."""
    with transaction.atomic():
        states, events = store.delete_learner(user_id)
    return {"mastery_states_removed": states, "mastery_events_removed": events}


def recompute(course_key: CourseKey, user: Any = None, *, user_ids: Iterable[int] | None = None) -> int:
    """
    Rebuild mastery states and histories of the course (one learner, some, or all) from the graded responses.

    Used after a bulk regrade (correctness changed) and after an objective's policy changed. States of learners
    who no longer have evidence on an objective are removed. Returns how many (learner, objective) states exist
    after the replay for the learners concerned.
    """
    ids: list[int] | None = None
    if user is not None:
        ids = [user.pk]
    elif user_ids is not None:
        ids = sorted(set(user_ids))
    objectives = _objectives(course_key)
    source = _replay_source(course_key, ids)
    with transaction.atomic():
        keep = {key for key in source if key[1] in objectives}
        for stale in store.lock_course_states(course_key, ids):
            if (stale.user_id, stale.node_id) not in keep:
                store.delete_state(stale)
        for user_id, node_id in sorted(keep):
            row = store.lock_state(course_key, user_id, node_id)
            _rebuild(course_key, user_id, objectives[node_id], row, source[(user_id, node_id)])
    return len(keep)


def get_learner_mastery(course_key: CourseKey, user: Any) -> list[LearnerObjectiveMastery]:
    """Every objective of the course with the learner's state (the initial state where there is no evidence)."""
    rows = store.learner_states(course_key, user.pk)
    words = translator()
    result = []
    for node_id, node in _objectives(course_key).items():
        row = rows.get(node_id)
        state = row.state if row is not None and row.state is not None else _initial(node)
        result.append(
            LearnerObjectiveMastery(
                objective_key=str(node.usage_key),
                display_name=node.display_name,
                mastered=state.mastered,
                probability=state.probability,
                evidence_count=state.evidence_count,
                policy=state.policy,
                summary=explain_state(state, translator=words),
            )
        )
    return result


def _objective(course_key: CourseKey, objective_key: UsageKey | str) -> CourseNodeData:
    try:
        key = objective_key if isinstance(objective_key, UsageKey) else UsageKey.from_string(str(objective_key))
    except Exception as exc:
        raise ValidationError(f"{objective_key!r} is not a valid usage key.", field="objective_key") from exc
    node = course_sync.get_node(key)
    if node.course_key != course_key or node.kind != "objective":
        raise NotFoundError(f"No objective {objective_key} in {course_key}.")
    return node


def get_objective_mastery(course_key: CourseKey, objective_key: UsageKey | str) -> ObjectiveMasteryReport:
    """Who has evidence on one objective and who has mastered it (mastered first, then by username)."""
    node = _objective(course_key, objective_key)
    learners = sorted(
        (
            ObjectiveLearner(
                user_id=row.user_id,
                username=username,
                mastered=row.mastered,
                probability=row.probability,
                evidence_count=row.evidence_count,
            )
            for row, username in store.objective_learners(node.id)
        ),
        key=lambda item: (not item.mastered, item.username),
    )
    return ObjectiveMasteryReport(
        objective_key=str(node.usage_key),
        display_name=node.display_name,
        policy=configured_policy(node)[0],
        mastered_count=sum(1 for item in learners if item.mastered),
        learners=tuple(learners),
    )


def objective_summaries(course_key: CourseKey) -> list[ObjectiveSummary]:
    """Every objective of the course in outline order, with learner and mastered counts (two grouped queries)."""
    counts = store.objective_counts(course_key)
    return [
        ObjectiveSummary(
            objective_key=str(node.usage_key),
            display_name=node.display_name,
            policy=configured_policy(node)[0],
            learners=counts.get(node_id, (0, 0))[0],
            mastered=counts.get(node_id, (0, 0))[1],
        )
        for node_id, node in _objectives(course_key).items()
    ]


def explain(course_key: CourseKey, user: Any, objective_key: UsageKey | str) -> MasteryExplanation:
    """The learner's state on the objective in plain words, and each response that moved it and by how much."""
    node = _objective(course_key, objective_key)
    user_id = user if isinstance(user, int) else user.pk
    row = store.get_state(user_id, node.id)
    state = row.state if row is not None and row.state is not None else _initial(node)
    words = translator()
    history = []
    for event in store.history(user_id, node.id):
        observation, before, after = event.step.observation, event.step.before, event.step.after
        # Explained again in the reader's language, not the stored English text.
        text = explain_step(replace(event.step, explanation=""), translator=words)
        history.append(
            MasteryHistoryEntry(
                response_id=observation.response_id,
                question_id=observation.question_id,
                correct=observation.correct,
                at=observation.at,
                mastered_before=before.mastered,
                mastered_after=after.mastered,
                probability_before=before.probability,
                probability_after=after.probability,
                explanation=text,
            )
        )
    return MasteryExplanation(
        objective_key=str(node.usage_key),
        display_name=node.display_name,
        user_id=user_id,
        state=state.to_dict(),
        summary=explain_state(state, translator=words),
        history=tuple(history),
    )


def user_by_username(username: str) -> Any:
    """The user named ``username`` (staff views name a learner); a 404 otherwise."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError("No such user.", field="username")
    return user
