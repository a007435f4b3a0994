"""A throwaway Spark standalone cluster on 127.0.0.1: a master and workers, each its own process,
started with the launchers shipped inside the pyspark package (benchmark and tests)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from salesscope.bench.pgserver import _free_port
from salesscope.errors import WorkspaceError


class SparkCluster:
    """``SparkCluster(workers=2).start()``; ``url`` is the master to give a session; ``stop()``."""

    def __init__(self, workers: int = 2, cores: int = 1, memory: str = "1g") -> None:
        self.workers, self.cores, self.memory = workers, cores, memory
        self.dir = Path(tempfile.mkdtemp(prefix="salesscope-spark-cluster-"))
        self.port, self.ui = _free_port(), _free_port()
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        try:
            import pyspark
        except ImportError:
            raise WorkspaceError("a Spark cluster needs pyspark: pip install 'salesscope[spark]'") from None
        home = str(Path(pyspark.__file__).parent)
        return {**os.environ, "SPARK_HOME": home, "SPARK_LOCAL_IP": "127.0.0.1",
                "SPARK_WORKER_DIR": str(self.dir / "work"), "SPARK_LOG_DIR": str(self.dir / "logs"),
                "PYSPARK_PYTHON": sys.executable, "SPARK_NO_DAEMONIZE": "1"}

    def _launch(self, name: str, *args: str) -> subprocess.Popen:
        env = self._env()
        log = (self.dir / f"{name}.log").open("wb")
        cmd = [str(Path(env["SPARK_HOME"]) / "bin" / "spark-class"), *args]
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(proc)
        return proc

    def state(self) -> dict:
        """The master's own view: its workers and applications (its JSON status page)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ui}/json/", timeout=5) as r:
            return json.load(r)

    def start(self, timeout: float = 180.0) -> SparkCluster:
        self._launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                     "--port", str(self.port), "--webui-port", str(self.ui))
        for i in range(self.workers):
            self._launch(f"worker{i}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                         "--cores", str(self.cores), "--memory", self.memory,
                         "--webui-port", str(_free_port()), self.url)
        try:
            if self._wait_for_workers(timeout):
                return self
        except BaseException:  # an interrupt or a surprise: never leave the JVMs running
            self.stop()
            raise
        logs = "\n".join((self.dir / f).read_text(errors="replace")[-800:] for f in ("master.log", "worker0.log")
                         if (self.dir / f).exists())
        self.stop()
        raise WorkspaceError(f"the Spark cluster did not start within {timeout:.0f} s:\n{logs}")

    def _wait_for_workers(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                return False
            try:
                if self.state().get("aliveworkers", 0) >= self.workers:
                    return True
            except (OSError, ValueError):  # not listening yet, or still starting (an HTML page or one cut short)
                pass
            time.sleep(0.5)
        return False

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.processes.clear()
        shutil.rmtree(self.dir, ignore_errors=True)
