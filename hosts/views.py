"""The hosts' home page: links to each course's vault pages (stands in for the LMS dashboard)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ve_edu_vault.platform.models import StandalonePublishedOutline


def home(request: HttpRequest) -> HttpResponse:
    courses = [str(key) for key in StandalonePublishedOutline.objects.values_list("course_key", flat=True)]
    return render(request, "hosts/home.html", {"courses": courses})
