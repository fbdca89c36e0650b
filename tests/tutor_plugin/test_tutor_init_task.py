"""
The plugin's init task, as `tutor local do init` (and `tutor k8s do init`) would run it.

Init tasks are rendered when the job runs, which needs Docker; so the test asks Tutor itself, in a
subprocess, for the init tasks of the site and renders them with the site's config, as the job does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tutor_plugin_helpers import PLUGIN, tutor_env

_RENDER_INIT_TASKS = """
import json, sys
from tutor import config, env, hooks
from tutor.commands import cli  # registers Tutor's own init tasks, as the CLI does

root = sys.argv[1]
hooks.Actions.CORE_READY.do()
hooks.Actions.PROJECT_ROOT_READY.do(root)
site = config.load(root)
print(json.dumps({
    "all": [[service, env.render_str(site, task)] for service, task in hooks.Filters.CLI_DO_INIT_TASKS.iterate()],
    "plugin": [
        [service, env.render_str(site, task)]
        for service, task in hooks.Filters.CLI_DO_INIT_TASKS.iterate_from_context(hooks.Contexts.app(sys.argv[2]).name)
    ],
}))
"""


def _init_tasks(root: Path) -> dict[str, list[list[str]]]:
    result = subprocess.run(
        [sys.executable, "-c", _RENDER_INIT_TASKS, str(root), PLUGIN],
        env=tutor_env(root),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def _plugin_scripts(tasks: dict[str, list[list[str]]]) -> dict[str, str]:
    scripts = dict(tasks["plugin"])
    assert len(scripts) == len(tasks["plugin"]) == 2, "one task in Studio, one in the LMS"
    return scripts


def test_init_task_runs_vault_init_in_the_lms_after_migrations(make_root: Callable[..., Path]) -> None:
    tasks = _init_tasks(make_root(name="init"))
    assert [service for service, _ in tasks["plugin"]] == ["cms", "lms"]
    script = _plugin_scripts(tasks)["lms"]
    assert "./manage.py lms vault_init" in script.splitlines()
    assert "create_dot_application" not in script  # the modulestore source needs no OAuth2 application
    assert "cms import" not in _plugin_scripts(tasks)["cms"]  # no demo course unless asked
    # `tutor local do init --limit=ve-edu-vault` runs just these; a full init runs them after Tutor's
    # own LMS task, whose `./manage.py lms migrate` creates the vault's tables.
    scripts = [task_script for _service, task_script in tasks["all"]]
    migrate = next(index for index, text in enumerate(scripts) if "./manage.py lms migrate" in text)
    assert scripts.index(script) > migrate


# The command-line interfaces of the edx-platform commands the init job calls, copied from upstream
# (argument names, positions, flags and choices), so that the rendered script is checked against them.
def _manage_user_parser() -> argparse.ArgumentParser:
    # common/djangoapps/student/management/commands/manage_user.py
    parser = argparse.ArgumentParser(prog="manage_user")
    parser.add_argument("username")
    parser.add_argument("email")
    parser.add_argument("--remove", dest="is_remove", action="store_true")
    parser.add_argument("--superuser", dest="is_superuser", action="store_true")
    parser.add_argument("--staff", dest="is_staff", action="store_true")
    parser.add_argument("--unusable-password", dest="unusable_password", action="store_true")
    parser.add_argument("--initial-password-hash", dest="initial_password_hash")
    parser.add_argument("-g", "--groups", nargs="*", default=[])
    return parser


def _create_dot_application_parser() -> argparse.ArgumentParser:
    # openedx/core/djangoapps/oauth_dispatch/management/commands/create_dot_application.py; the grant types
    # are django-oauth-toolkit's Application.GRANT_TYPES.
    parser = argparse.ArgumentParser(prog="create_dot_application")
    grant_types = ["authorization-code", "implicit", "password", "client-credentials", "openid-hybrid"]
    parser.add_argument("name", action="store")
    parser.add_argument("username", action="store")
    parser.add_argument("--grant-type", dest="grant_type", default="client-credentials", choices=grant_types)
    parser.add_argument("--redirect-uris", dest="redirect_uris", default="")
    parser.add_argument("--public", action="store_true", dest="public", default=False)
    parser.add_argument("--skip-authorization", action="store_true", dest="skip_authorization")
    parser.add_argument("--client-id", dest="client_id", default="")
    parser.add_argument("--client-secret", dest="client_secret", default="")
    parser.add_argument("--scopes", dest="scopes", default="")
    parser.add_argument("--update", action="store_true", dest="update")
    return parser


def _import_parser() -> argparse.ArgumentParser:
    # cms/djangoapps/contentstore/management/commands/import.py
    parser = argparse.ArgumentParser(prog="import")
    parser.add_argument("data_directory")
    parser.add_argument("course_dirs", nargs="*", metavar="course_dir")
    parser.add_argument("--nostatic", action="store_true")
    parser.add_argument("--nopythonlib", action="store_true")
    parser.add_argument("--python-lib-filename")
    return parser


_MANAGE_SHIM = """#!{python}
import json, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def _run_rendered(script: str, workdir: Path) -> list[list[str]]:
    """Run a rendered task as Tutor does (``sh -e -c``); ``./manage.py`` records its arguments: all calls so far."""
    log = workdir / "calls.jsonl"
    (workdir / "manage.py").write_text(_MANAGE_SHIM.format(python=sys.executable, log=str(log)), encoding="utf-8")
    (workdir / "manage.py").chmod(0o755)
    bin_dir = workdir / "bin"
    bin_dir.mkdir(exist_ok=True)
    # The image's python, with the vault installed (a wrapper: a symlink would lose the virtualenv).
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    ran = subprocess.run(["sh", "-e", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_init_job_with_demo_data_and_the_blocks_api_source(make_root: Callable[..., Path], tmp_path: Path) -> None:
    from ve_edu_vault.management.commands.vault_init import Command as VaultInit

    root = make_root(
        "VE_EDU_VAULT_LOAD_DEMO_DATA=true", "VE_EDU_VAULT_OUTLINE_SOURCE=blocks_api", name="init-demo-blocks"
    )
    scripts = _plugin_scripts(_init_tasks(root))
    _run_rendered(scripts["cms"], tmp_path)
    calls = _run_rendered(scripts["lms"], tmp_path)  # every call so far, in order
    assert [call[:2] for call in calls] == [
        ["cms", "import"],
        ["lms", "manage_user"],
        ["lms", "create_dot_application"],
        ["lms", "vault_init"],
    ]
    imported = _import_parser().parse_args(calls[0][2:])
    [course_dir] = imported.course_dirs
    assert (Path(course_dir) / "course.xml").is_file(), "the demo course OLX shipped in the package"

    user = _manage_user_parser().parse_args(calls[1][2:])
    assert user.is_staff and user.unusable_password and not user.is_superuser  # global staff, no password
    app = _create_dot_application_parser().parse_args(calls[2][2:])
    assert app.grant_type == "client-credentials" and app.update  # --update: safe to re-run
    assert app.username == user.username == "ve_edu_vault_blocks_api"
    assert (app.name, app.client_id) == ("ve-edu-vault-blocks-api", "ve-edu-vault-blocks-api")
    config = (root / "config.yml").read_text(encoding="utf-8")
    assert len(app.client_secret) == 32 and f"VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET: {app.client_secret}" in config
    settings = (root / "env" / "apps" / "openedx" / "settings" / "lms" / "production.py").read_text()
    assert f'VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET = "{app.client_secret}"' in settings
    assert 'VE_EDU_VAULT_BLOCKS_API_URL = "http://lms:8000"' in settings

    options = VaultInit().create_parser("manage.py", "vault_init").parse_args(calls[3][2:])
    assert (
        options.demo
    )  # vault_init --demo now loads into the imported course (tests/platform/test_demo_in_open_edx.py)


def test_init_task_loads_demo_data_when_asked(make_root: Callable[..., Path]) -> None:
    scripts = _plugin_scripts(_init_tasks(make_root("VE_EDU_VAULT_LOAD_DEMO_DATA=true", name="init-demo")))
    assert "./manage.py lms vault_init --demo" in scripts["lms"].splitlines()
    assert 'python ./manage.py cms import ../data "$vault_demo_course"' in scripts["cms"].splitlines()
