"""Write the demo tables as files named after the canonical tables, month by month.

Large tables go out in numbered chunks (``activities-0001.parquet``, ...) so memory stays bounded
whatever the scale; ``salesscope import`` recognises both forms by name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from salesscope.demo import facts as F
from salesscope.demo.generator import CHUNKED, finish, iter_months, plan

CHUNK_ROWS = 1_000_000
FORMATS = ("parquet", "csv")


def _write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, path, compression="zstd")
    else:
        frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")


class _Sink:
    """Buffers one table's rows and writes a chunk whenever enough have gathered."""

    def __init__(self, out_dir: Path, name: str, fmt: str) -> None:
        self.out_dir, self.name, self.fmt = out_dir, name, fmt
        self.buffer: list[pd.DataFrame] = []
        self.rows = 0
        self.paths: list[Path] = []

    def add(self, frame: pd.DataFrame) -> None:
        self.buffer.append(frame)
        self.rows += len(frame)
        if self.rows >= CHUNK_ROWS:
            self.flush(final=False)

    def flush(self, final: bool) -> None:
        if not self.buffer and not (final and not self.paths):
            return
        frame = pd.concat(self.buffer, ignore_index=True) if self.buffer else None
        if final and not self.paths:
            path = self.out_dir / f"{self.name}.{self.fmt}"
        else:
            path = self.out_dir / f"{self.name}-{len(self.paths) + 1:04d}.{self.fmt}"
        if frame is not None:
            _write(frame, path, self.fmt)
            self.paths.append(path)
        self.buffer, self.rows = [], 0


def write_demo_files(out_dir: str | Path, seed: int = 7, scale: int | None = None,
                     today: date | None = None, fmt: str = "parquet",
                     progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Generate the demo data month by month into ``out_dir``; return the files written.

    ``progress(done, total)`` is called after each step (24 months, then the small tables).
    The rows are the same as ``generate(seed, scale, today)`` returns.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not supported: expected one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = plan(seed, scale, today)
    sinks = {name: _Sink(out, name, fmt) for name in CHUNKED}
    total = F.MONTHS + 1
    for m, month in enumerate(iter_months(p)):
        for name, frame in month.items():
            sinks[name].add(frame)
        del month
        if progress:
            progress(m + 1, total)
    paths: list[Path] = []
    for sink in sinks.values():
        sink.flush(final=True)
        paths.extend(sink.paths)
    for name, frame in finish(p).items():
        path = out / f"{name}.{fmt}"
        _write(frame, path, fmt)
        paths.append(path)
    if progress:
        progress(total, total)
    return sorted(paths)
