"""Stand-in package of edx-platform (tests only)."""
