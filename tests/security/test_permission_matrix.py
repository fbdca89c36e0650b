"""
The permission matrix (issue 18): every route and method of both hosts, as every actor.

For each row of ``matrix_rows.ROWS`` run in this host, each actor of ``matrix_world.ACTORS`` sends the
row's request (REST with the actor's LMS-signed JWT, pages with a session) and must get the row's
status; an actor refused (4xx) leaves every table of the plugin exactly as it was. Each actor's
request runs in a savepoint rolled back afterwards, so all actors meet the same world. Whether a refusal
changed anything is the digest of every plugin table before and after it (``fingerprint``), taken only when a
statement other than a read ran during the request (``watching_writes``): without one, no row can have changed.
A test of a route the host does not have is skipped before its world is built.

``test_every_route_and_method_has_a_row`` reads the host's URL resolvers and sends every method to
every route: a route or method answering anything but 405 without a row fails, so a route added
later (webhooks, LTI, analytics) fails here until its row is written. Django's admin is one row (its
index); the XBlock SDK workbench is mounted by the LMS test URLconf only and is not a host route.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.jwt_tokens import claims_for, lms_jwt, segments
from tests.security.matrix_rows import METHODS, ROWS, Row
from tests.security.matrix_world import ACTORS, LTI_ACTORS, World, build

pytestmark = [pytest.mark.django_db, pytest.mark.both_hosts]

UNTHROTTLED = {"vault_user": None, "vault_staff": None}
HOST_NAMES = {"home", "login", "logout"}  # the hosts' own routes, outside the plugin's namespace
TEST_ONLY_PREFIXES = ("workbench/",)  # hosts/lms/test_urls.py: the XBlock SDK's runtime, not a host route
API = "/api/ve-edu-vault/v1/"


class _Rollback(Exception):
    pass


def host() -> str:
    return str(settings.VAULT_HOST)


def host_rows() -> list[Row]:
    return [row for row in ROWS if row.runs_in(host())]


def route_names() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern of the host; the admin as one route ``admin:index``."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for item in patterns:
            route = prefix + str(item.pattern).lstrip("^")
            if route.startswith(TEST_ONLY_PREFIXES):
                continue
            if isinstance(item, URLResolver):
                if item.namespace == "admin":
                    yield "admin:index", route
                    continue
                inner = item.namespace if item.namespace else namespace
                yield from walk(item.url_patterns, route, inner)
            elif isinstance(item, URLPattern):
                yield (item.name if item.name else "/" + route), route

    return walk(get_resolver(settings.ROOT_URLCONF).url_patterns, "", "")


def url_for(row: Row, world: World, extra: dict[str, Any] | None = None) -> str:
    """The row's URL in this world: its keywords name the world's objects unless the row says otherwise."""
    if row.name.startswith("/"):
        return row.name
    values = world.url_kwargs()
    for name, value in {**row.kwargs, **(extra or {})}.items():
        values[name] = str(world.ids.get(value, value)) if isinstance(value, str) else str(value)
    viewname = row.name if ":" in row.name or row.name in HOST_NAMES else f"ve_edu_vault:{row.name}"
    return reverse(viewname, kwargs=_only_needed(viewname, values))


def _only_needed(viewname: str, kwargs: dict[str, str]) -> dict[str, str]:
    """The keywords the route takes (``reverse`` refuses any other)."""
    namespace, _, name = viewname.rpartition(":")
    resolver = get_resolver()
    for part in namespace.split(":") if namespace else []:
        resolver = resolver.namespace_dict[part][1]
    for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(name):
        params = set(possibility[0][1])
        if params <= set(kwargs):
            return {key: kwargs[key] for key in params}
    return {}


def client_for(world: World, actor: str, *, api: bool, csrf: bool = False) -> Any:
    """REST: the actor's LMS-signed JWT (an LTI actor's launch token); pages and ``csrf``: a session."""
    user = world.users[actor]
    if api and not csrf:
        client = APIClient(raise_request_exception=False)
        if actor in LTI_ACTORS:
            client.credentials(HTTP_AUTHORIZATION=f"VaultLTI {world.launch_tokens[actor]}")
        elif user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"JWT {lms_jwt(user)}")
        return client
    client = Client(raise_request_exception=False, enforce_csrf_checks=csrf)
    if user is not None and actor not in LTI_ACTORS:  # framed by a platform, an LTI page has no session cookie
        client.force_login(user)
    return client


def send(client: Any, row: Row, url: str, world: World, *, api: bool, headers: dict[str, str] | None = None) -> Any:
    method = row.method.lower()
    body = row.body(world) if row.body else ({} if api else None)
    if row.query:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in row.query.items())}"
    extra = headers or {}
    if method in ("get", "head", "options"):
        return getattr(client, method)(url, **extra)
    if api and row.multipart:
        return getattr(client, method)(url, body, **extra)
    if api:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json", **extra)
    if method == "delete":
        return client.delete(url, **extra)
    return getattr(client, method)(url, body or {}, **extra)


def fingerprint() -> str:
    """A digest of every row of every table of the plugin (and of the users)."""
    digest = hashlib.sha256()
    models = [*apps.get_app_config("ve_edu_vault").get_models(), apps.get_model("auth", "User")]
    for model in sorted(models, key=lambda m: m._meta.db_table):
        if model._meta.db_table.endswith("_user"):
            rows = model.objects.order_by("pk").values_list("pk", "username", "is_staff", "is_superuser")
        else:
            rows = model.objects.order_by("pk").values_list()
        digest.update(f"{model._meta.db_table}:{list(rows)!r}".encode())
    return digest.hexdigest()


#: Statements that change no row: reads and the savepoints of nested atomic blocks. Anything else counts as a write.
READS = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK TO|SHOW|EXPLAIN)\b", re.IGNORECASE)


class Writes:
    """Set when a statement other than a read runs on a database connection (``watching_writes``)."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not READS.match(sql):
            self.seen = True
        return execute(sql, params, many, context)


@contextmanager
def watching_writes() -> Iterator[Writes]:
    """Records whether anything but a read ran, on any connection, inside the block (raw cursors included)."""
    writes = Writes()
    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(writes))
        yield writes


def send_and_compare(send_request: Any, *, compare: Any = lambda response: True) -> tuple[Any, bool | None]:
    """
    ``send_request()``'s response and, when ``compare(response)``, whether it changed the stored data (else None):
    ``fingerprint`` after it against the same savepoint's state before it. Without a write statement nothing can
    have changed, and no digest is taken.
    """
    savepoint = transaction.savepoint()
    with watching_writes() as writes:
        response = send_request()
    if not compare(response):
        return response, None
    if not writes.seen:
        return response, False
    after = fingerprint()
    transaction.savepoint_rollback(savepoint)
    return response, fingerprint() != after


def run_as(world: World, actor: str, row: Row, **client_options: Any) -> tuple[Any, bool | None]:
    """
    The actor's response and, when it is a 4xx or 5xx, whether it changed the stored data (else None), all in a
    savepoint rolled back afterwards.
    """
    result: list[Any] = []
    try:
        with transaction.atomic():
            extra = row.setup(world) if row.setup else {}
            url = url_for(row, world, extra)
            api = url.startswith(API)
            client = client_for(world, actor, api=api, **client_options)
            result.extend(
                send_and_compare(
                    lambda: send(client, row, url, world, api=api), compare=lambda response: response.status_code >= 400
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return result[0], result[1]


def _route_of_another_host(request: Any) -> bool:
    """Whether the test's parameter (a ``row``, or a route ``name``) names a route this host does not have."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    if isinstance(params.get("row"), Row):
        return not params["row"].runs_in(host())
    if "name" in params:
        return not any(row.name == params["name"] for row in host_rows())
    return False


@pytest.fixture
def world(request: Any, make_user: Any, settings: Any) -> World:
    if _route_of_another_host(request):  # before building a world it would not use
        pytest.skip("not a route of this host")
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = UNTHROTTLED
    settings.VE_EDU_VAULT_LTI_ENABLED = True  # the LTI tool's routes answer (a 404 each while it is off)
    settings.VE_EDU_VAULT_LTI_BASE_URL = "http://testserver"
    settings.VE_EDU_VAULT_WEBHOOKS_ENABLED = True
    settings.VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the world's subscription (never delivered)
    return build(make_user)


def test_the_change_check_sees_every_write_and_skips_the_digest_only_without_one(world: World) -> None:
    """``send_and_compare``: a change through the ORM or a raw cursor is seen; reads alone change nothing."""
    from django.db import connection

    from ve_edu_vault.assessments.models import Attempt

    attempt_id = world.ids["attempt_id"]

    def orm_write() -> str:
        Attempt.objects.filter(pk=attempt_id).update(state="submitted")
        return "orm"

    def raw_write() -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Attempt._meta.db_table} SET state = %s WHERE id = %s", ["submitted", attempt_id])
        return "raw"

    def a_write_changing_nothing() -> str:
        Attempt.objects.filter(pk=-1).update(state="submitted")
        return "none"

    def reads() -> str:
        list(Attempt.objects.all())
        return "read"

    with transaction.atomic():
        assert send_and_compare(orm_write) == ("orm", True)
        assert send_and_compare(raw_write) == ("raw", True)
        assert send_and_compare(a_write_changing_nothing) == ("none", False)  # the digest decides
        assert send_and_compare(reads) == ("read", False)
        assert send_and_compare(orm_write, compare=lambda response: False) == ("orm", None)
        transaction.set_rollback(True)
    with watching_writes() as writes:
        reads()
    assert not writes.seen
    with watching_writes() as writes:
        a_write_changing_nothing()
    assert writes.seen


def test_every_route_and_method_has_a_row(world: World) -> None:
    """Each method each route answers (anything but 405, as global staff) has a row, and each row a route."""
    rows = {row.key for row in host_rows()}
    routes = dict(route_names())
    missing, stale = [], sorted(name for name, _ in rows if name not in routes)
    for name in routes:
        for method in METHODS:
            if (name, method) in rows:
                continue
            probe = Row(host(), name, method, {}, kwargs={"rest": "no-such-thing/"})
            response, _ = run_as(world, "global_staff", probe)
            if response.status_code != 405:
                missing.append(f"{method} {name} ({routes[name]}): {response.status_code}")
    assert not missing, "routes or methods without a row in tests/security/matrix_rows.py:\n" + "\n".join(missing)
    assert not stale, f"rows naming no route of the {host()} host: {stale}"


@pytest.mark.parametrize("row", host_rows() or [None], ids=lambda row: f"{row.method}-{row.name}" if row else "none")
def test_each_actor_gets_its_outcome(world: World, row: Row | None) -> None:
    if row is None or not row.runs_in(host()):
        pytest.skip("no row in this host")
    failures = []
    for actor in ACTORS:
        response, changed = run_as(world, actor, row)
        expected = row.expected(actor)
        if response.status_code != expected:
            failures.append(f"{actor}: {response.status_code}, expected {expected}: {response.content[:200]!r}")
        elif changed:
            failures.append(f"{actor}: refused with {response.status_code} but the stored data changed")
    assert not failures, f"{row.method} {row.name}:\n" + "\n".join(failures)


UNKNOWN_ID = 987_654_321
ID_ONLY_ROUTES = {"attempt-detail", "attempt-answers", "attempt-check", "attempt-hint", "attempt-submit"}
ID_ONLY_ROUTES |= {"attempt-result", "attempt-grade-change", "sync-detail", "sync-undo", "sync-approve", "sync-reject"}


def _id_keyword(row: Row) -> str:
    return "sync_id" if row.name.startswith("sync-") else "attempt_id"


@pytest.mark.parametrize(
    "row", [row for row in ROWS if row.name in ID_ONLY_ROUTES], ids=lambda row: f"{row.method}-{row.name}"
)
def test_a_guessed_id_answers_exactly_as_an_unknown_one(world: World, row: Row) -> None:
    """Status, error code, message (but the number) and field: the same for someone else's object and for none."""
    if not row.runs_in(host()):
        pytest.skip("not a route of this host")
    keyword = _id_keyword(row)
    real = str(world.ids[row.kwargs.get(keyword, keyword)])
    unknown = Row(**{**row.__dict__, "kwargs": {**row.kwargs, keyword: UNKNOWN_ID}})
    refused = [actor for actor in ACTORS if row.expected(actor) == 404]
    assert refused, "every id-only route refuses someone"
    for actor in refused:
        guessed, _ = run_as(world, actor, row)
        none, _ = run_as(world, actor, unknown)
        assert guessed.status_code == none.status_code == 404, (actor, guessed.content, none.content)
        assert guessed.json() == {
            **none.json(),
            "message": none.json()["message"].replace(str(UNKNOWN_ID), real),
        }, actor


@pytest.mark.parametrize("title", ["Capital", "Blank"])
def test_a_learner_cannot_reach_another_learners_response_through_their_own_attempt(
    world: World, make_user: Any, title: str
) -> None:
    """``attempts/<mine>/responses/<theirs>/``: answered as an unknown response; nothing stored changes."""
    from ve_edu_vault.assessments import api

    if host() != "lms":
        pytest.skip("an LMS route")
    peer = world.users["peer"]
    theirs = next(
        item.response_id
        for item in api.get_attempt(world.ids["peer_attempt_id"], user=peer).questions
        if item.question["title"] == title
    )
    for name, body in (("attempt-hint", None), ("attempt-check", lambda world: {"answer": {"p0": "a"}})):
        row = Row("lms", name, "POST", {}, kwargs={"response_id": theirs}, body=body)
        response, changed = run_as(world, "learner", row)
        unknown, _ = run_as(world, "learner", Row(**{**row.__dict__, "kwargs": {"response_id": UNKNOWN_ID}}))
        assert response.status_code in (404, 409) and response.status_code == unknown.status_code, response.content
        assert changed is False


def _unsafe_rows() -> list[Row]:
    return [row for row in ROWS if row.method != "GET" and not row.name.startswith(("login", "logout", "admin:"))]


@pytest.mark.parametrize("row", _unsafe_rows(), ids=lambda row: f"{row.method}-{row.name}")
def test_session_authenticated_writes_need_the_csrf_token(world: World, row: Row) -> None:
    """
    With a session (the pages' and the learner page's own calls), a write without the CSRF token is a 403 that
    changes nothing, for the actor the row lets through; the same request with the token gets the row's status.
    """
    if not row.runs_in(host()):
        pytest.skip("not a route of this host")
    allowed = [
        actor
        for actor in ACTORS
        if row.expect[actor] < 400 and world.users[actor] is not None and actor not in LTI_ACTORS
    ]
    if not allowed or row.name == "api-not-found":
        pytest.skip("nobody signed in is let through")
    actor = allowed[0]
    response, changed = run_as(world, actor, row, csrf=True)
    assert response.status_code == 403, (actor, response.status_code, response.content[:300])
    assert b"CSRF" in response.content, response.content[:300]
    assert changed is False
    response, _ = run_with_token(world, actor, row)
    assert response.status_code == row.expect[actor], (actor, response.content[:300])


def run_with_token(world: World, actor: str, row: Row) -> tuple[Any, None]:
    """The actor's session request carrying the CSRF cookie and header a page would send (rolled back)."""
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    result: list[Any] = []
    try:
        with transaction.atomic():
            extra = row.setup(world) if row.setup else {}
            url = url_for(row, world, extra)
            client = client_for(world, actor, api=url.startswith(API), csrf=True)
            secret = _get_new_csrf_string()
            client.cookies[settings.CSRF_COOKIE_NAME] = secret
            headers = {"HTTP_X_CSRFTOKEN": _mask_cipher_secret(secret)}
            result.append(send(client, row, url, world, api=url.startswith(API), headers=headers))
            raise _Rollback
    except _Rollback:
        pass
    return result[0], None


def _expired(user: Any) -> str:
    now = int(time.time())
    return lms_jwt(user, iat=now - 3600, exp=now - 60)


def _alg_none(user: Any) -> str:
    return f"{segments({'alg': 'none', 'typ': 'JWT'}, claims_for(user))}."


def _another_key(user: Any) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = json.loads(settings.JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"]).get("kid")
    return jwt.encode(claims_for(user), key, algorithm="RS512", headers={"kid": kid})


FORGED = {"expired": _expired, "alg-none": _alg_none, "another-key": _another_key}


@pytest.mark.parametrize("forgery", sorted(FORGED))
def test_expired_unsigned_and_foreign_jwts_are_refused_on_every_api_route(world: World, forgery: str) -> None:
    """
    Each API row that needs a user, with global staff's claims (``administrator: true``) in an expired, an
    ``alg: none`` or a foreign-key token: a 401 that changes nothing, where the genuine token is let through.
    """
    rows = [row for row in host_rows() if row.expect["anonymous"] == 401]
    assert len(rows) >= (10 if host() == "lms" else 30)
    staff = world.users["global_staff"]
    token = FORGED[forgery](staff)
    failures = []
    for row in rows:
        result: list[Any] = []
        try:
            with transaction.atomic():
                extra = row.setup(world) if row.setup else {}
                url = url_for(row, world, extra)
                client = APIClient(raise_request_exception=False)
                client.credentials(HTTP_AUTHORIZATION=f"JWT {token}")
                result.extend(send_and_compare(functools.partial(send, client, row, url, world, api=True)))
                raise _Rollback
        except _Rollback:
            pass
        response, changed = result
        if response.status_code != 401 or changed:
            failures.append(f"{row.method} {row.name}: {response.status_code} {response.content[:120]!r}")
    assert not failures, "\n".join(failures)


def _route_names() -> list[str]:
    return sorted({row.name for row in ROWS})


#: Refusals of a request the actor is permitted to make (its body, type or the object's state): after the permission.
REFUSED_AFTER_PERMISSION = {400, 409, 413, 415}
#: Who may reach an attempt named by id alone (its learner, and its course's staff with ``?username=``).
SEES_THE_ATTEMPT = {"learner", "course_staff", "global_staff", "lti_instructor"}


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _may_describe(name: str, actor: str, expected: int) -> bool:
    """
    Whether OPTIONS may answer 200 (DRF's description of the endpoint) to ``actor``: the route lets them through
    (maybe refusing the row's body or type), or it names an attempt they may reach, refused for another reason
    (staff without ``?username=``; its learner on a staff-only action).
    """
    if expected < 300 or expected in REFUSED_AFTER_PERMISSION:
        return True
    return name in ID_ONLY_ROUTES and actor in SEES_THE_ATTEMPT and expected in (403, 404)


@pytest.mark.parametrize("name", _route_names())
def test_head_and_options_on_every_route(world: World, name: str) -> None:
    """
    HEAD and OPTIONS on every route, as every actor: HEAD answers what GET answers (or 405 where a page allows GET
    only), with no body; OPTIONS answers the actor's refusal of the route, a 405, or, to an actor the route lets
    through (or on a public route, such as the signed webhook receiver), DRF's description of it (200). Neither lets
    a refused actor through, answers 5xx, or changes anything stored when it refuses.
    """
    rows = [row for row in host_rows() if row.name == name]
    if not rows:
        pytest.skip("not a route of this host")
    base = next((row for row in rows if row.method == "GET"), rows[0])
    alike = len({base.expected(actor) for actor in ACTORS}) == 1  # public: everyone gets the same answer
    failures: list[str] = []
    for actor in ACTORS:
        expected = base.expected(actor)
        for method in ("HEAD", "OPTIONS"):
            probe = Row(**{**base.__dict__, "method": method, "body": None, "multipart": False})
            response, changed = run_as(world, actor, probe)
            status = response.status_code
            if method == "HEAD":
                ok = status in (expected, 405)
                if status < 300 and _body(response):
                    failures.append(f"{actor} HEAD: {status} with a body")
            else:
                ok = status in (expected, 405) or (status < 300 and (alike or _may_describe(name, actor, expected)))
            if not ok:
                failures.append(f"{actor} {method}: {status}, the route answers {expected}")
            if changed:
                failures.append(f"{actor} {method}: refused with {status} but the stored data changed")
    assert not failures, f"{name}:\n" + "\n".join(failures)
