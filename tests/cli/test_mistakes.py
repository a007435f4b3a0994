"""Every documented user mistake, run through the installed ``salesscope`` command as a user runs it:
no traceback, the documented exit code, and a short message that says how to fix it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

SALESSCOPE = Path(sys.executable).parent / "salesscope"
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SALESSCOPE), *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          # progress lines (their own test) would join the message on a slow machine
                          env={**__import__("os").environ, "COLUMNS": "80", "SALESSCOPE_PROGRESS_AFTER": "3600"})


def assert_short_error(out: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, out.stderr
    assert lines[0].startswith(("error: ", "خطا: ")), lines
    for f in fragments:
        assert f in out.stderr, (f, out.stderr)


@pytest.mark.parametrize(("args", "fragments"), [
    (("kpi", "--grian", "month"), ("--grian", "did you mean --grain?", "salesscope kpi --help")),
    (("kpis",), ("'kpis'", "did you mean kpi?")),
    (("import",), ("FILE is required", "salesscope import --help")),
    (("report", "--format", "docx"), ("'docx'", "html, pdf, xlsx")),
    (("advise", "--lang", "de"), ("'de'", "en, fa")),
    (("kpi", "--format", "parquet"), ("--out",)),
    (("kpi", "--out", "/nonexistent/dir/x.csv"), ("/nonexistent/dir does not exist",)),
    (("funnel", "--format", "xml"), ("'xml'", "table, csv, json, parquet")),
    (("funnel", "--format", "jsn"), ("did you mean json?",)),
    (("plan", "--target", "2500000"), ("--period is required",)),
    (("plan", "--target", "a lot", "--period", "2026-Q2"), ("--target", "'a lot'", "not a number")),
    (("kpi", "--from", "1404/13/01"), ("--from", "Jalali like 1404/12/29")),
    (("kpi", "win_rat"), ("'win_rat'", "did you mean win_rate?")),
    (("kpi", "--grain", "fortnight"), ("'fortnight'", "day, week, month, quarter, year")),
    (("init", "somewhere"), ("somewhere",)),
    (("export", "--to", "parq"), ("'parq'", "did you mean parquet?")),
    (("export", "--to", "spark"), ("--out",)),
])
def test_a_usage_mistake_is_one_line_and_exit_2(demo_path, args, fragments):
    out = run(*args, "-w", str(demo_path))
    assert_short_error(out, 2, *fragments)


def test_bare_command_lists_the_commands_without_a_traceback():
    out = run()
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "Usage: salesscope" in out.stderr and "kpi" in out.stderr


def test_a_missing_workspace_is_a_data_error_whose_hint_works(tmp_path):
    where = tmp_path / "nowhere"
    out = run("kpi", "-w", str(where))
    assert_short_error(out, 1, "not a SalesScope workspace", f"salesscope init -w {where}")
    hinted = out.stderr.split("'salesscope ", 1)[1].split("'", 1)[0].split()
    made = run(*hinted)
    assert made.returncode == 0, made.stderr
    assert run("kpi", "--list", "-w", str(where)).returncode == 0


def test_the_answer_is_in_the_workspace_language(tmp_path):
    ws = tmp_path / "fa"
    made = run("init", "-w", str(ws), "--language", "fa")
    assert made.returncode == 0 and "آماده است" in made.stdout  # a Persian workspace is greeted in Persian
    out = run("kpi", "--grain", "fortnight", "-w", str(ws))
    assert_short_error(out, 2, "خطا:", "fortnight", "راهنما: salesscope kpi --help")
    assert "error:" not in out.stderr
    out = run("kpi", "--grain", "fortnight", "--lang", "en", "-w", str(ws))
    assert_short_error(out, 2, "error:", "fortnight")


def test_strict_import_with_rejected_rows_exits_1_and_loads_nothing(tmp_path):
    ws = tmp_path / "ws"
    assert run("init", "-w", str(ws)).returncode == 0
    reps = tmp_path / "reps.csv"
    reps.write_text("rep_id,name,team,hourly_cost\nR01,Ana,North,20\nR02,Bob,South,abc\nR03,Cy,North,15\n",
                    encoding="utf-8")
    out = run("import", str(reps), "--strict", "-w", str(ws))
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.count("error:") == 1 and "nothing was loaded" in out.stderr
    row = next(line for line in out.stdout.splitlines() if "reps" in line)
    assert [c.strip() for c in row.strip("│ ").split("│")][1:] == ["3", "0", "1"]  # read, loaded, rejected
    import json

    out = run("import", str(reps), "--strict", "--format", "json", "-w", str(ws))
    assert out.returncode == 1
    answer = json.loads(out.stdout)
    assert answer["committed"] is False and answer["tables"]["reps"] == {"read": 3, "loaded": 0, "rejected": 1}
    out = run("import", str(reps), "-w", str(ws))
    assert out.returncode == 0, out.stderr


def test_the_command_runs_on_the_locked_versions():
    lock = ROOT / "uv.lock"
    if not lock.exists():
        return
    locked = {p["name"]: p["version"] for p in tomllib.loads(lock.read_text(encoding="utf-8"))["package"]
              if "version" in p}
    for name in ("typer", "rich"):
        assert version(name) == locked[name], name


def test_a_mistyped_setting_is_named_with_its_line_and_value_in_the_readers_language(tmp_path):
    ws = tmp_path / "ws"
    assert run("init", "-w", str(ws)).returncode == 0
    cfg = ws / "salesscope.yaml"
    text = cfg.read_text(encoding="utf-8")
    for old, new in (("calendar: gregorian", "calendar: julian"), ("min_sample: 30", "min_sample: many"),
                     ("timezone: UTC", "timezone: Tehran\ntimezon: UTC")):
        assert old in text
        text = text.replace(old, new)
    cfg.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    at = {key: f"salesscope.yaml:{next(i for i, s in enumerate(lines, 1) if s.startswith(key + ':'))} {key}:"
          for key in ("calendar", "min_sample", "timezone", "timezon")}
    expected = {
        "en": {"calendar": "expected one of gregorian, jalali, not 'julian'",
               "min_sample": "expected a whole number, not 'many'",
               "timezone": "unknown time zone 'Tehran'",
               "timezon": "not a known setting"},
        "fa": {"calendar": "یکی از gregorian، jalali لازم است، نه 'julian'",
               "min_sample": "عدد صحیح لازم است، نه 'many'",
               "timezone": "منطقهٔ زمانی ناشناخته 'Tehran'",
               "timezon": "چنین تنظیمی شناخته نیست"},
    }
    for lang, problems in expected.items():
        out = run("kpi", "--lang", lang, "-w", str(ws))
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        said = out.stderr.splitlines()
        for key, problem in problems.items():
            assert any(at[key] in line and problem in line for line in said), (lang, key, out.stderr)
        assert "Input should" not in out.stderr and "Extra inputs" not in out.stderr
