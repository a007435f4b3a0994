"""One month of the demo funnel: outreach, answers, leads, and everything that grows from them.

Each month is drawn from its own random stream, so a month's rows do not depend on how the others
were generated; that is what lets the writer work month by month with bounded memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesscope.demo import facts as F
from salesscope.demo.timeline import DAY, HOUR, WORK_START, Timeline, to_working_time

OUT = {name: i for i, name in enumerate(F.OUTREACH)}
CH = np.array(F.CHANNELS)
PHONE = F.CHANNELS.index("phone")
EMAIL = F.CHANNELS.index("email")
IN_PERSON = F.CHANNELS.index("in_person")
BIG_DEALS = [F.CHANNELS.index(c) for c in ("in_person", "referral", "event")]
CAMPAIGN = np.array(F.CAMPAIGN_NAMES)
_CAMP_FIRST = np.cumsum([0] + [len(F.CAMPAIGNS[c]) for c in F.CHANNELS])[:-1]
_CAMP_SHARE = [np.array([s for _, s in F.CAMPAIGNS[c]]) for c in F.CHANNELS]
TEXT = pd.StringDtype("pyarrow")


def ids(prefix: str, n: int, start: int = 0) -> pd.Series:
    """``prefix`` followed by a zero-padded counter: ``A202603-0000001``."""
    counter = pc.utf8_lpad(pa.array(np.arange(start + 1, start + n + 1)).cast(pa.string()), 7, "0")
    return pd.Series(pc.binary_join_element_wise(prefix, counter, ""), dtype=TEXT)


def text(values: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    s = pd.Series(values, dtype=TEXT)
    return s.where(~mask) if mask is not None else s


def stamp(ts: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    out = pd.Series(ts.astype("datetime64[s]").astype("datetime64[ns]"))
    return out.where(~mask) if mask is not None else out


def campaigns(ch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    camp = _CAMP_FIRST[ch].copy()
    for c, share in enumerate(_CAMP_SHARE):
        if share.size > 1:
            sel = np.flatnonzero(ch == c)
            camp[sel] += rng.choice(share.size, sel.size, p=share)
    return camp


def _rate_multiplier(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per outreach channel: the response-rate multiplier of month m, and whether it is exact."""
    mult, exact = np.ones(len(F.OUTREACH)), np.zeros(len(F.OUTREACH), bool)
    if m >= F.MONTHS - 2:  # the two months RRROI compares are drawn without sampling noise
        exact[[OUT["email"], OUT["messaging"]]] = True
    if m == F.MONTHS - 1:
        for name, factor in F.RRROI_RATE.items():
            mult[OUT[name]] = factor
    if m == F.MONTHS - 1 - F.ANOMALY_OFFSET:
        mult[OUT[F.ANOMALY_CHANNEL]], exact[OUT[F.ANOMALY_CHANNEL]] = F.ANOMALY_RATE, True
    return mult, exact


def generate_month(tl: Timeline, m: int, seed: int, k: float, inbound: float) -> dict:
    """The rows born in month ``m``: its outreach, answers and leads, and their future."""
    rng = np.random.default_rng([seed, 1000 + m])
    label = tl.months[m].strftime("%Y%m")
    asof = tl.asof
    lo, hi = tl.bounds[m], tl.bounds[m + 1]
    rate = F.ACTIONS_PER_HOUR[None, :, None] * F.SPEED[:, None, None] * k
    counts = rng.poisson(tl.hours[:, :, lo:hi] * rate)
    rep, ch, day = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
    n = rep.size
    at = (tl.days[lo + day] * DAY + WORK_START + rng.integers(0, 9 * HOUR, n))
    camp = campaigns(ch, rng)

    # Answers: the number per channel is drawn (or fixed, for the planted months), then who answers
    # is drawn by weight, so a rep's skill shapes their own rate.
    mult, exact = _rate_multiplier(m)
    p = F.RESPONSE_RATE[ch] * F.RESP_SKILL[rep] * mult[ch]
    answered = np.zeros(n, bool)
    for c in range(len(F.OUTREACH)):
        sel = np.flatnonzero(ch == c)
        if sel.size == 0:
            continue
        expected = p[sel].sum()
        got = round(expected) if exact[c] else rng.binomial(sel.size, expected / sel.size)
        if got:
            keys = np.log(rng.random(sel.size)) / p[sel]
            answered[sel[np.argpartition(-keys, got - 1)[:got]]] = True
    ra = np.flatnonzero(answered)
    delay = rng.lognormal(np.log(F.RESPONSE_DELAY_HOURS[ch[ra]] * HOUR), 1.0)
    r_at = at[ra] + delay.astype(np.int64) + 30
    late = r_at >= asof
    r_at[late] = at[ra][late] + ((asof - at[ra][late]) * rng.uniform(0.05, 0.95, late.sum())).astype(
        np.int64)

    # Leads: from answers, and inbound from the web, referrals and events.
    from_answer = np.flatnonzero(rng.random(ra.size) < F.LEAD_SHARE[ch[ra]])
    n_in = rng.poisson(inbound)
    in_ch = len(F.OUTREACH) + rng.choice(len(F.INBOUND), n_in, p=F.INBOUND_SHARE)
    w = tl.season[lo:hi] / tl.season[lo:hi].sum()
    in_at = (tl.days[lo + rng.choice(hi - lo, n_in, p=w)] * DAY
             + np.clip(rng.normal(13, 3.5, n_in), 0, 23.99) * HOUR).astype(np.int64)
    l_rep = np.concatenate([rep[ra[from_answer]], rng.integers(0, len(F.REPS), n_in)])
    l_ch = np.concatenate([ch[ra[from_answer]], in_ch])
    l_camp = np.concatenate([camp[ra[from_answer]], campaigns(in_ch, rng)])
    l_at = np.concatenate([r_at[from_answer], in_at])
    nl = l_rep.size
    wait = rng.lognormal(np.log(F.CONTACT_HOURS[l_rep] * HOUR), 0.9).astype(np.int64)
    first = to_working_time(l_at + wait, rng)
    no_contact = (rng.random(nl) < F.NEVER_CONTACTED) | (first >= asof)
    u = rng.random(nl)
    q_at = to_working_time(first + (rng.lognormal(np.log(5.0), 0.7, nl) * DAY).astype(np.int64), rng)
    qualified = ~no_contact & (u < F.QUALIFY[l_ch] * F.WIN_SKILL[l_rep] ** 0.5) & (q_at < asof)
    disq = ~no_contact & ~qualified & (u > 1 - F.DISQUALIFY) & (q_at < asof)

    # Opportunities from qualified leads; their outcome is drawn now and shown only once closed.
    lq = np.flatnonzero(qualified)
    no = lq.size
    o_rep, o_at = l_rep[lq], q_at[lq]
    mix = np.tile(F.PRODUCT_MIX, (no, 1))
    mix[np.isin(l_ch[lq], BIG_DEALS), F.PRODUCTS.index("Enterprise")] *= 3
    cum = np.cumsum(mix / mix.sum(1, keepdims=True), 1)
    prod = np.minimum((rng.random(no)[:, None] > cum).sum(1), len(F.PRODUCTS) - 1)
    amount = np.round(rng.lognormal(np.log(F.PRODUCT_AMOUNT[prod]), 0.45) / 10) * 10
    cycle = rng.lognormal(np.log(F.PRODUCT_CYCLE_DAYS[prod]), 0.5)
    close = to_working_time(o_at + (cycle * DAY).astype(np.int64), rng)
    cm = tl.month_of(close)
    win_p = F.WIN_RATE * F.WIN_SKILL[o_rep] * F.PRODUCT_WIN[prod]
    win_p = win_p * np.where(tl.season[np.clip(close // DAY - tl.days[0], 0, tl.days.size - 1)]
                             > 1, 1.1, 1.0)
    weak = (F.REP_TEAM[o_rep] == F.TEAMS.index(F.WEAK_TEAM)) & (cm >= F.MONTHS - F.LAST_MONTHS)
    win_p = np.where(weak, win_p * F.WEAK_TEAM_WIN, win_p)
    is_open = close >= asof
    won = ~is_open & (rng.random(no) < win_p)
    progress = np.clip((asof - o_at) / (cycle * DAY), 0, 0.999)
    stage = (progress * 3).astype(int)

    # Customers from won deals, with churn drawn month by month after the win.
    cw = np.flatnonzero(won)
    seg = np.searchsorted(F.SEGMENT_BOUNDS, amount[cw], side="right")
    hazard = np.tile(F.MONTHLY_CHURN[seg][:, None], (1, F.MONTHS))
    rise = seg == F.SEGMENTS.index(F.CHURN_SEGMENT)
    hazard[np.ix_(rise, np.arange(F.MONTHS - F.LAST_MONTHS, F.MONTHS))] *= F.CHURN_RISE
    churn_now = (rng.random(hazard.shape) < hazard) & (np.arange(F.MONTHS)[None, :] > cm[cw][:, None])
    churned = churn_now.any(1)
    cmonth = churn_now.argmax(1)
    span = (tl.month_seconds[cmonth + 1] - tl.month_seconds[cmonth]) // DAY
    c_at = to_working_time(tl.month_seconds[cmonth] + (rng.random(cw.size) * span).astype(np.int64)
                           * DAY + WORK_START, rng)
    churned &= c_at < asof

    # Sales activities on each opportunity, between its creation and its close (or today).
    end = np.minimum(close, asof)
    per = 1 + rng.poisson(cycle / 8)
    so = np.repeat(np.arange(no), per)
    s_at = to_working_time(o_at[so] + (rng.random(so.size) * (end - o_at)[so]).astype(np.int64), rng)
    keep = s_at < asof
    so, s_at = so[keep], s_at[keep]
    meeting = rng.random(so.size) < 0.3
    s_ch = np.where(meeting, np.where(rng.random(so.size) < 0.7, IN_PERSON, PHONE),
                    np.where(rng.random(so.size) < 0.6, PHONE, EMAIL))
    s_min = np.where(s_ch == EMAIL, np.nan, np.round(rng.lognormal(np.log(25), 0.6, so.size)))

    # Assemble, with references by id.
    lead_id = ids(f"L{label}-", nl)
    opp_id = ids(f"O{label}-", no)
    cust_id = ids(f"C{label}-", cw.size)
    lt = np.flatnonzero(~no_contact)
    act_id = ids(f"A{label}-", n + lt.size + so.size)
    a_lead = np.full(n + lt.size + so.size, -1)
    a_lead[n:n + lt.size] = lt
    a_lead[n + lt.size:] = lq[so]
    a_opp = np.full(a_lead.size, -1)
    a_opp[n + lt.size:] = so
    a_resp = np.full(n, np.iinfo(np.int64).min)
    a_resp[ra] = r_at
    activities = pd.DataFrame({
        "activity_id": act_id,
        "occurred_at": stamp(np.concatenate([at, first[lt], s_at])),
        "channel": text(CH[np.concatenate([ch, np.full(lt.size, PHONE), s_ch])]),
        "rep_id": text(F.REP_IDS[np.concatenate([rep, l_rep[lt], o_rep[so]])]),
        "kind": text(np.array(["outreach", "follow_up", "meeting"])[np.concatenate(
            [np.zeros(n + lt.size, int), np.where(meeting, 2, 1)])]),
        "lead_id": lead_id.reindex(a_lead).set_axis(range(a_lead.size)),
        "opportunity_id": opp_id.reindex(a_opp).set_axis(range(a_opp.size)),
        "campaign": text(CAMPAIGN[np.concatenate([camp, l_camp[lt]])]).reindex(range(a_lead.size)),
        "duration_minutes": np.concatenate([np.where(ch == OUT["phone"], 4.0, np.where(
            ch == OUT["in_person"], 30.0, np.nan)), np.full(lt.size, 6.0), s_min]),
        "responded_at": stamp(np.concatenate([a_resp, np.full(lt.size + so.size, 0)]),
                              np.concatenate([~answered, np.ones(lt.size + so.size, bool)])),
    })
    r_lead = np.full(ra.size, -1)
    r_lead[from_answer] = np.arange(from_answer.size)
    responses = pd.DataFrame({
        "response_id": ids(f"S{label}-", ra.size),
        "occurred_at": stamp(r_at),
        "channel": text(CH[ch[ra]]),
        "activity_id": act_id.iloc[ra].reset_index(drop=True),
        "lead_id": lead_id.reindex(r_lead).set_axis(range(ra.size)),
        "campaign": text(CAMPAIGN[camp[ra]]),
    })
    l_opp = np.full(nl, -1)
    l_opp[lq] = np.arange(no)
    leads = pd.DataFrame({
        "lead_id": lead_id,
        "created_at": stamp(l_at),
        "channel": text(CH[l_ch]),
        "campaign": text(CAMPAIGN[l_camp]),
        "rep_id": text(F.REP_IDS[l_rep]),
        "first_contacted_at": stamp(first, no_contact),
        "qualified_at": stamp(q_at, ~qualified),
        "disqualified_at": stamp(q_at, ~disq),
        "opportunity_id": opp_id.reindex(l_opp).set_axis(range(nl)),
    })
    o_cust = np.full(no, -1)
    o_cust[cw] = np.arange(cw.size)
    status = np.where(is_open, "open", np.where(won, "won", "lost"))
    opportunities = pd.DataFrame({
        "opportunity_id": opp_id,
        "created_at": stamp(o_at),
        "status": text(status),
        "closed_at": stamp(close, is_open),
        "stage": text(np.array(F.STAGES)[stage], ~is_open),
        "amount": amount,
        "probability": np.where(is_open, F.STAGE_PROBABILITY[stage], np.where(won, 1.0, 0.0)),
        "rep_id": text(F.REP_IDS[o_rep]),
        "lead_id": lead_id.iloc[lq].reset_index(drop=True),
        "customer_id": cust_id.reindex(o_cust).set_axis(range(no)),
        "product": text(np.array(F.PRODUCTS)[prod]),
        "channel": text(CH[l_ch[lq]]),
    })
    customers = pd.DataFrame({
        "customer_id": cust_id,
        "acquired_at": stamp(close[cw]),
        "churned_at": stamp(c_at, ~churned),
        "segment": text(np.array(F.SEGMENTS)[seg]),
        "rep_id": text(F.REP_IDS[o_rep[cw]]),
    })
    spend = {
        "actions": np.bincount(camp, minlength=CAMPAIGN.size),
        "leads": np.bincount(l_camp[l_ch >= len(F.OUTREACH)], minlength=CAMPAIGN.size),
        "won": np.bincount(o_rep[cw], weights=amount[cw], minlength=len(F.REPS)),
    }
    return {"activities": activities, "responses": responses, "leads": leads,
            "opportunities": opportunities, "customers": customers, "_spend": spend}
