"""
Mastery policies: how a learner's responses on one objective become "mastered" or "not yet".

TLDR: a policy is a pure state machine, ``initial(objective_key, params)`` then ``update(state, observation,
params)`` once per graded response, oldest first. The same observations always give the same states, so a state's
history can be rebuilt at any time with :func:`replay` (e.g. after a teacher changes an objective's parameters).

Built-in policies:

- ``k_of_n`` (:class:`KOfLastN`): mastered when at least ``k`` of the last ``n`` answers are correct. The last
  ``n`` outcomes travel in ``MasteryState.window``. Before ``n`` answers exist, the window is simply shorter: ``k``
  correct answers are enough (4 correct first answers master "4 of 5"), which is the literal reading of the rule.
- ``bkt`` (:class:`BayesianKnowledgeTracing`): the classic two-state hidden Markov model (Corbett & Anderson,
  1995). For prior ``L`` the posterior after a correct answer is ``L(1-S) / (L(1-S) + (1-L)G)``, after a wrong one
  ``LS / (LS + (1-L)(1-G))``; the learning opportunity then gives ``L' = post + (1-post)T``. Mastered when
  ``L' >= mastery_threshold``.

Other packages add policies through the entry-point group ``ve_edu_vault.mastery_policies`` (the entry point names
a policy object, or a class/callable returning one). Built-in names cannot be replaced by a plugin, and a broken
plugin is logged and skipped: one bad package must not stop mastery for every objective.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from .data import MasteryState, MasteryStep, Observation
from .errors import InvalidMasteryParamsError, MasteryError, UnknownMasteryPolicyError
from .explain import explain_change

__all__ = [
    "ENTRY_POINT_GROUP",
    "BayesianKnowledgeTracing",
    "KOfLastN",
    "MasteryPolicy",
    "get_policy",
    "mastery_state",
    "policy_names",
    "register_policy",
    "replay",
    "reset_policies",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ve_edu_vault.mastery_policies"


@runtime_checkable
class MasteryPolicy(Protocol):
    """
    What every mastery policy provides.

    ``params`` are the objective's configuration for the policy; ``None`` means the policy's defaults in
    ``initial`` and "the parameters the state was built with" in ``update``. Policies validate them and raise
    :class:`InvalidMasteryParamsError` naming the bad field, so an API can validate a configuration by calling
    ``initial``.
    """

    name: str

    def initial(self, objective_key: str, params: Mapping[str, Any] | None = None) -> MasteryState:
        """The state before any evidence."""
        ...

    def update(
        self, state: MasteryState, observation: Observation, params: Mapping[str, Any] | None = None
    ) -> MasteryStep:
        """Apply one observation; the step carries both states and a plain-English explanation."""
        ...


def _check_known(params: Mapping[str, Any], known: Iterable[str]) -> None:
    # A typo ("K", "p_slips") silently falling back to a default would make a teacher's configuration a lie.
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InvalidMasteryParamsError(
            f"Unknown parameter(s) {', '.join(map(repr, unknown))}; expected {', '.join(sorted(known))}.",
            field=unknown[0],
        )


def _check_state(policy: MasteryPolicy, state: MasteryState) -> None:
    if state.policy != policy.name:
        raise MasteryError(f"A {state.policy!r} state cannot be updated by the {policy.name!r} policy.", field="policy")


class KOfLastN:
    """Mastered when at least ``k`` of the last ``n`` answers were correct (see the module docstring)."""

    name = "k_of_n"
    #: 4 of the last 5 (80%, with one slip allowed) is a common default for "consistently right".
    defaults: Mapping[str, int] = {"k": 4, "n": 5}
    #: The window is stored with every state, so it is bounded.
    max_n = 100

    def resolve_params(self, params: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Defaults filled in and validated: integers with ``1 <= k <= n <= max_n``."""
        params = dict(params or {})
        _check_known(params, self.defaults)
        resolved = {**self.defaults, **params}
        for key in ("n", "k"):
            value = resolved[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidMasteryParamsError(f"{key} must be a whole number.", field=key)
        if not 1 <= resolved["n"] <= self.max_n:
            raise InvalidMasteryParamsError(f"n must be between 1 and {self.max_n}.", field="n")
        if not 1 <= resolved["k"] <= resolved["n"]:
            raise InvalidMasteryParamsError("k must be between 1 and n.", field="k")
        return resolved

    def initial(self, objective_key: str, params: Mapping[str, Any] | None = None) -> MasteryState:
        return MasteryState(
            objective_key=objective_key,
            mastered=False,
            probability=None,
            evidence_count=0,
            policy=self.name,
            params=self.resolve_params(params),
            window=(),
        )

    def update(
        self, state: MasteryState, observation: Observation, params: Mapping[str, Any] | None = None
    ) -> MasteryStep:
        _check_state(self, state)
        resolved = self.resolve_params(state.params if params is None else params)
        window = (*state.window, bool(observation.correct))[-resolved["n"] :]
        after = MasteryState(
            objective_key=state.objective_key,
            mastered=sum(window) >= resolved["k"],
            probability=None,
            evidence_count=state.evidence_count + 1,
            policy=self.name,
            params=resolved,
            window=window,
        )
        return MasteryStep(
            observation=observation, before=state, after=after, explanation=explain_change(observation, state, after)
        )


class BayesianKnowledgeTracing:
    """
    Bayesian Knowledge Tracing with per-objective parameters (see the module docstring for the formulas).

    Why slip and guess must stay below 0.5: at 0.5 or above, a correct answer would be as likely (or more likely)
    from a learner who has not learned the objective, and the model would lower the estimate on correct answers,
    which no teacher could be asked to trust.

    Why slip and guess must stay above 0: at 0 one answer makes the estimate certain, no later answer can move
    it, and whether it is "certain" or "almost certain" then depends on floating-point rounding. The guard in
    ``posterior`` against a zero denominator stays for estimates that reach exactly 0 or 1 by rounding.
    """

    name = "bkt"
    #: Starting points only: each objective's parameters are meant to be fitted (e.g. with pyBKT) and configured.
    defaults: Mapping[str, float] = {
        "p_init": 0.2,
        "p_transit": 0.1,
        "p_slip": 0.1,
        "p_guess": 0.2,
        "mastery_threshold": 0.95,
    }

    def resolve_params(self, params: Mapping[str, Any] | None = None) -> dict[str, float]:
        """Defaults filled in and validated: probabilities in 0..1, slip and guess in (0, 0.5), threshold above 0."""
        params = dict(params or {})
        _check_known(params, self.defaults)
        resolved: dict[str, float] = {}
        for key, default in self.defaults.items():
            value = params.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidMasteryParamsError(f"{key} must be a number between 0 and 1.", field=key)
            if not 0.0 <= value <= 1.0:
                raise InvalidMasteryParamsError(f"{key} must be between 0 and 1.", field=key)
            resolved[key] = float(value)
        for key in ("p_slip", "p_guess"):
            if resolved[key] >= 0.5:
                raise InvalidMasteryParamsError(f"{key} must be below 0.5.", field=key)
            if resolved[key] <= 0.0:
                # At 0, one answer makes the estimate certain for ever (no later answer can move it), and a
                # float cannot tell "certain" from "almost certain": the estimate would depend on rounding.
                raise InvalidMasteryParamsError(f"{key} must be above 0.", field=key)
        if resolved["mastery_threshold"] <= 0.0:
            raise InvalidMasteryParamsError("mastery_threshold must be above 0.", field="mastery_threshold")
        return resolved

    @staticmethod
    def posterior(prior: float, correct: bool, *, p_slip: float, p_guess: float) -> float:
        """P(learned | this answer), by Bayes' rule over the two hidden states."""
        if correct:
            learned, unlearned = prior * (1.0 - p_slip), (1.0 - prior) * p_guess
        else:
            learned, unlearned = prior * p_slip, (1.0 - prior) * (1.0 - p_guess)
        total = learned + unlearned
        if total == 0.0:
            return prior
        return learned / total

    def initial(self, objective_key: str, params: Mapping[str, Any] | None = None) -> MasteryState:
        resolved = self.resolve_params(params)
        return MasteryState(
            objective_key=objective_key,
            mastered=resolved["p_init"] >= resolved["mastery_threshold"],
            probability=resolved["p_init"],
            evidence_count=0,
            policy=self.name,
            params=resolved,
        )

    def update(
        self, state: MasteryState, observation: Observation, params: Mapping[str, Any] | None = None
    ) -> MasteryStep:
        _check_state(self, state)
        resolved = self.resolve_params(state.params if params is None else params)
        prior = resolved["p_init"] if state.probability is None else state.probability
        post = self.posterior(prior, bool(observation.correct), p_slip=resolved["p_slip"], p_guess=resolved["p_guess"])
        learned = min(max(post + (1.0 - post) * resolved["p_transit"], 0.0), 1.0)
        after = MasteryState(
            objective_key=state.objective_key,
            mastered=learned >= resolved["mastery_threshold"],
            probability=learned,
            evidence_count=state.evidence_count + 1,
            policy=self.name,
            params=resolved,
        )
        return MasteryStep(
            observation=observation, before=state, after=after, explanation=explain_change(observation, state, after)
        )


_REQUIRED = ("name", "initial", "update")
_BUILTIN: tuple[MasteryPolicy, ...] = (KOfLastN(), BayesianKnowledgeTracing())
_policies: dict[str, MasteryPolicy] = {policy.name: policy for policy in _BUILTIN}
_plugins_loaded = False
_lock = threading.Lock()
#: Entry-point name -> why it was skipped; shown by diagnostics rather than failing every lookup.
plugin_errors: dict[str, str] = {}


def register_policy(policy: MasteryPolicy, *, replace: bool = False) -> None:
    """Add a policy by its ``name`` (tests, or a plugin registering itself in ``AppConfig.ready``)."""
    missing = [attr for attr in _REQUIRED if not hasattr(policy, attr)]
    if missing:
        raise TypeError(f"A mastery policy needs {', '.join(missing)}.")
    if policy.name in _policies and not replace:
        raise ValueError(f"Mastery policy {policy.name!r} is already registered.")
    _policies[policy.name] = policy


def _load_plugins() -> None:
    global _plugins_loaded
    with _lock:
        if _plugins_loaded:
            return
        builtin = {policy.name for policy in _BUILTIN}
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = entry_point.load()
                policy = loaded() if isinstance(loaded, type) or not hasattr(loaded, "update") else loaded
                if policy.name in builtin:
                    raise ValueError(f"it would replace the built-in policy {policy.name!r}")
                register_policy(policy)
            except Exception as error:
                plugin_errors[entry_point.name] = f"{type(error).__name__}: {error}"
                log.exception("Skipping mastery policy plugin %r (%s).", entry_point.name, entry_point.value)
        _plugins_loaded = True


def policy_names() -> tuple[str, ...]:
    """Every registered policy name, built-ins and plugins."""
    _load_plugins()
    return tuple(sorted(_policies))


def get_policy(name: str) -> MasteryPolicy:
    """The policy registered under ``name`` (``"k_of_n"``, ``"bkt"`` or a plugin's)."""
    policy = _policies.get(name)
    if policy is None and not _plugins_loaded:
        _load_plugins()
        policy = _policies.get(name)
    if policy is None:
        raise UnknownMasteryPolicyError(name, policy_names())
    return policy


def reset_policies() -> None:
    """Back to the built-ins, with plugins loaded again on next need (tests, or after installing a package)."""
    global _plugins_loaded
    with _lock:
        _policies.clear()
        _policies.update({policy.name: policy for policy in _BUILTIN})
        plugin_errors.clear()
        _plugins_loaded = False


def replay(
    policy: MasteryPolicy | str,
    objective_key: str,
    params: Mapping[str, Any] | None,
    observations: Iterable[Observation],
) -> tuple[MasteryStep, ...]:
    """
    Every step from the initial state through ``observations``, in the order given.

    The caller orders the observations (by submission time, then response id): replay does not reorder, because
    only the caller knows which clock is authoritative, and a silent sort would hide an ordering bug.
    """
    policy = get_policy(policy) if isinstance(policy, str) else policy
    state = policy.initial(objective_key, params)
    steps: list[MasteryStep] = []
    for observation in observations:
        step = policy.update(state, observation, params)
        steps.append(step)
        state = step.after
    return tuple(steps)


def mastery_state(
    policy: MasteryPolicy | str,
    objective_key: str,
    params: Mapping[str, Any] | None,
    observations: Iterable[Observation],
) -> MasteryState:
    """The state after ``observations`` (the initial state when there are none)."""
    policy = get_policy(policy) if isinstance(policy, str) else policy
    steps = replay(policy, objective_key, params, observations)
    return steps[-1].after if steps else policy.initial(objective_key, params)
