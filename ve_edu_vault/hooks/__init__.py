"""
Extension points the plugin offers to other Open edX plugins: openedx-filters defined by ve-edu-vault.

TLDR: operators change assessment behaviour (question order, answer normalisation, grade curves) by configuring
pipeline steps in ``OPEN_EDX_FILTERS_CONFIG``, without forking the plugin. See ``hooks/README.rst``.
"""

from __future__ import annotations

from .filters import AnswerGradingStarted, GradeComputed, QuestionsRenderStarted

__all__ = ["AnswerGradingStarted", "GradeComputed", "QuestionsRenderStarted"]
