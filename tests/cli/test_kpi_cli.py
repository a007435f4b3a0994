"""The ``kpi`` and ``funnel`` commands, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from salesscope.engine import TIDY_COLUMNS, VALUE_COLUMNS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "salesscope", *args], capture_output=True, text=True, timeout=300)


def test_kpi_json_and_csv_carry_exactly_the_tidy_columns(demo_path):
    out = run("kpi", "win_rate", "rrroi", "--by", "channel", "--from", "2026-03-01", "--to", "2026-03-31",
              "--format", "json", "-w", str(demo_path))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all(list(r) == TIDY_COLUMNS + ["channel"] + VALUE_COLUMNS for r in rows)
    assert {r["kpi"] for r in rows} == {"win_rate", "rrroi"}
    assert all(r["value"] is None or isinstance(r["value"], float) for r in rows)
    undefined = [r for r in rows if r["value"] is None]
    assert all(r["reason"] for r in undefined)
    out = run("kpi", "lgr", "--grain", "quarter", "--calendar", "jalali", "--format", "csv", "-w", str(demo_path))
    assert out.returncode == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(table[0]) == TIDY_COLUMNS + VALUE_COLUMNS
    assert table[-1]["period"].startswith("1405-") or table[-1]["period"].startswith("1404-")


def test_kpi_parquet_out(demo_path, tmp_path):
    import pandas as pd

    target = tmp_path / "k.parquet"
    out = run("kpi", "--format", "parquet", "--out", str(target), "--by", "team", "-w", str(demo_path))
    assert out.returncode == 0, out.stderr
    df = pd.read_parquet(target)
    assert set(df["kpi"]) >= {"win_rate", "churn_rate", "cac"}
    assert list(df.columns) == TIDY_COLUMNS + ["team"] + VALUE_COLUMNS


def test_list_explain_and_errors(demo_path):
    listed = json.loads(run("kpi", "--list", "--format", "json", "-w", str(demo_path)).stdout)
    assert len(listed) == 15 and {"id", "name_en", "name_fa", "unit", "direction", "tables"} <= set(listed[0])
    sql = run("kpi", "--explain", "win_rate", "-w", str(demo_path)).stdout
    assert "SELECT" in sql and "opportunities" in sql
    bad = run("kpi", "quota_attainment", "--by", "channel", "-w", str(demo_path))
    assert bad.returncode == 2
    assert "quota_attainment cannot be broken down by channel" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run("kpi", "-w", str(demo_path.parent / "nowhere"))
    assert missing.returncode == 1 and "not a SalesScope workspace" in missing.stderr


def test_funnel(demo_ws):
    from salesscope.engine.funnel import funnel

    df = funnel(demo_ws, grain="quarter", by="channel", start="2025-10-01", end="2025-12-31")
    assert list(df["stage"].unique()) == ["lead", "contacted", "qualified", "opportunity", "won"]
    for _, group in df.groupby("channel"):
        counts = group["count"].tolist()
        assert counts == sorted(counts, reverse=True)  # every stage is a subset of the one before
        conv = group["conversion"].tolist()
        assert conv[0] != conv[0]  # the first stage has no conversion
        assert abs(conv[1] + group["drop_off"].tolist()[1] - 100) < 1e-9
    total = funnel(demo_ws, grain="quarter", start="2025-10-01", end="2025-12-31")
    assert total["count"].sum() == df["count"].sum()


def test_reading_commands_never_write_the_store(copy_demo):
    ws = copy_demo()
    path = ws.path
    ws.close()
    store = path / "store.duckdb"
    before = (store.stat().st_mtime_ns, store.stat().st_size)
    for args in (("kpi", "win_rate", "--format", "json"), ("funnel", "--format", "json")):
        out = run(*args, "-w", str(path))
        assert out.returncode == 0 and json.loads(out.stdout), out.stderr
    assert (store.stat().st_mtime_ns, store.stat().st_size) == before
    assert not (path / "store.duckdb.wal").exists()


def test_errors_come_in_english_and_persian(demo_path):
    bad = run("kpi", "win_rate", "--grain", "fortnight", "-w", str(demo_path))
    assert bad.returncode == 2
    assert "grain 'fortnight' is not valid" in bad.stderr
    bad = run("kpi", "win_rate", "--grain", "fortnight", "--lang", "fa", "-w", str(demo_path))
    assert bad.returncode == 2
    assert "خطا:" in bad.stderr and "معتبر نیست" in bad.stderr


def test_funnel_table_speaks_the_readers_language(demo_path):
    fa = run("funnel", "--grain", "quarter", "--from", "2025-10-01", "--to", "2025-12-31", "--lang", "fa",
             "-w", str(demo_path))
    assert fa.returncode == 0, fa.stderr
    for word in ("مرحله", "تعداد", "تبدیل", "ریزش", "سرنخ‌ها", "موفق"):
        assert word in fa.stdout, word
    for english in ("stage", "count", "conversion", "Leads", "Won", "2025"):
        assert english not in fa.stdout, english
    en = run("funnel", "--grain", "quarter", "--from", "2025-10-01", "--to", "2025-12-31", "--lang", "en",
             "-w", str(demo_path))
    assert en.returncode == 0 and "conversion" in en.stdout and "Won" in en.stdout
