"""The same indicator definitions give the same numbers on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import salesscope
from salesscope.demo import generate
from salesscope.ingest import import_files

TODAY = dt.date(2026, 4, 15)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list:
    out = tmp_path_factory.mktemp("demo-files")
    paths = []
    for name, df in generate(seed=7, scale=2_000, today=TODAY).items():
        path = out / f"{name}.parquet"
        df.to_parquet(path)
        paths.append(path)
    return paths


@pytest.fixture
def demo_ws(demo_files, tmp_path):
    ws = salesscope.init(tmp_path / "ws")
    import_files(ws, demo_files, progress=False)
    yield ws
    ws.close()


def _all(ws) -> pd.DataFrame:
    """Every indicator of the workspace's semantic model, at the breakdown the model compares it at."""
    frames = []
    for dims, ids in ws.model.agreement_levels().items():
        df = ws.kpis(list(ids), grain="month", by=list(dims) or None)
        frames.append(df.assign(**{d: None for d in ("channel", "rep") if d not in dims}))
    out = pd.concat(frames, ignore_index=True)
    return out[["kpi", "period_start", "channel", "rep", "value", "numerator", "denominator", "n", "reason"]]


def test_fifteen_indicators_agree_across_backends(demo_ws, on_backend, backend_kind):
    expected = _all(demo_ws)
    got = _all(on_backend(demo_ws))
    keys = ["kpi", "period_start", "channel", "rep"]
    m = expected.merge(got, on=keys, how="outer", suffixes=("", "_got"), indicator=True)
    assert (m["_merge"] == "both").all(), m[m["_merge"] != "both"].head()
    model = demo_ws.model
    assert set(expected["kpi"]) == set(model.indicators)
    # Spark's percentile is approximate: values built on a median are compared in the test below
    skip = {k for k, ind in model.indicators.items() if model.with_median(ind)} if backend_kind == "spark" else set()
    checked = m[~m["kpi"].isin(skip)]
    for col in ("value", "numerator", "denominator"):
        a, b = checked[col].astype(float).to_numpy(), checked[f"{col}_got"].astype(float).to_numpy()
        same = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        assert same.all(), checked.loc[~same, [*keys, col, f"{col}_got"]].head(10).to_string()
    assert (checked["n"] == checked["n_got"]).all()
    assert (checked["reason"].fillna("") == checked["reason_got"].fillna("")).all()
    assert checked["value"].notna().sum() > 500  # the comparison is not over empty results


@pytest.mark.spark
def test_spark_medians_are_exact_or_reported(demo_ws, spark_session, spark_config):
    """Spark's percentile is approximate: how far its medians are from the exact ones."""
    from salesscope.backends import copy_to_spark, use_backend

    expected = demo_ws.kpis(["sales_cycle_days", "lead_response_time"], grain="month")
    copy_to_spark(demo_ws, spark_session, database="medians")
    got = use_backend(demo_ws, spark_config.model_copy(update={"database": "medians"})).kpis(
        ["sales_cycle_days", "lead_response_time"], grain="month")
    a, b = expected["value"].to_numpy(float), got["value"].to_numpy(float)
    assert np.isclose(a, b, rtol=1e-9, equal_nan=True).all(), (
        "Spark medians differ from the exact ones: "
        + expected.assign(spark=b)[~np.isclose(a, b, rtol=1e-9, equal_nan=True)][["kpi", "period", "value", "spark"]]
        .head(8).to_string())
