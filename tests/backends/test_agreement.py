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


@pytest.fixture(scope="module")
def imported(demo_files, tmp_path_factory):
    """The demo files imported once; each test opens it read-only (and may point it elsewhere)."""
    path = tmp_path_factory.mktemp("imported") / "ws"
    salesscope.init(path)
    with salesscope.open(path) as ws:
        import_files(ws, demo_files, progress=False)
    return path


@pytest.fixture
def demo_ws(imported):
    """The imported store, read-only: ``on_backend`` copies it to each engine once for the module."""
    ws = salesscope.open(imported, read_only=True)
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


def test_the_engine_agrees_with_a_pandas_reference(demo_ws):
    """Every indicator on DuckDB against the benchmark's plain-pandas implementation of KPIS.md, which
    reads the same rows and shares none of the engine's code."""
    from salesscope.bench import compare, pandas_ref
    from salesscope.bench.worker import _months, engine

    months, in_range = _months(demo_ws)
    reference = pandas_ref.compute(pandas_ref.load(demo_ws.duckdb), months, in_range, demo_ws.config.gross_margin)
    got = engine(demo_ws)
    result = compare(reference, got)
    assert result["same"], result["problems"]
    assert set(reference["kpi"]) == set(demo_ws.model.indicators) and len(reference) > 1000
    # the comparison sees a single value off by one part in a million, and a row left out
    off = got.copy()
    off.loc[off.index[len(off) // 2], "value"] *= 1 + 1e-6
    assert not compare(reference, off)["same"]
    assert not compare(reference, got.drop(index=got.index[-1]))["same"]


def test_the_engine_agrees_with_the_lazy_polars_reference(demo_ws):
    """The benchmark's Polars contender (six indicators by month x channel x rep, its own code) gives
    the engine's numbers, row for row; and the engine's request for those six is the same again."""
    from salesscope.bench import compare, polars_ref
    from salesscope.bench.worker import _months, engine, engine_subset

    months, in_range = _months(demo_ws)
    got = polars_ref.compute(polars_ref.load(demo_ws.duckdb), months, in_range)
    everything = engine(demo_ws)
    reference = everything[everything["kpi"].isin(polars_ref.KPIS)]
    assert set(got["kpi"]) == set(polars_ref.KPIS) and len(got) > 200
    result = compare(reference, got)
    assert result["same"], result["problems"]
    assert compare(reference, engine_subset(demo_ws))["same"]
    off = got.copy()
    off.loc[off.index[off["value"] != 0][len(off) // 3], "value"] *= 1 + 1e-6
    assert not compare(reference, off)["same"]


# The Spark case took 806 s once at load average 20 (the suite on two processes), near the
# suite's 900 s bound on a hung test.
@pytest.mark.timeout(2400)
@pytest.mark.parametrize("backend_kind", ["postgres", "spark"])
def test_fifteen_indicators_agree_across_backends(demo_ws, on_backend, backend_kind):
    """The engine on PostgreSQL and Spark against the engine on DuckDB (itself checked against pandas
    above), value by value and with the same counts and reasons."""
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


@pytest.mark.parametrize("backend_kind", ["postgres", "spark"])
def test_the_funnel_agrees_across_backends(demo_ws, on_backend, backend_kind):
    """Every stage's count, conversion and note by channel, equal to DuckDB's (a stage no lead of a
    group reached is 0 there too, not undefined)."""
    from salesscope.engine.funnel import funnel

    expected = funnel(demo_ws, by=["channel"])
    got = funnel(on_backend(demo_ws), by=["channel"])
    assert (expected["count"] == 0).any() and expected["count"].notna().all()
    pd.testing.assert_frame_equal(expected.reset_index(drop=True), got.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("backend_kind", ["spark"])
def test_spark_medians_are_exact_or_reported(demo_ws, on_backend, backend_kind):
    """Spark's percentile is approximate: how far its medians are from the exact ones."""
    expected = demo_ws.kpis(["sales_cycle_days", "lead_response_time"], grain="month")
    got = on_backend(demo_ws).kpis(["sales_cycle_days", "lead_response_time"], grain="month")
    a, b = expected["value"].to_numpy(float), got["value"].to_numpy(float)
    assert np.isclose(a, b, rtol=1e-9, equal_nan=True).all(), (
        "Spark medians differ from the exact ones: "
        + expected.assign(spark=b)[~np.isclose(a, b, rtol=1e-9, equal_nan=True)][["kpi", "period", "value", "spark"]]
        .head(8).to_string())
