"""
Celery task of bulk regrades. Takes the run id, never a model.

TLDR: ``run_regrade`` runs ``regrade.api.run_batches``: it is idempotent and resumable (each batch commits with
the run's cursor), so a redelivered or re-sent message continues where a killed worker stopped. ``acks_late``
lets the broker redeliver a message whose worker died.
"""

from __future__ import annotations

from celery import shared_task

__all__ = ["run_regrade"]


@shared_task(name="ve_edu_vault.regrade.tasks.run_regrade", acks_late=True)
def run_regrade(run_id: int, batch_delay: float = 0.0) -> dict[str, int]:
    """Regrade every affected response of the run, in batches; returns the run's progress."""
    from ve_edu_vault.regrade import api

    run = api.run_batches(int(run_id), batch_delay=float(batch_delay))
    return {"total": run.total, "done": run.done, "changed": run.changed}
