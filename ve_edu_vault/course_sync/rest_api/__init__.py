"""REST API of course sync (Studio process only): the mirror, sync history, triggers, review, settings."""
