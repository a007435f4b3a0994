"""Import files into a workspace: read, map, parse, check, load; all in one transaction."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import duckdb

from salesscope import locale
from salesscope.engine import rollup
from salesscope.errors import Forbidden, InputError, WorkspaceError
from salesscope.ingest import validate
from salesscope.ingest.mapping import (
    Mapping,
    TableMap,
    attribute_name,
    canonical_mapping,
    load_mapping,
    load_preset,
    matches,
    table_for_name,
)
from salesscope.ingest.messages import reason_column, reason_columns, say, sql_format
from salesscope.ingest.messages import sql_literal as lit
from salesscope.ingest.readers import Source, make_tmpdir, q, read_file
from salesscope.ingest.result import ImportResult, RejectedRowsError, TableCounts
from salesscope.ingest.scope import Scope, changed_keys, check_table, reject_outside
from salesscope.ingest.typed import Typed, build_typed
from salesscope.locale import Given, Localized, Text
from salesscope.schema import (
    IMPORTS_TABLE,
    LOAD_ORDER,
    QUARANTINE_TABLE,
    TABLES,
    Table,
    attribute_column,
    extended,
    rep_role_column,
)
from salesscope.sqlvalue import scalar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from salesscope.workspace import Workspace

SAMPLE_REJECTIONS = 20  # rejection messages repeated in the warnings; the rest are in the file


def import_files(ws: Workspace, paths: Sequence[str | Path], *, table: str | None = None,
                 mapping: str | Path | None = None, preset: str | None = None,
                 strict: bool = False, sheet: str | None = None,
                 progress: bool = True, dry_run: bool = False, scope: Scope = None,
                 actor: str | None = None) -> ImportResult:
    """Import export files into the workspace's canonical tables, atomically.

    Without a mapping, each file (or workbook sheet) must be named after a canonical table
    (``leads.csv``, ``leads-2024.csv``) or ``table`` must say which one, and its headers are the
    canonical column names. With ``mapping`` (a YAML file) or ``preset`` (a shipped one, e.g.
    ``hubspot-deals``) any export can feed one or several tables.

    Rejected rows go to the quarantine (table ``_quarantine`` and one CSV per import). With
    ``strict=True`` any rejection loads nothing and raises :class:`RejectedRowsError`.
    With ``dry_run=True`` the import runs and is rolled back: the result and the quarantine file
    show what it would load and reject (a preview).

    With ``scope`` (``{"team": ["North"]}``, as the engine reads it) only rows of that scope may
    be written: rows outside it, replacing a stored row outside it or referring to one are
    rejected with their reason, and reps, quotas and costs are refused (:class:`Forbidden`).
    ``actor`` is who imports, recorded in ``_imports`` with the keys each table added and replaced
    (the local user name when not given).

    >>> import_files(ws, ["deals.csv"], preset="hubspot-deals").to_dict()  # doctest: +SKIP
    """
    if mapping is not None and preset is not None:
        raise InputError(say("mapping_and_preset"))
    m = load_mapping(mapping) if mapping is not None else (
        load_preset(preset) if preset is not None else None)
    if table is not None:
        from salesscope.schema import table_spec

        table = table_spec(table).name.value
    if not paths:
        raise InputError(say("no_files"))
    ws.ensure_tables()
    con = ws.duckdb
    tz = ws.config.timezone
    import_id = uuid.uuid4().hex
    started = _now(tz)
    try:
        ws.quarantine_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(say("no_quarantine_folder", path=ws.quarantine_dir, detail=e.strerror)) from None
    qfile = ws.quarantine_dir / f"{started:%Y%m%d-%H%M%S}-{import_id[:8]}.csv"
    run = _Run(con, tz, import_id, [Path(p) for p in paths], table, m, sheet)
    run.scope, run.actor = scope, actor or _local_user()
    run.rep_role, run.dry_run = ws.config.rep_role, dry_run
    with make_tmpdir() as tmp, _progress(progress) as bar, _import_settings(con):
        con.execute("BEGIN TRANSACTION")
        try:
            result = run.execute(Path(tmp), bar, qfile, started)
            if strict and result.rejected:
                result.committed, result.rolled_back = False, True
                raise RejectedRowsError(result)
            if dry_run:
                result.committed = False
                con.execute("ROLLBACK")
                return result
            # the engine's per-day aggregates, same transaction
            rollup.refresh(con, rep_role=ws.config.rep_role, plan=run.rollups)
            con.execute("COMMIT")
        except BaseException as e:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a COMMIT that failed (e.g. disk full) has already rolled back
            if not (strict and qfile.exists() and run.rejected_written):
                qfile.unlink(missing_ok=True)
            if _is_storage_error(e, run.paths):
                raise WorkspaceError(say("not_written", path=ws.path, detail=e)) from None
            raise
    return result


def _is_storage_error(e: BaseException, inputs: list[Path]) -> bool:
    """A failure of the disk under the workspace (full, read-only, gone), not of the input."""
    if isinstance(e, OSError):
        return e.filename is None or Path(e.filename) not in inputs
    text = str(e).lower()
    return isinstance(e, duckdb.Error) and any(s in text for s in (
        "no space left", "read-only file system", "permission denied", "could not write",
        "failed to commit", "disk quota"))


# DuckDB's own bar would print over ours (or into a script's output); rows need no order
# (every check orders by source and row), which lets large inserts run in parallel and in
# bounded memory.
IMPORT_SETTINGS = {"enable_progress_bar": "false", "preserve_insertion_order": "false"}
# An import stages its rows in temporary tables until its one transaction writes them; beyond this
# much memory (at most half the machine's) DuckDB moves them to its temporary folder beside the
# store, so a large import's memory stays bounded whatever its size.
IMPORT_MEMORY_BYTES = 4 * 1024**3


def _memory_limit() -> str:
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"'{min(IMPORT_MEMORY_BYTES, machine // 2) // 2**20}MiB'"


@contextmanager
def _import_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB settings for the import, restored afterwards."""
    was = {k: scalar(con.execute(f"SELECT current_setting('{k}')"))
           for k in IMPORT_SETTINGS}
    for k, v in {**IMPORT_SETTINGS, "memory_limit": _memory_limit()}.items():
        con.execute(f"SET {k} = {v}")
    try:
        yield
    finally:
        try:
            for k, v in was.items():
                con.execute(f"SET {k} = {lit(str(v))}")
            con.execute("RESET memory_limit")  # its text ("18.7 GiB") is rounded: back to the exact default
        except duckdb.Error:
            # A write that failed fatally (a full disk at the commit's checkpoint) leaves the
            # connection unusable; the import's own error says why and nothing is left to restore.
            pass


def _local_user() -> str:
    try:
        return f"local:{getpass.getuser()}"
    except (OSError, KeyError):
        return "local"


def _now(tz: str) -> dt.datetime:
    """Now as local wall-clock time in the workspace's zone, like every stored time."""
    return dt.datetime.now(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


@contextmanager
def _progress(enabled: bool) -> Iterator[_Bar]:
    """A rich progress bar on stderr when it is a terminal; a silent stand-in otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not enabled:
        yield _Bar(None)
        return
    if not console.is_terminal:  # a pipe or a log: one line per step, so a long import never looks stuck
        yield _Lines(console)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeElapsedColumn(), console=console, transient=True) as p:
        yield _Bar(p)


class _Bar:
    """Steps of an import on a progress bar (each step is one vectorised DuckDB pass)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task("importing", total=total)

    def step(self, description: str, total: int | None = None) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, description=description, total=total)


class _Lines(_Bar):
    """The same steps as lines of text, for stderr that is not a terminal."""

    def __init__(self, console: Console) -> None:
        super().__init__(None)
        self.console = console

    def step(self, description: str, total: int | None = None) -> None:
        self.console.print(f"import: {description}", highlight=False, markup=False, soft_wrap=True)


class _Run:
    """The state of one import between BEGIN and COMMIT."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tz: str, import_id: str,
                 paths: list[Path], table: str | None, mapping: Mapping | None,
                 sheet: str | None) -> None:
        self.con, self.tz, self.import_id = con, tz, import_id
        self.paths, self.table, self.mapping, self.sheet = paths, table, mapping, sheet
        self.maps = mapping.table_maps(table) if mapping is not None else []
        self.sources: list[Source] = []
        self.counts: dict[Table, TableCounts] = {}
        self.stages: dict[tuple[Table, bool], validate.Stage] = {}
        self.warnings: list[Localized] = []
        self.rejected_written = False
        self.cleanup: list[str] = []  # SQL run after loading: typed relations and their sources
        self.typed: list[tuple[int, Typed]] = []
        self.scope: Scope = None
        self.actor = ""
        self.rep_role: str | None = None
        self.dry_run = False
        self.rollups: rollup.Plan | None = None  # what the rollups keep, decided before loading

    def targets(self, src: Source) -> list[tuple[Table, TableMap]]:
        """Which tables a source feeds, and how."""
        if self.mapping is not None:
            maps = [(t, tm) for t, tm in self.maps if tm.reads(src.path.name, src.sheet)]
            if not maps:
                patterns = sorted({str(tm.files or tm.sheet) for _, tm in self.maps})
                raise InputError(say("no_table_for_file", file=src.label, patterns="; ".join(patterns)),
                                 file=src.label)
            tables = [t for t, _ in maps]
            twice = next((t for t in tables if tables.count(t) > 1), None)
            if twice is not None:
                raise InputError(say("read_twice", file=src.label, table=twice.value), file=src.label)
            return maps
        target = (Table(self.table) if self.table else table_for_name(src.name_for_table())
                  or table_for_name(src.path.name))
        if target is None:
            raise InputError(say("which_table", file=src.label), file=src.label)
        tm, ignored = canonical_mapping(target, src.headers)
        if ignored:
            self.warnings.append(say("columns_ignored", file=src.label, table=target.value,
                                     columns=", ".join(ignored)))
        return [(target, tm)]

    def resolve(self, pattern: str, target: str) -> Source:
        """The one source of this import a lookup reads (by file name or sheet)."""
        found = [s for s in self.sources
                 if matches(pattern, s.path.name) or (s.sheet and matches(pattern, s.sheet))]
        if len(found) == 1:
            return found[0]
        key = "lookup_without_file" if not found else "lookup_ambiguous"
        raise InputError(say(key, target=target, pattern=pattern, files=", ".join(s.label for s in found)))

    def _prepare_stages(self, plan: list[tuple[int, Table, TableMap]]) -> None:
        """One stage per table and mode, with every attribute and rep role declared for the
        table; the store gains the columns it lacks."""
        extras: dict[Table, tuple[list[str], list[str]]] = {}
        for _, t, tm in plan:
            attrs, roles = extras.setdefault(t, ([], []))
            attrs += [a for a in map(attribute_name, tm.attributes) if a not in attrs]
            roles += [r for r in map(attribute_name, tm.rep_roles) if r not in roles]
        for _, t, tm in plan:
            if (t, tm.enrich) not in self.stages:
                stage = validate.Stage(t, extended(TABLES[t], *extras[t]), tm.enrich)
                self.stages[(t, tm.enrich)] = stage
                self.con.execute(stage.ddl())
            self.counts.setdefault(t, TableCounts())
        for t, (attrs, roles) in extras.items():
            add_columns(self.con, t, [attribute_column(a) for a in attrs]
                        + [rep_role_column(r) for r in roles])

    def checked_targets(self, src: Source) -> list[tuple[Table, TableMap]]:
        """:meth:`targets`, refusing the tables this import's scope may not write."""
        out = self.targets(src)
        for target, tm in out:
            check_table(target, self.scope, src.label)
            if tm.enrich and self.scope is not None:
                raise Forbidden(say("enrich_admin_only", file=src.label, table=target.value))
        return out

    def execute(self, tmp: Path, bar: _Bar, qfile: Path, started: dt.datetime) -> ImportResult:
        con = self.con
        for ddl in (validate.rej_ddl(), validate.LOADS_DDL, validate.COLS_DDL, validate.GONE_DDL,
                    validate.UNLINKED_DDL):
            con.execute(ddl)
        con.execute("CREATE TEMP TABLE _sources (src INTEGER, label VARCHAR)")
        opts = self.mapping.source if self.mapping else None
        bar.start(len(self.paths) * 3 + len(LOAD_ORDER) + 2)
        for i, path in enumerate(self.paths):
            bar.step(f"reading {path.name}")
            for src in read_file(con, path, f"{i}", tmp, sheet=self.sheet or (opts.sheet if opts else None),
                                 delimiter=opts.delimiter if opts else None,
                                 encoding=opts.encoding if opts else None):
                self.sources.append(src)
        plan = [(k, t, tm) for k, src in enumerate(self.sources)
                for t, tm in self.checked_targets(src)]
        self._prepare_stages(plan)
        for k, src in enumerate(self.sources):
            con.execute("INSERT INTO _sources VALUES (?, ?)", [k, src.label])
        looked_up = any(c.lookup is not None for _, _, tm in plan
                        for c in tm.stored_columns().values())
        for k, src in enumerate(self.sources):
            views = False
            for _, target, tm in [p for p in plan if p[0] == k]:
                bar.step(f"checking {src.label} -> {target.value}")
                views = self._stage_source(k, src, target, tm) or views
            # Views over the source (or over a source a lookup reads) are read again when
            # loading: they go after; a source only tables read is dropped now.
            for sql in src.cleanup:
                if views or looked_up:
                    self.cleanup.append(sql)
                else:
                    con.execute(sql)
        bar.step("checking keys and references")
        stages = list(self.stages.values())
        for stage in stages:
            validate.duplicates(con, stage)
        reject_outside(con, [s.table for s in stages if not s.enrich], self.scope)
        self.warnings.extend(validate.references(con, stages))
        for stage in stages:
            if stage.enrich:
                validate.not_found(con, stage)
        self.warnings.extend(self._unlinked_warnings())
        self.warnings.extend(self._flagged())
        rejected = dict(con.execute("SELECT tbl, count(*) FROM (SELECT DISTINCT tbl, src, row "
                                    "FROM _rej) GROUP BY tbl").fetchall())
        for target, c in self.counts.items():
            c.rejected = rejected.get(target.value, 0)
            c.loaded = c.read - c.rejected
        self._write_quarantine(qfile, started)
        result = ImportResult(self.import_id, {t.value: c for t, c in self.counts.items()},
                              str(qfile), self.warnings + self._samples(qfile),
                              [str(p) for p in self.paths])
        if result.rejected:
            # Written before the commit: in strict mode it explains why nothing was loaded.
            self.rejected_written = True
        changes = {t.value: changed_keys(con, t) for t in LOAD_ORDER
                   if (t, False) in self.stages}
        if not self.dry_run:  # a preview writes no rollups
            self.rollups = rollup.prepare(con, rep_role=self.rep_role, written=self._written())
        # Whole rows first, so that enriching rows find the rows loaded in this import.
        for enrich in (False, True):
            for target in LOAD_ORDER:
                if (target, enrich) in self.stages:
                    bar.step(f"loading {target.value}")
                    load_table(con, target, self.stages[(target, enrich)])
        result.notes.extend(validate.won_before_contact(con, stages))
        con.execute(f"INSERT INTO {IMPORTS_TABLE} (import_id, started_at, finished_at, files, "
                    "summary, imported_by, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [self.import_id, started, _now(self.tz), json.dumps(result.files),
                     result.to_json(), self.actor, json.dumps(changes, ensure_ascii=False)])
        for stage in stages:
            con.execute(f"DROP TABLE {stage.name}")
        for sql in self.cleanup:
            con.execute(sql)
        for name in ("_loads", "_rej", "_sources", "_cols", "_gone", "_unlinked"):
            con.execute(f"DROP TABLE {name}")
        return result

    def _written(self) -> dict[str, list[str] | None]:
        """The tables this import writes, each with queries giving the keys of the rows it writes
        (None for rows without a key of their own)."""
        out: dict[str, list[str] | None] = {}
        for (table, _), stage in self.stages.items():
            queries = out.setdefault(table.value, [])
            if not stage.spec.has_id or queries is None:
                out[table.value] = None
            else:
                queries.append(f"SELECT {q(stage.spec.key[0])} FROM {stage.name}")
        return out

    def _stage_source(self, k: int, src: Source, target: Table, tm: TableMap) -> bool:
        """Check and stage one source for one table; return whether it stays a view."""
        con = self.con
        stage = self.stages[(target, tm.enrich)]
        tag = f"{k}_{target.value}"
        typed = build_typed(con, src, target, tm, self.mapping, self.tz, tag, self.resolve)
        validate.check_and_stage(con, typed, k, stage, tm.deduplicate)
        self.counts[target].read += typed.read
        stage.mapped.update(typed.columns)
        if tm.deduplicate:
            # Collapsed repeats are one record, read once: read = loaded + rejected holds.
            self.counts[target].read -= validate.collapse(con, stage)
        self.typed.append((k, typed))
        self.warnings.extend(typed.notes)
        # Typed relations (views read their lookups) go before the sources they read.
        drops = [f"DROP {'VIEW' if typed.view else 'TABLE'} {typed.relation}"]
        for name in [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
                f"(table_name LIKE '\\_jal\\_{tag}\\_%' ESCAPE '\\' "
                f"OR table_name LIKE '\\_ch\\_{tag}\\_%' ESCAPE '\\')").fetchall()]:
            drops.append(f"DROP TABLE {q(name)}")
        self.cleanup[:0] = drops
        return typed.view

    def _flagged(self) -> list[Text]:
        """Open deals loaded without a creation date, per source."""
        out = []
        for k, typed in self.typed:
            rows = validate.open_without_start(self.con, typed, k)
            if rows:
                shown = ", ".join(map(str, rows[:SAMPLE_REJECTIONS]))
                more = f", ... ({len(rows)})" if len(rows) > SAMPLE_REJECTIONS else ""
                out.append(say("open_without_start", file=typed.source.label, n=len(rows),
                               column=typed.columns["created_at"].source, rows=shown + more))
        return out

    def _unlinked_warnings(self) -> list[Text]:
        rows = self.con.execute(
            "SELECT s.label, u.row, u.tbl, u.col, c.scol, u.target, u.value FROM _unlinked u "
            "JOIN _sources s ON s.src = u.src LEFT JOIN _cols c ON c.src = u.src AND "
            "c.tbl = u.tbl AND c.col = u.col ORDER BY u.src, u.row, u.col "
            f"LIMIT {SAMPLE_REJECTIONS}").fetchall()
        return [say("unlinked", file=f, row=r, column=column_text(t, c, sc), table=tt, value=v)
                for f, r, t, c, sc, tt, v in rows]

    def _messages_sql(self, lang: str = locale.DEFAULT) -> str:
        """Each rejection as a row of the quarantine, with its message in a language:
        ``file:row column 'Source column' (table.column) has value '...': reason``."""
        column = ("CASE WHEN c.scol IS NULL OR c.scol = r.col THEN '''' || r.col || '''' "
                  "ELSE '''' || c.scol || ''' (' || r.tbl || '.' || r.col || ')' END")
        message = sql_format(locale.template("importing.row_problem", lang), lang, file="s.label", row="r.row",
                             column=column, value="r.value", reason=f"r.{reason_column(lang)}")
        texts = ", ".join(f"r.{c}" for c in reason_columns())
        return (f"SELECT {lit(self.import_id)} AS import_id, r.tbl AS target_table, "
                "s.label AS source_file, r.row AS source_row, r.col AS column_name, "
                f"r.value, r.code AS reason_code, {texts}, {message} AS message "
                "FROM _rej r JOIN _sources s ON s.src = r.src LEFT JOIN _cols c ON "
                "c.src = r.src AND c.tbl = r.tbl AND c.col = r.col ORDER BY r.src, r.row, r.col")

    def _write_quarantine(self, qfile: Path, started: dt.datetime) -> None:
        con = self.con
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [QUARANTINE_TABLE]).fetchall()}
        if "reason_code" not in cols:
            con.execute(f"ALTER TABLE {QUARANTINE_TABLE} ADD COLUMN reason_code VARCHAR")
        con.execute(
            f"INSERT INTO {QUARANTINE_TABLE} (import_id, imported_at, target_table, source_file, "
            "source_row, column_name, value, reason, reason_code) SELECT import_id, ?, "
            "target_table, source_file, source_row, column_name, value, reason, reason_code "
            f"FROM ({self._messages_sql()})", [started])
        con.execute(f"COPY ({self._messages_sql()}) TO {lit(str(qfile))} (HEADER, DELIMITER ',')")
        qfile.chmod(0o600)  # rejected rows are customer data too

    def _samples(self, qfile: Path) -> list[Localized]:
        """The first rejections, in every language, and how many more the file holds."""
        by_lang = {lang: [r[0] for r in self.con.execute(
            f"SELECT message FROM ({self._messages_sql(lang)}) LIMIT {SAMPLE_REJECTIONS + 1}").fetchall()]
            for lang in locale.languages()}
        shown = len(by_lang[locale.DEFAULT])
        out: list[Localized] = [Given({lang: rows[i] for lang, rows in by_lang.items()})
                                for i in range(min(shown, SAMPLE_REJECTIONS))]
        if shown > SAMPLE_REJECTIONS:
            total = scalar(self.con.execute("SELECT count(*) FROM _rej"))
            out.append(say("more_problems", n=total - SAMPLE_REJECTIONS, file=str(qfile)))
        return out


def column_text(table: str, column: str, source: str | None) -> str:
    """How messages name a column: the source column, and the stored one when they differ."""
    if source is None or source == column:
        return f"'{column}'"
    return f"'{source}' ({table}.{column})"


def add_columns(con: duckdb.DuckDBPyConnection, table: Table, names: list[str]) -> None:
    """Add the declared attribute and rep role columns (VARCHAR) the stored table lacks."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND "
        "table_name = ?", [table.value]).fetchall()}
    for name in names:
        if name not in have:
            con.execute(f"ALTER TABLE main.{q(table.value)} ADD COLUMN {q(name)} VARCHAR")


def load_table(con: duckdb.DuckDBPyConnection, table: Table,
               stage: validate.Stage | None = None) -> None:
    """Load a table's staged rows: whole rows replace the stored rows that share a key, then
    are inserted; enriching rows update the columns they map."""
    stage = stage or validate.Stage(table, TABLES[table])
    spec = stage.spec
    stg, target = stage.name, f"main.{q(table.value)}"
    loads = con.execute("SELECT query, enrich_cols FROM _loads WHERE tbl = ? AND "
                        "(enrich_cols IS NOT NULL) = ? ORDER BY src",
                        [table.value, stage.enrich]).fetchall()
    if stage.enrich:
        key = q(spec.key[0])
        for query, cols in loads:
            # An empty cell of an enriching file leaves the stored value as it is.
            sets = ", ".join(f"{q(c)} = coalesce(e.{q(c)}, t.{q(c)})" for c in json.loads(cols))
            if sets:
                con.execute(f"UPDATE {target} AS t SET {sets} FROM ({query}) AS e "
                            f"WHERE t.{key} = e.{key}")
        return
    cols = ", ".join(q(c) for c in spec.column_names)
    stored = scalar(con.execute(f"SELECT count(*) FROM {target}"))
    if stored:
        if spec.has_id:
            key = q(spec.key[0])
            con.execute(f"DELETE FROM {target} WHERE {key} IN (SELECT {key} FROM {stg})")
        else:
            same = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in spec.key)
            con.execute(f"DELETE FROM {target} AS t WHERE EXISTS (SELECT 1 FROM {stg} s "
                        f"WHERE {same})")
    # Each source's accepted rows, read from its typed relation (see validate.check_and_stage).
    for (query, _) in loads:
        con.execute(f"INSERT INTO {target} ({cols}) {query}")
    _clear_unlinked(con, stage)


def _clear_unlinked(con: duckdb.DuckDBPyConnection, stage: validate.Stage) -> None:
    """Clear the links to rows rejected in this import (reported as warnings)."""
    links = [r[0] for r in con.execute("SELECT DISTINCT col FROM _unlinked WHERE tbl = ?",
                                       [stage.table.value]).fetchall()]
    key = q(stage.spec.key[0])
    for col in links:
        con.execute(
            f"UPDATE main.{q(stage.table.value)} SET {q(col)} = NULL WHERE {key} IN (SELECT "
            f"s.{key} FROM {stage.name} s JOIN _unlinked u ON u.src = s.__src AND u.row = s.__row "
            f"WHERE u.tbl = {lit(stage.table.value)} AND u.col = {lit(col)})")
