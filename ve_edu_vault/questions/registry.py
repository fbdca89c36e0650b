"""
The grader registry: question type name -> :class:`QuestionType`.

Built-in types are registered up front. Third-party packages add types through the entry-point group
``ve_edu_vault.question_types`` (the entry point names a ``QuestionType`` value, or a callable returning one);
they are loaded lazily, once, on first need. A plugin that fails to import or returns something unusable is
logged and skipped: one broken package must not take grading down. Built-in names cannot be overridden by a
plugin (an explicit ``register(..., replace=True)`` can, e.g. in tests). A type's static ``answer_schema`` must be
valid JSON Schema, or the type is refused (a plugin: skipped and logged).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .data import GradeResult, QuestionPart
from .errors import UnknownQuestionTypeError
from .types import BUILTIN_TYPES, QuestionType

__all__ = ["ENTRY_POINT_GROUP", "GraderRegistry", "QuestionType", "generation", "get_registry", "reset_registry"]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ve_edu_vault.question_types"
_REQUIRED = ("name", "label", "validate", "grade", "public_view")


class GraderRegistry:
    """A mapping of type names to question types, with lazy entry-point plugins."""

    def __init__(
        self,
        types: Iterable[QuestionType] = BUILTIN_TYPES,
        *,
        load_entry_points: bool = True,
        group: str = ENTRY_POINT_GROUP,
    ) -> None:
        self._types: dict[str, QuestionType] = {}
        self._builtin: frozenset[str] = frozenset()
        for qtype in types:
            self.register(qtype)
        self._builtin = frozenset(self._types)
        self._group = group
        self._plugins_loaded = not load_entry_points
        self._lock = threading.Lock()
        self.plugin_errors: dict[str, str] = {}

    def register(self, qtype: QuestionType, *, replace: bool = False) -> None:
        missing = [attr for attr in _REQUIRED if not hasattr(qtype, attr)]
        if missing:
            raise TypeError(f"A question type needs {', '.join(missing)}.")
        _check_answer_schema(qtype)
        if qtype.name in self._types and not replace:
            raise ValueError(f"Question type {qtype.name!r} is already registered.")
        self._types[qtype.name] = qtype
        _changed()

    def _load_plugins(self) -> None:
        with self._lock:
            if self._plugins_loaded:
                return
            for entry_point in entry_points(group=self._group):
                try:
                    loaded = entry_point.load()
                    qtype = loaded() if callable(loaded) and not hasattr(loaded, "grade") else loaded
                    if qtype.name in self._builtin:
                        raise ValueError(f"it would replace the built-in type {qtype.name!r}")
                    if qtype.name != entry_point.name:
                        log.warning("Question type entry point %r provides type %r.", entry_point.name, qtype.name)
                    self.register(qtype)
                except Exception as error:
                    self.plugin_errors[entry_point.name] = f"{type(error).__name__}: {error}"
                    log.exception("Skipping question type plugin %r (%s).", entry_point.name, entry_point.value)
            self._plugins_loaded = True

    def get(self, name: str) -> QuestionType:
        qtype = self._types.get(name)
        if qtype is None and not self._plugins_loaded:
            self._load_plugins()
            qtype = self._types.get(name)
        if qtype is None:
            raise UnknownQuestionTypeError(name, self.names())
        return qtype

    __getitem__ = get

    def __contains__(self, name: object) -> bool:
        if not self._plugins_loaded:
            self._load_plugins()
        return name in self._types

    def names(self) -> tuple[str, ...]:
        if not self._plugins_loaded:
            self._load_plugins()
        return tuple(sorted(self._types))

    def types(self) -> tuple[QuestionType, ...]:
        return tuple(self._types[name] for name in self.names())

    def grade(self, part: QuestionPart, answer: Any) -> GradeResult:
        """Grade one part with its type's grader."""
        return self.get(part.type).grade(part, answer)


def _check_answer_schema(qtype: QuestionType) -> None:
    """A static answer schema must be valid JSON Schema (a plugin with a broken one is skipped, not half-loaded)."""
    schema = getattr(qtype, "answer_schema", None)
    if schema is None or callable(schema):
        return
    if not isinstance(schema, Mapping):
        raise TypeError(f"The answer_schema of {qtype.name!r} must be a mapping, a callable or None.")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise TypeError(f"The answer_schema of {qtype.name!r} is not valid JSON Schema: {error.message}") from None


_registry: GraderRegistry | None = None
_registry_lock = threading.Lock()
# Counts the changes of any registry (a type registered or replaced, the registry reset): what was
# built with a grader (compiled tables on parsed content, ``content_memo``) is only reused within one.
_generation = [0]


def _changed() -> None:
    _generation[0] += 1


def generation() -> int:
    """Changes with every type registered or replaced and every reset (see ``questions/content_memo.py``)."""
    return _generation[0]


def get_registry() -> GraderRegistry:
    """The process-wide registry: built-ins plus entry-point plugins (loaded on first need)."""
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = GraderRegistry()
    return _registry


def reset_registry() -> None:
    """Forget the process-wide registry (tests, or after installing a plugin at run time)."""
    global _registry
    _registry = None
    _changed()
