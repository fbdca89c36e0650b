"""
pylti1p3 glue: the tool configuration from the database, OIDC login, and a message launch that adds the checks
pylti1p3 leaves out.

TLDR: pylti1p3 (``pylti1p3.message_launch.MessageLaunch``) decodes and verifies the id_token; read there, it
never consumes state or nonce (a replayed id_token with its state passes ``validate_state`` through
``check_state_is_valid``, and ``check_nonce`` only tests that the nonce exists), decodes with
``verify_aud`` off and never looks at ``azp``, has no JWKS refresh when a kid is unknown (it uses a cached key
set until it expires), and checks neither the target link URI against the login nor the issuer against the
login. ``VaultMessageLaunch`` overrides those steps: state and nonce are stored server-side at login (the
Django cache, keyed by the random state) and taken exactly once; ``aud``/``azp``/``iss``/``target_link_uri``
are compared with what the login recorded; an unknown kid refetches the platform JWKS once (at most once a
minute per URL). Every refusal is a ``LaunchRefused`` naming the check. docs/decisions/0020-lti-tool.rst.

The state is also bound to the browser that started the login (docs/decisions/0021-lti-platform-storage.rst):
by pylti1p3's state cookie, required at the launch; or, when the platform offers LTI platform storage (the
``lti_storage_target`` login parameter, 1EdTech "LTI OIDC Login with LTI Client Side postMessages" v0.1), by
``lti.put_data``/``lti.get_data`` messages to the platform's storage frame (``static/.../platform_storage.js``),
checked by ``api.verify_browser_launch``. A launch whose cookie was blocked gets the new-window page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from django.core.cache import cache
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from . import store
from .data import (
    AGS_ENDPOINT,
    DEEP_LINKING_REQUEST,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    RESOURCE_LINK,
    RESOURCE_LINK_REQUEST,
    ROLES,
    TARGET_LINK_URI,
    VERSION,
    LaunchRefused,
    PlatformRegistration,
)

log = logging.getLogger(__name__)

#: How long a login's state and nonce wait for the launch (seconds).
STATE_SECONDS = 600
#: Clock skew allowed on exp and iat (seconds).
LEEWAY_SECONDS = 60
#: How long a fetched platform JWKS is used before it is fetched again (seconds).
JWKS_CACHE_SECONDS = 3600
#: At most one refetch per platform JWKS URL in this many seconds, however many unknown kids arrive.
JWKS_REFRESH_SECONDS = 60
SUPPORTED_MESSAGES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

_STATE_KEY = "ve_edu_vault.lti.state."
_NONCE_SEEN_KEY = "ve_edu_vault.lti.nonce."
_JWKS_KEY = "ve_edu_vault.lti.jwks."
_JWKS_REFRESH_KEY = "ve_edu_vault.lti.jwks-refresh."

#: The login parameter naming the platform's storage frame (lti-cs-oidc v0.1, section 3; "_parent" or a name).
STORAGE_TARGET = "lti_storage_target"
#: pylti1p3's parameter for a login reopened in a window of its own (``OIDCLogin.get_cookies_allowed_js_check``).
NEW_WINDOW = "lti1p3_new_window"
#: The login parameters a reopened login repeats (pylti1p3's list in ``get_cookies_allowed_js_check``).
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")
#: The platform storage keys of a login's state and nonce (the value is in the key, as lti-cs-oidc's examples do:
#: several launches in one platform page never collide).
STATE_STORAGE_KEY = "lti1p3-state-{}"
NONCE_STORAGE_KEY = "lti1p3-nonce-{}"


def _loopback(host: str) -> bool:
    """A host browsers treat as a secure context over plain HTTP (W3C Secure Contexts, "potentially trustworthy")."""
    name = urlsplit("//" + host).hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class VaultCookieService(DjangoCookieService):  # type: ignore[misc]
    """
    pylti1p3's state cookie, ``SameSite=None; Secure`` wherever the browser accepts a Secure cookie: on HTTPS, as
    pylti1p3 does, and on loopback hosts (browsers accept Secure cookies from http://localhost). A Lax cookie never
    comes back on the platform's cross-site form POST to the launch, even in a window of the tool's own.
    """

    def update_response(self, response: Any) -> None:
        request = self._request
        assert request is not None
        secure = request.is_secure() or _loopback(request.get_request().get_host())
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                data["value"],
                max_age=data["exp"],
                secure=secure,
                httponly=True,
                path="/",
                samesite="None" if secure else "Lax",
            )


class _Request(DjangoRequest):  # type: ignore[misc]
    def get_request(self) -> Any:
        return self._request


@dataclass(frozen=True, kw_only=True, slots=True)
class StorageLogin:
    """A login bound through the platform's storage: the page puts state and nonce there, then goes to ``auth_url``."""

    auth_url: str
    target: str
    platform_origin: str
    state_key: str
    state: str
    nonce_key: str
    nonce: str
    new_window_url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class BrowserCheck:
    """A launch validated server-side whose state and nonce the browser still reads back from platform storage."""

    pending: str
    target: str
    platform_origin: str
    state_key: str
    nonce_key: str
    new_window_url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ValidatedLaunch:
    """What the rest of a launch needs once every check passed (kept in the cache while the browser checks)."""

    body: dict[str, Any]
    client_id: str
    launch_id: str

    def claims(self) -> dict[str, Any]:
        return dict(self.body)

    def get_client_id(self) -> str:
        return self.client_id

    def get_launch_id(self) -> str:
        return self.launch_id


class NeedsOwnWindow(LaunchRefused):
    """The state cookie did not come back (third-party cookies blocked, no platform storage): reopen in a window."""

    def __init__(self, new_window_url: str) -> None:
        super().__init__(
            "cookie",
            "Your browser blocked this tool's cookie inside the course page. Open the activity in a new window.",
            status=200,
        )
        self.new_window_url = new_window_url


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def new_window_url(login_url: str, params: dict[str, str]) -> str:
    """The tool's login URL with the login's own parameters, for a window of its own (no platform storage there)."""
    query = {name: params[name] for name in LOGIN_PARAMS if params.get(name)}
    return login_url + "?" + urlencode({**query, NEW_WINDOW: "1"})


class VaultRegistration(Registration):
    """pylti1p3's registration with the tool's key id as published in its JWKS (pylti1p3 derives a thumbprint)."""

    _vault_kid: str = ""
    _platform_id: int = 0

    def get_kid(self) -> str | None:
        return self._vault_kid or None


def registration_of(platform: PlatformRegistration) -> VaultRegistration:
    kid, private_key = store.signing_key(platform.id)
    registration = VaultRegistration()
    registration.set_issuer(platform.issuer).set_client_id(platform.client_id).set_auth_login_url(
        platform.auth_login_url
    ).set_auth_token_url(platform.auth_token_url).set_key_set_url(platform.key_set_url).set_tool_private_key(
        private_key
    )
    registration._vault_kid = kid
    registration._platform_id = platform.id
    return registration


class VaultToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """Registrations and deployments from the database (several client ids per issuer)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration | None:  # type: ignore[override]
        platform = store.find_platform(iss, None)
        return registration_of(platform) if platform else None

    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration | None:
        platform = store.find_platform(iss, client_id)
        return registration_of(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return None  # one client per issuer is never assumed (check_iss_has_one_client is False)

    def find_deployment_by_params(  # type: ignore[override]
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        if not store.has_deployment(iss, client_id, deployment_id):
            return None
        return Deployment().set_deployment_id(deployment_id)


class ServerSideStorage(DjangoCacheDataStorage):  # type: ignore[misc]
    """
    pylti1p3's cache storage with no session cookie: in a third-party iframe the cookie may never come back, so
    keys are the random state itself (pylti1p3 does the same on plain HTTP).
    """

    def get_session_cookie_name(self) -> str | None:
        return None


class VaultOIDCLogin(DjangoOIDCLogin):  # type: ignore[misc]
    """OIDC third-party initiated login: records state, nonce and what the launch must match, server-side."""

    def remember(self, state: str, nonce: str, fields: dict[str, Any]) -> None:
        cache.set(_STATE_KEY + state, {**fields, "nonce": nonce}, STATE_SECONDS)


def login_redirect_url(
    request: Any, *, launch_url: str, login_url: str, allowed_targets: tuple[str, ...]
) -> Any | StorageLogin:
    """
    The redirect to the platform's authorization URL (LTI 1.3 core 5.1.1, OIDC login initiation), with pylti1p3's
    state cookie (``SameSite=None; Secure`` on HTTPS and loopback hosts; the launch requires it back). When the
    platform names its storage frame (``lti_storage_target``), a ``StorageLogin`` instead: the page puts the state
    and nonce in the platform's storage and then goes to the authorization URL; no cookie is needed.

    Raises ``LaunchRefused`` for an unknown issuer or client id, a missing login hint, or a target link URI
    that is not one of the tool's.
    """
    params = request.GET if request.method == "GET" else request.POST
    target = params.get("target_link_uri", "")
    if target not in allowed_targets:
        raise LaunchRefused("target_link_uri", "The login asks for a target link URI that is not this tool's.")
    storage_target = "" if params.get(NEW_WINDOW) else str(params.get(STORAGE_TARGET, ""))[:200]
    django_request = _Request(request)
    login = VaultOIDCLogin(
        django_request,
        VaultToolConf(),
        cookie_service=VaultCookieService(django_request),
        launch_data_storage=ServerSideStorage(),
    )
    try:
        redirect = login.get_redirect_object(launch_url)
    except OIDCException as exc:
        check = "iss" if "registration" in str(exc) or "issuer" in str(exc) else "login"
        raise LaunchRefused(check, f"The login initiation was refused: {exc}.") from exc
    url: str = redirect.get_redirect_url()
    query = parse_qs(urlsplit(url).query)
    state, nonce = query["state"][0], query["nonce"][0]
    reopen = new_window_url(login_url, {name: str(params.get(name, "")) for name in LOGIN_PARAMS})
    login.remember(
        state,
        nonce,
        {
            "iss": params.get("iss", ""),
            "client_id": login.get_client_id(),
            "target_link_uri": target,
            "lti_deployment_id": params.get("lti_deployment_id", ""),
            "storage_target": storage_target,
            "new_window": bool(params.get(NEW_WINDOW)),
            "new_window_url": reopen,
            "platform_origin": origin_of(url),
        },
    )
    if storage_target:
        return StorageLogin(
            auth_url=url,
            target=storage_target,
            platform_origin=origin_of(url),
            state_key=STATE_STORAGE_KEY.format(state),
            state=state,
            nonce_key=NONCE_STORAGE_KEY.format(nonce),
            nonce=nonce,
            new_window_url=reopen,
        )
    return redirect.do_redirect()


class VaultMessageLaunch(DjangoMessageLaunch):  # type: ignore[misc]
    """A message launch whose every check raises ``LaunchRefused(check, message)``."""

    _login: dict[str, Any]
    _jwt_verify_options: Any

    def _body(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self._jwt.get("body", {}))

    def __init__(self, request: Any, *, allowed_targets: tuple[str, ...]) -> None:
        super().__init__(request, VaultToolConf(), launch_data_storage=ServerSideStorage())
        self._allowed_targets = allowed_targets
        self._login = {}
        self._jwt_verify_options = {"verify_aud": False, "require": ["exp", "iat"]}
        self.set_public_key_caching(ServerSideStorage(), cache_lifetime=JWKS_CACHE_SECONDS)

    # -- state and nonce: server-side, single use -------------------------------------------------

    def validate_state(self) -> VaultMessageLaunch:
        state = self._get_request_param("state")
        if not state:
            raise LaunchRefused("state", "The launch has no state.")
        login = cache.get(_STATE_KEY + state)
        if login is None or not cache.delete(_STATE_KEY + state):
            raise LaunchRefused("state", "The launch's state is unknown, expired or already used. Launch again.")
        if not login.get("storage_target"):  # bound by the state cookie: it must come back, and match
            cookie = self._cookie_service.get_cookie(state)
            if cookie is None and login.get("new_window"):
                raise LaunchRefused(
                    "cookie",
                    "Your browser blocks this tool's cookies even in a window of its own: allow cookies for this"
                    " site and open the activity again.",
                )
            if cookie is None:
                raise NeedsOwnWindow(str(login.get("new_window_url", "")))
            if cookie != state:
                raise LaunchRefused("state", "The launch's state does not match this browser's login.")
        self._login = login
        return self

    def validate_jwt_format(self) -> VaultMessageLaunch:
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise LaunchRefused("format", f"The id_token is not a JWT: {exc}.") from exc
        return self

    def validate_nonce(self) -> VaultMessageLaunch:
        nonce = self._body().get("nonce")
        if not nonce or nonce != self._login.get("nonce"):
            raise LaunchRefused("nonce", "The id_token's nonce is not the one this login issued (a replay?).")
        if not cache.add(_NONCE_SEEN_KEY + hashlib.sha256(nonce.encode()).hexdigest(), 1, STATE_SECONDS * 2):
            raise LaunchRefused("nonce", "The id_token's nonce was used already (a replay).")
        return self

    # -- issuer, audience, authorized party --------------------------------------------------------

    def validate_registration(self) -> VaultMessageLaunch:
        body = self._body()
        iss = body.get("iss")
        if not iss:
            raise LaunchRefused("iss", "The id_token has no issuer.")
        if iss != self._login.get("iss"):
            raise LaunchRefused("iss", "The id_token's issuer is not the one that initiated the login.")
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud] if isinstance(aud, str) else []
        client_id = self._login.get("client_id")
        if not client_id or client_id not in audiences:
            raise LaunchRefused("aud", "The id_token's audience does not include this tool's client id.")
        azp = body.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != client_id:
            raise LaunchRefused("azp", "The id_token's authorized party is not this tool's client id.")
        self._registration = VaultToolConf().find_registration_by_params(iss, client_id)
        if self._registration is None:
            raise LaunchRefused("iss", "No active registration has this issuer and client id.")
        return self

    def get_client_id(self) -> str:
        return str(self._login.get("client_id") or super().get_client_id())

    def browser_check(self) -> BrowserCheck | None:
        """For a login bound through platform storage: what the browser must read back (else None)."""
        if not self._login.get("storage_target"):
            return None
        state = self._get_request_param("state")
        return BrowserCheck(
            pending=secrets.token_urlsafe(24),
            target=str(self._login["storage_target"]),
            platform_origin=str(self._login.get("platform_origin", "")),
            state_key=STATE_STORAGE_KEY.format(state),
            nonce_key=NONCE_STORAGE_KEY.format(self._login.get("nonce", "")),
            new_window_url=str(self._login.get("new_window_url", "")),
        )

    def bound_values(self) -> tuple[str, str]:
        """The state and nonce the browser's platform storage must hold for this launch."""
        return str(self._get_request_param("state")), str(self._login.get("nonce", ""))

    def validated(self) -> ValidatedLaunch:
        return ValidatedLaunch(body=self.claims(), client_id=self.get_client_id(), launch_id=self.get_launch_id())

    # -- signature: kid lookup, JWKS refresh, exp, iat ----------------------------------------------

    def fetch_public_key(self, key_set_url: str) -> Any:
        cached = cache.get(_JWKS_KEY + key_set_url)
        if cached is not None:
            return cached
        try:
            response = self._requests_session.get(key_set_url, timeout=10)
            response.raise_for_status()
            key_set = response.json()
        except Exception as exc:
            raise LaunchRefused("signature", "The platform's key set could not be fetched.", status=502) from exc
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise LaunchRefused("signature", "The platform's key set is not a JWKS.", status=502)
        cache.set(_JWKS_KEY + key_set_url, key_set, JWKS_CACHE_SECONDS)
        return key_set

    def get_public_key(self) -> tuple[str, str]:
        header = self._jwt.get("header", {})
        if not header.get("kid"):
            raise LaunchRefused("kid", "The id_token's header names no key (kid).")
        if header.get("alg") != "RS256":
            raise LaunchRefused("signature", "The id_token is not signed with RS256.")
        assert self._registration is not None
        url = self._registration.get_key_set_url() or ""
        try:
            return super().get_public_key()  # type: ignore[no-any-return]
        except LtiException:
            # An unknown kid: the platform may have rotated its key. Refetch once (rate-limited per URL).
            if not cache.add(_JWKS_REFRESH_KEY + url, 1, JWKS_REFRESH_SECONDS):
                raise LaunchRefused("kid", "The id_token's key (kid) is not in the platform's key set.") from None
            cache.delete(_JWKS_KEY + url)
            self._registration.set_key_set(None)
            try:
                return super().get_public_key()  # type: ignore[no-any-return]
            except LtiException:
                raise LaunchRefused("kid", "The id_token's key (kid) is not in the platform's key set.") from None

    def validate_jwt_signature(self) -> VaultMessageLaunch:
        public_key, alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[alg],
                options=self._jwt_verify_options,
                leeway=LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRefused("exp", "The id_token has expired.") from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRefused("iat", "The id_token was issued in the future.") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise LaunchRefused(exc.claim, f"The id_token has no {exc.claim} claim.") from exc
        except jwt.InvalidIssuedAtError as exc:
            raise LaunchRefused("iat", "The id_token's issued-at time is not a number.") from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRefused("signature", "The id_token's signature does not verify.") from exc
        return self

    # -- deployment, message, claims ----------------------------------------------------------------

    def validate_deployment(self) -> VaultMessageLaunch:
        body = self._body()
        deployment_id = body.get(DEPLOYMENT_ID)
        if not deployment_id or not store.has_deployment(body["iss"], self.get_client_id(), deployment_id):
            raise LaunchRefused("deployment_id", "The deployment id is not registered for this platform.")
        return self

    def validate_message(self) -> VaultMessageLaunch:
        body = self._body()
        message_type = body.get(MESSAGE_TYPE)
        if message_type not in SUPPORTED_MESSAGES:
            raise LaunchRefused("message_type", f"The message type {message_type!r} is not one this tool accepts.")
        if body.get(VERSION) != "1.3.0":
            raise LaunchRefused("version", "The LTI version is not 1.3.0.")
        target = body.get(TARGET_LINK_URI)
        if target != self._login.get("target_link_uri") or target not in self._allowed_targets:
            raise LaunchRefused("target_link_uri", "The target link URI is not the one the login asked for.")
        missing = [name for name in ("sub", ROLES) if body.get(name) in (None, "")]
        if message_type == RESOURCE_LINK_REQUEST and not (body.get(RESOURCE_LINK) or {}).get("id"):
            missing.append(RESOURCE_LINK + ".id")
        if missing:
            raise LaunchRefused("claims", "The id_token lacks required claims: " + ", ".join(missing) + ".")
        try:
            super().validate_message()
        except LtiException as exc:
            raise LaunchRefused("claims", f"The message is not valid: {exc}.") from exc
        return self

    def save_launch_data(self) -> VaultMessageLaunch:
        self._session_service.save_launch_data(self._launch_id, self._jwt["body"])
        return self  # never marks the state valid again (pylti1p3's set_state_valid would allow a replay)

    def claims(self) -> dict[str, Any]:
        return dict(self._body())

    def has_line_item(self) -> bool:
        return bool((self.claims().get(AGS_ENDPOINT) or {}).get("lineitem"))
