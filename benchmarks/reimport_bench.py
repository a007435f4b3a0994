"""A follow-up import into a copy of a workspace: the CPU time of the whole import and of keeping
the per-day rollups (``rollup.prepare`` before loading, ``rollup.refresh`` after).

    python benchmarks/reimport_bench.py WORKSPACE COPY FILE [FILE ...]

COPY is replaced by a copy of WORKSPACE, which stays as it is, so runs of two versions of the code
(``PYTHONPATH=OLD/src``, ``PYTHONPATH=NEW/src``) import into the same store.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from pathlib import Path

import salesscope
from salesscope.engine import rollup
from salesscope.ingest import import_files


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("copy", type=Path)
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    shutil.rmtree(args.copy, ignore_errors=True)
    shutil.copytree(args.workspace, args.copy)
    spent: dict[str, float] = {}
    for name in ("prepare", "refresh"):  # an older tree has no prepare
        step = getattr(rollup, name, None)
        if step is None:
            continue

        def timed(*a, _step=step, _name=name, **k):
            start = _cpu()
            try:
                return _step(*a, **k)
            finally:
                spent[_name] = spent.get(_name, 0.0) + _cpu() - start

        setattr(rollup, name, timed)
    with salesscope.open(args.copy) as ws:
        wall, cpu = time.perf_counter(), _cpu()
        result = import_files(ws, args.files, progress=False)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    rows = sum(c.loaded for c in result.tables.values())
    print(f"import of {rows:,} rows: {wall:.1f} s wall, {cpu:.2f} s CPU; rollups {sum(spent.values()):.2f} s CPU")
    shutil.rmtree(args.copy, ignore_errors=True)


if __name__ == "__main__":
    main()
