"""Reading one indicator's rows from the engine's frames (split once per frame)."""

from __future__ import annotations

import pandas as pd

from salesscope.advice.frames import one, rows, series

from .tidy import frame, row


def _frame() -> pd.DataFrame:
    data = [row(kpi, i, 10.0 * i + k, rep="r1") for i in range(6) for k, kpi in enumerate(["win_rate", "churn_rate"])]
    return frame(data + [row("win_rate", 2, 99.0, rep="r2")])


def test_rows_are_the_indicators_rows_in_order_with_their_index():
    df = _frame()
    for kpi in ("win_rate", "churn_rate"):
        pd.testing.assert_frame_equal(rows(df, kpi), df[df["kpi"] == kpi])
        pd.testing.assert_frame_equal(rows(df, kpi, "2024-03"), df[(df["kpi"] == kpi) & (df["period"] == "2024-03")])
    assert rows(df, "rrroi").empty and list(rows(df, "rrroi").columns) == list(df.columns)
    assert one(df, "win_rate", "2024-03", {"rep": "r2"})["value"] == 99.0
    assert list(series(df, "churn_rate", {"rep": "r1"})["value"]) == [1.0, 11.0, 21.0, 31.0, 41.0, 51.0]


def test_a_callers_change_stays_its_own():
    df = _frame()
    mine = rows(df, "win_rate")
    mine["value"] = -1.0
    mine.loc[mine.index[0], "period"] = "changed"
    assert (rows(df, "win_rate")["value"] >= 0).all()
    assert rows(df, "win_rate")["period"].iloc[0] == "2024-01"
    # another frame with the same content is split on its own
    other = _frame()
    other.loc[other["kpi"] == "win_rate", "value"] = 5.0
    assert (rows(other, "win_rate")["value"] == 5.0).all()
