"""
Mastery's one door to storage: learners' states per objective and their histories (``mastery.models``).

TLDR: no other module of the applet imports the models or prepared queries (the ``storage-door`` import
contract, docs/decisions/0023-orm-stores-and-applet-boundaries.rst). Functions take and return frozen data
(``data.StoredState``, ``data.StoredEvent``, ``data.MasteryState``). The grading path (``lock_states``,
``applied_responses``, ``record``) runs a constant number of queries per submission: two compiled reads
(``ve_edu_vault/prepared_queries.py``), one multi-row INSERT of the events and one UPDATE of the states.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.prepared_queries import PreparedQuery, insert_rows, update_row, update_rows

from .data import MasteryState as StateValue
from .data import MasteryStep, Observation, StoredEvent, StoredState
from .models import MasteryEvent, MasteryState

__all__ = [
    "SIGNAL_SENDER",
    "applied_responses",
    "delete_learner",
    "delete_state",
    "get_state",
    "history",
    "learner_states",
    "lock_course_states",
    "lock_state",
    "lock_states",
    "objective_counts",
    "objective_learners",
    "record",
    "replace_history",
]

#: The ``sender`` of mastery's signals and events (unchanged since they were sent from the models' module).
SIGNAL_SENDER: type = MasteryState

_READ = ("id", "user_id", "node_id", "state", "mastered", "probability", "evidence_count")
_WRITE = ("policy", "mastered", "probability", "evidence_count", "state", "modified")


def _stored(values: Sequence[Any]) -> StoredState:
    state_id, user_id, node_id, state, mastered, probability, evidence_count = values
    return StoredState(
        id=state_id,
        user_id=user_id,
        node_id=node_id,
        state=StateValue.from_dict(state) if state else None,
        mastered=mastered,
        probability=probability,
        evidence_count=evidence_count,
    )


def _stored_row(row: MasteryState) -> StoredState:
    return _stored([getattr(row, name) for name in _READ])


def _state_values(state: StateValue) -> dict[str, Any]:
    return {
        "policy": state.policy,
        "mastered": state.mastered,
        "probability": state.probability,
        "evidence_count": state.evidence_count,
        "state": state.to_dict(),
        "modified": timezone.now(),
    }


def _event_values(event: StoredEvent) -> dict[str, Any]:
    """One ``MasteryEvent`` row's values, for ``insert_rows``."""
    step, observation = event.step, event.step.observation
    return {
        "user_id": event.user_id,
        "node_id": event.node_id,
        "course_key": event.course_key,
        "response_id": observation.response_id,
        "question_id": observation.question_id,
        "sequence": event.sequence,
        "correct": observation.correct,
        "score": observation.score,
        "at": observation.at,
        "before": step.before.to_dict(),
        "after": step.after.to_dict(),
        "explanation": step.explanation,
    }


# The grading transaction's reads, compiled once per connection (ve_edu_vault/prepared_queries.py). The course
# key is not read (it would parse a key per row, and the caller knows it).
_LOCKED_STATES = PreparedQuery(
    lambda user_id, node_ids: (
        MasteryState.objects.select_for_update().filter(user_id=user_id, node_id__in=node_ids).values_list(*_READ)
    )
)
_SEEN_EVENTS = PreparedQuery(
    lambda user_id, node_ids, response_ids: MasteryEvent.objects.filter(
        user_id=user_id, node_id__in=node_ids, response_id__in=response_ids
    ).values_list("node_id", "response_id")
)


def _locked(user_id: int, node_ids: list[int]) -> dict[int, StoredState]:
    return {state.node_id: state for state in map(_stored, _LOCKED_STATES.rows(user_id=user_id, node_ids=node_ids))}


def lock_states(course_key: CourseKey, user_id: int, node_ids: Sequence[int]) -> dict[int, tuple[StoredState, bool]]:
    """The learner's locked state per node, creating the missing ones: ``{node id: (state, created)}``."""
    ids = list(node_ids)
    rows = _locked(user_id, sorted(ids))
    missing = [node_id for node_id in ids if node_id not in rows]
    if missing:
        MasteryState.objects.bulk_create(
            [
                MasteryState(user_id=user_id, node_id=node_id, course_key=course_key, policy="", state={})
                for node_id in missing
            ],
            ignore_conflicts=True,  # a racing grading of the same learner created it first: use that row
        )
        rows.update(_locked(user_id, sorted(missing)))
    return {node_id: (rows[node_id], node_id in missing) for node_id in ids}


def lock_state(course_key: CourseKey, user_id: int, node_id: int) -> StoredState:
    """One locked state row, created when missing."""
    row, _created = MasteryState.objects.select_for_update().get_or_create(
        user_id=user_id, node_id=node_id, defaults={"course_key": course_key, "policy": "", "state": {}}
    )
    return _stored_row(row)


def applied_responses(user_id: int, node_ids: Sequence[int], response_ids: Sequence[int]) -> set[tuple[int, int]]:
    """The ``(node id, response id)`` pairs among these already applied to the learner's states."""
    return set(_SEEN_EVENTS.rows(user_id=user_id, node_ids=sorted(node_ids), response_ids=sorted(set(response_ids))))


def record(events: Sequence[StoredEvent], states: Sequence[tuple[int, StateValue]]) -> None:
    """Insert ``events`` (one INSERT) and write the new states ``(state id, state)`` (one UPDATE)."""
    insert_rows(MasteryEvent, [_event_values(event) for event in events])
    update_rows(MasteryState, [(state_id, _state_values(state)) for state_id, state in states])


def replace_history(
    user_id: int, node_id: int, state_id: int, events: Sequence[StoredEvent], state: StateValue
) -> None:
    """The learner's whole history on the objective becomes ``events``, and its state ``state``."""
    MasteryEvent.objects.filter(user_id=user_id, node_id=node_id).delete()
    insert_rows(MasteryEvent, [_event_values(event) for event in events])
    update_row(MasteryState, state_id, _state_values(state))


def delete_learner(user_id: int) -> tuple[int, int]:
    """Remove the learner's states and histories: ``(states removed, events removed)``."""
    events, _ = MasteryEvent.objects.filter(user_id=user_id).delete()
    states, _ = MasteryState.objects.filter(user_id=user_id).delete()
    return states, events


def lock_course_states(course_key: CourseKey, user_ids: Iterable[int] | None = None) -> list[StoredState]:
    """The course's states (of ``user_ids`` only, when given), locked."""
    rows = MasteryState.objects.filter(course_key=course_key)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return [_stored(values) for values in rows.select_for_update().values_list(*_READ)]


def delete_state(state: StoredState) -> None:
    """Remove one state and its history."""
    MasteryEvent.objects.filter(user_id=state.user_id, node_id=state.node_id).delete()
    MasteryState.objects.filter(pk=state.id).delete()


def learner_states(course_key: CourseKey, user_id: int) -> dict[int, StoredState]:
    """The learner's states in the course, by node id."""
    rows = MasteryState.objects.filter(course_key=course_key, user_id=user_id).values_list(*_READ)
    return {state.node_id: state for state in map(_stored, rows)}


def get_state(user_id: int, node_id: int) -> StoredState | None:
    values = MasteryState.objects.filter(user_id=user_id, node_id=node_id).values_list(*_READ).first()
    return _stored(values) if values is not None else None


def objective_learners(node_id: int) -> list[tuple[StoredState, str]]:
    """Every state on the objective with its learner's username."""
    rows = MasteryState.objects.filter(node_id=node_id).values_list(*_READ, "user__username")
    return [(_stored(values[:-1]), values[-1]) for values in rows]


def objective_counts(course_key: CourseKey) -> dict[int, tuple[int, int]]:
    """``{node id: (learners with a state, learners who mastered it)}`` for the course (one grouped query)."""
    return {
        row["node_id"]: (int(row["learners"]), int(row["mastered"]))
        for row in MasteryState.objects.filter(course_key=course_key)
        .values("node_id")
        .annotate(learners=Count("id"), mastered=Count("id", filter=Q(mastered=True)))
    }


def history(user_id: int, node_id: int) -> list[StoredEvent]:
    """The learner's history on the objective, in order."""
    return [
        StoredEvent(
            user_id=event.user_id,
            node_id=event.node_id,
            course_key=event.course_key,
            sequence=event.sequence,
            step=MasteryStep(
                observation=Observation(
                    response_id=event.response_id,
                    correct=event.correct,
                    score=event.score,
                    at=event.at,
                    question_id=event.question_id,
                ),
                before=StateValue.from_dict(event.before),
                after=StateValue.from_dict(event.after),
                explanation=event.explanation,
            ),
        )
        for event in MasteryEvent.objects.filter(user_id=user_id, node_id=node_id).order_by("sequence")
    ]
