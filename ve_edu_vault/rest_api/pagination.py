"""
Page-number pagination shared by every list endpoint (``?page=2&page_size=100``).

TLDR: both parameters are read strictly: a whole number in range, given once, or a 400 naming the parameter.
DRF's ``PageNumberPagination`` falls back to its default for ``page_size=AAA`` or ``0`` and clamps ``501`` to
the maximum: a client asking for something else silently got 50 rows (issue 18, hostile input).
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from ve_edu_vault.errors import ValidationError
from ve_edu_vault.rest_api.query import single

#: The highest page number a list answers: its OFFSET stays far inside every database's range
#: (``?page=2**64`` overflowed the question list's query: a 500, issue 18 item 5).
MAX_PAGE = 2**31 - 1
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _whole_number(request: Request, name: str, *, default: int, highest: int) -> int:
    raw = single(request, name)
    if raw is None:
        return default
    text = raw.strip()
    # ASCII digits only (str.isdigit takes "٣"), and no more of them than the bound has.
    if not text.isascii() or not text.isdigit() or len(text) > len(str(highest)) or not 1 <= int(text) <= highest:
        raise ValidationError(f"{name} must be a whole number from 1 to {highest}.", field=name)
    return int(text)


def page_number(request: Request) -> int:
    """``?page=``: 1 when absent; a whole number from 1 to :data:`MAX_PAGE`, else a 400."""
    return _whole_number(request, "page", default=1, highest=MAX_PAGE)


def page_size(request: Request) -> int:
    """``?page_size=``: 50 when absent; a whole number from 1 to 500, else a 400."""
    return _whole_number(request, "page_size", default=DEFAULT_PAGE_SIZE, highest=MAX_PAGE_SIZE)


class VaultPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size(request)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        return page_number(request)
