"""Helpers for importer tests: a fresh workspace and small files written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import salesscope

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"


@pytest.fixture
def ws(tmp_path: Path) -> salesscope.Workspace:
    w = salesscope.init(tmp_path / "ws", timezone="Asia/Tehran")
    yield w
    w.close()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a text file under tmp_path/files and return its path."""

    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        p = tmp_path / "files" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode(encoding))
        return p

    return make


def rows(ws: salesscope.Workspace, sql: str) -> list[tuple]:
    return ws.duckdb.execute(sql).fetchall()
