"""URLs of the LTI 1.3 tool (LMS only), under ``ve-edu-vault/lti/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

lms_urlpatterns: list[URLPattern] = [
    path("ve-edu-vault/lti/login/", views.login, name="lti-login"),
    path("ve-edu-vault/lti/launch/", views.launch, name="lti-launch"),
    path("ve-edu-vault/lti/launch/verify/", views.launch_verify, name="lti-launch-verify"),
    path("ve-edu-vault/lti/deep-linking/", views.launch, name="lti-deep-linking"),
    path("ve-edu-vault/lti/deep-linking/respond/", views.deep_linking_respond, name="lti-deep-linking-respond"),
    path("ve-edu-vault/lti/jwks/", views.jwks, name="lti-jwks"),
    path("ve-edu-vault/lti/register/", views.dynamic_registration, name="lti-register"),
    path("ve-edu-vault/lti/config/", views.config, name="lti-config"),
]
