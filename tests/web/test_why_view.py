"""The "why did it change?" view: its page, the API's texts it shows, and the links that lead to it."""

from __future__ import annotations

RANGE = "from=2026-01-01&to=2026-03-31"


def test_why_api_carries_the_texts_of_every_language(as_role):
    c, _ = as_role("boss")
    w = c.get(f"/api/v1/why/win_rate?by=team&period=2026-03&{RANGE}").json()
    assert set(w["texts"]) == {"en", "fa"}
    en, fa = w["texts"]["en"], w["texts"]["fa"]
    assert en["title"].startswith("Win rate in 2026-03") and "2026-02" in en["title"]
    [team] = en["breakdowns"]
    assert team["effects"].startswith("By team: mix effect")
    assert team["cause"].startswith("Mostly")
    # one row per team, the same members as the numbers beside them
    assert sorted(r[0] for r in team["rows"]) == sorted(m["member"] for m in w["breakdowns"][0]["members"])
    assert fa["title"] != en["title"] and "۲۰۲۶" in fa["title"]


def test_the_rows_say_which_values_can_be_split(as_role):
    """The view is linked from a value with a numerator and a denominator (what the split needs)."""
    c, _ = as_role("boss")
    rows = c.get(f"/api/v1/indicators?ids=win_rate,sales_cycle_days&{RANGE}").json()["rows"]
    last = {r["kpi"]: r for r in rows if r["period"] == "2026-03"}
    assert last["win_rate"]["numerator"] is not None and last["win_rate"]["denominator"] is not None
    assert last["sales_cycle_days"]["numerator"] is None  # a median: nothing to split into mix and rate
    assert c.get(f"/api/v1/why/sales_cycle_days?period=2026-03&{RANGE}").status_code == 400


def test_why_page_is_served_with_its_script(as_role):
    c, _ = as_role("boss")
    r = c.get(f"/why/win_rate?period=2026-03&{RANGE}")
    assert r.status_code == 200
    assert '"page": "why"' in r.text and '"kpi": "win_rate"' in r.text and "/static/why.js" in r.text
    js = c.get("/static/why.js")
    assert js.status_code == 200 and "/api/v1/why/" in js.text
