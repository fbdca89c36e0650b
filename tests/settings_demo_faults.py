"""The demo's LMS settings (``hosts.lms.settings``, as scripts/serve.sh runs them) with views that fail on purpose."""

from __future__ import annotations

from hosts.lms.settings import *  # noqa: F403

ROOT_URLCONF = "tests.faults_urls"
