"""Users' own indicators from the config: computed everywhere, validated with the config line."""

from __future__ import annotations

import pytest

import salesscope
from salesscope.errors import ConfigError

CONFIG = """\
currency: USD
indicators:
  - id: meetings_per_lead
    name_en: Meetings per lead
    name_fa: جلسه به ازای هر سرنخ
    kind: ratio
    measures:
      - {table: activities, agg: count, where: {kind: meeting}}
      - {table: leads, agg: count}
"""


def test_custom_ratio(make_ws):
    ws = make_ws({
        "activities": [{"activity_id": f"a{i}", "occurred_at": "2026-03-03 10:00", "channel": "phone",
                        "kind": "meeting" if i < 3 else "outreach"} for i in range(5)],
        "leads": [{"lead_id": f"l{i}", "created_at": "2026-03-04 10:00", "channel": "phone"} for i in range(6)],
    })
    (ws.path / "salesscope.yaml").write_text(CONFIG, encoding="utf-8")
    ws = salesscope.open(ws.path)
    df = ws.kpis(["meetings_per_lead"], by="channel")
    r = df.iloc[0]
    assert r.value == pytest.approx(0.5) and r.numerator == 3 and r.denominator == 6
    assert "meetings_per_lead" in set(ws.kpis(None)["kpi"])


def test_custom_error_names_config_line(make_ws):
    ws = make_ws()
    (ws.path / "salesscope.yaml").write_text(CONFIG.replace("{table: leads, agg: count}",
                                                            "{table: leads, agg: sum, column: price}"),
                                             encoding="utf-8")
    ws = salesscope.open(ws.path)
    with pytest.raises(ConfigError, match=r"salesscope.yaml:9 indicators.0.measures.1.column: the leads table has no column 'price'"):
        ws.kpis(None)
