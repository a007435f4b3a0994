"""Property tests for the importer: random corruptions of the demo company's files.

The demo generator says what the rows are; each example corrupts some cells and repeats some
rows, works out on its own which rows a correct import must reject (the row itself, a repeated
key, or a reference to a row that is not loaded, followed through every table), imports, and
compares the store and the quarantine with that intention.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import salesscope
from salesscope.ingest import import_files
from salesscope.schema import TABLES, Kind, Table

# What each corruption writes into a cell, and the reason the importer must give.
BAD_VALUES: dict[str, tuple[str, str]] = {
    "missing": ("", "missing_value"),
    "bad_date": ("2024-02-30", "bad_date"),
    "bad_jalali": ("1403/07/31", "bad_jalali_date"),
    "ambiguous": ("03/04/2024", "ambiguous_date"),
    "bad_number": ("12abc", "bad_number"),
    "negative": ("-10", "negative"),
    "dangling": ("NO-SUCH-KEY", "dangling_reference"),
}


@cache
def demo_frames() -> dict[str, pd.DataFrame]:
    """A small demo company as text cells (time_log cut to 300 rows to keep examples fast)."""
    from salesscope.demo import generate

    frames = generate(seed=3, scale=2000, today=dt.date(2026, 4, 15))
    out = {}
    for name, df in frames.items():
        if name == "time_log":
            df = df.iloc[:: max(1, len(df) // 300)].head(300)
        text = df.astype(object).where(df.notna(), None).map(
            lambda v: None if v is None else (v.strftime("%Y-%m-%d %H:%M:%S")
                                              if isinstance(v, pd.Timestamp) else str(v)))
        out[name] = text.reset_index(drop=True)
    return out


def choices(table: Table, df: pd.DataFrame) -> list[tuple[str, str]]:
    """(column, corruption) pairs that must get a row of this table rejected."""
    spec, out = TABLES[table], []
    for c in spec.columns:
        if c.name not in df.columns:
            continue
        if c.required:
            out.append((c.name, "missing"))
        if c.kind in (Kind.TIMESTAMP, Kind.DATE) and c.required:
            out += [(c.name, "bad_date"), (c.name, "bad_jalali"), (c.name, "ambiguous")]
        if c.kind is Kind.MONEY:
            out += [(c.name, "bad_number"), (c.name, "negative")]
        if c.references is not None:
            out.append((c.name, "dangling"))
    return out


@dataclass
class Plan:
    frames: dict[str, pd.DataFrame]
    codes: dict[tuple[str, int], str]  # (table, row) -> reason the row itself must be rejected


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    base = demo_frames()
    frames = {n: df.copy() for n, df in base.items()}
    codes: dict[tuple[str, int], str] = {}
    names = sorted(frames)
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(names))
        df = frames[name]
        row = draw(st.integers(0, len(base[name]) - 1))
        if (name, row) in codes:
            continue
        col, what = draw(st.sampled_from(choices(Table(name), df)))
        if what == "dangling" and df.at[row, col] is None and not draw(st.booleans()):
            continue
        value, code = BAD_VALUES[what]
        df.at[row, col] = value or None
        codes[(name, row)] = code
    # Repeated rows (a key seen twice in one import): the later copy is rejected.
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from([t.value for t in Table if TABLES[t].has_id]))
        row = draw(st.integers(0, len(base[name]) - 1))
        if (name, row) in codes:
            continue
        df = frames[name]
        df.loc[len(df)] = base[name].iloc[row]
        codes[(name, len(df) - 1)] = "duplicate_key"
    return Plan(frames, codes)


def intended(plan: Plan) -> dict[str, set[int]]:
    """Rows a correct import rejects: its own problem, then references followed to a fixpoint.

    A link that may be empty (not required, not part of the key) to a row rejected in the same
    import is cleared instead: the row holding it loads.
    """
    rejected = {n: {r for (t, r) in plan.codes if t == n} for n in plan.frames}
    while True:
        keys, given = {}, {}
        for t in Table:
            spec = TABLES[t]
            if spec.has_id:
                df = plan.frames[t.value]
                ok = df.drop(index=list(rejected[t.value]))
                keys[t] = set(ok[spec.key[0]].dropna())
                given[t] = set(df[spec.key[0]].dropna())
        grew = False
        for t in Table:
            df, spec = plan.frames[t.value], TABLES[t]
            for c in spec.columns:
                if c.references is None or c.name not in df.columns:
                    continue
                dangling = df[c.name].notna() & ~df[c.name].isin(keys[c.references])
                if spec.has_id and not c.required and c.name not in spec.key:
                    dangling &= ~df[c.name].isin(given[c.references])
                bad = df.index[dangling]
                new = set(bad) - rejected[t.value]
                if new:
                    rejected[t.value] |= new
                    grew = True
        if not grew:
            return rejected


def test_the_uncorrupted_demo_files_load_completely():
    with tempfile.TemporaryDirectory() as tmp:
        result = _import(Plan({n: df.copy() for n, df in demo_frames().items()}, {}), Path(tmp))[1]
        assert result.rejected == 0, result.warnings


def _import(plan: Plan, tmp: Path):
    files = []
    for name, df in plan.frames.items():
        path = tmp / "files" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False)
        files.append(path)
    ws = salesscope.init(tmp / "ws")
    return ws, import_files(ws, files, progress=False)


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(plans())
def test_counts_add_up_no_valid_row_lost_no_invalid_row_loaded(plan):
    expected = intended(plan)
    note(f"corrupted: {sorted(plan.codes.items())}")
    tmp = Path(tempfile.mkdtemp(prefix="rel-import-"))
    try:
        ws, result = _import(plan, tmp)
        try:
            quarantined: dict[str, dict[int, set[str]]] = {}
            for tbl, row, code in ws.duckdb.execute(
                    "SELECT target_table, source_row, reason_code FROM _quarantine").fetchall():
                quarantined.setdefault(tbl, {}).setdefault(row - 2, set()).add(code)
            counts = ws.row_counts()
            for t in Table:
                name, df = t.value, plan.frames[t.value]
                c = result.tables[name]
                assert c.read == c.loaded + c.rejected == len(df), name
                assert set(quarantined.get(name, {})) == expected[name], name
                assert c.rejected == len(expected[name]), name
                assert counts[name] == len(df) - len(expected[name]), name
                for (tbl, row), code in plan.codes.items():
                    if tbl == name:
                        assert code in quarantined[name][row], (name, row, code)
                # Every row kept holds the file's values, cell by cell (a link to a row rejected in
                # the same import is cleared); rows of tables without a key compared as a multiset.
                want = kept_cells(plan, expected, t)
                got = stored_cells(ws, t, list(df.columns))
                assert sorted(got, key=repr) == sorted(want, key=repr), name
        finally:
            ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cell(kind: Kind, value: object) -> object:
    """A cell of the file (text) or of the store (typed) as one comparable value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind is Kind.TIMESTAMP:
        return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)
    if kind is Kind.DATE:
        return pd.Timestamp(value).date()
    if kind in (Kind.MONEY, Kind.NUMBER, Kind.PROBABILITY):
        return round(float(value), 6)
    return str(value)


def kept_cells(plan: Plan, rejected: dict[str, set[int]], t: Table) -> list[tuple]:
    """The rows a correct import keeps in table ``t``, as the file writes them."""
    spec, df = TABLES[t], plan.frames[t.value]
    keys = {r: set(plan.frames[r.value].drop(index=list(rejected[r.value]))[TABLES[r].key[0]].dropna())
            for r in Table if TABLES[r].has_id}
    kinds = {c.name: c for c in spec.columns}
    out = []
    for _, row in df.drop(index=list(rejected[t.value])).iterrows():
        cells = []
        for col in df.columns:
            c, v = kinds[col], row[col]
            if c.references is not None and v is not None and v not in keys[c.references]:
                v = None  # a link to a row rejected in this import: loaded without it
            cells.append(_cell(c.kind, v))
        out.append(tuple(cells))
    return out


def stored_cells(ws: salesscope.Workspace, t: Table, columns: list[str]) -> list[tuple]:
    kinds = {c.name: c.kind for c in TABLES[t].columns}
    names = ", ".join(f'"{c}"' for c in columns)
    rows = ws.duckdb.execute(f'SELECT {names} FROM "{t.value}"').fetchall()
    return [tuple(_cell(kinds[c], v) for c, v in zip(columns, r, strict=True)) for r in rows]


def test_a_rejected_row_leaves_the_rows_that_point_at_it_loaded_without_the_link(tmp_path):
    """customer rejected -> its deal loads without the customer; the deal's lead and activity
    keep their link to the deal; each cleared link is reported."""
    from tests.reliability.conftest import write_csv

    d = tmp_path / "files"
    files = [
        write_csv(d / "customers.csv", ["customer_id", "acquired_at"],
                  [["C1", "2024-01-05"], ["C2", "2024-02-30"]]),
        write_csv(d / "opportunities.csv",
                  ["opportunity_id", "created_at", "status", "closed_at", "customer_id"],
                  [["O1", "2024-01-01", "won", "2024-01-05", "C1"],
                   ["O2", "2024-01-01", "won", "2024-01-05", "C2"]]),
        write_csv(d / "leads.csv", ["lead_id", "created_at", "opportunity_id"],
                  [["L1", "2023-12-01", "O1"], ["L2", "2023-12-01", "O2"]]),
        write_csv(d / "activities.csv",
                  ["activity_id", "occurred_at", "channel", "opportunity_id", "lead_id"],
                  [["A1", "2024-01-02", "phone", "O1", "L1"], ["A2", "2024-01-02", "phone", "O2", None],
                   ["A3", "2023-12-02", "email", None, "L2"]]),
    ]
    ws = salesscope.init(tmp_path / "ws")
    r = import_files(ws, files, progress=False)
    assert {t: (c.loaded, c.rejected) for t, c in r.tables.items()} == {
        "customers": (1, 1), "opportunities": (2, 0), "leads": (2, 0), "activities": (3, 0)}
    assert ws.duckdb.execute("SELECT opportunity_id, customer_id FROM opportunities ORDER BY 1"
                             ).fetchall() == [("O1", "C1"), ("O2", None)]
    assert ws.duckdb.execute("SELECT lead_id, opportunity_id FROM leads ORDER BY 1"
                             ).fetchall() == [("L1", "O1"), ("L2", "O2")]
    assert [w for w in r.warnings if "rejected in this import" in w] == [
        "opportunities.csv:3 column 'customer_id' points at "
        "customers 'C2', which was rejected in this import: the row is loaded without that link"]
    ws.close()
