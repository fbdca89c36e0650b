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


class AppletApiContract(Contract):
    """
    Other applets import only an applet's public modules: ``api`` and ``data*`` (OEP-49), and its package.

    An applet is a package directly under ``root`` that has an ``api`` module. An import of one of its modules by
    a module outside it breaks the contract unless the imported module matches ``public`` (names relative to the
    applet, ``*`` within a name) or the import matches ``allowed`` (``importer -> imported``, ``*`` and ``**`` as
    in import-linter's own expressions: what is legitimately shared, each line commented in ``.importlinter``).
    An ``allowed`` line that matches no import breaks the contract too, so the list only holds live exceptions.
    """

    type_name = "applet_api"

    root = fields.StringField()
    public = fields.SetField(subfield=fields.StringField())
    allowed = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        root: str = self.root  # type: ignore[assignment]
        public: set[str] = self.public  # type: ignore[assignment]
        allowed = [
            tuple(part.strip() for part in item.split("->"))
            for item in (self.allowed or set())  # type: ignore[union-attr]
        ]
        applets = {
            module.rsplit(".", 1)[0]
            for module in graph.modules
            if re.fullmatch(rf"{re.escape(root)}\.[^.]+\.api", module)
        }

        def applet_of(module: str) -> str | None:
            parts = module.split(".")
            candidate = ".".join(parts[:2])
            return candidate if len(parts) >= 2 and candidate in applets else None

        found: list[dict[str, Any]] = []
        used: set[tuple[str, ...]] = set()
        for module in sorted(graph.modules):
            if not module.startswith(root + "."):
                continue
            own = applet_of(module)
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                target = applet_of(imported)
                if target is None or target == own or imported == target:
                    continue
                relative = imported[len(target) + 1 :]
                if _matches(relative, public):
                    continue
                matching = [
                    entry for entry in allowed if _matches(module, {entry[0]}) and _matches(imported, {entry[1]})
                ]
                if matching:
                    used.update(matching)
                    continue
                lines = graph.get_import_details(importer=module, imported=imported)
                found.append({"importer": module, "imported": imported, "lines": lines})
        unused = sorted(" -> ".join(entry) for entry in set(allowed) - used)
        return ContractCheck(kept=not found and not unused, metadata={"found": found, "unused": unused})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for entry in check.metadata["unused"]:
            output.print_error(f"allowed lists {entry}, which matches no import: remove it from the list.")
        for item in check.metadata["found"]:
            output.print_error(
                f"{item['importer']} imports {item['imported']} (not an api or data module):", bold=False
            )
            for line in item["lines"]:
                output.indent_cursor()
                output.print_error(f"{item['importer']}:{line['line_number']}: {line['line_contents']}", bold=False)
            output.new_line()
