"""Lead-deal links, from either side.

A CRM export may link a lead to its deal on the lead (``leads.opportunity_id``), on the deal
(``opportunities.lead_id``) or both. The engine reads both: a lead is linked when either side
says so, and where both sides hold a link they should agree; :func:`disagreements` lists the
pairs that do not, so that they can be reported instead of silently counted one way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesscope.schema import Table

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir
    import pandas as pd


def deals_by_lead(backend: ibis.BaseBackend) -> ir.Table:
    """The deal side of the links: per ``_dl_lead``, how many deals name the lead and whether any
    of them is won (``_dl_n``, ``_dl_won``)."""
    o = backend.table(Table.OPPORTUNITIES.value)
    o = o.filter(o.lead_id.notnull())
    return o.group_by(_dl_lead=o.lead_id).aggregate(_dl_n=o.count(), _dl_won=(o.status == "won").any())


def disagreements(backend: ibis.BaseBackend, limit: int | None = 1000) -> pd.DataFrame:
    """Links the two sides tell differently: one row per (lead, deal) pair that one side states
    and the other contradicts, with what each side says (``lead_says``, ``deal_says``)."""
    import ibis
    import pandas as pd

    present = set(backend.list_tables())
    if not {Table.LEADS.value, Table.OPPORTUNITIES.value} <= present:
        return pd.DataFrame(columns=["lead_id", "opportunity_id", "lead_says", "deal_says"])
    lead = backend.table(Table.LEADS.value)
    opp = backend.table(Table.OPPORTUNITIES.value)
    # The lead names a deal whose own lead is another one ...
    lv = lead.filter(lead.opportunity_id.notnull()).select(_l=lead.lead_id, _lo=lead.opportunity_id)
    ov = opp.filter(opp.lead_id.notnull()).select(_o=opp.opportunity_id, _ol=opp.lead_id)
    a = lv.join(ov, lv._lo == ov._o).filter(lambda t: t._ol != t._l)
    a = a.select(lead_id=a._l, opportunity_id=a._lo, lead_says=a._lo, deal_says=a._ol)
    # ... or a deal names a lead that names another deal.
    b = ov.join(lv, ov._ol == lv._l).filter(lambda t: t._lo != t._o)
    b = b.select(lead_id=b._ol, opportunity_id=b._o, lead_says=b._lo, deal_says=b._ol)
    both = ibis.union(a, b, distinct=True).order_by(["lead_id", "opportunity_id"])
    return (both.limit(limit) if limit else both).execute()
