"""
The ve-edu-vault Tutor plugin (Tutor v1 hooks API).

TLDR: everything here is declarative. Config defaults and the per-site secret are Tutor config
(``VE_EDU_VAULT_*``); what the plugin changes in the rendered environment lives in ``patches/``, one
file per patch, named after the Tutor patch point; the init task is a template under
``templates/ve-edu-vault/jobs/init/``. Do not render files of our own unless a patch point is
missing: patches keep the plugin working across Tutor releases.
"""

from __future__ import annotations

from importlib import resources

from tutor import hooks

from .__about__ import __version__

PLUGIN_NAME = "ve-edu-vault"

# MongoDB connection string built from Tutor's own MongoDB settings, so that the "mongodb" storage
# backend works on the MongoDB that Tutor runs (or the external one it is pointed at) without extra
# configuration. A MONGODB_HOST that is already a URI is used as it is.
_MONGODB_URL_FROM_TUTOR = (
    "{% if MONGODB_HOST.startswith('mongodb://') or MONGODB_HOST.startswith('mongodb+srv://') %}"
    "{{ MONGODB_HOST }}"
    "{% else %}"
    "mongodb://"
    "{% if MONGODB_USERNAME %}{{ MONGODB_USERNAME|urlencode }}:{{ MONGODB_PASSWORD|urlencode }}@{% endif %}"
    "{% for host in MONGODB_HOST.split(',') %}{{ host.strip() }}:{{ MONGODB_PORT }}"
    "{% if not loop.last %},{% endif %}{% endfor %}/"
    "{% set params = [] %}"
    "{% if MONGODB_USERNAME %}{% set _ = params.append('authSource=' ~ MONGODB_AUTH_SOURCE) %}{% endif %}"
    "{% if MONGODB_REPLICA_SET %}{% set _ = params.append('replicaSet=' ~ MONGODB_REPLICA_SET) %}{% endif %}"
    "{% if MONGODB_USE_SSL %}{% set _ = params.append('tls=true') %}{% endif %}"
    "{% if params %}?{{ params|join('&') }}{% endif %}"
    "{% endif %}"
)

#: Config defaults. Operators change them with ``tutor config save --set KEY=VALUE``.
CONFIG_DEFAULTS: list[tuple[str, object]] = [
    # ve-edu-vault release installed in the openedx image; the plugin's own version by default.
    ("VE_EDU_VAULT_VERSION", __version__),
    # What `pip install` gets: a requirement ("ve-edu-vault==1.2.3"), a VCS URL
    # ("ve-edu-vault @ git+https://...@v1.2.3") or "" to install nothing (a mounted checkout only).
    ("VE_EDU_VAULT_PIP_SPEC", "ve-edu-vault=={{ VE_EDU_VAULT_VERSION }}"),
    # Storage of questions, attempts and responses: "django" (MySQL, through the ORM) or "mongodb".
    ("VE_EDU_VAULT_STORAGE_BACKEND", "django"),
    ("VE_EDU_VAULT_MONGODB_URL", _MONGODB_URL_FROM_TUTOR),
    ("VE_EDU_VAULT_MONGODB_DATABASE", "ve_edu_vault"),
    # One course sync per course per window of this many seconds.
    ("VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS", 10),
    # Where a sync reads the published outline: "modulestore" or "blocks_api". With "blocks_api" the
    # init job creates the OAuth2 application (client credentials) below, whose user is global staff
    # (the Course Blocks API's all_blocks=true needs it). The LMS is reached inside the deployment:
    # Tutor's LMS accepts the "lms" host name (apps/openedx/settings/lms/production.py: ALLOWED_HOSTS).
    ("VE_EDU_VAULT_OUTLINE_SOURCE", "modulestore"),
    ("VE_EDU_VAULT_BLOCKS_API_URL", "http://lms:8000"),
    ("VE_EDU_VAULT_BLOCKS_API_CLIENT_ID", "ve-edu-vault-blocks-api"),
    ("VE_EDU_VAULT_BLOCKS_API_USERNAME", "ve_edu_vault_blocks_api"),
    # Feature toggles.
    ("VE_EDU_VAULT_AUTO_SYNC_ENABLED", True),
    ("VE_EDU_VAULT_LTI_ENABLED", False),
    # Celery: "" routes each task to the worker of the service it belongs to (course sync to the
    # cms-worker, attempts and questions to the lms-worker); a queue name routes all of them there.
    ("VE_EDU_VAULT_CELERY_QUEUE", ""),
    # Celery beat: Tutor runs no beat, so the plugin adds one service for the time-limit sweep.
    ("VE_EDU_VAULT_RUN_BEAT", True),
    ("VE_EDU_VAULT_SWEEP_INTERVAL_SECONDS", 60),
    # `tutor local do init --limit=ve-edu-vault` loads the demo data when this is on.
    ("VE_EDU_VAULT_LOAD_DEMO_DATA", False),
    # A link to the course's assessments at the top of the course outline in the learning MFE
    # (needs the tutor-mfe plugin; the LMS course tab is there either way).
    ("VE_EDU_VAULT_OUTLINE_LINK", True),
    ("VE_EDU_VAULT_OUTLINE_LINK_TEXT", "Assessments"),
]

#: The learning MFE's notifications slot of the course outline tab (frontend-app-learning passes it ``courseId``):
#: it is in the outline's right sidebar, between the Course Tools and the Course Dates widgets
#: (frontend-app-learning src/plugin-slots/CourseOutlineTabNotificationsSlot, rendered by
#: src/course-home/outline-tab/OutlineTab.jsx), not above the outline.
OUTLINE_SLOT = "org.openedx.frontend.learning.course_outline_tab_notifications.v1"
#: The widget put in that slot; ``VeEduVaultOutlineLink`` is defined by the patch
#: ``mfe-env-config-runtime-definitions-learning`` (rendered into the learning MFE's env.config.jsx).
OUTLINE_WIDGET = """{
        op: PLUGIN_OPERATIONS.Insert,
        widget: {
          id: 've_edu_vault_outline_link',
          type: DIRECT_PLUGIN,
          priority: 40,
          RenderWidget: VeEduVaultOutlineLink,
        },
      }"""

#: Values generated once per site and saved in config.yml (never shared between sites).
CONFIG_UNIQUE: list[tuple[str, object]] = [
    ("VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET", "{{ 32|random_string }}"),
    ("VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET", "{{ 32|random_string }}"),
]

#: Checkouts that `tutor mounts add /path/to/ve-edu-vault` installs in the openedx images (at build
#: time) and bind-mounts in the LMS/CMS containers (at run time). Tutor matches the folder name.
MOUNTED_DIRECTORY_PATTERN = r"ve[-_]edu[-_]vault$"


def _package_files(*parts: str) -> list[tuple[str, str]]:
    """(file name, text) of each file in a folder of this package, sorted by name."""
    folder = resources.files("tutor_ve_edu_vault").joinpath(*parts)
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.is_file() and not entry.name.startswith(".")
    )


def _init_task(service: str) -> str:
    return (
        resources.files("tutor_ve_edu_vault")
        .joinpath("templates", PLUGIN_NAME, "jobs", "init", f"{service}.sh")
        .read_text(encoding="utf-8")
    )


hooks.Filters.CONFIG_DEFAULTS.add_items(CONFIG_DEFAULTS)
hooks.Filters.CONFIG_UNIQUE.add_items(CONFIG_UNIQUE)

# One file per patch: the file name is the patch point.
hooks.Filters.ENV_PATCHES.add_items(_package_files("patches"))

hooks.Filters.MOUNTED_DIRECTORIES.add_item(("openedx", MOUNTED_DIRECTORY_PATTERN))

# The learning MFE's course outline sidebar links to the vault's assessments page (frontend plugin slot).
try:
    from tutormfe.hooks import PLUGIN_SLOTS
except ImportError:  # tutor-mfe is not installed: no MFE to add a link to
    pass
else:
    PLUGIN_SLOTS.add_item(("learning", OUTLINE_SLOT, OUTLINE_WIDGET))

# After Tutor's own LMS and CMS init (`./manage.py lms migrate` creates the vault's tables). The CMS task
# imports the demo course when VE_EDU_VAULT_LOAD_DEMO_DATA is on; the LMS task then runs vault_init (and
# creates the Blocks API's OAuth2 application). Same priority: they run in this order.
hooks.Filters.CLI_DO_INIT_TASKS.add_item(("cms", _init_task("cms")), priority=hooks.priorities.LOW)
hooks.Filters.CLI_DO_INIT_TASKS.add_item(("lms", _init_task("lms")), priority=hooks.priorities.LOW)
