"""
A pytest plugin for ``tools/ci_test_ids.py``: with ``VAULT_CI_IDS`` naming a file prefix, writes the id of every
test the run selects (after the host split and the database-free rule of ``tests/conftest.py``, and any ``-m`` or
``--ignore``) to ``<prefix>.<pid>``, one ``label<TAB>host<TAB>id`` line each; the tool runs CI's commands with
``--collect-only``, so nothing runs. Tests skipped at run time (``skipif`` on the database vendor) count as selected.
"""

from __future__ import annotations

import os
from typing import Any


def pytest_collection_finish(session: Any) -> None:
    prefix = os.environ.get("VAULT_CI_IDS")
    if not prefix:
        return
    from django.conf import settings

    host = getattr(settings, "VAULT_HOST", "lms") if settings.configured else "lms"
    label = os.environ.get("VAULT_CI_IDS_LABEL", "") + os.environ.get("DATABASE_URL", "").split(":", 1)[0]
    lines = [
        f"{label}\t{host}\t{item.nodeid}\n"
        for item in session.items
        if not any(mark.name == "skip" for mark in item.iter_markers())
    ]
    with open(f"{prefix}.{os.getpid()}", "a", encoding="utf-8") as out:
        out.writelines(lines)
