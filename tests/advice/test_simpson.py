"""A small data set built by hand with a Simpson's paradox: the total's win rate rises, every team's falls."""

from __future__ import annotations

import csv
import datetime as dt

import salesscope
from salesscope.advice import findings
from salesscope.ingest import import_files

# (month, team) -> (won, closed). Jan: A 80/100, B 20/100 = 50%. Feb: A 225/300, B 15/100 = 60%.
DEALS = {("2026-01", "A"): (80, 100), ("2026-01", "B"): (20, 100),
         ("2026-02", "A"): (225, 300), ("2026-02", "B"): (15, 100)}


def build(tmp_path):
    reps = tmp_path / "reps.csv"
    opps = tmp_path / "opportunities.csv"
    with reps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rep_id", "name", "team"])
        w.writerows([["A1", "Ava", "A"], ["B1", "Ben", "B"]])
    with opps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id"])
        k = 0
        for (month, team), (won, closed) in DEALS.items():
            for i in range(closed):
                k += 1
                day = 1 + i % 27
                w.writerow([f"O{k}", f"{month}-01T09:00", "won" if i < won else "lost",
                            f"{month}-{day:02d}T12:00", "1000", f"{team}1"])
    ws = salesscope.init(tmp_path / "ws")
    import_files(ws, [reps, opps], progress=False)
    return ws


def test_simpson_paradox_is_caught(tmp_path):
    ws = build(tmp_path)
    total = ws.kpis(["win_rate"], grain="month", start="2026-02-01", end="2026-02-28")
    assert total.loc[total["period"] == "2026-02", "change"].iloc[0] > 0  # the engine's total rises
    found = findings(ws, period="2026-02", by=["team"], today=dt.date(2026, 3, 15))
    [f] = [f for f in found if f.code == "simpson_reversal"]
    assert f.kind == "warning" and f.kpi == "win_rate" and f.confidence == "high"
    assert f.evidence["breakdown"] == "team"
    assert {p["dimensions"]["team"]: p["change"] < 0 for p in f.evidence["parts"]} == {"A": True, "B": True}
    assert "by team" in f.advice_en and "سیمپسون" in f.advice_fa
    # The warning explains itself: the mix moved to team A (50% to 75% of the deals) while each team fell.
    # Mix effect by hand: A (0.75-0.5)*(0.8+0.75)/2 + B (0.25-0.5)*(0.2+0.15)/2 = +15 points; rate effect -5.
    assert "mix moved to team A (from 50.0% to 75.0%" in f.advice_en and "within each team it fell" in f.advice_en
    assert abs(f.evidence["mix_effect"] - 15.0) < 1e-9 and abs(f.evidence["rate_effect"] + 5.0) < 1e-9
    # No other finding about the total's win rate contradicts or repeats it.
    assert not [g for g in found if g.kpi == "win_rate" and not g.dimensions and g is not f]
    ws.close()
