"""
The plugin's init task, as `tutor local do init` (and `tutor k8s do init`) would run it.

Init tasks are rendered when the job runs, which needs Docker; so the test asks Tutor itself, in a
subprocess, for the init tasks of the site and renders them with the site's config, as the job does.
"""

from __future__ import annotations

import json
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


def test_init_task_runs_vault_init_in_the_lms_after_migrations(make_root: Callable[..., Path]) -> None:
    tasks = _init_tasks(make_root(name="init"))
    assert len(tasks["plugin"]) == 1
    service, script = tasks["plugin"][0]
    assert service == "lms"
    assert "./manage.py lms vault_init" in script.splitlines()
    # `tutor local do init --limit=ve-edu-vault` runs just this; a full init runs it after Tutor's
    # own LMS task, whose `./manage.py lms migrate` creates the vault's tables.
    scripts = [task_script for _service, task_script in tasks["all"]]
    migrate = next(index for index, text in enumerate(scripts) if "./manage.py lms migrate" in text)
    assert scripts.index(script) > migrate


def test_init_task_loads_demo_data_when_asked(make_root: Callable[..., Path]) -> None:
    tasks = _init_tasks(make_root("VE_EDU_VAULT_LOAD_DEMO_DATA=true", name="init-demo"))
    assert "./manage.py lms vault_init --demo" in tasks["plugin"][0][1].splitlines()
