"""
Storage infrastructure shared by the applets' repositories: the MongoDB client, retries, indexes.

TLDR: only repositories, stores and this package talk to a database server directly (the ``storage-door``
import-linter contract). Applets choose a backend with ``VE_EDU_VAULT_STORAGE_BACKEND``.
"""
