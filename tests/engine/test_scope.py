"""One scope for every surface: a rep's answer equals the answer of a store holding only their rows.

The second store is built the way a user would build it: the demo's export files, filtered to the
rep's rows, imported through the importer. Every surface (indicators, funnel, forecast, plan, the
rows behind a number, dimension values, advice) is asked once with the rep's scope on the whole
store and once without a scope on the rep's own store; the values must agree, and must differ from
the whole company's, so an empty or unscoped answer cannot pass.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from tests.conftest import rep_files

import salesscope
from salesscope.scope import EVERYTHING, Scope
from salesscope.vocab import Dimension
from salesscope.web.users import User

TODAY = dt.date(2026, 4, 15)
REP = "R01"
FIRST, LAST = dt.date(2025, 10, 1), dt.date(2026, 3, 31)
VALUES = ["value", "numerator", "denominator", "n", "ci_low", "ci_high", "previous_value", "change"]
# Costs belong to no rep: a rep's scope has none (outside_scope), the rep's store has no costs file.
NOT_THEIRS = ("outside_scope", "missing_input:costs")


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[salesscope.Workspace, salesscope.Workspace]:
    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files

    root = tmp_path_factory.mktemp("scope")
    files = write_demo_files(root / "files", seed=7, scale=6_000, today=TODAY)
    everyone = salesscope.init(root / "everyone")
    import_files(everyone, files, progress=False)
    alone = salesscope.init(root / "alone")
    import_files(alone, rep_files(files, REP, root / "own-files"), progress=False)
    assert alone.row_counts()["quotas"] and alone.row_counts()["responses"]
    yield everyone, alone
    everyone.close()
    alone.close()


@pytest.fixture
def rep_scope() -> Scope:
    return Scope.of(User("r01", "rep", rep_id=REP))


def close(a, b) -> bool:
    """Equal values, floats to a relative 1e-9 (sums may be added in another order), NaN == NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def same_frame(scoped: pd.DataFrame, alone: pd.DataFrame, keys: list[str]) -> None:
    a = scoped.sort_values(keys).reset_index(drop=True)
    b = alone.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-9)


def test_the_scope_of_each_role():
    assert Scope.of(User("a", "admin")) == EVERYTHING
    assert Scope.of(User("m", "manager", team="North")).as_dict() == {"team": ["North"]}
    assert Scope.of(User("r", "rep", rep_id=REP)).as_dict() == {"rep": [REP]}
    assert Scope.parse({"team": "North"}) == Scope(teams=("North",))
    with pytest.raises(salesscope.SalesScopeError, match="expected one of rep, team"):
        Scope.parse({"region": ["EU"]})


@pytest.mark.parametrize("by", [None, "channel"])
def test_kpi(stores, rep_scope, by):
    everyone, alone = stores
    kw = dict(by=by, start=FIRST, end=LAST)
    scoped = everyone.kpis(scope=rep_scope, **kw)
    own = alone.kpis(**kw)
    keys = ["kpi", "period_start", *([by] if by else [])]
    theirs = scoped["reason"].isin(NOT_THEIRS) & own["reason"].isin(NOT_THEIRS)
    costly = {"cac", "clv_cac_ratio"} if by is None else set()  # by channel, CAC needs a rep's own costs
    assert set(scoped.loc[scoped["reason"].isin(NOT_THEIRS), "kpi"]) == costly
    same_frame(scoped[keys + VALUES], own[keys + VALUES], keys)
    sr = scoped.sort_values(keys)["reason"].where(~theirs)
    orr = own.sort_values(keys)["reason"].where(~theirs)
    assert list(sr.fillna("")) == list(orr.fillna(""))
    defined = scoped.dropna(subset=["value"])
    assert defined["kpi"].nunique() >= (12 if by is None else 8) and len(defined) >= 40
    company = everyone.kpis(**kw)
    assert company["n"].sum() > scoped["n"].sum() > 0


def test_funnel(stores, rep_scope):
    from salesscope.engine.funnel import funnel

    everyone, alone = stores
    kw = dict(grain="quarter", by="channel", start=FIRST, end=LAST)
    scoped, own = funnel(everyone, scope=rep_scope, **kw), funnel(alone, **kw)
    same_frame(scoped, own, ["period_start", "channel", "stage"])
    assert scoped.loc[scoped["stage"] == "lead", "count"].sum() > 10
    assert funnel(everyone, **kw)["count"].sum() > scoped["count"].sum()


def test_forecast(stores, rep_scope):
    from salesscope.forecast import forecast

    everyone, alone = stores
    kw = dict(periods=2, as_of=dt.date(2026, 3, 1), sims=300, track_record=True)
    scoped, own = forecast(everyone, scope=rep_scope, **kw), forecast(alone, **kw)
    same_frame(scoped, own, ["period_start"])
    assert close(scoped.attrs, own.attrs)
    assert scoped["expected"].sum() > 0 and scoped.attrs["n_closed"] > 5
    assert forecast(everyone, **kw)["expected"].sum() > scoped["expected"].sum()


def test_plan(stores, rep_scope):
    from salesscope.forecast import plan

    everyone, alone = stores
    # the day the plan is made: the whole store's present, which the rep's own rows may stop before
    kw = dict(sims=300, as_of=dt.date(2026, 4, 15))
    scoped = plan(everyone, 200_000, "2026-Q3", scope=rep_scope, **kw).to_dict()
    own = plan(alone, 200_000, "2026-Q3", **kw).to_dict()
    assert close(scoped, own)
    assert scoped["needs"]["leads"]["last_period"] > 0 and scoped["channels"]
    company = plan(everyone, 200_000, "2026-Q3", **kw).to_dict()
    assert company["needs"]["leads"]["last_period"] > scoped["needs"]["leads"]["last_period"]


def test_rows_behind(stores, rep_scope):
    from salesscope.engine.facts import FACTS
    from salesscope.engine.records import rows_behind
    from salesscope.semantic import builtin

    everyone, alone = stores
    facts = [FACTS[f] for f in dict.fromkeys(f for ind in builtin().indicators.values() for f in ind.facts)]
    assert len(facts) == 11
    seen = dict.fromkeys((f.name for f in facts), 0)
    # one rep's deals are sparse: two ranges between them hold a row of every fact
    for first, last in ((dt.date(2025, 1, 15), dt.date(2025, 6, 30)), (dt.date(2025, 2, 1), dt.date(2025, 7, 31))):
        scoped = rows_behind(everyone, facts, first, last, {}, rep_scope)
        own = rows_behind(alone, facts, first, last, {})
        company = rows_behind(everyone, facts, first, last, {})
        for s, o, c in zip(scoped, own, company, strict=True):
            if s.fact == "costs":
                assert (s.reason, o.reason, len(s.rows)) == ("outside_scope", "missing_input:costs", 0)
                continue
            assert s.reason is None and o.reason is None and s.truncated == o.truncated, s.fact
            same_frame(s.rows, o.rows, list(s.rows.columns))
            if len(s.rows):
                if "rep_id" in s.rows:  # responses carry no rep: theirs answer their actions
                    assert set(s.rows["rep_id"]) == {REP}, s.fact
                assert c.truncated or len(c.rows) > len(s.rows), s.fact
            seen[s.fact] += len(s.rows)
    assert all(n > 0 for f, n in seen.items() if f != "costs"), seen
    # a drill-down filter is applied inside the scope too
    email = rows_behind(everyone, [FACTS["activities"]], first, last, {Dimension.CHANNEL: "email"}, rep_scope)
    assert len(email[0].rows) and set(email[0].rows["channel"]) == {"email"}
    assert set(email[0].rows["rep_id"]) == {REP}


@pytest.mark.parametrize("dim", list(Dimension))
def test_dimension_values(stores, rep_scope, dim):
    from salesscope.engine.records import dimension_values

    everyone, alone = stores
    scoped = dimension_values(everyone, dim, rep_scope)
    assert scoped and scoped == dimension_values(alone, dim)
    if dim in (Dimension.REP, Dimension.TEAM):
        assert len(dimension_values(everyone, dim)) > len(scoped)


def test_advice(stores, rep_scope):
    from salesscope.advice import findings

    everyone, alone = stores
    kw = dict(grain="quarter", period="2025-Q4", by=["channel", "segment"], today=dt.date(2026, 1, 15))
    scoped = [f.to_dict() for f in findings(everyone, scope=rep_scope, **kw)]
    own = [f.to_dict() for f in findings(alone, **kw)]
    # The findings carry numbers from the rep's rows (sample sizes, gaps), so close() compares
    # values and not only labels.
    numbers = [v for f in scoped for v in (f.get("evidence") or {}).values()
               if isinstance(v, int | float) and not isinstance(v, bool) and v]
    assert len(scoped) >= 4 and len(numbers) >= 4
    assert close(scoped, own)
    company = [f.to_dict() for f in findings(everyone, **kw)]
    assert not close(company, scoped)


def test_close_is_strict():
    assert not close({"a": 1.0}, {"a": 1.001}) and close({"a": [np.nan]}, {"a": [float("nan")]})
