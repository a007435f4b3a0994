"""Helpers for the reliability and security tests: files written on the fly, store snapshots."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pytest

import salesscope

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[2]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """A UTF-8 CSV with proper quoting (values may hold commas, quotes and Persian text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(["" if v is None else v for v in r] for r in rows)
    return path


def rejections(ws: salesscope.Workspace, import_id: str) -> dict[int, list[tuple[str, str, str]]]:
    """Quarantined problems of one import: data row index (0-based) -> [(column, code, reason)]."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for row, col, code, reason in ws.duckdb.execute(
            "SELECT source_row, column_name, reason_code, reason FROM _quarantine "
            "WHERE import_id = ? ORDER BY source_row", [import_id]).fetchall():
        out.setdefault(row - 2, []).append((col, code, reason))  # line 1 is the header
    return out


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this checkout's sources first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def module_ws(tmp_path_factory: pytest.TempPathFactory) -> salesscope.Workspace:
    """One workspace per module, for property tests that empty the tables they use."""
    ws = salesscope.init(tmp_path_factory.mktemp("rel") / "ws", timezone="Asia/Tehran")
    yield ws
    ws.close()


# -- the web app, in-process -------------------------------------------------------------------

WEB_PASSWORDS = {"chief": "chief-password-1", "north": "north-password-1",
                 "r01": "rep01-password-1"}


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A small demo store with one user per role and their API tokens, built once; tests never
    open it (``web`` serves each test a copy)."""
    from datetime import date

    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files
    from salesscope.web import create_app

    root = tmp_path_factory.mktemp("relweb")
    ws = salesscope.init(root / "ws", min_sample=20)
    files = write_demo_files(root / "files", seed=7, scale=3000, today=date(2026, 4, 15))
    import_files(ws, files, progress=False)
    users = create_app(ws, announce=lambda _: None).state.users
    users.create("chief", WEB_PASSWORDS["chief"], "admin")
    users.create("north", WEB_PASSWORDS["north"], "manager", team="North")
    users.create("r01", WEB_PASSWORDS["r01"], "rep", rep_id="R01")
    tokens = {u: users.new_token(u, "tests") for u in WEB_PASSWORDS}
    ws.close()
    return root / "ws", tokens


@pytest.fixture
def web(web_store: tuple[Path, dict[str, str]], tmp_path: Path):
    """The real app on the test's own copy of the demo store (a test may import, add users, change
    settings), with one user per role and API tokens."""
    import shutil

    from salesscope.web import create_app

    store, tokens = web_store
    shutil.copytree(store, tmp_path / "ws")
    ws = salesscope.open(tmp_path / "ws")
    yield {"app": create_app(ws, announce=lambda _: None), "ws": ws, "tokens": tokens}
    ws.close()
