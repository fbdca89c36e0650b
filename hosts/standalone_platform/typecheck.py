"""
mypy checks the hosts' backend modules against the ``PlatformBackend`` Protocol (nothing runs here).

``make quality`` runs ``mypy ve_edu_vault hosts``; a missing function or a wrong signature in
``backend`` fails it. The edx-platform backends are checked in ``ve_edu_vault/platform/backends/typecheck.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hosts import workbench_backend
    from hosts.standalone_platform import backend
    from ve_edu_vault.platform.backends.base import PlatformBackend

    _standalone: PlatformBackend = backend
    _workbench: PlatformBackend = workbench_backend  # the XBlock SDK workbench's (tests/xblock/)
