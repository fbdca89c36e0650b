"""
Webhook REST views (both hosts, global staff): subscriptions, their deliveries, replay, secret rotation.

TLDR: ``webhooks/subscriptions/`` lists (paginated; ``?course_key=`` filters) and creates (201, with the secret shown
once); ``.../<id>/`` reads and changes one (PATCH: url, event_types, description, active); ``.../<id>/rotate-secret/``
makes a new secret (the old one keeps signing for the overlap); ``.../<id>/deliveries/`` lists what was sent and how
it went (``?status=``), and ``.../deliveries/<id>/replay/`` sends one again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ve_edu_vault.errors import ValidationError
from ve_edu_vault.rest_api.pagination import VaultPagination
from ve_edu_vault.rest_api.permissions import IsGlobalStaff
from ve_edu_vault.rest_api.schema import document, id_parameter
from ve_edu_vault.rest_api.views import VaultAPIView, parse_course_key
from ve_edu_vault.webhooks import api

from . import serializers as s

TAG = ["webhooks"]
ERRORS = {
    400: OpenApiResponse(description="Invalid body or query (``field`` names it)."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not global staff."),
    404: OpenApiResponse(description="No such subscription or delivery."),
}
SUBSCRIPTION = id_parameter("subscription_id", "Id of a webhook subscription.")
DELIVERY = id_parameter("delivery_id", "Id of a delivery of that subscription.")


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise ValidationError("The body must be a JSON object.", field=None)
    return dict(request.data)


def _subscription(data: api.SubscriptionData, secret: str | None = None) -> dict[str, Any]:
    result = asdict(data)
    result["event_types"] = list(data.event_types)
    if secret is not None:
        result["secret"] = secret
    return (
        s.SubscriptionWithSecretSerializer(result).data if secret is not None else s.SubscriptionSerializer(result).data
    )


class WebhookStaffView(VaultAPIView):
    permission_classes = (IsAuthenticated, IsGlobalStaff)


class SubscriptionListView(WebhookStaffView):
    @document(
        tags=TAG,
        operation_id="webhook_subscriptions_list",
        summary="Webhook subscriptions, newest first (paginated).",
        parameters=[OpenApiParameter("course_key", str, description="Only this course's subscriptions.")],
        responses={200: s.SubscriptionSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("course_key")
        course_key = parse_course_key(raw) if raw else None
        paginator = VaultPagination()
        page = paginator.paginate_queryset(api.list_subscriptions(course_key=course_key), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([_subscription(item) for item in page or []])

    @document(
        tags=TAG,
        operation_id="webhook_subscriptions_create",
        summary="Subscribe a URL to events of one course (course_key) or of all; the answer holds its secret, once.",
        request=s.SubscriptionCreateSerializer,
        responses={201: s.SubscriptionWithSecretSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = _body(request)
        raw = body.get("course_key")
        if raw is not None and not isinstance(raw, str):
            raise ValidationError("course_key must be a course key or null.", field="course_key")
        description = body.get("description", "")
        if not isinstance(description, str):
            raise ValidationError("description must be text.", field="description")
        data, secret = api.create_subscription(
            url=body.get("url"),
            course_key=parse_course_key(raw) if raw else None,
            event_types=body.get("event_types"),
            description=description,
            created_by=request.user,
        )
        return Response(_subscription(data, secret), status=status.HTTP_201_CREATED)


class SubscriptionDetailView(WebhookStaffView):
    pagination_class = None

    @document(
        tags=TAG,
        operation_id="webhook_subscription_read",
        summary="One subscription, with its state (active, failures in a row, why it was disabled).",
        parameters=[SUBSCRIPTION],
        responses={200: s.SubscriptionSerializer, **ERRORS},
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        return Response(_subscription(api.get_subscription(subscription_id)))

    @document(
        tags=TAG,
        operation_id="webhook_subscription_update",
        summary="Change a subscription (active: true enables a disabled one again).",
        parameters=[SUBSCRIPTION],
        request=s.SubscriptionUpdateSerializer,
        responses={200: s.SubscriptionSerializer, **ERRORS},
    )
    def patch(self, request: Request, subscription_id: int) -> Response:
        body = _body(request)
        unknown = sorted(set(body) - {"url", "event_types", "description", "active"})
        if unknown:
            raise ValidationError(f"Unknown field {unknown[0]!r}.", field=unknown[0])
        api.get_subscription(subscription_id)  # 404 before 400
        return Response(_subscription(api.update_subscription(subscription_id, actor=request.user, **body)))


class RotateSecretView(WebhookStaffView):
    pagination_class = None

    @document(
        tags=TAG,
        operation_id="webhook_subscription_rotate_secret",
        summary="A new signing secret (shown once); the previous one keeps signing until the overlap ends.",
        parameters=[SUBSCRIPTION],
        request=s.RotateSerializer,
        responses={200: s.SubscriptionWithSecretSerializer, **ERRORS},
    )
    def post(self, request: Request, subscription_id: int) -> Response:
        body = s.RotateSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        data, secret = api.rotate_secret(
            subscription_id, overlap_seconds=body.validated_data.get("overlap_seconds"), actor=request.user
        )
        return Response(_subscription(data, secret))


class DeliveryListView(WebhookStaffView):
    @document(
        tags=TAG,
        operation_id="webhook_deliveries_list",
        summary="The subscription's deliveries, newest first (paginated): status, tries, the receiver's answer.",
        parameters=[
            SUBSCRIPTION,
            OpenApiParameter("status", str, enum=["pending", "succeeded", "failed"], description="Only these."),
        ],
        responses={200: s.DeliverySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, subscription_id: int) -> Response:
        rows = api.list_deliveries(subscription_id, status=request.query_params.get("status"))
        paginator = VaultPagination()
        page = paginator.paginate_queryset(rows, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([s.DeliverySerializer(asdict(item)).data for item in page or []])


class DeliveryDetailView(WebhookStaffView):
    pagination_class = None

    @document(
        tags=TAG,
        operation_id="webhook_delivery_read",
        summary="One delivery.",
        parameters=[SUBSCRIPTION, DELIVERY],
        responses={200: s.DeliverySerializer, **ERRORS},
    )
    def get(self, request: Request, subscription_id: int, delivery_id: int) -> Response:
        return Response(s.DeliverySerializer(asdict(api.get_delivery(subscription_id, delivery_id))).data)


class ReplayView(WebhookStaffView):
    pagination_class = None

    @document(
        tags=TAG,
        operation_id="webhook_delivery_replay",
        summary="Send a delivery again, with the same message id (tries start afresh).",
        parameters=[SUBSCRIPTION, DELIVERY],
        request=None,
        responses={202: s.DeliverySerializer, **ERRORS},
    )
    def post(self, request: Request, subscription_id: int, delivery_id: int) -> Response:
        data = api.replay_delivery(subscription_id, delivery_id, actor=request.user)
        return Response(s.DeliverySerializer(asdict(data)).data, status=status.HTTP_202_ACCEPTED)


class InboundView(VaultAPIView):
    """The receiver: no user, the signature is the credential (``webhooks.inbound``)."""

    authentication_classes = ()
    permission_classes = ()
    pagination_class = None
    parser_classes = ()
    throttle_scope = "vault_webhooks_inbound"

    @document(
        tags=TAG,
        operation_id="webhook_inbound_receive",
        summary="Receive a signed webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).",
        description=(
            "Signed with the site's VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET. Body: "
            '``{"type": "course.published", "data": {"course_key": "course-v1:..."}}``. A message id seen before '
            'is answered ``"duplicate"`` and not handled again; a type without a handler is ``"ignored"``.'
        ),
        request={"application/json": {"type": "object"}},
        responses={
            202: s.InboundResultSerializer,
            400: OpenApiResponse(description="The body is not a JSON object with a type, or its data is invalid."),
            401: OpenApiResponse(description="Missing or wrong signature, or a timestamp outside 5 minutes."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        from ve_edu_vault.webhooks import inbound

        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > inbound.MAX_BODY_BYTES:
            raise ValidationError("The body must be at most 1 MiB.", field=None)
        headers = {key: value for key, value in request.headers.items() if key.lower().startswith("webhook-")}
        result = inbound.receive(request.body, headers)
        return Response(
            s.InboundResultSerializer(
                {
                    "status": result.status,
                    "message_id": result.message_id,
                    "type": result.event_type,
                    "outcome": result.outcome,
                }
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )
