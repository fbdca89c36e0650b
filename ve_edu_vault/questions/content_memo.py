"""
Parsed question content shared by the requests of a process, keyed by the version's content hash.

TLDR: ``QuestionContent.from_dict`` validates and deep-freezes a version's JSON on every request
that grades or shows it (attempt pages, autosave, submission: ~60 us a question). Versions are
immutable, and ``content_hash`` is the sha256 of the canonical JSON, so the hash names the content
itself: a key that cannot go stale when ids are reused (a rolled-back insert, a test database),
unlike a version id. The parsed value is deeply read-only, so sharing it is safe. Graders cache
their compiled tables on the parsed parts (``types._base.compiled``), so the key also carries the
grader registry's generation: a type registered or replaced, or the registry reset, starts afresh.
The memo holds at most ``MEMO_SIZE`` entries (cleared when full; a busy course uses a few hundred).

The parsed content is also *sanitised* (``sanitize.sanitize_content``): versions stored before author
HTML was cleaned on save are shown and graded clean, once per process per version (ADR 0010).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .data import QuestionContent
from .registry import generation
from .sanitize import sanitize_content

__all__ = ["MEMO_SIZE", "parsed_content"]

MEMO_SIZE = 4096
_memo: dict[tuple[int, str], QuestionContent] = {}


def parsed_content(content_hash: str, content: Mapping[str, Any]) -> QuestionContent:
    """The cleaned ``QuestionContent.from_dict(content)``, once per process for each hash and registry generation."""
    if not content_hash:
        return sanitize_content(QuestionContent.from_dict(content))
    key = (generation(), content_hash)
    found = _memo.get(key)
    if found is None:
        found = sanitize_content(QuestionContent.from_dict(content))
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        _memo[key] = found
    return found
