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


def test_a_range_inside_one_read_before_is_taken_from_it(demo_ws, monkeypatch):
    """A request for a few months, after the whole history was read in the same batch, sends no
    query and gives what it gives alone: every fact of the fifteen indicators (deals closed,
    deals open at a period's start and end, customers at a period's start, quotas and costs spread
    over days), by each breakdown."""
    months = dict(start="2025-09-01", end="2025-11-30")
    zooms = [dict(), dict(by="channel"), dict(by="rep"), dict(by="team"), dict(by="segment")]
    ids = {str(z.get("by")): [k for k, i in demo_ws.model.indicators.items()
                              if not z or z["by"] in {d.value for d in i.dimensions}] for z in zooms}
    alone = [demo_ws.kpis(ids[str(z.get("by"))], **z, **months) for z in zooms]
    sent = fact_queries(demo_ws, monkeypatch)
    with demo_ws.sharing():
        for z in zooms:
            demo_ws.kpis(ids[str(z.get("by"))], **z, details=True)
        first = len(sent)
        shared = [demo_ws.kpis(ids[str(z.get("by"))], **z, **months) for z in zooms]
        assert len(sent) == first  # every fact taken from the history read above
    for a, s in zip(alone, shared, strict=True):
        assert len(a) > 0 and a["value"].notna().any()
        # the values exactly; an interval read from the per-day rollups may differ in its last
        # bits, as a variance combined from a different set of days is added in another order
        pd.testing.assert_frame_equal(a, s, check_exact=False, rtol=1e-12, atol=0)
        pd.testing.assert_series_equal(a["value"], s["value"], check_exact=True)


def test_a_range_taken_from_the_history_keeps_only_its_own_rows(make_ws, monkeypatch):
    # r3 sells only in June: a breakdown of January and February has no row for r3, alone or shared
    ws = make_ws({"reps": [*REPS, {"rep_id": "r3", "name": "Nima", "team": "North", "hourly_cost": 30}],
                  "opportunities": deals("a", 3, "01", "won", "r1", "email") + deals("b", 2, "02", "lost", "r2", "call")
                  + deals("c", 4, "06", "won", "r3", "call")})
    months = dict(by="rep", start="2026-01-01", end="2026-02-28")
    alone = ws.kpis(["win_rate", "avg_deal_size"], **months)
    assert set(alone["rep"]) == {"r1", "r2"}
    sent = fact_queries(ws, monkeypatch)
    with ws.sharing():
        ws.kpis(["win_rate", "avg_deal_size"], by="rep")
        first = len(sent)
        shared = ws.kpis(["win_rate", "avg_deal_size"], **months)
    assert len(sent) == first
    pd.testing.assert_frame_equal(alone, shared, check_exact=True)
