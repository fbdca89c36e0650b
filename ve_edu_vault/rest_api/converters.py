"""
``<vault_id:...>``: the path converter for every database id in the plugin's URLs.

TLDR: never use ``<vault_id:...>`` for an id. Django's ``int`` converter matches any run of digits and
hands ``2**64`` to the ORM, where the database driver overflows (SQLite: ``OverflowError``,
MariaDB and PostgreSQL: out-of-range errors) and the request ends in a 500 (issue 18, item 5).
``vault_id`` matches at most 19 digits and refuses anything above the largest signed 64-bit
integer (a ``BigAutoField``'s range), so such a URL simply does not resolve: a 404, like any
other id that names nothing.

Registered when this module is imported; ``ve_edu_vault.rest_api`` imports it, and every URL
module of the plugin imports that package for ``API_PREFIX``.
"""

from __future__ import annotations

from django.urls import register_converter

#: The largest id a ``BigAutoField`` holds on every supported database (signed 64 bits).
MAX_ID = 2**63 - 1

#: The OpenAPI schema of an id in a path: what ``vault_id`` accepts.
ID_SCHEMA: dict[str, object] = {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_ID}


class VaultIdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is beyond a 64-bit id")  # Django: the pattern does not match
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(VaultIdConverter, "vault_id")
