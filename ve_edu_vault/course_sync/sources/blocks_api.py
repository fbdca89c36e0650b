"""
Outline source reading the LMS Course Blocks REST API with OAuth2 client credentials.

TLDR: for deployments where the sync runs outside Studio. Calls
``GET {base_url}/api/courses/v1/blocks/?course_id=...&depth=all&all_blocks=true&...`` through
edx-rest-api-client's ``OAuthAPIClient`` (token from ``{base_url}/oauth2/access_token``; the
OAuth application's user must be global staff for ``all_blocks``). Every HTTP failure becomes an
``OutlineSourceError`` subclass with a message naming the course, the host and the status; refused connections and
502/503/504 answers are retried a bounded number of times first (``retries``, with backoff).

The session is ``platform.rest_clients.oauth_session`` (edx-rest-api-client, imported only when the client is
built, with bounded retries). Its token cache (``TieredCache``) needs configured Django settings, which the LMS/CMS
and Celery workers always have.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.platform.rest_clients import oauth_session

from .base import (
    CourseNotFoundError,
    InvalidSourceDataError,
    OutlineSourceError,
    SourceAuthError,
    SourceUnavailableError,
)
from .blocks_tree import REQUESTED_FIELDS, merge_pages, outline_from_blocks

__all__ = ["BlocksApiOutlineSource"]

BLOCKS_PATH = "/api/courses/v1/blocks/"
TOKEN_PATH = "/oauth2/access_token"  # noqa: S105 - a URL path, not a secret
Timeout = float | tuple[float, float]


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


class BlocksApiOutlineSource:
    """Reads published outlines from the Course Blocks API of the LMS at ``base_url``."""

    name = "blocks_api"

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        page_size: int = 1000,
        timeout: Timeout = (3.05, 30.0),
        max_pages: int = 1000,
        retries: int = 2,
        client: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.timeout = timeout
        self.max_pages = max_pages
        self.retries = retries
        self._client_id = client_id
        self._client_secret = client_secret
        self._client = client

    @property
    def client(self) -> requests.Session:
        if self._client is None:
            self._client = oauth_session(
                self.base_url, self._client_id, self._client_secret, timeout=self.timeout, retries=self.retries
            )
        return self._client

    def read(self, course_key: CourseKey) -> CourseOutline:
        root, blocks = merge_pages(self._fetch_pages(course_key))
        return outline_from_blocks(course_key, root, blocks)

    def _params(self, course_key: CourseKey) -> dict[str, str]:
        return {
            "course_id": str(course_key),
            "depth": "all",
            "all_blocks": "true",
            "requested_fields": ",".join(REQUESTED_FIELDS),
            "block_counts": "",
            "return_type": "dict",
            "page_size": str(self.page_size),
        }

    def _fetch_pages(self, course_key: CourseKey) -> list[Any]:
        url: str | None = self.base_url + BLOCKS_PATH
        params: dict[str, str] | None = self._params(course_key)
        pages: list[Any] = []
        seen: set[str] = set()
        while url is not None:
            if len(pages) >= self.max_pages:
                raise InvalidSourceDataError(f"{course_key}: more than {self.max_pages} pages of blocks")
            body = self._get_json(url, params, course_key)
            params = None  # a "next" URL carries its own query string
            if isinstance(body, dict) and "results" in body:
                pages.append(body["results"])
                url = self._next_url(body.get("next"), seen, course_key)
            else:
                pages.append(body)
                url = None
        return pages

    def _next_url(self, next_url: Any, seen: set[str], course_key: CourseKey) -> str | None:
        if not next_url:
            return None
        if not isinstance(next_url, str):
            raise InvalidSourceDataError(f"{course_key}: 'next' is not a URL: {next_url!r}")
        absolute = urljoin(self.base_url + "/", next_url)
        ours, theirs = urlsplit(self.base_url), urlsplit(absolute)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            # Following it would send our access token to another host.
            raise InvalidSourceDataError(f"{course_key}: refusing to follow 'next' to another host: {absolute}")
        if absolute in seen:
            raise InvalidSourceDataError(f"{course_key}: pagination loops back to {absolute}")
        seen.add(absolute)
        return absolute

    def _get_json(self, url: str, params: dict[str, str] | None, course_key: CourseKey) -> Any:
        where = f"Course Blocks API at {self.base_url}"
        try:
            response = self.client.get(url, params=params, timeout=self.timeout)
        except requests.Timeout as exc:
            raise SourceUnavailableError(
                f"{where} timed out (timeout={self.timeout}) reading {course_key}: {exc.__class__.__name__}"
            ) from exc
        except requests.ConnectionError as exc:
            raise SourceUnavailableError(f"cannot connect to {where} reading {course_key}: {exc}") from exc
        except requests.RequestException as exc:  # raised while getting the OAuth2 token
            raise self._token_error(exc, course_key) from exc
        self._check_status(response, course_key, where)
        try:
            return response.json()
        except ValueError as exc:
            content_type = response.headers.get("Content-Type", "?")
            raise InvalidSourceDataError(
                f"{where} returned invalid JSON for {course_key} (HTTP {response.status_code}, {content_type}): "
                f"{_snippet(response.text)!r}"
            ) from exc

    def _token_error(self, exc: requests.RequestException, course_key: CourseKey) -> OutlineSourceError:
        response = exc.response
        token_url = self.base_url + TOKEN_PATH
        if response is None:
            return OutlineSourceError(f"request for {course_key} to {self.base_url} failed: {exc}")
        status = response.status_code
        if status >= 500:
            return SourceUnavailableError(f"OAuth2 token endpoint {token_url} failed with HTTP {status}")
        if status >= 400:
            return SourceAuthError(
                f"OAuth2 token endpoint {token_url} refused the client credentials (HTTP {status}): "
                f"check the client id and secret; {_snippet(response.text)!r}"
            )
        return SourceAuthError(f"OAuth2 token endpoint {token_url} returned no usable access token (HTTP {status})")

    @staticmethod
    def _check_status(response: requests.Response, course_key: CourseKey, where: str) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = _snippet(response.text)
        if status in (401, 403):
            raise SourceAuthError(
                f"{where} denied access to {course_key} (HTTP {status}): the OAuth2 application's user needs "
                f"staff access to read all blocks; {detail!r}"
            )
        if status == 404:
            raise CourseNotFoundError(f"{where} does not know course {course_key} (HTTP 404): {detail!r}")
        if status == 429 or status >= 500:
            raise SourceUnavailableError(f"{where} failed reading {course_key} (HTTP {status}): {detail!r}")
        raise OutlineSourceError(f"{where} rejected the request for {course_key} (HTTP {status}): {detail!r}")
