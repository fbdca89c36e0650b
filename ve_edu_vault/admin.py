"""Django admin registrations of the app (found by ``admin.autodiscover``): the read-only audit log, the LTI tool,
webhooks."""

from ve_edu_vault.audit import admin as _audit_admin  # noqa: F401
from ve_edu_vault.lti import admin as _lti_admin  # noqa: F401
from ve_edu_vault.webhooks import admin as _webhooks_admin  # noqa: F401
