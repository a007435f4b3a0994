"""Checks that reject rows: bad values, orders, keys and references.

Rejections go to the temporary table ``_rej`` (one row per problem); a rejected row is counted
once however many problems it has. A link to a row rejected in the same import is cleared and
reported (``_unlinked``) instead of rejecting the row that holds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import duckdb

from salesscope import locale
from salesscope.ingest.messages import (
    Reason,
    SqlParam,
    reason_columns,
    say,
    sql_text,
    sql_texts,
    sql_words,
)
from salesscope.ingest.messages import sql_literal as lit
from salesscope.ingest.parse import expected_date
from salesscope.ingest.readers import q
from salesscope.ingest.typed import TEMPORAL, Typed, jalali_problem
from salesscope.locale import Text
from salesscope.schema import TABLES, Table, TableSpec
from salesscope.sqlvalue import scalar


def rej_ddl() -> str:
    """The rejections table: where, the value, the reason code and its text in every language."""
    texts = ", ".join(f"{c} VARCHAR" for c in reason_columns())
    return ("CREATE TEMP TABLE _rej (src INTEGER, tbl VARCHAR, row BIGINT, col VARCHAR, "
            f"value VARCHAR, code VARCHAR, {texts})")


# The source column(s) each stored column of a source comes from, for messages.
COLS_DDL = "CREATE TEMP TABLE _cols (src INTEGER, tbl VARCHAR, col VARCHAR, scol VARCHAR)"
# Keys of rows rejected in this import, and the links to them cleared on other rows.
GONE_DDL = "CREATE TEMP TABLE _gone (tbl VARCHAR, k VARCHAR)"
UNLINKED_DDL = ("CREATE TEMP TABLE _unlinked (src INTEGER, tbl VARCHAR, row BIGINT, "
                "col VARCHAR, value VARCHAR, target VARCHAR)")
LOADS_DDL = ("CREATE TEMP TABLE _loads (tbl VARCHAR, src INTEGER, query VARCHAR, "
             "enrich_cols VARCHAR)")


def rejected(table: Table | str, src: int | None = None) -> str:
    """A subquery of the rows of a table rejected so far: their row numbers in one source, or
    ``(source, row)`` pairs. Tested with ``IN`` it is one hash join; a correlated ``EXISTS``
    would make DuckDB copy every row it tests first."""
    tbl = lit(table.value if isinstance(table, Table) else table)
    if src is None:
        return f"SELECT (src, row) FROM _rej WHERE tbl = {tbl}"
    return f"SELECT row FROM _rej WHERE tbl = {tbl} AND src = {src} AND row IS NOT NULL"


@dataclass
class Stage:
    """The keys and references of the rows of one table this import loads.

    Whole rows replace stored rows by key; enriching rows (``enrich``) update the mapped
    columns of rows stored or loaded whole in the same import.
    """

    table: Table
    spec: TableSpec  # with every attribute and rep role the import declares for the table
    enrich: bool = False
    mapped: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"_stg{'e' if self.enrich else ''}_{self.table.value}"

    @property
    def columns(self) -> list[str]:
        """The columns the checks after staging read: the key and the references."""
        return [c.name for c in self.spec.columns
                if c.name in self.spec.key or c.references is not None]

    def ddl(self) -> str:
        cols = [f"{q(n)} {self.spec.column(n).sql_type}" for n in self.columns]
        return (f"CREATE TEMP TABLE {self.name} (__src INTEGER, __row BIGINT, "
                f"{', '.join(cols)}, __bad BOOLEAN)")


def _ignored(typed: Typed, name: str) -> str:
    """Rows where a column's value is ignored: an open deal's close date is an expected one."""
    if typed.table is Table.OPPORTUNITIES and name == "closed_at" and "status" in typed.columns:
        return "coalesce(status = 'open', FALSE)"
    return "FALSE"


def _excused(typed: Typed, name: str) -> str:
    """Problems that do not reject a row: an open deal may lack its creation date (flagged)."""
    if typed.table is Table.OPPORTUNITIES and name == "created_at" and "status" in typed.columns:
        return f"({q('x_' + name)} = {lit(Reason.MISSING_VALUE)} AND coalesce(status = 'open', " \
               "FALSE))"
    return "FALSE"


def _reason_case(typed: Typed, name: str, lang: str) -> str:
    """The text of a column's reason code, in one language, as SQL."""
    info = typed.columns[name]
    whens = []
    for reason in Reason:
        params: dict[str, str] = {}
        if reason is Reason.BAD_DATE:
            if info.kind not in TEMPORAL:
                continue
            params["expected"] = lit(expected_date(info.fmt)(lang))
        elif reason is Reason.BAD_JALALI_DATE:
            if not info.jalali:
                continue
            params["detail"] = jalali_problem(name, lang)
        elif reason is Reason.CELL_ERROR:
            if not info.marked:
                continue
            params["error"] = info.raw
        elif reason in (Reason.MISSING_CLOSE_DATE, Reason.ORDER, Reason.DUPLICATE_KEY,
                        Reason.DANGLING_REFERENCE, Reason.NOT_FOUND, Reason.OUTSIDE_SCOPE,
                        Reason.STORED_OUTSIDE_SCOPE, Reason.REFERENCE_OUTSIDE_SCOPE):
            continue
        whens.append(f"WHEN {lit(reason)} THEN {sql_text(reason, lang, **params)}")
    return f"CASE {q('x_' + name)} {' '.join(whens)} END"


def _checks(typed: Typed, enrich: bool) -> list[tuple[str, str]]:
    """Every row-level check of a typed source: (what ``_rej`` records, on which rows)."""
    checks: list[tuple[str, str]] = []  # (what to record, on which rows)
    for name, info in typed.columns.items():
        if not info.can_fail:
            continue
        checks.append((f"{lit(name)}, {info.raw}, {q('x_' + name)}, "
                       + ", ".join(_reason_case(typed, name, lang) for lang in locale.languages()),
                       f"{q('x_' + name)} IS NOT NULL AND NOT {_ignored(typed, name)} "
                       f"AND NOT {_excused(typed, name)}"))
    for order in typed.spec.orders:
        e, later = order.earlier, order.later
        if e not in typed.columns or later not in typed.columns:
            continue
        params = {"earlier": lit(typed.columns[e].source or e),
                  "earlier_value": typed.columns[e].raw}
        checks.append((f"{lit(later)}, {typed.columns[later].raw}, {lit(Reason.ORDER)}, "
                       f"{sql_texts(Reason.ORDER, **params)}",
                       f"{q(later)} < {q(e)} AND NOT {_ignored(typed, later)}"))
    if typed.table is Table.OPPORTUNITIES and "status" in typed.columns and not enrich:
        has_close = "closed_at" in typed.columns
        missing = "x_closed_at IS NULL AND closed_at IS NULL" if has_close else "TRUE"
        status: dict[str, SqlParam] = {"status": sql_words("status", "deal_status", ["won", "lost", "open"])}
        checks.append((f"'closed_at', {typed.columns['closed_at'].raw if has_close else 'NULL'}, "
                       f"{lit(Reason.MISSING_CLOSE_DATE)}, "
                       f"{sql_texts(Reason.MISSING_CLOSE_DATE, **status)}",
                       f"status IN ('won', 'lost') AND {missing}"))
    return checks


def _reject_rows(con: duckdb.DuckDBPyConnection, typed: Typed, src: int,
                 checks: list[tuple[str, str]]) -> None:
    """Record every row-level problem of a typed source."""
    tbl = lit(typed.table.value)
    rel = typed.relation
    if typed.view:
        # A view computes its values on every scan: the few rows with a problem are taken
        # once, and each check reads only those.
        rel = f"_bad_{typed.relation}"
        con.execute(f"CREATE TEMP TABLE {rel} AS SELECT * FROM {typed.relation} WHERE "
                    + " OR ".join(f"({w})" for _, w in checks))
    for what, where in checks:
        con.execute(f"INSERT INTO _rej SELECT {src}, {tbl}, __row, {what} FROM {rel} "
                    f"WHERE {where}")
    if typed.view:
        con.execute(f"DROP TABLE {rel}")


def _stored_value(typed: Typed, n: str) -> str:
    """The SQL of one stored column from a typed source."""
    if n in typed.columns:
        ignored = _ignored(typed, n)
        return q(n) if ignored == "FALSE" else f"CASE WHEN {ignored} THEN NULL ELSE {q(n)} END"
    if n.endswith("_label") and n.removesuffix("_label") in typed.columns:
        return typed.columns[n.removesuffix("_label")].raw
    return "NULL"


def enriched_columns(typed: Typed) -> list[str]:
    """The stored columns an enriching source updates: what it maps, but the key."""
    key = typed.spec.key[0]
    out = []
    for n in typed.spec.column_names:
        base = n.removesuffix("_label") if n.endswith("_label") and not typed.spec.has(n) else n
        if base in typed.columns and n != key:
            out.append(n)
    return out


def check_and_stage(con: duckdb.DuckDBPyConnection, typed: Typed, src: int, stage: Stage,
                    collapsed: bool) -> None:
    """Record a typed source's row-level problems and stage the other rows.

    Staging keeps keys and references (what the later checks read); the rows are read again
    from the typed source when the table is loaded (``_loads``), so the wide rows are copied
    once, into the store. ``collapsed``: repeats may be dropped from the staging table later
    (``deduplicate``), so loading follows its rows.
    """
    stg = stage.name
    con.executemany("INSERT INTO _cols VALUES (?, ?, ?, ?)",
                    [[src, typed.table.value, n, i.source] for n, i in typed.columns.items()])
    checks = _checks(typed, stage.enrich)
    staged = [_stored_value(typed, n) for n in stage.columns]
    # One pass stages every row with a flag; the problems are spelled out only if any.
    bad = f"coalesce({' OR '.join(f'({w})' for _, w in checks)}, FALSE)" if checks else "FALSE"
    con.execute(f"INSERT INTO {stg} SELECT {src}, __row, {', '.join(staged)}, {bad} "
                f"FROM {typed.relation} t")
    if checks and scalar(con.execute(f"SELECT bool_or(__bad) FROM {stg} "
                                     f"WHERE __src = {src}")):
        _reject_rows(con, typed, src, checks)
        _drop(con, stage, f"__src = {src} AND __bad")
    accepted = f"WHERE t.__row NOT IN ({rejected(typed.table, src)})"
    if collapsed:
        accepted += f" AND t.__row IN (SELECT __row FROM {stg} WHERE __src = {src})"
    if stage.enrich:
        cols = [typed.spec.key[0], *enriched_columns(typed)]
        stored = ", ".join(f"{_stored_value(typed, n)} AS {q(n)}" for n in cols)
        con.execute("INSERT INTO _loads VALUES (?, ?, ?, ?)",
                    [typed.table.value, src, f"SELECT {stored} FROM {typed.relation} t {accepted}",
                     json.dumps(cols[1:])])
        return
    stored = ", ".join(_stored_value(typed, n) for n in stage.spec.column_names)
    con.execute("INSERT INTO _loads VALUES (?, ?, ?, NULL)",
                [typed.table.value, src, f"SELECT {stored} FROM {typed.relation} t {accepted}"])


def open_without_start(con: duckdb.DuckDBPyConnection, typed: Typed, src: int) -> list[int]:
    """Rows of open deals loaded without a creation date (flagged, not rejected)."""
    excused = _excused(typed, "created_at")
    if excused == "FALSE" or "created_at" not in typed.columns:
        return []
    return [r[0] for r in con.execute(
        f"SELECT __row FROM {typed.relation} t WHERE {excused} AND "
        f"t.__row NOT IN ({rejected(typed.table, src)}) ORDER BY __row").fetchall()]


def _key_sql(spec: TableSpec, alias: str = "") -> tuple[str, str]:
    """The key columns as a SQL list, and the key's value as one text."""
    pre = f"{alias}." if alias else ""
    cols = ", ".join(pre + q(k) for k in spec.key)
    if len(spec.key) == 1:
        return cols, f"CAST({pre}{q(spec.key[0])} AS VARCHAR)"
    shown = " || ', ' || ".join(f"coalesce(CAST({pre}{q(k)} AS VARCHAR), '')" for k in spec.key)
    return cols, f"'(' || {shown} || ')'"


def collapse(con: duckdb.DuckDBPyConnection, stage: Stage) -> int:
    """Keep the first row per key, silently (``deduplicate: true``); return how many went."""
    cols, _ = _key_sql(stage.spec)
    stg = stage.name
    before = scalar(con.execute(f"SELECT count(*) FROM {stg}"))
    con.execute(f"DELETE FROM {stg} WHERE (__src, __row) IN (SELECT (__src, __row) FROM "
                f"(SELECT __src, __row, row_number() OVER (PARTITION BY {cols} "
                f"ORDER BY __src, __row) AS rn FROM {stg}) WHERE rn > 1)")
    after = scalar(con.execute(f"SELECT count(*) FROM {stg}"))
    return before - after


def duplicates(con: duckdb.DuckDBPyConnection, stage: Stage) -> None:
    """Reject later rows with a key already seen in this import, naming the first row.

    Enriching files may each update the same row (different columns): a key repeats only
    within one of them.
    """
    spec = stage.spec
    cols, shown = _key_sql(spec)
    if stage.enrich:
        cols = f"__src, {cols}"
    stg = stage.name
    # A cheap grouped count first: the windowed pass runs only over keys that repeat.
    dup_keys = scalar(con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {stg} GROUP BY {cols} "
                                  f"HAVING count(*) > 1)"))
    if not dup_keys:
        return
    key_name = spec.key[0] if len(spec.key) == 1 else "key (" + ", ".join(spec.key) + ")"
    params = {"key": lit(key_name), "first": "s.label || ':' || d.fr"}
    con.execute(
        f"INSERT INTO _rej SELECT d.__src, {lit(stage.table.value)}, d.__row, "
        f"{lit(', '.join(spec.key))}, d.shown, {lit(Reason.DUPLICATE_KEY)}, "
        f"{sql_texts(Reason.DUPLICATE_KEY, **params)} FROM (SELECT __src, __row, {shown} AS "
        f"shown, row_number() OVER w AS rn, first_value(__src) OVER w AS fs, first_value(__row) "
        f"OVER w AS fr FROM {stg} WINDOW w AS (PARTITION BY {cols} ORDER BY __src, __row)) d "
        f"JOIN _sources s ON s.src = d.fs WHERE d.rn > 1"
    )
    drop_rejected(con, stage)


def not_found(con: duckdb.DuckDBPyConnection, stage: Stage) -> None:
    """Reject enriching rows whose key is neither stored nor loaded whole in this import."""
    key = q(stage.spec.key[0])
    whole = f"_stg_{stage.table.value}"
    has_whole = scalar(con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND "
                                   "table_name = ?", [whole]))
    also = f"AND NOT EXISTS (SELECT 1 FROM {whole} w WHERE w.{key} = e.{key})" if has_whole else ""
    params = {"table": lit(stage.table.value), "key": lit(stage.spec.key[0]),
              "value": f"e.{key}"}
    con.execute(
        f"INSERT INTO _rej SELECT e.__src, {lit(stage.table.value)}, e.__row, "
        f"{lit(stage.spec.key[0])}, e.{key}, {lit(Reason.NOT_FOUND)}, "
        f"{sql_texts(Reason.NOT_FOUND, **params)} "
        f"FROM {stage.name} e WHERE NOT EXISTS (SELECT 1 FROM main.{q(stage.table.value)} r "
        f"WHERE r.{key} = e.{key}) {also}")
    drop_rejected(con, stage)


def _drop(con: duckdb.DuckDBPyConnection, stage: Stage, where: str) -> None:
    """Remove staged rows, remembering the keys of whole rows (links to them are cleared)."""
    if not stage.enrich and stage.spec.has_id:
        key = q(stage.spec.key[0])
        con.execute(f"INSERT INTO _gone SELECT {lit(stage.table.value)}, CAST({key} AS VARCHAR) "
                    f"FROM {stage.name} t WHERE {where} AND {key} IS NOT NULL")
    con.execute(f"DELETE FROM {stage.name} AS t WHERE {where}")


def drop_rejected(con: duckdb.DuckDBPyConnection, stage: Stage | Table) -> None:
    """Remove rejected rows from a staging table (of whole rows, when given a table)."""
    if isinstance(stage, Table):
        stage = Stage(stage, TABLES[stage])
    _drop(con, stage, f"(t.__src, t.__row) IN ({rejected(stage.table)})")


def references(con: duckdb.DuckDBPyConnection, stages: list[Stage]) -> list[Text]:
    """Reject dangling references; return one warning per referenced table that is empty."""
    warnings: dict[Table, list[str]] = {}
    # A rejected row leaves the rows that point at it dangling, and those rows in turn theirs
    # (customer -> deal -> activity): repeat until a pass rejects nothing new.
    first = True
    while _reference_pass(con, stages, warnings, first):
        first = False
    return [say("references_unchecked", table=t.value, columns=", ".join(cols))
            for t, cols in warnings.items()]


def _unlinkable(stage: Stage, col: str) -> bool:
    """Whether a link may be cleared (rather than the row rejected) when its target is rejected."""
    c = stage.spec.column(col)
    return not stage.enrich and stage.spec.has_id and not c.required and col not in stage.spec.key


def _reference_pass(con: duckdb.DuckDBPyConnection, stages: list[Stage],
                    warnings: dict[Table, list[str]], first: bool) -> int:
    """Reject rows whose references are not stored or staged; return how many were new."""
    before = scalar(con.execute("SELECT count(*) FROM _rej"))
    whole = {s.table for s in stages if not s.enrich}
    for stage in stages:
        table = stage.table
        for col in stage.spec.columns:
            if col.references is None or col.name not in stage.mapped:
                continue
            target = col.references
            if not first and target in warnings:
                continue  # empty from the start: these references are kept as given
            tkey = TABLES[target].key[0]
            stored = scalar(con.execute(f"SELECT count(*) FROM main.{q(target.value)}"))
            here = target in whole and scalar(con.execute(
                f"SELECT count(*) FROM _stg_{target.value}"))
            gone = scalar(con.execute("SELECT count(*) FROM _gone WHERE tbl = ?", [target.value]))
            if first and not stored and not here and not gone:
                warnings.setdefault(target, []).append(f"{table.value}.{col.name}")
                continue
            c = q(col.name)
            also = (f"AND NOT EXISTS (SELECT 1 FROM _stg_{target.value} s WHERE s.{q(tkey)} = k.v)"
                    if target in whole else "")
            # Checked over the distinct values (millions of rows, thousands of keys); the rows
            # are visited only when some value dangles.
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _dangling AS SELECT v, EXISTS (SELECT 1 FROM _gone "
                f"g WHERE g.tbl = {lit(target.value)} AND g.k = CAST(k.v AS VARCHAR)) AS gone "
                f"FROM (SELECT DISTINCT {c} AS v FROM {stage.name} WHERE {c} IS NOT NULL) k "
                f"WHERE NOT EXISTS (SELECT 1 FROM main.{q(target.value)} r WHERE r.{q(tkey)} = "
                f"k.v) {also}")
            if not scalar(con.execute("SELECT count(*) FROM _dangling")):
                continue
            rejected = "NOT d.gone"
            if _unlinkable(stage, col.name):
                # The target row was rejected here: its own rejection says why; this row
                # loads without the link, which the import reports.
                con.execute(
                    f"INSERT INTO _unlinked SELECT t.__src, {lit(table.value)}, t.__row, "
                    f"{lit(col.name)}, t.{c}, {lit(target.value)} FROM {stage.name} t "
                    f"JOIN _dangling d ON d.v = t.{c} WHERE d.gone")
                con.execute(f"UPDATE {stage.name} t SET {c} = NULL FROM _dangling d "
                            f"WHERE d.v = t.{c} AND d.gone")
            else:
                rejected = "TRUE"
            params = {"target": lit(target.value), "target_key": lit(tkey), "value": f"t.{c}"}
            con.execute(
                f"INSERT INTO _rej SELECT t.__src, {lit(table.value)}, t.__row, {lit(col.name)}, "
                f"t.{c}, {lit(Reason.DANGLING_REFERENCE)}, "
                f"{sql_texts(Reason.DANGLING_REFERENCE, **params)} FROM {stage.name} t "
                f"JOIN _dangling d ON d.v = t.{c} WHERE {rejected}"
            )
    con.execute("DROP TABLE IF EXISTS _dangling")
    new = scalar(con.execute("SELECT count(*) FROM _rej")) - before
    if new:
        for stage in stages:
            drop_rejected(con, stage)
    return new


def won_before_contact(con: duckdb.DuckDBPyConnection, stages: list[Stage],
                       shown: int = 5) -> list[Text]:
    """After loading: deals won before their lead was first contacted (or created), among the
    deals and leads of this import. Both stay loaded; the dates are reported for a check."""
    here = {s.table for s in stages}
    if not here & {Table.LEADS, Table.OPPORTUNITIES}:
        return []
    keys: dict[Table, list[str]] = {}
    for s in stages:
        keys.setdefault(s.table, []).append(f"SELECT {q(s.spec.key[0])} FROM {s.name}")
    mine = [f"SELECT * FROM links WHERE {q(TABLES[t].key[0])} IN ({' UNION ALL '.join(sql)})"
            for t, sql in keys.items() if t in (Table.OPPORTUNITIES, Table.LEADS)]
    # The pairs are found by equality joins alone and their dates compared afterwards: within
    # the import's transaction the new rows carry no statistics, and a date comparison inside
    # the join lets DuckDB pair every won deal with every lead (quadratic in the import's size).
    # The link may be on either side.
    con.execute(
        "CREATE TEMP TABLE _won_links AS WITH links AS (SELECT opportunity_id, lead_id FROM "
        "main.opportunities WHERE lead_id IS NOT NULL UNION SELECT opportunity_id, lead_id FROM "
        f"main.leads WHERE opportunity_id IS NOT NULL), mine AS ({' UNION '.join(mine)}) "
        "SELECT o.opportunity_id, o.closed_at, l.lead_id, coalesce(l.first_contacted_at, "
        "l.created_at) AS contacted FROM mine k "
        "JOIN main.opportunities o ON o.opportunity_id = k.opportunity_id "
        "JOIN main.leads l ON l.lead_id = k.lead_id WHERE o.status = 'won'")
    rows = con.execute("SELECT opportunity_id, CAST(closed_at AS DATE), lead_id, CAST(contacted AS DATE) "
                       "FROM _won_links WHERE closed_at < contacted ORDER BY 1").fetchall()
    con.execute("DROP TABLE _won_links")
    if not rows:
        return []
    cases = "; ".join(f"{o} won {c} < {lead} {f}" for o, c, lead, f in rows[:shown])
    more = f"; ... ({len(rows)})" if len(rows) > shown else ""
    return [say("won_before_contact", n=len(rows), cases=cases + more)]
