"""
The format registry: format name -> :class:`QuestionFormat`, built-ins plus the ``ve_edu_vault.question_formats``
entry points (a package adds a format without changing the vault, as question types do).

Entry points are loaded lazily, once; one that fails to load or returns something unusable is logged and
skipped (``plugin_errors``), and a plugin cannot replace a built-in name.
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import entry_points

from .data import QuestionFormat

__all__ = ["ENTRY_POINT_GROUP", "FormatRegistry", "get_formats", "reset_formats"]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ve_edu_vault.question_formats"


def _builtin() -> tuple[QuestionFormat, ...]:
    from . import aiken, canvas_qti, gift, moodle_xml, qti

    return (
        moodle_xml.FORMAT,
        gift.FORMAT,
        aiken.FORMAT,
        qti.FORMAT_QTI,
        qti.FORMAT_QTI3,
        qti.FORMAT_QTI21,
        canvas_qti.FORMAT,
    )


class FormatRegistry:
    def __init__(
        self, formats: tuple[QuestionFormat, ...] | None = None, *, group: str | None = ENTRY_POINT_GROUP
    ) -> None:
        self._formats: dict[str, QuestionFormat] = {}
        for fmt in formats if formats is not None else _builtin():
            self._formats[fmt.name] = fmt
        self._builtin = frozenset(self._formats)
        self._group = group
        self._loaded = group is None
        self._lock = threading.Lock()
        self.plugin_errors: dict[str, str] = {}

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            for entry_point in entry_points(group=self._group or ""):
                try:
                    loaded = entry_point.load()
                    fmt = loaded() if callable(loaded) and not isinstance(loaded, QuestionFormat) else loaded
                    if not isinstance(fmt, QuestionFormat):
                        raise TypeError(f"it provides {type(fmt).__name__}, not a QuestionFormat")
                    if fmt.name in self._builtin:
                        raise ValueError(f"it would replace the built-in format {fmt.name!r}")
                    self._formats[fmt.name] = fmt
                except Exception as error:
                    self.plugin_errors[entry_point.name] = f"{type(error).__name__}: {error}"
                    log.exception("Skipping question format plugin %r (%s).", entry_point.name, entry_point.value)
            self._loaded = True

    def get(self, name: str) -> QuestionFormat | None:
        if not self._loaded:
            self._load()
        return self._formats.get(name)

    def readers(self) -> tuple[QuestionFormat, ...]:
        if not self._loaded:
            self._load()
        return tuple(fmt for fmt in self._formats.values() if fmt.read is not None)

    def writers(self) -> tuple[QuestionFormat, ...]:
        if not self._loaded:
            self._load()
        return tuple(fmt for fmt in self._formats.values() if fmt.write is not None)

    def detect(self, name: str, head: bytes) -> QuestionFormat | None:
        """The first reader whose ``detect`` accepts the file (built-ins first, in a fixed order)."""
        for fmt in self.readers():
            if fmt.detect is not None and fmt.detect(name, head):
                return fmt
        return None


_registry: list[FormatRegistry] = []
_registry_lock = threading.Lock()


def get_formats() -> FormatRegistry:
    """The process-wide format registry (built-ins plus entry-point plugins, loaded on first need)."""
    if not _registry:
        with _registry_lock:
            if not _registry:
                _registry.append(FormatRegistry())
    return _registry[0]


def reset_formats() -> None:
    """Forget the process-wide registry (tests, or after installing a format plugin at run time)."""
    _registry.clear()
