"""An import keeps the per-day rollups up to date without rebuilding them: the facts whose inputs
it does not write are kept, those whose only written input is their own table are recomputed for
the days its changed rows had or have. After each of a series of imports that re-send, change,
move (a row leaving one day for another) and add rows, the rollups equal a rebuild from scratch."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import salesscope
from salesscope.demo import write_demo_files
from salesscope.engine import rollup
from salesscope.ingest import import_files

TODAY = dt.date(2026, 4, 15)


def stored(con) -> dict[str, pd.DataFrame]:
    """Every rollup table and the meta record, rows in a fixed order."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND starts_with(table_name, '_rollup_') "
        "ORDER BY 1").fetchall()]
    out = {}
    for name in names:
        df = con.execute(f'SELECT * FROM "{name}"').df()
        floats = [c for c in df.columns if df[c].dtype.kind == "f"]
        df = df.sort_values([c for c in df.columns if c not in floats] + floats, na_position="first")
        out[name] = df.reset_index(drop=True)
    return out


def scratch(ws) -> dict[str, pd.DataFrame]:
    """The rollups rebuilt whole from the store as it is (rolled back)."""
    con = ws.duckdb
    con.execute("BEGIN TRANSACTION")
    try:
        rollup.refresh(con, rep_role=ws.config.rep_role)
        return stored(con)
    finally:
        con.execute("ROLLBACK")


def assert_same_as_scratch(ws) -> None:
    got, want = stored(ws.duckdb), scratch(ws)
    assert sorted(got) == sorted(want)
    assert json.loads(got.pop("_rollup_meta")["meta"][0]) == json.loads(want.pop("_rollup_meta")["meta"][0])
    for name, frame in want.items():
        assert len(frame), name
        pd.testing.assert_frame_equal(got[name], frame, check_exact=False, rtol=1e-9, atol=0, obj=name)


@pytest.fixture
def setup(tmp_path, monkeypatch):
    files = {p.stem: pq.read_table(p).to_pandas()
             for p in write_demo_files(tmp_path / "demo", seed=3, scale=4000, today=TODAY)}
    ws = salesscope.init(tmp_path / "ws")
    plans: list[rollup.Plan] = []
    prepare = rollup.prepare

    def spy(*a, **k):
        plans.append(prepare(*a, **k))
        return plans[-1]

    monkeypatch.setattr(rollup, "prepare", spy)
    step = iter(range(100))

    def load(**tables: pd.DataFrame) -> rollup.Plan:
        n = next(step)
        paths = []
        for name, df in tables.items():
            (tmp_path / f"in{n}").mkdir(exist_ok=True)
            df.to_parquet(tmp_path / f"in{n}" / f"{name}.parquet", index=False)
            paths.append(tmp_path / f"in{n}" / f"{name}.parquet")
        result = import_files(ws, paths, progress=False)
        assert result.rejected == 0, result.to_dict()
        assert_same_as_scratch(ws)
        return plans[-1]

    yield files, load
    ws.close()


def _shift(df: pd.DataFrame, rows: slice, columns: list[str], days: int) -> pd.DataFrame:
    df = df.copy()
    idx = df.index[rows]
    for c in columns:
        df.loc[idx, c] = df.loc[idx, c] + pd.Timedelta(days=days)
    return df


def test_imports_that_resend_change_and_add_rows_leave_the_rollups_of_a_rebuild(setup):
    files, load = setup
    act, resp, leads, deals = files["activities"], files["responses"], files["leads"], files["opportunities"]
    n = len(act)

    # A first export: most activities, half of the responses to them, every other table.
    first = {k: v for k, v in files.items() if k not in ("activities", "responses")}
    answered = resp[resp["activity_id"].isna() | resp["activity_id"].isin(act["activity_id"].iloc[: n * 7 // 10])]
    plan = load(**first, activities=act.iloc[: n * 7 // 10], responses=answered.iloc[: len(answered) // 2])
    assert plan.meta is None  # nothing to keep: built whole

    # The next activities: re-sent rows (some moved to other days, other reps and channels) and new ones.
    later = _shift(act.iloc[n // 2:], slice(0, n // 10), ["occurred_at", "responded_at"], 40)
    moved = later.index[: n // 10]
    later.loc[moved, "channel"] = later.loc[moved, "channel"].map({"email": "phone"}).fillna("email")
    later.loc[moved[::3], "rep_id"] = act["rep_id"].iloc[0]
    plan = load(activities=later)
    # The responses to those actions and the leads they touch (directly or through a deal) too.
    assert plan.by_day == {"activities", "responses", "leads"}

    # Responses alone: the rest, and some of the first ones again, moved.
    plan = load(responses=pd.concat([_shift(answered.iloc[: len(answered) // 4], slice(0, 20), ["occurred_at"], -9),
                                     resp[~resp["response_id"].isin(answered["response_id"].iloc[: len(answered) // 2])]]))
    assert plan.by_day == {"responses"}

    # Leads alone: some created earlier, others from another channel, and new ones.
    changed = _shift(leads.iloc[: len(leads) // 5], slice(0, 30), ["created_at"], -12)
    changed.loc[changed.index[30:60], "channel"] = "event"
    new = leads.iloc[-40:].assign(lead_id=[f"NEW-{i}" for i in range(40)], opportunity_id=None)
    plan = load(leads=pd.concat([changed, new]))
    assert plan.by_day == {"leads"}

    # Deals alone: open deals won, won deals closed later and for more.
    d = deals.copy()
    opened = d.index[d["status"].eq("open")][:10]
    d.loc[opened, "status"] = "won"
    d.loc[opened, "closed_at"] = d.loc[opened, "created_at"] + pd.Timedelta(days=20)
    won = d.index[d["status"].eq("won")][:10]
    d.loc[won, "closed_at"] = d.loc[won, "closed_at"] + pd.Timedelta(days=5)
    d.loc[won, "amount"] = d.loc[won, "amount"] * 1.5
    plan = load(opportunities=d.iloc[: len(d) // 2])
    assert plan.by_day == {"closed_deals", "leads"}  # the leads linked to those deals too

    # A daily export of everything that moves: actions, responses, leads and deals at once, their
    # links changed (an action moved to another lead, a deal to another lead).
    acts = _shift(act.iloc[: n // 20], slice(0, 40), ["occurred_at", "responded_at"], 3)
    linked = acts.index[acts["lead_id"].notna()][:15]
    acts.loc[linked, "lead_id"] = leads["lead_id"].iloc[-1]
    deals2 = d.iloc[len(d) // 2:].copy()
    with_lead = deals2.index[deals2["lead_id"].notna()][:5]
    deals2.loc[with_lead, "lead_id"] = leads["lead_id"].iloc[-2]
    plan = load(activities=acts, responses=resp.iloc[-30:], leads=leads.iloc[100:140], opportunities=deals2)
    assert plan.by_day == {"activities", "responses", "leads", "closed_deals"}

    # Customers alone, acquired a month later.
    plan = load(customers=_shift(files["customers"], slice(0, 10), ["acquired_at"], 30))
    assert plan.by_day == {"customers_new"}

    # A rep moves team: every fact split by team is rebuilt whole, the costs are kept.
    reps = files["reps"].copy()
    reps.loc[0, "team"] = reps["team"].iloc[-1] if reps["team"].iloc[-1] != reps["team"].iloc[0] else "Elsewhere"
    plan = load(reps=reps)
    assert plan.by_day == set() and plan.meta is not None

    # Time logged again (rows without a key of their own): that fact alone rebuilt whole.
    log = files["time_log"].copy()
    log.loc[log.index[:50], "hours"] = np.round(log.loc[log.index[:50], "hours"] * 0.5, 2)
    plan = load(time_log=log.iloc[:500])
    assert plan.by_day == set() and plan.meta is not None
