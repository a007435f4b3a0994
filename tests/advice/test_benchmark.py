"""The scenario benchmark: planted truths imported from files, scored by precision and recall.

Run ``pytest tests/advice/test_benchmark.py -s`` to see the score table.
"""

from __future__ import annotations

import pytest

import salesscope
from salesscope.advice import findings
from salesscope.ingest import import_files

from .scenarios import SCENARIOS, score, write

PRECISION, RECALL = 0.9, 0.9


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = {}
    for name, s in SCENARIOS.items():
        root = tmp_path_factory.mktemp(f"scenario-{name}")
        ws = salesscope.init(root / "ws")
        import_files(ws, write(s, root / "files"), progress=False)
        out[name] = findings(ws, period=s.period, today=s.today)
        ws.close()
    return out


def test_benchmark_meets_its_targets(results, capsys):
    totals = [0, 0, 0, 0]
    lines = [f"{'scenario':<18}{'findings':>9}{'precision':>11}{'recall':>8}"]
    for name, s in SCENARIOS.items():
        good, n, hit, truth = score(s, results[name])
        totals = [a + b for a, b in zip(totals, (good, n, hit, truth), strict=True)]
        lines.append(f"{name:<18}{n:>9}{good / n if n else 1.0:>11.2f}{hit / truth if truth else 1.0:>8.2f}")
    precision, recall = totals[0] / max(totals[1], 1), totals[2] / max(totals[3], 1)
    lines.append(f"{'all':<18}{totals[1]:>9}{precision:>11.2f}{recall:>8.2f}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    wrong = {name: [(f.code, f.kpi, f.dimensions) for f in results[name]
                    if not any(t.matches(f) for t in (*s.truth, *s.allowed))] for name, s in SCENARIOS.items()}
    assert precision >= PRECISION, wrong
    assert recall >= RECALL


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_planted_fact_is_found(results, name):
    s = SCENARIOS[name]
    for t in s.truth:
        assert any(t.matches(f) for f in results[name]), (t, [(f.code, f.kpi, f.dimensions) for f in results[name]])


def test_unchanged_seasonal_scenario_says_nothing_new(results):
    s = SCENARIOS["seasonal"]
    assert [(f.code, f.kpi) for f in results["seasonal"] if not any(t.matches(f) for t in s.allowed)] == []
    assert not [f for f in results["seasonal"] if f.kind == "advice"]
