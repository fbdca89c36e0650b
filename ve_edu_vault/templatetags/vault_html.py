"""
``{{ value|vault_html }}``: author HTML from question content, cleaned, for templates.

TLDR: never ``|safe`` on author input. This filter runs the same allow-list as the question bank's
save path (``questions/sanitize.py``, nh3) and only then marks the result safe, so a template shows
a prompt's formatting without trusting where the string came from (stored before cleaning existed,
or from a filter step). Plain-text fields (titles, display names) need no filter: autoescaping.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ve_edu_vault.questions.api import clean_html

register = template.Library()


@register.filter(name="vault_html", is_safe=True)
def vault_html(value: Any) -> SafeString:
    text = "" if value is None else str(value)
    return mark_safe(clean_html(text))  # noqa: S308 - cleaned by nh3 against the allow-list just above
