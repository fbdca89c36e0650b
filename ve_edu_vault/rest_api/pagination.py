"""Page-number pagination shared by every list endpoint (``?page=2&page_size=100``)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from ve_edu_vault.errors import ValidationError

#: The highest page number a list answers: its OFFSET stays far inside every database's range
#: (``?page=2**64`` overflowed the question list's query: a 500, issue 18 item 5).
MAX_PAGE = 2**31 - 1


class VaultPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def page_number(request: Request) -> int:
    """``?page=`` of a list that pages in its repository: 1 when absent or not a number, 400 above :data:`MAX_PAGE`."""
    raw = request.query_params.get("page", "1").strip()
    if not raw.isascii() or not raw.isdigit():
        return 1
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        raise ValidationError(f"page must be at most {MAX_PAGE}.", field="page")
    return max(int(raw), 1)
