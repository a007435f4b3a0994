"""Win chances by stage and time in stage, checked against a hand computation on four stays.

Three deals entered Proposition on day 0 (A from Qualified, where it spent 20 days): A was won on day 10, B on day 20, C lost on day 5. D,
K, G and E entered it on days 60, 80, 90 and 93 and are still open on day 100, the origin. A stay
is looked at on days 0, 7, 14, 21, 28... of its time in stage while the deal is open and still
there; the cell (Proposition, 7-14 days in stage) holds the looks on day 7 of a stay:

    A won 3 days later; B won 13 days later; D (day 67) open 33 days later, K (day 87) 13 days
    later and G (day 97) 3 days later: censored at the origin.

With 14-day bins, the first bin has 5 at risk, 2 censored in it (at risk half of it, the actuarial
rule) and 2 won: a hazard of 2/4, so the chance of a win within 14 days is 1/2, and none comes
after. E, 7 days in, is at the start of the cell: 1/2 within two weeks. G, 10 days in, is 3 days
on: the curves are read between bin edges linearly, F(3) = 1/2 * 3/14 = 3/28 won and
S(3) = 1 - 3/28 still open, so its chance of a win in the next 14 days is
(1/2 - 3/28) / (25/28) = 11/25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesscope.forecast import stages

DAY = 86_400.0


def _entries() -> pd.DataFrame:
    rows = [("A", "Qualified", -20, "won", 10), ("A", "Proposition", 0, "won", 10), ("B", "Proposition", 0, "won", 20),
            ("C", "Proposition", 0, "lost", 5), ("D", "Proposition", 60, "open", None),
            ("E", "Proposition", 93, "open", None), ("G", "Proposition", 90, "open", None),
            ("K", "Proposition", 80, "open", None), ("H", "Qualified", 95, "open", None)]
    return pd.DataFrame({"opportunity_id": [r[0] for r in rows], "stage": [r[1] for r in rows],
                         "t": [r[2] * DAY for r in rows], "status": [r[3] for r in rows],
                         "x": [np.nan if r[4] is None else r[4] * DAY for r in rows]})


def _fit(t0_day: float) -> stages.StageTable:
    return stages.fit_stages(_entries(), t0_day * DAY, 14.0, 28.0, min_closed=2, tail_min=0.01)


def test_cell_chances_match_the_hand_computation():
    st = _fit(100)
    keys, since = st.place(_entries(), pd.Series(["E", "G", "K", "H", "Z"]), 100 * DAY)
    cell = stages.cell("Proposition", 1)
    assert list(keys[:2]) == [cell, cell] and since[:2] == pytest.approx([0, 3])
    p = stages.win_between(st, keys[:2], since[:2], np.zeros(2), np.full(2, 14.0))
    assert p == pytest.approx([1 / 2, 11 / 25])
    # nothing is won in the cell after its first two weeks
    later = stages.win_between(st, keys[:1], since[:1], np.full(1, 14.0), np.full(1, 28.0))
    assert later == pytest.approx([0.0])
    assert st.n_closed == 3  # A, B and C


def test_thin_cells_pool_the_stage_and_unknown_stages_have_none():
    st = _fit(100)
    keys, since = st.place(_entries(), pd.Series(["K", "H", "Z"]), 100 * DAY)
    # K is 20 days in: its cell (14-30 days) saw one deal closed (B), fewer than 2, so the stage's
    # pooled cell is used, from its last moment (day 14 in stage)
    assert keys[0] == stages.cell("Proposition", stages.POOLED) and since[0] == pytest.approx(6)
    assert list(keys[1:]) == ["", ""]  # no Qualified history; Z has no stage at all


def test_only_outcomes_known_at_the_origin_are_learned():
    obs = stages.observations(_entries(), 15 * DAY)
    b = obs[obs["opportunity_id"] == "B"].sort_values("days", ascending=False)
    # B's win on day 20 is after the origin: at day 15 it is open, censored at each of its moments
    assert b["event"].tolist() == ["censored"] * 3
    assert b["days"].tolist() == pytest.approx([15, 8, 1])
    assert set(obs["opportunity_id"]) == {"A", "B", "C"}  # D entered on day 60
    assert _fit(15).n_closed == 2


def test_a_stay_ends_when_the_deal_moves_on():
    obs = stages.observations(_entries(), 100 * DAY)
    qualified = obs[(obs["stage"] == "Qualified") & (obs["opportunity_id"] == "A")].sort_values("days", ascending=False)
    # A was in Qualified from day -20 to day 0: looked at on its days 0, 7 and 14 there, not 21
    assert qualified["days"].tolist() == pytest.approx([30, 23, 16])
    assert qualified["bucket"].tolist() == [0, 1, 2]


def test_a_thin_stage_history_leaves_the_forecast_to_deal_age_and_says_so(make_ws):
    """60 closed deals, only 5 of them with a stage history: too few to learn stages from."""
    import datetime as dt

    from salesscope.forecast import data
    from salesscope.forecast.periods import periods_from
    from salesscope.forecast.simulate import Settings, run
    from salesscope.forecast.texts import method_text
    from salesscope.vocab import Calendar, Grain

    start = dt.datetime(2025, 1, 6)
    rows = [{"opportunity_id": f"D{i}", "created_at": start + dt.timedelta(days=4 * i),
             "closed_at": start + dt.timedelta(days=4 * i + 20), "status": "lost" if i % 3 else "won",
             "amount": 1000.0, "rep_id": "r1"} for i in range(60)]
    rows.append({"opportunity_id": "OPEN", "created_at": start + dt.timedelta(days=250), "status": "open",
                 "amount": 1000.0, "rep_id": "r1"})
    ws = make_ws({"opportunities": pd.DataFrame(rows)})
    d = data.deals(ws, None, None)
    staged = d[d["opportunity_id"].isin([f"D{i}" for i in range(5)] + ["OPEN"])]
    entries = pd.DataFrame({"opportunity_id": staged["opportunity_id"], "stage": "New", "t": staged["c"],
                            "status": staged["status"], "x": staged["x"]})
    as_of = start + dt.timedelta(days=260)
    r = run(d, as_of, periods_from(as_of.date(), 2, Grain.MONTH, Calendar.GREGORIAN), Settings(sims=200), entries)
    assert (r.method, r.n_staged, r.n_stage_closed) == ("history", 0, 5)
    assert "stage_history_thin" in r.notes
    attrs = {"method": r.method, "n_closed": 60, "stratum": "all", "notes": r.notes, "n_stage_closed": 5}
    assert "Stage is not used: only 5 closed deals have a stage history" in method_text(attrs, "en")
    assert "مرحله به کار نرفته است" in method_text(attrs, "fa")
