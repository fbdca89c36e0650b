"""Health endpoint: shows the plugin is loaded, which platform backend answers, and that the DB responds."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import ve_edu_vault
from ve_edu_vault.platform import api as platform
from ve_edu_vault.rest_api.schema import document
from ve_edu_vault.rest_api.views import VaultAPIView
from ve_edu_vault.storage.health import storage_ok


class HealthView(VaultAPIView):
    """Answer 200 with the plugin version when the plugin and its database work, else 503."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @document(
        responses=inline_serializer(
            "Health",
            {
                "status": serializers.CharField(),
                "version": serializers.CharField(),
                "platform_backend": serializers.CharField(),
                "database": serializers.CharField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        database = "ok" if storage_ok() else "unavailable"
        body = {
            "status": "ok" if database == "ok" else "degraded",
            "version": ve_edu_vault.__version__,
            "platform_backend": platform.backend_name(),
            "database": database,
        }
        return Response(body, status=200 if database == "ok" else 503)
