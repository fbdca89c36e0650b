"""Studio URL patterns of the plugin (authoring and course sync endpoints and pages)."""

from __future__ import annotations

from django.urls import include, path

from ve_edu_vault.assessments import urls as assessments_urls
from ve_edu_vault.audit import urls as audit_urls
from ve_edu_vault.regrade import urls as regrade_urls
from ve_edu_vault.urls.common import api_not_found_pattern, common_patterns

app_name = "ve_edu_vault"

urlpatterns = [
    *common_patterns("ve_edu_vault.urls.cms"),
    path("", include("ve_edu_vault.course_sync.urls")),
    path("", include("ve_edu_vault.questions.urls")),
    path("", include(assessments_urls.cms_urlpatterns)),
    path("", include(regrade_urls.cms_urlpatterns)),
    path("", include(audit_urls.cms_urlpatterns)),
    path("", include("ve_edu_vault.webhooks.urls")),
    api_not_found_pattern(),
]
