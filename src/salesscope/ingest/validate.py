"""Checks that reject rows: bad values, orders, keys and references.

Rejections go to the temporary table ``_rej`` (one row per problem); a rejected row is counted
once however many problems it has.
"""

from __future__ import annotations

import duckdb

from salesscope.ingest.messages import STATUS_FA, Reason, sql_text
from salesscope.ingest.messages import sql_literal as lit
from salesscope.ingest.parse import expected_date
from salesscope.ingest.readers import q
from salesscope.ingest.typed import TEMPORAL, Typed
from salesscope.schema import TABLES, Table

REJ_DDL = ("CREATE TEMP TABLE _rej (src INTEGER, tbl VARCHAR, row BIGINT, col VARCHAR, "
           "value VARCHAR, code VARCHAR, reason VARCHAR, reason_fa VARCHAR)")


def _ignored(typed: Typed, name: str) -> str:
    """Rows where a column's value is ignored: an open deal's close date is an expected one."""
    if typed.table is Table.OPPORTUNITIES and name == "closed_at" and "status" in typed.columns:
        return "coalesce(status = 'open', FALSE)"
    return "FALSE"


def _reason_case(typed: Typed, name: str, lang: int) -> str:
    """The text of a column's reason code, in one language, as SQL."""
    info = typed.columns[name]
    whens = []
    for reason in Reason:
        params: dict[str, str] = {}
        if reason is Reason.BAD_DATE:
            if info.kind not in TEMPORAL:
                continue
            params["expected"] = lit(expected_date(info.fmt)[lang])
        elif reason is Reason.BAD_JALALI_DATE:
            if not info.jalali:
                continue
            params["detail"] = q("je_" + name)
            params["detail_fa"] = q("jf_" + name)
        elif reason in (Reason.MISSING_CLOSE_DATE, Reason.ORDER, Reason.DUPLICATE_KEY,
                        Reason.DANGLING_REFERENCE, Reason.OUTSIDE_SCOPE,
                        Reason.STORED_OUTSIDE_SCOPE, Reason.REFERENCE_OUTSIDE_SCOPE):
            continue
        whens.append(f"WHEN {lit(reason)} THEN {sql_text(reason, lang, **params)}")
    return f"CASE {q('x_' + name)} {' '.join(whens)} END"


def _checks(typed: Typed) -> list[tuple[str, str]]:
    """Every row-level check of a typed source: (what ``_rej`` records, on which rows)."""
    checks: list[tuple[str, str]] = []  # (what to record, on which rows)
    for name, info in typed.columns.items():
        if not info.can_fail:
            continue
        checks.append((f"{lit(name)}, {info.raw}, {q('x_' + name)}, "
                       f"{_reason_case(typed, name, 0)}, {_reason_case(typed, name, 1)}",
                       f"{q('x_' + name)} IS NOT NULL AND NOT {_ignored(typed, name)}"))
    spec = TABLES[typed.table]
    for order in spec.orders:
        e, later = order.earlier, order.later
        if e not in typed.columns or later not in typed.columns:
            continue
        params = {"earlier": lit(e), "earlier_value": typed.columns[e].raw}
        checks.append((f"{lit(later)}, {typed.columns[later].raw}, {lit(Reason.ORDER)}, "
                       f"{sql_text(Reason.ORDER, 0, **params)}, "
                       f"{sql_text(Reason.ORDER, 1, **params)}",
                       f"{q(later)} < {q(e)} AND NOT {_ignored(typed, later)}"))
    if typed.table is Table.OPPORTUNITIES and "status" in typed.columns:
        has_close = "closed_at" in typed.columns
        missing = "x_closed_at IS NULL AND closed_at IS NULL" if has_close else "TRUE"
        params = {"status": "status",
                  "status_fa": "CASE status " + " ".join(
                      f"WHEN {lit(k)} THEN {lit(v)}" for k, v in STATUS_FA.items()) + " END"}
        checks.append((f"'closed_at', {typed.columns['closed_at'].raw if has_close else 'NULL'}, "
                       f"{lit(Reason.MISSING_CLOSE_DATE)}, "
                       f"{sql_text(Reason.MISSING_CLOSE_DATE, 0, **params)}, "
                       f"{sql_text(Reason.MISSING_CLOSE_DATE, 1, **params)}",
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


LOADS_DDL = "CREATE TEMP TABLE _loads (tbl VARCHAR, src INTEGER, query VARCHAR)"


def staged_columns(table: Table) -> list[str]:
    """The columns the checks after staging read: the key and the references."""
    spec = TABLES[table]
    return [c.name for c in spec.columns if c.name in spec.key or c.references is not None]


def staging_ddl(table: Table) -> str:
    """A temporary table of the keys and references of the rows this import loads."""
    spec = TABLES[table]
    cols = [f"{q(n)} {spec.column(n).sql_type}" for n in staged_columns(table)]
    return (f"CREATE TEMP TABLE _stg_{table.value} (__src INTEGER, __row BIGINT, "
            f"{', '.join(cols)}, __bad BOOLEAN)")


def _stored_value(typed: Typed, n: str) -> str:
    """The SQL of one stored column from a typed source."""
    if n in typed.columns:
        ignored = _ignored(typed, n)
        return q(n) if ignored == "FALSE" else f"CASE WHEN {ignored} THEN NULL ELSE {q(n)} END"
    if n.endswith("_label") and n.removesuffix("_label") in typed.columns:
        return typed.columns[n.removesuffix("_label")].raw
    return "NULL"


def check_and_stage(con: duckdb.DuckDBPyConnection, typed: Typed, src: int,
                    collapsed: bool) -> None:
    """Record a typed source's row-level problems and stage the other rows.

    Staging keeps keys and references (what the later checks read); the rows are read again
    from the typed source when the table is loaded (``_loads``), so the wide rows are copied
    once, into the store. ``collapsed``: repeats may be dropped from the staging table later
    (``deduplicate``), so loading follows its rows.
    """
    spec = TABLES[typed.table]
    tbl, stg = lit(typed.table.value), f"_stg_{typed.table.value}"
    checks = _checks(typed)
    staged = [_stored_value(typed, n) for n in staged_columns(typed.table)]
    # One pass stages every row with a flag; the problems are spelled out only if any.
    bad = f"coalesce({' OR '.join(f'({w})' for _, w in checks)}, FALSE)" if checks else "FALSE"
    con.execute(f"INSERT INTO {stg} SELECT {src}, __row, {', '.join(staged)}, {bad} "
                f"FROM {typed.relation} t")
    if checks and con.execute(f"SELECT bool_or(__bad) FROM {stg} "
                              f"WHERE __src = {src}").fetchone()[0]:  # type: ignore[index]
        _reject_rows(con, typed, src, checks)
        con.execute(f"DELETE FROM {stg} WHERE __src = {src} AND __bad")
    accepted = (f"WHERE NOT EXISTS (SELECT 1 FROM _rej r WHERE r.src = {src} AND r.tbl = {tbl} "
                f"AND r.row = t.__row)")
    if collapsed:
        accepted += (f" AND EXISTS (SELECT 1 FROM _stg_{typed.table.value} s WHERE s.__src = "
                     f"{src} AND s.__row = t.__row)")
    stored = ", ".join(_stored_value(typed, n) for n in spec.column_names)
    con.execute("INSERT INTO _loads VALUES (?, ?, ?)",
                [typed.table.value, src, f"SELECT {stored} FROM {typed.relation} t {accepted}"])


def _key_sql(table: Table, alias: str = "") -> tuple[str, str]:
    """The key columns as a SQL list, and the key's value as one text."""
    spec = TABLES[table]
    pre = f"{alias}." if alias else ""
    cols = ", ".join(pre + q(k) for k in spec.key)
    if len(spec.key) == 1:
        return cols, f"CAST({pre}{q(spec.key[0])} AS VARCHAR)"
    shown = " || ', ' || ".join(f"coalesce(CAST({pre}{q(k)} AS VARCHAR), '')" for k in spec.key)
    return cols, f"'(' || {shown} || ')'"


def collapse(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    """Keep the first row per key, silently (``deduplicate: true``); return how many went."""
    cols, _ = _key_sql(table)
    stg = f"_stg_{table.value}"
    before = con.execute(f"SELECT count(*) FROM {stg}").fetchone()[0]  # type: ignore[index]
    con.execute(f"DELETE FROM {stg} WHERE (__src, __row) IN (SELECT (__src, __row) FROM "
                f"(SELECT __src, __row, row_number() OVER (PARTITION BY {cols} "
                f"ORDER BY __src, __row) AS rn FROM {stg}) WHERE rn > 1)")
    after = con.execute(f"SELECT count(*) FROM {stg}").fetchone()[0]  # type: ignore[index]
    return before - after


def duplicates(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Reject later rows with a key already seen in this import, naming the first row."""
    spec = TABLES[table]
    cols, shown = _key_sql(table)
    stg = f"_stg_{table.value}"
    # A cheap grouped count first: the windowed pass runs only over keys that repeat.
    dup_keys = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {stg} GROUP BY {cols} "
                           f"HAVING count(*) > 1)").fetchone()[0]  # type: ignore[index]
    if not dup_keys:
        return
    key_name = spec.key[0] if len(spec.key) == 1 else "key (" + ", ".join(spec.key) + ")"
    params = {"key": lit(key_name), "first": "s.label || ':' || d.fr"}
    con.execute(
        f"INSERT INTO _rej SELECT d.__src, {lit(table.value)}, d.__row, {lit(', '.join(spec.key))},"
        f" d.shown, {lit(Reason.DUPLICATE_KEY)}, {sql_text(Reason.DUPLICATE_KEY, 0, **params)}, "
        f"{sql_text(Reason.DUPLICATE_KEY, 1, **params)} FROM (SELECT __src, __row, {shown} AS "
        f"shown, row_number() OVER w AS rn, first_value(__src) OVER w AS fs, first_value(__row) "
        f"OVER w AS fr FROM {stg} WINDOW w AS (PARTITION BY {cols} ORDER BY __src, __row)) d "
        f"JOIN _sources s ON s.src = d.fs WHERE d.rn > 1"
    )
    drop_rejected(con, table)


def drop_rejected(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Remove rejected rows from a staging table."""
    con.execute(f"DELETE FROM _stg_{table.value} AS t USING _rej r WHERE r.tbl = "
                f"{lit(table.value)} AND r.src = t.__src AND r.row = t.__row")


def references(con: duckdb.DuckDBPyConnection, staged: dict[Table, set[str]]) -> list[str]:
    """Reject dangling references; return one warning per referenced table that is empty.

    ``staged`` holds, per table in this import, the columns the import mapped.
    """
    warnings: dict[Table, list[str]] = {}
    # A rejected row leaves the rows that point at it dangling, and those rows in turn theirs
    # (customer -> deal -> activity): repeat until a pass rejects nothing new.
    first = True
    while _reference_pass(con, staged, warnings, first):
        first = False
    return [f"references not checked: table '{t.value}' is empty ({', '.join(cols)} kept as "
            "given)" for t, cols in warnings.items()]


def _reference_pass(con: duckdb.DuckDBPyConnection, staged: dict[Table, set[str]],
                    warnings: dict[Table, list[str]], first: bool) -> int:
    """Reject rows whose references are not stored or staged; return how many were new."""
    before = con.execute("SELECT count(*) FROM _rej").fetchone()[0]  # type: ignore[index]
    for table, mapped in staged.items():
        for col in TABLES[table].columns:
            if col.references is None or col.name not in mapped:
                continue
            target = col.references
            if not first and target in warnings:
                continue  # empty from the start: these references are kept as given
            tkey = TABLES[target].key[0]
            stored = con.execute(f"SELECT count(*) FROM main.{q(target.value)}").fetchone()[0]  # type: ignore[index]
            here = target in staged and con.execute(
                f"SELECT count(*) FROM _stg_{target.value}").fetchone()[0]  # type: ignore[index]
            if first and not stored and not here:
                warnings.setdefault(target, []).append(f"{table.value}.{col.name}")
                continue
            c = q(col.name)
            also = (f"AND NOT EXISTS (SELECT 1 FROM _stg_{target.value} s WHERE s.{q(tkey)} = k.v)"
                    if target in staged else "")
            # Checked over the distinct values (millions of rows, thousands of keys); the rows
            # are visited only when some value dangles.
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _dangling AS SELECT v FROM (SELECT DISTINCT "
                f"{c} AS v FROM _stg_{table.value} WHERE {c} IS NOT NULL) k WHERE NOT EXISTS "
                f"(SELECT 1 FROM main.{q(target.value)} r WHERE r.{q(tkey)} = k.v) {also}")
            if not con.execute("SELECT count(*) FROM _dangling").fetchone()[0]:  # type: ignore[index]
                continue
            params = {"target": lit(target.value), "target_key": lit(tkey), "value": f"t.{c}"}
            con.execute(
                f"INSERT INTO _rej SELECT t.__src, {lit(table.value)}, t.__row, {lit(col.name)}, "
                f"t.{c}, {lit(Reason.DANGLING_REFERENCE)}, "
                f"{sql_text(Reason.DANGLING_REFERENCE, 0, **params)}, "
                f"{sql_text(Reason.DANGLING_REFERENCE, 1, **params)} FROM _stg_{table.value} t "
                f"SEMI JOIN _dangling d ON d.v = t.{c}"
            )
    con.execute("DROP TABLE IF EXISTS _dangling")
    new = con.execute("SELECT count(*) FROM _rej").fetchone()[0] - before  # type: ignore[index]
    if new:
        for table in staged:
            drop_rejected(con, table)
    return new
