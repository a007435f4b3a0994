"""The server's access to the workspace store: many readers at once, one writer at a time.

Readers (indicators, advice, lookups) each use their thread's own read-only connection, so they
run side by side, and so do other processes' read-only commands (``salesscope kpi`` beside
``salesscope serve``). A write (an import, a login, a setting) waits for the readers in flight,
closes the read-only connections, opens the store for writing for its own duration only, and
closes it again: between writes the server holds no write lock on the store.

:attr:`Store.writes` counts the writes that ended: what was read from the store before is still
true while it is unchanged, so answers kept in memory are served without the store at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from salesscope.workspace import Workspace


T = TypeVar("T")
_MEMORY_ONLY: ContextVar[bool] = ContextVar("memory_only", default=False)


class NotRemembered(Exception):  # noqa: N818 - a signal, never an answer
    """Raised inside :func:`from_memory` where the store would be needed: ask again off the loop."""


@contextmanager
def from_memory() -> Iterator[None]:
    """Answer from what is kept in memory only: reading or writing the store, computing an
    answer or waiting for one being computed raises :class:`NotRemembered` instead. The event
    loop answers this way, without a hop to a worker thread; what needs more goes to one."""
    token = _MEMORY_ONLY.set(True)
    try:
        yield
    finally:
        _MEMORY_ONLY.reset(token)


async def from_memory_or_thread(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)`` on the event loop if memory answers it, else in a worker thread."""
    from starlette.concurrency import run_in_threadpool

    try:
        with from_memory():
            return call(*args, **kwargs)
    except NotRemembered:
        return await run_in_threadpool(call, *args, **kwargs)


def refuse_outside_memory() -> None:
    if _MEMORY_ONLY.get():
        raise NotRemembered


class SharedLock:
    """Shared (readers) or exclusive (one writer); re-entrant per thread. A waiting writer lets no
    new reader in, so a stream of readers cannot starve it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None
        self._depth = 0
        self._waiting = 0
        self._mine = threading.local()

    @contextmanager
    def shared(self) -> Iterator[None]:
        me = threading.get_ident()
        held = getattr(self._mine, "reads", 0)
        if held or self._writer == me:  # already inside: never wait on oneself
            self._mine.reads = held + 1
            try:
                yield
            finally:
                self._mine.reads -= 1
            return
        with self._cond:
            while self._writer is not None or self._waiting:
                self._cond.wait()
            self._readers += 1
        self._mine.reads = 1
        try:
            yield
        finally:
            self._mine.reads = 0
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        me = threading.get_ident()
        if getattr(self._mine, "reads", 0) and self._writer != me:
            raise RuntimeError("a reader cannot start writing (it would wait for itself)")
        with self._cond:
            if self._writer != me:
                self._waiting += 1
                try:
                    while self._writer is not None or self._readers:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
                self._writer = me
            self._depth += 1
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """End one level of this thread's write; the last one lets readers and writers in."""
        with self._cond:
            self._depth -= 1
            if not self._depth:
                self._writer = None
                self._cond.notify_all()


class Store:
    """Read-only workspaces per thread, and a writable one for the length of a write."""

    def __init__(self, path: Path, on_write: Callable[[Workspace], object] | None = None) -> None:
        self.path = Path(path)
        self.lock = SharedLock()
        # called with the writable workspace at the end of every write
        self._on_write: list[Callable[[Workspace], object]] = [on_write] if on_write else []
        self.writes = 0
        self._local = threading.local()
        self._readers: list[Workspace] = []
        self._adopted: list[Workspace] = []  # the caller's own, read-only, closed by every write too
        self._guard = threading.Lock()
        self._generation = 0  # bumped by every write: readers reopen (and re-read the config)
        self._writing: Workspace | None = None

    def on_write(self, hook: Callable[[Workspace], object]) -> None:
        """Call ``hook(ws)`` at the end of every write, with the writable workspace, before it
        closes: notes that may wait (a token's last use) ride on the next write instead of
        making one of their own. The hook must not wait for another request."""
        self._on_write.insert(0, hook)

    def adopt(self, ws: Workspace) -> None:
        """Take over a workspace object opened by the caller: it reads on, read-only, and lets go of
        the store whenever a write needs it (one process cannot hold it both ways at once)."""
        ws.close()
        ws.read_only = True
        self._adopted.append(ws)

    def reader(self) -> Workspace:
        """This thread's read-only workspace (the writable one inside a write)."""
        import salesscope

        refuse_outside_memory()
        if self._writing is not None and self.lock._writer == threading.get_ident():
            return self._writing
        mine = getattr(self._local, "ws", None)
        if mine is None or mine[0] != self._generation:
            ws = salesscope.open(self.path, read_only=True)
            with self._guard:
                self._readers.append(ws)
            self._local.ws = mine = (self._generation, ws)
        return mine[1]

    @contextmanager
    def reading(self) -> Iterator[Workspace]:
        refuse_outside_memory()
        with self.lock.shared():
            yield self.reader()

    @contextmanager
    def writing(self) -> Iterator[Workspace]:
        """The workspace open for writing; every reader waits until it is closed again."""
        import salesscope

        refuse_outside_memory()
        with self.lock.exclusive():
            if self._writing is not None:  # a write inside a write
                yield self._writing
                return
            self.close_readers()
            self._writing = salesscope.open(self.path)
            try:
                yield self._writing
            finally:
                try:
                    for hook in self._on_write:
                        hook(self._writing)
                finally:
                    self._writing.close()
                    self._writing = None
                    self.writes += 1

    def close_readers(self) -> None:
        with self._guard:
            readers, self._readers = self._readers, []
            self._generation += 1
        for ws in [*readers, *self._adopted]:
            ws.close()

    def close(self) -> None:
        with self.lock.exclusive():
            self.close_readers()


class Rows:
    """A statement's rows, fetched before the connection is handed back."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return self._rows


class StoreConnection:
    """``execute(sql, params)`` for small statements (users, sessions, tokens): a ``SELECT`` reads
    beside the other readers, anything else is a write."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def execute(self, sql: str, params: list | None = None) -> Rows:
        reads = sql.lstrip().upper().startswith(("SELECT", "WITH"))
        with self.store.reading() if reads else self.store.writing() as ws:
            cur = ws.duckdb.execute(sql, params or [])
            return Rows(cur.fetchall() if cur.description else [])
