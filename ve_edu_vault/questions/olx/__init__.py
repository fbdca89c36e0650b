"""
OLX (Open edX course XML) import and export for questions: capa ``<problem>`` elements to and from
:class:`~ve_edu_vault.questions.data.QuestionContent`.
"""

from __future__ import annotations

from .capa import ParsedProblem, UnsupportedProblem, parse_problem, parse_problem_file
from .capa_export import export_problem

__all__ = ["ParsedProblem", "UnsupportedProblem", "export_problem", "parse_problem", "parse_problem_file"]
