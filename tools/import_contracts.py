"""
An import-linter contract type for the storage boundary: ``storage_door`` (registered in ``.importlinter``).

TLDR: outside the modules named in ``doors`` (repositories, stores, the models themselves), no module of the
package may import a ``models`` module of an applet, a module named in ``forbidden_modules`` (prepared queries),
or one of the names in ``forbidden_names`` from ``django.db`` (``connection``, ``connections``: raw cursors). The
built-in ``forbidden`` contract cannot say the last: import-linter records ``from django.db import connection``
as an import of the external package ``django`` and keeps the imported name only in the line's text, which is
what this contract reads. There is no list of tolerated violations: the last ones (course sync and mastery) moved
into their stores (docs/decisions/0023-orm-stores-and-applet-boundaries.rst).
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from importlinter import Contract, ContractCheck, fields, output


def _matches(module: str, patterns: set[str]) -> bool:
    for pattern in patterns:
        regex = re.escape(pattern).replace(r"\*\*", ".+").replace(r"\*", "[^.]+")
        if re.fullmatch(regex, module) or fnmatch.fnmatchcase(module, pattern):
            return True
    return False


class StorageDoorContract(Contract):
    """Only the storage doors import models, prepared queries and raw database connections."""

    type_name = "storage_door"

    root = fields.StringField()
    doors = fields.SetField(subfield=fields.StringField())
    model_modules = fields.SetField(subfield=fields.StringField())
    forbidden_modules = fields.SetField(subfield=fields.StringField(), required=False)
    forbidden_names = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        root: str = self.root  # type: ignore[assignment]
        doors: set[str] = self.doors  # type: ignore[assignment]
        model_patterns: set[str] = self.model_modules  # type: ignore[assignment]
        forbidden_modules: set[str] = self.forbidden_modules or set()  # type: ignore[assignment]
        names: set[str] = self.forbidden_names or set()  # type: ignore[assignment]
        alternatives = "|".join(sorted(map(re.escape, names)))
        name_pattern = re.compile(rf"\bimport\b.*\b({alternatives})\b") if names else None
        found: list[dict[str, Any]] = []
        for module in sorted(graph.modules):
            if not (module == root or module.startswith(root + ".")) or _matches(module, doors):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                bad = _matches(imported, model_patterns) or imported in forbidden_modules
                lines = [
                    detail
                    for detail in graph.get_import_details(importer=module, imported=imported)
                    if bad or (name_pattern and imported == "django" and name_pattern.search(detail["line_contents"]))
                ]
                if not lines:
                    continue
                what = imported if bad else "django.db." + "|".join(sorted(names))
                found.append({"importer": module, "imported": what, "lines": lines})
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["found"]:
            output.print_error(f"{item['importer']} imports {item['imported']}:", bold=False)
            for line in item["lines"]:
                output.indent_cursor()
                output.print_error(f"{item['importer']}:{line['line_number']}: {line['line_contents']}", bold=False)
            output.new_line()
