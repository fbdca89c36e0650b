"""
The standalone backend's stand-in for edx-platform's ``COURSE_PUBLISHED`` modulestore signal.

Sent with ``course_key`` by ``backends.standalone.publish_outline`` after the (stand-in)
modulestore changed, exactly as Studio sends the real one after a publish.
"""

from __future__ import annotations

from django.dispatch import Signal

COURSE_PUBLISHED = Signal()
