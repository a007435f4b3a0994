"""The per-day rollups the import keeps: the 15 indicators read from them equal the raw rows'
(1e-9) at every zoom and scope, the rollup is really what is read, and a store the rollups no
longer match is read raw."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import salesscope
from salesscope.demo import write_demo_files
from salesscope.engine import compute, rollup
from salesscope.ingest import import_files

TODAY = dt.date(2026, 4, 15)
# Channel labels as a CRM writes them, known and not: the stored channel is read from the
# label, and the label itself is the ``channel_label`` dimension.
LABELS = ("Organic Search", "Paid Search", "Trade Show 2025", "وبینار با شریک", "Direct Traffic")
MAPPING = """
tables:
  opportunities:
    files: deals*.csv
    columns:
      opportunity_id: opportunity_id
      created_at: created_at
      status: status
      closed_at: closed_at
      stage: stage
      amount: amount
      probability: probability
      rep_id: rep_id
      lead_id: lead_id
      customer_id: customer_id
      product: product
      channel: {from: source, values: {Trade Show 2025: event, وبینار با شریک: other}}
    attributes:
      tier: tier
    rep_roles:
      sdr: sdr
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A small demo company imported as files, then its deals imported again through a mapping
    that adds free labels, an attribute with empty values, a second rep role and missing
    amounts: what a real export looks like."""
    root = tmp_path_factory.mktemp("rollup")
    files = write_demo_files(root / "files", seed=11, scale=6000, today=TODAY)
    w = salesscope.init(root / "ws")
    import_files(w, files, progress=False)
    deals = pq.read_table(root / "files" / "opportunities.parquet").to_pandas()
    reps = pq.read_table(root / "files" / "reps.parquet").to_pandas()["rep_id"].tolist()
    rng = np.random.default_rng(5)
    deals["source"] = rng.choice(LABELS, len(deals))
    deals["tier"] = rng.choice(["gold", "silver", None], len(deals))
    deals["sdr"] = rng.choice(reps + [None], len(deals))
    deals.loc[rng.random(len(deals)) < 0.2, "amount"] = np.nan
    deals = deals.drop(columns="channel")
    deals.to_csv(root / "deals.csv", index=False)
    (root / "crm.yaml").write_text(MAPPING, encoding="utf-8")
    import_files(w, [root / "deals.csv"], mapping=root / "crm.yaml", progress=False)
    yield w
    w.close()


def raw(monkeypatch) -> None:
    """The engine without rollups, as on a store that has none."""
    monkeypatch.setattr(compute.rollup, "available", lambda *a, **k: {})


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal rows and values within 1e-9 relative; a change (the difference of two close values)
    within 1e-9 of the values it is the difference of."""
    pd.testing.assert_frame_equal(got.drop(columns="change"), want.drop(columns="change"), check_exact=False,
                                  rtol=1e-9, atol=0)
    a, b = got["change"].to_numpy(dtype="float64"), want["change"].to_numpy(dtype="float64")
    scale = np.fmax(want["value"].abs(), want["previous_value"].abs()).to_numpy(dtype="float64")
    assert (np.isnan(a) == np.isnan(b)).all()
    ok = np.isnan(b) | (np.abs(a - b) <= 1e-9 * scale)
    assert ok.all(), want[~ok]


ZOOMS = [
    dict(grain="month", by=["channel", "rep"]),
    dict(grain="week", by=["channel"], start="2025-03-12", end="2025-06-20"),  # periods cut short
    dict(grain="day", by=["team"], start="2025-11-03", end="2025-12-09"),
    dict(grain="quarter", by=["tier"]),
    dict(grain="month", calendar="jalali", by=["channel_label"]),
    dict(grain="month", by=["rep_sdr"]),
    dict(grain="year"),
]
SCOPES = [None, {"rep": ["R03"]}, {"team": ["North"]}]


def _both(ws, monkeypatch, **zoom) -> tuple[pd.DataFrame, pd.DataFrame]:
    before = rollup.reads["rollup"]
    rolled = ws.kpis(None, **zoom)
    used = rollup.reads["rollup"] - before
    with monkeypatch.context() as m:
        raw(m)
        plain = ws.kpis(None, **zoom)
    assert used > 0, f"the rollups were not read for {zoom}"
    return rolled, plain


@pytest.mark.parametrize("scope", SCOPES, ids=["everything", "one rep", "one team"])
@pytest.mark.parametrize("zoom", ZOOMS, ids=lambda z: "-".join([z["grain"], *z.get("by", [])]))
def test_the_rollups_give_the_raw_rows_numbers(ws, monkeypatch, zoom, scope):
    rolled, plain = _both(ws, monkeypatch, **zoom, scope=scope)
    assert len(plain) > 0
    same(rolled, plain)
    assert rolled.attrs == plain.attrs
    # most indicators have values to compare (fewer by a deal's own dimensions, or for one rep)
    defined = plain.dropna(subset=["value"])["kpi"].nunique()
    assert defined >= (3 if scope or zoom.get("by") in (["tier"], ["rep_sdr"]) else 9)


def test_medians_and_spreads_are_defined_where_compared(ws, monkeypatch):
    """The comparison above covers medians, their intervals and standard deviations with values."""
    rolled, _ = _both(ws, monkeypatch, grain="quarter", by=["channel"], details=True)
    for kpi in ("avg_deal_size", "sales_cycle_days", "lead_response_time"):
        rows = rolled[rolled["kpi"] == kpi].dropna(subset=["value"])
        assert len(rows), kpi
    assert rolled["ci_low"].notna().sum() > 50


def test_a_store_written_outside_an_import_is_read_raw(ws, monkeypatch, tmp_path):
    copy = salesscope.init(tmp_path / "copy")
    copy.close()
    import shutil

    shutil.copy(ws.store_path, copy.store_path)
    c = salesscope.open(copy.path)
    c.duckdb.execute("INSERT INTO opportunities (opportunity_id, created_at, status, closed_at, amount, rep_id) "
                     "VALUES ('X1', '2025-05-02 10:00', 'won', '2025-05-20 10:00', 123456.5, 'R03')")
    before = dict(rollup.reads)
    got = c.kpis(["avg_deal_size"], grain="month")
    assert rollup.reads["rollup"] == before.get("rollup", 0)
    with monkeypatch.context() as m:
        raw(m)
        want = c.kpis(["avg_deal_size"], grain="month")
    pd.testing.assert_frame_equal(got, want)
    c.close()
