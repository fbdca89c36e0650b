"""
``vault_lti_add_platform --issuer ISS --client-id ID --deployment-id DEP [--deployment-id ...] --auth-url URL
--token-url URL --jwks-url URL [--name NAME] [--json]``: register an LTI 1.3 platform.

TLDR: idempotent (the same issuer and client id update the registration and add deployments); a new
registration gets a tool key pair. Prints the tool's OIDC login, launch, deep linking and JWKS URLs and
the public key id (``--json``: a stable contract, docs/lti_json.rst). Bad input: a message on stderr, exit 1.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ve_edu_vault.errors import VaultError
from ve_edu_vault.lti import api


class Command(BaseCommand):
    help = "Register (or update) an LTI 1.3 platform and print the tool's URLs and key id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", required=True, help="The platform's issuer (iss).")
        parser.add_argument("--client-id", required=True, help="The client id the platform gave the tool.")
        parser.add_argument(
            "--deployment-id", required=True, action="append", help="A deployment id (repeat for several)."
        )
        parser.add_argument("--auth-url", required=True, help="The platform's OIDC authorization endpoint.")
        parser.add_argument("--token-url", required=True, help="The platform's OAuth2 token endpoint.")
        parser.add_argument("--jwks-url", required=True, help="The platform's JWKS URL.")
        parser.add_argument("--name", default="", help="A name for staff (optional).")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registration = api.add_platform(
                issuer=options["issuer"],
                client_id=options["client_id"],
                deployment_ids=options["deployment_id"],
                auth_login_url=options["auth_url"],
                auth_token_url=options["token_url"],
                key_set_url=options["jwks_url"],
                name=options["name"],
                actor="vault_lti_add_platform",
            )
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        urls = api.tool_urls()
        report = {
            "status": "created" if registration.created else "updated",
            "issuer": registration.issuer,
            "client_id": registration.client_id,
            "deployment_ids": list(registration.deployment_ids),
            **urls.as_dict(),
            "public_key_id": registration.kid,
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(f"Platform {registration.issuer} ({registration.client_id}): {report['status']}")
        for label, key in (
            ("OIDC login URL", "oidc_login_url"),
            ("Launch URL", "launch_url"),
            ("Deep linking URL", "deep_linking_url"),
            ("JWKS URL", "jwks_url"),
        ):
            self.stdout.write(f"{label}: {report[key]}")
        self.stdout.write(f"Public key id: {registration.kid}")
