"""The demo company and the facts planted in its data (documented in ``FACTS.md``).

Everything the generator draws from is declared here, so the facts the tests check and the numbers
that produce them sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

MONTHS = 24
DEFAULT_SCALE = 200_000  # activities at the default size

TEAMS = ("North", "South", "Tehran")
MANAGERS = {"North": "Hamid Sadeghi", "South": "Rachel Green", "Tehran": "Mina Kazemi"}

# rep_id, name, team, hourly cost, outreach speed, response skill, win skill, median hours to
# first contact of a new lead.
REPS = (
    ("R01", "Sara Ahmadi", "North", 14.0, 1.10, 1.10, 1.15, 2.0),
    ("R02", "John Miller", "North", 16.5, 1.00, 0.95, 1.00, 3.0),
    ("R03", "Maryam Hosseini", "North", 12.0, 0.90, 1.05, 0.95, 2.5),
    ("R04", "David Chen", "North", 11.0, 1.05, 0.90, 0.85, 3.5),
    ("R05", "Reza Karimi", "South", 15.0, 1.00, 1.00, 1.10, 2.0),
    ("R06", "Emily Carter", "South", 13.5, 0.95, 1.10, 1.00, 3.0),
    ("R07", "Ali Rezaei", "South", 10.5, 1.15, 0.90, 0.90, 2.5),
    ("R08", "Nazanin Jafari", "South", 12.5, 0.90, 1.00, 1.05, 3.5),
    ("R09", "Omid Farahani", "Tehran", 13.0, 0.95, 1.00, 1.00, 70.0),
    ("R10", "Laura Schmidt", "Tehran", 17.0, 1.05, 1.05, 1.20, 2.0),
    ("R11", "Parisa Mohammadi", "Tehran", 12.0, 1.00, 0.95, 0.95, 3.0),
    ("R12", "Arash Tavakoli", "Tehran", 11.5, 1.10, 1.00, 0.90, 2.5),
)
REP_IDS = np.array([r[0] for r in REPS])
REP_TEAM = np.array([TEAMS.index(r[2]) for r in REPS])
SPEED = np.array([r[4] for r in REPS])
RESP_SKILL = np.array([r[5] for r in REPS])
WIN_SKILL = np.array([r[6] for r in REPS])
CONTACT_HOURS = np.array([r[7] for r in REPS])

# Outreach channels, with what a rep does in an hour and how often a touch is answered.
OUTREACH = ("email", "sms", "phone", "messaging", "in_person")
DAILY_HOURS = np.array([1.0, 0.3, 0.9, 0.5, 0.6])  # prospecting hours per rep per working day
ACTIONS_PER_HOUR = np.array([18.0, 25.0, 6.0, 10.0, 1.0])
RESPONSE_RATE = np.array([0.08, 0.05, 0.14, 0.09, 0.30])
RESPONSE_DELAY_HOURS = np.array([6.0, 1.0, 0.05, 0.5, 0.1])  # median delay of an answer
LEAD_SHARE = np.array([0.55, 0.5, 0.6, 0.6, 0.7])  # answers that become a lead

# Inbound leads (no outreach touch before them) and the time logged to generate them.
INBOUND = ("web", "referral", "event")
INBOUND_SHARE = np.array([0.6, 0.25, 0.15])
LEADGEN = ("web", "referral")
LEADGEN_HOURS = np.array([0.35, 0.15])

CHANNELS = OUTREACH + INBOUND  # channel codes used inside the generator
CAMPAIGNS = {  # channel -> ((campaign, share), ...)
    "email": (("newsletter", 0.6), ("cold-email", 0.4)),
    "sms": (("sms-promo", 1.0),),
    "phone": (("cold-calls", 1.0),),
    "messaging": (("telegram-ads", 1.0),),
    "in_person": (("field-visits", 1.0),),
    "web": (("search-ads", 1.0),),
    "referral": (("referral-program", 1.0),),
    "event": (("trade-show", 1.0),),
}
CAMPAIGN_NAMES = tuple(name for ch in CHANNELS for name, _ in CAMPAIGNS[ch])

# Leads -> opportunities -> customers.
QUALIFY = np.array([0.27, 0.25, 0.30, 0.30, 0.40, 0.28, 0.45, 0.35])  # by CHANNELS
DISQUALIFY = 0.45
NEVER_CONTACTED = 0.04
PRODUCTS = ("Starter", "Growth", "Enterprise", "Services")
PRODUCT_AMOUNT = np.array([1_200.0, 4_500.0, 25_000.0, 2_500.0])
PRODUCT_CYCLE_DAYS = np.array([12.0, 25.0, 55.0, 20.0])
PRODUCT_WIN = np.array([1.10, 1.00, 0.75, 1.15])
PRODUCT_MIX = np.array([0.40, 0.30, 0.12, 0.18])
WIN_RATE = 0.36
STAGES = ("qualification", "proposal", "negotiation")
STAGE_PROBABILITY = np.array([0.2, 0.4, 0.6])
SEGMENTS = ("smb", "mid", "enterprise")
SEGMENT_BOUNDS = np.array([2_500.0, 12_000.0])  # amount below the first is smb, ...
MONTHLY_CHURN = np.array([0.025, 0.012, 0.006])

# The planted facts (month offsets count back from the last full month, which is offset 0).
RRROI_HOURS = {"email": 1.25, "messaging": 1.5}  # last month's hours vs the month before
RRROI_RATE = {"email": 0.85, "messaging": 1.6}  # last month's response rate vs base
SLOW_REP = "R09"
WEAK_TEAM = "South"
WEAK_TEAM_WIN = 0.4  # multiplier on its win chance for deals closed in the last 3 months
CHURN_SEGMENT = "smb"
CHURN_RISE = 3.5  # multiplier on its monthly churn in the last 3 months
ANOMALY_CHANNEL = "sms"
ANOMALY_OFFSET = 9  # months before the last full month
ANOMALY_RATE = 0.15  # multiplier on sms response rate that month
LAST_MONTHS = 3  # "the last quarter" of the weak team and of the churn rise


def month_start(d: date, back: int = 0) -> date:
    """First day of the month ``back`` months before ``d``'s month."""
    total = d.year * 12 + d.month - 1 - back
    return date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class PlantedFacts:
    """Concrete periods of the planted facts for one ``today``; each month is its first day."""

    months: tuple[date, ...]  # the 24 months of data, oldest first
    last_month: date
    previous_month: date
    weak_team_months: tuple[date, ...]
    churn_months: tuple[date, ...]
    anomaly_month: date
    slow_rep: str = SLOW_REP
    weak_team: str = WEAK_TEAM
    churn_segment: str = CHURN_SEGMENT
    anomaly_channel: str = ANOMALY_CHANNEL


def planted_facts(today: date | None = None) -> PlantedFacts:
    """The periods of the planted facts for data generated with this ``today``.

    >>> planted_facts(date(2026, 4, 15)).last_month
    datetime.date(2026, 3, 1)
    """
    today = today or date.today()
    months = tuple(month_start(today, MONTHS - i) for i in range(MONTHS))
    return PlantedFacts(
        months=months, last_month=months[-1], previous_month=months[-2],
        weak_team_months=months[-LAST_MONTHS:], churn_months=months[-LAST_MONTHS:],
        anomaly_month=months[-1 - ANOMALY_OFFSET],
    )
