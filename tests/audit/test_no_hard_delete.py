"""
Learner data is archived, never hard deleted (issue 18, data safety).

Two proofs. By behaviour: deleting a learner's account row (the Django admin can), an assessment, an attempt or a
response the learner answered is refused by the database layer (PROTECT), so attempts, responses, regrade traces
and mastery evidence stay. By the source: every ``.delete()`` call and every SQL ``DELETE`` in the package is one of
a short, reasoned list (retirement, which the platform asks for and ADR 0013 defines; derived mastery rebuilt
from responses; a binding that is not learner data; a temporary upload file). A new one fails this test until it
is archived instead, or added here with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.db.models import ProtectedError

from tests.assessments.api_builders import learner, make_assessment, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Assessment, Attempt, Response
from ve_edu_vault.regrade.models import RegradeItem

PACKAGE = Path(__file__).resolve().parents[2] / "ve_edu_vault"

#: (module, function) -> why a delete there is not a hard delete of learner data.
ALLOWED_DELETES: dict[tuple[str, str], str] = {
    ("assessments/repositories/django_orm_assessments.py", "delete_accommodations"): (
        "retirement removes accommodations (ADR 0013; assessments.api.retire_learner, audited)"
    ),
    # mastery/api.py calls these: retire_learner, _rebuild and recompute (the mastery store since issue 13).
    ("mastery/store.py", "delete_learner"): "retirement removes the learner's mastery profile (ADR 0013), audited",
    ("mastery/store.py", "replace_history"): "mastery history is derived from graded responses and rebuilt from them",
    ("mastery/store.py", "delete_state"): "mastery states without evidence after a regrade (derived, rebuilt)",
    ("assessments/repositories/django_orm_assessments.py", "unbind"): (
        "an XBlock binding (authoring, not learner data; assessments._blocks.bind_block, audited)"
    ),
    ("questions/interchange_jobs.py", "run_import_job"): "the uploaded question file in storage, once imported",
    ("questions/interchange_jobs.py", "expire_uploads"): "an uploaded question file never imported (the job stays)",
    ("analytics/store.py", "write_summaries"): "item statistics summaries, derived from graded attempts and rebuilt",
    ("analytics/store.py", "mark_all_summarised"): "summary bookkeeping (which attempts are counted), rebuilt",
    ("lti/store.py", "unlink_user"): "learner retirement removes the account's LTI identity links (ADR 0020)",
    ("webhooks/store.py", "forget_inbound_before"): (
        "ids of inbound webhook messages past their replay window (a sender's message id, not learner data)"
    ),
}
SQL_DELETE = re.compile(r"\bDELETE\s+FROM\b", re.IGNORECASE)


def _is_cache(receiver: ast.expr) -> bool:
    """
    ``cache.delete(key)`` or ``caching.delete(key)`` (the plugin's cache helpers, ``ve_edu_vault/caching.py``): a cache
    entry (a lock, a nonce, a debounce window), never stored data.
    """
    return isinstance(receiver, ast.Name) and receiver.id in ("cache", "caching")


def _deletes(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of each ``.delete(...)`` call and each string holding ``DELETE FROM``."""
    tree = ast.parse(path.read_text())
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == "delete"
                and not _is_cache(child.func.value)
            ):
                found.append((name, child.lineno))
            if isinstance(child, ast.Constant) and isinstance(child.value, str) and SQL_DELETE.search(child.value):
                found.append((name, child.lineno))
            if isinstance(child, ast.Attribute) and child.attr in ("_raw_delete", "raw_delete"):
                found.append((name, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_every_delete_in_the_package_is_a_reasoned_exception() -> None:
    unexpected, used = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("migrations/"):
            continue
        for function, line in _deletes(path):
            if (relative, function) in ALLOWED_DELETES:
                used.add((relative, function))
            else:
                unexpected.append(f"{relative}:{line} in {function}()")
    assert not unexpected, "hard deletes outside the archive/retirement paths:\n" + "\n".join(unexpected)
    assert used == set(ALLOWED_DELETES), f"stale allow-list entries: {set(ALLOWED_DELETES) - used}"


def test_the_scan_finds_deletes_it_must_refuse(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def purge(qs, cursor):\n"
        "    qs.filter(x=1).delete()\n"
        "    cursor.execute('delete  from ve_edu_vault_attempt WHERE id = %s', [1])\n"
        "    qs._raw_delete(qs.db)\n"
        "    cache.delete('lock')\n"
    )
    assert _deletes(sample) == [("purge", 2), ("purge", 3), ("purge", 4)]  # the cache entry is not data


@pytest.fixture
def graded(make_user: Any) -> tuple[Any, Any, Any]:
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    return student, assessment, view


@pytest.mark.django_db
def test_deleting_a_learners_account_keeps_their_attempts(graded: tuple[Any, Any, Any]) -> None:
    student, _assessment, view = graded
    responses = Response.objects.filter(attempt_id=view.id).count()
    assert responses > 0
    with pytest.raises(ProtectedError):
        student.delete()
    assert Attempt.objects.filter(pk=view.id, user_id=student.pk).exists()
    assert Response.objects.filter(attempt_id=view.id).count() == responses


@pytest.mark.django_db
def test_attempts_and_responses_cannot_be_deleted_through_their_parents(graded: tuple[Any, Any, Any]) -> None:
    _student, assessment, view = graded
    with pytest.raises(ProtectedError):
        Assessment.objects.filter(pk=assessment.id).delete()
    with pytest.raises(ProtectedError):
        Attempt.objects.filter(pk=view.id).delete()
    assert Response.objects.filter(attempt_id=view.id).exists()


def test_regrade_traces_and_mastery_evidence_protect_their_responses() -> None:
    from ve_edu_vault.mastery.models import MasteryEvent

    for model, name in ((RegradeItem, "response"), (MasteryEvent, "response"), (Response, "attempt")):
        on_delete = model._meta.get_field(name).remote_field.on_delete
        assert on_delete.__name__ == "PROTECT", f"{model.__name__}.{name} is {on_delete.__name__}"
