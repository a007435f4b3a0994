"""The zoom: parsed once where a request comes in, typed below, every bad value refused in en and fa."""

from __future__ import annotations

import datetime as dt

import pytest

import salesscope.zoom as zoom_module
from salesscope.engine import calendar as cal
from salesscope.errors import QueryError
from salesscope.vocab import Calendar, Dimension, Grain
from salesscope.zoom import Zoom, parse_by, parse_where


def test_parse_types_every_part(make_ws):
    ws = make_ws(calendar="jalali", fiscal_year_start_month=7)
    z = Zoom.parse(grain=" Quarter", by="team, channel", start="1404/01/01", end="2025-12-31",
                   where=["rep:R01"], config=ws.config)
    assert z == Zoom(Grain.QUARTER, Calendar.JALALI, 7, dt.date(2025, 3, 21), dt.date(2025, 12, 31),
                     (Dimension.TEAM, Dimension.CHANNEL), ((Dimension.REP, "R01"),))
    assert z.breakdown == (Dimension.REP, Dimension.TEAM, Dimension.CHANNEL)
    assert Zoom.parse(grain=z.grain, calendar=z.calendar) == Zoom(Grain.QUARTER, Calendar.JALALI)
    with pytest.raises(AttributeError):
        z.grain = Grain.DAY  # immutable


@pytest.mark.parametrize(("kwargs", "en", "fa"), [
    ({"grain": "fortnight"}, "grain 'fortnight' is not valid: expected one of day, week, month, quarter, year",
     "دانه‌بندی 'fortnight'"),
    ({"calendar": "hijri"}, "calendar 'hijri' is not valid: expected one of gregorian, jalali", "تقویم 'hijri'"),
    ({"by": "team,col our"}, "dimension 'col our' is not valid: expected one of team, rep, channel", "بُعد 'col our'"),
    ({"by": "team,team"}, "breakdown 'team,team' names a dimension twice", "دو بار"),
    ({"where": ["team"]}, "filter 'team' is not valid: expected dimension:value", "پالایهٔ 'team'"),
    ({"where": {"région": "EU"}}, "dimension 'région' is not valid", "بُعد 'région'"),
    ({"start": "2026-03-01", "end": "2026-01-31"}, "--from 2026-03-01 is after --to 2026-01-31", "پس از"),
])
def test_a_bad_value_names_itself_and_the_choices(kwargs, en, fa):
    with pytest.raises(QueryError) as e:
        Zoom.parse(**kwargs)
    assert en in str(e.value) and fa in e.value.message_fa


def test_a_name_the_data_do_not_declare_is_refused_by_the_engine(make_ws):
    ws = make_ws()
    z = Zoom.parse(by="team,Colour")  # a well-formed name: the store decides
    assert z.by == (Dimension.TEAM, "colour")
    with pytest.raises(QueryError) as e:
        ws.kpis(None, zoom=z)
    assert "dimension 'colour' is not valid: expected one of team, rep, channel, campaign, product, segment" \
        in str(e.value) and "بُعد 'colour'" in e.value.message_fa


def test_one_by_parser_for_strings_and_lists():
    assert parse_by("rep") == parse_by(["rep"]) == parse_by([Dimension.REP]) == (Dimension.REP,)
    assert parse_by(None) == parse_by("") == ()
    assert parse_where({"team": "North"}) == parse_where(["team:North"]) == ((Dimension.TEAM, "North"),)


def test_each_grain_knows_its_neighbours_and_lengths():
    assert [g.finer for g in Grain] == [None, Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER]
    assert [g.coarser for g in Grain] == [Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR, None]
    # the shortest and longest periods really are that long, over both calendars and every fiscal start
    for g in Grain:
        lengths = {(p.end - p.start).days + 1 for c in Calendar for fs in range(1, 13)
                   for p in cal.periods_between(dt.date(2023, 1, 1), dt.date(2026, 12, 31), g, c, fs)}
        assert (min(lengths), max(lengths)) == (g.min_days, g.max_days), g


def test_a_request_parses_its_zoom_once(make_ws, monkeypatch):
    """A 365-day request at the day grain parses the grain, calendar and breakdown once each."""
    calls = {"grain": 0, "calendar": 0, "by": 0}
    for name in calls:
        real = getattr(zoom_module, f"parse_{name}")

        def counted(value, _real=real, _name=name):
            calls[_name] += 1
            return _real(value)
        monkeypatch.setattr(zoom_module, f"parse_{name}", counted)
    ws = make_ws({"leads": [{"lead_id": "L1", "created_at": "2025-03-01 10:00:00", "channel": "email"}]})
    df = ws.kpis(["lead_conversion_rate"], grain="day", by="channel", start="2025-01-01", end="2025-12-31")
    assert len(df) == 365 and calls == {"grain": 1, "calendar": 1, "by": 1}


def test_period_of_takes_typed_values_only():
    with pytest.raises(AssertionError, match="unhandled grain"):
        cal.period_of(dt.date(2026, 1, 1), "month")  # type: ignore[arg-type]
    assert cal.period_of(dt.date(2026, 1, 1), Grain.MONTH).label == "2026-01"


def test_the_python_call_takes_a_zoom_or_its_parts_not_both(make_ws):
    ws = make_ws()
    with pytest.raises(QueryError, match="either as a Zoom or by its parts"):
        ws.kpis(zoom=Zoom(), grain="day")
