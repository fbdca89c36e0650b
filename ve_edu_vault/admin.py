"""Django admin registrations of the app (found by ``admin.autodiscover``): the read-only audit log."""

from ve_edu_vault.audit import admin as _audit_admin  # noqa: F401
