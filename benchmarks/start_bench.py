"""Time a command under two source trees, interleaved, so both see the same load of the machine.

    .venv/bin/python benchmarks/start_bench.py 5 OLD/src NEW/src -- .venv/bin/salesscope --version

Runs the command ``N`` times per tree (old and new alternating, the first one of each pair
swapped every round) with ``PYTHONPATH`` set to the tree, and prints per tree the median and the
minimum wall time and the median CPU time (user + system) of the process.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time


def measure(cmd: list[str], src: str) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` with ``src`` first on the path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    r = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": src}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed under {src}:\n{r.stderr.decode()[-800:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str]) -> None:
    n, trees, cmd = int(argv[0]), {"old": argv[1], "new": argv[2]}, argv[argv.index("--") + 1:]
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
    for i in range(n):
        for name in (("old", "new") if i % 2 == 0 else ("new", "old")):
            runs[name].append(measure(cmd, trees[name]))
    print(" ".join(cmd))
    for name, got in runs.items():
        walls, cpus = [w for w, _ in got], [c for _, c in got]
        print(f"  {name}: wall median {statistics.median(walls):.3f} s (min {min(walls):.3f} s), "
              f"CPU median {statistics.median(cpus):.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
