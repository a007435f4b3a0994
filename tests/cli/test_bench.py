"""``salesscope bench``: steps left out on request, progress said as it goes, the numbers checked
against the engine's, and a run given the same folder again resumes instead of measuring again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from salesscope.bench import run

SALESSCOPE = Path(sys.executable).parent / "salesscope"
LEFT_OUT = ["engine_single", "engine_batch", "pandas", "engine_subset", "polars", "postgres"]


def test_a_small_run_skips_resumes_and_agrees(tmp_path):
    said: list[str] = []
    report = run(scale=2_000, workdir=tmp_path, skip=LEFT_OUT, say=said.append)
    assert list(report["steps"]) == ["import", "read_files", "engine", "duckdb_sql"]
    # The import beside DuckDB's own reading of the same files, whose store is not kept.
    assert report["summary"]["import_ratio_to_read_files"] == round(
        report["steps"]["import"]["seconds"] / report["steps"]["read_files"]["seconds"], 2)
    assert not list(tmp_path.glob("read_files.duckdb*"))
    assert report["generate"]["seconds"] > 0 and report["generate"]["peak_rss"] > 0
    assert sum(report["rows"].values()) > 2_000
    assert report["agreement"]["duckdb_sql"]["same"] and report["agreement"]["duckdb_sql"]["rows"] > 100
    for step in report["steps"].values():
        assert step["peak_rss_all"] >= step["peak_rss"] > 0 and step["cpu_seconds"] > 0
    assert [m.split("] ", 1)[1].split(":")[0] for m in said if ": " in m] == ["generate", "import", "read_files",
                                                                            "engine", "duckdb_sql"]

    # The same folder again: every step was measured before and is taken as it was.
    again = run(scale=2_000, workdir=tmp_path, skip=LEFT_OUT, say=said.append)
    assert {k: v["seconds"] for k, v in again["steps"].items()} == {k: v["seconds"] for k, v in report["steps"].items()}
    assert again["generate"] == report["generate"]
    assert sum("measured before" in m for m in said) == 5
    assert json.loads((tmp_path / "results" / "engine.json").read_text())["seconds"] == report["steps"]["engine"]["seconds"]


def test_an_unknown_step_to_skip_is_a_usage_error(tmp_path):
    out = subprocess.run([str(SALESSCOPE), "bench", "--scale", "2000", "--skip", "pandsa", "-w", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, env={**__import__("os").environ, "COLUMNS": "200"})
    assert out.returncode == 2, out.stderr
    assert "'pandsa'" in out.stderr and "did you mean pandas?" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "results").exists()


def test_postgres_is_loaded_once_and_its_tables_kept_for_a_resumed_run():
    base = Path(tempfile.mkdtemp(prefix="salesscope-bench-test-"))
    base.chmod(0o755)  # the kept server runs as the postgres account, inside this folder
    skip = ["read_files", "engine_single", "engine_batch", "duckdb_sql", "pandas", "engine_subset", "polars"]
    said: list[str] = []
    try:
        first = run(scale=2_000, workdir=base, skip=skip, say=said.append)
        assert first["agreement"]["postgres"]["same"] and first["agreement"]["postgres"]["rows"] > 100
        assert first["steps"]["postgres"]["helpers_cpu_seconds"] > 0  # the server's backend did the work
        assert (base / "postgres" / "data" / "PG_VERSION").exists()

        # The engine measured again: the server starts on the tables loaded before.
        (base / "results" / "postgres.json").unlink()
        said.clear()
        again = run(scale=2_000, workdir=base, skip=skip, say=said.append)
        assert any("postgres_load: measured before" in m for m in said)
        assert again["agreement"]["postgres"] == first["agreement"]["postgres"]

        # Without the kept server's folder the tables are loaded again.
        shutil.rmtree(base / "postgres")
        (base / "results" / "postgres.json").unlink()
        said.clear()
        third = run(scale=2_000, workdir=base, skip=skip, say=said.append)
        assert not any("postgres_load: measured before" in m for m in said)
        assert any("postgres_load: " in m for m in said) and third["agreement"]["postgres"]["same"]
    finally:
        shutil.rmtree(base, ignore_errors=True)
