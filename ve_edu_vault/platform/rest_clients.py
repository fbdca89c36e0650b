"""
Clients of the LMS's REST APIs for a vault that runs outside the LMS: OAuth2 client credentials, timeouts, retries.

TLDR: :func:`oauth_session` is edx-rest-api-client's ``OAuthAPIClient`` (it gets and caches the access token from
``{base_url}/oauth2/access_token``; no hand-written OAuth) with a bounded retry of transient failures mounted on it.
The Course Blocks API source (``course_sync.sources.blocks_api``) and :class:`EnrollmentsClient` use it. Failures
are :class:`LmsApiError` with a message naming the API, the host, the status and the LMS's own words.

Enrollment API (edx-platform ``openedx/core/djangoapps/enrollments/views.py``, ``EnrollmentView``):
``GET /api/enrollment/v1/enrollment/{username},{course_id}`` answers the enrollment (``is_active``, ``mode``,
``user``) or an empty body when there is none; another user's enrollment needs the OAuth application's user to be
global staff (``request.user.is_staff``), otherwise the LMS answers 404.

Course enrollments (same file, ``CourseEnrollmentsApiListView``): ``GET /api/enrollment/v1/enrollments/?course_id=``
lists a course's enrollments, global staff only (``permissions.IsAdminUser``: 403 otherwise), page-number paginated
(``page_size`` at most 100) as ``{"count", "num_pages", "current_page", "start", "next", "previous", "results"}``,
each result ``{"created", "mode", "is_active", "user", "course_id"}`` (``user`` is the username).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from opaque_keys.edx.keys import CourseKey
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ve_edu_vault.errors import VaultError

__all__ = ["EnrollmentData", "EnrollmentsClient", "LmsApiError", "oauth_session", "transient_retry"]

Timeout = float | tuple[float, float]
ENROLLMENT_PATH = "/api/enrollment/v1/enrollment/"
ENROLLMENTS_PATH = "/api/enrollment/v1/enrollments/"
#: At most this many pages of 100 are read for one course (100,000 enrollments); more is an error, not a hang.
MAX_ENROLLMENT_PAGES = 1000


class LmsApiError(VaultError):
    """The LMS's REST API failed or refused; ``retryable`` when trying later may help (timeouts, 5xx)."""

    code = "lms_api_error"
    http_status = 502

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


def transient_retry(retries: int) -> Retry:
    """
    At most ``retries`` more tries of a GET after 0 s, 1 s, 2 s...: refused or reset connections and 502, 503, 504
    (the last answer is then returned as it is). A read that times out is not tried again (the timeout bounds it and
    it is reported), and a long ``Retry-After`` is not waited for: the caller's own retry (a Celery task) takes over.
    """
    return Retry(
        total=retries,
        connect=retries,
        read=False,
        status=retries,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def oauth_session(base_url: str, client_id: str, client_secret: str, *, timeout: Timeout, retries: int) -> Any:
    """edx-rest-api-client's OAuth2 client-credentials session on ``base_url``, with :func:`transient_retry`."""
    from edx_rest_api_client.client import OAuthAPIClient  # imports Django (its token cache): only when used

    client = OAuthAPIClient(base_url.rstrip("/"), client_id, client_secret, timeout=timeout)
    adapter = HTTPAdapter(max_retries=transient_retry(retries))
    client.mount("http://", adapter)
    client.mount("https://", adapter)
    return client


@dataclass(frozen=True, kw_only=True, slots=True)
class EnrollmentData:
    username: str
    course_key: CourseKey
    is_active: bool
    mode: str


class EnrollmentsClient:
    """Reads enrollments from the LMS's Enrollment API (the application's user must be global staff)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: Timeout = (3.05, 15.0),
        retries: int = 2,
        session: Any = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session or oauth_session(
            self.base_url, client_id, client_secret, timeout=timeout, retries=retries
        )

    def _get(
        self, url: str, *, reading: str, answering: str, hint: tuple[int, ...], params: dict[str, Any] | None = None
    ) -> Any:
        """
        One GET of the Enrollment API, answered 200; every failure an :class:`LmsApiError` naming the API and host.

        ``reading`` names what a timeout was reading, ``answering`` what a refusal was for; a status in ``hint`` adds
        that the OAuth application's user must be global staff (what the LMS answers otherwise).
        """
        where = f"the Enrollment API at {self.base_url}"
        try:
            response = self._session.get(url, params=params, timeout=self.timeout)
        except requests.Timeout as exc:
            raise LmsApiError(f"{where} timed out reading {reading}", retryable=True) from exc
        except requests.ConnectionError as exc:
            raise LmsApiError(f"cannot connect to {where}: {exc}", retryable=True) from exc
        except requests.RequestException as exc:  # getting the token
            status = getattr(exc.response, "status_code", "?")
            raise LmsApiError(
                f"{where}: the OAuth2 token request to {self.base_url}/oauth2/access_token failed (HTTP {status}); "
                "check the client id and secret"
            ) from exc
        if response.status_code != 200:
            text = " ".join(response.text.split())[:200]
            raise LmsApiError(
                f"{where} answered HTTP {response.status_code} for {answering}: {text!r}"
                + (" (is the OAuth application's user global staff?)" if response.status_code in hint else ""),
                retryable=response.status_code >= 500,
            )
        return response

    def enrollment(self, username: str, course_key: CourseKey) -> EnrollmentData | None:
        """The user's enrollment in the course (active or not), or None when the LMS has none."""
        url = f"{self.base_url}{ENROLLMENT_PATH}{quote(username, safe='')},{quote(str(course_key), safe=':+')}"
        response = self._get(
            url,
            reading=f"{username}'s enrollment in {course_key}",
            answering=f"{username} in {course_key}",
            hint=(403, 404),  # another user's enrollment is a 404 to an application that is not global staff
        )
        if not response.content.strip() or response.content.strip() == b"null":
            return None
        try:
            body = response.json()
            return EnrollmentData(
                username=str(body.get("user") or username),
                course_key=course_key,
                is_active=bool(body["is_active"]),
                mode=str(body.get("mode") or ""),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LmsApiError(
                f"the Enrollment API at {self.base_url} answered something that is not an enrollment: "
                f"{response.text[:200]!r}"
            ) from exc

    def _get_json(self, url: str, what: str, params: dict[str, Any] | None = None) -> Any:
        response = self._get(url, reading=what, answering=what, hint=(401, 403), params=params)
        try:
            return response.json()
        except ValueError as exc:
            raise LmsApiError(
                f"the Enrollment API at {self.base_url} answered something not JSON for {what}: {response.text[:200]!r}"
            ) from exc

    def course_enrollments(self, course_key: CourseKey) -> list[EnrollmentData]:
        """Every enrollment in the course (active or not), following the API's pages (100 each)."""
        what = f"the enrollments in {course_key}"
        url: str | None = f"{self.base_url}{ENROLLMENTS_PATH}"
        params: dict[str, Any] | None = {"course_id": str(course_key), "page_size": 100}
        found: list[EnrollmentData] = []
        for _page in range(MAX_ENROLLMENT_PAGES):
            if url is None:
                return found
            body = self._get_json(url, what, params)
            try:
                for item in body["results"]:
                    found.append(
                        EnrollmentData(
                            username=str(item["user"]),
                            course_key=course_key,
                            is_active=bool(item["is_active"]),
                            mode=str(item.get("mode") or ""),
                        )
                    )
                url, params = body.get("next") or None, None  # ``next`` carries the query
            except (KeyError, TypeError, AttributeError) as exc:
                raise LmsApiError(f"the Enrollment API answered a page that is not enrollments: {exc!r}") from exc
        raise LmsApiError(f"{what}: more than {MAX_ENROLLMENT_PAGES} pages; not read")

    def is_enrolled(self, username: str, course_key: CourseKey) -> bool:
        found = self.enrollment(username, course_key)
        return found is not None and found.is_active
