"""
What `tutor config save` renders with the ve-edu-vault plugin enabled: image, settings, Celery, beat.

Every test reads files that the real Tutor CLI rendered into a temporary TUTOR_ROOT.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from tutor_plugin_helpers import PLUGIN, exec_settings, read, run_tutor, vault_settings_code

SYNC = "ve_edu_vault.course_sync.tasks.sync_course"
AUTO_SUBMIT = "ve_edu_vault.assessments.tasks.auto_submit_attempt"
SWEEP = "ve_edu_vault.assessments.tasks.sweep_expired_attempts"
REPORT = "ve_edu_vault.assessments.tasks.report_grade"
DRAIN = "ve_edu_vault.assessments.tasks.report_pending_grades"
REGRADE = "ve_edu_vault.regrade.tasks.run_regrade"
IMPORT_PREVIEW = "ve_edu_vault.questions.tasks.preview_question_import"
IMPORT_RUN = "ve_edu_vault.questions.tasks.run_question_import"
IMPORT_EXPIRE = "ve_edu_vault.questions.tasks.expire_question_uploads"
AGS = "ve_edu_vault.lti.tasks.deliver_lti_scores"
SUMMARIES = "ve_edu_vault.analytics.tasks.update_item_summaries"
SUMMARIES_REFRESH = "ve_edu_vault.analytics.tasks.refresh_item_summaries"
SUMMARIES_REBUILD = "ve_edu_vault.analytics.tasks.rebuild_item_summaries"
EXPORT = "ve_edu_vault.analytics.tasks.run_export"
SWEEP_ENTRY = "ve-edu-vault-sweep-expired-attempts"
DRAIN_ENTRY = "ve-edu-vault-report-pending-grades"
EXPIRE_ENTRY = "ve-edu-vault-expire-question-uploads"
WEBHOOKS = "ve_edu_vault.webhooks.tasks.deliver_webhooks"
WEBHOOKS_ENTRY = "ve-edu-vault-deliver-webhooks"
AGS_ENTRY = "ve-edu-vault-deliver-lti-scores"
SERVICES = ("lms", "cms")
ENVIRONMENTS = ("production", "development")


@pytest.fixture(scope="module")
def custom_root(make_root: Callable[..., Path]) -> Path:
    """A site whose operator changed the vault's settings with `tutor config save --set`."""
    return make_root(
        "VE_EDU_VAULT_PIP_SPEC=ve-edu-vault @ git+https://example.org/ve-edu-vault.git@v9.9.9",
        "VE_EDU_VAULT_STORAGE_BACKEND=mongodb",
        "VE_EDU_VAULT_MONGODB_DATABASE=vault_db",
        "MONGODB_USERNAME=vaultuser",
        "MONGODB_PASSWORD=p@ss:word",
        "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS=42",
        "VE_EDU_VAULT_AUTO_SYNC_ENABLED=false",
        "VE_EDU_VAULT_LTI_ENABLED=true",
        "VE_EDU_VAULT_OUTLINE_SOURCE=blocks_api",
        "VE_EDU_VAULT_BLOCKS_API_URL=http://lms:8000",
        "VE_EDU_VAULT_BLOCKS_API_CLIENT_ID=vault-client",
        "VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET=vault-secret",
        "VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET=operator-chosen-secret",
        "VE_EDU_VAULT_CELERY_QUEUE=edx.lms.core.high",
        "VE_EDU_VAULT_SWEEP_INTERVAL_SECONDS=30",
        "VE_EDU_VAULT_RUN_BEAT=false",
        name="custom",
    )


def _config_yml(root: Path) -> dict[str, object]:
    return yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))


def _compose_services(root: Path, relative: str) -> dict[str, dict[str, object]]:
    return yaml.safe_load(read(root, relative))["services"]


def _k8s_deployments(root: Path) -> dict[str, dict[str, object]]:
    documents = [doc for doc in yaml.safe_load_all(read(root, "k8s/deployments.yml")) if doc]
    return {doc["metadata"]["name"]: doc for doc in documents if doc.get("kind") == "Deployment"}


# --- the plugin -------------------------------------------------------------------------------


def test_plugin_is_enabled_by_its_entry_point_name(default_root: Path) -> None:
    listing = run_tutor(default_root, "plugins", "list").stdout
    assert re.search(rf"^{PLUGIN}\s+\S*\s*enabled\s+0\.1\.0", listing, re.M), listing
    assert PLUGIN in _config_yml(default_root)["PLUGINS"]


def test_defaults_are_tutor_config(default_root: Path) -> None:
    printed = run_tutor(default_root, "config", "printvalue", "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS").stdout
    assert printed.strip() == "10"
    mongodb_url = run_tutor(default_root, "config", "printvalue", "VE_EDU_VAULT_MONGODB_URL").stdout.strip()
    assert mongodb_url == "mongodb://mongodb:27017/"


def test_webhook_secret_is_generated_once_per_site(default_root: Path, make_root: Callable[..., Path]) -> None:
    secret = _config_yml(default_root)["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"]
    assert isinstance(secret, str)
    assert len(secret) == 32
    run_tutor(default_root, "config", "save")
    assert _config_yml(default_root)["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"] == secret
    other_site = make_root(name="other-site")
    assert _config_yml(other_site)["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"] != secret
    # Defaults (not secrets) are not written to config.yml: upgrading the plugin upgrades them.
    assert "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS" not in _config_yml(default_root)


# --- the openedx image ------------------------------------------------------------------------


def test_package_is_installed_in_the_python_requirements_stage(default_root: Path) -> None:
    dockerfile = read(default_root, "build/openedx/Dockerfile")
    install = "$PIP_COMMAND install 've-edu-vault==0.1.0'"
    assert install in dockerfile
    stage = dockerfile[dockerfile.index("AS python-requirements") : dockerfile.index("AS nodejs-requirements")]
    assert install in stage
    # After edx-platform's own requirements, so they cannot downgrade the vault's.
    assert stage.index("requirements/edx/base.txt") < stage.index(install)


def test_pip_source_is_configurable(custom_root: Path) -> None:
    dockerfile = read(custom_root, "build/openedx/Dockerfile")
    assert "$PIP_COMMAND install 've-edu-vault @ git+https://example.org/ve-edu-vault.git@v9.9.9'" in dockerfile
    assert "ve-edu-vault==" not in dockerfile


def test_empty_pip_source_installs_nothing(make_root: Callable[..., Path]) -> None:
    root = make_root("VE_EDU_VAULT_PIP_SPEC=", name="no-pip")
    assert "ve-edu-vault" not in read(root, "build/openedx/Dockerfile")


def test_mounted_checkout_is_installed_and_bind_mounted(make_root: Callable[..., Path], tmp_path: Path) -> None:
    root = make_root(name="mounted")
    checkout = tmp_path / "ve-edu-vault"
    checkout.mkdir()
    run_tutor(root, "mounts", "add", str(checkout))
    dockerfile = read(root, "build/openedx/Dockerfile")
    assert "FROM scratch AS mnt-ve-edu-vault" in dockerfile
    assert 'RUN $PIP_COMMAND install -e "/mnt/ve-edu-vault"' in dockerfile
    mount = f"{checkout}:/mnt/ve-edu-vault:z"
    for service in ("lms", "cms"):
        assert mount in _compose_services(root, "local/docker-compose.yml")[service]["volumes"]
    for service in ("lms-worker", "cms-worker", "ve-edu-vault-beat"):
        assert mount in _compose_services(root, "local/docker-compose.prod.yml")[service]["volumes"]


# --- LMS and Studio settings ------------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("service", SERVICES)
def test_default_settings_in_lms_and_cms(default_root: Path, service: str, environment: str) -> None:
    settings = exec_settings(vault_settings_code(default_root, service, environment))
    secret = _config_yml(default_root)["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"]
    assert {name: value for name, value in settings.items() if name.startswith("VE_EDU_VAULT_")} == {
        "VE_EDU_VAULT_STORAGE_BACKEND": "django",
        "VE_EDU_VAULT_MONGODB_URL": "mongodb://mongodb:27017/",
        "VE_EDU_VAULT_MONGODB_DATABASE": "ve_edu_vault",
        "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS": 10,
        "VE_EDU_VAULT_OUTLINE_SOURCE": "modulestore",
        "VE_EDU_VAULT_AUTO_SYNC_ENABLED": True,
        "VE_EDU_VAULT_LTI_ENABLED": False,
        "VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET": secret,
        "VE_EDU_VAULT_CELERY_QUEUE": None,
    }


@pytest.mark.parametrize("service", SERVICES)
def test_config_values_flow_into_settings(custom_root: Path, service: str) -> None:
    settings = exec_settings(vault_settings_code(custom_root, service))
    assert settings["VE_EDU_VAULT_STORAGE_BACKEND"] == "mongodb"
    assert settings["VE_EDU_VAULT_MONGODB_URL"] == "mongodb://vaultuser:p%40ss%3Aword@mongodb:27017/?authSource=admin"
    assert settings["VE_EDU_VAULT_MONGODB_DATABASE"] == "vault_db"
    assert settings["VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS"] == 42
    assert settings["VE_EDU_VAULT_AUTO_SYNC_ENABLED"] is False
    assert settings["VE_EDU_VAULT_LTI_ENABLED"] is True
    assert settings["VE_EDU_VAULT_OUTLINE_SOURCE"] == "blocks_api"
    assert settings["VE_EDU_VAULT_BLOCKS_API_URL"] == "http://lms:8000"
    assert settings["VE_EDU_VAULT_BLOCKS_API_CLIENT_ID"] == "vault-client"
    assert settings["VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET"] == "vault-secret"
    assert settings["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"] == "operator-chosen-secret"
    assert settings["VE_EDU_VAULT_CELERY_QUEUE"] == "edx.lms.core.high"


def test_settings_patch_is_applied_after_edx_platform_settings(default_root: Path) -> None:
    """Tutor's settings import edx-platform's first, so the patch wins over the plugin's own defaults."""
    for service in SERVICES:
        text = read(default_root, f"apps/openedx/settings/{service}/production.py")
        assert text.index(f"from {service}.envs.production import *") < text.index("# BEGIN ve-edu-vault")


def test_strings_with_quotes_stay_valid_python(make_root: Callable[..., Path]) -> None:
    root = make_root("""VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET=a"b'c\\d""", name="quotes")
    settings = exec_settings(vault_settings_code(root, "lms"))
    assert settings["VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET"] == """a"b'c\\d"""


# --- Celery routing and beat ------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_celery_routes_send_tasks_to_the_workers_that_own_them(default_root: Path, service: str) -> None:
    platform_route = {"queue": "edx.lms.core.high"}
    settings = exec_settings(
        vault_settings_code(default_root, service), EXPLICIT_QUEUES={"some.platform.task": platform_route}
    )
    assert settings["EXPLICIT_QUEUES"] == {
        "some.platform.task": platform_route,  # the platform's routes are kept
        SYNC: {"queue": "edx.cms.core.default"},
        IMPORT_PREVIEW: {"queue": "edx.cms.core.default"},  # question uploads wait in Studio's import storage
        IMPORT_RUN: {"queue": "edx.cms.core.default"},
        IMPORT_EXPIRE: {"queue": "edx.cms.core.default"},
        AUTO_SUBMIT: {"queue": "edx.lms.core.default"},
        SWEEP: {"queue": "edx.lms.core.default"},
        REPORT: {"queue": "edx.lms.core.default"},
        DRAIN: {"queue": "edx.lms.core.default"},
        REGRADE: {"queue": "edx.lms.core.default"},
        WEBHOOKS: {"queue": "edx.lms.core.default"},
        AGS: {"queue": "edx.lms.core.default"},  # the LTI tool's keys and AGS outbox are the LMS's
        SUMMARIES: {"queue": "edx.lms.core.default"},
        SUMMARIES_REFRESH: {"queue": "edx.lms.core.default"},
        SUMMARIES_REBUILD: {"queue": "edx.lms.core.default"},
        EXPORT: {"queue": "edx.lms.core.default"},
    }


def test_one_celery_queue_routes_every_task(custom_root: Path) -> None:
    settings = exec_settings(vault_settings_code(custom_root, "cms"))
    assert settings["EXPLICIT_QUEUES"] == {
        task: {"queue": "edx.lms.core.high"}
        for task in (
            SYNC,
            AUTO_SUBMIT,
            SWEEP,
            REPORT,
            DRAIN,
            REGRADE,
            IMPORT_PREVIEW,
            IMPORT_RUN,
            IMPORT_EXPIRE,
            WEBHOOKS,
            AGS,
            SUMMARIES,
            SUMMARIES_REFRESH,
            SUMMARIES_REBUILD,
            EXPORT,
        )
    }


def test_routes_are_defined_where_the_platform_did_not_define_explicit_queues(default_root: Path) -> None:
    """Development settings (devstack) may lack EXPLICIT_QUEUES: the patch must not fail there."""
    settings = exec_settings(vault_settings_code(default_root, "lms", "development"))
    assert SYNC in settings["EXPLICIT_QUEUES"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_beat_schedule_is_in_the_lms_settings(default_root: Path, environment: str) -> None:
    existing = {"other-entry": {"task": "x", "schedule": 5.0}}
    settings = exec_settings(vault_settings_code(default_root, "lms", environment), CELERYBEAT_SCHEDULE=existing)
    assert settings["CELERYBEAT_SCHEDULE"] == {
        "other-entry": {"task": "x", "schedule": 5.0},
        SWEEP_ENTRY: {"task": SWEEP, "schedule": 60.0, "options": {"expires": 60.0}},
        DRAIN_ENTRY: {"task": DRAIN, "schedule": 60.0, "options": {"expires": 60.0}},
        AGS_ENTRY: {"task": AGS, "schedule": 60.0, "options": {"expires": 60.0}},
        EXPIRE_ENTRY: {"task": IMPORT_EXPIRE, "schedule": 3600.0, "options": {"expires": 3600.0}},
        WEBHOOKS_ENTRY: {"task": WEBHOOKS, "schedule": 60.0, "options": {"expires": 60.0}},
    }


def test_beat_schedule_is_not_in_the_cms_settings(default_root: Path) -> None:
    assert "CELERYBEAT_SCHEDULE" not in exec_settings(vault_settings_code(default_root, "cms"))


def test_sweep_interval_is_configurable(custom_root: Path) -> None:
    schedule = exec_settings(vault_settings_code(custom_root, "lms"))["CELERYBEAT_SCHEDULE"]
    assert schedule[SWEEP_ENTRY]["schedule"] == 30.0
    assert schedule[DRAIN_ENTRY]["schedule"] == 30.0
    assert schedule[WEBHOOKS_ENTRY]["schedule"] == 30.0
    assert schedule[AGS_ENTRY]["schedule"] == 30.0


def test_beat_runs_in_local_dev_and_kubernetes(default_root: Path) -> None:
    beat_command = [
        "celery",
        "--app=lms.celery",
        "beat",
        "--loglevel=info",
        "--schedule=/tmp/ve-edu-vault-celerybeat-schedule",
    ]
    local = _compose_services(default_root, "local/docker-compose.prod.yml")["ve-edu-vault-beat"]
    assert local["command"] == beat_command
    assert local["image"] == run_tutor(default_root, "config", "printvalue", "DOCKER_IMAGE_OPENEDX").stdout.strip()
    assert local["environment"] == {"SERVICE_VARIANT": "lms", "DJANGO_SETTINGS_MODULE": "lms.envs.tutor.production"}
    assert "../apps/openedx/settings/lms:/openedx/edx-platform/lms/envs/tutor:roz" in local["volumes"]

    dev = _compose_services(default_root, "dev/docker-compose.yml")["ve-edu-vault-beat"]
    assert dev["command"] == beat_command
    assert dev["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.development"
    # Only `tutor local` and `tutor dev` files get it, never the base file both of them load.
    assert "ve-edu-vault-beat" not in _compose_services(default_root, "local/docker-compose.yml")

    deployment = _k8s_deployments(default_root)["ve-edu-vault-beat"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == beat_command
    assert {"name": "DJANGO_SETTINGS_MODULE", "value": "lms.envs.tutor.production"} in container["env"]
    # The worker that consumes the sweep's queue is Tutor's lms-worker.
    assert "lms-worker" in _k8s_deployments(default_root)


def test_beat_can_be_left_to_the_operator(custom_root: Path) -> None:
    assert "ve-edu-vault-beat" not in _compose_services(custom_root, "local/docker-compose.prod.yml")
    assert "ve-edu-vault-beat" not in _compose_services(custom_root, "dev/docker-compose.yml")
    assert "ve-edu-vault-beat" not in _k8s_deployments(custom_root)
    # The schedule stays in the settings, for whichever beat the operator runs.
    assert SWEEP_ENTRY in exec_settings(vault_settings_code(custom_root, "lms"))["CELERYBEAT_SCHEDULE"]


def test_every_task_of_the_plugin_is_routed(default_root: Path) -> None:
    """A task added to the plugin without a route would land on a queue no Tutor worker consumes."""
    import ast

    package = Path(__file__).resolve().parents[2] / "ve_edu_vault"
    names = set()
    for path in package.rglob("tasks.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "name"
                and isinstance(node.value, ast.Constant)
                and str(node.value.value).startswith("ve_edu_vault.")
            ):
                names.add(node.value.value)
    assert len(names) >= 5
    settings = exec_settings(vault_settings_code(default_root, "lms"))
    assert names <= set(settings["EXPLICIT_QUEUES"]), names - set(settings["EXPLICIT_QUEUES"])
