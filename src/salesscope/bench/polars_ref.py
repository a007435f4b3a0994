"""Six of the indicators in lazy Polars, by month x channel x rep: what an analyst would script today.

Reads the three tables they need from the store (as Arrow, no copy through pandas), aggregates
each lazily per month, channel and rep, joins the measures and computes the values; the plan is
collected once (the first month with closed deals, which revenue growth needs, is one more small
query). ``KPIS`` are the indicators whose measures come from one table each and whose definitions
an analyst writes in a line. A benchmark reference, not a product path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # Polars is loaded when the contender runs: it is a benchmark's dependency only
    import duckdb
    import polars as pl

NONE = "(none)"
KPIS = ("lead_conversion_rate", "win_rate", "avg_deal_size", "sales_cycle_days", "activities_per_win",
        "revenue_growth")
KEYS = ["month", "channel", "rep"]
COUNTS = ["activities", "leads", "leads_converted", "won", "lost", "won_with_amount", "won_amount"]


def load(con: duckdb.DuckDBPyConnection) -> dict[str, pl.LazyFrame]:
    """The columns the six indicators read, as lazy frames."""
    import polars as pl

    cols = {"activities": "occurred_at, channel, rep_id",
            "leads": "created_at, channel, rep_id, opportunity_id, qualified_at",
            "opportunities": "created_at, closed_at, status, amount, channel, rep_id"}
    return {t: pl.DataFrame(con.execute(f'SELECT {c} FROM "{t}"').fetch_arrow_table()).lazy()
            for t, c in cols.items()}


def _keys(when: str) -> list[pl.Expr]:
    import polars as pl

    return [pl.col(when).dt.truncate("1mo").cast(pl.Date).alias("month"),
            pl.col("channel").cast(pl.String).fill_null(NONE),
            pl.col("rep_id").cast(pl.String).fill_null(NONE).alias("rep")]


def compute(t: dict[str, pl.LazyFrame], months: pd.DatetimeIndex, in_range: pd.DatetimeIndex) -> pd.DataFrame:
    """The six indicators, defined values only, as rows of kpi, month, channel, rep and value."""
    import polars as pl

    acts = t["activities"].group_by(_keys("occurred_at")).agg(activities=pl.len())
    leads = t["leads"].group_by(_keys("created_at")).agg(
        leads=pl.len(),
        leads_converted=(pl.col("opportunity_id").is_not_null() | pl.col("qualified_at").is_not_null()).sum())
    o = t["opportunities"].filter(pl.col("closed_at").is_not_null() & pl.col("status").is_in(["won", "lost"]))
    won = pl.col("status") == "won"
    amount = pl.col("amount").cast(pl.Float64)
    cycle = (pl.col("closed_at") - pl.col("created_at")).dt.total_microseconds() / 86_400e6
    deals = o.group_by(_keys("closed_at")).agg(
        won=won.sum(), lost=(pl.col("status") == "lost").sum(),
        won_amount=amount.filter(won).sum(), won_with_amount=amount.filter(won).count(),
        cycle_days=cycle.filter(won).median())
    first_closed = deals.select(pl.col("month").min()).collect().item()

    lo, hi = months.min().date(), months.max().date()
    seen = (acts.join(leads, on=KEYS, how="full", coalesce=True).join(deals, on=KEYS, how="full", coalesce=True)
            .filter(pl.col("month").is_between(lo, hi)))
    # every channel and rep in every month: a month that closed nothing still follows one that did
    grid = pl.LazyFrame({"month": pl.date_range(lo, hi, "1mo", eager=True)}).join(
        seen.select("channel", "rep").unique(), how="cross")
    g = grid.join(seen, on=KEYS, how="left").with_columns(pl.col(COUNTS).cast(pl.Float64).fill_null(0.0))
    # last month's revenue of the same channel and rep (0 when it closed nothing)
    prev = g.select(KEYS + ["won_amount"]).with_columns(pl.col("month").dt.offset_by("1mo"))
    g = g.join(prev.rename({"won_amount": "won_amount_prev"}), on=KEYS, how="left").with_columns(
        pl.col("won_amount_prev").fill_null(0.0))
    closed = pl.col("won") + pl.col("lost")

    def ratio(num: pl.Expr, den: pl.Expr, ok: pl.Expr | None = None) -> pl.Expr:
        ok = den != 0 if ok is None else ok & (den != 0)
        return pl.when(ok).then(num / den)

    # growth needs a month before it that could have closed deals
    history = pl.lit(False) if first_closed is None else pl.col("month").dt.offset_by("-1mo") >= first_closed
    values = g.select(KEYS + [
        ratio(pl.col("leads_converted") * 100, pl.col("leads")).alias("lead_conversion_rate"),
        ratio(pl.col("won") * 100, closed).alias("win_rate"),
        ratio(pl.col("won_amount"), pl.col("won_with_amount")).alias("avg_deal_size"),
        pl.when(pl.col("won") > 0).then(pl.col("cycle_days")).alias("sales_cycle_days"),
        ratio(pl.col("activities"), pl.col("won")).alias("activities_per_win"),
        ratio((pl.col("won_amount") - pl.col("won_amount_prev")) * 100, pl.col("won_amount_prev"),
              history).alias("revenue_growth"),
    ])
    lo, hi = in_range.min().date(), in_range.max().date()
    tidy = (values.filter(pl.col("month").is_between(lo, hi))
            .unpivot(index=KEYS, on=list(KPIS), variable_name="kpi", value_name="value")
            .filter(pl.col("value").is_not_null() & pl.col("value").is_finite()))
    out = tidy.collect().to_pandas()
    out["month"] = pd.to_datetime(out["month"])
    return out[["kpi", *KEYS, "value"]]
