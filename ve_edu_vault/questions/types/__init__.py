"""
Built-in question types, one module per type; each exposes ``validate``, ``grade``, ``public_view`` and a
``QUESTION_TYPE`` value that the registry registers. Third-party types come through entry points instead.
"""

from __future__ import annotations

from . import dropdown, extended_text, fill_in_blank, multi_select, multiple_choice, numeric
from ._base import QuestionType

__all__ = ["BUILTIN_TYPES", "QuestionType"]

BUILTIN_TYPES: tuple[QuestionType, ...] = (
    multiple_choice.QUESTION_TYPE,
    multi_select.QUESTION_TYPE,
    fill_in_blank.QUESTION_TYPE,
    numeric.QUESTION_TYPE,
    dropdown.QUESTION_TYPE,
    extended_text.QUESTION_TYPE,
)
