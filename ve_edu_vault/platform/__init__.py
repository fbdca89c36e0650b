"""
The platform adapter: the only door from the plugin to edx-platform.

TLDR: call ``ve_edu_vault.platform.api``; never import ``lms``, ``cms``, ``common``, ``openedx`` or
``xmodule`` anywhere else, and never call a backend module directly (an import-linter contract and a
test enforce the first). The backend is a module chosen by ``VE_EDU_VAULT_PLATFORM_BACKEND``:
``edx_platform`` (named by release, imports lazily inside functions, tested against the stand-ins in
tests/edx_platform_standins/) or a dotted module path (the repository's hosts use their own stand-in
platform, ``hosts.standalone_platform.backend``, whose tables are the hosts', not the plugin's).
Every backend is checked by mypy against ``backends.base.PlatformBackend``.
"""
