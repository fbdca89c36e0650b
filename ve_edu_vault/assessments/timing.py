"""
When an assessment is open, when an attempt must end, and whether an answer still counts.

TLDR: pure arithmetic on aware datetimes; the api passes ``now`` in (tests never sleep).

Rules, chosen so a learner is never surprised:

- The window is the assessment's own dates; a date it leaves unset comes from the course node
  (start/due) when ``use_course_dates`` is on. The window is half-open: open from ``opens_at``
  inclusive to ``closes_at`` exclusive.
- An attempt's deadline is ``started_at + time_limit * time_multiplier + extra_minutes`` (whole
  seconds). A close date shortens a running attempt ONLY when staff set
  ``close_date_cuts_time``; otherwise the learner who starts just before the close date still gets
  the full time limit. Without a time limit, the deadline is the close date when it cuts time,
  else there is none.
- Answers are accepted up to and including ``deadline + grace_seconds``: the grace absorbs network
  latency of an answer sent as the clock ran out, and is never shown to the learner as time.
- ``seconds_left`` rounds up, so a countdown shows 0 only when time is really over.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from ve_edu_vault.assessments.data import Accommodation, AssessmentConfig

__all__ = ["accepts_answers", "attempt_deadline", "effective_window", "is_open", "seconds_left"]


def effective_window(
    config: AssessmentConfig,
    *,
    course_start: datetime | None,
    course_due: datetime | None,
) -> tuple[datetime | None, datetime | None]:
    """``(opens_at, closes_at)``: the config's dates, each falling back to the node's when allowed."""
    opens_at = config.opens_at
    closes_at = config.closes_at
    if config.use_course_dates:
        if opens_at is None:
            opens_at = course_start
        if closes_at is None:
            closes_at = course_due
    return opens_at, closes_at


def attempt_deadline(
    *,
    started_at: datetime,
    time_limit_minutes: int | None,
    accommodation: Accommodation,
    closes_at: datetime | None,
    close_date_cuts_time: bool,
) -> datetime | None:
    """The instant a started attempt runs out of time, or ``None`` if it never does."""
    deadline: datetime | None = None
    if time_limit_minutes is not None:
        seconds = round(time_limit_minutes * 60 * accommodation.time_multiplier) + accommodation.extra_minutes * 60
        deadline = started_at + timedelta(seconds=seconds)
    if close_date_cuts_time and closes_at is not None and (deadline is None or closes_at < deadline):
        deadline = closes_at
    return deadline


def accepts_answers(now: datetime, deadline: datetime | None, grace_seconds: int) -> bool:
    """Whether an answer arriving at ``now`` still counts (deadline plus grace, inclusive)."""
    if deadline is None:
        return True
    return now <= deadline + timedelta(seconds=grace_seconds)


def is_open(now: datetime, opens_at: datetime | None, closes_at: datetime | None) -> bool:
    """Whether a new attempt may start at ``now`` (``opens_at <= now < closes_at``; unset bounds are open)."""
    if opens_at is not None and now < opens_at:
        return False
    return not (closes_at is not None and now >= closes_at)


def seconds_left(now: datetime, deadline: datetime | None) -> int | None:
    """Whole seconds until the deadline, rounded up and never negative; ``None`` when untimed."""
    if deadline is None:
        return None
    return max(0, math.ceil((deadline - now).total_seconds()))
