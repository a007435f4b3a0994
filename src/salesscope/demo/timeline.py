"""Days, seasons and working hours of the demo company (times are seconds since 1970, local)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jdatetime
import numpy as np

from salesscope.demo import facts as F

DAY = 86_400
HOUR = 3_600
WORK_START = 8 * HOUR
WORK_END = 17 * HOUR
NOWRUZ_HOLIDAYS = 13  # 1 to 13 Farvardin
NOWRUZ_FACTOR = 0.3
ESFAND_PUSH_DAYS = 25  # 1 to 25 Esfand: the push before the Persian year ends
ESFAND_FACTOR = 1.2


def _epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def working(days: np.ndarray) -> np.ndarray:
    """Saturday to Wednesday are working days; Thursday and Friday are the weekend."""
    weekday = (days + 3) % 7  # Monday = 0; 1970-01-01 was a Thursday
    return (weekday != 3) & (weekday != 4)


def season(days: np.ndarray) -> np.ndarray:
    """Workload factor per day: a dip over the Nowruz holidays, a push in Esfand."""
    factor = np.ones(days.size)
    first = date(1970, 1, 1).toordinal()
    years = {date.fromordinal(int(d) + first).year for d in (days[0], days[-1])}
    for year in range(min(years) - 1, max(years) + 1):
        nowruz = _epoch_day(jdatetime.date(year - 621, 1, 1).togregorian())
        esfand = _epoch_day(jdatetime.date(year - 622, 12, 1).togregorian())
        factor[(days >= nowruz) & (days < nowruz + NOWRUZ_HOLIDAYS)] = NOWRUZ_FACTOR
        factor[(days >= esfand) & (days < esfand + ESFAND_PUSH_DAYS)] = ESFAND_FACTOR
    return factor


def to_working_time(ts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each time that falls outside working hours to the next working morning."""
    day, sod = np.divmod(ts, DAY)
    early = sod < WORK_START
    sod[early] = WORK_START + rng.integers(0, HOUR, early.sum())
    late = sod >= WORK_END
    day[late] += 1
    sod[late] = WORK_START + rng.integers(0, 2 * HOUR, late.sum())
    for _ in range(2):
        day[~working(day)] += 1
    return day * DAY + sod


@dataclass(frozen=True)
class Timeline:
    """The 24 months before ``today``'s month, with per-day hours of prospecting and lead work."""

    months: tuple[date, ...]
    bounds: np.ndarray  # day index of each month's first day, plus the end: 25 values
    days: np.ndarray  # epoch days of the window
    season: np.ndarray
    month_seconds: np.ndarray  # first second of each month, plus the end (as-of time)
    hours: np.ndarray  # (rep, outreach channel, day) prospecting hours
    leadgen: np.ndarray  # (rep, leadgen channel, day) lead-generation hours

    @property
    def asof(self) -> int:
        return int(self.month_seconds[-1])

    def month_of(self, ts: np.ndarray) -> np.ndarray:
        """Month index of each time; -1 before the window, 24 at or after its end."""
        return np.searchsorted(self.month_seconds, ts, side="right") - 1


def build_timeline(seed: int, today: date) -> Timeline:
    months = F.planted_facts(today).months
    starts = [_epoch_day(m) for m in months] + [_epoch_day(F.month_start(today))]
    days = np.arange(starts[0], starts[-1], dtype=np.int64)
    bounds = np.array(starts) - starts[0]
    fac = season(days) * working(days)
    rng = np.random.default_rng([seed, 0])
    nrep = len(F.REPS)
    noise = rng.gamma(20.0, 1 / 20.0, (nrep, len(F.OUTREACH), days.size))
    hours = F.DAILY_HOURS[None, :, None] * fac[None, None, :] * noise
    last, prev = slice(bounds[-2], bounds[-1]), slice(bounds[-3], bounds[-2])
    for name, factor in F.RRROI_HOURS.items():
        c = F.OUTREACH.index(name)
        want = hours[:, c, prev].sum(axis=1) * factor
        hours[:, c, last] *= (want / hours[:, c, last].sum(axis=1))[:, None]
    hours = np.round(hours * 4) / 4
    noise = rng.gamma(10.0, 1 / 10.0, (nrep, len(F.LEADGEN), days.size))
    leadgen = np.round(F.LEADGEN_HOURS[None, :, None] * fac[None, None, :] * noise * 4) / 4
    return Timeline(
        months=months, bounds=bounds, days=days, season=season(days),
        month_seconds=np.array(starts, dtype=np.int64) * DAY, hours=hours, leadgen=leadgen,
    )
