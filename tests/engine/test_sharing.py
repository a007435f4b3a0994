"""A batch of questions (``ws.sharing()``) reads each fact once and answers exactly as separate
requests do; outside a batch every request reads the store afresh."""

from __future__ import annotations

import pandas as pd
import pytest

REPS = [{"rep_id": "r1", "name": "Sara", "team": "North", "hourly_cost": 10},
        {"rep_id": "r2", "name": "Reza", "team": "South", "hourly_cost": 20}]


def deals(prefix: str, n: int, month: str, status: str, rep: str, channel: str) -> list[dict]:
    return [{"opportunity_id": f"{prefix}{i}", "created_at": f"2026-{month}-02 09:00",
             "closed_at": f"2026-{month}-20 09:00" if status != "open" else None, "status": status,
             "amount": 100.0 * (i + 1), "rep_id": rep, "channel": channel} for i in range(n)]


@pytest.fixture
def ws(make_ws):
    return make_ws({"reps": REPS, "opportunities": deals("a", 3, "01", "won", "r1", "email")
                    + deals("b", 2, "01", "lost", "r2", "call") + deals("c", 4, "02", "won", "r2", "call")
                    + deals("d", 1, "02", "lost", "r1", "email")})


def fact_queries(ws, monkeypatch) -> list:
    """Record every aggregate the engine sends to the backend."""
    sent: list = []
    real = ws.backend.execute
    monkeypatch.setattr(ws.backend, "execute", lambda expr, *a, **k: sent.append(expr) or real(expr, *a, **k))
    return sent


ZOOMS = [dict(by="rep"), dict(by=["channel", "rep"]), dict(grain="quarter"), dict(by="team", details=True)]


def test_a_batch_answers_as_separate_requests(ws):
    alone = [ws.kpis(["win_rate", "avg_deal_size", "revenue_growth"], **z) for z in ZOOMS]
    with ws.sharing():
        shared = [ws.kpis(["win_rate", "avg_deal_size", "revenue_growth"], **z) for z in ZOOMS]
        again = [ws.kpis(["win_rate", "avg_deal_size", "revenue_growth"], **z) for z in ZOOMS]
    for a, s, g in zip(alone, shared, again, strict=True):
        pd.testing.assert_frame_equal(a, s, check_exact=True)
        pd.testing.assert_frame_equal(a, g, check_exact=True)
    jan = alone[0][(alone[0].kpi == "win_rate") & (alone[0].period == "2026-01")].set_index("rep")
    assert jan.loc["r1", "value"] == 100.0 and jan.loc["r2", "value"] == 0.0  # 3 of 3 won; 0 of 2


def test_a_batch_reads_each_fact_once(ws, monkeypatch):
    sent = fact_queries(ws, monkeypatch)
    with ws.sharing():
        ws.kpis(["win_rate", "avg_deal_size"], by="rep", details=True)
        first = len(sent)
        ws.kpis(["win_rate"], by="rep")  # the deals' measures it needs were read just above
        assert len(sent) == first
        ws.kpis(["win_rate"], by="channel")  # another breakdown is another question
        assert len(sent) > first
    assert first > 0


def test_outside_a_batch_a_change_is_seen(ws):
    before = ws.kpis(["win_rate"], by="rep", start="2026-02-01", end="2026-02-28").set_index("rep")
    assert before.loc["r1", "value"] == 0.0
    with ws.sharing():
        ws.kpis(["win_rate"], by="rep", start="2026-02-01", end="2026-02-28")
    ws.duckdb.register("_more", pd.DataFrame(deals("e", 3, "02", "won", "r1", "email")))
    ws.duckdb.execute('INSERT INTO opportunities BY NAME SELECT * FROM _more')
    after = ws.kpis(["win_rate"], by="rep", start="2026-02-01", end="2026-02-28").set_index("rep")
    assert after.loc["r1", "value"] == 75.0  # 3 won of 4 closed
