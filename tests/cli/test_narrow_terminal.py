"""The terminal output at 80 columns: no line wider than the screen, and every id and number whole."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

SALESSCOPE = Path(sys.executable).parent / "salesscope"
ISOLATES = re.compile("[\u2066-\u2069]")


def run(*args: str) -> str:
    out = subprocess.run([str(SALESSCOPE), *args], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "COLUMNS": "80", "LINES": "10000"})
    assert out.returncode == 0, out.stderr
    return out.stdout


def tokens(screen: str) -> set[str]:
    """The words on the screen: a number or an id cut by the layout would not be one of them."""
    for line in screen.splitlines():
        assert cell_len(line) <= 80, line
    assert "…" not in screen
    return set(re.split(r"[\s│┃·]+", ISOLATES.sub(" ", screen)))


def grouped(n: float) -> str:
    """An amount written by hand: thousands separators, no decimals."""
    return f"{round(n):,}"


def three_significant(v: float) -> str:
    """Three significant digits written by hand (trailing zeros dropped below 1)."""
    places = max(0, 2 - math.floor(math.log10(abs(v))))
    text = f"{v:,.{places}f}"
    return text.rstrip("0").rstrip(".") if abs(v) < 1 else text


def test_kpi_shows_the_last_complete_period_whole(demo_path):
    ws = str(demo_path)
    rows = json.loads(run("kpi", "--format", "json", "-w", ws))
    complete = [r for r in rows if r["complete"]]
    last = max(r["period_start"] for r in complete)
    shown = [r for r in rows if r["period_start"] == last]
    screen = run("kpi", "-w", ws)
    words = tokens(screen)
    assert f"Indicators for {shown[0]['period']}" in screen and "--all" in screen
    assert len(screen.splitlines()) < 80
    for r in shown:
        assert grouped(r["n"]) in words, r
        if r["unit"] == "money" and r["value"] is not None:
            assert grouped(r["value"]) in words and "USD" in words, r
        if r["unit"] == "percent" and r["value"] is not None:
            assert three_significant(r["value"]) + "%" in words, r
    other = {r["period"] for r in rows} - {shown[0]["period"]}
    assert not any(p in words for p in other)  # only the last complete period by default
    every = run("kpi", "--all", "-w", ws)
    assert len({r["period"] for r in rows} & tokens(every)) == len({r["period"] for r in rows})


def test_kpi_by_rep_in_persian_keeps_ids_and_isolates_cells(demo_path):
    screen = run("kpi", "win_rate", "--by", "rep", "--lang", "fa", "-w", str(demo_path))
    words = tokens(screen)
    rows = json.loads(run("kpi", "win_rate", "--by", "rep", "--format", "json", "-w", str(demo_path)))
    reps = {r["rep"] for r in rows}
    assert reps and reps <= words  # R09 stays R09
    assert not re.search("R[۰-۹]", screen)
    assert "۰" in screen or "۱" in screen  # the numbers themselves are in Persian digits
    for line in screen.splitlines():
        if re.search("[\u0600-\u06ff]", line):
            assert ISOLATES.search(line), line  # every Persian line is isolated from its neighbours


def test_kpi_list_keeps_every_id(demo_path):
    listed = json.loads(run("kpi", "--list", "--format", "json", "-w", str(demo_path)))
    words = tokens(run("kpi", "--list", "-w", str(demo_path)))
    assert {r["id"] for r in listed} <= words


def test_advise_forecast_and_plan_keep_ids_and_amounts(demo_path):
    ws = str(demo_path)
    found = json.loads(run("advise", "--top", "10", "--format", "json", "-w", ws))
    words = tokens(run("advise", "--top", "10", "-w", ws))
    assert {f["kpi"] for f in found} <= words
    forecast = json.loads(run("forecast", "--format", "json", "-w", ws))
    words = tokens(run("forecast", "-w", ws))
    for r in forecast["rows"]:
        for key in ("expected", "low_80", "high_80", "low_95", "high_95", "from_pipeline"):
            assert grouped(r[key]) in words, (key, r[key])
    period = forecast["rows"][-1]["period"]
    plan = json.loads(run("plan", "--target", "2500000", "--period", period, "--format", "json", "-w", ws))
    words = tokens(run("plan", "--target", "2500000", "--period", period, "-w", ws))
    needs = plan["needs"] if "needs" in plan else plan["parts"][0]["needs"]
    for e in needs.values():
        if e["value"] is not None and e["value"] >= 100:
            assert grouped(e["value"]) in words, e
