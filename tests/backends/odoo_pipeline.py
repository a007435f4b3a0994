"""Two and a half years of an Odoo CRM pipeline where the stage tells how a deal will end.

Records are written as Odoo writes them (see odoo_records.sql): each opportunity starts in New
when created; each stage move posts a chatter notification (subtype Stage Changed) with a
tracking value of ``stage_id`` (old and new stage ids); a win moves the deal to the Won stage and
sets ``date_closed`` and probability 100; "Mark as lost" archives the deal with probability 0,
a lost reason and ``date_closed``, without a stage move. Nothing after the data's end is written:
a deal still under way then is open in the stage it had reached.

A deal stays in New, Qualified and Proposition for exponential times (means ``MEAN_DAYS``) and,
leaving a stage, is lost with that stage's ``LOST`` chance or moves on: the later its stage, the
likelier its win (about 23% from New, 52% from Qualified, 80% from Proposition), while its age
alone says little, since some deals move fast and others slowly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .odoo_db import tracking_sql

START = dt.datetime(2023, 7, 1)
END = dt.datetime(2026, 1, 31)  # the data's last day
STAGES = {1: "New", 2: "Qualified", 3: "Proposition", 4: "Won"}  # crm_stage in odoo_records.sql
MEAN_DAYS = {1: 30.0, 2: 45.0, 3: 60.0}
LOST = {1: 0.80, 2: 0.30, 3: 0.05}  # chance of a loss on leaving the stage
PROBABILITY = {1: 10, 2: 30, 3: 60}  # Odoo's stated probability while in the stage
USERS = {2: 1, 3: 2}  # salesperson -> their partner (the author of their messages)
FIRST_ID = 1000


def _sql(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, dt.datetime):
        return f"'{v:%Y-%m-%d %H:%M:%S}'"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return str(v)


def _values(rows: list[tuple]) -> str:
    return ",\n".join("(" + ", ".join(_sql(v) for v in r) + ")" for r in rows)


def pipeline_sql(version: str, n: int = 900, seed: int = 21) -> str:
    """INSERTs of ``n`` opportunities created from START to END, with their stage history, in the
    Odoo ``version``'s columns."""
    rng = np.random.default_rng(seed)
    span = (END - START).total_seconds()
    leads, messages, tracking = [], [], []
    msg_id = FIRST_ID
    for i in range(n):
        lead_id = FIRST_ID + i
        user = 2 + i % 2
        created = START + dt.timedelta(seconds=float(rng.uniform(0, span)))
        created = created.replace(microsecond=0)
        amount = float(rng.integers(80, 121)) * 10
        t, stage, outcome, closed = created, 1, "open", None
        while True:
            t = t + dt.timedelta(days=float(rng.exponential(MEAN_DAYS[stage])))
            if t >= END:
                break
            if rng.random() < LOST[stage]:
                outcome, closed = "lost", t
                break
            new = 4 if stage == 3 else stage + 1
            messages.append((msg_id, t, "crm.lead", lead_id, "notification", 4, USERS[user]))
            tracking.append(("stage_id", stage, new, STAGES[stage], STAGES[new], msg_id))
            msg_id += 1
            stage = new
            if stage == 4:
                outcome, closed = "won", t
                break
        closed = closed.replace(microsecond=0) if closed else None
        active = outcome != "lost"
        probability = {"won": 100, "lost": 0}.get(outcome, PROBABILITY.get(stage, 0))
        lost_reason = 1 + i % 2 if outcome == "lost" else None
        leads.append((lead_id, f"Deal {lead_id}", "opportunity", active, user, 1, 1, stage, lost_reason,
                      amount, probability, user, created, closed or created, created, closed))
    return (
        "INSERT INTO crm_lead (id, name, type, active, user_id, team_id, company_id, stage_id, lost_reason_id,\n"
        "  expected_revenue, probability, create_uid, create_date, write_date, date_conversion, date_closed) VALUES\n"
        + _values(leads) + ";\n"
        "INSERT INTO mail_message (id, date, model, res_id, message_type, subtype_id, author_id) VALUES\n"
        + _values(messages) + ";\n"
        + tracking_sql(version, tracking)
    )
