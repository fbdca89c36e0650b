"""
Common settings for the LMS and Studio.

TLDR: defaults only. A value the deployment already set (Tutor patches, the hosts, operators'
YAML) is never overwritten, which is why every line goes through ``setdefault``.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # .. setting_name: VE_EDU_VAULT_PLATFORM_BACKEND
    # .. setting_default: "edx_platform"
    # .. setting_description: Which platform adapter backend the plugin uses: "edx_platform" inside
    #   the LMS and Studio, or a dotted module path (the repository's hosts use their stand-in platform,
    #   "hosts.standalone_platform.backend").
    "VE_EDU_VAULT_PLATFORM_BACKEND": "edx_platform",
    # .. setting_name: VE_EDU_VAULT_STORAGE_BACKEND
    # .. setting_default: "django"
    # .. setting_description: Storage of questions, attempts and responses: "django" (the ORM) or "mongodb".
    "VE_EDU_VAULT_STORAGE_BACKEND": "django",
    # .. setting_name: VE_EDU_VAULT_MONGODB_URL
    # .. setting_default: ""
    # .. setting_description: MongoDB connection string, required when the storage backend is "mongodb".
    "VE_EDU_VAULT_MONGODB_URL": "",
    # .. setting_name: VE_EDU_VAULT_MONGODB_DATABASE
    # .. setting_default: "ve_edu_vault"
    # .. setting_description: MongoDB database name for the "mongodb" storage backend.
    "VE_EDU_VAULT_MONGODB_DATABASE": "ve_edu_vault",
    # .. setting_name: VE_EDU_VAULT_MONGODB_OPTIONS
    # .. setting_default: None
    # .. setting_description: Keyword arguments of pymongo's MongoClient for the mongodb storage backend (pool
    #   and timeouts, e.g. {"maxPoolSize": 100, "serverSelectionTimeoutMS": 5000}); None: the backend's defaults.
    "VE_EDU_VAULT_MONGODB_OPTIONS": None,
    # .. setting_name: VE_EDU_VAULT_OUTLINE_SOURCE
    # .. setting_default: "modulestore"
    # .. setting_description: Where a sync reads the published outline: "modulestore" (inside Studio,
    #   through the platform adapter) or "blocks_api" (the LMS Course Blocks REST API).
    "VE_EDU_VAULT_OUTLINE_SOURCE": "modulestore",
    # .. setting_name: VE_EDU_VAULT_BLOCKS_API_URL
    # .. setting_default: ""
    # .. setting_description: LMS root URL for the "blocks_api" outline source (required with it).
    "VE_EDU_VAULT_BLOCKS_API_URL": "",
    # .. setting_name: VE_EDU_VAULT_BLOCKS_API_CLIENT_ID
    # .. setting_default: ""
    # .. setting_description: OAuth2 client id (client credentials) for the "blocks_api" outline source.
    "VE_EDU_VAULT_BLOCKS_API_CLIENT_ID": "",
    # .. setting_name: VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET
    # .. setting_default: ""
    # .. setting_description: OAuth2 client secret for the "blocks_api" outline source.
    "VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET": "",
    # .. setting_name: VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS
    # .. setting_default: 120
    # .. setting_description: With the "blocks_api" source, how long a sync scheduled by a publish keeps
    #   trying again (every 15 s) while the LMS still serves the outline last applied: the LMS refreshes
    #   its course blocks about 30 s after a publish. 0 applies whatever the first read returns.
    "VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS": 120,
    # .. toggle_name: VE_EDU_VAULT_AUTO_SYNC_ENABLED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: True
    # .. toggle_description: When on, Studio publishes schedule a sync of the vault's course mirror.
    #   When off, courses are synced only by staff (REST, management command).
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-11-25
    "VE_EDU_VAULT_AUTO_SYNC_ENABLED": True,
    # .. setting_name: VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS
    # .. setting_default: 10
    # .. setting_description: One sync task per course per window of this many seconds, however many
    #   signals a publish sends.
    "VE_EDU_VAULT_SYNC_DEBOUNCE_SECONDS": 10,
    # .. toggle_name: VE_EDU_VAULT_LTI_ENABLED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: False
    # .. toggle_description: Serves the LTI 1.3 tool endpoints (login, launch, JWKS, configuration) in the LMS.
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-11-25
    "VE_EDU_VAULT_LTI_ENABLED": False,
    # .. setting_name: VE_EDU_VAULT_LTI_BASE_URL
    # .. setting_default: None
    # .. setting_description: The LMS's public root URL in the tool's URLs (login, launch, JWKS) as platforms
    #   see them; None uses LMS_ROOT_URL.
    "VE_EDU_VAULT_LTI_BASE_URL": None,
    # .. setting_name: VE_EDU_VAULT_STUDIO_URL
    # .. setting_default: None
    # .. setting_description: Studio's public root URL for the LMS staff area's links to Studio's vault pages
    #   (sync history, question bank); None uses CMS_ROOT_URL, then https:// + CMS_BASE, as edx-platform names them.
    "VE_EDU_VAULT_STUDIO_URL": None,
    # .. setting_name: VE_EDU_VAULT_LTI_LAUNCH_TOKEN_SECONDS
    # .. setting_default: 14400
    # .. setting_description: How long the learner page of one LTI launch may call the API with its launch
    #   token (docs/decisions/0020-lti-tool.rst); the longest timed assessment should fit.
    "VE_EDU_VAULT_LTI_LAUNCH_TOKEN_SECONDS": 4 * 3600,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET
    # .. setting_default: ""
    # .. setting_description: Secret of the inbound webhook receiver (``/api/ve-edu-vault/v1/webhooks/inbound/``):
    #   senders sign with it as the Standard Webhooks specification says (Tutor generates one per site; a
    #   "whsec_" base64 value is read as such, any other string as its UTF-8 bytes). Empty: the receiver refuses all.
    #   Outbound deliveries are signed with each subscription's own secret.
    "VE_EDU_VAULT_WEBHOOK_SIGNING_SECRET": "",
    # .. toggle_name: VE_EDU_VAULT_WEBHOOKS_ENABLED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: True
    # .. toggle_description: When on, every vault event (course synced, attempt submitted and graded, regrade
    #   finished, mastery reached) is written to the webhook outbox in the transaction of its change and delivered
    #   to the matching subscriptions by a Celery task. When off, nothing is recorded (the plugin signals are sent).
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-12-04
    "VE_EDU_VAULT_WEBHOOKS_ENABLED": True,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS
    # .. setting_default: []
    # .. setting_description: Networks (CIDR strings, e.g. "10.0.0.0/8") a webhook URL may resolve to besides
    #   public addresses. Private, loopback, link-local and reserved addresses are refused otherwise, when a
    #   subscription is saved and again before each delivery (a receiver must not reach the vault's own network).
    "VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS": [],
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_MAX_ATTEMPTS
    # .. setting_default: 10
    # .. setting_description: Tries of one delivery before it is marked failed (staff may replay it).
    "VE_EDU_VAULT_WEBHOOK_MAX_ATTEMPTS": 10,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS
    # .. setting_default: 30
    # .. setting_description: Wait before the second try; it doubles with each try (with jitter: between half and
    #   all of it), up to VE_EDU_VAULT_WEBHOOK_RETRY_MAX_SECONDS. With the defaults ten tries span about 4 hours.
    "VE_EDU_VAULT_WEBHOOK_RETRY_BASE_SECONDS": 30.0,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_RETRY_MAX_SECONDS
    # .. setting_default: 7200
    # .. setting_description: The longest wait between two tries of a delivery.
    "VE_EDU_VAULT_WEBHOOK_RETRY_MAX_SECONDS": 7200.0,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_TIMEOUT_SECONDS
    # .. setting_default: 10
    # .. setting_description: Connect and read timeout of one delivery (each).
    "VE_EDU_VAULT_WEBHOOK_TIMEOUT_SECONDS": 10.0,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_DISABLE_AFTER_FAILURES
    # .. setting_default: 25
    # .. setting_description: A subscription whose tries failed this many times in a row (no success between) is
    #   disabled, and its creator and the site's ADMINS get an email; staff enable it again (admin or REST).
    "VE_EDU_VAULT_WEBHOOK_DISABLE_AFTER_FAILURES": 25,
    # .. setting_name: VE_EDU_VAULT_WEBHOOK_SECRET_OVERLAP_SECONDS
    # .. setting_default: 86400
    # .. setting_description: After a secret is rotated, deliveries are signed with the old and the new secret for
    #   this long (two signatures in the webhook-signature header), so receivers can switch without a gap.
    "VE_EDU_VAULT_WEBHOOK_SECRET_OVERLAP_SECONDS": 86400,
    # .. setting_name: VE_EDU_VAULT_GRADE_REPORT
    # .. setting_default: "task"
    # .. setting_description: Who hands a graded attempt's score (queued in the grading transaction) to
    #   the platform gradebook after commit: "task" (the report_pending_grades Celery task, queued at most
    #   once a second per process and run by the beat schedule; failures retried with backoff) or
    #   "inline" (the request itself; what fails stays queued for the task).
    "VE_EDU_VAULT_GRADE_REPORT": "task",
    # .. setting_name: VE_EDU_VAULT_ANALYTICS_SUMMARIES
    # .. setting_default: "task"
    # .. setting_description: Who adds a graded attempt to its assessment's item-analysis summaries after
    #   commit: "task" (the refresh_item_summaries Celery task, queued once per assessment and 2-second
    #   window (a cache key per window, asked once per process and window) and run 2 s after the window
    #   ends, adding every attempt not in the summaries yet, so the learner's submit does not wait for it;
    #   with the cache down each attempt queues update_item_summaries; if the queue cannot be reached the
    #   request does it) or "inline" (the request itself).
    "VE_EDU_VAULT_ANALYTICS_SUMMARIES": "task",
    # .. setting_name: VE_EDU_VAULT_MASTERY_POLICY
    # .. setting_default: None
    # .. setting_description: Default mastery policy for objectives without their own
    #   (``{"policy": "bkt", "params": {...}}``); None means k of the last n (4 of 5).
    "VE_EDU_VAULT_MASTERY_POLICY": None,
    # .. setting_name: VE_EDU_VAULT_CELERY_QUEUE
    # .. setting_default: None
    # .. setting_description: Celery queue for the vault's tasks; None uses the platform's default queue.
    "VE_EDU_VAULT_CELERY_QUEUE": None,
    # .. toggle_name: VE_EDU_VAULT_JWT_KEYS_REQUIRED
    # .. toggle_implementation: DjangoSetting
    # .. toggle_default: None
    # .. toggle_description: Whether a missing or unreadable JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"] is an
    #   error (system check ve_edu_vault.E001: ``check``, ``runserver`` and ``migrate`` refuse to run) or a
    #   warning (ve_edu_vault.W001). None decides by settings type: an error with the production settings,
    #   a warning with the test and devstack settings. Without that key set edx-drf-extensions accepts forged
    #   JWTs (docs/decisions/0006-jwt-signing-keys.rst); the vault's views then refuse every JWT either way.
    # .. toggle_use_cases: open_edx
    # .. toggle_creation_date: 2026-12-03
    # .. toggle_warning: Tutor always sets the key set; set this to False only on a development machine.
    "VE_EDU_VAULT_JWT_KEYS_REQUIRED": None,
    # .. setting_name: VE_EDU_VAULT_IMPORT_STORAGE
    # .. setting_default: None
    # .. setting_description: Dotted path of the Django storage class that keeps an uploaded question file
    #   until its import finishes (the Celery worker reads it there). None uses edx-platform's
    #   COURSE_IMPORT_EXPORT_STORAGE when it is set (cms/envs/production.py: S3 with a bucket, else the
    #   default file storage), otherwise Django's default storage.
    "VE_EDU_VAULT_IMPORT_STORAGE": None,
    # .. setting_name: VE_EDU_VAULT_EXPORT_STORAGE
    # .. setting_default: None
    # .. setting_description: Dotted path of the Django storage class the export task writes large exports
    #   to (the requester downloads them from the staff area's exports page). None uses Django's default storage.
    "VE_EDU_VAULT_EXPORT_STORAGE": None,
    # .. setting_name: VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES
    # .. setting_default: 1048576
    # .. setting_description: Question files up to this size are previewed and imported in the request;
    #   larger ones by a Celery task (the Studio page and the REST job show the progress).
    "VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES": 1024 * 1024,
    # .. setting_name: VE_EDU_VAULT_IMPORT_MAX_BYTES
    # .. setting_default: 67108864
    # .. setting_description: The largest question file (or package) accepted for import.
    "VE_EDU_VAULT_IMPORT_MAX_BYTES": 64 * 1024 * 1024,
    # .. setting_name: VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS
    # .. setting_default: 24
    # .. setting_description: An uploaded question file that is not imported within this many hours (never
    #   confirmed, refused, failed, or left by a lost task) is deleted from the import storage by the
    #   periodic ``expire_question_uploads`` task; its job is kept as the audit record, marked failed with
    #   the reason, and the author uploads the file again to import it.
    "VE_EDU_VAULT_IMPORT_UPLOAD_TTL_HOURS": 24,
    # .. setting_name: VE_EDU_VAULT_ANSWER_MAX_PART_BYTES
    # .. setting_default: 204800
    # .. setting_description: Largest answer to one part of a question a learner may save (its compact JSON,
    #   UTF-8); a larger one is refused with a 400 (``answer_too_large``) naming the part. 200 KiB holds the
    #   longest essay (extended text: 50,000 characters of up to 4 bytes); each type's schema bounds its
    #   own answers more tightly (a choice id, 2,000 characters a blank, 400 for a number).
    "VE_EDU_VAULT_ANSWER_MAX_PART_BYTES": 200 * 1024,
    # .. setting_name: VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES
    # .. setting_default: 1048576
    # .. setting_description: Largest total of the answers one save (autosave or check) may carry; a larger
    #   request is refused with a 400 (``answer_too_large``, field ``answers``) and nothing of it is stored.
    "VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES": 1024 * 1024,
    # .. setting_name: VE_EDU_VAULT_API_THROTTLE_RATES
    # .. setting_default: {"vault_user": "600/minute", "vault_staff": "3000/minute",
    #   "vault_webhooks_inbound": "600/minute"}
    # .. setting_description: DRF throttle rates of the vault's REST API, per scope: each user's (or anonymous
    #   address's) requests, global staff's, and those of an endpoint class with its own scope (the webhook
    #   receiver, counted per sender address). A scope without a rate falls back to the user and staff scopes.
    "VE_EDU_VAULT_API_THROTTLE_RATES": {
        "vault_user": "600/minute",
        "vault_staff": "3000/minute",
        "vault_webhooks_inbound": "600/minute",
    },
}


def plugin_settings(settings: Any) -> None:
    """Set the plugin's defaults on a settings module, never overwriting a value already set."""
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
