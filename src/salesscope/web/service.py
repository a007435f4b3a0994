"""The web app's one door to the workspace: readers side by side, a cache keyed on the last import,
and scope.

The cache's key starts with the store's generation (the last import and the settings' version),
kept in memory and read again at the end of every write, so a cached answer is served without
the store: no lock, no connection, no query. A question being computed is computed once: whoever
asks it meanwhile waits for that computation instead of starting another.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from salesscope.schema import IMPORTS_TABLE
from salesscope.scope import EVERYTHING, Scope
from salesscope.web.store import Store, refuse_outside_memory
from salesscope.zoom import Zoom

if TYPE_CHECKING:
    import pandas as pd
    from fastapi.responses import Response

    from salesscope.web.users import UserStore
    from salesscope.workspace import Workspace

CACHE_BYTES = int(os.environ.get("SALESSCOPE_CACHE_MB", "256")) * 2**20  # answers kept, all together
SHARE = 0.25  # of the budget, at most, for the answers of one scope


def _last_import(ws: Workspace) -> tuple[str | None, int]:
    """The last import's id and the number of imports (a store without the table has had none)."""
    try:
        row = ws.duckdb.execute(f'SELECT max(import_id), count(*) FROM "{IMPORTS_TABLE}"').fetchone()
    except Exception:  # noqa: BLE001 - no imports table yet
        return None, 0
    return (row[0], row[1]) if row else (None, 0)


def size_of(value: Any) -> int:
    """Bytes an answer holds, near enough to budget by: frames by their buffers, the rest as JSON."""
    import pandas as pd

    from salesscope.web.encoded import Encoded

    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum()) + 1024
    if isinstance(value, bytes):
        return len(value) + 1024
    if isinstance(value, Encoded):
        return value.size + 1024
    try:
        return len(json.dumps(value, default=str)) * 2 + 1024  # Python objects weigh about twice
    except (TypeError, ValueError):
        return sys.getsizeof(value)


def to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates as ISO strings, undefined (NaN/NaT/NA) as null."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        elif s.dtype == object:
            out[col] = s.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    return json.loads(out.to_json(orient="records", date_format="iso", force_ascii=False))


class Service:
    """Reads run side by side, each on its thread's read-only connection; a write waits for them
    (:class:`~salesscope.web.store.Store`). The cache's own bookkeeping has a lock of its own,
    held only for a dictionary operation, never while an answer is computed."""

    users: UserStore  # the accounts, set by the app once their tables exist

    def __init__(self, ws: Workspace) -> None:
        self.store = Store(ws.path, on_write=self._wrote)
        self.config = ws.config  # the workspace's settings, as the last write left them
        self.store.adopt(ws)  # the server's connections are its store's: read-only unless writing
        self.lock = threading.RLock()  # the cache's bookkeeping only
        self._cache: OrderedDict[tuple, tuple[Any, int, Scope]] = OrderedDict()  # value, size, owner
        self._computing: dict[tuple, Future] = {}  # answers being computed, for those who ask meanwhile
        self._bytes = 0
        self._owned: dict[Scope, int] = {}
        self._config_version = 0
        self._last_import: tuple[str | None, int] | None = None  # read at the first question
        self._listeners: list[Callable[[], object]] = []
        self._imports = 0  # imports under way: readers wait for them, and the dashboard says why

    @contextmanager
    def importing(self) -> Iterator[None]:
        """Marks an import under way for :attr:`import_running` (the write itself is separate)."""
        with self.lock:
            self._imports += 1
        try:
            yield
        finally:
            with self.lock:
                self._imports -= 1

    @property
    def import_running(self) -> bool:
        return self._imports > 0

    @property
    def ws(self) -> Workspace:
        """The calling thread's read-only workspace (the writable one inside :meth:`writing`)."""
        return self.store.reader()

    def reading(self) -> Any:
        """``with svc.reading() as ws``: read beside the other readers."""
        return self.store.reading()

    @contextmanager
    def writing(self) -> Iterator[Workspace]:
        """``with svc.writing() as ws``: the store open for writing; readers wait until it closes."""
        with self.store.writing() as ws:
            yield ws

    # -- cache ------------------------------------------------------------------------------
    def generation(self) -> tuple[str | None, int, int]:
        """Changes whenever an import lands or the config is saved; the cache key's first part.
        Read from the store once, then at the end of each write (:meth:`_wrote`)."""
        last = self._last_import
        if last is None:
            with self.reading() as ws:
                last = self._last_import = _last_import(ws)
        return (*last, self._config_version)

    def on_change(self, listener: Callable[[], object]) -> None:
        """Call ``listener()`` whenever the generation changes (it must return at once)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def _wrote(self, ws: Workspace) -> None:
        """After every write, on its own connection: the last import and the settings, as they
        now stand."""
        self.config = ws.config
        before = self._last_import
        try:
            self._last_import = _last_import(ws)
        except Exception:  # noqa: BLE001 - a write that broke its connection: read again when asked
            self._last_import = None
        if self._last_import != before:
            self._changed()

    def config_changed(self) -> None:
        with self.lock:
            self._config_version += 1
            self._cache.clear()
            self._bytes, self._owned = 0, {}
        self._changed()

    def cached(self, key: tuple, compute: Callable[[], Any], scope: Scope | Mapping | None = EVERYTHING) -> Any:
        """``compute()``, kept until the next import within the cache's byte budget.

        Answers are charged to the scope that asked (users with the same scope see the same
        answers): one scope may hold at most :data:`SHARE` of the budget, so a user asking for
        many large views evicts their own answers first, never everyone else's. An answer larger
        than a share is returned but not kept. While an answer is computed, whoever asks for it
        too waits for it (and gets its error, if it fails) rather than computing it again.
        """
        full = (self.generation(), *key)
        owner = Scope.parse(scope)
        with self.lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full][0]
            refuse_outside_memory()  # neither compute nor wait on the event loop
            job = self._computing.get(full)
            mine = job is None
            if job is None:
                job = self._computing[full] = Future()
        if not mine:
            return job.result()
        try:
            with self.reading() as ws, ws.sharing():  # one request reads each fact once
                value = compute()
        except BaseException as e:
            job.set_exception(e)
            raise
        finally:
            with self.lock:
                del self._computing[full]
        job.set_result(value)
        self._keep(full, value, owner)
        return value

    def answer(self, key: tuple, build: Callable[[], Any], scope: Scope | Mapping | None = EVERYTHING) -> Response:
        """``build()``'s answer as the JSON response FastAPI would send (Pydantic's encoder:
        undefined numbers as null), encoded and compressed once and kept like any cached answer:
        a cached page costs a dictionary look-up (:mod:`salesscope.web.encoded`)."""
        from salesscope.web.encoded import Encoded

        return self.cached(("json", *key), lambda: Encoded.of(build()), scope).response()

    def _keep(self, full: tuple, value: Any, owner: Scope) -> None:
        size = size_of(value)
        if size > CACHE_BYTES * SHARE:
            return
        with self.lock:
            if full in self._cache:  # kept meanwhile by another request
                return
            self._cache[full] = (value, size, owner)
            self._bytes += size
            self._owned[owner] = self._owned.get(owner, 0) + size
            self._evict(owner)

    def _evict(self, owner: Scope) -> None:
        """Drop the oldest answers: the owner's own while over its share, then anyone's."""
        while self._owned[owner] > CACHE_BYTES * SHARE:
            self._drop(next(k for k, v in self._cache.items() if v[2] == owner))
        while self._bytes > CACHE_BYTES:
            self._drop(next(iter(self._cache)))

    def _drop(self, key: tuple) -> None:
        _, size, owner = self._cache.pop(key)
        self._bytes -= size
        self._owned[owner] -= size
        if not self._owned[owner]:
            del self._owned[owner]

    def cache_bytes(self) -> int:
        return self._bytes

    # -- engine -----------------------------------------------------------------------------
    def kpis(self, *, ids: Sequence[str] | None, zoom: Zoom, scope: Scope, details: bool = False) -> pd.DataFrame:
        """Indicators at ``zoom`` inside ``scope`` (the engine restricts every fact in the query)."""
        key = ("kpis", tuple(ids or ()), zoom, scope, details)
        return self.cached(key, lambda: self.ws.kpis(list(ids) if ids else None, zoom=zoom, details=details,
                                                     scope=scope), scope)

    def funnel(self, *, zoom: Zoom, scope: Scope) -> pd.DataFrame:
        from salesscope.engine.funnel import funnel

        return self.cached(("funnel", zoom, scope), lambda: funnel(self.ws, zoom=zoom, scope=scope), scope)

    def catalog(self) -> Mapping[str, Any]:
        """The workspace's indicators, built-in and its own, from its semantic model."""
        return self.ws.model.indicators

    # -- plain lookups in the store ---------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self.reading() as ws:
            return ws.duckdb.execute(sql, list(params)).df()

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.reading() as ws:
            return ws.duckdb.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.writing() as ws:
            ws.duckdb.execute(sql, list(params))

    def tables(self) -> set[str]:
        return {r[0] for r in self.fetch("SELECT table_name FROM information_schema.tables")}

    def columns(self, table: str) -> set[str]:
        return {r[0] for r in self.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])}

    def team_of(self) -> dict[str, str]:
        """rep_id -> team, for checking filters against a manager's or rep's scope."""
        def run() -> dict[str, str]:
            if "reps" not in self.tables():
                return {}
            return {r[0]: r[1] for r in self.fetch('SELECT rep_id, team FROM "reps"') if r[1]}
        return self.cached(("team_of",), run)
