"""LMS host URLconf: the plugin's URLs come from edx-django-utils, as in edx-platform."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_POST
from edx_django_utils.plugins import get_plugin_url_patterns

from hosts.views import favicon, home

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon),  # the LMS and Studio serve one; a browser asks every page for it
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # POST only on every Django release (4.2's LogoutView still answers GET, a cross-site logout; 5.x refuses it).
    path("logout/", require_POST(auth_views.LogoutView.as_view()), name="logout"),
    *get_plugin_url_patterns("lms.djangoapp"),
]
