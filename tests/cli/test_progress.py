"""Progress goes to stderr, also without a terminal; serve checks its port before announcing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SALESSCOPE = Path(sys.executable).parent / "salesscope"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SALESSCOPE), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "80", **env})


def test_a_stage_prints_a_line_on_stderr_without_a_terminal(demo_path, tmp_path):
    out = run("kpi", "win_rate", "-w", str(demo_path), SALESSCOPE_PROGRESS_AFTER="0")
    assert out.returncode == 0
    lines = out.stderr.splitlines()
    assert lines[0] == "computing the indicators…" and lines[1].startswith("computing the indicators: done in")
    assert "computing" not in out.stdout and "Win rate" in out.stdout  # the result alone on stdout
    quiet = run("kpi", "win_rate", "--format", "json", "-w", str(demo_path), SALESSCOPE_PROGRESS_AFTER="3600")
    assert quiet.returncode == 0 and quiet.stderr == ""  # nothing for a stage shorter than the threshold
    ws = tmp_path / "ws"
    assert run("init", "-w", str(ws)).returncode == 0
    reps = tmp_path / "reps.csv"
    reps.write_text("rep_id,name,team\nR01,Ana,North\n", encoding="utf-8")
    out = run("import", str(reps), "-w", str(ws))
    assert out.returncode == 0
    assert "import: reading reps.csv" in out.stderr.splitlines() and "import: loading reps" in out.stderr


def test_a_stage_that_fails_is_not_reported_done(monkeypatch, capsys):
    from salesscope.cli import progress

    class AtOnce:  # a timer that fires when started: the stage is announced before it ends
        def __init__(self, _seconds: float, action: Callable[[], None]) -> None:
            self.start, self.cancel, self.daemon = action, lambda: None, True

    monkeypatch.setattr(progress.threading, "Timer", AtOnce)
    with pytest.raises(RuntimeError), progress.stage("kpis"):
        raise RuntimeError("the store went away")
    with progress.stage("kpis"):
        pass
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["computing the indicators…"] * 2, lines
    assert len(lines) == 3 and lines[2].startswith("computing the indicators: done in"), lines


def test_serve_on_a_busy_port_says_so_before_announcing_anything(tmp_path):
    ws = tmp_path / "ws"
    assert run("init", "-w", str(ws)).returncode == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("serve", "--port", str(port), "-w", str(ws))
    assert out.returncode == 1 and out.stdout == ""  # no URL, no one-time password
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert f"127.0.0.1:{port}" in out.stderr and "--port" in out.stderr
