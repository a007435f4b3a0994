"""Scenarios with a known truth, written as CRM export files and imported like a user's data.

Each scenario is 28 months of closed deals and leads (October 2023 to January 2026) for three teams
of four reps, on three channels, with one thing planted (or, for ``seasonal``, nothing but a season).
``truth`` names the findings that must be there (recall) and ``allowed`` the ones that are true but
not required; any other finding is false (precision).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MONTHS = 28
FIRST = dt.date(2023, 10, 1)
TEAMS = {"North": ("N1", "N2", "N3", "N4"), "South": ("S1", "S2", "S3", "S4"), "West": ("W1", "W2", "W3", "W4")}
CHANNELS = ("email", "referral", "web")


@dataclass(frozen=True)
class Fact:
    """A finding that states this fact: one of ``codes`` on ``kpi`` at ``dims`` (None: any place)."""

    codes: tuple[str, ...]
    kpi: str | None = None
    dims: dict[str, str] | None = None

    def matches(self, f) -> bool:
        return (f.code in self.codes and (self.kpi is None or f.kpi == self.kpi)
                and (self.dims is None or f.dimensions == self.dims))


@dataclass
class Scenario:
    name: str
    today: dt.date
    period: str | None = None
    truth: list[Fact] = field(default_factory=list)
    allowed: list[Fact] = field(default_factory=list)
    # Per month index: (team, channel) -> (closed deals, win probability)
    deals: Callable[[int, str, str], tuple[int, float]] = lambda m, t, c: (34, 0.45)
    leads: Callable[[int, str], tuple[int, float]] = lambda m, c: (150, 0.30)
    deals_from: int = 0           # first month the deals export holds
    data_until: dt.date | None = None
    lead_conversions: bool = True  # whether the leads export carries its conversions
    lost_recorded: bool = True


def month_start(i: int) -> dt.date:
    y, m = divmod(FIRST.month - 1 + i, 12)
    return dt.date(FIRST.year + y, m + 1, 1)


def month_days(i: int) -> int:
    return (month_start(i + 1) - month_start(i)).days


def write(s: Scenario, root: Path, seed: int = 11) -> list[Path]:
    """The scenario's reps, leads and opportunities as CSV files in ``root``."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    reps, opps, leads = root / "reps.csv", root / "opportunities.csv", root / "leads.csv"
    with reps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rep_id", "name", "team"])
        for team, ids in TEAMS.items():
            w.writerows([[r, f"Rep {r}", team] for r in ids])
    lead_rows, opp_rows = [], []
    k = 0
    for m in range(MONTHS):
        start, days = month_start(m), month_days(m)
        for c in CHANNELS:
            n, p = s.leads(m, c)
            for _ in range(rng.poisson(n)):
                k += 1
                created = dt.datetime.combine(start, dt.time(9)) + dt.timedelta(days=int(rng.integers(days)),
                                                                                  minutes=int(rng.integers(480)))
                decided = created + dt.timedelta(days=int(rng.integers(2, 20)))
                converted = rng.random() < p
                if converted and (decided.date() < month_start(s.deals_from) or not s.lead_conversions):
                    converted = False  # the conversion lives in the deals export, which misses it
                team = list(TEAMS)[int(rng.integers(3))]
                lead_rows.append([f"L{k}", created, c, TEAMS[team][int(rng.integers(4))],
                                  decided if converted else "", decided if not converted and s.lead_conversions
                                  else ""])
        if m < s.deals_from:
            continue
        for team, ids in TEAMS.items():
            for c in CHANNELS:
                n, p = s.deals(m, team, c)
                for _ in range(n):
                    k += 1
                    closed = dt.datetime.combine(start, dt.time(12)) + dt.timedelta(days=int(rng.integers(days)))
                    won = rng.random() < p
                    if not won and not s.lost_recorded:
                        continue
                    created = closed - dt.timedelta(days=int(rng.integers(20, 41)))
                    opp_rows.append([f"O{k}", created, "won" if won else "lost", closed,
                                     int(rng.integers(10, 50)) * 100, ids[int(rng.integers(4))], c,
                                     "Closed Won" if won else "Closed Lost"])
    if s.data_until is not None:
        until = dt.datetime.combine(s.data_until, dt.time(23, 59))
        lead_rows = [r for r in lead_rows if r[1] <= until]
        lead_rows = [[*r[:4], r[4] if r[4] and r[4] <= until else "", r[5] if r[5] and r[5] <= until else ""]
                     for r in lead_rows]
        opp_rows = [r for r in opp_rows if r[3] <= until]
    with leads.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["lead_id", "created_at", "channel", "rep_id", "qualified_at", "disqualified_at"])
        w.writerows(lead_rows)
    with opps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id", "channel", "stage"])
        w.writerows(opp_rows)
    return [reps, leads, opps]


LAST = MONTHS - 1  # January 2026: the first month of a quarter
TODAY = dt.date(2026, 2, 10)
# True everywhere: a line saying what is too thin to act on.
THIN = Fact(("thin_sample",))


def _seasonal(m: int, team: str, c: str) -> tuple[int, float]:
    pos = (month_start(m).month - 1) % 3  # position in the quarter
    return (28, 30, 40)[pos], (0.49, 0.65, 0.80)[pos]


def _team_drop(m: int, team: str, c: str) -> tuple[int, float]:
    return 34, (0.22 if team == "South" and m == LAST else 0.45)


def _mix_shift(m: int, team: str, c: str) -> tuple[int, float]:
    rate = {"email": 0.20, "referral": 0.70, "web": 0.45}[c] + (0.03 if m == LAST else 0.0)
    volume = {"email": 60, "referral": 10, "web": 10} if m == LAST else {"email": 25, "referral": 25, "web": 25}
    return volume[c], rate


def _thin(m: int, team: str, c: str) -> tuple[int, float]:
    if team == "West":  # a small team: two deals per channel a month, none won in the last
        return 2, (0.0 if m == LAST else 0.6)
    return 34, 0.45


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("seasonal", TODAY, deals=_seasonal, allowed=[THIN, Fact(("seasonal_pattern",), "win_rate", {})]),
    Scenario("team_drop", TODAY, deals=_team_drop,
             truth=[Fact(("win_rate_falling", "anomaly_low"), "win_rate", {"team": "South"})],
             allowed=[THIN, Fact(("win_rate_falling", "anomaly_low"), "win_rate", {}),
                      Fact(("one_segment_carries",), "win_rate"), Fact(("revenue_falling",), "revenue_growth")]),
    Scenario("mix_shift", TODAY, deals=_mix_shift,
             truth=[Fact(("simpson_reversal", "mix_shift"), "win_rate", {})],
             allowed=[THIN, Fact(("revenue_falling",), "revenue_growth")]),
    Scenario("thin", TODAY, deals=_thin, truth=[Fact(("thin_sample",), "win_rate")], allowed=[THIN]),
    Scenario("data_window", TODAY, deals_from=9,
             truth=[Fact(("data_window",), "lead_conversion_rate")], allowed=[THIN]),
    Scenario("in_progress", dt.date(2026, 1, 13), period="2026-01", data_until=dt.date(2026, 1, 12),
             truth=[Fact(("period_in_progress",))], allowed=[THIN]),
    Scenario("lost_conversions", TODAY, lead_conversions=False,
             truth=[Fact(("impossible_value",), "lead_conversion_rate", {})], allowed=[THIN]),
    Scenario("no_lost_deals", TODAY, lost_recorded=False,
             truth=[Fact(("impossible_value",), "win_rate", {})], allowed=[THIN]),
)}


def score(s: Scenario, found: list) -> tuple[int, int, int, int]:
    """(true findings, findings, true facts found, true facts)."""
    good = sum(1 for f in found if any(t.matches(f) for t in (*s.truth, *s.allowed)))
    hit = sum(1 for t in s.truth if any(t.matches(f) for f in found))
    return good, len(found), hit, len(s.truth)
