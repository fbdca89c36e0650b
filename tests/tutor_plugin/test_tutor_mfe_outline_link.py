"""
The learning MFE's course outline links to the course's assessments (tutor-mfe plugin slot).

`tutor config save` (real tutor and tutor-mfe) renders the learning MFE's ``env.config.jsx``; the
harness in ``mfe_harness/`` compiles that file with esbuild as the MFE build does (JSX,
``process.env.APP_ID``), runs its ``setConfig()`` and renders the slot's widgets with React, so the
tests see the HTML a learner's browser would show above the outline.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from django.urls import resolve

HARNESS = Path(__file__).resolve().parent / "mfe_harness"
SLOT = "org.openedx.frontend.learning.course_outline_tab_notifications.v1"
COURSE = "course-v1:VE+Outline+2026"


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed: bash scripts/system-packages.sh")
    if not (HARNESS / "node_modules" / "esbuild").exists():
        pytest.fail(f"the MFE harness is not installed: npm ci --prefix {HARNESS}")
    return found


@pytest.fixture(scope="module")
def mfe_root(make_root: Callable[..., Path]) -> Callable[..., Path]:
    """A site with tutor-mfe and the vault plugin enabled (``make_root`` with the ``mfe`` plugin)."""

    def make(*settings: str, name: str) -> Path:
        return make_root(*settings, name=name, plugins=("mfe",))

    return make


def _render(node: str, root: Path, app_id: str, props: dict[str, Any]) -> dict[str, Any]:
    config = root / "env" / "plugins" / "mfe" / "build" / "mfe" / "env.config.jsx"
    assert config.exists(), "tutor-mfe did not render env.config.jsx"
    result = subprocess.run(
        [node, str(HARNESS / "render_slots.mjs"), str(config), app_id, SLOT, json.dumps(props)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"env.config.jsx did not compile or run:\n{result.stdout}\n{result.stderr}"
    rendered: dict[str, Any] = json.loads(result.stdout)
    return rendered


def _widget(rendered: dict[str, Any]) -> dict[str, Any]:
    ours = [widget for widget in rendered["widgets"] if widget["id"] == "ve_edu_vault_outline_link"]
    assert len(ours) == 1, rendered
    return ours[0]


def test_the_outline_shows_a_link_to_the_course_assessments(node: str, mfe_root: Callable[..., Path]) -> None:
    root = mfe_root(name="mfe-default")
    widget = _widget(_render(node, root, "learning", {"courseId": COURSE, "model": "outline"}))
    assert widget["op"] == "insert"  # added next to the platform's own notifications, nothing hidden
    html = widget["html"]
    assert ">Assessments</a>" in html
    href = html.split('href="', 1)[1].split('"', 1)[0]
    url = urlparse(href)
    assert (url.scheme, url.netloc) == ("http", "local.openedx.io")  # Tutor's default LMS_HOST, no HTTPS
    # The course key is encoded in the link and decoded by the LMS into the vault's learner page.
    assert "%2B" in url.path and "+" not in url.path
    match = resolve(unquote(url.path))
    assert match.view_name == "ve_edu_vault:assessments-learner-page"
    assert match.kwargs["course_key"] == COURSE


def test_the_link_follows_the_site_host_and_https_and_its_text_is_escaped(
    node: str, mfe_root: Callable[..., Path]
) -> None:
    root = mfe_root(
        "LMS_HOST=learn.example.org",
        "ENABLE_HTTPS=true",
        'VE_EDU_VAULT_OUTLINE_LINK_TEXT=Quizzes & "tests" </a>',
        name="mfe-custom",
    )
    html = _widget(_render(node, root, "learning", {"courseId": COURSE}))["html"]
    assert 'href="https://learn.example.org/ve-edu-vault/courses/' in html
    assert "Quizzes &amp; &quot;tests&quot; &lt;/a&gt;</a>" in html


def test_no_link_without_a_course_or_when_the_operator_turns_it_off(node: str, mfe_root: Callable[..., Path]) -> None:
    default = mfe_root(name="mfe-no-course")
    assert _widget(_render(node, default, "learning", {}))["html"] == ""
    off = mfe_root("VE_EDU_VAULT_OUTLINE_LINK=false", name="mfe-off")
    assert _widget(_render(node, off, "learning", {"courseId": COURSE}))["html"] == ""


def test_other_mfes_get_no_widget(node: str, mfe_root: Callable[..., Path]) -> None:
    root = mfe_root(name="mfe-other")
    for app_id in ("authoring", "learner-dashboard"):
        rendered = _render(node, root, app_id, {"courseId": COURSE})
        assert SLOT not in rendered["slots"]
