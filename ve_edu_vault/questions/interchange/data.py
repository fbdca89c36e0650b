"""
Frozen values of question interchange: what a format reader returns and what a writer takes.

TLDR: readers never raise for one bad item: each item of a file is a :class:`SourceItem`, either with
``content`` (importable) or with ``reason`` (refused: the vault cannot represent it, or it is invalid).
A file that cannot be read at all raises :class:`FormatError` naming the file and the line. Every
item names its file, its line and its source identifier, so a refusal can always be found in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ve_edu_vault.domain_errors import DomainError

from ..data import QuestionContent

__all__ = [
    "ExportQuestion",
    "ExportResult",
    "FormatError",
    "QuestionFormat",
    "ReadLimits",
    "ReadResult",
    "SourceItem",
]


class FormatError(DomainError):
    """A file (or a package member) that cannot be read at all; the message starts with ``file:line:``."""

    code = "interchange_unreadable"

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        location = f"{file}:{line}" if line else file
        super().__init__(f"{location}: {message}", field="file")


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadLimits:
    """Bounds on what an upload may hold (defaults fit any real bank; the settings can lower them)."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_members: int = 20_000
    max_member_bytes: int = 32 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed size of one zip member (zip bombs)
    max_items: int = 50_000


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceItem:
    """One question of a source file, importable (``content``) or refused (``reason``)."""

    source_id: str
    label: str
    file: str
    line: int | None
    kind: str
    content: QuestionContent | None = None
    reason: str = ""
    category: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # The identifier the file gives the item itself (Moodle idnumber, GIFT [id:], QTI identifier), if any.
    identifier: str = ""

    @property
    def refused(self) -> bool:
        return self.content is None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadResult:
    format: str
    file: str
    items: tuple[SourceItem, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportQuestion:
    """A question to write: its identifier in the file, its content and its category path."""

    identifier: str
    content: QuestionContent
    category: tuple[str, ...] = ()
    question_id: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportResult:
    """The written file, and the questions left out (``(identifier, reason)``) or written with losses."""

    data: bytes
    filename: str
    content_type: str
    written: int
    skipped: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()


Reader = Callable[[bytes, str, ReadLimits], ReadResult]
Writer = Callable[[Sequence[ExportQuestion]], ExportResult]


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionFormat:
    """
    A registered interchange format (built in, or from the ``ve_edu_vault.question_formats`` entry points).

    - ``family`` namespaces source identifiers: two formats of one family (Moodle XML and GIFT) name a
      question the same way, so a bank moved from one to the other keeps its identity.
    - ``detect(name, head)`` says whether a file (its name and first bytes) is in this format.
    - ``read(data, name, limits)`` returns a :class:`ReadResult`; ``write(questions)`` an :class:`ExportResult`.
    """

    name: str
    label: str
    family: str
    read: Reader | None = None
    write: Writer | None = None
    detect: Callable[[str, bytes], bool] | None = None
    extensions: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
