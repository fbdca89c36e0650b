"""
LTI 1.3 endpoints in the LMS: OIDC login initiation, launch, the tool's JWKS and its configuration JSON.

TLDR: thin: ``lti.api`` does the work. Login and launch are cross-site requests from the platform, so they
are CSRF-exempt (their protection is the state, the nonce and the signed id_token); the launch answer is
framed by the platform (X-Frame-Options exempt) and renders the learner page with a launch token, so it
needs no cookie (docs/decisions/0020-lti-tool.rst). A refused launch is a plain page naming the failing
check (4xx, never a traceback) and one line on the ``ve_edu_vault.lti.audit`` logger.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ve_edu_vault import caching
from ve_edu_vault.assessments import api as assessments

from . import api, assessment_templates, deep_linking, roster
from .data import LaunchRefused, LtiRole
from .roles import role_of

log = logging.getLogger(__name__)


def _enabled() -> None:
    if not api.enabled():
        raise Http404("The LTI tool is not enabled.")


#: The refusal of a login or launch while the cache, which keeps the one-time state and nonces, is down.
CACHE_DOWN = LaunchRefused(
    "cache", "The tool cannot keep the launch's one-time state right now; try again in a moment.", status=503
)


def _refused(request: HttpRequest, exc: LaunchRefused, *, stage: str) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    api.audit(
        "refused",
        stage=stage,
        check=exc.check,
        reason=exc.message,
        iss=params.get("iss", ""),
        client_id=params.get("client_id", ""),
        remote=request.META.get("REMOTE_ADDR", ""),
    )
    return render(
        request, "ve_edu_vault/lti/refused.html", {"message": exc.message, "check": exc.check}, status=exc.status
    )


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party initiated login (GET or POST, LTI 1.3 core 5.1.1)."""
    _enabled()
    try:
        outcome = api.begin_login(request)
    except LaunchRefused as exc:
        return _refused(request, exc, stage="login")
    except caching.UNAVAILABLE:
        return _refused(request, CACHE_DOWN, stage="login")
    if isinstance(outcome, api.StorageLogin):  # the platform's storage binds the state: put it there first
        config = {
            "mode": "login",
            "target": outcome.target,
            "platform_origin": outcome.platform_origin,
            "auth_url": outcome.auth_url,
            "state_key": outcome.state_key,
            "state": outcome.state,
            "nonce_key": outcome.nonce_key,
            "nonce": outcome.nonce,
            "timeout_ms": STORAGE_TIMEOUT_MS,
        }
        return _no_store(
            render(
                request,
                "ve_edu_vault/lti/platform_storage.html",
                {"config": config, "new_window_url": outcome.new_window_url},
            )
        )
    response: HttpResponse = outcome
    return response


#: How long the page waits for the platform's storage to answer before offering a new window (milliseconds).
STORAGE_TIMEOUT_MS = 3000


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _own_window(request: HttpRequest, exc: api.NeedsOwnWindow) -> HttpResponse:
    """The state cookie did not come back: the page offers the same login in a window of its own."""
    api.audit("new_window", stage="launch", check=exc.check, remote=request.META.get("REMOTE_ADDR", ""))
    return _no_store(
        render(
            request, "ve_edu_vault/lti/new_window.html", {"message": exc.message, "new_window_url": exc.new_window_url}
        )
    )


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The OIDC redirect URI: a resource link launch renders the learner page; deep linking continues there."""
    _enabled()
    try:
        result, message = api.complete_launch(request)
    except api.NeedsOwnWindow as exc:
        return _own_window(request, exc)
    except LaunchRefused as exc:
        return _refused(request, exc, stage="launch")
    except caching.UNAVAILABLE:
        return _refused(request, CACHE_DOWN, stage="launch")
    if isinstance(result, api.BrowserCheck):  # the browser reads state and nonce back from platform storage
        config = {
            "mode": "launch",
            "target": result.target,
            "platform_origin": result.platform_origin,
            "state_key": result.state_key,
            "nonce_key": result.nonce_key,
            "timeout_ms": STORAGE_TIMEOUT_MS,
        }
        context = {"config": config, "pending": result.pending, "new_window_url": result.new_window_url}
        return _no_store(render(request, "ve_edu_vault/lti/platform_storage.html", context))
    return _render_launch(request, result, message)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch_verify(request: HttpRequest) -> HttpResponse:
    """
    A launch bound through platform storage, continued: the page posts the state and nonce it read back from the
    platform's storage with the pending launch's random key (single use; no cookie, so no CSRF to defend).
    """
    _enabled()
    try:
        result, message = api.verify_browser_launch(
            request.POST.get("pending", ""),
            state=request.POST.get("state", ""),
            nonce=request.POST.get("nonce", ""),
        )
    except LaunchRefused as exc:
        return _refused(request, exc, stage="launch")
    except caching.UNAVAILABLE:
        return _refused(request, CACHE_DOWN, stage="launch")
    return _render_launch(request, result, message)


def _render_launch(request: HttpRequest, result: Any, message: Any) -> HttpResponse:
    """The answer of a validated launch: the learner page, the roster, or the deep linking picker."""
    try:
        if result is None:  # a deep linking request: the instructor picks an assessment
            session, course_key, items = deep_linking.start(message, role_is_staff=role_of(message.claims()).is_staff)
            context = {
                "session": session,
                "course_key": course_key,
                "assessments": items,
                "templates": assessment_templates.PREDEFINED,
                "sections": deep_linking.pool_sections(course_key),
                "max_count": assessment_templates.MAX_COUNT,
            }
            response = render(request, "ve_edu_vault/lti/deep_linking.html", context)
            response["Cache-Control"] = "no-store"
            return response
    except LaunchRefused as exc:
        return _refused(request, exc, stage="launch")
    except caching.UNAVAILABLE:
        return _refused(request, CACHE_DOWN, stage="launch")
    assessment = assessments.get_assessment(result.assessment_id)
    if result.role is not LtiRole.LEARNER:
        return _roster_page(request, result, assessment)
    summary = _summary(result.assessment_id, result.user_id)
    page_config = assessments.take_config(assessment.course_key, assessment.id, assessment.config, list_url=None)
    page_config["authorization"] = f"VaultLTI {api.issue_launch_token(result)}"
    context = {
        "summary": summary,
        "page_config": page_config,
        "strings": assessments.take_strings(),
        "role": result.role.value,
    }
    response = render(request, "ve_edu_vault/lti/launch.html", context)
    response["Cache-Control"] = "no-store"  # the page holds the launch token
    response["Referrer-Policy"] = "no-referrer"
    return response


def _roster_page(request: HttpRequest, result: Any, assessment: Any) -> HttpResponse:
    """Instructors, administrators and teaching assistants: the platform's roster beside the vault's results."""
    error = ""
    try:
        rows = roster.roster_with_results(
            issuer=result.claims["iss"],
            client_id=result.client_id,
            binding_id=result.binding_id,
            assessment_id=assessment.id,
        )
    except Exception as exc:  # the platform's roster service down or refusing: the page says so
        log.warning("NRPS roster of binding %s failed: %s", result.binding_id, exc)
        rows, error = [], str(_("The platform's roster could not be read; try again later."))
    context = {"assessment": assessment, "rows": rows, "error": error, "role": result.role.value}
    response = render(request, "ve_edu_vault/lti/roster.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _summary(assessment_id: int, user_id: int) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    return assessments.learner_assessment(assessment_id, user)


@csrf_exempt
@xframe_options_exempt
@require_POST
def deep_linking_respond(request: HttpRequest) -> HttpResponse:
    """The picker's choice: the signed LtiDeepLinkingResponse, auto-posted to the platform's return URL."""
    _enabled()
    session_key = request.POST.get("session", "")
    try:
        if request.POST.get("template"):  # a new assessment from a template
            return_url, token, session = deep_linking.create_and_respond(
                session_key,
                template=request.POST.get("template", ""),
                title=request.POST.get("title", ""),
                pool_node=request.POST.get("pool_node", ""),
                count=request.POST.get("count", ""),
            )
        else:
            try:
                assessment_id = int(request.POST.get("assessment_id", ""))
            except ValueError:
                raise LaunchRefused("assessment", "Pick an assessment.") from None
            return_url, token, session = deep_linking.respond(session_key, assessment_id)
    except LaunchRefused as exc:
        return _refused(request, exc, stage="deep_linking")
    except caching.UNAVAILABLE:
        return _refused(request, CACHE_DOWN, stage="deep_linking")
    api.audit(
        "deep_link_response",
        iss=session["issuer"],
        deployment_id=session["deployment_id"],
        course_key=session["course_key"],
        assessment_id=session["assessment_id"],
    )
    api.audit_deep_link_choice(session)
    response = render(request, "ve_edu_vault/lti/deep_linking_response.html", {"action": return_url, "jwt": token})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (every unretired key of every registration)."""
    _enabled()
    response = JsonResponse(api.jwks())
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def config(request: HttpRequest) -> JsonResponse:
    """The tool's configuration as JSON, for a platform admin to copy."""
    _enabled()
    return JsonResponse(api.tool_configuration())


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def dynamic_registration(request: HttpRequest) -> HttpResponse:
    """
    LTI Dynamic Registration: global staff see what the platform offers and confirm; the tool registers itself.

    Opened by the platform (a new window, or its iframe when the browser sends the LMS session there).
    """
    from django.contrib.auth.views import redirect_to_login

    from ve_edu_vault.platform import api as platform_api

    from . import registration

    _enabled()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not platform_api.is_global_staff(request.user):
        return render(
            request,
            "ve_edu_vault/lti/refused.html",
            {"message": _("Only global staff may register a platform."), "check": "staff"},
            status=403,
        )
    params = request.POST if request.method == "POST" else request.GET
    openid_configuration = params.get("openid_configuration", "")
    token = params.get("registration_token", "")
    try:
        configuration = registration.read_configuration(openid_configuration, token)
        if request.method == "GET":
            context = {"configuration": configuration, "openid_configuration": openid_configuration, "token": token}
            return render(request, "ve_edu_vault/lti/register_confirm.html", context)
        urls = api.tool_urls()
        scopes = tuple(scope for scope in api.tool_configuration()["scopes"])
        client_id, deployment_id = registration.register(
            configuration, registration.client_registration(urls, scopes=scopes), token
        )
        saved = api.add_platform(
            issuer=configuration.issuer,
            client_id=client_id,
            deployment_ids=[deployment_id],
            auth_login_url=configuration.authorization_endpoint,
            auth_token_url=configuration.token_endpoint,
            key_set_url=configuration.jwks_uri,
            name=configuration.product,
            actor=request.user.get_username(),
        )
    except registration.RegistrationError as exc:
        api.audit("registration_refused", reason=str(exc), actor=request.user.get_username())
        return render(
            request, "ve_edu_vault/lti/refused.html", {"message": str(exc), "check": "registration"}, status=400
        )
    return render(request, "ve_edu_vault/lti/register_done.html", {"registration": saved})
