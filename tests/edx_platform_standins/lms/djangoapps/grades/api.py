"""Stand-in of openedx-platform ``lms/djangoapps/grades/api.py``: exposes the grades signals as ``signals``."""

from .signals import signals  # noqa: F401 - upstream: ``from .signals import signals``
