"""The one value of a one-row, one-column query result (a count, a maximum, a setting)."""

from __future__ import annotations

from typing import Any, Protocol


class _Result(Protocol):
    def fetchone(self) -> tuple[Any, ...] | None: ...


def scalar(result: _Result) -> Any:
    """The first column of the first row; a query that returns no row is a programming error.

    >>> import duckdb
    >>> scalar(duckdb.connect().execute("SELECT 40 + 2"))
    42
    """
    row = result.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row[0]
