"""Fixtures shared by every test package: empty workspaces and one demo workspace per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import salesscope

# A fixed "today" keeps the demo's planted facts in the same months whatever day the tests run.
DEMO_TODAY = date(2026, 4, 15)
DEMO_SEED = 7


def load_rows(ws: salesscope.Workspace, tables: dict[str, list[dict]]) -> None:
    """Insert rows straight into canonical tables (engine tests; the importer has its own)."""
    for name, rows in tables.items():
        df = pd.DataFrame(rows)
        ws.duckdb.register("_rows", df)
        ws.duckdb.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows')
        ws.duckdb.unregister("_rows")


def rep_files(files: list[Path], rep: str, out_dir: Path) -> list[Path]:
    """The demo's export files cut to one rep's rows, as a user would cut them to build a store of
    only that rep's data: rows with the rep's ``rep_id``, the responses to the rep's actions, and
    no costs (they belong to no rep)."""
    import pyarrow.parquet as pq

    frames = {Path(f).stem: pq.read_table(f).to_pandas() for f in files}
    acts = frames["activities"]
    actions = set(acts.loc[acts["rep_id"] == rep, "activity_id"])
    out_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for name, df in frames.items():
        if "rep_id" in df.columns:
            rows = df[df["rep_id"] == rep]
        elif name == "responses":
            rows = df[df["activity_id"].isin(actions)]
        else:
            continue
        if len(rows):
            out.append(out_dir / f"{name}.parquet")
            rows.to_parquet(out[-1], index=False)
    return out


@pytest.fixture
def make_ws(tmp_path: Path) -> Callable[..., salesscope.Workspace]:
    """Build a workspace holding the given rows: ``make_ws({"leads": [...]}, calendar="jalali")``."""
    made = []

    def make(tables: dict[str, list[dict]] | None = None, **settings) -> salesscope.Workspace:
        ws = salesscope.init(tmp_path / f"ws{len(made)}", **settings)
        load_rows(ws, tables or {})
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.close()


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace built once per session through the real import path. Treat it as
    read-only; copy it (``copy_demo``) to change it."""
    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files

    root = tmp_path_factory.mktemp("demo")
    ws = salesscope.init(root / "workspace", name="SalesScope demo")
    files = write_demo_files(root / "files", seed=DEMO_SEED, today=DEMO_TODAY)
    import_files(ws, files, progress=False)
    ws.close()
    return root / "workspace"


@pytest.fixture
def demo_ws(demo_path: Path) -> salesscope.Workspace:
    ws = salesscope.open(demo_path)
    yield ws
    ws.close()


@pytest.fixture
def copy_demo(demo_path: Path, tmp_path: Path) -> Callable[[], salesscope.Workspace]:
    def copy() -> salesscope.Workspace:
        dest = tmp_path / "demo-copy"
        shutil.copytree(demo_path, dest)
        return salesscope.open(dest)

    return copy


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (Debian's, through Playwright) for the whole session: the report tests and
    the dashboard's browser tests open their pages in it, and the product's own PDF printing reuses it."""
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from salesscope.report.pdf import browser

    with browser() as b:
        yield b


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For ``-n 2 --dist loadgroup`` (pytest-xdist): a module's tests run in one process, so its
    module-scoped fixtures are built once; the modules that use the local Spark session share one
    process, so only one Spark JVM starts and warms up."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    with_spark = {item.path for item in items
                  if item.get_closest_marker("spark") and item.path.name != "test_cluster.py"}
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            group = "spark" if item.path in with_spark else str(item.path)
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every check must run: a test skipped there (a missing browser, no root) fails."""
    import os

    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where every check must run: {reason}"
