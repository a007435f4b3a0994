"""The indicators find what the demo generator planted (src/salesscope/demo/FACTS.md)."""

from __future__ import annotations


def test_rrroi_signs_differ_by_channel(demo_ws):
    df = demo_ws.kpis(["rrroi"], by="channel", start="2026-03-01", end="2026-03-31")
    messaging = df[df.channel == "messaging"].iloc[0]
    email = df[df.channel == "email"].iloc[0]
    assert messaging.value > 0 and messaging.ci_low > 0  # more hours paid, beyond noise
    assert email.value < 0


def test_slow_rep_found(demo_ws):
    df = demo_ws.kpis(["lead_response_time"], by="rep", start="2026-03-01", end="2026-03-31")
    slow = df.sort_values("value").iloc[-1]
    others = df[df.rep != slow.rep]
    assert slow.rep == "R09"
    assert slow.ci_low > others["ci_high"].max()


def test_team_win_rate_falls_last_quarter(demo_ws):
    df = demo_ws.kpis(["win_rate"], grain="quarter", by="team", start="2025-04-01", end="2026-03-31")
    south = df[df.team == "South"].set_index("period")["value"]
    assert south["2026-Q1"] < south["2025-Q4"] - 10
    last = df[df.period == "2026-Q1"].set_index("team")
    assert last.loc["South", "ci_high"] < min(last.loc["North", "ci_low"], last.loc["Tehran", "ci_low"])


def test_smb_churn_rises(demo_ws):
    df = demo_ws.kpis(["churn_rate"], grain="quarter", by="segment", start="2025-07-01", end="2026-03-31")
    smb = df[df.segment == "smb"].set_index("period")["value"]
    assert smb["2026-Q1"] > 2 * smb["2025-Q3"]


def test_all_fifteen_defined_for_last_month(demo_ws):
    df = demo_ws.kpis(None, start="2026-03-01", end="2026-03-31")
    assert len(df) == 15
    assert df["value"].notna().all(), df[df["value"].isna()][["kpi", "reason"]]
