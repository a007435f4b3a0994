"""A company whose won deals are pushed to the end of each quarter, written as a CRM export.

Deals are created at a steady pace (three a day for three years from January 2023); 45% are won,
after a gamma-distributed cycle of about a month. A won deal due in the first two months of a
quarter slips, six times in ten, to the quarter's last weeks: revenue in the third month of each
quarter is about twice the first two's, a pattern an age-based win model cannot see.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

FIRST = dt.datetime(2023, 1, 1, 9)
DATA_END = dt.datetime(2026, 1, 13)


def _pushed(close: dt.datetime, rng: np.random.Generator) -> dt.datetime:
    last_month = close.month + (3 - close.month % 3)
    day = dt.datetime(close.year, last_month, 1) + dt.timedelta(days=int(rng.integers(10, 28)), hours=12)
    return max(close, day)


def write(root: Path, seed: int = 3, per_day: float = 3.0, push: float = 0.6) -> list[Path]:
    """opportunities.csv in ``root``: closed deals with their outcome, open ones at the data's end."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    rows, k, day = [], 0, FIRST
    while day < DATA_END:
        for _ in range(rng.poisson(per_day)):
            k += 1
            created = day + dt.timedelta(minutes=int(rng.integers(600)))
            won = rng.random() < 0.45
            close = created + dt.timedelta(days=float(rng.gamma(2.0, 15.0)))
            if won and close.month % 3 and rng.random() < push:
                close = _pushed(close, rng)
            amount = round(float(rng.lognormal(8.3, 0.6)), 2)
            done = close < DATA_END
            rows.append([f"O{k}", created, ("won" if won else "lost") if done else "open", close if done else "",
                         amount, f"R{k % 6}"])
        day += dt.timedelta(days=1)
    path = root / "opportunities.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id"])
        w.writerows(rows)
    return [path]
