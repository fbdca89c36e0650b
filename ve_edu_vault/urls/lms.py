"""LMS URL patterns of the plugin (learner and instructor endpoints and pages)."""

from __future__ import annotations

from django.urls import include, path

from ve_edu_vault.analytics import urls as analytics_urls
from ve_edu_vault.assessments import urls as assessments_urls
from ve_edu_vault.lti import urls as lti_urls
from ve_edu_vault.mastery import urls as mastery_urls
from ve_edu_vault.urls.common import api_not_found_pattern, common_patterns

app_name = "ve_edu_vault"

urlpatterns = [
    *common_patterns("ve_edu_vault.urls.lms"),
    path("", include(assessments_urls.lms_urlpatterns)),
    path("", include(mastery_urls.lms_urlpatterns)),
    path("", include(lti_urls.lms_urlpatterns)),
    path("", include("ve_edu_vault.webhooks.urls")),
    path("", include(analytics_urls.lms_urlpatterns)),
    api_not_found_pattern(),
]
