"""Copying a workspace's store to PostgreSQL and Spark keeps every value and type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import ibis
import pytest

import salesscope
from salesscope.backends import connect_postgres
from salesscope.errors import WorkspaceError


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    ws = salesscope.init(tmp_path_factory.mktemp("copy") / "ws")
    con = ws.duckdb
    con.execute("INSERT INTO reps (rep_id, name, team, hourly_cost) VALUES "
                "('r1', 'Sara', 'North', 25.50), ('r2', 'Reza', 'South', NULL)")
    con.execute(
        "INSERT INTO opportunities (opportunity_id, created_at, status, closed_at, amount, rep_id, "
        "channel, channel_label) VALUES "
        "('o1', '2026-01-03 09:15:00', 'won', '2026-02-01 17:00:00', 1200.10, 'r1', 'email', 'E-mail'),"
        "('o2', '2026-01-10 10:00:00', 'lost', '2026-01-20 11:00:00', NULL, 'r2', 'phone', ''),"
        "('o3', '2026-02-10 23:59:59', 'open', NULL, 99.99, NULL, NULL, NULL)"
    )
    ws.close()
    return ws.path


@pytest.fixture
def small_ws(small_store):
    """The store read-only: ``on_backend`` copies it to each engine once for all the tests."""
    ws = salesscope.open(small_store, read_only=True)
    yield ws
    ws.close()


def _summary(ws) -> dict:
    t = ws.backend.table("opportunities")
    agg = t.group_by(month=t.created_at.truncate("M").date()).aggregate(
        n=t.count(), amount=t.amount.sum(), won=(t.status == "won").sum(),
        labels=t.channel_label.isnull().sum(),
    ).order_by("month")
    df = ws.backend.execute(agg)
    reps = ws.backend.execute(ws.backend.table("reps").order_by("rep_id"))
    return {"opps": df.to_dict("records"), "reps": reps[["rep_id", "hourly_cost"]].to_dict("records")}


# The rows inserted above, summed by hand: January holds o1 and o2 (o2 has no amount; its label is an
# empty text, not a missing one), February holds o3 (no label).
BY_HAND = [{"month": "2026-01-01", "n": 2, "amount": Decimal("1200.10"), "won": 1, "labels": 0},
           {"month": "2026-02-01", "n": 1, "amount": Decimal("99.99"), "won": 0, "labels": 1}]


def test_store_copies_agree(small_ws, on_backend):
    got = _summary(on_backend(small_ws))
    assert [{**g, "month": str(g["month"])[:10], "amount": Decimal(str(g["amount"]))} for g in got["opps"]] == BY_HAND
    assert got["reps"][0]["hourly_cost"] == pytest.approx(25.5)
    assert got["reps"][1]["hourly_cost"] is None or got["reps"][1]["hourly_cost"] != got["reps"][1]["hourly_cost"]


def test_timestamps_are_wall_clock(small_ws, on_backend):
    ws = on_backend(small_ws)
    t = ws.backend.table("opportunities")
    df = ws.backend.execute(t.filter(t.opportunity_id == "o3").select("created_at"))
    assert df["created_at"].iloc[0].to_pydatetime().replace(tzinfo=None) == dt.datetime(2026, 2, 10, 23, 59, 59)


def test_calendar_memtable_joins(small_ws, on_backend):
    ws = on_backend(small_ws)
    cal = ibis.memtable({"day": [dt.date(2026, 1, 3), dt.date(2026, 1, 10)], "label": ["a", "b"]})
    t = ws.backend.table("opportunities")
    j = t.join(cal, t.created_at.date() == cal.day).select("opportunity_id", "label").order_by("label")
    assert ws.backend.execute(j)["label"].tolist() == ["a", "b"]


@pytest.mark.postgres
def test_unreachable_postgres_is_a_clear_error(pg_server):
    from salesscope.config import BackendConfig

    cfg = BackendConfig(kind="postgres", port=pg_server.port, database="no_such_db")
    with pytest.raises(WorkspaceError, match="cannot connect to PostgreSQL"):
        connect_postgres(cfg)
