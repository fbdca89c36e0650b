"""
Stand-in of openedx-platform ``lms/djangoapps/grades/signals/signals.py``: the grades app's ``SCORE_PUBLISHED``.

Upstream, ``score_published_handler`` (``lms/djangoapps/grades/signals/handlers.py``) receives it and stores the
score in the courseware student module; tests connect their own receiver to see what reached it.
"""

from django.dispatch import Signal

# Upstream: SCORE_PUBLISHED = Signal() with block, user, raw_earned, raw_possible, only_if_higher, score_deleted,
# grader_response.
SCORE_PUBLISHED = Signal()
