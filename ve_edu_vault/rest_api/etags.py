"""
Conditional GET for heavy reads: a strong ``ETag`` over the rendered body, ``304 Not Modified`` on a match.

TLDR: one mechanism for REST views (``VaultViewMixin.etag = True``) and pages (``@with_etag``). The tag is a hash
of the bytes sent, so it changes exactly when the answer does, whatever changed it (a sync, a graded attempt, a
summary refresh); nothing has to remember to bump a version. The work of the read is still done (the summaries
behind the heavy reads are cached already); the bytes, and the client's parsing and rendering, are saved.
Responses that vary per request (a CSRF token in a form) must not use it: their tag would never match.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

__all__ = ["conditional", "with_etag"]

F = TypeVar("F", bound=Callable[..., Any])


def conditional(request: HttpRequest, response: Any) -> Any:
    """Tag a 200 answer to GET or HEAD; a 304 (no body, same tag) when ``If-None-Match`` names the tag or ``*``."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render"):
        response.render()
    tag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = tag
    patch_vary_headers(response, ("Cookie", "Authorization"))  # the body is the requester's: caches keep it apart
    wanted = {item.strip().removeprefix("W/") for item in request.headers.get("If-None-Match", "").split(",")}
    if tag in wanted or "*" in wanted:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = tag
        patch_vary_headers(not_modified, ("Cookie", "Authorization"))
        return not_modified
    return response


def with_etag(view: F) -> F:
    """Decorate a page view (a function of the request) with :func:`conditional`."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return conditional(request, view(request, *args, **kwargs))  # type: ignore[no-any-return]

    return wrapped  # type: ignore[return-value]
