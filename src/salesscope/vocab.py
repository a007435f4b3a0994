"""Closed vocabularies, as enums, so every ``match`` over them can be checked for completeness."""

from __future__ import annotations

from enum import StrEnum


class Grain(StrEnum):
    """Period lengths, finest first."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def min_days(self) -> int:
        """Days in the shortest period of this grain (a February, a 365-day year)."""
        return _GRAIN_DAYS[self][0]

    @property
    def max_days(self) -> int:
        """Days in the longest period of this grain."""
        return _GRAIN_DAYS[self][1]

    @property
    def finer(self) -> Grain | None:
        """The next finer grain (None for a day)."""
        order = list(Grain)
        i = order.index(self)
        return order[i - 1] if i else None

    @property
    def coarser(self) -> Grain | None:
        """The next coarser grain (None for a year)."""
        order = list(Grain)
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None

    @property
    def season(self) -> int | None:
        """Periods in one seasonal cycle (days in a week, weeks, months, quarters in a year)."""
        return _GRAIN_SEASON[self]

    @property
    def cycles(self) -> tuple[tuple[int, str], ...]:
        """The cycles a history at this grain can repeat on: (length in periods, name), the name
        saying what a position is a position in (the month's place in its quarter, in its year)."""
        return _GRAIN_CYCLES[self]


_GRAIN_DAYS = {Grain.DAY: (1, 1), Grain.WEEK: (7, 7), Grain.MONTH: (28, 31), Grain.QUARTER: (89, 93),
               Grain.YEAR: (365, 366)}
_GRAIN_SEASON = {Grain.DAY: 7, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: None}
_GRAIN_CYCLES: dict[Grain, tuple[tuple[int, str], ...]] = {
    Grain.DAY: ((7, "week"),), Grain.WEEK: ((52, "year"),), Grain.MONTH: ((3, "quarter"), (12, "year")),
    Grain.QUARTER: ((4, "year"),), Grain.YEAR: ()}


class Calendar(StrEnum):
    GREGORIAN = "gregorian"
    JALALI = "jalali"


class Unit(StrEnum):
    PERCENT = "percent"
    POINTS_PER_HOUR = "points_per_hour"
    LEADS_PER_HOUR = "leads_per_hour"
    HOURS = "hours"
    DAYS = "days"
    MONEY = "money"
    MONEY_PER_DAY = "money_per_day"
    RATIO = "ratio"
    COUNT = "count"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    MESSAGING = "messaging"
    SOCIAL = "social"
    WEB = "web"
    IN_PERSON = "in_person"
    REFERRAL = "referral"
    EVENT = "event"
    OTHER = "other"


class Status(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Purpose(StrEnum):
    PROSPECTING = "prospecting"
    LEAD_GENERATION = "lead_generation"
    SELLING = "selling"
    OTHER = "other"


class Dimension(StrEnum):
    TEAM = "team"
    REP = "rep"
    CHANNEL = "channel"
    CAMPAIGN = "campaign"
    PRODUCT = "product"
    SEGMENT = "segment"


class Stage(StrEnum):
    """Funnel stages that group the indicators."""

    PROSPECTING = "prospecting"
    LEADS = "leads"
    OPPORTUNITIES = "opportunities"
    RESULTS = "results"
    CUSTOMERS = "customers"


# Common spellings of channels in CRM exports (English and Persian), mapped to the vocabulary.
CHANNEL_SYNONYMS: dict[str, Channel] = {
    **{c.value: c for c in Channel},
    "e-mail": Channel.EMAIL, "mail": Channel.EMAIL, "newsletter": Channel.EMAIL,
    "email marketing": Channel.EMAIL, "ایمیل": Channel.EMAIL, "پست الکترونیک": Channel.EMAIL,
    "text": Channel.SMS, "text message": Channel.SMS, "پیامک": Channel.SMS, "اس ام اس": Channel.SMS,
    "call": Channel.PHONE, "telephone": Channel.PHONE, "cold call": Channel.PHONE,
    "phone call": Channel.PHONE, "telemarketing": Channel.PHONE, "تلفن": Channel.PHONE,
    "تماس": Channel.PHONE, "تماس تلفنی": Channel.PHONE, "بازاریابی تلفنی": Channel.PHONE,
    "telegram": Channel.MESSAGING, "whatsapp": Channel.MESSAGING, "bale": Channel.MESSAGING,
    "eitaa": Channel.MESSAGING, "messenger": Channel.MESSAGING, "chat": Channel.MESSAGING,
    "تلگرام": Channel.MESSAGING, "واتساپ": Channel.MESSAGING, "بله": Channel.MESSAGING,
    "ایتا": Channel.MESSAGING, "پیام رسان": Channel.MESSAGING, "پیام‌رسان": Channel.MESSAGING,
    "instagram": Channel.SOCIAL, "linkedin": Channel.SOCIAL, "facebook": Channel.SOCIAL,
    "twitter": Channel.SOCIAL, "social media": Channel.SOCIAL, "اینستاگرام": Channel.SOCIAL,
    "شبکه اجتماعی": Channel.SOCIAL, "لینکدین": Channel.SOCIAL,
    "website": Channel.WEB, "web form": Channel.WEB, "organic search": Channel.WEB,
    "paid search": Channel.WEB, "online": Channel.WEB, "وب سایت": Channel.WEB,
    "وبسایت": Channel.WEB, "سایت": Channel.WEB,
    "visit": Channel.IN_PERSON, "meeting": Channel.IN_PERSON, "in person": Channel.IN_PERSON,
    "in-person": Channel.IN_PERSON, "field": Channel.IN_PERSON, "door to door": Channel.IN_PERSON,
    "حضوری": Channel.IN_PERSON, "ملاقات": Channel.IN_PERSON, "بازاریابی حضوری": Channel.IN_PERSON,
    "referrals": Channel.REFERRAL, "word of mouth": Channel.REFERRAL, "معرفی": Channel.REFERRAL,
    "ارجاع": Channel.REFERRAL,
    "events": Channel.EVENT, "trade show": Channel.EVENT, "exhibition": Channel.EVENT,
    "webinar": Channel.EVENT, "نمایشگاه": Channel.EVENT, "رویداد": Channel.EVENT,
}


def normalise_channel(label: str | None) -> Channel | None:
    """Map a user's channel label to the vocabulary; unknown labels become ``other``.

    A label that is no known spelling as a whole is read by its words, when they name one
    channel only ("Partner Referral", "PAID_SOCIAL", "Phone Inquiry").

    >>> normalise_channel("Telegram")
    <Channel.MESSAGING: 'messaging'>
    >>> normalise_channel("Partner Referral")
    <Channel.REFERRAL: 'referral'>
    >>> normalise_channel("Direct traffic")
    <Channel.OTHER: 'other'>
    """
    if label is None:
        return None
    key = " ".join(str(label).strip().lower().replace("_", " ").replace("-", " ").split())
    if not key:
        return None
    whole = CHANNEL_SYNONYMS.get(key) or CHANNEL_SYNONYMS.get(key.replace(" ", "_"))
    if whole is not None:
        return whole
    named = {CHANNEL_SYNONYMS[w] for w in key.split() if w in CHANNEL_SYNONYMS} - {Channel.OTHER}
    return named.pop() if len(named) == 1 else Channel.OTHER
