"""Stand-in of ``lms/djangoapps/grades/signals/`` (tests only)."""
