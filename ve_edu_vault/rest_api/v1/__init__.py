"""Version 1 of the vault's REST API."""
