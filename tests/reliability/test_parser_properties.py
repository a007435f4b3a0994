"""Property tests for value parsing: dates (Gregorian and Jalali) and numbers, as users write them.

Each example writes a batch of values into one file and imports it once, so that a few dozen
examples cover hundreds of spellings while the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import jdatetime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reliability.conftest import rejections, write_csv

from salesscope import locale
from salesscope.ingest import import_files
from salesscope.ingest.parse import jalali_to_iso

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
_ids = itertools.count()


def jalali_length(y: int, m: int) -> int:
    if m <= 6:
        return 31
    if m <= 11:
        return 30
    return 30 if jdatetime.date(y, 1, 1).isleap() else 29


@st.composite
def jalali_dates(draw: st.DrawFn) -> tuple[int, int, int]:
    y = draw(st.integers(1000, 1699))
    m = draw(st.integers(1, 12))
    d = draw(st.integers(1, jalali_length(y, m)))
    return y, m, d


@st.composite
def invalid_jalali(draw: st.DrawFn) -> tuple[int, int, int, str]:
    """A Jalali-looking date that does not exist, with the detail the importer must give."""
    y = draw(st.integers(1000, 1699))
    if draw(st.booleans()):
        m = draw(st.sampled_from([0, 13, 14, 20, 31, 99]))
        return y, m, draw(st.integers(1, 28)), "month 1-12"
    m = draw(st.integers(1, 12))
    n = jalali_length(y, m)
    d = draw(st.sampled_from([0, n + 1, 32, 45, 99]))
    return y, m, d, f"day 1-{n} in {locale.text(f'jalali_month.{m}', 'en')} {y}"


# -- pure function ------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(jalali_dates(), st.sampled_from("/-."), st.booleans())
def test_valid_jalali_round_trips_through_jdatetime(ymd, sep, pad):
    y, m, d = ymd
    key = f"{y}{sep}{m:02d}{sep}{d:02d}" if pad else f"{y}{sep}{m}{sep}{d}"
    iso, problem = jalali_to_iso(key)
    assert problem is None
    back = jdatetime.date.fromgregorian(date=dt.date.fromisoformat(iso))
    assert (back.year, back.month, back.day) == ymd


@settings(max_examples=300, deadline=None)
@given(invalid_jalali())
def test_invalid_jalali_is_rejected_with_the_documented_reason(bad):
    y, m, d, detail = bad
    iso, problem = jalali_to_iso(f"{y}/{m:02d}/{d:02d}")
    assert iso is None
    assert problem("en") == detail
    assert problem("fa") != problem("en")  # the Persian text is there too


# -- through the importer -----------------------------------------------------------------------

def _digits(text: str, which: str) -> str:
    return text.translate(FA) if which == "fa" else text.translate(AR) if which == "ar" else text


@st.composite
def date_cells(draw: st.DrawFn) -> tuple[str, dt.datetime]:
    """A date as a user might write it, and the wall-clock time it stands for."""
    which = draw(st.sampled_from(["ascii", "fa", "ar"]))
    with_time = draw(st.sampled_from([None, "%H:%M", "%H:%M:%S"]))
    if draw(st.booleans()):
        y, m, d = draw(jalali_dates())
        g = jdatetime.date(y, m, d).togregorian()
        sep = draw(st.sampled_from("/-."))
        text = f"{y}{sep}{m:02d}{sep}{d:02d}" if draw(st.booleans()) else f"{y}{sep}{m}{sep}{d}"
        day = dt.datetime(g.year, g.month, g.day)
        time_sep = " "
    else:
        day = dt.datetime.combine(draw(st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31))),
                                  dt.time())
        text = day.strftime("%Y-%m-%d")
        time_sep = draw(st.sampled_from([" ", "T"]))
    value = day
    if with_time:
        t = draw(st.times().map(lambda t: t.replace(microsecond=0)))
        if with_time == "%H:%M":
            t = t.replace(second=0)
        value = dt.datetime.combine(day.date(), t)
        text += time_sep + t.strftime(with_time)
    return _digits(text, which), value


@SETTINGS
@given(st.lists(date_cells(), min_size=1, max_size=30))
def test_dates_in_any_spelling_load_as_the_same_time(module_ws, tmp_path, cells):
    ws = module_ws
    ws.duckdb.execute("DELETE FROM leads")
    ids = [f"L{next(_ids)}" for _ in cells]
    path = write_csv(tmp_path / "dates" / "leads.csv", ["lead_id", "created_at"],
                     [[i, text] for i, (text, _) in zip(ids, cells, strict=True)])
    r = import_files(ws, [path], progress=False)
    assert (r.tables["leads"].read, r.tables["leads"].rejected) == (len(cells), 0), r.warnings
    stored = dict(ws.duckdb.execute("SELECT lead_id, created_at FROM leads").fetchall())
    assert stored == {i: v for i, (_, v) in zip(ids, cells, strict=True)}


@SETTINGS
@given(st.lists(st.one_of(
    invalid_jalali().map(lambda b: (f"{b[0]}/{b[1]:02d}/{b[2]:02d}", "bad_jalali_date", b[3])),
    st.sampled_from([("2024-02-30", "bad_date", None), ("2023-13-01", "bad_date", None),
                     ("yesterday", "bad_date", None), ("۲۰۲۴-۰۲-۳۰", "bad_date", None),
                     ("05/06/2024", "ambiguous_date", None), ("1/2/24", "ambiguous_date", None),
                     ("", "missing_value", None)])),
    min_size=1, max_size=20),
    st.lists(date_cells(), max_size=10), st.randoms(use_true_random=False))
def test_impossible_dates_are_rejected_with_their_reason(module_ws, tmp_path, bad, good, rnd):
    ws = module_ws
    ws.duckdb.execute("DELETE FROM leads")
    cells = [(text, code, detail) for text, code, detail in bad] + \
            [(text, None, None) for text, _ in good]
    rnd.shuffle(cells)
    rows = [[f"L{k}", text] for k, (text, _, _) in enumerate(cells)]
    path = write_csv(tmp_path / "bad" / "leads.csv", ["lead_id", "created_at"], rows)
    r = import_files(ws, [path], progress=False)
    c = r.tables["leads"]
    assert c.read == c.loaded + c.rejected == len(cells)
    assert c.rejected == len(bad)
    problems = rejections(ws, r.import_id)
    for k, (text, code, detail) in enumerate(cells):
        if code is None:
            assert k not in problems
            continue
        [(col, got, reason)] = problems[k]
        assert (col, got) == ("created_at", code), text
        if detail:
            assert reason == f"not a valid Jalali date ({detail})"
    loaded = {x for (x,) in ws.duckdb.execute("SELECT lead_id FROM leads").fetchall()}
    assert loaded == {f"L{k}" for k, cell in enumerate(cells) if cell[1] is None}


@st.composite
def number_cells(draw: st.DrawFn) -> tuple[str, Decimal]:
    """A non-negative amount as a user might write it, and its exact value."""
    cents = draw(st.integers(0, 10**14))
    value = Decimal(cents) / 100
    decimals = draw(st.sampled_from([0, 1, 2])) if cents % 100 == 0 else 2
    if decimals == 1 and cents % 10:
        decimals = 2
    whole, frac = divmod(cents, 100)
    frac_text = f"{frac:02d}"[:decimals] if decimals else ""
    grouped = draw(st.booleans())
    which = draw(st.sampled_from(["ascii", "fa", "ar"]))
    if which == "ascii":
        thousands, point = ",", "."
    else:
        thousands = draw(st.sampled_from(["٬", "،", ","]))
        point = draw(st.sampled_from(["٫", "."]))
    body = f"{whole:,}".replace(",", thousands) if grouped else str(whole)
    if frac_text:
        body += point + frac_text
    body = _digits(body, which)
    body = draw(st.sampled_from(["{}", "{} ریال", "{} تومان", "${}", "{} IRR", " {} ",
                                 "{}\u00a0﷼"])).format(body)
    return body, value


@SETTINGS
@given(st.lists(number_cells(), min_size=1, max_size=40),
       st.lists(st.sampled_from([("-5", "negative"), ("(1,200)", "negative"),
                                 ("12abc", "bad_number"), ("1.2.3", "bad_number"),
                                 ("۱۲x", "bad_number"), ("--", "bad_number")]), max_size=8))
def test_numbers_with_any_digits_and_separators_load_exactly(module_ws, tmp_path, good, bad):
    ws = module_ws
    ws.duckdb.execute("DELETE FROM opportunities")
    cells = [(t, v, None) for t, v in good] + [(t, None, code) for t, code in bad]
    rows = [[f"O{k}", "2024-01-01", "open", text] for k, (text, _, _) in enumerate(cells)]
    path = write_csv(tmp_path / "num" / "opportunities.csv",
                     ["opportunity_id", "created_at", "status", "amount"], rows)
    r = import_files(ws, [path], progress=False)
    c = r.tables["opportunities"]
    assert c.read == c.loaded + c.rejected == len(cells)
    assert c.rejected == len(bad), r.warnings
    stored = dict(ws.duckdb.execute("SELECT opportunity_id, amount FROM opportunities").fetchall())
    assert stored == {f"O{k}": v for k, (_, v, code) in enumerate(cells) if code is None}
    problems = rejections(ws, r.import_id)
    for k, (text, _, code) in enumerate(cells):
        if code is not None:
            assert [(col, got) for col, got, _ in problems[k]] == [("amount", code)], text


def test_short_year_dates_are_never_guessed(module_ws, tmp_path):
    """DuckDB alone reads 1/2/24 as 24 February of year 1; the importer must refuse to guess."""
    ws = module_ws
    ws.duckdb.execute("DELETE FROM leads")
    texts = ["1/2/24", "1-2-24", "24-01-02", "2.1.99", "2024-01-02"]
    path = write_csv(tmp_path / "short" / "leads.csv", ["lead_id", "created_at"],
                     [[f"L{k}", t] for k, t in enumerate(texts)])
    r = import_files(ws, [path], progress=False)
    problems = rejections(ws, r.import_id)
    assert {k: p[0][1] for k, p in problems.items()} == {k: "ambiguous_date" for k in range(4)}
    assert ws.duckdb.execute("SELECT lead_id FROM leads").fetchall() == [("L4",)]


def test_examples_really_cover_the_spellings():
    """Guard against a strategy that silently stopped producing Persian or Jalali values."""
    from hypothesis import find

    assert find(date_cells(), lambda c: "/" in c[0] and "۱" in c[0])
    assert find(number_cells(), lambda c: "٬" in c[0] and "٫" in c[0])
