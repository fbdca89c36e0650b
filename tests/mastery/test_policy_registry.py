"""The policy registry (built-ins and entry-point plugins) and the state's JSON round trip."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from typing import Any

import pytest
from helpers_mastery import observations

from ve_edu_vault.mastery import (
    KOfLastN,
    MasteryState,
    UnknownMasteryPolicyError,
    get_policy,
    policy_names,
    replay,
    reset_policies,
)
from ve_edu_vault.mastery import policies as policies_module


class AlwaysMastered(KOfLastN):
    """A plugin policy: mastered after any single answer."""

    name = "always"
    defaults = {"k": 1, "n": 1}


class FakeEntryPoint:
    def __init__(self, name: str, loaded: Any) -> None:
        self.name, self.value, self._loaded = name, f"fake:{name}", loaded

    def load(self) -> Any:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeEntryPoint]]:
    found: list[FakeEntryPoint] = []
    monkeypatch.setattr(
        policies_module, "entry_points", lambda group: found if group == policies_module.ENTRY_POINT_GROUP else []
    )
    reset_policies()
    yield found
    reset_policies()


def test_builtin_policies_are_registered(entry_points: list[FakeEntryPoint]) -> None:
    assert policy_names() == ("bkt", "k_of_n")
    assert get_policy("k_of_n").name == "k_of_n"
    assert get_policy("bkt").name == "bkt"


def test_unknown_policy_is_a_shaped_error(entry_points: list[FakeEntryPoint]) -> None:
    with pytest.raises(UnknownMasteryPolicyError) as info:
        get_policy("nope")
    assert info.value.as_dict() == {
        "error_code": "unknown_mastery_policy",
        "message": "Unknown mastery policy 'nope'; known policies: bkt, k_of_n.",
        "field": "policy",
    }


def test_entry_point_plugins_are_loaded_and_broken_ones_skipped(entry_points: list[FakeEntryPoint]) -> None:
    hijack = AlwaysMastered()
    hijack.name = "bkt"
    entry_points.extend(
        [
            FakeEntryPoint("always", AlwaysMastered),  # a class: instantiated
            FakeEntryPoint("broken", ImportError("no module named broken")),
            FakeEntryPoint("hijack", hijack),  # would replace a built-in
        ]
    )
    assert policy_names() == ("always", "bkt", "k_of_n")
    (step,) = replay("always", "obj", None, observations([1]))
    assert step.after.mastered is True
    assert set(policies_module.plugin_errors) == {"broken", "hijack"}
    assert get_policy("bkt") is not hijack


def test_state_round_trips_through_json_and_is_read_only() -> None:
    state = replay("k_of_n", "obj", {"k": 2, "n": 3}, observations([1, 0, 1]))[-1].after
    assert MasteryState.from_dict(state.to_dict()) == state
    with pytest.raises(TypeError):
        state.params["k"] = 5  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        state.mastered = False  # type: ignore[misc]
