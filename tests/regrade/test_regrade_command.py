"""``vault_regrade``: a dry run changes nothing and says what would; the real run applies it."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario, snapshot
from ve_edu_vault.regrade.models import RegradeRun

pytestmark = pytest.mark.django_db


def test_dry_run_then_run(make_user: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    before = snapshot()
    out = StringIO()
    call_command("vault_regrade", str(question_id), "--dry-run", stdout=out)
    assert "2 of 2 responses change" in out.getvalue() and "learner0" in out.getvalue()
    assert snapshot() == before
    out = StringIO()
    call_command("vault_regrade", str(question_id), "--json", stdout=out)
    record = json.loads(out.getvalue())
    assert record["status"] == RegradeRun.SUCCEEDED and record["done"] == 2
    assert snapshot() != before
    assert RegradeRun.objects.count() == 2  # both recorded


def test_refusal_is_a_command_error(make_user: Any) -> None:
    with pytest.raises(CommandError):
        call_command("vault_regrade", "999999", "--dry-run")
