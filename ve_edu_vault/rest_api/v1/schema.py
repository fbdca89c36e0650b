"""
The OpenAPI 3 schema of the vault's API, generated from the code by drf-spectacular.

Our own small view rather than ``SpectacularAPIView``: that view takes its schema class from DRF's
global ``DEFAULT_SCHEMA_CLASS``, which belongs to the LMS and is not drf-spectacular's there.
"""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.settings import patched_settings
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

import ve_edu_vault
from ve_edu_vault.rest_api import schema_security  # noqa: F401 (registers the authentication extensions)
from ve_edu_vault.rest_api.schema import document
from ve_edu_vault.rest_api.views import VaultAPIView

SCHEMA_SETTINGS = {
    "TITLE": "ve-edu-vault API",
    "DESCRIPTION": "Question bank, assessments and course outline mirror for Open edX.",
    "VERSION": ve_edu_vault.__version__,
    "SCHEMA_PATH_PREFIX": r"/api/ve-edu-vault/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ve_edu_vault.rest_api.schema.add_error_responses",
        "ve_edu_vault.rest_api.schema_security.add_security",
    ],
}


class SchemaView(VaultAPIView):
    """Serve the schema as JSON (``?format=json``, the default) or YAML (``?format=yaml``)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    renderer_classes = (OpenApiJsonRenderer, OpenApiYamlRenderer)
    urlconf: str = ""

    @document(exclude=True)
    def get(self, request: Request) -> Response:
        with patched_settings(SCHEMA_SETTINGS):
            generator = SchemaGenerator(urlconf=self.urlconf)
            return Response(generator.get_schema(request=request, public=True))
