"""
Item and test statistics from sums: pure functions, no Django, checked against NumPy and SciPy in the tests.

TLDR: every figure is a closed form of counts and sums of products (``data.ItemSums``, ``data.AssessmentSums``),
so the database aggregates and nothing loads every response. A statistic that is undefined on the data (one
attempt, zero variance, a single item) is ``None``, never a guess.

- facility: mean fraction of the points earned (0..1).
- discrimination: the corrected item-total correlation, Pearson's r between the item's points and the rest of the
  attempt's total (the total without the item), so an item does not correlate with itself.
- point-biserial: Pearson's r between correct (1/0) and the attempt's total (``scipy.stats.pointbiserialr``).
- Cronbach's alpha: ``k/(k-1) * (1 - sum of item variances / variance of the total)`` over items in points.
- KR-20: the same on right/wrong items and the number right, only when every response scored 0 or 1.
- SEM: ``sd * sqrt(1 - alpha)`` with the sample standard deviation of the total (n - 1).
Variances here use n - 1; alpha and KR-20 are ratios, so the choice cancels out in them.
"""

from __future__ import annotations

import math

from ve_edu_vault.analytics.data import AssessmentSums, ItemSums

__all__ = [
    "alpha",
    "corrected_item_total",
    "facility",
    "kr20",
    "pearson",
    "point_biserial",
    "sample_variance",
    "sem",
]

#: Relative size under which a variance counts as zero (sums of floats are not exact).
_EPSILON = 1e-12


def sample_variance(n: int, s: float, ss: float) -> float | None:
    """Variance (n - 1) from the count, sum and sum of squares; None under two values."""
    if n < 2:
        return None
    value = (ss - s * s / n) / (n - 1)
    scale = max(abs(ss), 1.0)
    return 0.0 if value <= _EPSILON * scale else value


def pearson(n: int, sa: float, saa: float, sb: float, sbb: float, sab: float) -> float | None:
    """Pearson's r from sums; None when either side has no variance or under two pairs."""
    va = sample_variance(n, sa, saa)
    vb = sample_variance(n, sb, sbb)
    if not va or not vb:
        return None
    cov = (sab - sa * sb / n) / (n - 1)
    return max(-1.0, min(1.0, cov / math.sqrt(va * vb)))


def facility(sums: ItemSums) -> float | None:
    return sums.sx / sums.n if sums.n else None


def corrected_item_total(sums: ItemSums) -> float | None:
    """r between the item's points y and the rest of the total r = t - y."""
    sr = sums.st - sums.sy
    srr = sums.stt - 2 * sums.syt + sums.syy
    syr = sums.syt - sums.syy
    return pearson(sums.n, sums.sy, sums.syy, sr, srr, syr)


def point_biserial(sums: ItemSums) -> float | None:
    """r between correct (1/0, so the sum of squares is the count right) and the total."""
    return pearson(sums.n, sums.sc, sums.sc, sums.st, sums.stt, sums.sct)


def alpha(test: AssessmentSums, items: list[ItemSums]) -> float | None:
    """Cronbach's alpha over the questions (``items``: one roll-up per question, each in every attempt)."""
    k = len(items)
    if k < 2 or not test.same_items:
        return None
    total = sample_variance(test.n, test.st, test.stt)
    parts = [sample_variance(item.n, item.sy, item.syy) for item in items]
    if not total or any(part is None for part in parts):
        return None
    return k / (k - 1) * (1 - math.fsum(part for part in parts if part is not None) / total)


def kr20(test: AssessmentSums, items: list[ItemSums]) -> float | None:
    """Kuder-Richardson 20 on right/wrong items; None unless every response scored 0 or 1."""
    k = len(items)
    if k < 2 or not test.same_items or not test.dichotomous or test.n < 2:
        return None
    total = sample_variance(test.n, test.su, test.suu)
    if not total:
        return None
    # p*q with n - 1, as the total's variance: sum(x^2) = sum(x) for 0/1 items.
    parts = [sample_variance(item.n, item.sx, item.sx) or 0.0 for item in items]
    return k / (k - 1) * (1 - math.fsum(parts) / total)


def sem(test: AssessmentSums, reliability: float | None) -> float | None:
    """Standard error of measurement, in points: sd of the total * sqrt(1 - reliability)."""
    variance = sample_variance(test.n, test.st, test.stt)
    if reliability is None or variance is None:
        return None
    return math.sqrt(variance) * math.sqrt(max(0.0, 1 - reliability))
