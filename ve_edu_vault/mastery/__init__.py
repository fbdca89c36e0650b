"""
Mastery per learner and objective: pure policies over graded responses, with explanations for teachers.

TLDR: no Django here (like the graders). ``policies`` turns ordered :class:`Observation` values into
:class:`MasteryState` values step by step, ``explain`` says in plain words why a state is what it is. Storing
states and feeding observations from graded responses belongs to the assessments applet.
"""

from __future__ import annotations

from .data import MasteryState, MasteryStep, Observation
from .errors import InvalidMasteryParamsError, MasteryError, UnknownMasteryPolicyError
from .explain import Translator, explain_history, explain_state, explain_step
from .policies import (
    ENTRY_POINT_GROUP,
    BayesianKnowledgeTracing,
    KOfLastN,
    MasteryPolicy,
    get_policy,
    mastery_state,
    policy_names,
    register_policy,
    replay,
    reset_policies,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "BayesianKnowledgeTracing",
    "InvalidMasteryParamsError",
    "KOfLastN",
    "MasteryError",
    "MasteryPolicy",
    "MasteryState",
    "MasteryStep",
    "Observation",
    "Translator",
    "UnknownMasteryPolicyError",
    "explain_history",
    "explain_state",
    "explain_step",
    "get_policy",
    "mastery_state",
    "policy_names",
    "register_policy",
    "replay",
    "reset_policies",
]
