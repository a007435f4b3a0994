"""SalesScope on a real Spark standalone cluster: a master and two workers in their own processes,
the canonical tables exported as Parquet to a warehouse folder they share, and the driver in a
process of its own. Its indicators, funnel, advice and forecast equal DuckDB's on the same data,
and the work ran on the workers' executors, not in the driver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import salesscope
from salesscope.backends import export_parquet
from salesscope.bench.sparkcluster import SparkCluster
from salesscope.demo import generate
from salesscope.ingest import import_files

pytestmark = pytest.mark.spark
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from cluster_driver import TODAY, results  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    c = SparkCluster(workers=2, cores=1, memory="1g").start()
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cluster")
    paths = []
    for name, df in generate(seed=11, scale=2_000, today=TODAY).items():
        paths.append(root / f"{name}.parquet")
        df.to_parquet(paths[-1])
    ws = salesscope.init(root / "ws")
    import_files(ws, paths, progress=False)
    ws.close()
    return root / "ws"


@pytest.mark.timeout(2400)  # three JVMs and a driver on two cores: minutes, more on a busy machine
def test_the_cluster_gives_duckdbs_answers_and_does_the_work(cluster, workspace, tmp_path):
    warehouse, out = tmp_path / "warehouse", tmp_path / "out"
    out.mkdir()
    ws = salesscope.open(workspace, read_only=True)
    export_parquet(ws, warehouse, "sales")
    want = results(ws)
    ws.close()

    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYTHONPATH": os.pathsep.join([str(Path(salesscope.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, str(HERE / "cluster_driver.py"), str(workspace), cluster.url,
                          str(warehouse), "sales", str(out)], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    print("\n".join(line for line in run.stderr.splitlines() if line.startswith("spark ")))

    # The work ran on the two workers' executors, in processes other than the driver
    executors = json.loads((out / "executors.json").read_text())
    workers = [e for e in executors if e["id"] != "driver"]
    assert len(workers) == 2 and all(e["completed_tasks"] > 0 for e in workers), executors
    assert all(e["completed_tasks"] == 0 for e in executors if e["id"] == "driver"), executors
    assert cluster.state()["aliveworkers"] == 2 and all(p.poll() is None for p in cluster.processes)

    def read(name: str) -> pd.DataFrame:
        return pd.read_parquet(out / f"{name}.parquet")

    def same_trip(df: pd.DataFrame) -> pd.DataFrame:  # DuckDB's answer through Parquet too
        df.to_parquet(tmp_path / "want.parquet")
        return pd.read_parquet(tmp_path / "want.parquet")

    keys = ["kpi", "period_start"]
    w, g = same_trip(want["kpis"]), read("kpis")
    m = w.merge(g, on=keys, how="outer", suffixes=("", "_got"), indicator=True)
    assert (m["_merge"] == "both").all() and len(m) == len(w)
    for col in ("value", "numerator", "denominator", "ci_low", "ci_high", "change"):
        a, b = m[col].astype(float).to_numpy(), m[f"{col}_got"].astype(float).to_numpy()
        same = np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)
        assert same.all(), m.loc[~same, [*keys, col, f"{col}_got"]].head(10).to_string()
    assert (m["reason"].fillna("") == m["reason_got"].fillna("")).all()
    assert m["value"].notna().sum() > 150
    assert set(w[w["value"].notna()]["kpi"]) == set(salesscope.open(workspace, read_only=True).model.indicators)

    for name in ("funnel", "forecast"):
        pd.testing.assert_frame_equal(same_trip(want[name]), read(name), check_dtype=False, rtol=1e-9)
    advice = json.loads((out / "advice.json").read_text())
    assert len(advice) == len(want["advice"]) > 0
    assert [a["advice_en"] for a in advice] == [a["advice_en"] for a in want["advice"]]
