"""
Frozen data classes for mastery: what a policy reads (observations) and what it produces (states and steps).

TLDR: a mastery state is a pure value derived from an ordered list of observations. Nothing here knows about
attempts, responses or the database: the assessments applet turns graded responses into :class:`Observation`
values and stores the states (``to_dict()`` is plain JSON) and steps it gets back.

Decisions:

- ``MasteryState.window`` holds the recent outcomes (oldest first) for policies that need them (k of the last n).
  A dedicated field, rather than a key hidden in ``params``, keeps ``params`` meaning "the policy's configuration"
  and lets the explanation of a state show the evidence it is built on.
- ``params`` are the *resolved* parameters (defaults filled in, validated) that produced the state, so a state
  explains itself ("needs 4 of 5") even after an objective's configuration changes. They are stored read-only.
- A :class:`MasteryStep` keeps ``before`` and ``after`` states next to the English explanation, so a teacher-facing
  view can re-render (or translate) the explanation from the numbers instead of parsing the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from opaque_keys.edx.keys import CourseKey

__all__ = ["MasteryState", "MasteryStep", "Observation", "StoredEvent", "StoredState"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Observation:
    """
    One graded response, as evidence about one objective.

    ``correct`` is what the built-in policies use (both are binary models); ``score`` (0..1) is kept for partial-credit
    policies that plugins may provide.
    """

    response_id: int
    correct: bool
    score: float
    at: datetime
    question_id: int


@dataclass(frozen=True, kw_only=True, slots=True)
class MasteryState:
    """
    Where one learner stands on one objective under one policy.

    ``probability`` is the policy's estimate that the objective is learned (``None`` for policies that do not
    estimate one, such as k of the last n). ``evidence_count`` counts every observation the state has seen.
    """

    objective_key: str
    mastered: bool
    probability: float | None
    evidence_count: int
    policy: str
    params: Mapping[str, Any] = field(default_factory=dict)
    window: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        # A frozen dataclass does not make its dict read-only; a shared state must not change under its holders.
        if not isinstance(self.params, MappingProxyType):
            object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "window", tuple(bool(outcome) for outcome in self.window))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for storing a state (and its history) in a JSON field."""
        return {
            "objective_key": self.objective_key,
            "mastered": self.mastered,
            "probability": self.probability,
            "evidence_count": self.evidence_count,
            "policy": self.policy,
            "params": dict(self.params),
            "window": list(self.window),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MasteryState:
        """Inverse of :meth:`to_dict`."""
        return cls(
            objective_key=str(data["objective_key"]),
            mastered=bool(data["mastered"]),
            probability=None if data.get("probability") is None else float(data["probability"]),
            evidence_count=int(data["evidence_count"]),
            policy=str(data["policy"]),
            params=dict(data.get("params") or {}),
            window=tuple(bool(outcome) for outcome in data.get("window") or ()),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class MasteryStep:
    """One observation applied to a state: the audit trail a teacher reads ("which responses moved it")."""

    observation: Observation
    before: MasteryState
    after: MasteryState
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredState:
    """A learner's stored state on one objective, as ``mastery.store`` reads it."""

    id: int
    user_id: int
    node_id: int
    #: None for a row created but never given a state (no evidence applied yet).
    state: MasteryState | None
    mastered: bool
    probability: float | None
    evidence_count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredEvent:
    """One step of a learner's history on an objective (the ``sequence``-th), as ``mastery.store`` keeps it."""

    user_id: int
    node_id: int
    course_key: CourseKey
    sequence: int
    step: MasteryStep
