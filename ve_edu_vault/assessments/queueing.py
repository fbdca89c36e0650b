"""
How the applet's lower modules queue its Celery tasks without importing ``tasks.py`` (which sits on top).

TLDR: ``tasks.py`` registers each task here when it is imported (``apps.ready`` imports it, as Celery's
autodiscovery does in a worker); ``grades.py`` and ``_attempts.py`` call :func:`task` by name. So the applet's
modules form layers without cycles (``.importlinter``, assessments-layers): tasks > api > results, learner,
blocks > attempts > submission > grades > render, draw > context.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register", "task"]

_tasks: dict[str, Any] = {}


def register(name: str, celery_task: Any) -> None:
    _tasks[name] = celery_task


def task(name: str) -> Any:
    """The registered task; ``LookupError`` when ``tasks.py`` was never imported (the callers log and go on)."""
    try:
        return _tasks[name]
    except KeyError:
        raise LookupError(
            f"The task {name!r} is not registered: ve_edu_vault.assessments.tasks is not loaded."
        ) from None
