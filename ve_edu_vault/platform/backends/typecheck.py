"""
mypy checks each edx-platform backend module against the ``PlatformBackend`` Protocol (nothing runs here).

A missing function or an incompatible signature in a backend fails ``mypy ve_edu_vault``. A new
release's backend gets one line here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ve_edu_vault.platform.backends import edx_platform_verawood
    from ve_edu_vault.platform.backends.base import PlatformBackend

    _verawood: PlatformBackend = edx_platform_verawood
