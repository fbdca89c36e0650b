"""
An unexpected error in a REST view is a JSON 500 with an error code, never a traceback (issue 18, item 10).

Before the fix the REST exception handler left unknown exceptions to Django, which with ``DEBUG``
on (the demo's default) answered with the full traceback, settings and local variables.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from tests.faults_urls import API_FAULT, SECRET

pytestmark = [pytest.mark.both_hosts, pytest.mark.urls("tests.faults_urls")]


@pytest.mark.parametrize("debug", [True, False])
def test_an_unexpected_error_is_a_json_500_without_a_traceback(settings: Any, caplog: Any, debug: bool) -> None:
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="ve_edu_vault.rest_api.exceptions"):
        response = client.get(API_FAULT, HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error_code": "server_error",
        "message": "Something went wrong on our side. It has been logged; please try again later.",
        "field": None,
    }
    text = response.content.decode()
    assert SECRET not in text and "Traceback (most recent call last)" not in text and "FaultError" not in text
    # the operators still get the whole story, in the log
    assert "FaultError" in caplog.text and SECRET in caplog.text and "Traceback" in caplog.text


def test_the_browsable_renderer_shows_no_traceback_either(settings: Any) -> None:
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get(API_FAULT, HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    text = response.content.decode()
    assert SECRET not in text and "FaultError" not in text and "Traceback (most recent call last)" not in text
    assert "server_error" in text
