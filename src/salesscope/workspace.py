"""A workspace: a folder holding the DuckDB store and the config file."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesscope.errors import WorkspaceError
from salesscope.locale import Text
from salesscope.schema import (
    IMPORTS_ADDED,
    IMPORTS_DDL,
    IMPORTS_TABLE,
    QUARANTINE_DDL,
    TABLES,
    Table,
)
from salesscope.sqlvalue import scalar

if TYPE_CHECKING:
    import duckdb
    import ibis
    import pandas as pd

    from salesscope.config import WorkspaceConfig
    from salesscope.scope import ScopeArg
    from salesscope.semantic import SemanticModel
    from salesscope.zoom import Zoom

STORE_FILE = "store.duckdb"
DEFAULT_PATH = "salesscope-workspace"
ENV_VAR = "SALESSCOPE_WORKSPACE"
LOCK_WAIT_VAR = "SALESSCOPE_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0


def lock_wait() -> float:
    """Seconds to wait for another process's import to release the store."""
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_VAR, DEFAULT_LOCK_WAIT)))
    except ValueError:
        return DEFAULT_LOCK_WAIT


def batch(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``fn(ws, ...)`` as one :meth:`Workspace.sharing` batch."""
    @functools.wraps(fn)
    def run(ws: Workspace, *args: Any, **kwargs: Any) -> Any:
        with ws.sharing():
            return fn(ws, *args, **kwargs)
    return run


def default_path() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


class Workspace:
    """An open workspace. Use :func:`salesscope.open` or :func:`salesscope.init` to get one.

    >>> ws = salesscope.init("/tmp/ws-example", exist_ok=True)   # doctest: +SKIP
    >>> ws.kpis(["lgr"], grain="month")                          # doctest: +SKIP
    """

    def __init__(self, path: Path, config: WorkspaceConfig, *, read_only: bool = False) -> None:
        self.path = path
        self.config = config
        self.read_only = read_only
        self._model: tuple[str, SemanticModel] | None = None
        self._shared: dict[Any, Any] | None = None  # what the engine read, inside sharing()

    # -- storage -----------------------------------------------------------------------------
    @property
    def store_path(self) -> Path:
        return self.path / STORE_FILE

    @property
    def quarantine_dir(self) -> Path:
        return self.path / "quarantine"

    @cached_property
    def backend(self) -> ibis.BaseBackend:
        """The Ibis backend that runs indicator queries (DuckDB unless the config says otherwise)."""
        from salesscope.backends import connect

        return connect(self)

    @cached_property
    def duckdb(self) -> duckdb.DuckDBPyConnection:
        """The raw DuckDB connection of the embedded store (imports write through it)."""
        import duckdb as _duckdb

        # One process may write a store at a time (DuckDB's file lock): while an import in another
        # process holds it, wait a bounded time for the import to commit instead of failing.
        wait = lock_wait()
        deadline = time.monotonic() + wait
        read_only = self.read_only
        while True:
            try:
                con = _duckdb.connect(str(self.store_path), read_only=read_only)
                break
            except _duckdb.ConnectionException as e:
                # This process already holds the store read-write (a notebook or a server that
                # also runs a reading command): DuckDB shares one configuration per file, so
                # read through the same kind of connection; nothing here writes.
                if not read_only or "different configuration" not in str(e):
                    raise WorkspaceError(Text("error.workspace.cannot_open", path=self.store_path, detail=e)) from None
                read_only = False
            except _duckdb.IOException as e:
                if "lock" not in str(e).lower():
                    raise WorkspaceError(Text("error.workspace.cannot_open", path=self.store_path, detail=e)) from None
                if time.monotonic() >= deadline:
                    raise WorkspaceError(Text("error.workspace.busy", path=self.store_path, wait=wait,
                                              variable=LOCK_WAIT_VAR)) from None
                time.sleep(0.05)
            except _duckdb.Error as e:  # e.g. opened read-only and read-write in one process
                raise WorkspaceError(Text("error.workspace.cannot_open", path=self.store_path, detail=e)) from None
        con.execute("SET TimeZone = 'UTC'")  # stored times are local wall-clock, never shifted
        return con

    def ensure_tables(self) -> None:
        con = self.duckdb
        for spec in TABLES.values():
            con.execute(spec.ddl())
        con.execute(QUARANTINE_DDL)
        con.execute(IMPORTS_DDL)
        for name, sql_type in IMPORTS_ADDED:
            con.execute(f'ALTER TABLE "{IMPORTS_TABLE}" ADD COLUMN IF NOT EXISTS {name} {sql_type}')

    def row_counts(self) -> dict[str, int]:
        """Rows per canonical table (0 for an empty one)."""
        names = {r[0] for r in self.duckdb.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = {}
        for t in Table:
            out[t.value] = (
                scalar(self.duckdb.execute(f'SELECT count(*) FROM "{t.value}"'))
                if t.value in names else 0
            )
        return out

    def table(self, name: Table | str) -> ibis.Table:
        return self.shared(("table", str(name)), lambda: self.backend.table(str(name)))

    # -- one batch of questions ----------------------------------------------------------------
    @contextmanager
    def sharing(self) -> Iterator[Workspace]:
        """``with ws.sharing():`` a batch of questions (a command, a report, advice, one web
        request) that takes the store as unchanging while it runs: what the engine reads from the
        store (its tables' sizes, columns and schemas, each fact's aggregates for a zoom) is read
        once and shared by every question in the batch. Nested batches share the outer one's."""
        if self._shared is not None:
            yield self
            return
        self._shared = {}
        try:
            yield self
        finally:
            self._shared = None

    def shared(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, read once per :meth:`sharing` batch (every time outside one)."""
        if self._shared is None:
            return make()
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    # -- indicators --------------------------------------------------------------------------
    @property
    def model(self) -> SemanticModel:
        """The semantic model: the built-in indicators and this workspace's own, with everything
        every surface needs to know about them; built once per config version."""
        from salesscope.config import CONFIG_FILE
        from salesscope.semantic import build

        key = self.config.model_dump_json(include={"indicators"})
        if self._model is None or self._model[0] != key:
            self._model = (key, build(self.config, self.path / CONFIG_FILE))
        return self._model[1]

    def kpis(
        self,
        ids: Sequence[str] | None = None,
        *,
        zoom: Zoom | None = None,
        grain: str = "month",
        calendar: str | None = None,
        by: Sequence[str] | str | None = None,
        start: Any = None,
        end: Any = None,
        details: bool = False,
        scope: ScopeArg = None,
    ) -> pd.DataFrame:
        """Indicators as a tidy DataFrame: one row per indicator x period x dimension values.

        >>> ws.kpis(["win_rate", "lgr"], grain="quarter", calendar="jalali", by="team")  # doctest: +SKIP

        The zoom is given either as a :class:`~salesscope.zoom.Zoom` or by its parts (``grain``,
        ``calendar``, ``by``, ``start``, ``end``; the calendar defaults to the workspace's).
        ``scope`` restricts every fact to some reps or teams (``{"rep": ["R01"]}``); facts that
        carry neither (costs) are then out of scope and the indicators that need them say so.
        """
        zoom = self.zoom(zoom, grain=grain, calendar=calendar, by=by, start=start, end=end)
        from salesscope.engine.compute import compute  # after the zoom: a mistake is named at once
        from salesscope.engine.request import Request

        return compute(self, Request.build(self, ids=ids, zoom=zoom, details=details, scope=scope))

    def zoom(self, zoom: Zoom | None = None, *, grain: Any = "month", calendar: Any = None,
             by: Any = None, start: Any = None, end: Any = None) -> Zoom:
        """``zoom`` as given, or parsed from its parts with this workspace's calendar and fiscal year."""
        from salesscope.zoom import Zoom

        if zoom is None:
            return Zoom.parse(grain=grain, calendar=calendar, by=by, start=start, end=end, config=self.config)
        if (grain, calendar, by, start, end) != ("month", None, None, None, None):
            from salesscope.errors import QueryError

            raise QueryError(Text("error.workspace.zoom_twice"))
        return zoom

    def save_config(self) -> None:
        from salesscope.config import CONFIG_FILE, save_config

        save_config(self.config, self.path / CONFIG_FILE)

    def close(self) -> None:
        if self._shared is not None:
            self._shared.clear()
        if "duckdb" in self.__dict__:
            self.__dict__.pop("duckdb").close()
        if "backend" in self.__dict__:
            be = self.__dict__.pop("backend")
            try:
                be.disconnect()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"


def init(path: str | Path | None = None, *, exist_ok: bool = False, **settings: Any) -> Workspace:
    """Create a workspace folder with an empty store and a config; return it open.

    >>> ws = init("/tmp/demo-ws", currency="IRR", calendar="jalali", exist_ok=True)  # doctest: +SKIP
    """
    from salesscope.config import CONFIG_FILE, WorkspaceConfig, save_config

    p = Path(path) if path is not None else default_path()
    cfg_file = p / CONFIG_FILE
    if cfg_file.exists():
        if not exist_ok:
            raise WorkspaceError(Text("error.workspace.exists", path=p))
        ws = open(p)
        if settings:
            ws.config = WorkspaceConfig.model_validate({**ws.config.model_dump(by_alias=True), **settings})
            ws.save_config()
        return ws
    try:
        p.mkdir(parents=True, exist_ok=True)
        os.chmod(p, 0o700)  # the store holds deals and people: not for other local users
    except OSError as e:
        raise WorkspaceError(Text("error.workspace.cannot_create", path=p, detail=e.strerror)) from None
    from pydantic import ValidationError

    try:
        config = WorkspaceConfig.model_validate(settings)
    except ValidationError as e:
        from salesscope.errors import ConfigError

        raise ConfigError(Text("error.config.invalid",
                               problems="; ".join(f"{'.'.join(map(str, er['loc']))}: {er['msg']}" for er in e.errors()))) from None
    save_config(config, cfg_file)
    ws = Workspace(p, config)
    ws.ensure_tables()
    os.chmod(ws.store_path, 0o600)
    return ws


def open(path: str | Path | None = None, *, read_only: bool = False) -> Workspace:  # noqa: A001
    """Open an existing workspace.

    >>> ws = salesscope.open("salesscope-workspace")  # doctest: +SKIP
    """
    from salesscope.config import CONFIG_FILE, load_config

    p = Path(path) if path is not None else default_path()
    if not (p / CONFIG_FILE).exists():
        raise WorkspaceError(Text("error.workspace.missing", path=p))
    ws = Workspace(p, load_config(p / CONFIG_FILE), read_only=read_only)
    if not read_only:
        ws.ensure_tables()
    return ws
