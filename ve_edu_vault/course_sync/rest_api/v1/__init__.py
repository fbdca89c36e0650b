"""Version 1 of the course sync REST API, under ``/api/ve-edu-vault/v1/``."""
