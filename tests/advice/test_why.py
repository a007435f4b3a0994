"""``salesscope why`` on a mix-shift fixture imported from files: the channel mix is named as the cause."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

import salesscope
from salesscope.advice.why import why
from salesscope.cli import app, main
from salesscope.ingest import import_files

# (month, channel) -> (won, closed). Jan: email 40/200, referral 140/200 = 45%.
# Feb: email 83/360 (23.1%), referral 30/40 (75%) = 28.25%: each channel rose, the total fell.
DEALS = {("2026-01", "email"): (40, 200), ("2026-01", "referral"): (140, 200),
         ("2026-02", "email"): (83, 360), ("2026-02", "referral"): (30, 40)}


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("why")
    reps, opps = root / "reps.csv", root / "opportunities.csv"
    with reps.open("w", newline="") as fh:
        csv.writer(fh).writerows([["rep_id", "name", "team"], ["A1", "Ava", "A"], ["B1", "Ben", "B"]])
    with opps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id", "channel", "stage"])
        k = 0
        for (month, channel), (won, closed) in DEALS.items():
            for i in range(closed):
                k += 1
                w.writerow([f"O{k}", f"{month}-01T09:00", "won" if i < won else "lost",
                            f"{month}-{1 + i % 28:02d}T12:00", "1000", "A1" if i % 2 else "B1", channel, "Closed"])
    ws = salesscope.init(root / "ws")
    import_files(ws, [reps, opps], progress=False)
    ws.close()
    return root / "ws"


def test_mix_and_rate_effects_by_hand(ws_path):
    ws = salesscope.open(ws_path)
    w = why(ws, "win_rate", period="2026-02", by=["channel"])
    ws.close()
    assert w.compared_with == "2026-01" and w.before == pytest.approx(45.0) and w.after == pytest.approx(28.25)
    [b] = w.breakdowns
    d = b.decomposition
    # mix: (0.9-0.5)(0.20+83/360)/2 + (0.1-0.5)(0.70+0.75)/2; rate: (83/360-0.2)(0.7) + (0.75-0.7)(0.3)
    mix = 100 * (0.4 * (0.2 + 83 / 360) / 2 - 0.4 * 1.45 / 2)
    rate = 100 * ((83 / 360 - 0.2) * 0.7 + 0.05 * 0.3)
    assert d.mix == pytest.approx(mix) and d.rate == pytest.approx(rate)
    assert d.mix + d.rate == pytest.approx(28.25 - 45.0)
    assert b.cause == "mix" and b.simpson
    assert d.mix_ci[0] < d.mix < d.mix_ci[1] and d.mix_ci[1] < 0  # clearly the mix
    assert [e.member for e in d.effects] == ["referral", "email"]  # ranked by contribution
    by_member = {e.member: e for e in d.effects}
    assert by_member["referral"].share_after == pytest.approx(0.1)


def test_cli_names_the_channel_mix(ws_path):
    r = CliRunner().invoke(app, ["why", "win_rate", "--period", "2026-02", "-w", str(ws_path)])
    assert r.exit_code == 0, r.output
    assert "By channel: mix effect -20.4" in r.output
    assert "Simpson" in r.output and "referral went from 50.0% to 10.0%" in r.output
    assert "email" in r.output and "referral" in r.output
    fa = CliRunner().invoke(app, ["why", "win_rate", "--period", "2026-02", "--lang", "fa", "-w", str(ws_path)])
    assert fa.exit_code == 0 and "اثر ترکیب" in fa.output and "سیمپسون" in fa.output
    js = json.loads(CliRunner().invoke(app, ["why", "win_rate", "--period", "2026-02", "--by", "channel",
                                             "--format", "json", "-w", str(ws_path)]).output)
    assert js["breakdowns"][0]["cause"] == "mix" and len(js["breakdowns"][0]["members"]) == 2


def test_not_a_ratio_is_refused_with_a_reason(ws_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["why", "sales_cycle_days", "--period", "2026-02", "-w", str(ws_path)])
    err = capsys.readouterr().err
    assert e.value.code != 0 and "cannot be split into mix" in err and "Traceback" not in err


def test_a_period_with_no_closed_deal_is_refused_with_a_reason(tmp_path, capsys):
    """February has open deals but closes none: its win rate is undefined (0 of 0), so there is no
    change to split, and March has no previous period to compare with."""
    reps, opps = tmp_path / "reps.csv", tmp_path / "opportunities.csv"
    with reps.open("w", newline="") as fh:
        csv.writer(fh).writerows([["rep_id", "name", "team"], ["A1", "Ava", "A"]])
    with opps.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id", "channel", "stage"])
        for k in range(40):
            month = "2026-01" if k < 20 else "2026-03"
            w.writerow([f"O{k}", f"{month}-01T09:00", "won" if k % 2 else "lost", f"{month}-{1 + k % 20:02d}T12:00",
                        "1000", "A1", "email", "Closed"])
        w.writerow(["O99", "2026-02-03T09:00", "open", "", "1000", "A1", "email", "Open"])
    ws = salesscope.init(tmp_path / "ws")
    import_files(ws, [reps, opps], progress=False)
    feb = ws.kpis(["win_rate"], grain="month").set_index("period").loc["2026-02"]
    ws.close()
    assert feb["denominator"] == 0 and feb["value"] != feb["value"]  # 0 of 0: NaN, undefined
    for period, reason in (("2026-02", "no data for win_rate"), ("2026-03", "no previous period with data")):
        with pytest.raises(SystemExit) as e:
            main(["why", "win_rate", "--period", period, "-w", str(tmp_path / "ws")])
        err = capsys.readouterr().err
        assert e.value.code != 0 and reason in err and "Traceback" not in err, err


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_explains_the_change(ws_path, lang):
    from salesscope.report.builder import build
    from salesscope.report.html import render_html

    ws = salesscope.open(ws_path, read_only=True)  # as salesscope report opens it
    data = build(ws, lang=lang, period="2026-02", sections=["advice"])
    ws.close()
    [w] = data.why
    channel = next(b for b in w["breakdowns"] if b["dimension"] == "channel")
    names = ["referral", "email"] if lang == "en" else ["معرفی", "ایمیل"]  # ranked by contribution
    assert channel["simpson"] and [r[0] for r in channel["rows"]] == names
    html = render_html(data)
    assert 'id="why"' in html
    if lang == "en":
        assert "Why did it change?" in html and "By channel: mix effect -20.4" in html
        assert "referral went from 50.0% to 10.0%" in html
    else:
        assert "چرا تغییر کرد؟" in html and "سیمپسون" in html
