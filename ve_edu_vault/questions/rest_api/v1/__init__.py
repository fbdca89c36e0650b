"""Question bank REST API, version 1 (Studio)."""
