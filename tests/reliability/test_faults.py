"""Faults: an import killed at random points, readers during an import, a read-only or full disk.

Imports run in child processes (the CLI, as users run it) so that they can be killed for real.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from tests.reliability.conftest import PYTHON, child_env

import salesscope
from salesscope.errors import SalesScopeError, WorkspaceError
from salesscope.ingest import import_files

CLI = [PYTHON, "-c", "from salesscope.cli import main; main()"]


def counts(path: Path) -> dict[str, int]:
    """Rows per table, plus imports and quarantined problems, of a workspace opened afresh."""
    with salesscope.open(path, read_only=True) as ws:
        c = ws.row_counts()
        c["_imports"] = ws.duckdb.execute("SELECT count(*) FROM _imports").fetchone()[0]
        c["_quarantine"] = ws.duckdb.execute("SELECT count(*) FROM _quarantine").fetchone()[0]
        return c


def tables_only(c: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in c.items() if not k.startswith("_")}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo company's files as CSV, big enough that an import takes a couple of seconds."""
    from salesscope.demo import write_demo_files

    return write_demo_files(tmp_path_factory.mktemp("faults") / "files", seed=5, scale=40_000,
                            today=date(2026, 4, 15), fmt="csv")


@pytest.fixture(scope="module")
def before_ws(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace that already holds the reps (the state an interrupted import must keep)."""
    p = tmp_path_factory.mktemp("before") / "ws"
    with salesscope.init(p) as ws:
        import_files(ws, [f for f in files if f.name.startswith("reps")], progress=False)
    return p


@pytest.fixture(scope="module")
def after(files: list[Path], before_ws: Path, tmp_path_factory: pytest.TempPathFactory):
    """What the full import leaves, and how long the CLI takes to do it (start to exit)."""
    p = tmp_path_factory.mktemp("after") / "ws"
    shutil.copytree(before_ws, p)
    t = time.monotonic()
    out = subprocess.run(CLI + ["import", "-w", str(p), *map(str, files)], capture_output=True,
                         text=True, env=child_env(), timeout=300)
    took = time.monotonic() - t
    assert out.returncode == 0, out.stderr
    return counts(p), took


@pytest.mark.slow
def test_an_import_killed_at_random_points_leaves_before_or_after_and_can_be_rerun(
        files, before_ws, after, tmp_path):
    after_counts, took = after
    before_counts = counts(before_ws)
    rnd = random.Random(20260415)
    attempts, outcomes = 5, []
    for i in range(attempts):
        ws_path = tmp_path / f"ws{i}"
        shutil.copytree(before_ws, ws_path)
        # Spread the kills over the whole run: start-up, reading, checking, loading, commit.
        delay = took * 1.1 * (i + rnd.random()) / attempts
        child = subprocess.Popen(CLI + ["import", "-w", str(ws_path), *map(str, files)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=child_env())
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        got = counts(ws_path)  # opening replays or drops the write-ahead log
        if got == before_counts:
            outcomes.append(("before", round(delay, 2), child.returncode))
        else:
            expected = dict(after_counts)
            assert got == expected, f"partial state after a kill at {delay:.2f} s: {got}"
            outcomes.append(("after", round(delay, 2), child.returncode))
        # The same import runs to completion afterwards and gives the same rows.
        with salesscope.open(ws_path) as ws:
            r = import_files(ws, files, progress=False)
            assert r.rejected == 0
        assert tables_only(counts(ws_path)) == tables_only(after_counts)
        shutil.rmtree(ws_path)
    print("kills (state, delay s, exit code):", outcomes)
    assert any(code == -signal.SIGKILL for _, _, code in outcomes), outcomes
    assert any(state == "before" for state, _, _ in outcomes), outcomes


@pytest.mark.slow
def test_readers_during_an_import_wait_a_bounded_time_and_see_before_or_after(
        files, before_ws, after, tmp_path):
    after_counts, took = after
    before_counts = tables_only(counts(before_ws))
    ws_path = tmp_path / "ws"
    shutil.copytree(before_ws, ws_path)
    reader_code = f"""
import json, random, sys, time, salesscope
end = time.monotonic() + {took + 8:.1f}
while time.monotonic() < end:
    t = time.monotonic()
    try:
        with salesscope.open({str(ws_path)!r}, read_only=True) as ws:
            c = ws.row_counts()
            k = ws.kpis(["win_rate", "lgr"], grain="quarter")
        print(json.dumps({{"wait": time.monotonic() - t, "counts": c, "rows": len(k)}}), flush=True)
    except Exception as e:
        print(json.dumps({{"wait": time.monotonic() - t, "error": type(e).__name__ + ": " + str(e)}}),
              flush=True)
    time.sleep(random.uniform(0.05, 0.3))
"""
    reader = subprocess.Popen([PYTHON, "-c", reader_code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=child_env())
    first = reader.stdout.readline()  # the reader is reading when the import starts
    writer = subprocess.run(CLI + ["import", "-w", str(ws_path), *map(str, files)],
                            capture_output=True, text=True, env=child_env(), timeout=300)
    out, err = reader.communicate(timeout=300)
    out = first + out
    assert writer.returncode == 0, writer.stderr
    assert reader.returncode == 0, err
    reads = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert reads, err
    errors = [r["error"] for r in reads if "error" in r]
    assert not errors, errors
    seen = {json.dumps(r["counts"], sort_keys=True) for r in reads}
    allowed = {json.dumps(before_counts, sort_keys=True),
               json.dumps(tables_only(after_counts), sort_keys=True)}
    assert seen <= allowed, seen - allowed
    longest = max(r["wait"] for r in reads)
    print(f"{len(reads)} reads, longest {longest:.2f} s, import took about {took:.2f} s")
    assert longest < took + 10
    assert tables_only(counts(ws_path)) == tables_only(after_counts)


def test_a_busy_workspace_gives_a_clear_error_after_a_bounded_wait(tmp_path, monkeypatch):
    """Another process holds the store for writing longer than readers are willing to wait."""
    p = tmp_path / "ws"
    salesscope.init(p).close()
    holder = subprocess.Popen(
        [PYTHON, "-c", f"import salesscope, sys, time; ws = salesscope.open({str(p)!r}); "
                       "ws.duckdb; print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("SALESSCOPE_LOCK_WAIT", "1.5")
        t = time.monotonic()
        with pytest.raises(WorkspaceError, match="busy") as e:
            salesscope.open(p, read_only=True).row_counts()
        waited = time.monotonic() - t
        assert 1.4 < waited < 6
        assert str(p / "store.duckdb") in str(e.value)
        assert "SALESSCOPE_LOCK_WAIT" in str(e.value)
    finally:
        holder.kill()
        holder.wait()


# -- read-only and full disks ------------------------------------------------------------------

@pytest.fixture
def mount(tmp_path: Path):
    """Mount a small tmpfs (root only); yields a function that remounts it with options."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.strip()}")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True)

    yield mnt, remount
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=child_env(),
                          timeout=300)


def assert_clear_error(out: subprocess.CompletedProcess[str], path: Path) -> None:
    assert out.returncode == 1, (out.returncode, out.stderr)  # a problem with the workspace, not usage
    assert "Traceback" not in out.stderr, out.stderr
    assert "error:" in out.stderr and str(path) in out.stderr.replace("\n", ""), out.stderr


@pytest.mark.slow
def test_a_read_only_workspace_gives_a_clear_error_and_can_still_be_read(files, mount):
    mnt, remount = mount
    p = mnt / "ws"
    with salesscope.init(p) as ws:
        import_files(ws, [f for f in files if f.name.startswith(("reps", "opportunities",
                                                                 "customers", "leads"))],
                     progress=False)
        stored = ws.row_counts()
    remount("ro")
    # Writing is refused with the path named, in the API and in the CLI.
    with pytest.raises(WorkspaceError) as e:
        salesscope.open(p)
    assert str(p) in str(e.value)
    assert_clear_error(cli("import", "-w", str(p), str(files[0])), p)
    # Reading still works.
    with salesscope.open(p, read_only=True) as ws:
        assert ws.row_counts() == stored
        assert len(ws.kpis(["win_rate"], grain="quarter"))


@pytest.mark.slow
def test_a_full_disk_gives_a_clear_error_loads_nothing_and_a_retry_works(files, mount):
    mnt, remount = mount
    p = mnt / "ws"
    with salesscope.init(p) as ws:
        import_files(ws, [f for f in files if f.name.startswith("reps")], progress=False)
    before = counts(p)
    qfiles = sorted((p / "quarantine").iterdir())
    remount("size=3m")
    with salesscope.open(p) as ws:
        with pytest.raises(SalesScopeError) as e:
            import_files(ws, files, progress=False)
    assert str(p) in str(e.value) and "No space left" in str(e.value)
    assert counts(p) == before
    assert_clear_error(cli("import", "-w", str(p), *map(str, files)), p)
    assert counts(p) == before
    assert sorted((p / "quarantine").iterdir()) == qfiles  # no half-written quarantine file
    remount("size=256m")
    with salesscope.open(p) as ws:
        r = import_files(ws, files, progress=False)
    assert r.rejected == 0 and counts(p)["activities"] > 0


def test_an_unwritable_quarantine_folder_gives_a_clear_error(tmp_path):
    p = tmp_path / "ws"
    f = tmp_path / "leads.csv"
    f.write_text("lead_id,created_at\nL1,2024-01-01\nL2,not a date\n", encoding="utf-8")
    with salesscope.init(p) as ws:
        before = ws.row_counts()
        # A file where the folder should be: even root cannot write into it.
        (p / "quarantine").write_text("", encoding="utf-8")
        with pytest.raises(WorkspaceError, match="quarantine"):
            import_files(ws, [f], progress=False)
        assert ws.row_counts() == before
