"""
Launches bound to the browser without third-party cookies (docs/decisions/0021-lti-platform-storage.rst), driven
by lti-consumer-xblock's platform over HTTP; the browser's JavaScript half runs in tests/lti/test_launch_browser.py.

- ``lti_storage_target`` at login: the tool answers with the platform storage page (state and nonce for
  ``lti.put_data``, then the authorization URL), sets no cookie; the launch answers with the page that reads
  them back; ``launch/verify/`` finishes the launch only with both values, once.
- Without it: the state cookie is required at the launch; a launch without it gets the new-window page (the
  same login, ``lti1p3_new_window=1``), and a launch from that window without it is refused.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from lti_harness import path_and_query, post_launch

from ve_edu_vault.lti.launch import _loopback

pytestmark = pytest.mark.django_db


def storage_config(response: Any) -> dict[str, Any]:
    match = re.search(rb'<script id="vault-lti-storage" type="application/json">(.*?)</script>', response.content)
    assert match, response.content[:800]
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def storage_login(client: Any, platform: Any, **launch: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The login with ``lti_storage_target``: (the page's configuration, the platform's answer to its redirect)."""
    url = platform.control("login", **launch)["url"] + "&lti_storage_target=_parent"
    page = client.get(path_and_query(url))
    assert page.status_code == 200, page.content[:500]
    assert page.cookies == {} or not any(name.startswith("lti1p3") for name in page.cookies)  # no state cookie
    assert page["Cache-Control"] == "no-store"
    config = storage_config(page)
    answer = requests.get(config["auth_url"], headers={"Accept": "application/json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return config, answer.json()


def test_a_login_offered_platform_storage_puts_state_and_nonce_there_before_the_platform(
    client: Any, platform: Any, bound: Any
) -> None:
    config, _form = storage_login(client, platform)
    query = parse_qs(urlsplit(config["auth_url"]).query)
    assert config["mode"] == "login" and config["target"] == "_parent"
    assert config["platform_origin"] == platform.url  # the authorization URL's origin: the messages' target
    assert config["state"] == query["state"][0] and config["state_key"] == "lti1p3-state-" + config["state"]
    assert config["nonce"] == query["nonce"][0] and config["nonce_key"] == "lti1p3-nonce-" + config["nonce"]
    assert (
        b'id="vault-lti-new-window"'
        in client.get(path_and_query(platform.control("login")["url"] + "&lti_storage_target=_parent")).content
    )


def test_the_launch_waits_for_the_browser_and_verify_finishes_it_once(client: Any, platform: Any, bound: Any) -> None:
    config, form = storage_login(client, platform, user_id="storage-1")
    from django.test import Client

    cookieless = Client()  # the framed browser: no cookie of the tool
    checking = post_launch(cookieless, form)
    assert checking.status_code == 200, checking.content[:500]
    launch_config = storage_config(checking)
    assert launch_config["mode"] == "launch" and launch_config["state_key"] == config["state_key"]
    assert launch_config["nonce_key"] == config["nonce_key"]
    assert b"vault-take-config" not in checking.content  # nothing is opened before the browser answered
    from ve_edu_vault.lti.models import LtiUserLink

    assert not LtiUserLink.objects.filter(sub="storage-1").exists()
    pending = re.search(rb'name="pending" value="([^"]+)"', checking.content).group(1).decode()  # type: ignore[union-attr]
    verify = "/ve-edu-vault/lti/launch/verify/"
    opened = cookieless.post(verify, {"pending": pending, "state": config["state"], "nonce": config["nonce"]})
    assert opened.status_code == 200 and b"vault-take-config" in opened.content, opened.content[:500]
    assert LtiUserLink.objects.filter(sub="storage-1").exists()
    again = cookieless.post(verify, {"pending": pending, "state": config["state"], "nonce": config["nonce"]})
    assert again.status_code == 400 and b'<code id="check">state</code>' in again.content


@pytest.mark.parametrize("field", ["state", "nonce"])
def test_a_value_the_platform_storage_never_held_refuses_the_launch(
    client: Any, platform: Any, bound: Any, field: str, caplog: Any
) -> None:
    config, form = storage_login(client, platform, user_id=f"storage-{field}")
    checking = post_launch(client, form)
    pending = re.search(rb'name="pending" value="([^"]+)"', checking.content).group(1).decode()  # type: ignore[union-attr]
    values = {"state": config["state"], "nonce": config["nonce"], field: ""}  # the storage had nothing
    refused = client.post("/ve-edu-vault/lti/launch/verify/", {"pending": pending, **values})
    assert refused.status_code == 400 and b'<code id="check">platform_storage</code>' in refused.content
    assert b"Traceback" not in refused.content
    assert any("check='platform_storage'" in r.getMessage() for r in caplog.records)
    from ve_edu_vault.lti.models import LtiUserLink

    assert not LtiUserLink.objects.filter(sub=f"storage-{field}").exists()


def test_a_launch_whose_state_cookie_was_blocked_offers_a_new_window(client: Any, platform: Any, bound: Any) -> None:
    url = platform.control("login", user_id="window-1")["url"]
    redirect = client.get(path_and_query(url))
    assert redirect.status_code == 302
    cookie = next(c for name, c in redirect.cookies.items() if name.startswith("lti1p3-state-"))
    assert cookie["httponly"] and cookie["samesite"] == "Lax"  # testserver is neither HTTPS nor loopback
    form = requests.get(redirect["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    from django.test import Client

    offered = post_launch(Client(), form)  # the framed browser sent no cookie back
    assert offered.status_code == 200 and b"vault-take-config" not in offered.content
    link = re.search(rb'id="vault-lti-new-window" href="([^"]+)"', offered.content).group(1).decode()  # type: ignore[union-attr]
    reopen = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    original = parse_qs(urlsplit(url).query)
    assert reopen.pop("lti1p3_new_window") == ["1"]
    assert reopen == {name: value for name, value in original.items() if name != "lti_storage_target"}

    # The window: its own login sets the cookie, which comes back; without it, it is refused for good.
    window = Client()
    second = window.get(path_and_query(link.replace("&amp;", "&")))
    assert second.status_code == 302
    form = requests.get(second["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    assert b"vault-take-config" in post_launch(window, form).content
    third = window.get(path_and_query(link.replace("&amp;", "&")))
    form = requests.get(third["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    refused = post_launch(Client(), form)
    assert refused.status_code == 400 and b'<code id="check">cookie</code>' in refused.content


def test_the_state_cookie_must_match_the_launch(client: Any, platform: Any, bound: Any) -> None:
    first = client.get(path_and_query(platform.control("login", user_id="m-1")["url"]))
    form = requests.get(first["Location"], headers={"Accept": "application/json"}, timeout=30).json()
    name = next(n for n in first.cookies if n.startswith("lti1p3-state-"))
    client.cookies[name] = "state-of-another-login"
    refused = post_launch(client, form)
    assert refused.status_code == 400 and b'<code id="check">state</code>' in refused.content


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost:8000", True),
        ("tool.localhost", True),
        ("127.0.0.1:9", True),
        ("[::1]:8000", True),
        ("lms.example.org", False),
        ("testserver", False),
        ("10.0.0.1:80", False),
    ],
)
def test_the_state_cookie_is_samesite_none_and_secure_on_https_and_loopback_hosts(host: str, loopback: bool) -> None:
    assert _loopback(host) is loopback


def test_a_loopback_login_sets_a_samesite_none_secure_state_cookie(client: Any, platform: Any, bound: Any) -> None:
    url = platform.control("login")["url"]
    redirect = client.get(path_and_query(url), HTTP_HOST="localhost")
    cookie = next(c for name, c in redirect.cookies.items() if name.startswith("lti1p3-state-"))
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
