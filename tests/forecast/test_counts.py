"""The forecast's counts from the deals' rows, checked against counts made by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesscope.forecast import data
from salesscope.forecast.simulate import _amount_stats

DAY = data.DAY_S
AS_OF = 1_000 * DAY


def deals(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """(group, stratum, days before AS_OF it was created)"""
    return pd.DataFrame({"grp": pd.Series([r[0] for r in rows], dtype=object),
                         "stratum": pd.Series([r[1] for r in rows], dtype=object),
                         "c": [AS_OF - r[2] * DAY for r in rows]})


def test_creation_counts_fill_every_bucket_of_each_group_and_stratum_seen():
    d = deals([
        ("b", "x", 1), ("b", "x", 29.5), ("b", "x", 30), ("b", "x", 65),  # buckets 0, 0, 1, 2
        ("a", "y", 10),  # bucket 0
        ("a", "x", 90),  # exactly at the window's start: past its last bucket, yet the pair is seen
        ("c", "x", 91), ("c", "x", -1),  # before the window, after as_of: not counted, not seen
    ])
    got = data.creation_counts(d, AS_OF, window_days=90, bucket_days=30)
    expected = pd.DataFrame({
        "grp": ["a"] * 6 + ["b"] * 3,
        "stratum": ["x"] * 3 + ["y"] * 3 + ["x"] * 3,
        "bucket": np.array([0, 1, 2] * 3, dtype="int64"),
        "n": np.array([0, 0, 0, 1, 0, 0, 2, 1, 1], dtype="int64"),
    })
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_creation_counts_without_deals_in_the_window_are_empty():
    got = data.creation_counts(deals([("a", "x", 500)]), AS_OF, window_days=90, bucket_days=30)
    assert got.empty and list(got.columns) == ["grp", "stratum", "bucket", "n"]


def test_amount_stats_pool_a_thin_cell_with_its_stratum_then_its_group_then_everything():
    won = pd.DataFrame({"grp": ["a", "a", "b", "c"], "stratum": ["x", "y", "x", "z"],
                        "n": [2, 6, 3, 1], "s": [10.0, 60.0, 60.0, 7.0], "ss": [52.0, 700.0, 1300.0, 49.0]})
    lookup = _amount_stats(won, min_n=5)
    # (a, y) alone has 6 deals: mean 10, variance (700 - 6 * 100) / 5
    assert lookup("a", "y") == (10.0, 20.0)
    # (b, x) has 3: its stratum x has 5 (sums 70, 1352): mean 14, variance (1352 - 5 * 196) / 4
    assert lookup("b", "x") == (14.0, 93.0)
    # (a, x) has 2: its stratum (5 deals) comes before its group (8 deals)
    assert lookup("a", "x") == (14.0, 93.0)
    # (c, z) has 1, stratum z 1, group c 1: every won deal, 12 of them (sums 137, 2101)
    mean = 137 / 12
    assert lookup("c", "z") == (mean, (2101 - 12 * mean * mean) / 11)
