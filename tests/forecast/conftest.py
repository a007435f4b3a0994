"""Workspaces for the forecast tests: the demo company, and tiny hand-made ones."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import salesscope
from salesscope.schema import TABLES, Table

DEMO_TODAY = dt.date(2026, 4, 15)
DEMO_SCALE = 60_000


def load_frames(ws, frames: dict[str, pd.DataFrame]) -> None:
    """Insert canonical frames into the store as they are (the tests build them already clean)."""
    con = ws.duckdb
    for name, df in frames.items():
        spec = TABLES[Table(name)]
        df = df.copy()
        for col in spec.column_names:
            if col.endswith("_label") and col not in df and col[: -len("_label")] in df:
                df[col] = df[col[: -len("_label")]]
        cols = [c for c in spec.column_names if c in df.columns]
        con.register("_frame", df[cols])
        quoted = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO "{name}" ({quoted}) SELECT {quoted} FROM _frame')
        con.unregister("_frame")


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory):
    from salesscope.demo import generate

    ws = salesscope.init(tmp_path_factory.mktemp("forecast-demo") / "ws")
    load_frames(ws, generate(seed=7, scale=DEMO_SCALE, today=DEMO_TODAY))
    yield ws
    ws.close()


@pytest.fixture
def make_ws(tmp_path):
    """A fresh workspace filled with the given canonical frames."""
    opened = []

    def make(frames: dict[str, pd.DataFrame], **settings):
        ws = salesscope.init(tmp_path / f"ws{len(opened)}", **settings)
        load_frames(ws, frames)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()
