from datetime import date

import pandas as pd
import pytest

from salesscope.demo import generate
from salesscope.schema import TABLES, Kind, Table
from salesscope.vocab import Channel, Purpose, Status


def test_same_seed_gives_identical_frames(tables, today):
    again = generate(seed=7, today=today)
    assert tables.keys() == again.keys()
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])


def test_different_seed_gives_different_data(tables, today):
    other = generate(seed=8, today=today)
    assert not tables["activities"]["occurred_at"].equals(other["activities"]["occurred_at"])
    assert not tables["opportunities"]["amount"].equals(other["opportunities"]["amount"])


def test_all_nine_tables_at_the_default_size(tables):
    assert set(tables) == {t.value for t in Table}
    assert 150_000 <= len(tables["activities"]) <= 300_000
    assert len(tables["reps"]) == 12
    assert tables["reps"]["team"].nunique() == 3


@pytest.mark.parametrize("name", [t.value for t in Table])
def test_columns_follow_the_schema(tables, name):
    spec, frame = TABLES[Table(name)], tables[name]
    assert set(frame.columns) <= set(spec.column_names)
    for col in spec.required:
        assert col in frame.columns and frame[col].notna().all(), col
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name].dropna()
        if col.kind is Kind.CHANNEL:
            assert set(values) <= {c.value for c in Channel}
        if col.kind is Kind.STATUS:
            assert set(values) <= {s.value for s in Status}
        if col.kind is Kind.PURPOSE:
            assert set(values) <= {p.value for p in Purpose}
        if col.kind is Kind.MONEY:
            assert (values >= 0).all() and (values.round(2) == values).all()
        if col.kind is Kind.PROBABILITY:
            assert values.between(0, 1).all()
    if spec.has_id:
        assert frame[spec.key[0]].is_unique
    else:
        assert not frame.duplicated(list(set(spec.key) & set(frame.columns))).any()


def test_references_point_at_existing_rows(tables):
    for name, spec in TABLES.items():
        frame = tables[name.value]
        for col in spec.columns:
            if col.references is None or col.name not in frame.columns:
                continue
            target = TABLES[col.references]
            known = set(tables[col.references.value][target.key[0]])
            assert set(frame[col.name].dropna()) <= known, f"{name}.{col.name}"


def test_orders_hold(tables):
    for name, spec in TABLES.items():
        frame = tables[name.value]
        for order in spec.orders:
            if {order.earlier, order.later} <= set(frame.columns):
                both = frame[[order.earlier, order.later]].dropna()
                assert (both[order.later] >= both[order.earlier]).all(), f"{name} {order}"


def test_funnel_is_consistent(tables):
    leads, opps, customers = tables["leads"], tables["opportunities"], tables["customers"]
    assert not (leads["qualified_at"].notna() & leads["disqualified_at"].notna()).any()
    converted = leads.dropna(subset=["opportunity_id"]).merge(opps, on="opportunity_id")
    assert (converted["qualified_at"] == converted["created_at_y"]).all()
    assert (converted["lead_id_x"] == converted["lead_id_y"]).all()
    closed = opps["status"] != "open"
    assert opps.loc[closed, "closed_at"].notna().all()
    assert opps.loc[~closed, "closed_at"].isna().all() and opps.loc[~closed, "stage"].notna().all()
    won = opps[opps["status"] == "won"].merge(customers, on="customer_id")
    assert len(won) == len(customers) == (opps["status"] == "won").sum()
    assert (won["acquired_at"] == won["closed_at"]).all()
    answered = tables["responses"].merge(tables["activities"], on="activity_id")
    assert (answered["occurred_at_x"] > answered["occurred_at_y"]).all()
    assert (answered["kind"] == "outreach").all()
    assert set(tables["activities"]["kind"]) == {"outreach", "follow_up", "meeting"}
    assert tables["opportunities"]["product"].nunique() == 4
    assert set(customers["segment"]) == {"smb", "mid", "enterprise"}


def test_outreach_happens_in_working_hours(tables):
    at = tables["activities"]["occurred_at"]
    assert at.dt.hour.between(8, 16).all()
    assert not at.dt.day_of_week.isin([3, 4]).any()  # Thursday and Friday are the weekend


def test_24_months_ending_with_the_last_full_month(tables, facts):
    assert facts.months[0] == date(2024, 4, 1) and facts.last_month == date(2026, 3, 1)
    for name, col in (("activities", "occurred_at"), ("leads", "created_at"),
                      ("opportunities", "closed_at"), ("responses", "occurred_at")):
        months = tables[name][col].dropna().dt.to_period("M")
        assert months.min() == pd.Period("2024-04"), name
        assert months.max() == pd.Period("2026-03"), name
    days = pd.to_datetime(tables["time_log"]["day"])
    assert days.min() >= pd.Timestamp("2024-04-01") and days.max() < pd.Timestamp("2026-04-01")


def test_default_today_is_the_clock_s(monkeypatch):
    """Without ``today`` the data end with the last full month before the clock's date (the clock is
    set here, so the test means the same on any day)."""
    from salesscope.demo import facts, generator

    class Clock(date):
        @classmethod
        def today(cls) -> date:
            return date(2025, 1, 20)

    monkeypatch.setattr(generator, "date", Clock)
    monkeypatch.setattr(facts, "date", Clock)
    months = generate(scale=5_000)["activities"]["occurred_at"].dt.to_period("M")
    assert (months.min(), months.max()) == (pd.Period("2023-01"), pd.Period("2024-12"))
