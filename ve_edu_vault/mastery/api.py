"""
Public Python API of stored mastery: record graded responses, read a learner's or an objective's mastery, explain it.

TLDR: the pure policies (``policies``, ``explain``) decide; this module stores their states and steps
(``mastery.models``) and reads them back. Only this module touches those tables.

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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError, ValidationError
from ve_edu_vault.hooks.signals import MASTERY_REACHED, record_event, send_on_commit
from ve_edu_vault.prepared_queries import PreparedQuery, insert_rows, update_rows

from .data import MasteryState as StateValue
from .data import MasteryStep, Observation
from .errors import MasteryError
from .explain import Translator, explain_state, explain_step
from .models import MasteryEvent, MasteryState
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


_STATE_FIELDS = ["policy", "mastered", "probability", "evidence_count", "state", "modified"]


def _set_state(row: MasteryState, state: StateValue) -> None:
    row.policy = state.policy
    row.mastered = state.mastered
    row.probability = state.probability
    row.evidence_count = state.evidence_count
    row.state = state.to_dict()
    row.modified = timezone.now()


def _save_state(row: MasteryState, state: StateValue) -> None:
    _set_state(row, state)
    row.save()


def _event(row: MasteryState, step: MasteryStep, sequence: int, course_key: CourseKey) -> dict[str, Any]:
    """One ``MasteryEvent`` row's values, for ``insert_rows`` (the state row's course key is not read)."""
    observation = step.observation
    return {
        "user_id": row.user_id,
        "node_id": row.node_id,
        "course_key": course_key,
        "response_id": observation.response_id,
        "question_id": observation.question_id,
        "sequence": sequence,
        "correct": observation.correct,
        "score": observation.score,
        "at": observation.at,
        "before": step.before.to_dict(),
        "after": step.after.to_dict(),
        "explanation": step.explanation,
    }


def _state_row(course_key: CourseKey, user_id: int, node: CourseNodeData) -> tuple[MasteryState, bool]:
    row, created = MasteryState.objects.select_for_update().get_or_create(
        user_id=user_id,
        node_id=node.id,
        defaults={"course_key": course_key, "policy": "", "state": {}},
    )
    return row, created


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


# Every column but the course key, which the caller passes (no key to parse per row).
_STATE_COLUMNS = tuple(field.attname for field in MasteryState._meta.concrete_fields if field.name != "course_key")
# The grading transaction's reads, compiled once per connection (ve_edu_vault/prepared_queries.py).
_LOCKED_STATES = PreparedQuery(
    lambda user_id, node_ids: (
        MasteryState.objects.select_for_update()
        .filter(user_id=user_id, node_id__in=node_ids)
        .values_list(*_STATE_COLUMNS)
    )
)
_SEEN_EVENTS = PreparedQuery(
    lambda user_id, node_ids, response_ids: MasteryEvent.objects.filter(
        user_id=user_id, node_id__in=node_ids, response_id__in=response_ids
    ).values_list("node_id", "response_id")
)


def _locked_states(user_id: int, node_ids: list[int]) -> dict[int, MasteryState]:
    """The locked rows, course key deferred (never needed here; reading it would parse a key per row)."""
    rows = _LOCKED_STATES.rows(user_id=user_id, node_ids=sorted(node_ids))
    states = [MasteryState.from_db(DEFAULT_DB_ALIAS, _STATE_COLUMNS, row) for row in rows]
    return {state.node_id: state for state in states}


def _state_rows(
    course_key: CourseKey, user_id: int, nodes: list[CourseNodeData]
) -> dict[int, tuple[MasteryState, bool]]:
    """The learner's locked state row per node, creating the missing ones: ``{node id: (row, created)}``."""
    ids = [node.id for node in nodes]
    rows = _locked_states(user_id, ids)
    missing = [node_id for node_id in ids if node_id not in rows]
    if missing:
        MasteryState.objects.bulk_create(
            [
                MasteryState(user_id=user_id, node_id=node_id, course_key=course_key, policy="", state={})
                for node_id in missing
            ],
            ignore_conflicts=True,  # a racing grading of the same learner created it first: use that row
        )
        rows.update(_locked_states(user_id, missing))
    return {node_id: (rows[node_id], node_id in missing) for node_id in ids}


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
        rows = _state_rows(course_key, user_id, [objectives[node_id] for node_id in by_node])
        # Responses graded just now (the submission's own) cannot have been applied yet: no read. The unique
        # (user, node, response) constraint still refuses a second application rather than count it twice.
        seen = (
            set()
            if new_responses
            else set(
                _SEEN_EVENTS.rows(
                    user_id=user_id,
                    node_ids=sorted(by_node),
                    response_ids=sorted({item.response_id for items in by_node.values() for item in items}),
                )
            )
        )
        events: list[dict[str, Any]] = []
        changed: list[MasteryState] = []
        for node_id, observations in by_node.items():
            node = objectives[node_id]
            row, created = rows[node_id]
            initial = _initial(node)
            if not created and row.state:
                state = StateValue.from_dict(row.state)
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
                events.append(_event(row, step, state.evidence_count + 1, course_key))
                state = step.after
                new_events += 1
            if new_events or created:
                _set_state(row, state)
                changed.append(row)
                recorded += new_events
            if state.mastered and not was_mastered:
                _reached(course_key, user_id, node, state)
        insert_rows(MasteryEvent, events)
        update_rows(MasteryState, [(row.pk, {name: getattr(row, name) for name in _STATE_FIELDS}) for row in changed])
    return recorded


def _reached(course_key: CourseKey, user_id: int, node: CourseNodeData, state: StateValue) -> None:
    """In the grading transaction: ``mastery.reached`` (webhook outbox); ``MASTERY_REACHED`` after commit."""
    facts = {"user_id": user_id, "objective": str(node.usage_key), "policy": state.policy}
    record_event("mastery.reached", course_key=course_key, data=facts, sender=MasteryState)
    send_on_commit(
        MASTERY_REACHED,
        sender=MasteryState,
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
    course_key: CourseKey, user_id: int, node: CourseNodeData, row: MasteryState, observations: list[Observation]
) -> None:
    state = _initial(node)
    policy = get_policy(state.policy)
    events: list[dict[str, Any]] = []
    for observation in observations:
        step = policy.update(state, observation)
        events.append(_event(row, step, state.evidence_count + 1, course_key))
        state = step.after
    MasteryEvent.objects.filter(user_id=user_id, node_id=node.id).delete()
    insert_rows(MasteryEvent, events)
    _save_state(row, state)


def retire_learner(user_id: int) -> dict[str, int]:
    """Learner retirement: remove the learner's mastery states and their history (a profile of one person)."""
    with transaction.atomic():
        events, _ = MasteryEvent.objects.filter(user_id=user_id).delete()
        states, _ = MasteryState.objects.filter(user_id=user_id).delete()
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
        stale = MasteryState.objects.filter(course_key=course_key)
        if ids is not None:
            stale = stale.filter(user_id__in=ids)
        keep = {key for key in source if key[1] in objectives}
        for row in stale.select_for_update():
            if (row.user_id, row.node_id) not in keep:
                MasteryEvent.objects.filter(user_id=row.user_id, node_id=row.node_id).delete()
                row.delete()
        for user_id, node_id in sorted(keep):
            row, _created = _state_row(course_key, user_id, objectives[node_id])
            _rebuild(course_key, user_id, objectives[node_id], row, source[(user_id, node_id)])
    return len(keep)


def get_learner_mastery(course_key: CourseKey, user: Any) -> list[LearnerObjectiveMastery]:
    """Every objective of the course with the learner's state (the initial state where there is no evidence)."""
    rows = {row.node_id: row for row in MasteryState.objects.filter(course_key=course_key, user_id=user.pk)}
    words = translator()
    result = []
    for node_id, node in _objectives(course_key).items():
        row = rows.get(node_id)
        state = StateValue.from_dict(row.state) if row is not None and row.state else _initial(node)
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
    rows = list(MasteryState.objects.filter(node_id=node.id).select_related("user"))
    learners = sorted(
        (
            ObjectiveLearner(
                user_id=row.user_id,
                username=row.user.username,
                mastered=row.mastered,
                probability=row.probability,
                evidence_count=row.evidence_count,
            )
            for row in rows
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
    counts: dict[int, tuple[int, int]] = {
        row["node_id"]: (int(row["learners"]), int(row["mastered"]))
        for row in MasteryState.objects.filter(course_key=course_key)
        .values("node_id")
        .annotate(learners=Count("id"), mastered=Count("id", filter=Q(mastered=True)))
    }
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
    row = MasteryState.objects.filter(user_id=user_id, node_id=node.id).first()
    state = StateValue.from_dict(row.state) if row is not None and row.state else _initial(node)
    words = translator()
    history = []
    for event in MasteryEvent.objects.filter(user_id=user_id, node_id=node.id).order_by("sequence"):
        before, after = StateValue.from_dict(event.before), StateValue.from_dict(event.after)
        observation = Observation(
            response_id=event.response_id,
            correct=event.correct,
            score=event.score,
            at=event.at,
            question_id=event.question_id,
        )
        text = explain_step(
            MasteryStep(observation=observation, before=before, after=after, explanation=""), translator=words
        )
        history.append(
            MasteryHistoryEntry(
                response_id=event.response_id,
                question_id=event.question_id,
                correct=event.correct,
                at=event.at,
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
