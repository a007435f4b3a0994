"""Per-day rollups of the facts, kept in the store beside the canonical tables.

For every built-in fact that is placed in time by a day, the import writes (in its own
transaction, :func:`refresh`) one table ``_rollup_<fact>``: the fact's rows grouped by day and by
every dimension the fact carries (the built-in ones and the extra ones the store declares:
channel label, attributes, rep roles), holding per group the partial aggregates of each
decomposable measure under the measure's own condition:

- ``COUNT``: the count of rows that meet the condition;
- ``SUM``: the sum of the values;
- ``MEAN``: the sum and the count of the non-empty values;
- ``STD``: the sum, the count and the sum of squared deviations from the group's own mean, which
  combine exactly (Chan et al.'s pairwise update) into the standard deviation of any coarser group.

Medians cannot be combined from partials, so a fact with medians also gets
``_rollup_<fact>__values``: its rows reduced to the day, the dimensions and each median's measured
value (empty where the condition fails). Medians and their order-statistic intervals are computed
from it exactly as from the raw rows, without the joins that built the fact.

Snapshot facts (open deals and active customers at each period's start or end) are joined to the
periods themselves and have no rollup. A rollup is read only while it matches the store: the rows
of every canonical table, their columns and the workspace's rep role must be those it was built
from (``_rollup_meta``), otherwise the engine reads the raw rows, as it does on PostgreSQL, Spark or
a store no import wrote since rollups existed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from salesscope.engine.facts import DIM_COLUMN, FACTS, Ctx, Fact
from salesscope.engine.measures import MEASURES, Agg, Measure
from salesscope.schema import TABLES, Table

if TYPE_CHECKING:
    import duckdb
    import ibis
    import ibis.expr.types as ir

    from salesscope.engine.catalog import Catalog

PREFIX = "_rollup_"
META = "_rollup_meta"
VALUES = "__values"
DAYS = "_rollup_days"
ROWS = "_rollup_rows"  # a fact's rows, while its rollup and values are written
# Bump when a fact's rows or a measure's meaning change, so that rollups built before are not read.
VERSION = 1
DECOMPOSABLE = (Agg.COUNT, Agg.SUM, Agg.MEAN, Agg.STD)
MEDIANS = (Agg.MEDIAN, Agg.MEDIAN_CI)
# Besides its dimensions, what a fact's rows are grouped by because the engine filters on it.
GROUPED = {"quotas": ("level",)}
# How many fact queries each path answered in this process (what the tests check).
reads: Counter[str] = Counter()


def key(m: Measure) -> str:
    """A measure's name in a rollup's columns, tied to its definition (a changed measure is not read)."""
    digest = hashlib.sha1(repr((m.fact, m.agg.value, m.column, m.where)).encode()).hexdigest()[:8]
    return f"{m.name}_{digest}"


def rolled_facts() -> list[Fact]:
    return [f for f in FACTS.values() if not f.snapshot]


def grouping(fact: Fact, columns: dict[str, tuple[str, ...]]) -> list[str]:
    """The columns a fact's rollup is grouped by besides the day."""
    dims = sorted(DIM_COLUMN[d] for d in fact.dims) + sorted(fact.extra_dims(columns))
    return dims + list(GROUPED.get(fact.name, ()))


def partials(m: Measure, t: ir.Table) -> dict[str, ir.Value]:
    """The partial aggregates of a decomposable measure over one group of the fact's rows."""
    k, where = key(m), m.condition(t)
    if m.agg is Agg.COUNT:
        return {f"c__{k}": t.count(where=where) if where is not None else t.count()}
    v = m.value(t)
    out = {f"s__{k}": v.sum(where=where)}
    if m.agg in (Agg.MEAN, Agg.STD):
        out[f"n__{k}"] = v.count(where=where)
    if m.agg is Agg.STD:
        out[f"q__{k}"] = (v.var(how="pop", where=where) * v.count(where=where)).cast("float64")
    return out


def masked(m: Measure, t: ir.Table) -> ir.Value:
    """A median's measured value, empty where its condition fails."""
    import ibis

    cond = m.condition(t)
    return m.value(t) if cond is None else ibis.ifelse(cond, m.value(t), ibis.null("float64"))


def measures_of(fact: Fact) -> list[Measure]:
    return [m for m in MEASURES.values() if m.fact == fact.name]


# -- building (inside an import's transaction) -------------------------------------------------

# The table each fact's rows come from, one fact row per row of it (responses: per response, or
# per answered action when the store has no responses): an import that changes only that input
# changes the fact's rows of the changed rows alone.
DRIVERS = {"activities": Table.ACTIVITIES, "responses": Table.RESPONSES, "time_log": Table.TIME_LOG,
           "leads": Table.LEADS, "closed_deals": Table.OPPORTUNITIES, "customers_new": Table.CUSTOMERS}
OLD_DAYS = "_rollup_old_days_"  # + fact: the days a fact's changed rows had before loading
KEYS = "_rollup_keys_"  # + table: the keys of the rows an import writes to it
REACHED = "_rollup_reached_"  # + fact: the keys of the fact's rows an import changes
# How written rows of another input change a fact's rows: the keys of those rows, from the keys
# of the written rows ({keys}). A response is placed by the action it answers; a lead's first
# touch is an action logged on it or on a deal linked to it, and its conversion a linked deal.
_TOUCHED = "SELECT * FROM main.activities WHERE activity_id IN (SELECT * FROM {keys})"
REACH: dict[str, dict[str, str]] = {
    "responses": {
        "activities": "SELECT response_id FROM main.responses WHERE activity_id IN (SELECT * FROM {keys})",
    },
    "leads": {
        "activities": (f"SELECT lead_id FROM ({_TOUCHED}) WHERE lead_id IS NOT NULL "
                       f"UNION SELECT l.lead_id FROM ({_TOUCHED}) a JOIN main.leads l ON l.opportunity_id = a.opportunity_id "
                       f"UNION SELECT o.lead_id FROM ({_TOUCHED}) a JOIN main.opportunities o "
                       "ON o.opportunity_id = a.opportunity_id WHERE o.lead_id IS NOT NULL"),
        "opportunities": ("SELECT lead_id FROM main.opportunities WHERE opportunity_id IN (SELECT * FROM {keys}) "
                          "AND lead_id IS NOT NULL "
                          "UNION SELECT lead_id FROM main.leads WHERE opportunity_id IN (SELECT * FROM {keys})"),
    },
}


@dataclass
class Plan:
    """How an import brings the rollups up to date (:func:`prepare`, before loading).

    Rollups that matched the store before the import are kept for the facts none of whose inputs
    the import writes, and recomputed only for the days the changed rows had before or have after
    for the facts whose one written input is the table their rows come from; every other fact's
    rollup (and every rollup of a store whose rollups did not match it) is rebuilt whole.
    """

    meta: dict[str, Any] | None = None  # what the rollups were built from (None: rebuild all)
    written: frozenset[str] = frozenset()  # the tables the import writes
    reach: dict[str, str] = field(default_factory=dict)  # facts recomputed by day: see _reach

    @property
    def by_day(self) -> frozenset[str]:
        """The facts recomputed for the days of their changed rows."""
        return frozenset(self.reach)

    def mode(self, fact: str, inputs: set[str], by: list[str], columns: dict[str, tuple[str, ...]]) -> str:
        """``keep``, ``days`` or ``whole`` for one fact, with its inputs and grouping as built now."""
        if self.meta is None or fact not in self.meta["facts"] or self.meta["facts"][fact]["dims"] != by:
            return "whole"
        if any(list(columns.get(t, ())) != self.meta["columns"].get(t, []) for t in inputs):
            return "whole"  # a new attribute or rep role column: other groups
        if not inputs & self.written:
            return "keep"
        return "days" if fact in self.by_day else "whole"


def prepare(con: duckdb.DuckDBPyConnection, *, rep_role: str | None,
            written: dict[str, list[str] | None]) -> Plan:
    """Before an import loads its rows: what :func:`refresh` may keep, given the tables it writes
    (``written``: per table, queries giving the keys of the rows written, or None when its rows
    have no key of their own). Records the days the changed rows have in the store as it is."""
    import ibis

    from salesscope.engine.catalog import table_stats
    from salesscope.engine.dimensions import store_columns

    backend = ibis.duckdb.from_connection(con)
    if META not in backend.list_tables():
        return Plan()
    rows = con.execute(f'SELECT meta FROM "{META}"').fetchall()
    meta = json.loads(rows[0][0]) if len(rows) == 1 else {}
    counts, _ = table_stats(backend)
    columns = store_columns(backend)
    # New columns are added to the written tables before loading; the others must be as built.
    same_columns = all(list(v) == meta.get("columns", {}).get(k) for k, v in columns.items() if k not in written)
    if (meta.get("version") != VERSION or meta.get("rep_role") != rep_role or meta.get("counts") != counts
            or not same_columns):
        return Plan()
    plan = Plan(meta, frozenset(written))
    ctx = _ctx(con, backend, counts, columns, rep_role)
    for fact in rolled_facts():
        driver = _driver(fact, counts)
        inputs = _inputs(fact, ctx) & plan.written
        if driver is None or not inputs or fact.name not in meta["facts"]:
            continue
        reach = _reach(fact, driver, inputs, written)
        if reach is None:
            continue
        for table in inputs - {t[len(KEYS):] for t in backend.list_tables() if t.startswith(KEYS)}:
            con.execute(f'CREATE TEMP TABLE "{KEYS + table}" AS {" UNION ".join(written[table] or [])}')
        con.execute(f'CREATE TEMP TABLE "{REACHED + fact.name}" AS {reach}')
        _changed_days(con, backend, fact, ctx, driver, OLD_DAYS + fact.name, REACHED + fact.name)
        plan.reach[fact.name] = reach
    return plan


def _reach(fact: Fact, driver: Table, inputs: set[str], written: dict[str, list[str] | None]) -> str | None:
    """A query of the keys of the fact's rows that the written rows of ``inputs`` change (through
    the written rows' own links, as stored when it runs), or None when that is not known."""
    parts = []
    for table in sorted(inputs):
        if written.get(table) is None:
            return None
        keys = f'"{KEYS + table}"'
        if table == driver.value:
            parts.append(f"SELECT * FROM {keys}")
        elif table in REACH.get(fact.name, {}):
            parts.append(REACH[fact.name][table].format(keys=keys))
        else:
            return None
    return " UNION ".join(parts)


def refresh(con: duckdb.DuckDBPyConnection, *, rep_role: str | None, plan: Plan | None = None) -> None:
    """Bring every rollup up to date with the store's rows, on ``con`` (inside its open
    transaction): rebuilt whole, or as ``plan`` (made before the import loaded its rows) allows."""
    import ibis

    from salesscope.engine.catalog import table_stats
    from salesscope.engine.dimensions import store_columns

    plan = plan or Plan()
    backend = ibis.duckdb.from_connection(con)
    if plan.meta is None:  # rebuilt whole: nothing of the rollups before is kept
        for name in backend.list_tables():
            if name.startswith(PREFIX) and not name.startswith((OLD_DAYS, KEYS, REACHED)):
                con.execute(f'DROP TABLE "{name}"')
    counts, _ = table_stats(backend)
    columns = store_columns(backend)
    _days_table(con, backend)
    ctx = _ctx(con, backend, counts, columns, rep_role)
    present = set(backend.list_tables())
    built: dict[str, Any] = {}
    for fact in rolled_facts():
        name = PREFIX + fact.name
        if not all(counts.get(t.value) for t in fact.tables[:1]) or fact.tables[0].value not in columns:
            for old in (name, name + VALUES):
                if old in present:
                    con.execute(f'DROP TABLE "{old}"')
            continue
        by = grouping(fact, columns)
        mode = plan.mode(fact.name, _inputs(fact, ctx), by, columns) if plan.meta else "whole"
        if mode == "keep":
            built[fact.name] = plan.meta["facts"][fact.name] if plan.meta else {}
            continue
        t = fact.build(ctx)
        days = None
        if mode == "days":
            driver = _driver(fact, counts)
            assert driver is not None
            days, reached = OLD_DAYS + fact.name, REACHED + fact.name
            # The days of the changed rows as loaded (with the rows the loaded links reach),
            # beside those they had before.
            con.execute(f'INSERT INTO "{reached}" SELECT * FROM ({plan.reach[fact.name]})')
            _changed_days(con, backend, fact, ctx, driver, days, reached, append=True)
            t = t.filter(t.day.isin(backend.table(days).day))
        else:
            for old in (name, name + VALUES):
                if old in present:
                    con.execute(f'DROP TABLE "{old}"')
        built[fact.name] = _write(con, backend, fact, t, by, days)
    for temp in present | set(backend.list_tables()):
        if temp.startswith((OLD_DAYS, KEYS, REACHED)):
            con.execute(f'DROP TABLE IF EXISTS "{temp}"')
    con.execute(f'DROP TABLE "{DAYS}"')
    meta = {"version": VERSION, "counts": counts, "columns": {k: list(v) for k, v in columns.items()},
            "rep_role": rep_role, "facts": built}
    con.execute(f'DROP TABLE IF EXISTS "{META}"')
    con.execute(f'CREATE TABLE "{META}" (meta VARCHAR)')
    con.execute(f'INSERT INTO "{META}" VALUES (?)', [json.dumps(meta, sort_keys=True)])


def _write(con: duckdb.DuckDBPyConnection, backend: ibis.BaseBackend, fact: Fact, t: ir.Table, by: list[str],
           days: str | None) -> dict[str, Any]:
    """Write a fact's rollup (and the medians' values) from its rows ``t``: a new table, or, with
    ``days`` (a table of days), in place of the stored rows of those days."""
    ms = measures_of(fact)
    values = [m for m in ms if m.agg in MEDIANS]
    if values:  # read twice below: built once
        con.execute(f'CREATE TEMP TABLE "{ROWS}" AS {backend.compile(t)}')
        t = backend.table(ROWS)
    aggs: dict[str, ir.Value] = {"_rows": t.count()}
    for m in ms:
        if m.agg in DECOMPOSABLE:
            aggs |= partials(m, t)
    name = PREFIX + fact.name
    rollup = backend.compile(t.group_by(["day", *by]).aggregate(**aggs))
    rows = t.select("day", *by, **{f"v__{key(m)}": masked(m, t) for m in values})
    tables = [(name, rollup)] + ([(name + VALUES, backend.compile(rows))] if values else [])
    for table, sql in tables:
        if days is None:
            con.execute(f'CREATE TABLE "{table}" AS {sql}')
        else:
            con.execute(f'DELETE FROM "{table}" WHERE day IN (SELECT day FROM "{days}")')
            con.execute(f'INSERT INTO "{table}" BY NAME {sql}')
    if values:
        con.execute(f'DROP TABLE "{ROWS}"')
    return {"dims": by, "columns": sorted(aggs), "values": sorted(f"v__{key(m)}" for m in values)}


def _ctx(con: duckdb.DuckDBPyConnection, backend: ibis.BaseBackend, counts: dict[str, int],
         columns: dict[str, tuple[str, ...]], rep_role: str | None) -> Ctx:
    if DAYS not in backend.list_tables():
        _days_table(con, backend)
    return Ctx(backend, backend.table(DAYS), backend.table(DAYS), row_counts=counts, columns=columns,
               rep_role=rep_role)


def _driver(fact: Fact, counts: dict[str, int]) -> Table | None:
    """The table a fact's rows come from, one row each (None: a quota's or cost's rows are
    spread over the days of a span that every row of both tables sets)."""
    driver = DRIVERS.get(fact.name)
    if driver is Table.RESPONSES and not counts.get(Table.RESPONSES.value):
        return Table.ACTIVITIES  # read from the answered actions
    return driver


def _inputs(fact: Fact, ctx: Ctx) -> set[str]:
    """The canonical tables a fact's rows are built from (the days quotas and costs are spread
    over depend on both)."""
    import ibis.expr.operations as ops

    names = {n.name for n in fact.build(ctx).op().find(ops.DatabaseTable)}
    if DAYS in names:
        names |= {Table.QUOTAS.value, Table.COSTS.value}
    return names - {DAYS}


def _changed_days(con: duckdb.DuckDBPyConnection, backend: ibis.BaseBackend, fact: Fact, ctx: Ctx,
                  driver: Table, into: str, keys: str, append: bool = False) -> None:
    """The days of the fact's rows that come from the rows whose keys are in ``keys``."""
    key = TABLES[driver].key[0]
    changed = backend.table(keys)

    def tables(name: str) -> ir.Table:
        t = backend.table(name)
        return t.filter(t[key].isin(changed[changed.columns[0]])) if name == driver.value else t

    rows = fact.build(replace(ctx, tables=tables))
    sql = backend.compile(rows.select("day").distinct())
    if append:
        con.execute(f'INSERT INTO "{into}" SELECT day FROM ({sql}) EXCEPT SELECT day FROM "{into}"')
    else:
        con.execute(f'CREATE TEMP TABLE "{into}" AS {sql}')


def _days_table(con: duckdb.DuckDBPyConnection, backend: ibis.BaseBackend) -> None:
    """Every day a quota or a cost may be spread over (they are spread evenly over their days)."""
    present = set(backend.list_tables())
    spans = []
    if Table.QUOTAS.value in present:
        spans.append("SELECT min(period_start) AS lo, max(period_end) AS hi FROM quotas")
    if Table.COSTS.value in present:
        spans.append("SELECT min(coalesce(day, period_start)), max(coalesce(day, period_end)) FROM costs")
    span = " UNION ALL ".join(spans) or "SELECT NULL::DATE, NULL::DATE"
    con.execute(f'CREATE OR REPLACE TABLE "{DAYS}" AS SELECT CAST(d AS DATE) AS day, CAST(d AS DATE) AS period_start '
                f"FROM (SELECT min(lo) AS lo, max(hi) AS hi FROM ({span})) s, "
                "range(s.lo, s.hi + INTERVAL 1 DAY, INTERVAL 1 DAY) r(d) WHERE s.lo IS NOT NULL")


# -- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rollup:
    """One fact's rollup as stored: its tables, what it is grouped by, which measures it holds."""

    fact: str
    dims: frozenset[str]
    columns: frozenset[str]
    values: frozenset[str]  # the medians' values (empty: no values table)

    @property
    def table(self) -> str:
        return PREFIX + self.fact

    @property
    def values_table(self) -> str:
        return PREFIX + self.fact + VALUES

    def serves(self, dims: list[str], measures: list[Measure]) -> bool:
        """Whether the rollup answers these measures by these dimensions."""
        if not set(dims) <= self.dims:
            return False
        for m in measures:
            k = key(m)
            if m.agg in MEDIANS and f"v__{k}" not in self.values:
                return False
            if m.agg in DECOMPOSABLE and not {f"c__{k}", f"s__{k}"} & self.columns:
                return False
        return True


def available(catalog: Catalog, counts: dict[str, int], columns: dict[str, tuple[str, ...]],
              rep_role: str | None) -> dict[str, Rollup]:
    """The rollups that match the store as it is now (none when the store has none or they are
    stale): what the meta table says was built from exactly these rows, columns and rep role."""
    tables = catalog.names
    if META not in tables:
        return {}
    raw = catalog.table(META).execute()
    if len(raw) != 1:
        return {}
    meta = json.loads(raw["meta"].iloc[0])
    if (meta.get("version") != VERSION or meta.get("rep_role") != rep_role or meta.get("counts") != counts
            or meta.get("columns") != {k: list(v) for k, v in columns.items()}):
        return {}
    return {fact: Rollup(fact, frozenset(info["dims"]), frozenset(info["columns"]), frozenset(info["values"]))
            for fact, info in meta["facts"].items()
            if PREFIX + fact in tables and (not info["values"] or PREFIX + fact + VALUES in tables)}


def combined(m: Measure, t: ir.Table) -> ir.Value:
    """A decomposable measure of a group, combined from its days' partials in ``t`` (a STD also
    reads its group's mean, ``_mean_<name>``, see :func:`group_means`)."""
    import ibis

    k = key(m)
    match m.agg:
        case Agg.COUNT:
            return t[f"c__{k}"].sum().cast("int64")
        case Agg.SUM:
            return t[f"s__{k}"].sum()
        case Agg.MEAN:
            n = t[f"n__{k}"].sum()
            return ibis.ifelse(n > 0, t[f"s__{k}"].sum() / n.cast("float64"), ibis.null("float64"))
        case Agg.STD:
            n, each = t[f"n__{k}"].sum(), t[f"n__{k}"].cast("float64")
            dev = t[f"s__{k}"] / each - t[f"_mean_{m.name}"]
            m2 = t[f"q__{k}"].sum().fill_null(0.0) + (each * dev * dev).sum().fill_null(0.0)
            var = ibis.greatest(m2, 0.0) / (n - 1).cast("float64")
            return ibis.ifelse(n > 1, var.sqrt(), ibis.null("float64"))
    raise ValueError(m.agg)


def group_means(measures: list[Measure], t: ir.Table, keys: list[str]) -> ir.Table:
    """``t`` with the mean of each STD's values over its group (the centre its deviations combine around)."""
    by = [t[k] for k in keys]
    return t.mutate(**{f"_mean_{m.name}": t[f"s__{key(m)}"].sum().over(group_by=by)
                       / t[f"n__{key(m)}"].sum().over(group_by=by).cast("float64")
                       for m in measures if m.agg is Agg.STD})
