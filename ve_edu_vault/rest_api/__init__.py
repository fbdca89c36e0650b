"""
The REST foundation every endpoint of the plugin uses: auth, permissions, paging, throttling, errors.

TLDR: subclass ``views.VaultAPIView`` (or use ``VaultViewMixin`` with generic views); do not set
authentication or exception handling per view. The LMS's global DRF settings are left untouched:
everything is set on our views.
"""

API_PREFIX = "api/ve-edu-vault/v1/"
