"""Reference computations of the item statistics with NumPy and SciPy (the tests' oracle)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats


def _corr(a: Any, b: Any) -> float | None:
    if np.var(a) == 0 or np.var(b) == 0 or len(a) < 2:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def reference(fractions: list[list[float]], points: list[float]) -> dict[str, Any]:
    """Facility, corrected item-total r, point-biserial per column; alpha, KR-20, SEM, mean of the matrix."""
    x = np.array(fractions, dtype=float)
    y = x * np.array(points, dtype=float)
    t = y.sum(axis=1)
    c = (x == 1.0).astype(float)
    n, k = x.shape
    items = []
    for i in range(k):
        biserial = None
        if len(set(c[:, i])) > 1 and np.var(t) > 0:
            biserial = float(stats.pointbiserialr(c[:, i], t).statistic)
        items.append(
            {
                "facility": float(x[:, i].mean()),
                "discrimination": _corr(y[:, i], t - y[:, i]),
                "point_biserial": biserial,
            }
        )
    alpha = kr20 = sem = None
    if n > 1 and k > 1 and t.var(ddof=1) > 0:
        alpha = k / (k - 1) * (1 - y.var(axis=0, ddof=1).sum() / t.var(ddof=1))
        sem = float(t.std(ddof=1) * math.sqrt(1 - alpha))
        if set(np.unique(x)) <= {0.0, 1.0} and x.sum(axis=1).var() > 0:
            p = x.mean(axis=0)
            kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var(ddof=0))  # the textbook form
    return {"items": items, "alpha": alpha, "kr20": kr20, "sem": sem, "mean": float(t.mean()), "n": n}
