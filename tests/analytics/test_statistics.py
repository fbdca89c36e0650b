"""
The pure statistics (sums in, figures out) against NumPy/SciPy on random matrices and a published worked example.

No database: ``ItemSums``/``AssessmentSums`` are built from the matrix as the database would sum it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analytics.reference import reference
from ve_edu_vault.analytics import statistics
from ve_edu_vault.analytics.data import AssessmentSums, ItemSums


def sums_of(matrix: list[list[float]], points: list[float]) -> tuple[AssessmentSums, list[ItemSums]]:
    x = np.array(matrix, dtype=float)
    y = x * np.array(points)
    t = y.sum(axis=1)
    c = (x == 1.0).astype(float)
    u = x.sum(axis=1)
    items = [
        ItemSums(
            question_id=i,
            version_id=i,
            version=1,
            points=points[i],
            n=len(x),
            sx=float(x[:, i].sum()),
            sy=float(y[:, i].sum()),
            syy=float((y[:, i] ** 2).sum()),
            syt=float((y[:, i] * t).sum()),
            st=float(t.sum()),
            stt=float((t**2).sum()),
            sc=float(c[:, i].sum()),
            sct=float((c[:, i] * t).sum()),
        )
        for i in range(x.shape[1])
    ]
    test = AssessmentSums(
        n=len(x),
        st=float(t.sum()),
        stt=float((t**2).sum()),
        su=float(u.sum()),
        suu=float((u**2).sum()),
        dichotomous=bool(set(np.unique(x)) <= {0.0, 1.0}),
    )
    return test, items


def approx(value: float | None, expected: float | None) -> bool:
    if expected is None:
        return value is None
    return value is not None and abs(value - expected) < 1e-7


matrices = st.integers(min_value=1, max_value=4).flatmap(
    lambda k: st.lists(
        st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=k, max_size=k), min_size=1, max_size=30
    )
)


@settings(max_examples=200, deadline=None)
@given(matrices, st.data())
def test_random_matrices_match_numpy(matrix: list[list[float]], data: st.DataObject) -> None:
    k = len(matrix[0])
    points = data.draw(st.lists(st.sampled_from([1.0, 2.0, 0.5]), min_size=k, max_size=k))
    test, items = sums_of(matrix, points)
    expected = reference(matrix, points)
    assert approx(statistics.alpha(test, items), expected["alpha"])
    assert approx(statistics.kr20(test, items), expected["kr20"])
    assert approx(statistics.sem(test, statistics.alpha(test, items)), expected["sem"])
    for item, want in zip(items, expected["items"], strict=True):
        assert approx(statistics.facility(item), want["facility"])
        assert approx(statistics.corrected_item_total(item), want["discrimination"])
        assert approx(statistics.point_biserial(item), want["point_biserial"])


def test_kr20_hand_worked_example() -> None:
    """
    KR-20 worked by hand from the textbook formula ``k/(k-1) * (1 - sum(p*q) / population variance of the total)``:
    3 items, 4 students, p = 0.75, 0.5, 0.25, sum(p*q) = 0.625, totals 3, 2, 1, 0 with variance 1.25.
    """
    matrix = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    test, items = sums_of(matrix, [1.0, 1.0, 1.0])
    x = np.array(matrix, dtype=float)
    p = x.mean(axis=0)  # 0.75, 0.5, 0.25
    expected = 3 / 2 * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var())  # 1.5 * (1 - 0.625/1.25) = 0.75
    assert expected == pytest.approx(0.75)
    assert statistics.kr20(test, items) == pytest.approx(0.75)
    # All items right/wrong and of one point: alpha equals KR-20.
    assert statistics.alpha(test, items) == pytest.approx(0.75)


def test_undefined_cases_are_none() -> None:
    assert statistics.sample_variance(1, 3.0, 9.0) is None
    assert statistics.sample_variance(3, 3.0, 3.0) == 0.0
    assert statistics.pearson(3, 3.0, 3.0, 1.0, 1.0, 1.0) is None  # no variance on one side
    test, items = sums_of([[1.0, 1.0]] * 5, [1.0, 1.0])
    assert statistics.alpha(test, items) is None and statistics.kr20(test, items) is None
    test, items = sums_of([[1.0], [0.0]], [1.0])
    assert statistics.alpha(test, items) is None  # one item
