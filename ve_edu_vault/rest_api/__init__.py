"""
The REST foundation every endpoint of the plugin uses: auth, permissions, paging, throttling, errors.

TLDR: subclass ``views.VaultAPIView`` (or use ``VaultViewMixin`` with generic views); do not set
authentication or exception handling per view. The LMS's global DRF settings are left untouched:
everything is set on our views.
"""

API_PREFIX = "api/ve-edu-vault/v1/"

# Registers the ``vault_id`` path converter every URL module of the plugin uses for ids.
from ve_edu_vault.rest_api import converters as _converters  # noqa: E402, F401
