"""
``vault_lti_link --issuer ISS --deployment-id DEP --context ID --resource-link ID ASSESSMENT_ID [--json]``:
bind a platform's resource link to a vault assessment without deep linking.

TLDR: idempotent (binding the same link again points it at the new assessment); unknown platform,
deployment or assessment: a message on stderr, exit 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ve_edu_vault.errors import VaultError
from ve_edu_vault.lti import api


class Command(BaseCommand):
    help = "Bind an LTI resource link (issuer, deployment, context, resource link) to a vault assessment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment_id", type=int, help="The vault assessment's id.")
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--deployment-id", required=True)
        parser.add_argument("--context", required=True, help="The platform's context (course) id.")
        parser.add_argument("--resource-link", required=True, help="The platform's resource link id.")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            binding = api.link_resource(
                issuer=options["issuer"],
                deployment_id=options["deployment_id"],
                context_id=options["context"],
                resource_link_id=options["resource_link"],
                assessment_id=options["assessment_id"],
                actor="vault_lti_link",
            )
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        report = {
            "binding_id": binding.id,
            "issuer": binding.issuer,
            "client_id": binding.client_id,
            "deployment_id": binding.deployment_id,
            "context_id": binding.context_id,
            "resource_link_id": binding.resource_link_id,
            "assessment_id": binding.assessment_id,
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"Resource link {binding.resource_link_id} (context {binding.context_id}, deployment "
            f"{binding.deployment_id}) -> assessment {binding.assessment_id}"
        )
