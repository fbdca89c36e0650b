"""
The platform adapter: the only door from the plugin to edx-platform.

TLDR: call ``ve_edu_vault.platform.api``; never import ``lms``, ``cms``, ``common``, ``openedx`` or
``xmodule`` anywhere else (an import-linter contract and a test enforce it). The backend is a
module chosen by ``VE_EDU_VAULT_PLATFORM_BACKEND``: ``edx_platform`` (named by release, imports
lazily inside functions) or ``standalone`` (the plugin's own tables, for the hosts and tests).
"""
