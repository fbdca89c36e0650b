"""A webhook handler loaded through the ``ve_edu_vault.webhook_handlers`` entry point group in the tests."""

from __future__ import annotations

from typing import Any

SEEN: list[tuple[str, dict[str, Any]]] = []


def on_ping(data: dict[str, Any], *, message_id: str) -> str:
    SEEN.append((message_id, data))
    return "pong"
