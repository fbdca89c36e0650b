"""
``vault_item_analysis ASSESSMENT_ID [--attempts first|last|best|all] [--json]``: item statistics of an assessment.

TLDR: prints the assessment's statistics (attempts, mean, alpha, KR-20, SEM) and one line per question version
(attempts, facility, discrimination, point-biserial, flags). ``--json`` prints one object, a public contract
(docs/analytics_json.rst). An unknown assessment or a bad option ends with the message on stderr, exit code 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ve_edu_vault.analytics import api
from ve_edu_vault.errors import VaultError


def _figure(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


class Command(BaseCommand):
    help = "Item analysis of an assessment: facility, discrimination, reliability, flagged questions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int, help="The assessment's id.")
        parser.add_argument(
            "--attempts",
            choices=[choice.value for choice in api.AttemptChoice],
            default="all",
            help="Which graded attempts of each learner count (default: all).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object (docs/analytics_json.rst).")
        parser.add_argument(
            "--refresh", action="store_true", help="Rebuild the assessment's summaries from its attempts first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["refresh"]:
                api.refresh_item_analysis(options["assessment_id"])
            result = api.item_analysis(options["assessment_id"], attempts=options["attempts"])
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(api.analysis_to_dict(result), indent=2))
            return
        test = result.assessment
        self.stdout.write(
            f"Assessment {test.assessment_id} ({test.attempts_choice} attempts): {test.attempts} attempts, "
            f"mean {_figure(test.mean, '.2f')} of {test.possible:g}, alpha {_figure(test.alpha)}, "
            f"KR-20 {_figure(test.kr20)}, SEM {_figure(test.sem, '.2f')}"
        )
        for note in test.notes:
            self.stdout.write(f"  {note}")
        for item in result.items:
            self.stdout.write(
                f"Question {item.question_id} v{item.version} {item.title!r}: {item.attempts} attempts, "
                f"facility {_figure(item.facility, '.2f')}, discrimination {_figure(item.discrimination)}, "
                f"point-biserial {_figure(item.point_biserial)}"
            )
            for flag in item.flags:
                self.stdout.write(f"  ! {flag.message}")
